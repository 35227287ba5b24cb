"""Schema versions on stored annotations: rewrite results through the change log, count what a change touches.

`migrate_results` is pure: it rewrites one Label Studio result list as the schema's
change log says (a renamed label or choice takes its new name; a removed label's
regions go with their attributes and relations). Pull applies it to what it reads,
so a rename never fails validation; `annot schema migrate --apply` applies it on
the server, annotation by annotation, so the stored annotations match the config.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import NotFoundError, SchemaError
from annot.schema import Change, Schema

if TYPE_CHECKING:
    from annot.config import Config, ProjectConfig
    from annot.labelstudio import Project, Server

MIGRATE_BATCH = 50  # annotations rewritten between two progress reports
MIGRATE_ROUNDS = 3  # re-plans after the rewrites, for annotations saved with old values meanwhile
DESCRIPTION = re.compile(r"annot schema (?P<name>\S+) version (?P<version>\d+)")

Values = dict[str, set[str]]  # control name -> the label or choice values it offers

# -- results ---------------------------------------------------------------------------------


def migrate_results(results: list[Any], schema: Schema) -> list[Any]:
    """The result list with old values taken to what they are now; `results` itself when nothing changes."""
    maps = schema.migrations
    if not maps:
        return results
    span_map = maps.get(schema.span_control, {})
    deleted = {
        r.get("id")
        for r in results
        if isinstance(r, dict) and r.get("from_name") == schema.span_control and _deleted(r, span_map)
    }
    out: list[Any] = []
    changed = False
    for r in results:
        if not isinstance(r, dict):
            out.append(r)
            continue
        if r.get("type") == "relation":
            if r.get("from_id") in deleted or r.get("to_id") in deleted:
                changed = True
                continue
            out.append(r)
            continue
        if r.get("id") in deleted:
            changed = True
            continue
        new = _migrate_result(r, maps.get(r.get("from_name")))  # type: ignore[arg-type]
        changed |= new is not r
        if new is not None:
            out.append(new)
    return out if changed else results


def _deleted(result: dict[str, Any], span_map: dict[str, str | None]) -> bool:
    labels = (result.get("value") or {}).get("labels") if isinstance(result.get("value"), dict) else None
    return isinstance(labels, list) and bool(labels) and all(span_map.get(v, v) is None for v in labels)


def _migrate_result(result: dict[str, Any], mapping: dict[str, str | None] | None) -> dict[str, Any] | None:
    """One region result with its values mapped; None when its only value was removed; itself if unchanged."""
    value = result.get("value")
    if not mapping or not isinstance(value, dict):
        return result
    for key in ("labels", "choices"):
        old = value.get(key)
        if not isinstance(old, list) or not any(isinstance(v, str) and v in mapping for v in old):
            continue
        new: list[Any] = []
        for v in old:
            v = mapping.get(v, v) if isinstance(v, str) else v
            if v is not None and v not in new:
                new.append(v)
        if not new:
            return None
        return {**result, "value": {**value, key: new}}
    return result


def iter_values(result: Any, schema: Schema) -> Iterator[tuple[str, str]]:
    """(control, value) for each label or choice value one result holds."""
    if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
        return
    name = result.get("from_name")
    for key in ("labels", "choices"):
        values = result["value"].get(key)
        if isinstance(values, list) and isinstance(name, str):
            for v in values:
                if isinstance(v, str):
                    yield name, v


# -- the server's side: its config, its version ---------------------------------------------------


def config_values(label_config: str, schema: Schema) -> Values:
    """The values a Label Studio config offers, per control: `<Labels>` and `<Choices>` by name."""
    try:
        root = ET.fromstring(label_config)
    except ET.ParseError:
        return {}
    found: Values = {}
    for tag, child in (("Labels", "Label"), ("Choices", "Choice")):
        for element in root.iter(tag):
            name = element.get("name")
            if name:
                found.setdefault(name, set()).update(
                    v for c in element.iter(child) if (v := c.get("value")) is not None
                )
    return found


def server_version(project: Project, schema: Schema) -> int | None:
    """The schema version the project's config was made from (annot writes it in the description)."""
    found = DESCRIPTION.search(project.description or "")
    if not found or found["name"] != schema.name:
        return None
    return int(found["version"])


