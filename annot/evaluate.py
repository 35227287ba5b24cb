"""How close predictions (pre-annotations) come to gold annotations: span P/R/F1 and attribution accuracy.

Pure: takes records, returns a dict of figures. Spans match one-to-one, either
exactly (same start and end) or by overlap (intersection over union >= 0.5).
A gold claim counts as correctly attributed when the predicted claim matched to
it (by overlap) is joined by `says` to a speaker that overlaps one of the gold
claim's speakers or carries the same canonical name.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annot.records import Annotation, Region

SPAN_LABELS = ("Speaker", "Claim")
OVERLAP_IOU = 0.5
ATTRIBUTION_RELATION = "says"
NAME_ATTRIBUTE = "speaker_name"


def evaluate(predicted: Iterable[Annotation], gold: Iterable[Annotation]) -> dict[str, Any]:
    """Compare predictions with gold, document by document (the two iterables pair up in order).

    Returns `{"documents", "overlap_iou", "Speaker": {"exact": {...}, "overlap": {...}},
    "Claim": {...}, "attribution": {"accuracy", "correct", "matched_claims"}}`; each
    `{...}` holds precision, recall, f1, matched, predicted, gold.
    """
    pairs = list(zip(predicted, gold, strict=True))
    counts = {label: {mode: [0, 0, 0] for mode in ("exact", "overlap")} for label in SPAN_LABELS}
    correct = matched_claims = 0
    for pred, ref in pairs:
        for label in SPAN_LABELS:
            p = [r for r in pred.regions if r.label == label]
            g = [r for r in ref.regions if r.label == label]
            for mode, threshold in (("exact", None), ("overlap", OVERLAP_IOU)):
                n = len(match_spans(p, g, threshold))
                c = counts[label][mode]
                c[0], c[1], c[2] = c[0] + n, c[1] + len(p), c[2] + len(g)
        ok, total = _attribution(pred, ref)
        correct += ok
        matched_claims += total
    report: dict[str, Any] = {"documents": len(pairs), "overlap_iou": OVERLAP_IOU}
    for label in SPAN_LABELS:
        report[label] = {mode: _prf(*counts[label][mode]) for mode in ("exact", "overlap")}
    report["attribution"] = {
        "accuracy": round(correct / matched_claims, 4) if matched_claims else None,
        "correct": correct,
        "matched_claims": matched_claims,
    }
    return report


def iou(a: Region, b: Region) -> float:
    """Intersection over union of two character spans."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def match_spans(predicted: list[Region], gold: list[Region], threshold: float | None) -> list[tuple[Region, Region]]:
    """One-to-one pairs (predicted, gold): exact offsets when threshold is None, else IoU >= threshold.

    Greedy by descending IoU, which is optimal here in practice: spans of one
    label rarely overlap each other within a document.
    """
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            score = iou(p, g)
            exact = (p.start, p.end) == (g.start, g.end)
            if (threshold is None and exact) or (threshold is not None and score >= threshold):
                candidates.append((score, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((predicted[i], gold[j]))
    return pairs


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


def _attribution(pred: Annotation, ref: Annotation) -> tuple[int, int]:
    """(correctly attributed, matched) gold claims of one document."""
    claims_p = [r for r in pred.regions if r.label == "Claim"]
    claims_g = [r for r in ref.regions if r.label == "Claim"]
    speakers_p, speakers_g = _speakers_of(pred), _speakers_of(ref)
    correct = 0
    pairs = match_spans(claims_p, claims_g, OVERLAP_IOU)
    for p, g in pairs:
        ps, gs = speakers_p.get(p.id, []), speakers_g.get(g.id, [])
        gold_names = {_name(s) for s in gs}
        if any(_name(s) in gold_names or any(iou(s, t) >= OVERLAP_IOU for t in gs) for s in ps):
            correct += 1
    return correct, len(pairs)


def _prf(matched: int, predicted: int, gold: int) -> dict[str, Any]:
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


def evaluate_file(gold_path: str | Path, schema_path: str | Path) -> dict[str, Any]:
    """Run the pre-annotator on the texts of a gold file (Label Studio import JSON) and score it."""
    import json

    from annot.convert import task_from_export
    from annot.errors import ArticleError
    from annot.preannotate import predict
    from annot.schema import load_schema

    schema = load_schema(schema_path)
    try:
        raw = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ArticleError(f"{gold_path}: cannot read the gold annotations ({e})") from None
    tasks = [task_from_export({"id": i, **t}, schema) for i, t in enumerate(raw, 1)]
    gold = [t.annotations[0] for t in tasks if t.annotations]
    predicted = [predict(t.text) for t in tasks if t.annotations]
    return evaluate(predicted, gold)
