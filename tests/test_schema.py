"""Schemas: every shipped schema renders all four outputs (drift), the generated config's names, and schema mistakes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pydantic import ValidationError

from annot.errors import SchemaError
from annot.schema import (
    as_json,
    configs,
    features,
    guidelines_html,
    guidelines_markdown,
    label_config,
    load_schema,
    record_models,
)
from tests.helpers import FRAMES_SCHEMA, REPO, SCHEMA, TEST_SCHEMAS

SHIPPED = sorted((REPO / "schemas").glob("*.yaml"))
TEST_SCHEMA_FILES = sorted(TEST_SCHEMAS.glob("*.yaml"))


def test_there_is_a_shipped_schema() -> None:
    assert SCHEMA in SHIPPED


@pytest.mark.parametrize("path", SHIPPED + TEST_SCHEMA_FILES, ids=lambda p: p.name)
def test_every_schema_renders_all_four_outputs(path: Path) -> None:
    schema = load_schema(path)
    root = ET.fromstring(label_config(schema))
    assert root.tag == "View"
    # Label Studio 1.23 demands a required per-region control of every region (docs/architecture.md)
    assert not [e for e in root.iter() if e.get("perRegion") == "true" and e.get("required") == "true"]
    models = record_models(schema)
    assert set(models.regions) == set(schema.spans)
    for config in configs(schema):
        feats = features(schema, config)
        assert list(models.rows[config].model_fields) == list(feats), config
    assert guidelines_markdown(schema).strip()
    assert "<script" not in guidelines_html(schema)
    assert as_json(schema)["version"] == schema.version


@pytest.mark.parametrize("path", SHIPPED + TEST_SCHEMA_FILES, ids=lambda p: p.name)
def test_hotkeys_do_not_clash_and_every_choice_group_has_a_heading(path: Path) -> None:
    root = ET.fromstring(label_config(load_schema(path)))
    keys = [e.get("hotkey") for e in root.iter() if e.get("hotkey")]
    assert len(keys) == len(set(keys))
    for view in root.iter("View"):
        children = list(view)
        for i, child in enumerate(children):
            if child.tag in ("Choices", "TextArea"):
                assert i > 0 and children[i - 1].tag == "Header", child.get("name")


def test_news_stance_config_has_the_contract_names() -> None:
    schema = load_schema(SCHEMA)
    root = ET.fromstring(label_config(schema))
    (text,) = root.iter("Text")
    assert (text.get("name"), text.get("value")) == ("text", "$text")
    (labels,) = root.iter("Labels")
    assert labels.get("name") == "mention" and labels.get("toName") == "text"
    assert [label.get("value") for label in labels] == ["Speaker", "Claim", "Cue"]
    assert [r.get("value") for r in root.iter("Relation")] == ["says", "responds_to"]
    choices = {c.get("name"): (c.get("whenLabelValue"), [x.get("value") for x in c]) for c in root.iter("Choices")}
    assert choices == {
        "stance": ("Claim", ["favor", "against", "none"]),
        "target": ("Claim", ["China", "Russia", "United States", "Ukraine", "Other"]),
        "quote_type": ("Claim", ["direct", "indirect", "mixed"]),
    }
    (area,) = root.iter("TextArea")
    assert (area.get("name"), area.get("whenLabelValue"), area.get("perRegion")) == ("speaker_name", "Speaker", "true")


def test_second_schema_renders_its_own_names() -> None:
    schema = load_schema(FRAMES_SCHEMA)
    root = ET.fromstring(label_config(schema))
    assert [t.get("name") for t in root.iter("Text")] == ["body"]
    assert [r.get("value") for r in root.iter("Relation")] == ["states", "about"]
    frames = next(c for c in root.iter("Choices") if c.get("name") == "frames")
    assert frames.get("choice") == "multiple"
    assert configs(schema) == ["documents", "statements"]
    assert list(features(schema)) == [
        *["id", "title", "text", "source", "author", "published", "url"],
        *["sources", "statements", "policies", "about", "annotators", "annotation_ids"],
    ]
    row = record_models(schema).rows["statements"]
    row(id="s", document_id="d", text="t", start=0, end=1, context="c", speaker=None, frames=["legal"], tone=None)
    with pytest.raises(ValidationError):
        row(id="s", document_id="d", text="t", start=0, end=1, context="c", frames=["sports"])


def test_region_models_enforce_required_attributes_and_choices() -> None:
    claim = record_models(load_schema(SCHEMA)).regions["Claim"]
    ok = {"id": "c", "start": 0, "end": 3, "text": "abc", "stance": "favor", "target": "China"}
    assert claim.model_validate(ok).quote_type is None
    for broken in ({**ok, "stance": "maybe"}, {k: v for k, v in ok.items() if k != "target"}, {**ok, "start": -1}):
        with pytest.raises(ValidationError):
            claim.model_validate(broken)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda s: s.replace("choices: [official, expert, citizen, organisation]", "choices: []"),
            "spans.Source.attributes.source_type: must list at least one choice",
        ),
        (lambda s: s.replace('hotkey: "2"', 'hotkey: "1"'), "hotkey '1' is already used by spans.Source"),
        (
            lambda s: s.replace("between: [Statement, Policy]", "between: [Statement, Law]"),
            "relations.about.between: 'Law' is not a span label",
        ),
        (lambda s: s.replace("version: 2", "version: zero"), "version: Input should be a valid integer"),
        (
            lambda s: s.replace("    directed: true\n", "    directed: true\n    colour: red\n", 1),
            "relations.states.colour: Extra inputs are not permitted",
        ),
    ],
)
def test_schema_mistakes_name_the_field(tmp_path: Path, change, says: str) -> None:  # noqa: ANN001
    source = FRAMES_SCHEMA.read_text(encoding="utf-8")
    broken = change(source)
    assert broken != source
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        load_schema(path)
    assert says in str(err.value) and str(path) in str(err.value)


def test_a_hotkey_the_labeling_screen_binds_is_refused(tmp_path: Path) -> None:
    """`u` unselects the region in Label Studio 1.23 (seen in the browser test): a choice there is unreachable."""
    from annot.errors import SchemaError
    from annot.schema import load_schema

    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nversion: 1\nspans:\n  Claim:\n    attributes:\n"
        "      target: {type: choice, choices: [{value: United States, hotkey: u}]}\n"
    )
    with pytest.raises(SchemaError, match=r"spans.Claim.attributes.target.choices.United States: hotkey 'u'"):
        load_schema(path)
