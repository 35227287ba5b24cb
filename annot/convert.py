"""Label Studio results <-> records: read a JSON export into Tasks, and write an Annotation back as results.

Pure functions, no server. Conversion is lenient: whatever can be read becomes a
Region or Relation; what cannot is kept in `Annotation.unreadable` with a reason,
so that `annot.validate` names it instead of the reader crashing on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annot.errors import ExportError
from annot.records import Annotation, AttributeValue, Region, Relation, Task
from annot.schema import Schema

try:  # streaming: an export of many thousand tasks is never held in memory at once
    import ijson

    JSON_ERRORS: tuple[type[Exception], ...] = (ijson.JSONError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - ijson comes with label-studio-sdk
    ijson = None
    JSON_ERRORS = ()

# Label Studio stores a TextArea's value as a list of submissions; records hold one string.
TEXTAREA_JOIN = "\n"
# What the web UI writes as the origin of a result drawn by hand.
MANUAL_ORIGIN = "manual"
RELATION_DIRECTIONS = ("right", "left", "bi")
NOT_AN_EXPORT = "expected Label Studio's JSON export (a list of tasks), not JSON_MIN, CSV or a single task"


# -- export -> records ----------------------------------------------------------


class ExportFile:
    """An export file as a re-iterable of Tasks, read afresh on each pass instead of held:
    the memory of validating and publishing then grows with the dataset, not the project."""

    def __init__(self, path: Path | str, schema: Schema) -> None:
        self.path, self.schema = Path(path), schema

    def __iter__(self) -> Iterator[Task]:
        return read_export(self.path, self.schema)


def read_export(path: Path | str, schema: Schema) -> Iterator[Task]:
    """The tasks of a Label Studio JSON export file, one at a time.

    Raises ExportError if the file cannot be opened and, while iterating, at the
    first sign that it is not a Label Studio JSON export.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as e:
        raise ExportError(f"{path}: cannot read the export ({e.strerror}); check the path") from None
    with handle:
        first = _first_byte(handle)
        if first != b"[":
            what = "is empty" if not first else f"starts with {first.decode('latin-1')!r}"
            raise ExportError(f"{path}: the file {what}; {NOT_AN_EXPORT}")
        handle.seek(handle.tell() - 1)  # back to the "[", past any byte order mark
        if ijson is None:
            items: Iterator[Any] = iter(_load_whole(handle, path))
        else:
            items = ijson.items(handle, "item", use_float=True)
        position = 0
        while True:
            try:
                raw = next(items)
            except StopIteration:
                return
            except JSON_ERRORS as e:
                raise ExportError(f"{path}: not valid JSON after task {position}: {e}") from None
            position += 1
            try:
                yield task_from_export(raw, schema)
            except ExportError as e:
                raise ExportError(f"{path}: item {position}: {e}") from None


def read_gold(path: Path | str, schema: Schema) -> list[Task]:
    """The tasks of a gold file (seeds/gold.json, tests/corpus/dev.json): Label Studio import JSON, tasks
    without ids, numbered here from 1. Raises ExportError if it is not such a file."""
    tasks = []
    for position, raw in enumerate(read_task_list(path), 1):
        try:
            tasks.append(task_from_export({"id": position, **raw}, schema))
        except ExportError as e:
            raise ExportError(f"{path}: item {position}: {e}") from None
    return tasks


