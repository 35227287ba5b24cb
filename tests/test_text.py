"""Sentences, paragraphs and the context of a span (annot.text): what the published `context` column holds."""

from __future__ import annotations

from typing import get_args

import pytest

from annot.schema import Unit
from annot.text import (
    SPLITTERS,
    Contexts,
    context_in,
    context_of,
    paragraph_spans,
    sentence_spans,
    sentences,
    spans_of,
)


@pytest.mark.parametrize(
    ("text", "phrase", "context"),
    [
        ("One. Two is here. Three.", "Two", "Two is here."),
        ("He said “stop.” Then left.", "stop", "He said “stop.”"),
        ("Dr. No said yes. Fine.", "yes", "Dr. No said yes."),
        ("J. Smith said no! Ok.", "no", "J. Smith said no!"),
        ("It rose 3.5 per cent. Next.", "3.5", "It rose 3.5 per cent."),
        ("A line\nwithout end", "without", "without end"),
    ],
)
def test_context_is_the_sentence_holding_the_claim(text: str, phrase: str, context: str) -> None:
    start = text.index(phrase)
    assert context_of(text, start, start + len(phrase)) == context


def test_paragraph_context() -> None:
    text = "First para. Still first.\n\nSecond para. Again."
    start = text.index("Still")
    assert context_of(text, start, start + 5, "paragraph") == "First para. Still first."


def test_a_span_across_sentences_gets_all_of_them() -> None:
    text = "First one. It goes on. Third here."
    start, end = text.index("one"), text.index("goes") + 4
    assert context_of(text, start, end) == "First one. It goes on."
    assert context_in(text, sentence_spans(text), start, end) == context_of(text, start, end)


@pytest.mark.parametrize("text", ["", "  \n\n ", "One.", "A. B. C.\n\nD?  E!\n", "Mr. X said “no.” Then… left"])
def test_pieces_are_ordered_trimmed_and_disjoint(text: str) -> None:
    for split in (sentence_spans, paragraph_spans):
        spans = split(text)
        assert all(text[s:e] == text[s:e].strip() and text[s:e] for s, e in spans)
        assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))


def test_every_unit_a_schema_may_name_has_a_splitter() -> None:
    assert set(get_args(Unit.model_fields["context"].annotation)) == set(SPLITTERS)
    with pytest.raises(ValueError, match="no splitter for the unit 'clause'"):
        spans_of("Text.", "clause")


@pytest.mark.parametrize(
    ("text", "sentences_expected"),
    [
        # a title or a month before a name or a number does not end a sentence
        ("Gov. Tim Olsen spoke in Geneva. The talks ended.", ["Gov. Tim Olsen spoke in Geneva.", "The talks ended."]),
        ("The vote is on Nov. 5 in Leeds. It is close.", ["The vote is on Nov. 5 in Leeds.", "It is close."]),
        # initials and dotted acronyms are left to pysbd
        ("U.S. officials met J. Ruiz. They agreed.", ["U.S. officials met J. Ruiz.", "They agreed."]),
        # French quotation marks with their inner space still start a sentence; a capital beyond ASCII too
        ("C'est symbolique. « Il faut agir », dit-il.", ["C'est symbolique.", "« Il faut agir », dit-il."]),
        ("Es ist vorbei. Ärger bleibt.", ["Es ist vorbei.", "Ärger bleibt."]),
        # no sentence starts in lower case or with a comma
        ("He left at 5 p.m. and came back.", ["He left at 5 p.m. and came back."]),
    ],
)
def test_one_splitter_for_contexts_and_the_pre_annotator(text: str, sentences_expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences_expected


def test_joined_keeps_text_together_across_a_cut() -> None:
    text = 'She said: "We tried. We failed." Then she left.'
    quote = (text.index('"'), text.rindex('"'))
    plain = [text[s:e].strip() for s, e in sentences(text)]
    kept = [text[s:e].strip() for s, e in sentences(text, joined=lambda cut: quote[0] < cut - 1 < quote[1])]
    assert plain == ['She said: "We tried.', 'We failed."', "Then she left."]
    assert kept == ['She said: "We tried. We failed."', "Then she left."]


@pytest.mark.parametrize("unit", ["sentence", "paragraph"])
def test_contexts_split_lazily_give_what_splitting_everything_gives(unit: str) -> None:
    text = "Mr. Ode said the plan works. Others disagree.\n\nIt failed in Kano. Dr. Bello said so. Done."
    contexts = Contexts(text, unit)
    pieces = spans_of(text, unit)
    for phrase in ("plan", "Others", "Kano", "Bello", "so. Done"):
        start = text.index(phrase)
        assert contexts.of(start, start + len(phrase)) == context_in(text, pieces, start, start + len(phrase))


def test_search_from_the_last_word_finds_what_a_search_from_the_start_finds() -> None:
    # The splitter looks for a title before a stop from the cut's last word on, not from the paragraph's start.
    import re

    from annot.text import ABBREVIATION_END_RE, last_word_start

    text = "Talks with Gov.  Tim Olsen and Sen.\tAmy Ruiz went on. In Sept. \u2003 they met at No. 10 with Mr.\u00a0X"
    other = re.compile(r"(?:\b(?:the|of|\d+)|\w['’]s)\s+$")
    hits = 0
    for end in range(len(text) + 1):
        for start in (0, max(0, end - 5), max(0, end - 1)):
            for pattern in (ABBREVIATION_END_RE, other):
                a = pattern.search(text, start, end)
                b = pattern.search(text, last_word_start(text, start, end), end)
                assert (a and a.span()) == (b and b.span())
                hits += a is not None
    assert hits > 10
