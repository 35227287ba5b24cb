"""Annotations from Label Studio: bring the local copy of a project's tasks up to date (only what changed
since the last pull), keep the raw export, validate. Prints nothing, takes no lock: `annot.workspace`
composes these steps under the project's lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annot import atomic
from annot.config import Config, ProjectConfig
from annot.labelstudio import Server
from annot.records import Task
from annot.schema import Schema
from annot.state import State, cache_path, prune_snapshots, save_state, snapshot_path


@dataclass
class PullResult:
    project_id: int
    snapshot: Path | None  # the raw export fetched by this pull; None when nothing changed
    tasks: Iterable[Task]  # re-iterable: read from the local copy on each pass
    report: Any  # annot.validate.Report
    changed: int | None  # tasks fetched because they changed since the last pull; None: a full export


def fetch(
    config: Config,
    project: ProjectConfig,
    server: Server,
    state: State,
    *,
    project_id: int | None = None,
    full: bool = False,
) -> tuple[int, Path | None, int | None]:
    """Bring the local copy of the project's annotated tasks up to date: (project id, snapshot, tasks changed);
    `state` is brought up to date and saved.

    Tasks changed is None after a full export (everything was fetched).

    Changes are found with one filtered listing of task ids and update times; only those
    tasks are exported and merged into the local copy (everything, the first time).
    Deleted annotations vanish too, since deleting one updates its task. `project_id`, when
    the caller just pushed, saves looking the project up again.
    """
    if project_id is None:
        project_id = server.require_project(project.name, hint=state.project_id).id
    before = (state.watermark, state.pulled_from, state.project_id, state.published_key)
    cache = cache_path(config, project)
    # a local copy of another project (deleted and made again in Label Studio) is not merged into
    full = full or state.pulled_from != project_id or state.watermark is None or not cache.exists()
    # a full export needs only the newest update time, taken before it, as the next watermark
    changed = (
        server.changed_since(project_id, None, limit=1) if full else server.changed_since(project_id, state.watermark)
    )
    snapshot: Path | None = None
    if full:
        snapshot = server.export_to(project_id, snapshot_path(config, project))
        atomic.copy_file(snapshot, cache)
    elif changed:
        fresh = server.export_tasks(project_id, [task_id for task_id, _ in changed])
        snapshot = snapshot_path(config, project)
        atomic.write_json(snapshot, fresh)
        _merge_into(cache, fresh, {task_id for task_id, _ in changed})
    if changed:
        state.watermark = max(updated for _, updated in changed)
    if state.pulled_from != project_id:
        state.published_key = None
    state.pulled_from = state.project_id = project_id
    if snapshot:
        prune_snapshots(snapshot.parent)
    if (state.watermark, state.pulled_from, state.project_id, state.published_key) != before:
        save_state(config, project, state)
    return project_id, snapshot, None if full else len(changed)


def load_local(config: Config, project: ProjectConfig, schema: Schema) -> tuple[Iterable[Task], Any]:
    """The local copy's tasks (read afresh on each pass, not held) and their validation report."""
    from annot.convert import ExportFile
    from annot.validate import validate

    path = cache_path(config, project)
    tasks: Iterable[Task] = ExportFile(path, schema) if path.exists() else []
    return tasks, validate(tasks, schema)


def _merge_into(cache: Path, fresh: list[dict[str, Any]], changed_ids: set[int]) -> None:
    """Replace the changed tasks in the local copy; a changed task missing from `fresh` lost its annotations."""
    kept = [t for t in json.loads(cache.read_text(encoding="utf-8")) if t.get("id") not in changed_ids]
    merged = sorted(kept + fresh, key=lambda t: t.get("id") or 0)
    atomic.write_json(cache, merged)
