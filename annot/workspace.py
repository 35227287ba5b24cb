"""The round trip composed, for Python and for the command line: `annot.open(".")` gives a `Workspace`.

A Workspace owns one project of an `annot.toml`: the config, the schema (loaded once), the server connection
(made when first needed: offline methods never touch the network), and the project's lock, taken around
every operation that writes to the server or to the local copy. Methods return result objects and print
nothing; progress goes to an optional callback `progress(step, done, total)`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.config import Config, ProjectConfig, credentials, find_root, load_config
from annot.errors import AnnotError
from annot.pull import PullResult
from annot.push import Progress, PushResult, RepredictResult, no_progress
from annot.records import Task
from annot.state import LOCK_WAIT_S, State, cache_path, load_state, project_lock, save_state

if TYPE_CHECKING:
    from annot.agreement import AgreementReport
    from annot.labelstudio import Server
    from annot.migrate import Applied, Diff, Plan
    from annot.model import Predictor, TrainedModel
    from annot.report import Campaign
    from annot.schema import Schema
    from annot.validate import Report

REVIEW_TAB = "Disputed"  # the Label Studio tab `review_disputes` fills


@dataclass
class SyncResult:
    push: PushResult
    pull: PullResult
    published: Any  # dataset.PublishResult, or None when nothing changed and the dataset stands
    seconds: float


@dataclass
class ReviewTab:
    project_id: int
    name: str  # the tab's title in Label Studio
    tasks: list[int]  # the disputed tasks it shows


@dataclass
class ProjectStatus:
    """What `annot status` shows for one project, from the local state (no network); None: not known yet."""

    project: str
    articles_pushed: int
    tasks: int
    annotated: int | None
    skipped: int | None
    valid: int | None
    rejected: int | None
    overlap: str | None  # annotators per task, on what share (annot.toml); None: the server's settings
    last_sync: str | None


def open(path: str | Path = ".", project: str | None = None) -> Workspace:
    """The workspace of the annot.toml in `path` or its nearest parent; `project` by name, else the first."""
    return Workspace(load_config(find_root(Path(path))), project)


class Workspace:
    """One project of an annot.toml, with its schema, server connection, local copy and lock."""

    def __init__(
        self,
        config: Config,
        project: str | None = None,
        *,
        server: Server | None = None,
        lock_wait: float = LOCK_WAIT_S,
    ) -> None:
        self.config = config
        self.project: ProjectConfig = config.project(project)
        self.lock_wait = lock_wait  # seconds to wait for another run on the project before a BusyError
        self._server = server
        self._schema: Schema | None = None

    def __repr__(self) -> str:
        return f"<annot.Workspace {self.project.name!r} in {self.config.root}>"

    def workspace(self, project: str) -> Workspace:
        """Another project of the same annot.toml, on the same server connection."""
        return Workspace(self.config, project, server=self._server, lock_wait=self.lock_wait)

    @property
    def projects(self) -> list[str]:
        return [p.name for p in self.config.projects]

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            from annot.schema import load_schema

            self._schema = load_schema(self.project.schema)
        return self._schema

    @property
    def server(self) -> Server:
        """The Label Studio connection, made on first use."""
        if self._server is None:
            from annot.labelstudio import Server

            self._server = Server(*credentials(self.config))
        return self._server

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the project's lock (re-entrant: an operation inside another one goes on)."""
        with project_lock(self.config, self.project, wait=self.lock_wait):
            yield

    def state(self) -> State:
        """The local state as saved (read from disk on each call)."""
        return load_state(self.config, self.project)

    @property
    def local_copy(self) -> Path:
        """The project's annotated tasks as of the last pull (Label Studio's export format)."""
        return cache_path(self.config, self.project)

    # -- push ------------------------------------------------------------------------------------

    def push(
        self,
        paths: Sequence[Path] | None = None,
        *,
        predictions: bool = True,
        order: str = "file",
        repredict: bool = False,
        predictor: Predictor | None = None,
        progress: Progress = no_progress,
    ) -> PushResult:
        """Make or update the project and import the articles it lacks (the project's sources by default).

        Two pushes at once, from two processes or two threads, would both see an article missing and both
        import it: the lock makes the second wait. With `repredict`, also replace the predictions of every
        task nobody has annotated yet (`PushResult.repredicted`).
        """
        from annot import push as engine

        if repredict and not predictions:
            raise ValueError("repredict sends predictions: it needs predictions=True")
        with self.lock():
            state = self.state()
            result = engine.push(
                self.config,
                self.project,
                self.schema,
                self.server,
                state,
                paths or None,
                predictions=predictions,
                predictor=predictor,
                order=order,
                progress=progress,
            )
            if repredict:
                result.repredicted = self.repredict(predictor=predictor, progress=progress)
        return result

    def repredict(self, *, predictor: Predictor | None = None, progress: Progress = no_progress) -> RepredictResult:
        """Replace the predictions of every unannotated task with the predictor's (by default the newest
        model, else the rules); annotations and annotated tasks' predictions are never touched."""
        from annot import push as engine

        with self.lock():
            return engine.repredict(
                self.project, self.schema, self.server, predictor or self.predictor(), progress=progress
            )

    def predictor(self) -> Predictor:
        """The project's newest trained model for this schema version, else the rules."""
        from annot.model import load_predictor

        return load_predictor(self.config.root, self.project.name, self.schema)

    # -- pull and what reads the annotations -------------------------------------------------------

    def pull(self, *, full: bool = False, progress: Progress = no_progress) -> PullResult:
        """Fetch what changed since the last pull (everything the first time or with `full`), keep the raw
        export under .annot/snapshots/, validate the local copy."""
        from annot.pull import fetch, load_local

        with self.lock():
            progress("pull", 0, None)
            project_id, snapshot, changed = fetch(self.config, self.project, self.server, self.state(), full=full)
            tasks, report = load_local(self.config, self.project, self.schema)
        progress("pull", report.tasks, report.tasks)
        return PullResult(project_id, snapshot, tasks, report, changed=changed)

    def local(self) -> tuple[Iterable[Task], Report]:
        """The local copy as last pulled and its validation report, offline; AnnotError if there is none."""
        from annot.pull import load_local

        if not self.local_copy.exists():
            raise AnnotError(f"no local copy of project {self.project.name!r} yet; run `annot pull` first")
        return load_local(self.config, self.project, self.schema)

    def tasks(self, export: Path | None = None, schema: Path | None = None) -> tuple[Iterable[Task], Report]:
        """(tasks, their validation report): from an export file (offline), else pulled from the project.

        The tasks are re-iterable, read on each pass; a pull's own report is used, not made twice.
        """
        from annot.convert import ExportFile
        from annot.schema import load_schema
        from annot.validate import validate

        checked_against = load_schema(schema) if schema is not None else self.schema
        if export is None:
            pulled = self.pull()
            if schema is None:
                return pulled.tasks, pulled.report
            export = self.local_copy
        tasks = ExportFile(export, checked_against)
        return tasks, validate(tasks, checked_against)

    def validate(self, export: Path | None = None, schema: Path | None = None) -> Report:
        """Validate the annotations (of an export file, else of the project, pulled) against the schema."""
        return self.tasks(export, schema)[1]

    def agreement(self, export: Path | None = None) -> AgreementReport:
        """Inter-annotator agreement, per annotator too; invalid annotations are left out, as on the card."""
        from annot.agreement import measure

        tasks, checked = self.tasks(export)
        return measure(tasks, self.schema, invalid=checked.invalid_annotations().keys(), by_annotator=True)

    def review_disputes(self, report: AgreementReport | None = None) -> ReviewTab:
        """Create or refresh the `Disputed` tab in Label Studio: the tasks of the disputed items of `report`
        (by default the agreement of the project, pulled)."""
        report = report if report is not None else self.agreement()
        remote = self.server.require_project(self.project.name)
        disputed = report.disputed_task_ids()
        self.server.upsert_view(remote.id, REVIEW_TAB, disputed)
        return ReviewTab(remote.id, REVIEW_TAB, list(disputed))

    def campaign(
        self, export: Path | None = None, *, local: bool = False, progress: Progress = no_progress
    ) -> Campaign:
        """What `annot report` draws: from an export file, the local copy (`local`, offline) or a pull."""
        from annot import report as rp

        tasks, checked = self.local() if local and export is None else self.tasks(export)
        invalid = checked.invalid_annotations().keys()
        campaign = rp.collect(tasks, self.schema, invalid=invalid, progress=progress, total=checked.tasks)
        rp.locate(campaign, self.config, self.project, self.state(), export)
        return campaign

    def train(
        self,
        *,
        export: Path | None = None,
        gold: Path | None = None,
        offline: bool = False,
        folds: int | None = None,
        curve: bool = False,
        progress: Progress = no_progress,
    ) -> TrainedModel:
        """Learn a pre-annotator from the valid annotations (pulled, the local copy with `offline`, or an
        export file), cross-validated against the rules; saved where `push` and `serve` find it."""
        from annot import model

        return model.train_project(
            self,
            export=export,
            gold=gold,
            offline=offline,
            folds=folds or model.DEFAULT_FOLDS,
            curve=curve,
            progress=progress,
        )

    # -- publish and sync -----------------------------------------------------------------------------

    def publish(
        self,
        out: Path | None = None,
        export: Path | None = None,
        *,
        strict: bool = False,
        hub_repo: str | None = None,
    ) -> Any:
        """Build the dataset (from an export file, else from the project, pulled) and write it atomically to
        `out` (the project's `export` folder by default); upload it to `hub_repo` if given."""
        with self.lock():
            tasks, report = self.tasks(export)
            return publish_tasks(
                tasks,
                self.schema,
                out or self.project.export,
                report=report,
                project_name=self.project.name,
                source=str(export) if export else None,
                strict=strict,
                hub_repo=hub_repo,
                baseline_root=self.config.root,
            )

    def sync(self, *, predictions: bool = True, progress: Progress = no_progress) -> SyncResult:
        """Push new articles, pull what changed, validate, publish; append a line to `.annot/sync.log`.

        With nothing new (no article pushed, no task changed, the dataset already there), nothing
        is read or written beyond two small API calls and the log line.
        """
        from annot import push as engine
        from annot.pull import fetch, load_local

        started = time.monotonic()
        with self.lock():
            state = self.state()
            pushed = engine.push(
                self.config, self.project, self.schema, self.server, state, predictions=predictions, progress=progress
            )
            progress("pull", 0, None)
            project_id, snapshot, changed = fetch(
                self.config, self.project, self.server, state, project_id=pushed.project_id
            )
            key = f"{state.watermark}|{hashlib.sha256(self.project.schema.read_bytes()).hexdigest()}"
            up_to_date = state.published_key == key and (self.project.export / "publish-report.json").exists()
            tasks: Iterable[Task] = []
            report = None
            published = None
            if not up_to_date:  # something changed since the last publish, whichever command pulled it
                tasks, report = load_local(self.config, self.project, self.schema)
                published = publish_tasks(
                    tasks,
                    self.schema,
                    self.project.export,
                    report=report,
                    project_name=self.project.name,
                    source=self.server.url,
                    hub_repo=self.project.hub_repo,
                    baseline_root=self.config.root,
                )
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
            save_state(self.config, self.project, state)
            self._log_sync(pushed, pulled, state.last_counts)
        return SyncResult(push=pushed, pull=pulled, published=published, seconds=time.monotonic() - started)

    def _log_sync(self, pushed: PushResult, pulled: PullResult, counts: dict[str, Any]) -> None:
        line = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "project": self.project.name,
            "pushed": pushed.imported,
            "changed_tasks": pulled.changed,
            "pulled": counts.get("annotations"),
            "valid": counts.get("valid"),
            "rejected": counts.get("rejected"),
            "dataset_version": counts.get("dataset_version"),
        }
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        with (self.config.state_dir / "sync.log").open("a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")

    def status(self) -> ProjectStatus:
        """What `annot status` shows for this project, from the local state; offline."""
        state = self.state()
        counts = state.last_counts
        overlap = self.project.overlap
        return ProjectStatus(
            project=self.project.name,
            articles_pushed=len(state.pushed),
            tasks=state.task_count,
            annotated=counts.get("tasks"),
            skipped=counts.get("skipped"),
            valid=counts.get("valid"),
            rejected=counts.get("rejected"),
            overlap=overlap.describe() if overlap else None,
            last_sync=state.last_sync,
        )

    # -- schema changes ---------------------------------------------------------------------------------

    def schema_diff(self, old: Path, new: Path) -> Diff:
        """What going from schema file `old` to `new` does, counted on the local copy (offline)."""
        from annot import migrate
        from annot.schema import load_schema

        return migrate.diff(load_schema(old), load_schema(new), self.local_copy)

    def migration_plan(self) -> Plan:
        """The annotations on the server the schema's change log would rewrite (the local copy is pulled)."""
        from annot import migrate

        with self.lock():
            return migrate.plan(self.config, self.project, self.schema, self.server)

    def migrate(self, *, batch: int | None = None, progress: Progress = no_progress) -> Applied:
        """Rewrite the stored annotations on the server as the change log says, then send the new config."""
        from annot import migrate

        with self.lock():
            return migrate.apply(
                self.config,
                self.project,
                self.schema,
                self.server,
                batch=batch or migrate.MIGRATE_BATCH,
                progress=progress,
            )


