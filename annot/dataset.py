"""The published dataset: rows built from adjudicated annotations, and the dataset folder (Parquet
files, the card of annot.card, the publish report) written and swapped in atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import itertools
import json
import marshal
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil

from annot.errors import PublishError, ValidationFailed
from annot.records import Annotation, AttributeValue, Region, Task
from annot.schema import ARTICLE_COLUMNS, Schema, configs, features
from annot.text import Contexts

if TYPE_CHECKING:
    from annot.adjudicate import Adjudicated
    from annot.agreement import AgreementReport

SPLITS = ("train", "validation", "test")
# Cumulative percentage bounds of sha256(article id) mod 100: 80 / 10 / 10.
SPLIT_BOUNDS = ((80, "train"), (90, "validation"), (100, "test"))
DEFAULT_CONFIG = "documents"
DATA_DIR = "data"
CARD_FILE = "README.md"
REPORT_FILE = "publish-report.json"
BASELINE_IMAGE = "baseline_learning_curve.png"  # the model's learning curve, beside the card
# Fixed writer options: the same rows give the same bytes (no timestamps are written by pyarrow).
ROW_GROUP_SIZE = 1_000
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
}
# Codes for tasks that could not be published at all (beside validate's codes for annotations).
NO_ARTICLE_ID = "no-article-id"
DUPLICATE_ARTICLE = "duplicate-article"
ALL_INVALID = "all-annotations-invalid"


# -- what build returns ------------------------------------------------------------------


class Rows:
    """The rows of one config and split, held as marshalled bytes and decoded only when read.

    Python dicts of 50,000 documents took 690 MB; their bytes take a fraction of that.
    Rows are added in groups (one document, or the unit rows of one document), each group
    already in `_row_key` order and with keys no other group shares, so sorting the groups
    by their first row's key sorts the rows.
    """

    def __init__(self) -> None:
        self._groups: list[tuple[tuple[Any, ...], bytes]] = []
        self._count = 0

    def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._groups.append((_row_key(rows[0]), marshal.dumps(rows)))
            self._count += len(rows)

    def sort(self) -> None:
        self._groups.sort(key=lambda group: group[0])

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for _, blob in self._groups:
            yield from marshal.loads(blob)


@dataclass
class Built:
    """The dataset in memory: rows per config and split, and everything left out of it."""

    schema: Schema
    rows: dict[str, dict[str, Rows]]
    # invalid annotations: {task_id, article_id, annotation_id, codes}
    excluded: list[dict[str, Any]] = field(default_factory=list)
    # tasks that could not be published at all: {task_id, article_id, code, message}
    unpublished: list[dict[str, Any]] = field(default_factory=list)
    # attribute values left null because annotators tied: {article_id, task_id, region_id, ...}
    disputed: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # the card's statistics, counted while building: row name -> split -> count
    stats: dict[str, Counter[str]] = field(default_factory=dict)
    annotators: set[str] = field(default_factory=set)
    agreement: AgreementReport | None = None

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Everything `strict` refuses: invalid annotations and tasks that could not be published."""
        # a task left out because all its annotations are invalid is already counted by them
        return [*self.excluded, *(u for u in self.unpublished if u["code"] != ALL_INVALID)]

    def report(self) -> dict[str, Any]:
        """The publish report (`publish-report.json`), without the version known only after writing."""
        return {
            "schema": {"name": self.schema.name, "version": self.schema.version},
            "counts": {
                **self.counts,
                "rows": {cfg: {s: len(r) for s, r in splits.items()} for cfg, splits in self.rows.items()},
            },
            "excluded_annotations": self.excluded,
            "unpublished_tasks": self.unpublished,
            "disputed": self.disputed,
        }


@dataclass(frozen=True)
class PublishMeta:
    """Provenance written into the card."""

    project: str | None = None  # Label Studio project name (or the export file it came from)
    source: str | None = None  # Label Studio URL or export path
    pretty_name: str | None = None
    date: str | None = None  # ISO date; today (UTC) when None
    authors: str | None = None  # for the citation; the project name when None
    baseline: Mapping[str, Any] | None = None  # the newest model's meta.json (annot.model), for the card
    baseline_image: Path | None = None  # its learning curve (PNG), copied beside the card


