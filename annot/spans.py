"""Overlap and matching of character spans: one matcher, for agreement, adjudication and evaluation.

`match_spans` pairs two lists of regions one to one; `match_across` groups the regions of several
annotators into units. Both visit candidate pairs from the highest IoU down, in span order on ties,
so the result never depends on the order the regions arrived in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

from annot.records import Region

# Two regions match when their character IoU (Jaccard of the character sets they cover)
# reaches this; 0.5 is the usual "overlap" criterion in span annotation and means neither
# span is mostly outside the other.
OVERLAP_THRESHOLD = 0.5
# An exact match is an overlap match with IoU 1: the same start and end.
EXACT = 1.0


def iou(a: Region, b: Region) -> float:
    """Character IoU of two spans: shared characters / characters covered by either."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    union = max(a.end, b.end) - min(a.start, b.start)
    if union <= 0:  # two empty spans: the same point or nothing in common
        return 1.0 if (a.start, a.end) == (b.start, b.end) else 0.0
    return max(inter, 0) / union


def match_spans(
    a: Sequence[Region], b: Sequence[Region], overlap: float | None = OVERLAP_THRESHOLD
) -> list[tuple[Region, Region]]:
    """One-to-one pairs (a region of `a`, a region of `b`) with IoU >= `overlap`, best IoU first.

    `overlap=EXACT` (or None) pairs only identical spans. Pairs come sorted by position.
    """
    groups = match_across({"a": a, "b": b}, EXACT if overlap is None else overlap)
    return [(g["a"], g["b"]) for g in groups if len(g) == 2]


def match_across(
    by_annotator: Mapping[str, Sequence[Region]], overlap: float = OVERLAP_THRESHOLD
) -> list[dict[str, Region]]:
    """Group regions of several annotators into units, at most one region per annotator.

    Greedy, best IoU first: every pair of regions from different annotators with
    IoU >= `overlap` is visited from the highest IoU down (ties in span order); two
    groups merge if they share no annotator and every cross pair reaches `overlap`
    (complete linkage, so a unit never chains two spans that do not overlap). With
    two annotators this is the usual greedy one-to-one matching. Unmatched regions
    are groups of one. Groups come sorted by position.
    """
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap threshold must be in (0, 1], got {overlap}")
    nodes = [(who, region) for who in sorted(by_annotator) for region in by_annotator[who]]
    groups: list[dict[str, Region]] = [{who: region} for who, region in nodes]
    owner = list(range(len(nodes)))  # node index -> group index
    candidates = []
    for i, j in combinations(range(len(nodes)), 2):
        (wi, a), (wj, b) = nodes[i], nodes[j]
        if wi == wj:
            continue
        score = iou(a, b)
        if score >= overlap:
            candidates.append((-score, a.start, a.end, b.start, b.end, wi, wj, a.id, b.id, i, j))
    for *_, i, j in sorted(candidates):
        gi, gj = owner[i], owner[j]
        if gi == gj or groups[gi].keys() & groups[gj].keys():
            continue
        if all(iou(x, y) >= overlap for x in groups[gi].values() for y in groups[gj].values()):
            groups[gi].update(groups[gj])
            groups[gj] = {}
            owner = [gi if g == gj else g for g in owner]
    kept = [g for g in groups if g]
    return sorted(kept, key=lambda g: (min(r.start for r in g.values()), min(r.end for r in g.values()), sorted(g)))
