"""Starting anywhere: the shipped schema from any folder, `annot init`, and what it refuses."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

from annot import builtin
from annot.config import load_config
from tests.helpers import REPO, SCHEMA, annot


def one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def test_the_shipped_schema_is_the_repository_one() -> None:
    """One copy: in a checkout the package reads the top-level schemas/ (the wheel maps it to annot/schemas/)."""
    assert builtin.schema_path("news-stance").read_bytes() == SCHEMA.read_bytes()
    assert builtin.schema_path("builtin:news-stance") == builtin.schema_path("news-stance")
    assert [p.name for p in builtin.schema_files("news-stance")] == ["news-stance.yaml", "news-stance.md"]
    seeds = builtin.demo_seeds()
    assert len([p for p in seeds if p.suffix == ".txt"]) == 5 and seeds[-1].name == "gold.json"
    assert all(p.is_file() for p in seeds)


def test_the_wheel_takes_every_shipped_file() -> None:
    """Drift: a file added to schemas/ or seeds/ is package data too (tests/e2e_wheel.sh opens the real wheel)."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert set(setuptools["package-dir"]) == {"annot.schemas", "annot.seeds"} <= set(setuptools["packages"])
    for package, folder in setuptools["package-dir"].items():
        globs = setuptools["package-data"][package]
        for path in (REPO / folder).iterdir():
            assert any(fnmatch.fnmatch(path.name, g) for g in globs), f"{folder}/{path.name} would not be in the wheel"


def test_schema_render_builtin_from_any_folder(tmp_path: Path) -> None:
    from_repo = annot("schema", "render", str(SCHEMA), cwd=REPO)
    anywhere = annot("schema", "render", "--builtin", "news-stance", cwd=tmp_path)
    assert anywhere.returncode == 0, anywhere.stderr
    assert anywhere.stdout == from_repo.stdout and '<Labels name="mention"' in anywhere.stdout
    # a folder with no annot.toml and no schema of its own renders the shipped one
    bare = annot("schema", "render", "--format", "features", cwd=tmp_path)
    assert bare.returncode == 0, bare.stderr
    assert '"stance"' in bare.stdout
    unknown = one_line_error(annot("schema", "render", "--builtin", "no-such", cwd=tmp_path))
    assert "no shipped schema named 'no-such'" in unknown and "news-stance" in unknown


def test_annot_toml_may_name_the_shipped_schema(tmp_path: Path) -> None:
    (tmp_path / "annot.toml").write_text('[[project]]\nname = "p"\nschema = "builtin:news-stance"\n', encoding="utf-8")
    assert load_config(tmp_path).project().schema == builtin.schema_path("news-stance")
    run = annot("schema", "render", "--format", "json", cwd=tmp_path)
    assert run.returncode == 0 and '"name": "news-stance"' in run.stdout, run.stderr


def test_init_makes_a_project_that_loads(tmp_path: Path) -> None:
    run = annot("init", "proj", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    root = tmp_path / "proj"
    assert sorted(p.name for p in root.iterdir()) == [".gitignore", "annot.toml", "exports", "schemas", "seeds"]
    assert list((root / "seeds").iterdir()) == [] and list((root / "exports").iterdir()) == []
    for name in ("news-stance.yaml", "news-stance.md"):  # a copy to edit, identical to the shipped one
        assert (root / "schemas" / name).read_bytes() == (REPO / "schemas" / name).read_bytes()
    toml = tomllib.loads((root / "annot.toml").read_text(encoding="utf-8"))
    assert toml["project"][0]["schema"] == "schemas/news-stance.yaml"
    cfg = load_config(root)
    assert cfg.project().schema == root / "schemas/news-stance.yaml" and cfg.project().sources == [root / "seeds"]
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".annot/" in ignored and ".env" in ignored
    # the next three commands, the first one moving into the new folder
    after = run.stdout.split("next:")[1].strip().splitlines()
    assert len(after) == 3, run.stdout
    assert after[0].strip().startswith("cd proj && annot studio up") and after[1].strip().startswith("annot sync")
    rendered = annot("schema", "render", cwd=root)
    assert rendered.returncode == 0 and '<Labels name="mention"' in rendered.stdout


def test_init_names_a_folder_with_a_space_as_a_shell_takes_it(tmp_path: Path) -> None:
    run = annot("init", "my project", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    first = run.stdout.split("next:")[1].strip().splitlines()[0].strip()
    assert first.startswith("cd 'my project' && annot studio up"), first


def test_init_demo_brings_the_seeds(tmp_path: Path) -> None:
    run = annot("init", "--demo", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    seeds = sorted(p.name for p in (tmp_path / "seeds").iterdir())
    assert seeds == sorted(p.name for p in (REPO / "seeds").iterdir() if p.suffix in (".txt", ".json"))
    assert "annot demo" in run.stdout and "cd " not in run.stdout  # already in the folder


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "annot.toml").write_text("# mine\n", encoding="utf-8")
    line = one_line_error(annot("init", cwd=tmp_path))
    assert "annot.toml already exists" in line and "never overwrites" in line
    assert (tmp_path / "annot.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "schemas").exists()  # refused before writing anything

    other = tmp_path / "other"
    (other / "schemas").mkdir(parents=True)
    (other / "schemas" / "news-stance.md").write_text("my guidelines\n", encoding="utf-8")
    line = one_line_error(annot("init", str(other)))
    assert "news-stance.md already exists" in line
    assert not (other / "annot.toml").exists()


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.log\n.env", encoding="utf-8")
    run = annot("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["*.log", ".env"] and ".annot/" in lines and lines.count(".env") == 1
