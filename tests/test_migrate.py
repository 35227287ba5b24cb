"""Schema versions without a server: the change log, migration on read, `schema diff`, bad input, overlap config."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.config import Overlap, load_config
from annot.convert import read_export
from annot.errors import ConfigError, SchemaError
from annot.migrate import check_history, config_values, diff, migrate_results
from annot.schema import label_config, load_schema
from annot.validate import validate
from tests.helpers import EXPORTS, SCHEMA, SCHEMA_V2, SCHEMA_V3, annot, region, relation
from tests.strategies import result_lists

V1, V2, V3 = SCHEMA, SCHEMA_V2, SCHEMA_V3
CLEAN = EXPORTS / "news-stance-clean.json"
DEAD_URL = "http://127.0.0.1:9"  # discard port: nothing listens, so any request would fail differently


def values(results: list[dict]) -> list[tuple[str, str]]:
    return sorted(
        (r["from_name"], v)
        for r in results
        if "value" in r
        for v in r["value"].get("labels", []) + r["value"].get("choices", [])
    )


# -- the change log -------------------------------------------------------------------------------


def test_the_shipped_schema_is_version_1_with_no_changes() -> None:
    schema = load_schema(V1)
    assert (schema.version, schema.changes, schema.migrations) == (1, [], {})


def test_changes_compose_across_versions() -> None:
    assert load_schema(V2).migrations == {"mention": {"Cue": "Verb"}, "target": {"United States": "USA"}}
    # version 3 removes what version 2 renamed: a Cue made under version 1 goes too
    assert load_schema(V3).migrations == {"mention": {"Cue": None, "Verb": None}, "target": {"United States": "USA"}}


def test_rename_keeps_the_region_its_attributes_and_relations() -> None:
    results = [*region("s", "Speaker"), *region("c", "Claim", 5, 9, stance="favor", target="United States")]
    results += [*region("v", "Cue", 10, 14), relation("c", "s")]
    before = copy.deepcopy(results)
    migrated = migrate_results(results, load_schema(V2))
    assert results == before  # the input is not touched
    assert values(migrated) == sorted(
        [("mention", "Speaker"), ("mention", "Claim"), ("mention", "Verb"), ("stance", "favor"), ("target", "USA")]
    )
    assert [r.get("id") for r in migrated] == [r.get("id") for r in results]
    assert migrated[-1] == results[-1]


def test_removal_takes_the_region_its_attributes_and_its_relations() -> None:
    results = [*region("s", "Speaker"), *region("c", "Claim", 5, 9, stance="none", target="China")]
    results += [*region("v", "Cue", 10, 14), relation("c", "s"), relation("v", "c", "responds_to")]
    migrated = migrate_results(results, load_schema(V3))
    assert "v" not in {r.get("id") for r in migrated}
    assert [r for r in migrated if r.get("type") == "relation"] == [relation("c", "s")]


def test_nothing_to_change_returns_the_same_list() -> None:
    results = [*region("s", "Speaker"), *region("c", "Claim", 5, 9, stance="none", target="China")]
    assert migrate_results(results, load_schema(V3)) is results


@settings(max_examples=200, deadline=None)
@given(result_lists(), st.sampled_from([V2, V3]))
def test_migration_is_idempotent_and_leaves_no_old_value(results: list[dict], path: Path) -> None:
    schema = load_schema(path)
    once = migrate_results(results, schema)
    assert migrate_results(once, schema) == once  # a second run (a re-run after a kill) changes nothing
    old = {(c, v) for c, mapping in schema.migrations.items() for v in mapping}
    assert not old & set(values(once))
    kept = {r["id"] for r in once if r.get("type") != "relation"}
    assert all(r["from_id"] in kept and r["to_id"] in kept for r in once if r.get("type") == "relation")


def test_an_export_made_under_version_1_validates_under_versions_2_and_3() -> None:
    v1 = load_schema(V1)
    cues = sum(
        v == ("mention", "Cue")
        for t in json.loads(CLEAN.read_text())
        for a in t["annotations"]
        for v in values(a["result"])
    )
    assert cues > 0
    for path, verbs in ((V2, cues), (V3, 0)):
        schema = load_schema(path)
        tasks = list(read_export(CLEAN, schema))
        report = validate(tasks, schema)
        assert report.problems == [], path.name  # a rename never fails validation
        labels = [r.label for t in tasks for a in t.annotations for r in a.regions]
        assert labels.count("Verb") == verbs and "Cue" not in labels
    assert validate(list(read_export(CLEAN, v1)), v1).problems == []


# -- schema diff -------------------------------------------------------------------------------------


def test_diff_counts_each_change_on_the_local_copy() -> None:
    tasks = json.loads(CLEAN.read_text())
    cue_tasks = {
        t["id"]
        for t in tasks
        for a in t["annotations"]
        for r in a["result"]
        if r.get("value", {}).get("labels") == ["Cue"]
    }
    cues = sum(
        r.get("value", {}).get("labels") == ["Cue"] for t in tasks for a in t["annotations"] for r in a["result"]
    )
    result = diff(load_schema(V1), load_schema(V3), CLEAN)
    rows = {change.describe().split(":")[0]: (t.regions, len(t.tasks)) for change, t in result.changes}
    assert rows["rename label `Cue` to `Verb`"] == (cues, len(cue_tasks))
    assert rows["remove label `Verb` (its regions are deleted)"] == (cues, len(cue_tasks))  # followed through the log
    assert rows["rename choice target `United States` to `USA`"] == (0, 0)
    assert result.removed == [] and result.counted


def test_diff_names_a_value_dropped_without_a_change_entry(tmp_path: Path) -> None:
    dropped = tmp_path / "news-stance.yaml"
    dropped.write_text(
        V1.read_text()
        .replace("version: 1", "version: 2")
        .replace("guidelines: news-stance.md\n", "")
        .replace("  Cue:\n", "  Gone:\n")
        .replace("column: cues", "column: gones")
    )
    result = diff(load_schema(V1), load_schema(dropped), CLEAN)
    assert [(c, v) for c, v, _ in result.removed] == [("mention", "Cue")]
    assert result.removed[0][2].regions > 0
    assert result.added == [("mention", "Gone")]


def test_diff_command_prints_the_changes() -> None:
    run = annot("schema", "diff", str(V1), str(V2))
    assert run.returncode == 0, run.stderr
    assert "rename label `Cue` to `Verb`" in run.stdout and "version 1 -> 2" in run.stdout


# -- bad input: one line, exit 1, nothing sent -----------------------------------------------------------


def bad_schema(tmp_path: Path, changes: str, version: int = 2) -> Path:
    text = V2.read_text().split("\nchanges:")[0].replace("version: 2", f"version: {version}")
    path = tmp_path / "news-stance-bad.yaml"
    path.write_text(text + "\nchanges:\n" + changes)
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ("  - {version: 2, rename: Cue, to: Verbb}\n", "version 2 has no label 'Verbb'"),
        ("  - {version: 2, attribute: colour, rename: red, to: blue}\n", "no choice attribute 'colour'"),
        ("  - {version: 3, rename: Cue, to: Verb}\n", "version 3 is newer than the schema's version 2"),
        (
            "  - {version: 3, rename: Cue, to: Verb}\n"
            "  - {version: 2, attribute: target, rename: United States, to: USA}\n",
            "comes after version 3",
        ),
        ("  - {version: 2, rename: Claim, to: Verb}\n", "the schema still has it"),
        ("  - {version: 2, rename: Cue}\n", "give the new name as `to`"),
    ],
)
def test_a_change_that_does_not_fit_is_one_line(tmp_path: Path, changes: str, message: str) -> None:
    path = bad_schema(tmp_path, changes, version=3 if "comes after" in message else 2)
    with pytest.raises(SchemaError, match="changes") as e:
        load_schema(path)
    assert message in str(e.value)
    run = annot("schema", "render", str(path))
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1 and message in run.stderr


def test_a_change_naming_a_label_the_schema_never_had(tmp_path: Path) -> None:
    path = bad_schema(tmp_path, "  - {version: 2, rename: Quote, to: Verb}\n")
    schema = load_schema(path)  # the file alone cannot know version 1 had no Quote...
    on_server = config_values(label_config(load_schema(V1)), schema)
    with pytest.raises(SchemaError, match="never had label 'Quote'"):  # ...version 1's config does
        check_history(schema, on_server, 1, "on the server")
    run = annot("schema", "diff", str(V1), str(path))
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1
    assert "never had label 'Quote'" in run.stderr


def test_a_version_going_backwards_is_refused() -> None:
    run = annot("schema", "diff", str(V2), str(V1))
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1
    assert "version 1 is older than version 2" in run.stderr


# -- overlap in annot.toml ---------------------------------------------------------------------------------


def write_toml(root: Path, overlap: str) -> None:
    (root / "annot.toml").write_text(
        f'[[project]]\nname = "p"\nschema = "{V1}"\n\n[project.overlap]\n{overlap}\n', encoding="utf-8"
    )


def test_overlap_from_annot_toml(tmp_path: Path) -> None:
    write_toml(tmp_path, "annotators = 2\nshare = 0.2")
    overlap = load_config(tmp_path).project().overlap
    assert overlap == Overlap(annotators=2, share=0.2, first=True)
    assert overlap.label_studio_settings() == {
        "maximum_annotations": 2,
        "overlap_cohort_percentage": 20,
        "show_overlap_first": True,
    }
    (tmp_path / "annot.toml").write_text(f'[[project]]\nname = "p"\nschema = "{V1}"\n')
    assert load_config(tmp_path).project().overlap is None  # the project's own settings are left alone


@pytest.mark.parametrize(
    ("overlap", "message"),
    [
        ("annotators = 2\nshare = 1.5", "overlap.share must be a number from 0 to 1"),
        ("annotators = 2\nshare = -0.1", "overlap.share must be a number from 0 to 1"),
        ('annotators = 2\nshare = "half"', "overlap.share must be a number from 0 to 1"),
        ("annotators = 0\nshare = 0.2", "overlap.annotators must be a whole number of at least 1"),
        ("annotators = 2\nshares = 0.2", "overlap has no setting 'shares'"),
    ],
)
def test_a_bad_overlap_is_one_line_and_nothing_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overlap: str, message: str
) -> None:
    write_toml(tmp_path, overlap)
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)
    (tmp_path / "seeds").mkdir()
    env = {"LABEL_STUDIO_URL": DEAD_URL, "LABEL_STUDIO_API_KEY": "0" * 40, "ANNOT_RETRY_SECONDS": "0"}
    run = annot("push", env_extra=env, cwd=tmp_path)
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1
    assert message in run.stderr and "cannot reach" not in run.stderr  # refused before any request


def derived(tmp_path: Path, replacements: list[tuple[str, str]], changes: str, version: int = 2) -> Path:
    """Version 1 of the shipped schema with some values replaced and a change log."""
    text = V1.read_text().replace("version: 1", f"version: {version}").replace("guidelines: news-stance.md\n", "")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"news-stance-{version}.yaml"
    path.write_text(text + "\nchanges:\n" + changes)
    return path


def test_merge_split_and_choice_removal(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        [
            ("          - {value: Russia, hotkey: r}\n", "          - {value: Eastern Europe, hotkey: r}\n"),
            ("          - {value: Ukraine, hotkey: k}\n", ""),
            ("          - {value: mixed, hotkey: m, description: A paraphrase with a quoted fragment.}\n", ""),
            ("  Cue:\n", "  Opinion:\n    hotkey: p\n    column: opinions\n  Source:\n    column: sources\n  Cue:\n"),
        ],
        "  - {version: 2, attribute: target, merge: [Russia, Ukraine], into: Eastern Europe}\n"
        "  - {version: 2, attribute: quote_type, remove: mixed}\n"
        "  - {version: 2, split: Claim, into: [Claim, Opinion], becomes: Claim}\n",
    )
    schema = load_schema(path)
    assert schema.migrations == {
        "target": {"Russia": "Eastern Europe", "Ukraine": "Eastern Europe"},
        "quote_type": {"mixed": None},
    }
    results = [*region("c", "Claim", 0, 4, target="Ukraine", quote_type="mixed", stance="favor")]
    migrated = migrate_results(results, schema)
    assert values(migrated) == [("mention", "Claim"), ("stance", "favor"), ("target", "Eastern Europe")]
    result = diff(load_schema(V1), schema, None)
    assert [c.kind for c, _ in result.changes] == ["merge", "remove", "split"]
    assert result.added == [("mention", "Source")]  # new with no change entry; Opinion comes with the split
    assert not result.counted


def test_a_name_taken_out_of_use_cannot_come_back(tmp_path: Path) -> None:
    # Cue was renamed Verb, and a new label takes the name Cue again: old Cues would be read as Verbs
    path = derived(
        tmp_path, [("  Cue:\n", "  Verb:\n    column: verbs\n  Cue:\n")], "  - {version: 2, rename: Cue, to: Verb}\n"
    )
    with pytest.raises(
        SchemaError, match=r"changes\[0\]: rename label 'Cue', but the schema still has it; .* cannot come back"
    ):
        load_schema(path)
