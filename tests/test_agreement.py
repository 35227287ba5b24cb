"""Agreement and adjudication on hand-built records: worked examples checked by hand and by the packages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import krippendorff
import pytest
from sklearn.metrics import cohen_kappa_score

from annot.adjudicate import ATTRIBUTE, ATTRIBUTION, RELATION, SPAN, adjudicate, adjudicate_all
from annot.agreement import ROW_COLUMNS, measure
from annot.records import Annotation, Region, Relation, Task
from annot.schema import Schema, load_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "news-stance.yaml"

TEXT = (
    "Minister Ilse Varga said the deal is a disgrace. "
    "Pavel Orlov said it was fine. "
    "Lena Hart called it a start. "
    "Officials said talks go on."
)


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(SCHEMA_FILE)


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def speaker(rid: str, phrase: str, name: str | None = None) -> Region:
    start, end = at(phrase)
    return Region(rid, "Speaker", start, end, phrase, {"speaker_name": name} if name else {})


def claim(rid: str, phrase: str, stance: str | None = None, target: str | None = None, **more: str) -> Region:
    start, end = at(phrase)
    return Region(rid, "Claim", start, end, phrase, {"stance": stance, "target": target, **more})


def span(rid: str, label: str, start: int, end: int) -> Region:
    return Region(rid, label, start, end, TEXT[start:end])


def ann(
    aid: int, who: str, regions: list[Region], relations: list[Relation] | None = None, **flags: object
) -> Annotation:
    return Annotation(aid, None, regions=regions, relations=relations or [], annotator=who, **flags)  # type: ignore[arg-type]


def task(tid: int, *annotations: Annotation) -> Task:
    return Task(tid, {"article_id": f"art-{tid}", "text": TEXT}, annotations=list(annotations))


# -- span F1 ----------------------------------------------------------------------------------


def test_span_f1_exact_and_overlap(schema: Schema) -> None:
    s_a, s_b = speaker("sa", "Ilse Varga"), speaker("sb", "Minister Ilse Varga")
    a = ann(1, "ann", [s_a, claim("c1", "the deal is a disgrace"), claim("c2", "it was fine")])
    b = ann(2, "bob", [s_b, claim("d1", "the deal is a disgrace")])
    report = measure([task(1, a, b)], schema)
    scores = {s.label: s for s in report.spans}
    # Speaker: 1 region each; IoU 10/19 >= 0.5 so overlap matches, exact does not -> F1 0 and 2*1/2 = 1
    assert scores["Speaker"].exact_f1 == 0.0
    assert scores["Speaker"].overlap_f1 == 1.0
    # Claim: 2 vs 1 regions, one identical -> F1 = 2*1/(2+1)
    assert scores["Claim"].exact_f1 == pytest.approx(2 / 3)
    assert scores["Claim"].overlap_f1 == pytest.approx(2 / 3)
    assert scores["Cue"].exact_f1 is None  # nobody marked a cue: undefined, not perfect
    assert report.overall is not None
    assert report.overall.exact_f1 == pytest.approx(2 * 1 / 5)
    assert report.overall.overlap_f1 == pytest.approx(2 * 2 / 5)


# -- coefficients: the worked example -------------------------------------------------------


def worked_example_tasks() -> list[Task]:
    """Two annotators, four claims (two tasks of two), stances:

    claim  ann      bob
      1    favor    favor
      2    favor    against
      3    against  against
      4    none     none
    """
    items = [  # (task, phrase, ann's stance, bob's stance)
        (1, "the deal is a disgrace", "favor", "favor"),
        (1, "it was fine", "favor", "against"),
        (2, "the deal is a disgrace", "against", "against"),
        (2, "it was fine", "none", "none"),
    ]
    tasks = []
    for t in (1, 2):
        mine = [(i, p, a, b) for i, (tid, p, a, b) in enumerate(items) if tid == t]
        a = ann(10 + t, "ann", [claim(f"a{i}", p, stance, "Other") for i, p, stance, _ in mine])
        b = ann(20 + t, "bob", [claim(f"b{i}", p, stance, "Other") for i, p, _, stance in mine])
        tasks.append(task(t, a, b))
    return tasks


def test_worked_example_alpha_kappa_and_agreement(schema: Schema) -> None:
    # By hand.
    # Observed agreement: 3 of 4 items agree = 0.75.
    # Cohen's kappa: ann gives favor 2, against 1, none 1; bob favor 1, against 2, none 1.
    #   p_e = (2*1 + 1*2 + 1*1) / 4^2 = 5/16; kappa = (3/4 - 5/16) / (1 - 5/16) = (7/16) / (11/16) = 7/11.
    # Krippendorff's alpha (nominal): 8 pairable values, favor 3, against 3, none 2.
    #   Coincidences off the diagonal: item 2 gives (favor, against) and (against, favor): 2 of n = 8,
    #   so D_o = 2/8. D_e = (8^2 - (3^2 + 3^2 + 2^2)) / (8 * 7) = 42/56 = 3/4.
    #   alpha = 1 - D_o / D_e = 1 - (1/4)/(3/4) = 2/3.
    # The packages agree with the hand computation:
    favor, against, none = 0, 1, 2
    ann_codes, bob_codes = [favor, favor, against, none], [favor, against, against, none]
    assert krippendorff.alpha(reliability_data=[ann_codes, bob_codes], level_of_measurement="nominal") == pytest.approx(
        2 / 3
    )
    assert cohen_kappa_score(ann_codes, bob_codes) == pytest.approx(7 / 11)

    report = measure(worked_example_tasks(), schema)
    stance = next(a for a in report.attributes if a.attribute == "stance")
    assert stance.items == 4
    assert stance.observed == pytest.approx(0.75)
    assert stance.kappa == pytest.approx(7 / 11)
    assert stance.alpha == pytest.approx(2 / 3)
    # everyone said "Other": perfect observed agreement, but alpha and kappa are undefined
    target = next(a for a in report.attributes if a.attribute == "target")
    assert (target.items, target.observed, target.alpha, target.kappa) == (4, 1.0, None, None)
    quote = next(a for a in report.attributes if a.attribute == "quote_type")
    assert (quote.items, quote.observed, quote.alpha) == (0, None, None)
    assert [a.attribute for a in report.attributes] == ["stance", "target", "quote_type"]


def test_kappa_only_with_exactly_two_annotators(schema: Schema) -> None:
    tasks = worked_example_tasks()
    third = ann(99, "cy", [claim("z0", "the deal is a disgrace", "favor", "Other")])
    tasks[0].annotations.append(third)
    stance = next(a for a in measure(tasks, schema).attributes if a.attribute == "stance")
    assert stance.kappa is None
    assert stance.alpha is not None
    # item 1 now has three values (favor x3): 3 agreeing pairs; items 2..4 as before: 2 of 3 agree
    assert stance.observed == pytest.approx((3 + 0 + 1 + 1) / (3 + 1 + 1 + 1))


# -- disputes ----------------------------------------------------------------------------------


def test_disputed_items_are_listed_with_their_values(schema: Schema) -> None:
    report = measure(worked_example_tasks(), schema)
    disputes = [d for d in report.disputes if d.kind == ATTRIBUTE]
    assert len(disputes) == 1
    (d,) = disputes
    assert (d.task_id, d.article_id, d.label, d.attribute) == (1, "art-1", "Claim", "stance")
    assert d.region_ids == {"ann": "a1", "bob": "b1"}
    assert d.values == {"ann": "favor", "bob": "against"}
    assert d.tie and d.majority is None
    assert report.disputed_task_ids() == [1]
    data = json.loads(json.dumps(report.to_json()))
    assert data["disputed"][0]["values"] == {"ann": "favor", "bob": "against"}
    assert data["single_annotator_tasks"] == 0 and data["multi_annotator_tasks"] == 2


def test_regions_only_some_annotators_marked_are_disputed(schema: Schema) -> None:
    a = ann(
        1,
        "ann",
        [claim("c1", "the deal is a disgrace", "against", "Other"), claim("c2", "it was fine", "favor", "Other")],
    )
    b = ann(2, "bob", [claim("d1", "the deal is a disgrace", "against", "Other")])
    report = measure([task(5, a, b)], schema)
    assert [(d.kind, d.region_ids, d.values) for d in report.disputes] == [
        (SPAN, {"ann": "c2", "bob": None}, {"ann": "Claim", "bob": None})
    ]


def test_single_annotator_tasks_are_counted_never_disputed(schema: Schema) -> None:
    lone = task(1, ann(1, "ann", [claim("c1", "the deal is a disgrace", "favor", "China")]))
    # a skipped annotation and a prediction do not make a second annotator
    skipped = task(
        2,
        ann(2, "ann", [claim("c1", "the deal is a disgrace", "favor", "China")]),
        ann(3, "bob", [], cancelled=True),
    )
    skipped.predictions.append(ann(4, "model", [claim("p1", "the deal is a disgrace", "against", "Russia")]))
    empty = task(3)
    report = measure([lone, skipped, empty], schema)
    assert (report.tasks, report.single_annotator_tasks, report.multi_annotator_tasks, report.unannotated_tasks) == (
        3,
        2,
        0,
        1,
    )
    assert report.disputes == []
    assert report.annotators == []
    assert all(a.alpha is None and a.items == 0 for a in report.attributes)


def test_attribution_agreement_compares_matched_speakers(schema: Schema) -> None:
    a = ann(
        1,
        "ann",
        [
            speaker("s1", "Ilse Varga"),
            speaker("s2", "Pavel Orlov"),
            claim("c1", "the deal is a disgrace"),
            claim("c2", "it was fine"),
        ],
        [Relation("s1", "c1", "says"), Relation("s2", "c2", "says")],
    )
    # bob draws the first relation the other way round (says is undirected) and gives claim 2 to Ilse Varga
    b = ann(
        2,
        "bob",
        [
            speaker("t1", "Minister Ilse Varga"),
            speaker("t2", "Pavel Orlov"),
            claim("d1", "the deal is a disgrace"),
            claim("d2", "it was fine"),
        ],
        [Relation("d1", "t1", "says", "left"), Relation("t1", "d2", "says")],
    )
    report = measure([task(7, a, b)], schema)
    assert report.attribution is not None
    assert (report.attribution.relation, report.attribution.items, report.attribution.agreement) == ("says", 2, 0.5)
    (d,) = [d for d in report.disputes if d.kind == ATTRIBUTION]
    assert d.region_ids == {"ann": "c2", "bob": "d2"}
    assert d.values == {"ann": ["Pavel Orlov [49:60]"], "bob": ["Minister Ilse Varga [0:19]"]}


def test_rows_cover_every_label_and_attribute(schema: Schema) -> None:
    rows = measure(worked_example_tasks(), schema).rows()
    assert all(len(r) == len(ROW_COLUMNS) for r in rows)
    assert {r[1] for r in rows} >= {"Speaker", "Claim", "Cue", "all", "says", "stance", "target", "quote_type"}
    assert ("Cohen's kappa", "stance", f"{7 / 11:.3f}", "4 items") in rows


def test_settled_disputes_are_kept_but_marked(schema: Schema) -> None:
    tasks = worked_example_tasks()
    tasks[0].annotations[0].ground_truth = True
    report = measure(tasks, schema)
    assert report.disputes and all(d.settled for d in report.disputes)
    assert report.disputed_task_ids() == []
    assert report.disputed_task_ids(include_settled=True) == [1]


# -- adjudication ------------------------------------------------------------------------------


def three_annotators() -> Task:
    phrase = "the deal is a disgrace"
    start, end = at(phrase)
    return task(
        9,
        ann(
            1,
            "ann",
            [
                speaker("s1", "Ilse Varga"),
                claim("c1", phrase, "against", "China", quote_type="direct"),
                claim("x1", "talks go on", "none", "Other"),
            ],
            [Relation("s1", "c1", "says")],
        ),
        ann(
            2,
            "bob",
            # a slightly longer span: still the same claim by overlap, outvoted on its boundaries
            [
                speaker("s2", "Ilse Varga"),
                Region("c2", "Claim", start, end + 1, TEXT[start : end + 1], {"stance": "against", "target": "Russia"}),
            ],
            [Relation("c2", "s2", "says")],
        ),
        ann(
            3,
            "cy",
            [claim("c3", phrase, "favor", None, quote_type="direct"), claim("y3", "it was fine", "favor", "Other")],
        ),
    )


def test_adjudication_takes_the_majority_and_marks_ties(schema: Schema) -> None:
    result = adjudicate(three_annotators(), schema)
    assert result.method == "consensus"
    assert result.annotators == ["ann", "bob", "cy"]
    claims = [r for r in result.regions if r.label == "Claim"]
    # only the claim two or more annotators marked survives; the 1-of-3 claims are dropped
    assert len(claims) == 1
    (c,) = claims
    assert (c.id, c.start, c.end, c.text) == ("c1", *at("the deal is a disgrace"), "the deal is a disgrace")
    assert c.attributes["stance"] == "against"  # 2 of 3
    assert c.attributes["quote_type"] == "direct"  # the two who gave one agree; bob gave none
    assert c.attributes["target"] is None  # China vs Russia, cy gave none: a tie
    assert result.sources["c1"] == ["1", "2", "3"]
    assert result.disputed("c1") == ["target"]
    (d,) = [d for d in result.disputes if d.kind == ATTRIBUTE]
    assert d.values == {"ann": "China", "bob": "Russia"}
    # the speaker (2 of 3) and its says relation (drawn by both who marked speaker and claim) are kept
    (s,) = [r for r in result.regions if r.label == "Speaker"]
    assert [(r.from_id, r.to_id, r.label) for r in result.relations] == [(s.id, "c1", "says")]


def test_a_tie_between_two_is_never_resolved_by_order(schema: Schema) -> None:
    a = ann(1, "ann", [claim("c1", "it was fine", "favor", "Russia")], updated_at="2025-01-01T00:00:00Z")
    b = ann(2, "bob", [claim("d1", "it was fine", "against", "Russia")], updated_at="2025-03-01T00:00:00Z")
    first, second = adjudicate(task(4, a, b), schema), adjudicate(task(4, b, a), schema)
    for result in (first, second):
        (c,) = result.regions
        assert c.attributes == {"stance": None, "target": "Russia", "quote_type": None}
        assert result.disputed(c.id) == ["stance"]
    assert first.regions == second.regions


def test_half_marked_regions_and_relations_are_kept_or_dropped_as_disputed(schema: Schema) -> None:
    a = ann(
        1,
        "ann",
        [
            speaker("s1", "Pavel Orlov"),
            claim("c1", "it was fine", "favor", "Russia"),
            claim("c2", "called it a start", "favor", "Other"),
        ],
        [Relation("s1", "c1", "says")],
    )
    b = ann(2, "bob", [speaker("t1", "Pavel Orlov"), claim("d1", "it was fine", "favor", "Russia")])
    result = adjudicate(task(6, a, b), schema)
    ids = {r.text: r.id for r in result.regions}
    # a claim only ann marked is half of two: kept, and disputed as a span
    assert "called it a start" in ids
    assert result.disputed(ids["called it a start"]) == [SPAN]
    # says drawn by one of the two who marked both ends: not kept, disputed on both ends
    assert result.relations == []
    (d,) = [d for d in result.disputes if d.kind == RELATION]
    assert (d.region_id, d.other_region_id) == (ids["Pavel Orlov"], ids["it was fine"])
    assert result.disputed(ids["it was fine"]) == ["says"]


def test_ground_truth_wins_over_the_majority(schema: Schema) -> None:
    t = three_annotators()
    t.annotations[2].ground_truth = True  # cy, outvoted on stance, is the reviewer's choice
    result = adjudicate(t, schema)
    assert result.method == "ground_truth"
    assert result.annotation_ids == ["3"] and result.annotators == ["cy"]
    assert [(r.id, r.attributes.get("stance")) for r in result.regions] == [("c3", "favor"), ("y3", "favor")]
    assert result.disputes == []


def test_the_latest_ground_truth_wins(schema: Schema) -> None:
    t = three_annotators()
    t.annotations[0].ground_truth, t.annotations[0].updated_at = True, "2025-05-02T10:00:00+00:00"
    t.annotations[2].ground_truth, t.annotations[2].updated_at = True, "2025-05-01T10:00:00Z"
    assert adjudicate(t, schema).annotation_ids == ["1"]


def test_single_cancelled_and_invalid_annotations(schema: Schema) -> None:
    t = three_annotators()
    t.annotations[1].cancelled = True
    result = adjudicate(t, schema, invalid=[3])
    assert result.method == "single"
    only = t.annotations[0]
    assert result.regions == only.regions and result.regions[0] is not only.regions[0]
    assert result.relations == only.relations
    assert result.disputes == []
    assert adjudicate(task(8), schema).method == "none"


# -- the consensus stage and the dataset -------------------------------------------------------


def test_the_stage_settles_each_task_in_order_without_holding_them(schema: Schema) -> None:
    read: list[int] = []

    def tasks() -> Iterator[Task]:
        for t in (three_annotators(), task(8), task(4, ann(1, "ann", [claim("c1", "it was fine", "favor")]))):
            read.append(t.id or 0)
            yield t

    stage = adjudicate_all(tasks(), schema, invalid=[3])
    assert read == []  # lazy: nothing is read before the consumer asks
    first = next(stage)
    assert read == [9] and first.task.id == 9 and first.method == "consensus"
    assert first.annotation_ids == ["1", "2"]  # annotation 3 is invalid: left out
    assert [(a.task_id, a.method) for a in stage] == [(8, "none"), (4, "single")]


def test_build_publishes_the_consensus_it_is_given(schema: Schema) -> None:
    from annot import dataset

    settled = adjudicate(three_annotators(), schema)
    (claim_region,) = [r for r in settled.regions if r.label == "Claim"]
    claim_region.attributes["stance"] = "favor"  # as a reviewer's rule other than the vote might have it
    built = dataset.build([settled], schema)
    (row,) = [r for rows in built.rows["documents"].values() for r in rows]
    (published,) = row["claims"]
    assert (published["id"], published["stance"], published["disputed"]) == ("c1", "favor", ["target"])
    assert published["annotation_ids"] == ["1", "2", "3"]
    assert built.disputed == [{**d.to_json(), "article_id": "art-9", "task_id": 9} for d in settled.disputes]
