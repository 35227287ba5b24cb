"""Drift tests of the command line: every command has help with an example, the README lists them all,
and the offline commands do what the README says."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from annot.cli import app
from tests.helpers import REPO, SCHEMA

runner = CliRunner()


def commands() -> list[list[str]]:
    """Every leaf command as its argv, read from typer's own registry."""
    from typer.main import get_command

    root = get_command(app)
    found = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        found += [[name, s] for s in sub] if sub else [[name]]
    return found


def test_there_are_commands() -> None:
    names = {" ".join(c) for c in commands()}
    assert {"studio up", "studio down", "studio status", "ingest", "schema render", "push", "pull", "validate"} <= names
    assert {"agreement", "publish", "sync", "status", "demo", "evaluate"} <= names


@pytest.mark.parametrize("argv", commands(), ids=lambda a: " ".join(a))
def test_every_command_has_help_with_an_example(argv: list[str]) -> None:
    result = runner.invoke(app, [*argv, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_readme_lists_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`annot ([a-z]+(?: [a-z]+)?)", readme))
    for argv in commands():
        name = " ".join(argv)
        assert any(item == name or item.startswith(name + " ") for item in listed), f"README misses `annot {name}`"


def test_ingest_json_gives_one_article_per_line() -> None:
    result = runner.invoke(app, ["ingest", str(REPO / "seeds"), "--json"])
    assert result.exit_code == 0, result.output
    articles = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(articles) == 5
    assert {"id", "title", "text", "source", "author", "published", "url", "origin"} <= set(articles[0])


def test_schema_render_formats() -> None:
    xml = runner.invoke(app, ["schema", "render", str(SCHEMA)])
    assert xml.exit_code == 0 and '<Labels name="mention" toName="text">' in xml.stdout
    features = runner.invoke(app, ["schema", "render", str(SCHEMA), "-f", "features"])
    assert set(json.loads(features.stdout)) == {"documents", "claims"}
    bad = runner.invoke(app, ["schema", "render", str(SCHEMA), "-f", "yaml"])
    assert bad.exit_code == 2


def test_a_broken_schema_is_one_line_naming_the_field(tmp_path) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nversion: 1\nspans:\n  Claim:\n    attributes:\n      stance: {type: choice}\n")
    result = runner.invoke(app, ["schema", "render", str(broken)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "spans.Claim.attributes.stance" in lines[0], result.output


def test_validate_and_publish_from_an_export_offline(tmp_path) -> None:  # noqa: ANN001
    export = REPO / "tests/data/exports/news-stance-clean.json"
    result = runner.invoke(app, ["validate", str(export), "--json", "--schema", str(SCHEMA)])
    report = json.loads(result.stdout)
    assert result.exit_code == (1 if report["errors"] else 0)
    defects = runner.invoke(
        app,
        ["validate", str(REPO / "tests/data/exports/news-stance-defects.json"), "--json"],
    )
    assert defects.exit_code == 1
    codes = {e["code"] for e in json.loads(defects.stdout)["errors"]}
    assert {"span-text-mismatch", "unattributed-claim", "unknown-label"} <= codes