@dataclass(frozen=True)
class PublishResult:
    out_dir: Path
    version: str  # sha256 over the Parquet files
    files: list[str]  # paths relative to out_dir
    rows: dict[str, dict[str, int]]
    report: dict[str, Any]


# -- splits and context --------------------------------------------------------------------


def split_of(article_id: str) -> str:
    """The split of an article: a pure function of its id, so it never moves as the dataset grows."""
    bucket = int(hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return next(name for bound, name in SPLIT_BOUNDS if bucket < bound)


# -- build -----------------------------------------------------------------------------------


def build(
    adjudicated: Iterable[Adjudicated],
    schema: Schema,
    *,
    invalid: Mapping[Any, Sequence[str]] | None = None,
    agreement: AgreementReport | None = None,
) -> Built:
    """The dataset's rows from Label Studio tasks settled by the consensus stage.

    `adjudicated` is `annot.adjudicate.adjudicate_all(tasks, schema, invalid)`: each task with
    its consensus. `invalid` maps annotation ids to their validation codes
    (`annot.validate.validate(...).invalid_annotations()`), the same the consensus left out:
    those annotations are listed. `agreement` (`annot.agreement.measure(...)`) goes into the card.
    Tasks are read once, in the order given (exports come in task id order), and not held:
    memory grows with the rows, not with the tasks. Of two tasks with one article, the
    first wins.
    """
    invalid = invalid or {}
    invalid_ids = {str(k): list(v) for k, v in invalid.items()}
    cfgs = configs(schema)
    rows: dict[str, dict[str, Rows]] = {c: {s: Rows() for s in SPLITS} for c in cfgs}
    built = Built(schema=schema, rows=rows, stats=_empty_stats(schema), agreement=agreement)
    counts: Counter[str] = Counter()
    seen: dict[str, Any] = {}

    for consensus in adjudicated:
        task = consensus.task
        counts["tasks"] += 1
        article_id = task.article_id
        live = [a for a in task.annotations if not a.cancelled]
        counts["annotations"] += len(task.annotations)
        counts["skipped_annotations"] += len(task.annotations) - len(live)
        if not task.annotations:
            counts["unannotated_tasks"] += 1
            continue
        if not article_id:
            built.unpublished.append(
                _problem(task, NO_ARTICLE_ID, "the task has no article_id (made by hand in the UI?); not published")
            )
            continue
        bad = [a for a in live if str(a.id) in invalid_ids]
        for a in bad:
            built.excluded.append(
                {"task_id": task.id, "article_id": article_id, "annotation_id": a.id, "codes": invalid_ids[str(a.id)]}
            )
        counts["excluded_annotations"] += len(bad)
        if not live:
            counts["skipped_tasks"] += 1
            continue
        if len(bad) == len(live):
            built.unpublished.append(_problem(task, ALL_INVALID, "every annotation of the task is invalid"))
            continue
        if article_id in seen:
            built.unpublished.append(
                _problem(
                    task,
                    DUPLICATE_ARTICLE,
                    f"article {article_id} is also task {seen[article_id]}; that one is published",
                )
            )
            continue
        seen[article_id] = task.id
        split = split_of(article_id)
        good = [a for a in live if str(a.id) not in invalid_ids]
        document = _document_row(task, schema, consensus, good)
        rows[DEFAULT_CONFIG][split].add([document])
        unit_rows = sorted(_unit_rows(task, schema, document), key=_row_key) if schema.unit else []
        if schema.unit:
            rows[schema.unit.config][split].add(unit_rows)
        _tally(built.stats, schema, split, document, unit_rows)
        built.disputed.extend({"article_id": article_id, "task_id": task.id, **d.to_json()} for d in consensus.disputes)
        built.annotators.update(document["annotators"])
        counts["published_tasks"] += 1

    for splits in rows.values():
        for split_rows in splits.values():
            split_rows.sort()
    built.counts = dict(sorted(counts.items()))
    return built


def _empty_stats(schema: Schema) -> dict[str, Counter[str]]:
    """The rows of the card's statistics table, in the order shown, each counting per split."""
    names = ["articles", *(f"{label} regions" for label in schema.spans)]
    for column, _, values in _counted_attributes(schema):
        names += [_value_stat(schema, column, v) for v in values]
    return {name: Counter() for name in names}


def _value_stat(schema: Schema, column: str, value: str | None) -> str:
    assert schema.unit is not None
    return f"{schema.unit.label} `{column}` = {'null' if value is None else value}"


def _counted_attributes(schema: Schema) -> list[tuple[str, str, list[str | None]]]:
    """(column, type, its values and null) of each unit attribute the statistics count; not text."""
    if not schema.unit:
        return []
    attrs = schema.spans[schema.unit.label].attributes
    return [
        (a.column or n, a.type, [*(c.value for c in a.choices), None]) for n, a in attrs.items() if a.type != "text"
    ]


def _tally(
    stats: dict[str, Counter[str]],
    schema: Schema,
    split: str,
    document: dict[str, Any],
    unit_rows: list[dict[str, Any]],
) -> None:
    """Count one document and its unit rows into the statistics, so the card needs no second pass."""
    stats["articles"][split] += 1
    for label in schema.spans:
        stats[f"{label} regions"][split] += len(document[schema.column(label)])
    if not schema.unit:
        return
    for column, kind, values in _counted_attributes(schema):
        for counted in values:
            if kind == "choice":
                n = sum(1 for r in unit_rows if r[column] == counted)
            else:  # a multichoice counts under each value it holds, and under null when empty
                n = sum(1 for r in unit_rows if (counted in (r[column] or [])) or (counted is None and not r[column]))
            stats[_value_stat(schema, column, counted)][split] += n


def _problem(task: Task, code: str, message: str) -> dict[str, Any]:
    return {"task_id": task.id, "article_id": task.article_id, "code": code, "message": message}


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row.get("document_id", ""), row.get("start", 0), row.get("end", 0), row["id"])


