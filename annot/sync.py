"""The round trip, composed: push articles, pull annotations, validate, publish. Prints nothing.

Local state per project lives in `.annot/projects/<name>/state.json`; the server
is the truth, the state only saves work (deleting `.annot/` loses nothing). A
file lock per project keeps two runs from interleaving.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from annot.config import Config, ProjectConfig, credentials
from annot.errors import ArticleError, BusyError, LabelStudioError
from annot.labelstudio import IMPORT_BATCH, Project, Server, imports_in_flight
from annot.records import Article, Task
from annot.schema import Schema, guidelines_html, label_config, load_schema

if TYPE_CHECKING:
    from annot.model import Predictor
    from annot.pipeline import Pool

LOCK_WAIT_S = 5.0
FIRST_BATCH = 200
STATE_SAVE_EVERY_S = 10.0  # during a push; the state is written at the end in any case
SNAPSHOTS_KEPT = 20
ORDERS = ("file", "uncertain")  # `annot push --order`: as the files list them, or the least certain first
UNCERTAINTY_SAMPLING = "Uncertainty sampling"  # Label Studio's project.sampling that serves the lowest score first

# progress(step, done, total): called as work advances, for the CLI's progress bars
Progress = Callable[[str, int, int | None], None]


def _no_progress(step: str, done: int, total: int | None) -> None:
    pass


# -- local state -----------------------------------------------------------------


def project_dir(config: Config, project: ProjectConfig) -> Path:
    return config.state_dir / "projects" / project.name


@dataclass
class State:
    project_id: int | None = None
    task_count: int = 0  # the server's task count when `pushed` was last known complete
    pushed: dict[str, int] = field(default_factory=dict)  # article id -> task id
    last_sync: str | None = None
    watermark: str | None = None  # the newest task `updated_at` seen by the last pull
    pulled_from: int | None = None  # the project the local copy and the watermark belong to
    sources: dict[str, list[Any]] = field(default_factory=dict)  # file -> [size, mtime_ns, article ids]
    published_key: str | None = None  # watermark and schema the published dataset was built from
    last_counts: dict[str, Any] = field(default_factory=dict)


def load_state(config: Config, project: ProjectConfig) -> State:
    path = project_dir(config, project) / "state.json"
    try:
        return State(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return State()
    except (ValueError, TypeError):
        return State()  # a damaged state file only costs a rescan of the server


def save_state(config: Config, project: ProjectConfig, state: State) -> None:
    path = project_dir(config, project) / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


@contextmanager
def project_lock(config: Config, project: ProjectConfig, wait: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the project's lock; another run holding it is a BusyError after `wait` seconds."""
    path = project_dir(config, project) / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise BusyError(
            f"another annot run is working on project {project.name!r} (lock {path}); wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()


def connect(config: Config) -> Server:
    return Server(*credentials(config))


# -- push ----------------------------------------------------------------------------------


@dataclass
class PushResult:
    project_id: int
    articles: int
    imported: int
    already: int
    duplicates: list[tuple[str, str]]
    problems: list[Any]
    model_version: str | None = None  # the predictor whose predictions went with the new tasks
    reordered: bool = False  # `--order uncertain` switched the project to uncertainty sampling


def ensure_project(
    server: Server, project: ProjectConfig, schema: Schema, guard: Callable[[Project], None] | None = None
) -> Project:
    """The project, made or updated to the schema and the overlap settings; `guard` may stop a config change."""
    return server.ensure_project(
        project.name,
        label_config(schema),
        description=f"annot schema {schema.name} version {schema.version}",
        instructions=guidelines_html(schema),
        settings=project.overlap.label_studio_settings() if project.overlap else None,
        before_config_change=guard,
    )


def known_articles(server: Server, remote: Project, state: State) -> dict[str, int]:
    """Article ids already in the project: from the state when it matches the server, else read."""
    if state.project_id == remote.id and state.task_count == remote.task_number:
        return dict(state.pushed)
    if remote.task_number == 0:
        return {}
    return server.article_ids(remote.id)


@dataclass
class Sources:
    """What reading the article files found, filled in while `iter_sources` runs."""

    count: int = 0  # articles in all the files, the unchanged ones included
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    signatures: dict[str, list[Any]] = field(default_factory=dict)  # file -> [size, mtime_ns, article ids]


def iter_sources(
    paths: Sequence[Path], state: State, known: dict[str, int], found: Sources, pool: Pool | None = None
) -> Iterator[Article]:
    """The articles of the files, as they are read, each article once; files unchanged since the
    last push whose articles are all in the project are not read again.

    A file is unchanged when its size and modification time are: re-reading and cleaning
    20,000 articles to find nothing new was most of the time of a sync with nothing new.
    """
    from annot.articles import Unreadable, article_files, iter_file

    read = pool.iter_file if pool else iter_file
    seen: set[str] = set()
    for path in article_files(paths, found.problems):
        stat = path.stat()
        key = str(path.resolve())
        previous = state.sources.get(key)
        if previous and previous[:2] == [stat.st_size, stat.st_mtime_ns] and all(i in known for i in previous[2]):
            ids = previous[2]
        else:
            problems: list[Unreadable] = []
            ids = []
            try:
                for article in read(path, problems):
                    ids.append(article.id)
                    if article.id in seen:
                        found.duplicates.append((article.origin, article.id))
                        continue
                    seen.add(article.id)
                    found.count += 1
                    yield article
            except ArticleError as e:
                reason = str(e).removeprefix(f"{path}: ")
                problems.append(Unreadable(str(path), reason))
            found.problems += problems
            if problems:  # read it again next time, so its problems are reported again
                ids.append("")
            found.signatures[key] = [stat.st_size, stat.st_mtime_ns, ids]
            continue
        fresh = [i for i in ids if i not in seen]
        seen.update(fresh)
        found.count += len(fresh)
        found.signatures[key] = [stat.st_size, stat.st_mtime_ns, ids]


def read_sources(paths: Sequence[Path], state: State, known: dict[str, int]) -> tuple[list[Article], Sources]:
    """All of `iter_sources` at once: (articles read, what was found)."""
    found = Sources()
    return list(iter_sources(paths, state, known, found)), found


def prediction(predictor: Predictor, text: str, schema: Schema) -> dict[str, Any]:
    """A Label Studio prediction for one text: `result` (each region with its `score`), `model_version`, and
    `score`, the article's confidence (1 - the predictor's uncertainty), which Label Studio's uncertainty
    sampling serves lowest first. No text: an empty prediction."""
    from annot.convert import to_results

    if not text.strip():
        return {"model_version": predictor.version, "score": None, "result": []}
    annotation = predictor.predict(text)
    result = to_results(annotation, schema)
    region_scores = {r.id: r.score for r in annotation.regions if r.score is not None}
    for item in result:
        if item.get("id") in region_scores:
            item["score"] = round(region_scores[item["id"]], 4)
    confidence = 1.0 - predictor.uncertainty(text)
    return {"model_version": predictor.version, "score": round(confidence, 4), "result": result}


def task_payload(article: Article, schema: Schema, predictor: Predictor | None) -> dict[str, Any]:
    """The task to import for an article, with the predictor's prediction when there is one.

    The article id goes in `meta` too: listing ids and meta is far cheaper than exporting (the lost-state scan).
    """
    task: dict[str, Any] = {"data": article.task_data(), "meta": {"article_id": article.id}}
    if predictor is not None:
        task["predictions"] = [prediction(predictor, article.text, schema)]
    return task


def show_model_version(server: Server, project_id: int, version: str) -> bool:
    """Make the labeling screen show this model version's predictions (Label Studio shows only those of the
    project's `model_version`); True if it changed.

    Label Studio accepts only a version some prediction of the project has: with none yet, the setting
    stays as it was (False).
    """
    if server.project_settings(project_id).get("model_version") == version:
        return False
    try:
        server.update_project(project_id, model_version=version)
    except LabelStudioError as e:
        if "Model version doesn't exist" in str(e):
            return False
        raise
    return True


def push(
    config: Config,
    project: ProjectConfig,
    paths: Sequence[Path] | None = None,
    *,
    predictions: bool = True,
    predictor: Predictor | None = None,
    order: str = "file",
    server: Server | None = None,
    progress: Progress = _no_progress,
) -> PushResult:
    """Create or update the project and import the articles it does not have yet.

    Predictions come from `predictor`, by default the project's newest trained model, else the rules.
    `order="uncertain"` imports the new articles least certain first and switches the project to Label
    Studio's uncertainty sampling, which serves every task lowest prediction score first.

    Reading and cleaning the next batch overlaps with the import of the current one
    (the server works in its own process), so a push costs little more than the imports.
    """
    from annot.migrate import guard_push
    from annot.pipeline import Pool

    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    schema = load_schema(project.schema)
    chosen: list[Predictor] = [predictor] if predictor is not None else []

    def model() -> Predictor:
        """The predictor, loaded when the first new article needs it: a push with nothing new loads none."""
        if not chosen:
            from annot.model import load_predictor

            chosen.append(load_predictor(config.root, project.name, schema))
        return chosen[0]

    pool = Pool()  # big JSONL files not pushed before start cleaning now, while the project is made
    pool.prefetch_changed(paths or project.sources, load_state(config, project).sources)
    server = server or connect(config)
    remote = ensure_project(server, project, schema, guard_push(config, project, schema, server))
    state = load_state(config, project)
    known = known_articles(server, remote, state)
    if (state.project_id, state.task_count) != (remote.id, remote.task_number) or state.pushed != known:
        state.project_id, state.pushed, state.task_count = remote.id, known, remote.task_number
        save_state(config, project, state)
    found = Sources()
    imported = 0
    last_save = time.monotonic()

    pending: deque[tuple[list[tuple[Article, dict[str, Any]]], Future[list[int]]]] = deque()  # in flight, oldest first

    def finish(batch: list[tuple[Article, dict[str, Any]]], landing: Future[list[int]]) -> None:
        nonlocal imported, last_save
        try:
            task_ids = landing.result()
        except LabelStudioError:
            # the batch may have landed before the connection failed: look before sending again,
            # once the other imports in flight have ended (so the listing sees where they are)
            wait([future for _, future in pending])
            state.pushed = server.article_ids(remote.id)
            state.task_count = server.get_project(remote.id).task_number
            save_state(config, project, state)
            imported += sum(a.id in state.pushed for a, _ in batch)  # landed by the lost call: still this push's
            batch = [(a, task) for a, task in batch if a.id not in state.pushed]
            task_ids = server.import_tasks(remote.id, [task for _, task in batch]) if batch else []
        # a batch that landed may already be in `pushed` (a re-check after another batch failed)
        state.task_count += sum(a.id not in state.pushed for a, _ in batch)
        state.pushed.update(zip((a.id for a, _ in batch), task_ids, strict=False))
        imported += len(batch)
        if time.monotonic() - last_save > STATE_SAVE_EVERY_S:  # a lost state only costs a rescan
            save_state(config, project, state)
            last_save = time.monotonic()
        progress("push", imported, None)

    progress("push", 0, None)
    # worker processes clean a big JSONL file while the server imports (forked before the importer starts)
    in_flight = imports_in_flight()
    with pool, ThreadPoolExecutor(max_workers=in_flight) as importer:
        new = (a for a in iter_sources(paths or project.sources, state, known, found, pool) if a.id not in known)
        payloads: Iterator[tuple[Article, dict[str, Any]]] = (
            (a, task_payload(a, schema, model() if predictions else None)) for a in new
        )
        if order == "uncertain":
            payloads = iter(_least_certain_first(payloads, model, progress))
        # a small first batch gets the server working while the rest is still being read
        for size in chain([FIRST_BATCH], repeat(IMPORT_BATCH)):
            batch = list(islice(payloads, size))
            if not batch:
                break
            while len(pending) >= in_flight:
                finish(*pending.popleft())
            pending.append((batch, importer.submit(server.import_tasks, remote.id, [task for _, task in batch])))
        while pending:
            finish(*pending.popleft())
    state.sources.update(found.signatures)
    save_state(config, project, state)
    sent = chosen[0].version if predictions and chosen and imported else None
    if sent:
        show_model_version(server, remote.id, sent)
    reordered = False
    if order == "uncertain" and server.project_settings(remote.id).get("sampling") != UNCERTAINTY_SAMPLING:
        server.update_project(remote.id, sampling=UNCERTAINTY_SAMPLING)
        reordered = True
    return PushResult(
        project_id=remote.id,
        articles=found.count,
        imported=imported,
        already=found.count - imported,
        duplicates=found.duplicates,
        problems=found.problems,
        model_version=sent,
        reordered=reordered,
    )


def _least_certain_first(
    payloads: Iterable[tuple[Article, dict[str, Any]]], model: Callable[[], Predictor], progress: Progress
) -> list[tuple[Article, dict[str, Any]]]:
    """All the new articles, read and scored, the least certain first (ties: as the files list them)."""
    scored = []
    for done, (article, task) in enumerate(payloads, 1):
        sent = task.get("predictions")
        confidence = sent[0]["score"] if sent else 1.0 - model().uncertainty(article.text)
        scored.append((confidence if confidence is not None else 1.0, done, article, task))
        progress("score", done, None)
    scored.sort(key=lambda item: (item[0], item[1]))
    return [(article, task) for _, _, article, task in scored]


@dataclass
class RepredictResult:
    project_id: int
    model_version: str
    replaced: int  # unannotated tasks whose predictions were replaced
    current: int  # unannotated tasks that already had this version's prediction, left alone
    annotated: int  # tasks with an annotation (or a skip): their predictions are left alone too
    tasks: int


def repredict(
    config: Config,
    project: ProjectConfig,
    *,
    predictor: Predictor | None = None,
    server: Server | None = None,
    progress: Progress = _no_progress,
) -> RepredictResult:
    """Replace the predictions of every task nobody has annotated (or skipped) yet with the predictor's,
    in bulk; annotations, and the predictions of annotated tasks, are never touched.

    Tasks that already carry this model version's prediction alone are left as they are, so running it
    twice does the work once. Tasks made by hand in the UI are included: they need only a text.
    """
    schema = load_schema(project.schema)
    if predictor is None:
        from annot.model import load_predictor

        predictor = load_predictor(config.root, project.name, schema)
    server = server or connect(config)
    remote = server.find_project(project.name)
    if remote is None:
        raise LabelStudioError(f"no project {project.name!r} on {server.url}; run `annot push` first")
    listed = server.task_overview(remote.id, text_field=schema.text)
    annotated = [t for t in listed if t.annotations]
    current = [t for t in listed if not t.annotations and t.model_versions == [predictor.version]]
    stale = [t for t in listed if not t.annotations and t.model_versions != [predictor.version]]
    replaced = 0
    progress("repredict", 0, len(stale))
    for start in range(0, len(stale), IMPORT_BATCH):
        batch = stale[start : start + IMPORT_BATCH]
        fresh = [{"task": t.id, **prediction(predictor, t.text, schema)} for t in batch]
        server.delete_predictions(remote.id, [t.id for t in batch if t.model_versions])
        server.import_predictions(remote.id, fresh)
        replaced += len(batch)
        progress("repredict", replaced, len(stale))
    show_model_version(server, remote.id, predictor.version)
    return RepredictResult(
        project_id=remote.id,
        model_version=predictor.version,
        replaced=replaced,
        current=len(current),
        annotated=len(annotated),
        tasks=len(listed),
    )


# -- pull and validate ------------------------------------------------------------------------


@dataclass
class PullResult:
    project_id: int
    snapshot: Path | None  # the raw export fetched by this pull; None when nothing changed
    tasks: Iterable[Task]  # re-iterable: read from the local copy on each pass
    report: Any  # annot.validate.Report
    changed: int | None  # tasks fetched because they changed since the last pull; None: a full export


def snapshot_path(config: Config, project: ProjectConfig) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return config.state_dir / "snapshots" / project.name / f"{stamp}.json"


def cache_path(config: Config, project: ProjectConfig) -> Path:
    """The project's annotated tasks as of the last pull, in Label Studio's export format."""
    return project_dir(config, project) / "tasks.json"


def fetch(
    config: Config, project: ProjectConfig, server: Server, *, project_id: int | None = None, full: bool = False
) -> tuple[int, Path | None, int | None]:
    """Bring the local copy of the project's annotated tasks up to date: (project id, snapshot, tasks changed).

    Tasks changed is None after a full export (everything was fetched).

    Changes are found with one filtered listing of task ids and update times; only those
    tasks are exported and merged into the local copy (everything, the first time).
    Deleted annotations vanish too, since deleting one updates its task. `project_id`, when
    the caller just pushed, saves looking the project up again.
    """
    if project_id is None:
        remote = server.find_project(project.name)
        if remote is None:
            raise LabelStudioError(f"no project {project.name!r} on {server.url}; run `annot push` first")
        project_id = remote.id
    state = load_state(config, project)
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
        _atomic_copy(snapshot, cache)
    elif changed:
        fresh = server.export_tasks(project_id, [task_id for task_id, _ in changed])
        snapshot = snapshot_path(config, project)
        _write_json(snapshot, fresh)
        _merge_into(cache, fresh, {task_id for task_id, _ in changed})
    if changed:
        state.watermark = max(updated for _, updated in changed)
    if state.pulled_from != project_id:
        state.published_key = None
    state.pulled_from = state.project_id = project_id
    if snapshot:
        _prune_snapshots(snapshot.parent)
    save_state(config, project, state)
    return project_id, snapshot, None if full else len(changed)


def load_local(config: Config, project: ProjectConfig, schema: Schema) -> tuple[Iterable[Task], Any]:
    """The local copy's tasks (read afresh on each pass, not held) and their validation report."""
    from annot.convert import ExportFile
    from annot.validate import validate

    path = cache_path(config, project)
    tasks: Iterable[Task] = ExportFile(path, schema) if path.exists() else []
    return tasks, validate(tasks, schema)


def pull(
    config: Config,
    project: ProjectConfig,
    *,
    server: Server | None = None,
    full: bool = False,
    progress: Progress = _no_progress,
) -> PullResult:
    """Fetch what changed since the last pull (everything the first time), keep the raw export, validate."""
    schema = load_schema(project.schema)
    progress("pull", 0, None)
    project_id, snapshot, changed = fetch(config, project, server or connect(config), full=full)
    tasks, report = load_local(config, project, schema)
    progress("pull", report.tasks, report.tasks)
    return PullResult(project_id, snapshot, tasks, report, changed=changed)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _atomic_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".part")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def _merge_into(cache: Path, fresh: list[dict[str, Any]], changed_ids: set[int]) -> None:
    """Replace the changed tasks in the local copy; a changed task missing from `fresh` lost its annotations."""
    kept = [t for t in json.loads(cache.read_text(encoding="utf-8")) if t.get("id") not in changed_ids]
    merged = sorted(kept + fresh, key=lambda t: t.get("id") or 0)
    _write_json(cache, merged)


