"""evaluate: span P/R/F1 and attribution accuracy on a tiny example computed by hand."""

from __future__ import annotations

import pytest

from annot.evaluate import evaluate, iou
from annot.records import Annotation, Region, Relation


def speaker(rid: str, start: int, end: int, name: str) -> Region:
    return Region(rid, "Speaker", start, end, "x" * (end - start), {"speaker_name": name})


def claim(rid: str, start: int, end: int) -> Region:
    return Region(rid, "Claim", start, end, "x" * (end - start))


def test_iou() -> None:
    assert iou(claim("a", 0, 10), claim("b", 5, 15)) == pytest.approx(5 / 15)
    assert iou(claim("a", 0, 10), claim("b", 10, 20)) == 0.0


def test_figures_on_a_hand_computed_example() -> None:
    gold = Annotation(
        id=1,
        task_id=1,
        regions=[
            speaker("s1", 0, 7, "Antony Blinken"),
            speaker("s2", 50, 54, "Wang Yi"),
            claim("c1", 10, 40),  # said by s1
            claim("c2", 60, 90),  # said by s2
            claim("c3", 100, 120),  # said by s1
        ],
        relations=[Relation("s1", "c1", "says"), Relation("c2", "s2", "says", "left"), Relation("s1", "c3", "says")],
    )
    predicted = Annotation(
        id=None,
        task_id=1,
        regions=[
            speaker("p1", 0, 7, "Antony Blinken"),  # exact match of s1
            speaker("p2", 200, 202, "Antony Blinken"),  # a pronoun elsewhere, no gold span; right name
            speaker("p3", 49, 54, "Wang"),  # overlaps s2 (IoU 4/5), not exact
            claim("q1", 10, 40),  # exact c1, attributed to p1: right by span
            claim("q2", 62, 90),  # overlaps c2 (28/30), attributed to p1: wrong speaker, wrong name
            claim("q3", 100, 135),  # overlaps c3 20/35 = 0.57, attributed to p2: right by name only
            claim("q4", 300, 310),  # no gold claim
        ],
        relations=[Relation("p1", "q1", "says"), Relation("p1", "q2", "says"), Relation("p2", "q3", "says")],
    )
    report = evaluate([predicted], [gold])
    assert report["documents"] == 1
    sp, cl = report["Speaker"], report["Claim"]
    # Speakers: 3 predicted, 2 gold; exact 1 (p1), overlap 2 (p1, p3).
    assert (sp["exact"]["matched"], sp["exact"]["predicted"], sp["exact"]["gold"]) == (1, 3, 2)
    assert sp["exact"]["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert sp["exact"]["recall"] == pytest.approx(0.5)
    assert sp["exact"]["f1"] == pytest.approx(0.4)
    assert sp["overlap"]["matched"] == 2
    assert sp["overlap"]["f1"] == pytest.approx(0.8)
    # Claims: 4 predicted, 3 gold; exact 1, overlap 3.
    assert cl["exact"]["matched"] == 1
    assert cl["exact"]["f1"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3), abs=1e-4)
    assert cl["overlap"]["precision"] == pytest.approx(0.75)
    assert cl["overlap"]["recall"] == pytest.approx(1.0)
    # Attribution: q1 right (span), q2 wrong, q3 right (name) -> 2 of 3.
    assert report["attribution"] == {"accuracy": pytest.approx(2 / 3, abs=1e-4), "correct": 2, "matched_claims": 3}


def test_one_predicted_span_matches_one_gold_span_only() -> None:
    gold = Annotation(id=1, task_id=1, regions=[claim("g1", 0, 10), claim("g2", 0, 10)])
    predicted = Annotation(id=None, task_id=1, regions=[claim("p", 0, 10)])
    report = evaluate([predicted], [gold])
    assert report["Claim"]["exact"]["matched"] == 1
    assert report["Claim"]["exact"]["recall"] == pytest.approx(0.5)


def test_documents_must_pair_up() -> None:
    with pytest.raises(ValueError):
        evaluate([Annotation(id=None, task_id=1)], [])