def read_task_list(path: Path | str) -> list[dict[str, Any]]:
    """The tasks of a Label Studio import file (a JSON list of task objects) as they are, held whole:
    gold files are small. Raises ExportError if the file cannot be read or is not such a list."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExportError(
            f"{path}: cannot read the gold annotations ({e}); give a Label Studio import JSON (a list of tasks)"
        ) from None
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ExportError(f"{path}: not a Label Studio import; give a JSON list of tasks")
    return raw


def _first_byte(handle: Any) -> bytes:
    while True:
        byte = handle.read(1)
        if not byte or not byte.isspace():
            # a UTF-8 byte order mark before the JSON is harmless
            if byte == b"\xef" and handle.read(2) == b"\xbb\xbf":
                continue
            return byte


def _load_whole(handle: Any, path: Path) -> list[Any]:
    try:
        return json.load(handle)
    except (ValueError, UnicodeDecodeError) as e:
        raise ExportError(f"{path}: not valid JSON: {e}") from None


def task_from_export(raw: dict[str, Any], schema: Schema) -> Task:
    """One task of a Label Studio JSON export as a Task with its annotations and predictions.

    Raises ExportError if `raw` does not have the shape of an exported task.
    """
    if not isinstance(raw, dict):
        raise ExportError(f"a task is a JSON object, found {type(raw).__name__}; {NOT_AN_EXPORT}")
    task_id = raw.get("id")
    data = raw.get("data")
    if not isinstance(data, dict):
        raise ExportError(f"task {task_id} has no 'data' object; {NOT_AN_EXPORT}")
    task = Task(id=task_id, data=data)
    for key, into in (("annotations", task.annotations), ("predictions", task.predictions)):
        items = raw.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise ExportError(f"task {task_id}: '{key}' is not a list; {NOT_AN_EXPORT}")
        for item in items:
            if key == "predictions" and isinstance(item, int):
                continue  # Label Studio 1.23's export lists predictions by id only
            if not isinstance(item, dict):
                raise ExportError(f"task {task_id}: an item of '{key}' is not an object; {NOT_AN_EXPORT}")
            into.append(_annotation(item, task_id, schema, prediction=key == "predictions"))
    return task


def _annotator(item: dict[str, Any], prediction: bool) -> str | None:
    if prediction:
        version = item.get("model_version")
        return str(version) if version not in (None, "") else None
    who = item.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return None if who is None else str(who)


def _seconds(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _annotation(item: dict[str, Any], task_id: Any, schema: Schema, prediction: bool) -> Annotation:
    ann = Annotation(
        id=item.get("id"),
        task_id=task_id,
        annotator=_annotator(item, prediction),
        ground_truth=bool(item.get("ground_truth")),
        cancelled=bool(item.get("was_cancelled")),
        updated_at=item.get("updated_at"),
        created_at=item.get("created_at"),
        lead_time=_seconds(item.get("lead_time")),
    )
    results = item.get("result")
    if results is None:
        return ann
    if not isinstance(results, list):
        ann.unreadable.append((None, f"'result' is a {type(results).__name__}, not a list"))
        return ann
    if schema.changes:  # made under an earlier version: read as the change log says (annot.migrate)
        from annot.migrate import migrate_results

        results = migrate_results(results, schema)
    span_control = schema.span_control
    regions: dict[str, Region] = {}
    # per-region values whose span may come later in the list: joined after the loop
    pending: list[tuple[str, str, AttributeValue]] = []
    for result in results:
        if not isinstance(result, dict):
            ann.unreadable.append((None, f"a result is a {type(result).__name__}, not an object"))
            continue
        kind = result.get("type")
        if kind == "relation":
            _relations(result, ann)
            continue
        rid = result.get("id")
        if not isinstance(rid, str) or not rid:
            ann.unreadable.append((None, f"a {kind or 'typeless'} result has no region id"))
            continue
        value = result.get("value")
        if not isinstance(value, dict):
            ann.unreadable.append((rid, f"the {result.get('from_name')} result has no 'value' object"))
            continue
        name = result.get("from_name")
        if name == span_control:
            region = _region(rid, value, ann)
            if region is None:
                continue
            if rid in regions:
                ann.unreadable.append((rid, "two spans share this region id"))
                continue
            regions[rid] = region
        elif isinstance(name, str) and name:
            read = _attribute_value(name, kind, value, schema)
            if isinstance(read, _Unreadable):
                ann.unreadable.append((rid, read.reason))
            else:
                pending.append((rid, name, read))
        else:
            ann.unreadable.append((rid, f"a {kind or 'typeless'} result has no from_name"))
    for rid, name, attr_value in pending:
        region = regions.get(rid)
        if region is None:
            ann.unreadable.append((rid, f"a {name} value belongs to region {rid}, but no span has that id"))
        elif name in region.attributes:
            ann.unreadable.append((rid, f"the region has two {name} values"))
        else:
            region.attributes[name] = attr_value
    ann.regions = list(regions.values())
    return ann


def _region(rid: str, value: dict[str, Any], ann: Annotation) -> Region | None:
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        ann.unreadable.append((rid, f"the span's offsets are not whole numbers (start {start!r}, end {end!r})"))
        return None
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        ann.unreadable.append((rid, f"the span's labels are not a list of names: {labels!r}"))
        return None
    if len(labels) != 1:
        ann.unreadable.append((rid, f"a span takes exactly one label, this one has {len(labels)}: {labels}"))
        return None
    text = value.get("text")
    # Label Studio omits the text when the Text tag does not save it; the offsets then stand alone.
    return Region(id=rid, label=labels[0], start=start, end=end, text=text if isinstance(text, str) else "")


class _Unreadable:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _attribute_value(name: str, kind: Any, value: dict[str, Any], schema: Schema) -> AttributeValue | _Unreadable:
    owner = schema.attribute_owner.get(name)
    declared = schema.spans[owner].attributes[name].type if owner else None
    if kind == "choices" or (kind is None and "choices" in value):
        choices = value.get("choices")
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            return _Unreadable(f"the {name} choices are not a list of strings: {choices!r}")
        if declared == "multichoice":
            return list(choices)
        # a single choice is a string; anything else is kept as a list for validate to name
        if len(choices) == 1:
            return choices[0]
        return list(choices) if choices else None
    if kind == "textarea" or (kind is None and "text" in value):
        text = value.get("text")
        if isinstance(text, str):
            return text
        if isinstance(text, list) and all(isinstance(t, str) for t in text):
            return TEXTAREA_JOIN.join(text)
        return _Unreadable(f"the {name} text is not a list of strings: {text!r}")
    return _Unreadable(f"the {name} result has type {kind!r}, which annot does not read")


def _relations(result: dict[str, Any], ann: Annotation) -> None:
    src, dst = result.get("from_id"), result.get("to_id")
    if not (isinstance(src, str) and isinstance(dst, str)):
        ann.unreadable.append((None, f"a relation without region ids (from {src!r} to {dst!r})"))
        return
    labels = result.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        ann.unreadable.append((src, f"the relation from {src} to {dst} has labels that are not names: {labels!r}"))
        return
    direction = result.get("direction") or "right"
    if not isinstance(direction, str):
        direction = str(direction)
    # an unlabelled relation is kept with an empty label, so validate can say it has no type
    for label in labels or [""]:
        ann.relations.append(Relation(from_id=src, to_id=dst, label=label, direction=direction))


# -- records -> results ----------------------------------------------------------


def to_results(annotation: Annotation, schema: Schema, origin: str = MANUAL_ORIGIN) -> list[dict[str, Any]]:
    """The Label Studio `result` list for an annotation, as the labeling screen stores it.

    Each region gives a `labels` result, then one `choices` or `textarea` result
    per attribute with a value, sharing the region id; relations come last.
    """
    to_name = schema.text
    results: list[dict[str, Any]] = []
    for region in annotation.regions:
        where = {"start": region.start, "end": region.end, "text": region.text}
        base = {"id": region.id, "to_name": to_name, "origin": origin}
        results.append(
            {**base, "from_name": schema.span_control, "type": "labels", "value": {**where, "labels": [region.label]}}
        )
        for name, value in region.attributes.items():
            if value is None or value == [] or value == "":
                continue  # the web UI stores no result for an unset control
            if _is_text_attribute(name, value, schema):
                results.append({**base, "from_name": name, "type": "textarea", "value": {**where, "text": [value]}})
            else:
                choices = [value] if isinstance(value, str) else list(value)
                results.append({**base, "from_name": name, "type": "choices", "value": {**where, "choices": choices}})
    for rel in annotation.relations:
        results.append(
            {
                "from_id": rel.from_id,
                "to_id": rel.to_id,
                "type": "relation",
                "direction": rel.direction,
                "labels": [rel.label] if rel.label else [],
            }
        )
    return results


def _is_text_attribute(name: str, value: AttributeValue, schema: Schema) -> bool:
    owner = schema.attribute_owner.get(name)
    if owner is not None:
        return schema.spans[owner].attributes[name].type == "text"
    return False