def _document_row(task: Task, schema: Schema, consensus: Adjudicated, annotations: list[Annotation]) -> dict[str, Any]:
    """One `documents` row; `annotations` are the valid ones the consensus was made from."""
    row: dict[str, Any] = {"id": task.article_id}
    for column in ARTICLE_COLUMNS:
        value = task.data.get(column)
        row[column] = None if value is None else str(value)
    # the labeled text may sit under another key than "text"; the column is always `text`
    row["text"] = str(task.data.get(schema.text) or "")

    speakers_of = _speakers_of(schema, consensus)
    by_label: dict[str, list[Region]] = {label: [] for label in schema.spans}
    for region in consensus.regions:
        if region.label in by_label:
            by_label[region.label].append(region)
    for label, span in schema.spans.items():
        items = []
        for region in sorted(by_label[label], key=lambda r: (r.start, r.end, r.id)):
            # the offsets are the truth (annot.validate): the text is cut from the article, not
            # taken from what Label Studio stored (it writes a line break as a backslash and n)
            cut = row["text"][region.start : region.end]
            item: dict[str, Any] = {"id": region.id, "start": region.start, "end": region.end, "text": cut}
            for name, attr in span.attributes.items():
                item[attr.column or name] = _attribute_value(attr.type, region.attributes.get(name))
            if schema.attribution and label == schema.attribution.claim:
                item["speaker_ids"] = speakers_of.get(region.id, [])
            item["annotation_ids"] = consensus.sources.get(region.id, [])
            item["disputed"] = sorted(
                span.attributes[name].column or name if name in span.attributes else name
                for name in consensus.disputed(region.id)
            )
            items.append(item)
        row[schema.column(label)] = items

    region_ids = {r.id for r in consensus.regions}
    for rel_name in schema.relations:
        if schema.attribution and rel_name == schema.attribution.relation:
            continue
        pairs = set()
        for rel in consensus.relations:
            if rel.label != rel_name or rel.from_id not in region_ids or rel.to_id not in region_ids:
                continue
            # Label Studio keeps the drawn arrow; "left" points from to_id back to from_id.
            pairs.add((rel.to_id, rel.from_id) if rel.direction == "left" else (rel.from_id, rel.to_id))
        row[rel_name] = [{"from_id": a, "to_id": b} for a, b in sorted(pairs)]
    # everyone whose valid annotation was weighed, even when a ground truth overrode them
    row["annotators"] = sorted({a.annotator for a in annotations if a.annotator})
    row["annotation_ids"] = sorted(str(a.id) for a in annotations)
    return row


