"""Cleaning (and pre-annotating) an archive on every core, in constant memory.

`clean_line` and `process_record` are the per-article functions: plain module-level functions of
their arguments, so they pickle and run in worker processes here or under another engine
(`datasets.Dataset.map(num_proc=...)`, a Spark/Dask/Ray map). `iter_jsonl` feeds a JSONL file's
lines to a pool of processes a few chunks at a time and yields the articles in file order; only
those chunks are ever in memory.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from annot.articles import JSONL_SUFFIXES, Unreadable, iter_file, jsonl_article, jsonl_lines
from annot.errors import ArticleError
from annot.records import Article

CHUNK_LINES = 100  # lines per task sent to a worker: big enough that pickling is a small share
CHUNKS_IN_FLIGHT_PER_WORKER = 3  # keeps every worker busy while bounding what is held
MIN_LINES_FOR_WORKERS = 2 * CHUNK_LINES  # smaller files: a pool costs more than it saves
WORKERS_ENV = "ANNOT_WORKERS"  # how many worker processes (default: one per core; 0: none, all in this process)

Line = tuple[int, bytes]  # (line number, the line's bytes)
Outcome = Article | Unreadable | tuple[Article, Any]


def worker_count() -> int:
    """Worker processes to use: `$ANNOT_WORKERS`, else one per core this process may run on."""
    if WORKERS_ENV in os.environ:
        return max(0, int(os.environ[WORKERS_ENV]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def clean_line(line: bytes, number: int, where: str) -> Article | Unreadable:
    """One JSONL line (line `number` of file `where`) as a cleaned Article, or why it gives none."""
    origin = f"{where}:{number}"
    try:
        return jsonl_article(line, number, origin)
    except ArticleError as exc:
        return Unreadable(origin, str(exc))


def prediction(article: Article) -> dict[str, Any]:
    """The pre-annotation of one article, as plain JSON-ready data (regions and relations)."""
    from annot.preannotate import predict

    return _annotation_dict(predict(article.text))


def _annotation_dict(a: Any) -> dict[str, Any]:
    """`dataclasses.asdict(annotation)` written out field by field, at a fifth of its cost (asdict deep-copies
    every string); tests/test_pipeline.py holds the two equal, so a field added to the records shows there."""
    return {
        "id": a.id,
        "task_id": a.task_id,
        "regions": [
            {
                "id": r.id,
                "label": r.label,
                "start": r.start,
                "end": r.end,
                "text": r.text,
                "attributes": {k: list(v) if isinstance(v, list) else v for k, v in r.attributes.items()},
                "score": r.score,
                "attribute_scores": dict(r.attribute_scores),
            }
            for r in a.regions
        ],
        "relations": [
            {"from_id": x.from_id, "to_id": x.to_id, "label": x.label, "direction": x.direction} for x in a.relations
        ],
        "annotator": a.annotator,
        "ground_truth": a.ground_truth,
        "cancelled": a.cancelled,
        "updated_at": a.updated_at,
        "created_at": a.created_at,
        "lead_time": a.lead_time,
        "unreadable": [tuple(u) for u in a.unreadable],
        "score": a.score,
    }


def process_record(record: dict[str, Any], preannotate: bool = True) -> dict[str, Any]:
    """One archive record (`title`, `text`, `source`, ...) in, one row out: the cleaned article's fields,
    `problem` (why it gave no article, else None) and `prediction` (the pre-annotation as JSON).

    For engines that map a function over rows: `Dataset.map(process_record, num_proc=8)`.
    """
    values = {k: v for k, v in record.items() if v is not None}
    line = json.dumps(values, ensure_ascii=False, default=_iso).encode("utf-8")
    outcome = clean_line(line, 1, str(record.get("origin") or "record"))
    empty = dict.fromkeys(("id", "title", "text", "source", "author", "published", "url"))
    if isinstance(outcome, Unreadable):
        return {**empty, "problem": outcome.reason, "prediction": None}
    row = {key: getattr(outcome, key) for key in empty}
    row["prediction"] = json.dumps(prediction(outcome)) if preannotate else None
    return {**row, "problem": None}


def _iso(value: Any) -> str:
    """A date or datetime as ISO 8601 (`datasets` reads a `published` column of ISO strings as datetimes);
    the cleaning parses it back to a date like any other."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _work(lines: list[Line], where: str, preannotate: bool) -> list[Outcome]:
    """A worker's task: a chunk of lines cleaned (and pre-annotated), in order."""
    out: list[Outcome] = []
    for number, line in lines:
        outcome = clean_line(line, number, where)
        out.append((outcome, prediction(outcome)) if preannotate and isinstance(outcome, Article) else outcome)
    return out


