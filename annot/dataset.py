"""The published dataset: rows built from adjudicated annotations, Parquet files and the card
written atomically, and the upload of that folder to the Hugging Face Hub."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
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

import annot
from annot.errors import PublishError
from annot.records import Annotation, AttributeValue, Region, Task
from annot.schema import ARTICLE_COLUMNS, Schema, configs, features, guidelines_markdown

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
TASK_CATEGORIES = ("text-classification", "token-classification")
ARTICLE_COPYRIGHT_NOTE = (
    "The article texts are reproduced for research; they remain under the copyright of their "
    "publishers and are not covered by the licence of the annotations."
)
# Codes for tasks that could not be published at all (beside validate's codes for annotations).
NO_ARTICLE_ID = "no-article-id"
DUPLICATE_ARTICLE = "duplicate-article"
ALL_INVALID = "all-annotations-invalid"
# Abbreviations whose period does not end a sentence ("Mr. Blinken", "U.S. officials").
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "st", "jr", "sr", "lt", "col", "capt", "sgt"}
    | {"maj", "adm", "pres", "no", "vs", "e.g", "i.e", "u.s", "u.k", "u.n", "cf"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_LINE_BREAK = re.compile(r"\n\s*")
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
ABBREVIATION_WINDOW = 20  # characters before a period that can hold an abbreviation
_NEXT_CHAR = re.compile(r"\s*(\S)")
_LAST_WORD = re.compile(r"([\w.]+)$")


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
    agreement: AgreementReport | Mapping[str, Any] | None = None

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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end) offsets, whitespace trimmed.

    A sentence ends at a line break, or at . ! ? (with any closing quotes or brackets)
    followed by whitespace, unless the period ends a known abbreviation or an initial,
    or the next word starts in lower case.
    """
    cuts: set[int] = {m.start() for m in _LINE_BREAK.finditer(text)}
    for m in _SENTENCE_END.finditer(text):
        after = _NEXT_CHAR.match(text, m.end())
        if after and after.group(1).islower():
            continue
        if text[m.start()] == ".":
            # a short window: searching back to the start of the text made this quadratic
            word = _LAST_WORD.search(text, max(0, m.start() - ABBREVIATION_WINDOW), m.start())
            token = word.group(1).lower() if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        cuts.add(m.end())
    return _trimmed_pieces(text, sorted(cuts))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs (separated by line breaks) as (start, end) offsets, whitespace trimmed."""
    return _trimmed_pieces(text, sorted(m.start() for m in _PARAGRAPH_BREAK.finditer(text)))


def _trimmed_pieces(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    spans = []
    begin = 0
    for cut in [*cuts, len(text)]:
        piece = text[begin:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((begin + lead, begin + len(piece.rstrip())))
        begin = cut
    return spans


def context_of(text: str, start: int, end: int, unit: str = "sentence") -> str:
    """The sentence (or paragraph) holding text[start:end]; all of them when the span crosses a boundary."""
    return _context_in(text, _pieces(text, unit), start, end)


def _pieces(text: str, unit: str) -> list[tuple[int, int]]:
    return sentence_spans(text) if unit == "sentence" else paragraph_spans(text)


def _context_in(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    hit = [(s, e) for s, e in spans if s < max(end, start + 1) and e > start]
    if not hit:
        return text[start:end]
    return text[hit[0][0] : hit[-1][1]]


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
    pieces = _pieces(text, unit.context)  # once per document, not per claim
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
            "context": _context_in(text, pieces, item["start"], item["end"]),
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
    meta = meta or PublishMeta()
    out_dir = Path(out_dir)
    if strict and built.errors:
        first = built.errors[0]
        codes = ",".join(first.get("codes") or [first.get("code", "")])
        raise PublishError(
            f"{len(built.errors)} error(s) in the annotations (first: task {first['task_id']}: {codes}); "
            "nothing published; fix them in Label Studio or publish without --strict"
        )
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-{os.getpid()}-", dir=out_dir.parent))
    try:
        files, split_info = _write_parquet(built, tmp)
        version = _content_hash(tmp, files)
        report = {"version": version, **built.report()}
        (tmp / REPORT_FILE).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        extra = []
        if meta.baseline and meta.baseline_image and meta.baseline_image.is_file():
            shutil.copyfile(meta.baseline_image, tmp / BASELINE_IMAGE)
            extra.append(BASELINE_IMAGE)
        card = dataset_card(built, split_info, version=version, meta=meta)
        (tmp / CARD_FILE).write_text(card, encoding="utf-8")
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    rows = {cfg: {s: n for s, (n, _) in splits.items()} for cfg, splits in split_info.items()}
    return PublishResult(
        out_dir=out_dir, version=version, files=[*files, CARD_FILE, REPORT_FILE, *extra], rows=rows, report=report
    )


def _parquet_path(config: str, split: str) -> str:
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
            rel = _parquet_path(config, split)
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


# -- the card ----------------------------------------------------------------------------------


def _size_category(n: int) -> str:
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < bound:
            return name
    return "n>1M"


def card_metadata(built: Built, split_info: dict[str, dict[str, tuple[int, int]]], meta: PublishMeta) -> dict[str, Any]:
    """The card's YAML header: configs, dataset_info (features, splits), license and the Hub's tags."""
    from datasets import DatasetInfo, SplitDict, SplitInfo
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData

    schema = built.schema
    data = DatasetCardData(
        pretty_name=meta.pretty_name or schema.title or schema.name,
        language=[schema.language],
        license=schema.license,
        task_categories=list(TASK_CATEGORIES),
        size_categories=[_size_category(sum(n for n, _ in split_info.get(DEFAULT_CONFIG, {}).values()))],
        annotations_creators=["expert-generated"],
        source_datasets=["original"],
    )
    data["configs"] = [
        {
            "config_name": config,
            **({"default": True} if config == DEFAULT_CONFIG else {}),
            "data_files": [{"split": split, "path": _parquet_path(config, split)} for split in split_info[config]],
        }
        for config in configs(schema)
    ]
    infos = {}
    for config in configs(schema):
        splits = SplitDict()
        for split, (n, nbytes) in split_info[config].items():
            splits.add(SplitInfo(name=split, num_bytes=nbytes, num_examples=n))
        infos[config] = DatasetInfo(
            features=features(schema, config),
            splits=splits,
            dataset_size=sum(b for _, b in split_info[config].values()),
        )
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data.to_dict()


def dataset_card(
    built: Built, split_info: dict[str, dict[str, tuple[int, int]]], *, version: str, meta: PublishMeta
) -> str:
    """README.md: the YAML header, then what a reader needs to understand, trust and cite the data."""
    import yaml

    schema = built.schema
    header = yaml.safe_dump(card_metadata(built, split_info, meta), sort_keys=False, allow_unicode=True)
    name = meta.pretty_name or schema.title or schema.name
    date = meta.date or dt.datetime.now(dt.UTC).date().isoformat()
    project = meta.project or schema.name
    parts = [f"---\n{header}---\n", f"# {name}\n"]
    if schema.description:
        parts.append(schema.description.strip() + "\n")
    parts.append(
        "Load it with 🤗 Datasets:\n\n```python\nfrom datasets import load_dataset\n\n"
        + "\n".join(f'{c} = load_dataset("<this folder or repo>", "{c}")' for c in configs(schema))
        + "\n```\n"
    )
    parts.append(_columns_section(schema))
    parts.append(_labels_section(schema))
    parts.append(
        "## Splits\n\nEach article is assigned to a split by the SHA-256 of its id: the first 8 hex digits "
        "as a number, modulo 100; below 80 is `train`, below 90 `validation`, the rest `test`. An article "
        "therefore never changes split as the dataset grows. Empty splits are not listed.\n"
    )
    parts.append(_statistics_section(built, split_info))
    parts.append(_annotation_section(built))
    if built.agreement:
        parts.append(_agreement_section(built.agreement))
    if meta.baseline:
        image = bool(meta.baseline_image and meta.baseline_image.is_file())
        parts.append(_baseline_section(meta.baseline, schema, image))
    parts.append("## Guidelines given to the annotators\n\n" + _demote(guidelines_markdown(schema)).strip() + "\n")
    parts.append(f"## Licence\n\nThe annotations are released under `{schema.license}`. {ARTICLE_COPYRIGHT_NOTE}\n")
    provenance = [
        ("Label Studio project", project),
        ("Source", meta.source or "—"),
        ("Schema", f"{schema.name} version {schema.version}"),
        ("annot version", annot.__version__),
        ("Published", date),
        ("Dataset version (SHA-256 of the Parquet files)", f"`{version}`"),
    ]
    parts.append("## Provenance\n\n| | |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in provenance))
    key = re.sub(r"[^a-z0-9]+", "_", f"{schema.name}_{version[:8]}".lower())
    parts.append(
        "## Citation\n\n```bibtex\n"
        f"@misc{{{key},\n  title = {{{name}}},\n  author = {{{meta.authors or project}}},\n"
        f"  year = {{{date[:4]}}},\n  note = {{Dataset version {version[:12]}, schema {schema.name} v{schema.version}, "
        f"published with annot {annot.__version__}}}\n}}\n```\n"
    )
    return "\n".join(parts)


def _columns_section(schema: Schema) -> str:
    lines = ["## Configs and columns\n"]
    lines.append(
        f"`{DEFAULT_CONFIG}` (default): one row per annotated article: `id` (the article id), "
        + ", ".join(f"`{c}`" for c in ARTICLE_COLUMNS)
        + "; for each span label a list of regions `{id, start, end, text, ...attributes}` "
        "(offsets are Python string indices into `text`; `annotation_ids` names the Label Studio annotations "
        "a region came from, `disputed` the attributes annotators tied on, published as null)"
    )
    label_cols = ", ".join(f"`{schema.column(lbl)}` ({lbl})" for lbl in schema.spans)
    lines[-1] += f": {label_cols}"
    rels = [r for r in schema.relations if not (schema.attribution and r == schema.attribution.relation)]
    if schema.attribution:
        lines[-1] += (
            f"; each {schema.attribution.claim} lists its `speaker_ids` "
            f"(the {schema.attribution.speaker} regions joined to it by `{schema.attribution.relation}`)"
        )
    if rels:
        lines[-1] += "; " + ", ".join(f"`{r}` as `{{from_id, to_id}}` pairs" for r in rels)
    lines[-1] += "; `annotators` and `annotation_ids` of the task.\n"
    if schema.unit:
        unit = schema.unit
        attrs = ", ".join(f"`{a.column or n}`" for n, a in schema.spans[unit.label].attributes.items())
        lines.append(
            f"`{unit.config}`: one row per {unit.label}: `id` (`<document_id>:<region id>`), `document_id`, "
            f"`text`, `start`, `end`, `context` (the {unit.context} or {unit.context}s containing it)"
            + (", `speaker` (canonical names, joined by `; `)" if schema.attribution else "")
            + (f", {attrs}" if attrs else "")
            + ".\n"
        )
    lines.append(
        "Choice attributes are `ClassLabel` features; a value nobody gave, or that annotators tied on, is null.\n"
    )
    return "\n".join(lines)


def _labels_section(schema: Schema) -> str:
    lines = [f"## Labels (schema `{schema.name}` version {schema.version})\n"]
    for label, span in schema.spans.items():
        lines.append(f"- **{label}** (`{schema.column(label)}`): {span.description or ''}")
        for name, attr in span.attributes.items():
            need = "required" if attr.required else "optional"
            lines.append(f"  - `{attr.column or name}` ({attr.type}, {need}): {attr.description or attr.heading or ''}")
            for c in attr.choices:
                lines.append(f"    - `{c.value}`" + (f": {c.description}" if c.description else ""))
    for rel_name, rel in schema.relations.items():
        lines.append(f"- relation **{rel_name}** ({rel.between[0]} – {rel.between[1]}): {rel.description or ''}")
    if schema.changes:  # annotations made under earlier versions are published as these changes say
        lines.append("\nChanges from earlier versions (annotations made before them are published migrated):\n")
        lines += [f"- version {change.version}: {change.describe()}" for change in schema.changes]
    return "\n".join(lines) + "\n"


def _statistics_section(built: Built, split_info: dict[str, dict[str, tuple[int, int]]]) -> str:
    splits = [s for s in SPLITS if any(s in info for info in split_info.values())]
    head = "| | " + " | ".join(splits) + " | total |\n|---|" + "---|" * (len(splits) + 1) + "\n"
    table = [(name, [per_split[s] for s in splits]) for name, per_split in built.stats.items()]
    body = "".join(f"| {name} | " + " | ".join(map(str, c)) + f" | {sum(c)} |\n" for name, c in table)
    return "## Statistics\n\n" + head + body


def _annotation_section(built: Built) -> str:
    c = built.counts
    return (
        "## Annotation\n\n"
        f"- annotators: {len(built.annotators)}\n"
        f"- tasks: {c.get('tasks', 0)}; published: {c.get('published_tasks', 0)}; "
        f"not annotated: {c.get('unannotated_tasks', 0)}; only skipped: {c.get('skipped_tasks', 0)}\n"
        f"- annotations: {c.get('annotations', 0)}; skipped (cancelled): {c.get('skipped_annotations', 0)}; "
        f"excluded as invalid: {c.get('excluded_annotations', 0)}\n"
        f"- disputed attribute values (published as null): {len(built.disputed)}\n\n"
        "Several annotators on one article are settled so: an annotation a reviewer marked ground truth in "
        "Label Studio wins; otherwise each attribute takes the majority of the annotators who marked the "
        "region; a tie is published as null and listed as disputed. Invalid annotations and disputes are "
        f"listed in `{REPORT_FILE}` beside the data.\n"
    )


# keys that name an entry of a list in an agreement report (a label, an attribute, a relation)
NAME_KEYS = ("label", "attribute", "relation")


def _agreement_section(agreement: AgreementReport | Mapping[str, Any]) -> str:
    """The agreement summary as a table; the disputed items themselves are in the publish report."""
    title = "## Agreement between annotators\n\n"
    data = agreement.to_json() if hasattr(agreement, "to_json") else dict(agreement)
    if data.get("multi_annotator_tasks") == 0:
        return title + "Every article was annotated by one person, so no agreement was measured.\n"
    intro = ""
    if "multi_annotator_tasks" in data:
        intro = f"Measured on the {data['multi_annotator_tasks']} articles annotated by two or more people.\n\n"
    if hasattr(agreement, "rows"):
        from annot.agreement import ROW_COLUMNS

        head = "| " + " | ".join(ROW_COLUMNS) + " |\n|" + "---|" * len(ROW_COLUMNS) + "\n"
        return title + intro + head + "".join("| " + " | ".join(row) + " |\n" for row in agreement.rows())
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, Mapping):
                    name = next((item[k] for k in NAME_KEYS if item.get(k)), n)
                    walk(f"{prefix}.{name}", {k: v for k, v in item.items() if k not in NAME_KEYS})
        elif isinstance(value, int | float) and not isinstance(value, bool):
            rows.append((prefix, f"{value:.3f}" if isinstance(value, float) else str(value)))

    walk("", {k: v for k, v in data.items() if k not in ("disputed", "disputed_tasks", "annotators")})
    return title + intro + "| measure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)


def _baseline_section(model: Mapping[str, Any], schema: Schema, image: bool) -> str:
    """The newest `annot train` model's cross-validated scores beside the rules' (annot.model meta.json)."""
    scores = model.get("scores") or {}
    spans = scores.get("spans") or {}
    attributes = scores.get("attributes") or {}
    unit = schema.unit.config if schema.unit else "claims"
    lines = [
        "## Baseline\n",
        f"A pre-annotator trained with `annot train` on {model.get('articles')} annotated articles of this project "
        f"(model `{model.get('version')}`, training data SHA-256 `{str(model.get('data_hash', ''))[:16]}`), "
        f"scored by {scores.get('folds')}-fold cross-validation by article: an article is never in training "
        "and test at once. The rule-based pre-annotator is scored on the same folds; `model+rules` uses, "
        "per label, the rules' regions, the model's or their union, whichever did best on the training folds.\n",
    ]
    stance = attributes.get("stance")
    if stance:
        lines.append(
            f"**Stance macro-F1 on `{unit}`: {stance['macro_f1']:.3f}** (majority class: "
            f"{stance['majority_macro_f1']:.3f}; {stance['claims']} claims, gold spans and speakers given).\n"
        )
    rows = ["| task | measure | rules | model+rules |", "|---|---|---|---|"]
    for label, mode in (("Speaker", "exact"), ("Speaker", "overlap"), ("Claim", "exact"), ("Claim", "overlap")):
        if label in spans.get("rules", {}):
            cells = [f"{spans[k][label][mode]['f1']:.3f}" for k in ("rules", "model+rules")]
            rows.append(f"| {label} | {mode} F1 | " + " | ".join(cells) + " |")
    if "attribution" in spans.get("rules", {}):
        cells = [str(spans[k]["attribution"]["accuracy"]) for k in ("rules", "model+rules")]
        rows.append("| attribution | accuracy on matched claims | " + " | ".join(cells) + " |")
        gold = spans["rules"].get("Claim", {}).get("overlap", {}).get("gold")
        cells = [f"{spans[k]['attribution']['correct']} of {gold}" for k in ("rules", "model+rules")]
        rows.append("| attribution | gold claims correctly attributed | " + " | ".join(cells) + " |")
    for attr, s in attributes.items():
        rows.append(f"| {attr} | macro-F1 | {s['majority_macro_f1']:.3f} (majority class) | {s['macro_f1']:.3f} |")
    lines.append("\n".join(rows) + "\n")
    if image:
        lines.append(f"![Learning curve: score against training articles]({BASELINE_IMAGE})\n")
    return "\n".join(lines)


def _demote(markdown: str) -> str:
    """Push the guidelines' headings two levels down so they nest under the card's section."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("##" + line if not fenced and line.startswith("#") else line)
    return "\n".join(out)


