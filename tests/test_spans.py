"""The one span matcher (annot.spans): IoU, one-to-one matching, units across annotators."""

from __future__ import annotations

import random

import pytest

from annot.records import Region
from annot.spans import EXACT, OVERLAP_THRESHOLD, iou, match_across, match_spans


def span(rid: str, start: int, end: int) -> Region:
    return Region(rid, "Claim", start, end, "x" * (end - start))


def ids(pairs: list[tuple[Region, Region]]) -> list[tuple[str, str]]:
    return [(a.id, b.id) for a, b in pairs]


def test_iou_counts_shared_characters() -> None:
    a = span("a", 0, 10)
    assert iou(a, span("b", 0, 10)) == 1.0
    assert iou(a, span("b", 5, 15)) == pytest.approx(5 / 15)
    assert iou(a, span("b", 10, 20)) == 0.0
    assert iou(span("e", 3, 3), span("f", 3, 3)) == 1.0
    assert iou(span("e", 3, 3), span("f", 4, 4)) == 0.0


def test_exact_and_overlap_matching_differ() -> None:
    a = [span("a1", 10, 20), span("a2", 40, 50)]
    # b1 shares 9 of 10 characters with a1 (IoU 0.9); b2 shares 6 of 16 with a2 (IoU 0.375)
    b = [span("b1", 11, 20), span("b2", 44, 56)]
    assert match_spans(a, b, EXACT) == []
    assert match_spans(a, b, None) == []  # None: the same start and end, as EXACT
    assert ids(match_spans(a, b, OVERLAP_THRESHOLD)) == [("a1", "b1")]
    assert ids(match_spans(a, b, 0.2)) == [("a1", "b1"), ("a2", "b2")]
    assert ids(match_spans(a, [span("b3", 10, 20)], EXACT)) == [("a1", "b3")]


def test_matching_is_one_to_one_and_best_first() -> None:
    a = [span("a1", 0, 10)]
    b = [span("b1", 0, 9), span("b2", 0, 10)]
    assert ids(match_spans(a, b)) == [("a1", "b2")]
    # the same answer whichever side is listed first
    assert ids(match_spans(b, a)) == [("b2", "a1")]


def test_matching_never_depends_on_the_order_regions_arrive_in() -> None:
    rng = random.Random(5)
    for _ in range(200):
        a = [span(f"a{i}", s, s + rng.randint(1, 12)) for i, s in enumerate(rng.sample(range(40), 6))]
        b = [span(f"b{i}", s, s + rng.randint(1, 12)) for i, s in enumerate(rng.sample(range(40), 6))]
        expected = ids(match_spans(a, b, 0.3))
        assert all(iou(x, y) >= 0.3 for x, y in match_spans(a, b, 0.3))
        assert len({x for x, _ in expected}) == len(expected) == len({y for _, y in expected})
        rng.shuffle(a)
        rng.shuffle(b)
        assert sorted(ids(match_spans(a, b, 0.3))) == sorted(expected)


def test_units_never_chain_spans_that_do_not_overlap() -> None:
    # x~y and y~z overlap enough, x and z do not: complete linkage keeps x and z apart
    groups = match_across({"x": [span("x", 0, 10)], "y": [span("y", 2, 12)], "z": [span("z", 5, 15)]})
    assert sorted(sorted(r.id for r in g.values()) for g in groups) == [["x", "y"], ["z"]]


def test_a_unit_holds_one_region_per_annotator() -> None:
    groups = match_across({"x": [span("x1", 0, 10), span("x2", 0, 10)], "y": [span("y", 0, 10)]})
    assert sorted(sorted(r.id for r in g.values()) for g in groups) == [["x1", "y"], ["x2"]]


def test_bad_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="overlap threshold"):
        match_across({"a": []}, 0)
