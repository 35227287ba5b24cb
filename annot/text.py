"""Units of an article's text: sentences and paragraphs as (start, end) offsets, and the context of a span.

A splitter is a function `text -> [(start, end), ...]` whose pieces are in order, do not overlap and
are trimmed of whitespace; `SPLITTERS` names them by the unit a schema asks for (`unit.context`).
The published `context` column is cut with them, so changing a splitter changes published rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Spans = list[tuple[int, int]]
Splitter = Callable[[str], Spans]

# Titles and abbreviations whose full stop does not end a sentence before what follows ("Gov. Tim Olsen",
# "No. 10", "St. Brendan's"): pysbd splits after some of them.
ABBREVIATIONS = (
    "Mr|Mrs|Ms|Mx|Dr|Gov|Sen|Rep|Gen|Lt|Col|Capt|Sgt|Cpl|Maj|Adm|Prof|Rev|St|Jr|Sr|Inc|Corp|Ltd|Co|No|Det|Insp|Supt"
    "|Dep|Sec|Pres|Amb|Atty|Hon|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
ABBREVIATION_END_RE = re.compile(rf"\b(?:{ABBREVIATIONS})\.\s+$")
# Where a sentence may end (a stop, closing quotes, space, then a capital or digit, perhaps after an opening
# quote), and a stop that surely ends one: after a word of three letters or more (or a closing
# bracket or two digits), possibly inside a closing quotation mark; "Geneva." too, titles and months being
# left out of the candidates.
CANDIDATE_STOP_RE = re.compile(r"[.?!…][\"”’»)]*\s+(?=\S)")  # what may follow: `_starts_sentence` says
PLAIN_STOP_RE = re.compile(r"(?:\b[A-Za-z][a-z]{2,}|[a-z]{3,}[\"”’)]|[?!…]|\d{2,})[.?!…]?[\"”’)]*$")
PLAIN_WORD_CHARS = 12
_LINE_BREAK = re.compile(r"\n\s*")
_OPENING = '"“„«‘('


def sentences(
    text: str, start: int = 0, end: int | None = None, joined: Callable[[int], bool] | None = None
) -> Iterator[tuple[int, int]]:
    """The sentences of one paragraph, text[start:end], as (start, end) offsets; each runs up to where the next
    starts (trailing whitespace included).

    Abbreviations ("Mr.", "U.S.", "No. 10", "Jan.") do not end a sentence, and no sentence starts with a
    comma or in lower case. `joined(cut)`, when given, keeps the text together across a cut the splitter would
    make (the pre-annotator keeps a quotation of several sentences whole).
    """
    end = len(text) if end is None else end
    begin = start
    for cut in _boundaries(text, start, end):
        if ABBREVIATION_END_RE.search(text, last_word_start(text, start, cut), cut):
            continue
        if text[cut : cut + 1] in ",;:" or text[cut : cut + 1].islower():
            continue  # "Rep. Dana Ruiz, D-Calif., told": no sentence starts with a comma or in lowercase
        if joined is not None and joined(cut):
            continue
        yield begin, cut
        begin = cut
    if begin < end:
        yield begin, end


def sentence_spans(text: str) -> Spans:
    """Sentences as (start, end) offsets, whitespace trimmed: `sentences` of each line of the text."""
    return [
        span for p_start, p_end in paragraph_spans(text) for span in _trimmed(text, sentences(text, p_start, p_end))
    ]


def _trimmed(text: str, spans: Iterable[tuple[int, int]]) -> Spans:
    trimmed = []
    for s, e in spans:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trimmed.append((s + lead, s + len(piece.rstrip())))
    return trimmed


@functools.cache
def _segmenter() -> Any:
    import pysbd  # rule-based, offline, knows English abbreviations

    return pysbd.Segmenter(language="en", clean=False)


def _boundaries(text: str, start: int, end: int) -> list[int]:
    """Where a new sentence may start (after the whitespace), as indices of text.

    A full stop after an ordinary lowercase word ends a sentence, one after a title ("Mr.", "Gov.", "No.")
    does not; pysbd (slower: it runs hundreds of patterns) decides only in paragraphs with a stop after
    anything else ("U.S.", "J. Smith", "Jan.").
    """
    candidates = [
        c
        for c in CANDIDATE_STOP_RE.finditer(text, start, end)
        if _starts_sentence(text, c.end())
        and not ABBREVIATION_END_RE.search(text, last_word_start(text, start, c.end()), c.end())
    ]
    if all(PLAIN_STOP_RE.search(text, max(start, c.start() - PLAIN_WORD_CHARS), c.start() + 1) for c in candidates):
        return [c.end() for c in candidates]
    cuts: list[int] = []
    pos = start
    for piece in _segmenter().segment(text[start:end]):
        body = piece.strip()
        at = text.find(body, pos, end) if body else -1
        if at < 0:
            return []  # pysbd changed the text: keep the paragraph whole rather than guess
        pos = at + len(body)
        if at > start:
            cuts.append(at)
    return cuts


def last_word_start(text: str, start: int, end: int) -> int:
    """Where the last word of text[start:end] starts (before any trailing whitespace). A pattern anchored at
    the end whose match holds no whitespace but its trailing run ("Mr.  ") can only match from there: searched
    from there it gives the same match, where searched from `start` it tries every position before."""
    i = end
    while i > start and text[i - 1].isspace():
        i -= 1
    while i > start and not text[i - 1].isspace():
        i -= 1
    return i


def _starts_sentence(text: str, i: int) -> bool:
    """Whether text[i:] can open a sentence: a capital letter or a digit, perhaps after an opening quote."""
    while i < len(text) and text[i] in _OPENING:
        i += 1
        if text[i - 1] == "«" and text[i : i + 1] == " ":
            i += 1  # French style: « Il faut »
    return i < len(text) and (text[i].isupper() or text[i].isdigit())


def paragraph_spans(text: str) -> Spans:
    """Paragraphs (separated by line breaks) as (start, end) offsets, whitespace trimmed."""
    return _trimmed_pieces(text, sorted(m.start() for m in _LINE_BREAK.finditer(text)))


SPLITTERS: dict[str, Splitter] = {"sentence": sentence_spans, "paragraph": paragraph_spans}


def spans_of(text: str, unit: str) -> Spans:
    """The pieces of `text` for a unit name of `SPLITTERS` ("sentence" or "paragraph")."""
    try:
        return SPLITTERS[unit](text)
    except KeyError:
        raise ValueError(f"no splitter for the unit {unit!r}; known: {', '.join(SPLITTERS)}") from None


def context_of(text: str, start: int, end: int, unit: str = "sentence") -> str:
    """The sentence (or paragraph) holding text[start:end]; all of them when the span crosses a boundary."""
    return Contexts(text, unit).of(start, end)


def context_in(text: str, spans: Spans, start: int, end: int) -> str:
    """`context_of` with the pieces already split (split a text once, not once per span)."""
    hit = [(s, e) for s, e in spans if s < max(end, start + 1) and e > start]
    if not hit:
        return text[start:end]
    return text[hit[0][0] : hit[-1][1]]


class Contexts:
    """The contexts of spans in one text, split only as far as asked: the paragraphs once, the sentences of a
    paragraph when a span in it first needs them (the sentence splitter costs far more than the paragraphs)."""

    def __init__(self, text: str, unit: str = "sentence") -> None:
        if unit not in SPLITTERS:
            raise ValueError(f"no splitter for the unit {unit!r}; known: {', '.join(SPLITTERS)}")
        self.text, self.unit = text, unit
        self.paragraphs = paragraph_spans(text)
        self._sentences: dict[int, Spans] = {}

    def of(self, start: int, end: int) -> str:
        held = [i for i, (s, e) in enumerate(self.paragraphs) if s < max(end, start + 1) and e > start]
        if self.unit == "paragraph":
            return context_in(self.text, [self.paragraphs[i] for i in held], start, end)
        return context_in(self.text, [piece for i in held for piece in self._sentences_of(i)], start, end)

    def _sentences_of(self, paragraph: int) -> Spans:
        if paragraph not in self._sentences:
            p_start, p_end = self.paragraphs[paragraph]
            self._sentences[paragraph] = _trimmed(self.text, sentences(self.text, p_start, p_end))
        return self._sentences[paragraph]


def _trimmed_pieces(text: str, cuts: list[int]) -> Spans:
    spans = []
    begin = 0
    for cut in [*cuts, len(text)]:
        piece = text[begin:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((begin + lead, begin + len(piece.rstrip())))
        begin = cut
    return spans