def _prune_snapshots(folder: Path) -> None:
    snapshots = sorted(folder.glob("*.json"))
    for old in snapshots[:-SNAPSHOTS_KEPT]:
        old.unlink(missing_ok=True)


# -- publish and sync --------------------------------------------------------------------------


def publish_tasks(
    tasks: Iterable[Task],
    schema: Schema,
    out: Path,
    *,
    report: Any,
    project_name: str | None,
    source: str | None = None,
    strict: bool = False,
    hub_repo: str | None = None,
    baseline_root: Path | None = None,
) -> Any:
    """Build the dataset from validated tasks and write it (and push it, if asked).

    With `baseline_root` (the folder of annot.toml), the card shows the newest model's cross-validated scores.
    """
    from annot import dataset, hub
    from annot.adjudicate import adjudicate_all
    from annot.agreement import measure
    from annot.model import current_baseline

    invalid = report.invalid_annotations()
    agreement = measure(tasks, schema, invalid=invalid.keys())
    built = dataset.build(adjudicate_all(tasks, schema, invalid.keys()), schema, invalid=invalid, agreement=agreement)
    baseline = current_baseline(baseline_root, project_name, schema) if baseline_root and project_name else None
    meta = dataset.PublishMeta(
        project=project_name,
        source=source,
        baseline=baseline[0] if baseline else None,
        baseline_image=baseline[1] if baseline else None,
    )
    result = dataset.write(built, out, meta=meta, strict=strict)
    if hub_repo:
        hub.push_to_hub(out, hub_repo)
    return result


