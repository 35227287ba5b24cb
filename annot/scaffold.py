"""`annot init`: a new project folder with annot.toml, a copy of the shipped schema, seeds/ and exports/."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from annot import builtin
from annot.atomic import copy_file, write_text
from annot.config import CONFIG_FILE, STATE_DIR, shown
from annot.errors import ConfigError

SCHEMA = "news-stance"
# .annot/ holds the local server's data and the 0600 connection file with its API token
GITIGNORE = [f"{STATE_DIR}/", ".env", ".venv*/", "__pycache__/"]
CONFIG_TEMPLATE = """\
# annot configuration, made by `annot init`. No secrets here: the API key comes from
# LABEL_STUDIO_API_KEY, or from .annot/connection.json that `annot studio up` writes (mode 0600).

[labelstudio]
url = "http://127.0.0.1:8080"      # LABEL_STUDIO_URL overrides

[[project]]
name = "{name}"
schema = "schemas/{name}.yaml"     # your copy, ready to edit ("builtin:{name}" is the shipped one)
sources = ["seeds/"]               # .txt, .html, .htm and .jsonl articles
export = "exports/{name}"
# hub_repo = "org/{name}"          # optional; HF_TOKEN from the environment
"""


@dataclass
class Scaffold:
    root: Path
    demo: bool
    created: list[Path] = field(default_factory=list)
    gitignore: str = "created"  # or "extended", "kept"

    def next_commands(self) -> list[str]:
        """The three commands to run next, from the current folder, each with what it does."""
        where = shown(self.root)
        cd = "" if where == "." else f"cd {shlex.quote(where)} && "  # a folder named with a space still works
        load = f'python -c \'import datasets; print(datasets.load_dataset("exports/{SCHEMA}", "claims"))\''
        steps = [
            (f"{cd}annot studio up", "a local Label Studio on 127.0.0.1 (installed the first time)"),
            ("annot demo", "the five seeds pushed, pre-annotated, their gold annotations published")
            if self.demo
            else ("annot sync", "pushes seeds/ into a project; after annotating, run it again to publish"),
            (load, "the published dataset"),
        ]
        width = max(len(command) for command, _ in steps[:2])
        return [f"{command.ljust(width)}  # {what}" if command != load else command for command, what in steps]


def init(root: Path, demo: bool = False) -> Scaffold:
    """Make the project folder; refuse, before writing anything, if any file it would write exists."""
    plan: dict[Path, Path | str] = {root / CONFIG_FILE: CONFIG_TEMPLATE.format(name=SCHEMA)}
    for source in builtin.schema_files(SCHEMA):
        plan[root / "schemas" / source.name] = source
    if demo:
        for source in builtin.demo_seeds():
            plan[root / "seeds" / source.name] = source
    for path in plan:
        if path.exists():
            raise ConfigError(
                f"{shown(path)} already exists: annot init never overwrites; "
                f"use that project, or choose an empty folder (annot init DIR)"
            )
    for folder in (root, root / "schemas", root / "seeds", root / "exports"):
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"{shown(folder)} is a file, not a folder; move it away or choose another folder")
    try:
        for folder in (root / "seeds", root / "exports"):
            folder.mkdir(parents=True, exist_ok=True)
        done = Scaffold(root=root, demo=demo)
        for path, content in plan.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                copy_file(content, path)
            else:
                write_text(path, content)
            done.created.append(path)
        done.gitignore = _gitignore(root / ".gitignore")
    except OSError as e:
        raise ConfigError(f"cannot write the project in {shown(root)} ({e.strerror}: {e.filename})") from None
    return done


def _gitignore(path: Path) -> str:
    """Write .gitignore, or add what it misses to the one already there (never remove a line)."""
    if not path.exists():
        write_text(
            path,
            "# made by `annot init`: local state and tokens stay out of git\n" + "\n".join(GITIGNORE) + "\n",
        )
        return "created"
    text = path.read_text(encoding="utf-8")
    missing = [line for line in GITIGNORE if line not in text.splitlines()]
    if not missing:
        return "kept"
    sep = "" if text.endswith("\n") or not text else "\n"
    write_text(path, text + sep + "# added by `annot init`\n" + "\n".join(missing) + "\n")
    return "extended"
