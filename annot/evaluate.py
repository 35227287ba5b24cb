"""How close predictions (pre-annotations) come to gold annotations: span P/R/F1, attribution, target and stance.

Pure except `evaluate_file`: takes records, returns a dict of figures. Spans match
one-to-one (`annot.spans.match_spans`), either exactly (same start and end) or by
overlap (intersection over union >= 0.5). A gold claim counts as correctly
attributed when the predicted claim matched to it (by overlap) is joined by `says`
to a speaker that overlaps one of the gold claim's speakers or carries the same canonical name. Target and
stance are scored on the matched claims where the prediction fills them in
(accuracy) and by how many of the matched claims it fills in (coverage).
`errors` lists what went wrong, each with its sentence, for `annot evaluate --errors`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annot.records import Annotation, Region, Task
from annot.spans import EXACT, OVERLAP_THRESHOLD, iou, match_spans

SPAN_LABELS = ("Speaker", "Claim")
ATTRIBUTION_RELATION = "says"
NAME_ATTRIBUTE = "speaker_name"
CHOICE_ATTRIBUTES = ("target", "stance")
CONTEXT_CHARS = 300  # longest sentence shown with an error
SENTENCE_END_RE = re.compile(r"[.?!][\"”’]?\s+(?=[A-Z\"“])")
SENTENCE_STOP_RE = re.compile(r"[.?!][\"”’]?(?=\s+[A-Z\"“]|\s*$)")


def evaluate(predicted: Iterable[Annotation], gold: Iterable[Annotation]) -> dict[str, Any]:
    """Compare predictions with gold, document by document (the two iterables pair up in order).

    Returns `{"documents", "overlap_iou", "Speaker": {"exact": {...}, "overlap": {...}},
    "Claim": {...}, "attribution": {"accuracy", "correct", "matched_claims"},
    "target": {"accuracy", "correct", "prefilled", "coverage", "matched_claims"}, "stance": {...}}`;
    each span `{...}` holds precision, recall, f1, matched, predicted, gold.
    """
    pairs = list(zip(predicted, gold, strict=True))
    counts = {label: {mode: [0, 0, 0] for mode in ("exact", "overlap")} for label in SPAN_LABELS}
    correct = matched_claims = 0
    choices = {name: [0, 0] for name in CHOICE_ATTRIBUTES}  # [correct, prefilled]
    for pred, ref in pairs:
        for label in SPAN_LABELS:
            p = [r for r in pred.regions if r.label == label]
            g = [r for r in ref.regions if r.label == label]
            for mode, threshold in (("exact", EXACT), ("overlap", OVERLAP_THRESHOLD)):
                n = len(match_spans(p, g, threshold))
                c = counts[label][mode]
                c[0], c[1], c[2] = c[0] + n, c[1] + len(p), c[2] + len(g)
        ok, total = _attribution(pred, ref)
        correct += ok
        matched_claims += total
        for p_claim, g_claim in _claim_pairs(pred, ref):
            for name in CHOICE_ATTRIBUTES:
                value = _choice(p_claim, name)
                if value is not None:
                    choices[name][1] += 1
                    choices[name][0] += value == _choice(g_claim, name)
    report: dict[str, Any] = {"documents": len(pairs), "overlap_iou": OVERLAP_THRESHOLD}
    for label in SPAN_LABELS:
        report[label] = {mode: prf(*counts[label][mode]) for mode in ("exact", "overlap")}
    report["attribution"] = {
        "accuracy": _ratio(correct, matched_claims),
        "correct": correct,
        "matched_claims": matched_claims,
    }
    for name in CHOICE_ATTRIBUTES:
        ok, filled = choices[name]
        report[name] = {
            "accuracy": _ratio(ok, filled),
            "correct": ok,
            "prefilled": filled,
            "coverage": _ratio(filled, matched_claims),
            "matched_claims": matched_claims,
        }
    return report


@dataclass(slots=True)
class Error:
    """One thing the pre-annotator got wrong in one document, with the sentence it is in."""

    document: str
    kind: str  # miss | false alarm | boundary | wrong speaker | wrong target | wrong stance
    label: str
    predicted: str | None
    gold: str | None
    sentence: str
    start: int


def errors(predicted: Sequence[Annotation], gold: Sequence[Annotation], texts: Sequence[str],
           names: Sequence[str]) -> list[Error]:  # fmt: skip
    """Misses, false alarms, boundary differences and wrong attributes, document by document, in text order."""
    found: list[Error] = []
    for pred, ref, text, doc in zip(predicted, gold, texts, names, strict=True):
        here: list[Error] = []
        for label in SPAN_LABELS:
            p = [r for r in pred.regions if r.label == label]
            g = [r for r in ref.regions if r.label == label]
            pairs = match_spans(p, g, OVERLAP_THRESHOLD)
            matched_p = {id(a) for a, _ in pairs}
            matched_g = {id(b) for _, b in pairs}
            here += [_error(doc, text, "miss", label, None, r) for r in g if id(r) not in matched_g]
            here += [_error(doc, text, "false alarm", label, r, None) for r in p if id(r) not in matched_p]
            here += [
                _error(doc, text, "boundary", label, a, b) for a, b in pairs if (a.start, a.end) != (b.start, b.end)
            ]
        speakers_p, speakers_g = _speakers_of(pred), _speakers_of(ref)
        for a, b in _claim_pairs(pred, ref):
            ps, gs = speakers_p.get(a.id, []), speakers_g.get(b.id, [])
            if not _same_speaker(ps, gs):
                said = ", ".join(_name(s) for s in ps) or "(nobody)"
                shown = (f"{said}: {a.text}", f"{', '.join(_name(s) for s in gs)}: {b.text}")
                here.append(_error(doc, text, "wrong speaker", "Claim", a, b, shown))
            for name in CHOICE_ATTRIBUTES:
                value = _choice(a, name)
                if value is not None and value != _choice(b, name):
                    shown = (f"{value}: {a.text}", f"{_choice(b, name)}: {b.text}")
                    here.append(_error(doc, text, f"wrong {name}", "Claim", a, b, shown))
        found += sorted(here, key=lambda e: e.start)
    return found


def _error(doc: str, text: str, kind: str, label: str, p: Region | None, g: Region | None,
           shown: tuple[str, str] | None = None) -> Error:  # fmt: skip
    at = g if g is not None else p
    assert at is not None
    predicted, wanted = shown if shown else (p.text if p else None, g.text if g else None)
    return Error(doc, kind, label, predicted, wanted, sentence_of(text, at.start, at.end), at.start)


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence (or, failing that, the line) around a span, on one line, at most CONTEXT_CHARS long."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    s = line_start
    for m in SENTENCE_END_RE.finditer(text, line_start, line_end):
        if m.end() > start:
            break
        s = m.end()
    stop = SENTENCE_STOP_RE.search(text, max(end - 1, s), line_end)
    e = stop.end() if stop else line_end
    sentence = " ".join(text[s:e].split())
    return sentence if len(sentence) <= CONTEXT_CHARS else sentence[: CONTEXT_CHARS - 1] + "…"


def _speakers_of(annotation: Annotation) -> dict[str, list[Region]]:
    """Claim region id -> its speaker regions (`says` is drawn in either direction)."""
    regions = {r.id: r for r in annotation.regions}
    out: dict[str, list[Region]] = {}
    for rel in annotation.relations:
        if rel.label != ATTRIBUTION_RELATION:
            continue
        a, b = regions.get(rel.from_id), regions.get(rel.to_id)
        if a is None or b is None:
            continue
        if a.label == "Claim" and b.label == "Speaker":
            a, b = b, a
        if a.label == "Speaker" and b.label == "Claim":
            out.setdefault(b.id, []).append(a)
    return out


def _name(region: Region) -> str:
    value = region.attributes.get(NAME_ATTRIBUTE)
    if isinstance(value, list):
        value = value[0] if value else None
    return " ".join((value or region.text).split()).casefold()


def _choice(region: Region, name: str) -> str | None:
    value = region.attributes.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return value or None


def _claim_pairs(pred: Annotation, ref: Annotation) -> list[tuple[Region, Region]]:
    claims_p = [r for r in pred.regions if r.label == "Claim"]
    claims_g = [r for r in ref.regions if r.label == "Claim"]
    return match_spans(claims_p, claims_g, OVERLAP_THRESHOLD)


def _same_speaker(ps: list[Region], gs: list[Region]) -> bool:
    gold_names = {_name(s) for s in gs}
    return any(_name(s) in gold_names or any(iou(s, t) >= OVERLAP_THRESHOLD for t in gs) for s in ps)


def _attribution(pred: Annotation, ref: Annotation) -> tuple[int, int]:
    """(correctly attributed, matched) gold claims of one document."""
    speakers_p, speakers_g = _speakers_of(pred), _speakers_of(ref)
    pairs = _claim_pairs(pred, ref)
    correct = sum(_same_speaker(speakers_p.get(p.id, []), speakers_g.get(g.id, [])) for p, g in pairs)
    return correct, len(pairs)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def prf(matched: int, predicted: int, gold: int) -> dict[str, Any]:
    """Precision, recall and F1 (rounded to 4 places) of one label and mode, with the counts."""
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "matched": matched,
        "predicted": predicted,
        "gold": gold,
    }


def load_gold(gold_path: str | Path, schema_path: str | Path) -> list[Task]:
    """The annotated tasks of a gold file (Label Studio import JSON)."""
    from annot.convert import read_gold
    from annot.schema import load_schema

    return [t for t in read_gold(gold_path, load_schema(schema_path)) if t.annotations]


def evaluate_file(gold_path: str | Path, schema_path: str | Path, with_errors: bool = False) -> dict[str, Any]:
    """Run the pre-annotator on the texts of a gold file (Label Studio import JSON) and score it.

    With `with_errors`, the report also holds `"errors"`: a list of `Error`s.
    """
    from annot.preannotate import predict

    tasks = load_gold(gold_path, schema_path)
    gold = [t.annotations[0] for t in tasks]
    predicted = [predict(t.text) for t in tasks]
    report = evaluate(predicted, gold)
    if with_errors:
        names = [str(t.data.get("title") or t.article_id or t.id) for t in tasks]
        report["errors"] = errors(predicted, gold, [t.text for t in tasks], names)
    return report


def flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(`a.b.c`, value) for every leaf of nested mappings, in order: a score report as table rows."""
    if isinstance(data, Mapping):
        for k, v in data.items():
            yield from flatten(v, f"{prefix}{k}.")
    else:
        yield prefix.rstrip("."), data