def check_history(schema: Schema, old: Values, old_version: int | None, where: str) -> None:
    """Refuse a version going backwards, or a change naming a value the older version never had.

    The change log is played forward from `old` (the values of version `old_version`): each change
    must name values that exist at its turn.
    """
    path = schema.path or schema.name
    if old_version is not None and schema.version < old_version:
        raise SchemaError(
            f"{path}: version {schema.version} is older than version {old_version} {where}; "
            "a schema's version only goes up (restore the newer file, or add a change with a higher version)"
        )
    have = {control: set(values) for control, values in old.items()}
    for i, change in enumerate(schema.changes):
        if old_version is not None and change.version <= old_version:
            continue
        control = schema.control_of(change)
        known = have.setdefault(control, set())
        for source in change.sources():
            if source not in known and source not in change.targets():
                had = ", ".join(sorted(known)) or "nothing"
                raise SchemaError(
                    f"{path}: changes[{i}]: {change.describe()}, but the schema never had {change.what} "
                    f"{source!r} (version {old_version or '?'} {where} has {had}); fix the change's name"
                )
        known.difference_update(change.mapping())
        known.update(change.targets())


# -- counting on the local copy ------------------------------------------------------------------


def iter_raw_tasks(path: Path) -> Iterator[dict[str, Any]]:
    """The tasks of a Label Studio JSON export, raw (not converted, not migrated), one at a time."""
    import ijson

    with path.open("rb") as f:
        yield from ijson.items(f, "item", use_float=True)