def _chunks(path: Path, problems: list[Unreadable]) -> Iterator[list[Line]]:
    """The file's non-blank lines in chunks; lines over the size limit become problems here."""
    chunk: list[Line] = []
    for number_line in jsonl_lines(path, problems):
        chunk.append(number_line)
        if len(chunk) == CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Pool:
    """Worker processes for cleaning, started when a file big enough to need them comes up, shut down on exit."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = worker_count() if workers is None else workers
        self._started: ProcessPoolExecutor | None = None
        # files whose first chunks are already with the workers: (chunks left, in flight, problems found)
        self._early: dict[str, tuple[Iterator[list[Line]], deque[Future[list[Outcome]]], list[Unreadable]]] = {}

    @property
    def _executor(self) -> ProcessPoolExecutor | None:
        if self._started is None and self.workers > 0:
            # fork: the workers start in milliseconds with annot already imported
            context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            self._started = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._started

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started is not None:
            self._started.shutdown(wait=True, cancel_futures=True)

    def prefetch(self, path: Path) -> None:
        """Start cleaning the first chunks of a big JSONL file now, while the caller does other work
        (a push makes its project meanwhile); `iter_file` on the same path takes them up."""
        executor = self._executor if path.suffix.lower() in JSONL_SUFFIXES and _big(path) else None
        key = str(path.resolve())
        if executor is None or key in self._early:
            return
        problems: list[Unreadable] = []
        try:
            chunks = _chunks(path, problems)
            first = list(islice(chunks, self.workers * CHUNKS_IN_FLIGHT_PER_WORKER))
        except ArticleError:
            return  # named when the file is read for real
        pending = deque(executor.submit(_work, chunk, str(path), False) for chunk in first)
        self._early[key] = (chunks, pending, problems)

    def iter_jsonl(self, path: Path, problems: list[Unreadable], *, preannotate: bool = False) -> Iterator[Outcome]:
        """The articles of a JSONL file in line order (each with its prediction when `preannotate`);
        bad lines go to `problems`. At most a few chunks per worker are in flight."""
        where = str(path)
        early = self._early.pop(str(path.resolve()), None) if not preannotate else None
        chunks = early[0] if early else _chunks(path, problems)
        executor = self._executor
        if executor is None:
            for chunk in chunks:
                yield from self._keep(_work(chunk, where, preannotate), problems)
            return
        pending: deque[Future[list[Outcome]]] = early[1] if early else deque()
        limit = self.workers * CHUNKS_IN_FLIGHT_PER_WORKER
        try:
            for chunk in chunks:
                pending.append(executor.submit(_work, chunk, where, preannotate))
                while len(pending) >= limit or (pending and pending[0].done()):
                    yield from self._keep(pending.popleft().result(), problems)
            while pending:
                yield from self._keep(pending.popleft().result(), problems)
        finally:
            for future in pending:
                future.cancel()
            if early:
                problems += early[2]  # lines over the size limit, found by the prefetch's reader

    def prefetch_changed(self, paths: Iterable[str | Path], signatures: dict[str, list[Any]]) -> None:
        """Prefetch the article files that changed since the signatures (size, mtime) were taken."""
        from annot.articles import article_files

        for path in article_files(paths, []):
            try:
                stat = path.stat()
            except OSError:
                continue
            if (signatures.get(str(path.resolve())) or [None, None])[:2] != [stat.st_size, stat.st_mtime_ns]:
                self.prefetch(path)

    @staticmethod
    def _keep(outcomes: list[Outcome], problems: list[Unreadable]) -> Iterator[Outcome]:
        for outcome in outcomes:
            if isinstance(outcome, Unreadable):
                problems.append(outcome)
            else:
                yield outcome

    def iter_file(self, path: Path, problems: list[Unreadable]) -> Iterator[Article]:
        """As `annot.articles.iter_file`, with a big JSONL file cleaned by the workers."""
        if self.workers > 0 and path.suffix.lower() in JSONL_SUFFIXES and _big(path):
            for outcome in self.iter_jsonl(path, problems):
                assert isinstance(outcome, Article)
                yield outcome
        else:
            yield from iter_file(path, problems)


def _big(path: Path) -> bool:
    """At least MIN_LINES_FOR_WORKERS lines, judged by size (a short article is about 2 kB)."""
    try:
        return path.stat().st_size > MIN_LINES_FOR_WORKERS * 2_000
    except OSError:
        return False


def stream(
    paths: list[Path],
    problems: list[Unreadable],
    duplicates: list[tuple[str, str]],
    *,
    preannotate: bool = False,
    workers: int | None = None,
) -> Iterator[tuple[Article, Any]]:
    """Every article of the files and folders, each once, in file then line order, as (article, prediction
    or None); duplicates and problems are appended to the lists given. Memory stays flat whatever the
    archive's size, but for the set of article ids seen (about 60 bytes an article)."""
    from annot.articles import article_files

    seen: set[int] = set()
    with Pool(workers) as pool:
        for path in article_files(paths, problems):
            try:
                if path.suffix.lower() in JSONL_SUFFIXES and pool.workers:
                    outcomes: Iterator[Any] = pool.iter_jsonl(path, problems, preannotate=preannotate)
                else:
                    outcomes = ((a, prediction(a)) if preannotate else a for a in iter_file(path, problems))
                for outcome in outcomes:
                    article, predicted = outcome if isinstance(outcome, tuple) else (outcome, None)
                    key = int(article.id, 16)
                    if key in seen:
                        duplicates.append((article.origin, article.id))
                        continue
                    seen.add(key)
                    yield article, predicted
            except ArticleError as exc:
                problems.append(Unreadable.from_error(path, exc))
