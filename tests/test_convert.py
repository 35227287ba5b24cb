"""Label Studio export <-> records, without a server: fixtures, malformed input, and the round trip as a property."""

from __future__ import annotations

import json
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annot.convert import read_export, read_gold, task_from_export, to_results
from annot.errors import ExportError
from annot.records import Annotation, Region, Relation, Task
from annot.schema import Schema, load_schema, record_models
from annot.validate import validate

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "tests" / "data" / "exports"
NEWS = load_schema(REPO / "schemas" / "news-stance.yaml")
FRAMES = load_schema(REPO / "tests" / "data" / "schemas" / "policy-frames.yaml")

# The labeling screen's own output for a Speaker and a Claim (DESIGN.md, "What Label Studio stores").
DESIGN_TEXT = "Rocket 🚀 launch: Minister Ilse Varga said the deal is “a disgrace”, officials said."
DESIGN_RESULT = [
    {
        "id": "XX6rTI3p2m",
        "from_name": "mention",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": 26, "end": 36, "text": "Ilse Varga", "labels": ["Speaker"]},
    },
    {
        "id": "XX6rTI3p2m",
        "from_name": "speaker_name",
        "to_name": "text",
        "type": "textarea",
        "origin": "manual",
        "value": {"start": 26, "end": 36, "text": ["Ilse Varga"]},
    },
    {
        "id": "xCBSqyb_7i",
        "from_name": "mention",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": 55, "end": 65, "text": "a disgrace", "labels": ["Claim"]},
    },
    {
        "id": "xCBSqyb_7i",
        "from_name": "stance",
        "to_name": "text",
        "type": "choices",
        "origin": "manual",
        "value": {"start": 55, "end": 65, "text": "a disgrace", "choices": ["against"]},
    },
    {
        "id": "xCBSqyb_7i",
        "from_name": "target",
        "to_name": "text",
        "type": "choices",
        "origin": "manual",
        "value": {"start": 55, "end": 65, "text": "a disgrace", "choices": ["China"]},
    },
]


def raw_task(result: list[dict[str, Any]], text: str = DESIGN_TEXT, **annotation: Any) -> dict[str, Any]:
    return {
        "id": 42,
        "data": {"article_id": "a1", "text": text},
        "annotations": [{"id": 7, "result": result, "completed_by": 1, **annotation}],
    }


# -- fixtures from the design and from files ----------------------------------------


def test_design_example_joins_attributes_by_region_id() -> None:
    ann = task_from_export(raw_task(DESIGN_RESULT), NEWS).annotations[0]
    assert ann.regions == [
        Region("XX6rTI3p2m", "Speaker", 26, 36, "Ilse Varga", {"speaker_name": "Ilse Varga"}),
        Region("xCBSqyb_7i", "Claim", 55, 65, "a disgrace", {"stance": "against", "target": "China"}),
    ]
    assert ann.unreadable == [] and ann.relations == []
    assert ann.annotator == "1" and ann.task_id == 42


def test_to_results_writes_what_the_labeling_screen_stores() -> None:
    ann = task_from_export(raw_task(DESIGN_RESULT), NEWS).annotations[0]
    assert to_results(ann, NEWS) == DESIGN_RESULT


def test_attribute_before_its_span_is_still_joined() -> None:
    reordered = [DESIGN_RESULT[1], DESIGN_RESULT[0]]
    ann = task_from_export(raw_task(reordered), NEWS).annotations[0]
    assert ann.regions[0].attributes == {"speaker_name": "Ilse Varga"}


def test_read_export_file_with_both_directions_cancelled_unannotated_and_predictions() -> None:
    tasks = list(read_export(EXPORTS / "news-stance-clean.json", NEWS))
    assert [t.id for t in tasks] == [1, 2, 3, 4]
    first, second, skipped, waiting = tasks
    drawn = [ann.relations for ann in first.annotations]
    assert drawn == [
        [Relation("XX6rTI3p2m", "xCBSqyb_7i", "says", "right")],
        [Relation("xCBSqyb_7i", "XX6rTI3p2m", "says", "left")],
    ]
    assert first.annotations[1].annotator == "ann@example.org"
    assert first.annotations[1].ground_truth and not first.annotations[0].ground_truth
    assert first.annotations[0].updated_at == "2025-05-01T10:02:00.000000Z"
    (pred,) = first.predictions
    assert pred.id == 900 and pred.annotator == "annot-rules-1" and pred.regions[0].label == "Speaker"
    assert {r.label for r in second.annotations[0].relations} == {"says", "responds_to"}
    assert skipped.annotations[0].cancelled and skipped.annotations[0].regions == []
    assert waiting.annotations == [] and waiting.article_id == "a-waiting"