def _annotations(task: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for ann in task.get("annotations") or []:
        if isinstance(ann, dict) and not ann.get("was_cancelled") and isinstance(ann.get("result"), list):
            yield ann


@dataclass
class Touched:
    """Regions and tasks one change (or one removed value) touches."""

    regions: int = 0
    tasks: set[Any] = field(default_factory=set)


def count_changes(tasks: Iterable[dict[str, Any]], schema: Schema, changes: list[Change]) -> list[Touched]:
    """For each of `changes` (in order), the regions whose value it changes, followed through the log."""
    counts = [Touched() for _ in changes]
    by_control: dict[str, list[int]] = {}
    for i, change in enumerate(changes):
        by_control.setdefault(schema.control_of(change), []).append(i)
    for task in tasks:
        for ann in _annotations(task):
            for result in ann["result"]:
                for control, value in iter_values(result, schema):
                    current: str | None = value
                    for i in by_control.get(control, ()):
                        if current is None:
                            break
                        if current in changes[i].sources():
                            counts[i].regions += 1
                            counts[i].tasks.add(task.get("id"))
                            current = changes[i].mapping().get(current, current)
    return counts


def count_values(
    tasks: Iterable[dict[str, Any]],
    schema: Schema,
    values: Values,
    into: dict[tuple[str, str], Touched] | None = None,
) -> dict[tuple[str, str], Touched]:
    """(control, value) -> the regions and tasks using it, for the given values only (added to `into`)."""
    counts: dict[tuple[str, str], Touched] = {} if into is None else into
    for task in tasks:
        for ann in _annotations(task):
            for result in ann["result"]:
                for control, value in iter_values(result, schema):
                    if value in values.get(control, ()):
                        touched = counts.setdefault((control, value), Touched())
                        touched.regions += 1
                        touched.tasks.add(task.get("id"))
    return counts


def describe_value(schema: Schema, control: str, value: str) -> str:
    return f"label `{value}`" if control == schema.span_control else f"choice {control} `{value}`"


# -- annot schema diff ---------------------------------------------------------------------------------


@dataclass
class Diff:
    old: Schema
    new: Schema
    changes: list[tuple[Change, Touched | None]]  # the changes since the old version, with what they touch
    removed: list[tuple[str, str, Touched | None]]  # (control, value) gone without a change entry
    added: list[tuple[str, str]]
    counted: bool  # False when there is no local copy to count on

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(version, change, regions, tasks) for a table."""
        out = []
        for change, t in self.changes:
            out.append((str(change.version), change.describe(), *_counts(t)))
        for control, value, t in self.removed:
            what = describe_value(self.new, control, value)
            out.append((str(self.new.version), f"{what} removed with no change entry: orphaned", *_counts(t)))
        for control, value in self.added:
            out.append((str(self.new.version), f"new {describe_value(self.new, control, value)}", "", ""))
        return out


def _counts(t: Touched | None) -> tuple[str, str]:
    return ("-", "-") if t is None else (str(t.regions), str(len(t.tasks)))


def diff(old: Schema, new: Schema, local_copy: Path | None) -> Diff:
    """What going from `old` to `new` does, counted on the local copy (an export file) when given."""
    if old.name != new.name:
        raise SchemaError(f"{new.path}: schema {new.name!r} is not a version of {old.name!r} ({old.path})")
    check_history(new, old.controls(), old.version, f"({old.path})")
    changes = [c for c in new.changes if c.version > old.version]
    played = {control: set(values) for control, values in old.controls().items()}
    for change in changes:
        known = played.setdefault(new.control_of(change), set())
        known.difference_update(change.mapping())
        known.update(change.targets())
    now = new.controls()
    removed_values = {c: played.get(c, set()) - now.get(c, set()) for c in played}
    removed = [(c, v) for c in sorted(removed_values) for v in sorted(removed_values[c])]
    added = [(c, v) for c in sorted(now) for v in sorted(now[c] - played.get(c, set()))]
    if local_copy is None or not local_copy.exists():
        return Diff(old, new, [(c, None) for c in changes], [(c, v, None) for c, v in removed], added, False)
    uses: dict[tuple[str, str], Touched] = {}

    def noting_uses(tasks: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for task in tasks:
            count_values((task,), new, removed_values, into=uses)
            yield task

    # one pass over the local copy (it can be large): the removed values counted on the way
    touched = count_changes(noting_uses(iter_raw_tasks(local_copy)), new, changes)
    return Diff(
        old,
        new,
        list(zip(changes, touched, strict=True)),
        [(c, v, uses.get((c, v), Touched())) for c, v in removed],
        added,
        True,
    )


# -- push: stop before orphaning annotations -------------------------------------------------------


def orphans(
    config: Config, project: ProjectConfig, schema: Schema, server: Server, remote: Project
) -> dict[tuple[str, str], Touched]:
    """The values the server's config has, the schema does not, and stored annotations use.

    The local copy is brought up to date first (one small request when nothing changed).
    """
    from annot import sync

    on_server = config_values(remote.label_config, schema)
    now = schema.controls()
    gone = {c: on_server[c] - now[c] for c in now if c in on_server and on_server[c] - now[c]}
    if not gone:
        return {}
    sync.fetch(config, project, server, project_id=remote.id)
    cache = sync.cache_path(config, project)
    if not cache.exists():
        return {}
    return count_values(iter_raw_tasks(cache), schema, gone)


def guard_push(config: Config, project: ProjectConfig, schema: Schema, server: Server) -> Callable[[Project], None]:
    """The check `annot push` runs before sending a new config: versions, history, orphans."""

    def check(remote: Project) -> None:
        where = f"on the server (project {remote.id})"
        version = server_version(remote, schema)
        check_history(schema, config_values(remote.label_config, schema), version, where)
        used = orphans(config, project, schema, server, remote)
        if not used:
            return
        parts = [
            f"{describe_value(schema, c, v)} ({t.regions} regions in {len(t.tasks)} tasks)"
            for (c, v), t in sorted(used.items())
        ]
        unmapped = [describe_value(schema, c, v) for (c, v) in sorted(used) if v not in schema.migrations.get(c, {})]
        todo = "run `annot schema migrate --apply` to rewrite them on the server, then push again"
        if unmapped:
            todo = (
                f"say what becomes of {', '.join(unmapped)} in the changes of {schema.path} "
                f"(rename, merge or remove), then {todo}"
            )
        raise SchemaError(
            f"push stopped before sending schema {schema.name} version {schema.version}: it would orphan "
            f"{' and '.join(parts)} on the server; {todo}"
        )

    return check


# -- annot schema migrate ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What `annot schema migrate` would rewrite, read from the local copy."""

    project_id: int
    annotations: list[tuple[Any, Any]]  # (task id, annotation id) whose result changes
    changes: list[tuple[Change, Touched]]
    label_config: str = ""  # the project's config on the server when planned

    @property
    def tasks(self) -> int:
        return len({task for task, _ in self.annotations})


def plan(config: Config, project: ProjectConfig, schema: Schema, server: Server) -> Plan:
    """Bring the local copy up to date and list the annotations whose results the change log rewrites."""
    from annot import sync

    remote = server.require_project(project.name)
    version = server_version(remote, schema)
    check_history(schema, config_values(remote.label_config, schema), version, f"on the server (project {remote.id})")
    sync.fetch(config, project, server, project_id=remote.id)
    cache = sync.cache_path(config, project)
    if not cache.exists():
        return Plan(remote.id, [], [(c, Touched()) for c in schema.changes], remote.label_config)
    rewrites: list[tuple[Any, Any]] = []

    def noting_rewrites(tasks: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The tasks passed on to the count, the annotations the change log rewrites noted on the way."""
        for task in tasks:
            for ann in _annotations(task):
                if migrate_results(ann["result"], schema) is not ann["result"]:
                    rewrites.append((task.get("id"), ann.get("id")))
            yield task

    # one pass over the local copy (it can be large)
    touched = count_changes(noting_rewrites(iter_raw_tasks(cache)), schema, schema.changes)
    return Plan(remote.id, rewrites, list(zip(schema.changes, touched, strict=True)), remote.label_config)


@dataclass
class Applied:
    rewritten: int
    tasks: int
    config_updated: bool


def apply(
    config: Config,
    project: ProjectConfig,
    schema: Schema,
    server: Server,
    *,
    batch: int = MIGRATE_BATCH,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> Applied:
    """Rewrite the stored annotations through the API, then send the new config.

    Each annotation is read afresh just before it is rewritten (an annotator may have edited it
    since the local copy was made) and written back only if the change log changes it, so a run
    killed halfway is finished by running it again: what was done is not done twice.
    """
    from annot import sync

    def rewrite(ann_id: Any) -> bool:
        try:
            fresh = server.get_annotation(ann_id)
        except NotFoundError:  # deleted since the local copy was made: nothing to rewrite
            return False
        result = fresh.get("result")
        if not isinstance(result, list):
            return False
        migrated = migrate_results(result, schema)
        if migrated is result:
            return False
        server.update_annotation(ann_id, result=migrated)
        return True

    done: set[Any] = set()
    tasks: set[Any] = set()
    # one request at a time: Label Studio serialises annotation updates (4 in flight measured no faster)
    before = None  # the config on the server: rewriting annotations leaves it as it was
    for _ in range(MIGRATE_ROUNDS):
        todo = plan(config, project, schema, server)
        before = todo.label_config
        if not todo.annotations:
            break
        total = len(todo.annotations)
        for start in range(0, total, batch):
            for task_id, ann_id in todo.annotations[start : start + batch]:
                if rewrite(ann_id):
                    done.add(ann_id)
                    tasks.add(task_id)
            if progress:
                progress("migrate", min(start + batch, total), total)
    updated = sync.ensure_project(server, project, schema)
    return Applied(len(done), len(tasks), config_updated=before != updated.label_config)