# -- offline -------------------------------------------------------------------------------------------


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


def publish_export(path: str | Path, schema: str | Path, out: str | Path, *, strict: bool = False) -> Any:
    """Publish a Label Studio JSON export as a dataset folder, offline: no annot.toml, no server.

    `schema` is a schema file or a shipped one (`builtin:news-stance`). Returns the PublishResult.
    """
    from annot import builtin
    from annot.convert import ExportFile
    from annot.schema import load_schema
    from annot.validate import validate

    loaded = load_schema(builtin.resolve_schema(str(schema), Path.cwd()))
    tasks = ExportFile(Path(path), loaded)
    return publish_tasks(tasks, loaded, Path(out), report=validate(tasks, loaded), project_name=None, source=str(path))


def ingest(paths: Sequence[str | Path]) -> Any:
    """Read and clean article files and folders (.txt, .html, .jsonl): an `Ingested` with `articles`,
    `duplicates` and `problems` (files that could not be read; the rest still come out). Offline."""
    from annot.articles import read_articles

    return read_articles([Path(p) for p in paths])


def published_summary(result: Any) -> str:
    """`documents: 5 (train 4, test 1); claims: 40 (...)` from a PublishResult."""
    parts = []
    for config, splits in result.rows.items():
        counts = ", ".join(f"{split} {n}" for split, n in splits.items() if n)
        parts.append(f"{config}: {sum(splits.values())} ({counts})")
    return "; ".join(parts)