def test_multichoice_is_a_list_and_textarea_submissions_are_joined() -> None:
    text = "The minister said taxes will rise."
    result = [
        {"id": "r1", "from_name": "span", "type": "labels", "value": {"start": 0, "end": 12, "labels": ["Source"]}},
        {"id": "r1", "from_name": "canonical", "type": "textarea", "value": {"text": ["Jane", "Doe"]}},
        {"id": "r2", "from_name": "span", "type": "labels", "value": {"start": 18, "end": 33, "labels": ["Statement"]}},
        {"id": "r2", "from_name": "frames", "type": "choices", "value": {"choices": ["economic"]}},
        {"id": "r2", "from_name": "tone", "type": "choices", "value": {"choices": ["negative"]}},
    ]
    ann = task_from_export(raw_task(result, text), FRAMES).annotations[0]
    source, statement = ann.regions
    assert source.attributes == {"canonical": "Jane\nDoe"}
    assert source.text == ""  # not stored: the offsets stand alone
    assert statement.attributes == {"frames": ["economic"], "tone": "negative"}


def test_unreadable_results_are_kept_with_a_reason() -> None:
    result = [
        "not an object",
        {"id": "a", "from_name": "mention", "type": "labels", "value": {"start": "1", "end": 5, "labels": ["Claim"]}},
        {"id": "b", "from_name": "mention", "type": "labels", "value": {"start": 1, "end": 5, "labels": []}},
        {"id": "c", "from_name": "stance", "type": "choices", "value": {"choices": ["favor"]}},
        {"from_name": "mention", "type": "labels", "value": {"start": 1, "end": 5, "labels": ["Claim"]}},
        {"type": "relation", "from_id": 3, "to_id": None},
    ]
    ann = task_from_export(raw_task(result), NEWS).annotations[0]
    assert ann.regions == []
    ids = [rid for rid, _ in ann.unreadable]
    reasons = " | ".join(reason for _, reason in ann.unreadable)
    assert ids == [None, "a", "b", None, None, "c"]
    assert "not whole numbers" in reasons and "exactly one label" in reasons and "no span has that id" in reasons


def test_results_that_are_not_a_list_do_not_crash() -> None:
    ann = task_from_export(raw_task({"oops": 1}), NEWS).annotations[0]  # type: ignore[arg-type]
    assert ann.unreadable and ann.regions == []


def _export(path: Path) -> list[Task]:
    return list(read_export(path, NEWS))


def _gold(path: Path) -> list[Task]:
    return read_gold(path, NEWS)


@pytest.mark.parametrize(
    ("read", "content", "says"),
    [
        (_export, '{"id": 1, "data": {}}', "starts with '{'"),
        (_export, "", "is empty"),
        (_export, '[{"id": 1, "text": "a JSON_MIN row"}]', "item 1: task 1 has no 'data' object"),
        (_export, '[{"id": 1, "data": {}, "annotations": {}}]', "'annotations' is not a list"),
        (_export, '[{"id": 1, "data": {}}, {"id": 2, "data"', "not valid JSON after task 1"),
        (_export, "[3]", "a task is a JSON object"),
        (_gold, "", "cannot read the gold annotations"),
        (_gold, '{"data": {}}', "not a Label Studio import"),
        (_gold, "[1, 2]", "not a Label Studio import"),
        (_gold, '[{"data": {"text": "x"}}, {"annotations": []}]', "item 2: task 2 has no 'data' object"),
    ],
)
def test_not_an_export_is_a_clear_error(tmp_path: Path, read: Any, content: str, says: str) -> None:
    """An export or a gold file that is not one: an ExportError naming the file and what is wrong."""
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExportError) as err:
        read(path)
    assert says in str(err.value) and str(path) in str(err.value)


def test_missing_file_is_an_export_error(tmp_path: Path) -> None:
    for read in (_export, _gold):
        with pytest.raises(ExportError, match="cannot read the"):
            read(tmp_path / "nope.json")