def _speakers_of(schema: Schema, consensus: Adjudicated) -> dict[str, list[str]]:
    """Claim region id -> ids of its speakers, from attribution relations drawn either way."""
    if not schema.attribution:
        return {}
    a = schema.attribution
    label_of = {r.id: r.label for r in consensus.regions}
    found: dict[str, set[str]] = {}
    for rel in consensus.relations:
        if rel.label != a.relation:
            continue
        ends = {label_of.get(rel.from_id): rel.from_id, label_of.get(rel.to_id): rel.to_id}
        if a.speaker in ends and a.claim in ends and a.speaker != a.claim:
            found.setdefault(ends[a.claim], set()).add(ends[a.speaker])
    start_of = {r.id: (r.start, r.id) for r in consensus.regions}
    return {claim: sorted(ids, key=lambda i: start_of[i]) for claim, ids in found.items()}


def _attribute_value(kind: str, value: AttributeValue) -> AttributeValue:
    """A per-region value as its feature wants it: one string, a list, or null when missing."""
    if value is None or value == [] or value == "":
        return None
    if kind == "multichoice":
        return sorted([value] if isinstance(value, str) else value)
    if isinstance(value, list):
        # Label Studio stores single choices and text areas as one-element lists.
        return "\n".join(value) if kind == "text" else (value[0] if len(value) == 1 else None)
    return value


