"""The README cannot drift: every ```python block runs (offline ones always, the ones marked as needing a
Label Studio against the session's real one), and its offline shell examples run too."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, SEEDS, Live, Workspace

README = (REPO / "README.md").read_text(encoding="utf-8")
NEEDS_SERVER = "# needs a Label Studio"
OFFLINE_COMMANDS = ("annot ingest ", "annot schema render ", "annot init")  # cheap, no server


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.S | re.M)


def offline_blocks() -> list[str]:
    return [b for b in blocks("python") if not b.startswith(NEEDS_SERVER)]


def server_blocks() -> list[str]:
    return [b for b in blocks("python") if b.startswith(NEEDS_SERVER)]


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the README's offline examples expect to find: the seeds with their gold, a published dataset,
    an archive of JSON lines."""
    import annot

    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(SEEDS, root / "seeds")
    annot.publish_export(root / "seeds" / "gold.json", "builtin:news-stance", root / "exports" / "news-stance")
    # with `published` (one seed has a date): datasets reads ISO dates as datetimes, process_record takes them
    articles = annot.ingest([SEEDS]).articles
    lines = [a.model_dump_json(exclude={"origin", "warnings"}) for a in articles]
    (root / "archive-1.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_readme_has_python_examples_of_both_kinds() -> None:
    assert len(offline_blocks()) >= 2 and len(server_blocks()) >= 1
    assert "annot.publish_export(" in README and "annot.open(" in README


@pytest.mark.parametrize("code", offline_blocks(), ids=lambda c: c.splitlines()[0][:40])
def test_offline_python_example_runs(code: str, folder: Path) -> None:
    run = run_python(code, folder)
    assert run.returncode == 0, run.stderr[-2000:]


@pytest.mark.parametrize("code", server_blocks(), ids=lambda c: c.splitlines()[1][:40])
def test_python_example_runs_against_label_studio(code: str, workspace: Workspace, live_studio: Live) -> None:
    run = run_python(code, workspace.root)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "5 imported, 0 already there" in run.stdout  # the five seeds of the fixture's project
    assert (workspace.export / "publish-report.json").exists()


def shell_examples() -> list[str]:
    lines = [line.split("  #")[0].strip() for block in blocks("sh") for line in block.splitlines()]
    return [line for line in lines if line.startswith(OFFLINE_COMMANDS)]


@pytest.mark.parametrize("line", shell_examples())
def test_offline_shell_example_runs(line: str, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    argv = shlex.split(line)
    target = None
    if ">" in argv:  # `annot ingest seeds/ --json > articles.jsonl`
        target = tmp_path / argv[argv.index(">") + 1]
        argv = argv[: argv.index(">")]
    run = subprocess.run(
        [sys.executable, "-m", "annot.cli", "--quiet", *argv[1:]], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr[-2000:]
    if target is not None:
        assert [json.loads(x)["id"] for x in run.stdout.splitlines()]
    else:
        assert run.stdout.strip() or (tmp_path / "annot.toml").exists()


def test_the_shell_examples_include_the_offline_ones() -> None:
    found = " ".join(shell_examples())
    assert "annot schema render --builtin news-stance" in found and "annot ingest seeds/ --json" in found