@dataclass
class SyncResult:
    push: PushResult
    pull: PullResult
    published: Any  # dataset.PublishResult, or None when nothing changed and the dataset stands
    seconds: float


def sync(
    config: Config, project: ProjectConfig, *, predictions: bool = True, progress: Progress = _no_progress
) -> SyncResult:
    """Push new articles, pull what changed, validate, publish; append a line to `.annot/sync.log`.

    With nothing new (no article pushed, no task changed, the dataset already there), nothing
    is read or written beyond two small API calls and the log line.
    """
    started = time.monotonic()
    with project_lock(config, project):
        server = connect(config)
        pushed = push(config, project, predictions=predictions, server=server, progress=progress)
        progress("pull", 0, None)
        project_id, snapshot, changed = fetch(config, project, server, project_id=pushed.project_id)
        state = load_state(config, project)
        key = f"{state.watermark}|{hashlib.sha256(project.schema.read_bytes()).hexdigest()}"
        up_to_date = state.published_key == key and (project.export / "publish-report.json").exists()
        tasks: Iterable[Task] = []
        report = None
        published = None
        if not up_to_date:  # something changed since the last publish, whichever command pulled it
            schema = load_schema(project.schema)
            tasks, report = load_local(config, project, schema)
            published = publish_tasks(
                tasks,
                schema,
                project.export,
                report=report,
                project_name=project.name,
                source=server.url,
                hub_repo=project.hub_repo,
                baseline_root=config.root,
            )
            state = load_state(config, project)
            state.published_key = key
        pulled = PullResult(project_id, snapshot, tasks, report, changed=changed)
        state.last_sync = datetime.now(UTC).isoformat(timespec="seconds")
        if report is not None:
            state.last_counts = {
                "tasks": report.tasks,
                "annotations": report.annotations,
                "valid": report.valid,
                "rejected": len(report.invalid_annotations()),
                "skipped": report.skipped,
                "dataset_version": published.version if published else None,
            }
        save_state(config, project, state)
        _log_sync(config, project, pushed, pulled, state.last_counts)
    return SyncResult(push=pushed, pull=pulled, published=published, seconds=time.monotonic() - started)


def _log_sync(config: Config, project: ProjectConfig, pushed: PushResult, pulled: PullResult, counts: dict) -> None:
    line = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "project": project.name,
        "pushed": pushed.imported,
        "changed_tasks": pulled.changed,
        "pulled": counts.get("annotations"),
        "valid": counts.get("valid"),
        "rejected": counts.get("rejected"),
        "dataset_version": counts.get("dataset_version"),
    }
    config.state_dir.mkdir(parents=True, exist_ok=True)
    with open(config.state_dir / "sync.log", "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def published_summary(result: Any) -> str:
    """`documents: 5 (train 4, test 1); claims: 40 (...)` from a PublishResult."""
    parts = []
    for config, splits in result.rows.items():
        counts = ", ".join(f"{split} {n}" for split, n in splits.items() if n)
        parts.append(f"{config}: {sum(splits.values())} ({counts})")
    return "; ".join(parts)