# -- the Hub -------------------------------------------------------------------------------------


def push_to_hub(
    out_dir: str | Path, repo_id: str, *, token: str | None = None, private: bool | None = None
) -> dict[str, str]:
    """Upload the folder `write` made to a Hub dataset repository and tag the commit with the dataset version.

    Files under `data/` that the new version no longer has are deleted from the repository,
    so the Hub copy is the folder, no more. Returns the commit URL and the tag.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    out_dir = Path(out_dir)
    try:
        version = json.loads((out_dir / REPORT_FILE).read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise PublishError(
            f"{out_dir}: not a dataset annot published (no {REPORT_FILE}); run annot publish first"
        ) from None
    tag = f"v-{version[:12]}"
    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=out_dir,
            commit_message=f"Publish dataset version {version[:12]}",
            delete_patterns=[f"{DATA_DIR}/**"],
        )
        api.create_tag(repo_id, tag=tag, revision=commit.oid, repo_type="dataset", exist_ok=True)
    except HfHubHTTPError as e:
        status = e.response.status_code if e.response is not None else "no response"
        raise PublishError(
            f"Hugging Face Hub refused the upload to {repo_id} (HTTP {status}); check HF_TOKEN and the repo name"
        ) from None
    except ValueError as e:  # huggingface_hub's checks, the card's YAML among them
        raise PublishError(f"upload of {out_dir} to {repo_id} refused: {e}") from None
    except OSError as e:
        raise PublishError(f"cannot reach the Hugging Face Hub to upload {repo_id} ({e}); check the network") from None
    return {"repo_id": repo_id, "commit_url": str(commit.commit_url), "tag": tag, "version": version}