def _unit_rows(task: Task, schema: Schema, document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    assert schema.unit is not None
    unit = schema.unit
    span = schema.spans[unit.label]
    text = document["text"]
    contexts = Contexts(text, unit.context)  # paragraphs once per document; sentences only where claims are
    names: dict[str, str] = {}
    if schema.attribution:
        a = schema.attribution
        name_column = None
        if a.name_attribute:
            name_column = schema.spans[a.speaker].attributes[a.name_attribute].column or a.name_attribute
        for item in document[schema.column(a.speaker)]:
            name = item.get(name_column) if name_column else None
            names[item["id"]] = (name or item["text"]).strip()
    for item in document[schema.column(unit.label)]:
        row: dict[str, Any] = {
            "id": f"{document['id']}:{item['id']}",
            "document_id": document["id"],
            "text": item["text"],
            "start": item["start"],
            "end": item["end"],
            "context": contexts.of(item["start"], item["end"]),
        }
        if schema.attribution:
            speakers = list(dict.fromkeys(names[i] for i in item.get("speaker_ids", []) if i in names))
            row["speaker"] = "; ".join(speakers) if speakers else None
        for name, attr in span.attributes.items():
            column = attr.column or name
            row[column] = item[column]
        yield row


# -- write -----------------------------------------------------------------------------------


def write(
    built: Built,
    out_dir: str | Path,
    *,
    meta: PublishMeta | None = None,
    strict: bool = False,
) -> PublishResult:
    """Write Parquet files, the card and the publish report to `out_dir`, atomically.

    Everything is written to a temporary folder beside `out_dir` and swapped in at the
    end, so a failed or killed publish leaves the previous version in place. With
    `strict`, any invalid annotation or unpublishable task refuses the whole publish.
    """
    from annot import card  # here, not at the top: annot.card imports this module's Built and PublishMeta

    meta = meta or PublishMeta()
    out_dir = Path(out_dir)
    if strict and built.errors:
        first = built.errors[0]
        codes = ",".join(first.get("codes") or [first.get("code", "")])
        raise ValidationFailed(
            f"{len(built.errors)} error(s) in the annotations (first: task {first['task_id']}: {codes}); "
            "nothing published; fix them in Label Studio or publish without --strict"
        )
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-{os.getpid()}-", dir=out_dir.parent))
    try:  # plain writes inside `tmp`: the folder is swapped in whole (annot.atomic is for single files)
        files, split_info = _write_parquet(built, tmp)
        version = _content_hash(tmp, files)
        report = {"version": version, **built.report()}
        (tmp / REPORT_FILE).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        extra = []
        if meta.baseline and meta.baseline_image and meta.baseline_image.is_file():
            shutil.copyfile(meta.baseline_image, tmp / BASELINE_IMAGE)
            extra.append(BASELINE_IMAGE)
        card.render(built, split_info, version=version, meta=meta).save(tmp / CARD_FILE)
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    rows = {cfg: {s: n for s, (n, _) in splits.items()} for cfg, splits in split_info.items()}
    return PublishResult(
        out_dir=out_dir, version=version, files=[*files, CARD_FILE, REPORT_FILE, *extra], rows=rows, report=report
    )


def parquet_path(config: str, split: str) -> str:
    return f"{DATA_DIR}/{config}/{split}-00000-of-00001.parquet"


def _write_parquet(built: Built, root: Path) -> tuple[list[str], dict[str, dict[str, tuple[int, int]]]]:
    """One Parquet file per config and non-empty split; returns the files and (rows, bytes) per split."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files: list[str] = []
    info: dict[str, dict[str, tuple[int, int]]] = {}
    for config, splits in built.rows.items():
        feats = features(built.schema, config)
        schema = feats.arrow_schema
        info[config] = {}
        for split in SPLITS:
            split_rows = splits.get(split)
            if not split_rows:
                # datasets refuses a data_files pattern that matches no file, so an empty split is left out
                continue
            rel = parquet_path(config, split)
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            nbytes = 0
            try:
                with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
                    rows = iter(split_rows)
                    # one row group's rows decoded at a time, never the split's
                    while chunk := [feats.encode_example(r) for r in itertools.islice(rows, ROW_GROUP_SIZE)]:
                        table = pa.Table.from_pylist(chunk, schema=schema)
                        nbytes += table.nbytes
                        writer.write_table(table, row_group_size=ROW_GROUP_SIZE)
            except (ValueError, pa.ArrowException) as e:
                raise PublishError(f"{config}/{split}: a value does not fit the schema's features ({e})") from None
            files.append(rel)
            info[config][split] = (len(split_rows), nbytes)
    return files, info


def _content_hash(root: Path, files: list[str]) -> str:
    """The dataset version: sha256 over the files' paths and their rows (not their bytes).

    Hashing the values, read back one row group at a time, keeps the version the same for
    the same annotations whichever pyarrow wrote the files (its version is in their bytes).
    """
    import pyarrow.parquet as pq

    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode("utf-8") + b"\0")
        for batch in pq.ParquetFile(root / rel).iter_batches(batch_size=ROW_GROUP_SIZE):
            for row in batch.to_pylist():
                line = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
                digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to replace a folder that annot did not write (a mistyped --out must not delete a home)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir}: exists and is not a folder; choose another --out")
    if any(out_dir.iterdir()) and not (out_dir / REPORT_FILE).exists():
        raise PublishError(
            f"{out_dir}: exists and is not a dataset annot published (no {REPORT_FILE}); "
            "choose another --out or empty it"
        )


def _remove_stale_temps(out_dir: Path) -> None:
    """Delete temporary folders left by publishes that were killed (their process is gone)."""
    for path in out_dir.parent.glob(f".{out_dir.name}.*-*-*"):
        match = re.match(rf"\.{re.escape(out_dir.name)}\.(?:tmp|old)-(\d+)-", path.name)
        if match and path.is_dir() and not psutil.pid_exists(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


RENAME_EXCHANGE = 2  # linux/fs.h


def _swap_in(new: Path, out_dir: Path) -> None:
    """Put `new` in place of `out_dir`: one atomic exchange where Linux offers it, else two renames."""
    if not out_dir.exists():
        os.rename(new, out_dir)
        return
    if _exchange(new, out_dir):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous version
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-{os.getpid()}-", dir=out_dir.parent))
    os.rename(out_dir, old / "previous")
    os.rename(new, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swaps two paths in one step; False when the system lacks it."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    return done == 0
