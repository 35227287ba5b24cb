"""Configuration: `annot.toml`, environment overrides, and the saved studio connection.

The API key never lives in `annot.toml`: it comes from `LABEL_STUDIO_API_KEY`,
else from the connection file `annot studio up` wrote (mode 0600).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annot import builtin
from annot.atomic import write_json
from annot.errors import ConfigError

CONFIG_FILE = "annot.toml"
STATE_DIR = ".annot"
CONNECTION_FILE = "connection.json"
DEFAULT_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Overlap:
    """How many annotators label a task, on what share of the tasks (`[project.overlap]`)."""

    annotators: int = 1
    share: float = 1.0
    first: bool = True  # serve the overlapping tasks first, so agreement can be measured early

    @property
    def percent(self) -> int:
        """The share as Label Studio takes it: a whole percentage."""
        return round(self.share * 100)

    def label_studio_settings(self) -> dict[str, Any]:
        return {
            "maximum_annotations": self.annotators,
            "overlap_cohort_percentage": self.percent,
            "show_overlap_first": self.first,
        }

    def describe(self) -> str:
        return "1 per task" if self.annotators == 1 else f"{self.annotators} on {self.percent}%"


def _overlap(raw: Any, where: str) -> Overlap | None:
    """`[project.overlap]` checked: Label Studio itself accepts a share of -5 % or 101 % without a word."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: overlap is a table, e.g. [project.overlap] annotators = 2, share = 0.2")
    unknown = set(raw) - {"annotators", "share", "first"}
    if unknown:
        raise ConfigError(f"{where}: overlap has no setting {sorted(unknown)[0]!r} (annotators, share, first)")
    annotators, share, first = raw.get("annotators", 2), raw.get("share", 1.0), raw.get("first", True)
    if isinstance(annotators, bool) or not isinstance(annotators, int) or annotators < 1:
        raise ConfigError(f"{where}: overlap.annotators must be a whole number of at least 1, not {annotators!r}")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ConfigError(f"{where}: overlap.share must be a number from 0 to 1 (the share of tasks), not {share!r}")
    if not isinstance(first, bool):
        raise ConfigError(f"{where}: overlap.first must be true or false, not {first!r}")
    return Overlap(annotators=annotators, share=float(share), first=first)


@dataclass(frozen=True)
class ProjectConfig:
    name: str
    schema: Path
    sources: list[Path]
    export: Path
    hub_repo: str | None = None
    overlap: Overlap | None = None  # None: the Label Studio project's own settings are left alone


@dataclass(frozen=True)
class Config:
    root: Path
    url: str
    projects: list[ProjectConfig] = field(default_factory=list)

    @property
    def state_dir(self) -> Path:
        return state_dir(self.root)

    def project(self, name: str | None = None) -> ProjectConfig:
        """The named project, or the only / first one when no name is given."""
        if not self.projects:
            raise ConfigError(f"{self.root / CONFIG_FILE}: no [[project]] defined; add one (see README)")
        if name is None:
            return self.projects[0]
        for project in self.projects:
            if project.name == name:
                return project
        known = ", ".join(p.name for p in self.projects)
        raise ConfigError(f"no project named {name!r} in {CONFIG_FILE} (known: {known})")


def shown(path: Path) -> str:
    """A path as a user would type it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def state_dir(root: Path) -> Path:
    """Where annot keeps its local state: ANNOT_HOME, else `.annot/` beside annot.toml."""
    return Path(os.environ["ANNOT_HOME"]) if os.environ.get("ANNOT_HOME") else root / STATE_DIR


def find_root(start: Path | None = None) -> Path:
    """The folder holding annot.toml: this one or the nearest parent; else this one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return here


def load_config(root: Path | None = None) -> Config:
    """Read annot.toml (optional: without it, one default project over `seeds/`)."""
    root = root or find_root()
    path = root / CONFIG_FILE
    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML: {e}") from None
    ls = raw.get("labelstudio", {})
    url = os.environ.get("LABEL_STUDIO_URL") or ls.get("url") or saved_url(root) or DEFAULT_URL
    projects = []
    for i, p in enumerate(raw.get("project", [])):
        where = f"{path}: [[project]] #{i + 1}"
        if "name" not in p:
            raise ConfigError(f"{where}: needs a name")
        name = p["name"]
        projects.append(
            ProjectConfig(
                name=name,
                schema=builtin.resolve_schema(p.get("schema", f"schemas/{name}.yaml"), root),
                sources=[root / s for s in p.get("sources", ["seeds/"])],
                export=root / p.get("export", f"exports/{name}"),
                hub_repo=p.get("hub_repo"),
                overlap=_overlap(p.get("overlap"), f"{where} ({name})"),
            )
        )
    if not raw.get("project"):
        local = root / "schemas/news-stance.yaml"
        projects.append(
            ProjectConfig(
                name="news-stance",
                # no [[project]] and no copy of the schema here: the shipped one
                schema=local if local.is_file() else builtin.schema_path("news-stance"),
                sources=[root / "seeds"],
                export=root / "exports/news-stance",
            )
        )
    return Config(root=root, url=url.rstrip("/"), projects=projects)


# -- the saved connection ------------------------------------------------------------


def connection_path(root: Path) -> Path:
    return state_dir(root) / CONNECTION_FILE


def read_connection(root: Path) -> dict[str, Any]:
    path = connection_path(root)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise ConfigError(f"{path}: unreadable connection file; run `annot studio up` again") from None


def save_connection(root: Path, data: dict[str, Any]) -> Path:
    """Write the connection file readable by its owner only (0600), atomically."""
    path = connection_path(root)
    write_json(path, data, mode=0o600, indent=2)
    return path


def saved_url(root: Path) -> str | None:
    return read_connection(root).get("url")


def credentials(config: Config) -> tuple[str, str]:
    """The server URL and API key to use.

    LABEL_STUDIO_API_KEY goes with the configured URL. Without it, the key saved by
    `annot studio up` goes with the URL it was saved with (a key belongs to its server),
    unless LABEL_STUDIO_URL names another.
    """
    key = os.environ.get("LABEL_STUDIO_API_KEY")
    if key:
        return config.url, key
    saved = read_connection(config.root)
    if saved.get("api_key"):
        return (os.environ.get("LABEL_STUDIO_URL") or saved.get("url") or config.url).rstrip("/"), saved["api_key"]
    raise ConfigError(
        "no Label Studio API key: set LABEL_STUDIO_API_KEY (Account & Settings > Personal Access Token) "
        "or run `annot studio up` for a local server"
    )
