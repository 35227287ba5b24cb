"""Units of an article's text: sentences and paragraphs as (start, end) offsets, and the context of a span.

A splitter is a function `text -> [(start, end), ...]` whose pieces are in order, do not overlap and
are trimmed of whitespace; `SPLITTERS` names them by the unit a schema asks for (`unit.context`).
The published `context` column is cut with them, so changing a splitter changes published rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Spans = list[tuple[int, int]]
Splitter = Callable[[str], Spans]

# Abbreviations whose period does not end a sentence ("Mr. Blinken", "U.S. officials").
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "st", "jr", "sr", "lt", "col", "capt", "sgt"}
    | {"maj", "adm", "pres", "no", "vs", "e.g", "i.e", "u.s", "u.k", "u.n", "cf"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
ABBREVIATION_WINDOW = 20  # characters before a period that can hold an abbreviation
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_LINE_BREAK = re.compile(r"\n\s*")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_LAST_WORD = re.compile(r"([\w.]+)$")


def sentence_spans(text: str) -> Spans:
    """Sentences as (start, end) offsets, whitespace trimmed.

    A sentence ends at a line break, or at . ! ? … (with any closing quotes or brackets)
    followed by whitespace, unless the period ends a known abbreviation or an initial,
    or the next word starts in lower case.
    """
    cuts: set[int] = {m.start() for m in _LINE_BREAK.finditer(text)}
    for m in _SENTENCE_END.finditer(text):
        after = _NEXT_CHAR.match(text, m.end())
        if after and after.group(1).islower():
            continue
        if text[m.start()] == ".":
            # a short window: searching back to the start of the text made this quadratic
            word = _LAST_WORD.search(text, max(0, m.start() - ABBREVIATION_WINDOW), m.start())
            token = word.group(1).lower() if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        cuts.add(m.end())
    return _trimmed_pieces(text, sorted(cuts))


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
    return context_in(text, spans_of(text, unit), start, end)


def context_in(text: str, spans: Spans, start: int, end: int) -> str:
    """`context_of` with the pieces already split (split a text once, not once per span)."""
    hit = [(s, e) for s, e in spans if s < max(end, start + 1) and e > start]
    if not hit:
        return text[start:end]
    return text[hit[0][0] : hit[-1][1]]


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