def test_not_an_export_is_one_line_from_the_cli(tmp_path: Path) -> None:
    """`annot validate` on a file that is not an export: one line naming the file, exit 1, no traceback."""
    schema = tmp_path / "schemas" / "news-stance.yaml"
    schema.parent.mkdir()
    schema.write_text((REPO / "schemas" / "news-stance.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "annot.toml").write_text(
        '[[project]]\nname = "p"\nschema = "schemas/news-stance.yaml"\nsources = []\nexport = "out"\n',
        encoding="utf-8",
    )
    (tmp_path / "rows.json").write_text('[{"id": 1, "text": "a JSON_MIN row"}]', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "annot.cli", "--quiet", "validate", "rows.json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1, (run.stdout, run.stderr)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert "rows.json" in lines[0] and "has no 'data' object" in lines[0] and "Label Studio's JSON export" in lines[0]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([raw_task(DESIGN_RESULT)]).encode())
    (task,) = read_export(path, NEWS)
    assert len(task.annotations[0].regions) == 2


# -- the round trip as a property --------------------------------------------------------

WORDS = ["the", "minister", "said", "Ilse", "Varga", "🚀", "café", "“a", "disgrace”", "naïve", "U.S.", "—", "東京"]
REGION_IDS = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=10)


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """An article text and the (start, end) of its words, so spans begin and end on a word."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40))
    seps = draw(st.lists(st.sampled_from([" ", " ", "\n", "\n\n", "  "]), min_size=len(words), max_size=len(words)))
    text, bounds = "", []
    for word, sep in zip(words, seps, strict=True):
        bounds.append((len(text), len(text) + len(word)))
        text += word + sep
    return text, bounds


def _attribute_values(draw: st.DrawFn, schema: Schema, label: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, attr in schema.spans[label].attributes.items():
        if not attr.required and not draw(st.booleans()):
            continue
        options = [c.value for c in attr.choices]
        if attr.type == "choice":
            values[name] = draw(st.sampled_from(options))
        elif attr.type == "multichoice":
            values[name] = draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
        else:
            values[name] = draw(st.text(min_size=1, max_size=20).filter(lambda s: s.strip()))
    return values


@st.composite
def valid_tasks(draw: st.DrawFn, schema: Schema) -> Task:
    """A task with one annotation that fits the schema in every respect."""
    text, bounds = draw(articles())
    ids = draw(st.lists(REGION_IDS, min_size=1, max_size=12, unique=True))
    labels = list(schema.spans)
    regions = []
    for rid in ids:
        i = draw(st.integers(0, len(bounds) - 1))
        j = draw(st.integers(i, min(i + 4, len(bounds) - 1)))
        start, end = bounds[i][0], bounds[j][1]
        label = draw(st.sampled_from(labels))
        regions.append(Region(rid, label, start, end, text[start:end], _attribute_values(draw, schema, label)))
    relations = []
    by_label: dict[str, list[Region]] = {}
    for r in regions:
        by_label.setdefault(r.label, []).append(r)
    attribution = schema.attribution
    if attribution and by_label.get(attribution.claim) and not by_label.get(attribution.speaker):
        # no speaker to attribute to: make the first claim a speaker's region instead
        first = by_label[attribution.claim].pop(0)
        speaker = Region(first.id, attribution.speaker, first.start, first.end, first.text)
        speaker.attributes = _attribute_values(draw, schema, attribution.speaker)
        regions[regions.index(first)] = speaker
        by_label[attribution.speaker] = [speaker]
    for name, kind in schema.relations.items():
        a, b = kind.between
        if not (by_label.get(a) and by_label.get(b)):
            continue
        wanted = 0 if attribution and name == attribution.relation else draw(st.integers(0, 2))
        pairs = [(draw(st.sampled_from(by_label[a])), draw(st.sampled_from(by_label[b]))) for _ in range(wanted)]
        if attribution and name == attribution.relation:
            claims = by_label[attribution.claim]
            speakers = by_label[attribution.speaker]
            pairs = [(draw(st.sampled_from(speakers)), claim) for claim in claims]
            if (a, b) != (attribution.speaker, attribution.claim):
                pairs = [(claim, spk) for spk, claim in pairs]
        for src, dst in pairs:
            if src.id == dst.id:
                continue
            directions = ["right", "left"] + ([] if kind.directed else ["bi"])
            direction = draw(st.sampled_from(directions))
            if direction == "left":
                src, dst = dst, src
            relations.append(Relation(src.id, dst.id, name, direction))
    ann = Annotation(
        id=draw(st.integers(1, 10**6)),
        task_id=1,
        regions=regions,
        relations=relations,
        annotator=draw(st.sampled_from(["1", "ann@example.org"])),
        ground_truth=draw(st.booleans()),
        updated_at="2025-05-01T10:02:00Z",
    )
    return Task(id=1, data={"article_id": "a1", "title": "T", "text": text}, annotations=[ann])


def export_of(task: Task, schema: Schema) -> dict[str, Any]:
    """The task as a Label Studio export item, through JSON text as in a file."""
    anns = [
        {
            "id": a.id,
            "result": to_results(a, schema),
            "completed_by": int(a.annotator) if a.annotator and a.annotator.isdigit() else {"email": a.annotator},
            "ground_truth": a.ground_truth,
            "was_cancelled": a.cancelled,
            "updated_at": a.updated_at,
        }
        for a in task.annotations
    ]
    return json.loads(json.dumps({"id": task.id, "data": task.data, "annotations": anns, "predictions": []}))


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("schema", [NEWS, FRAMES], ids=["news-stance", "policy-frames"])
@PROPERTY
@given(data=st.data())
def test_record_to_results_to_record_is_unchanged(schema: Schema, data: st.DataObject) -> None:
    task = data.draw(valid_tasks(schema))
    back = task_from_export(export_of(task, schema), schema)
    assert back == task
    assert validate([back], schema).problems == []
    models = record_models(schema).regions
    for region in back.annotations[0].regions:
        models[region.label].model_validate(
            {"id": region.id, "start": region.start, "end": region.end, "text": region.text, **region.attributes}
        )
