"""Validation: each code on a known defect, the whitespace rule, the report, and mutations as properties."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annot.convert import read_export, task_from_export, to_results
from annot.records import Annotation, Region, Relation, Task
from annot.schema import Schema, load_schema
from annot.validate import CODES, Problem, validate, validate_annotation
from tests.helpers import EXPORTS, FRAMES_SCHEMA, SCHEMA, SCREEN_RESULT, export_of, raw_task
from tests.strategies import JSON_VALUES, mutate, valid_tasks

NEWS = load_schema(SCHEMA)
FRAMES = load_schema(FRAMES_SCHEMA)

SAYS = {"from_id": "XX6rTI3p2m", "to_id": "xCBSqyb_7i", "type": "relation", "direction": "right", "labels": ["says"]}


def problems_of(result: list[dict[str, Any]], text: str | None = None, schema: Schema = NEWS) -> list[Problem]:
    raw = raw_task(result) if text is None else raw_task(result, text)
    task = task_from_export(raw, schema)
    return validate_annotation(task, task.annotations[0], schema)


def test_design_example_with_its_relation_is_clean() -> None:
    assert problems_of([*SCREEN_RESULT, SAYS]) == []


def test_message_names_task_annotation_region_code_and_both_texts() -> None:
    text = "Secretary of State Antony Blinken said so."
    result = [
        {
            "id": "c1",
            "from_name": "mention",
            "type": "labels",
            "value": {"start": 19, "end": 33, "text": "Antony Blinke", "labels": ["Cue"]},
        }
    ]
    (problem,) = problems_of(result, text)
    assert str(problem) == (
        'task 42, annotation 7, region c1: span-text-mismatch: the region says "Antony Blinke" '
        'but the text at 19..33 is "Antony Blinken"'
    )


def test_exported_defects_are_each_named_with_their_location() -> None:
    report = validate(read_export(EXPORTS / "news-stance-defects.json", NEWS), NEWS)
    found = {(p.task_id, p.annotation_id, p.region_id, p.code) for p in report.problems}
    speaker, claim = "XX6rTI3p2m", "xCBSqyb_7i"
    assert found == {
        (11, 21, speaker, "span-text-mismatch"),
        (12, 22, claim, "span-out-of-range"),
        (13, 23, "cue1", "unknown-label"),
        (14, 24, claim, "unknown-choice"),
        (15, 25, claim, "missing-required"),
        (16, 26, claim, "unattributed-claim"),
        (17, 27, speaker, "dangling-relation"),
        (17, 27, claim, "unattributed-claim"),
        (18, 28, speaker, "bad-relation"),
        (18, 28, claim, "unattributed-claim"),
        (19, 29, None, "not-annot-task"),
    }
    assert (report.tasks, report.annotations, report.valid, report.skipped) == (10, 10, 1, 0)
    assert report.invalid_annotations()[27] == ["dangling-relation", "unattributed-claim"]
    assert 30 not in report.invalid_annotations()


def test_clean_export_passes_and_counts_skipped_and_unannotated() -> None:
    report = validate(read_export(EXPORTS / "news-stance-clean.json", NEWS), NEWS)
    assert report.ok
    assert report.to_json() == {
        "errors": [],
        "tasks": 4,
        "annotations": 3,
        "valid": 3,
        "skipped": 1,
        "unannotated": 2,
        "counts": {},
    }


def test_json_report_has_the_documented_fields() -> None:
    report = validate(read_export(EXPORTS / "news-stance-defects.json", NEWS), NEWS)
    out = json.loads(json.dumps(report.to_json()))
    assert {"errors", "tasks", "annotations", "valid", "skipped"} <= set(out)
    assert all(set(e) == {"task_id", "annotation_id", "region_id", "code", "message"} for e in out["errors"])
    assert out["counts"]["unattributed-claim"] == 3


@pytest.mark.parametrize(
    ("stored", "ok"),
    [
        ("Ilse\nVarga", True),  # the article has a space where the browser gave a newline
        ("Ilse  Varga ", True),  # doubled and trailing whitespace
        ("Ilse\u00a0Varga", True),  # a no-break space
        ("Ilse Varga.", False),  # punctuation is not whitespace
        ("IlseVarga", False),  # whitespace removed inside a word changes the words
        ("ilse varga", False),  # case counts
    ],
)
def test_whitespace_rule(stored: str, ok: bool) -> None:
    result = copy.deepcopy([*SCREEN_RESULT, SAYS])
    result[0]["value"]["text"] = stored
    codes = [p.code for p in problems_of(result)]
    assert codes == ([] if ok else ["span-text-mismatch"])


def test_whitespace_rule_works_when_the_article_has_the_newline() -> None:
    text = "He said China\nwould respond."
    value = {"start": 8, "end": 27, "labels": ["Cue"], "text": "China would respond"}
    result = [{"id": "q", "from_name": "mention", "type": "labels", "value": value}]
    assert problems_of(result, text) == []


def test_a_line_break_label_studio_stored_as_backslash_n_matches() -> None:
    """Label Studio 1.23 saves a selection across a line break with the text `\\n` (seen in the browser test)."""
    text = "He said China\nwould respond."
    value = {"start": 8, "end": 27, "labels": ["Cue"], "text": "China\\nwould respond"}
    result = [{"id": "q", "from_name": "mention", "type": "labels", "value": value}]
    assert problems_of(result, text) == []
    value = {**value, "text": "China\\nwill respond"}
    assert [p.code for p in problems_of([{**result[0], "value": value}], text)] == ["span-text-mismatch"]


def test_relations_both_ways_and_wrong_ways() -> None:
    base = list(SCREEN_RESULT)
    claim_to_speaker = {**SAYS, "from_id": "xCBSqyb_7i", "to_id": "XX6rTI3p2m"}
    assert problems_of([*base, claim_to_speaker]) == []
    assert problems_of([*base, {**claim_to_speaker, "direction": "left"}]) == []
    assert problems_of([*base, {**SAYS, "direction": "bi"}]) == []
    cases = {
        "unknown type": {**SAYS, "labels": ["likes"]},
        "no type": {**SAYS, "labels": []},
        "responds_to between Speaker and Claim": {**SAYS, "labels": ["responds_to"]},
        "to itself": {**SAYS, "to_id": "xCBSqyb_7i", "from_id": "xCBSqyb_7i"},
        "odd direction": {**SAYS, "direction": "up"},
    }
    for why, rel in cases.items():
        codes = {p.code for p in problems_of([*base, rel])}
        assert codes == {"bad-relation", "unattributed-claim"}, why


def test_a_directed_relation_drawn_both_ways_is_bad() -> None:
    doc = Annotation(
        id=1,
        task_id=1,
        regions=[Region("a", "Cue", 0, 1, "x"), Region("b", "Cue", 2, 3, "y")],
        relations=[Relation("a", "b", "responds_to", "bi")],
    )
    task = Task(id=1, data={"article_id": "a", "text": "x y"}, annotations=[doc])
    codes = [p.code for p in validate_annotation(task, doc, NEWS)]
    assert codes == ["bad-relation"]


def test_attribute_on_the_wrong_label_and_two_single_choices() -> None:
    result = copy.deepcopy([*SCREEN_RESULT, SAYS])
    result.append({**result[3], "id": "XX6rTI3p2m"})  # a stance on the Speaker region
    result[3]["value"]["choices"] = ["favor", "against"]
    found = {(p.region_id, p.code) for p in problems_of(result)}
    assert found == {("XX6rTI3p2m", "unknown-attribute"), ("xCBSqyb_7i", "unknown-choice")}


def test_second_schema_validates_multichoice_without_code_change() -> None:
    text = "The minister said taxes will rise."
    result = [
        {"id": "r1", "from_name": "span", "type": "labels", "value": {"start": 0, "end": 12, "labels": ["Source"]}},
        {"id": "r2", "from_name": "span", "type": "labels", "value": {"start": 18, "end": 33, "labels": ["Statement"]}},
        {"id": "r2", "from_name": "frames", "type": "choices", "value": {"choices": ["economic", "nonsense"]}},
        {"from_id": "r2", "to_id": "r1", "type": "relation", "direction": "right", "labels": ["states"]},
    ]
    found = [(p.region_id, p.code) for p in problems_of(result, text, FRAMES)]
    assert sorted(found) == [
        ("r2", "bad-relation"),  # states goes from Source to Statement, drawn the wrong way
        ("r2", "missing-required"),  # no tone
        ("r2", "unattributed-claim"),
        ("r2", "unknown-choice"),
    ]
    result[3]["direction"] = "left"
    found = [(p.region_id, p.code) for p in problems_of(result, text, FRAMES)]
    assert sorted(found) == [("r2", "missing-required"), ("r2", "unknown-choice")]


def test_unreadable_results_are_reported_not_raised() -> None:
    result = [*SCREEN_RESULT, SAYS, {"id": "z", "from_name": "mention", "type": "labels", "value": {"start": None}}]
    (problem,) = problems_of(result)
    assert (problem.region_id, problem.code) == ("z", "unreadable-result")


# -- mutations of valid results -----------------------------------------------------------


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("schema", [NEWS, FRAMES], ids=["news-stance", "policy-frames"])
@PROPERTY
@given(data=st.data())
def test_a_mutation_gives_its_code_at_its_region(schema: Schema, data: st.DataObject) -> None:
    task = data.draw(valid_tasks(schema))
    raw = export_of(task, schema)
    result = raw["annotations"][0]["result"]
    code, region = mutate(data.draw, result, task.text, schema)
    report = validate([task_from_export(raw, schema)], schema)
    assert (region, code) in {(p.region_id, p.code) for p in report.problems}
    assert all(p.code in CODES for p in report.problems)
    assert report.valid == 0 and list(report.invalid_annotations()) == [task.annotations[0].id]


@pytest.mark.parametrize("schema", [NEWS, FRAMES], ids=["news-stance", "policy-frames"])
@PROPERTY
@given(data=st.data())
def test_garbage_in_any_field_never_crashes(schema: Schema, data: st.DataObject) -> None:
    task = data.draw(valid_tasks(schema))
    raw = export_of(task, schema)
    result = raw["annotations"][0]["result"]
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(result))
        inner = target.get("value")
        where = inner if isinstance(inner, dict) and data.draw(st.booleans()) else target
        key = data.draw(st.sampled_from([*where, "extra"]))
        where[key] = data.draw(JSON_VALUES)
    report = validate([task_from_export(raw, schema)], schema)
    assert all(p.code in CODES and p.message for p in report.problems)
    assert report.annotations == 1 and report.valid + bool(report.problems) == 1
    for p in report.problems:
        str(p)


def test_validated_records_still_write_back() -> None:
    task = task_from_export(raw_task([*SCREEN_RESULT, SAYS]), NEWS)
    assert to_results(task.annotations[0], NEWS) == [*SCREEN_RESULT, SAYS]
