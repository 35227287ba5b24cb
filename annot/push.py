"""Articles to Label Studio: make or update the project, import the articles it lacks (with predictions,
only those the project's schema can hold), and replace stale predictions. Prints nothing, takes no lock:
`annot.workspace` composes these steps under the project's lock.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.config import Config, ProjectConfig
from annot.errors import ArticleError, LabelStudioError
from annot.labelstudio import IMPORT_BATCH, Project, Server, imports_in_flight
from annot.records import Annotation, Article
from annot.schema import Schema, guidelines_html, label_config
from annot.state import State, save_state

if TYPE_CHECKING:
    from annot.model import Predictor
    from annot.pipeline import Pool

FIRST_BATCH = 200
STATE_SAVE_EVERY_S = 10.0  # during a push; the state is written at the end in any case
ORDERS = ("file", "uncertain")  # `annot push --order`: as the files list them, or the least certain first
UNCERTAINTY_SAMPLING = "Uncertainty sampling"  # Label Studio's project.sampling that serves the lowest score first

# progress(step, done, total): called as work advances, for the CLI's progress bars
Progress = Callable[[str, int, int | None], None]


def no_progress(step: str, done: int, total: int | None) -> None:
    pass


@dataclass
class RepredictResult:
    project_id: int
    model_version: str
    replaced: int  # unannotated tasks whose predictions were replaced
    current: int  # unannotated tasks that already had this version's prediction, left alone
    annotated: int  # tasks with an annotation (or a skip): their predictions are left alone too
    tasks: int


@dataclass
class PushResult:
    project_id: int
    articles: int
    imported: int
    already: int
    duplicates: list[tuple[str, str]]
    problems: list[Any]  # annot.articles.Unreadable: files that could not be read; the rest went through
    model_version: str | None = None  # the predictor whose predictions went with the new tasks
    reordered: bool = False  # `order="uncertain"` switched the project to uncertainty sampling
    note: str | None = None  # said once when the schema holds only part (or none) of the predictions
    repredicted: RepredictResult | None = None  # `repredict=True`: the unannotated tasks' predictions


def ensure_project(
    server: Server,
    project: ProjectConfig,
    schema: Schema,
    guard: Callable[[Project], None] | None = None,
    hint: int | None = None,
) -> Project:
    """The project, made or updated to the schema and the overlap settings; `guard` may stop a config change;
    `hint` is the project id the local state remembers."""
    return server.ensure_project(
        project.name,
        label_config(schema),
        description=f"annot schema {schema.name} version {schema.version}",
        instructions=guidelines_html(schema),
        settings=project.overlap.label_studio_settings() if project.overlap else None,
        before_config_change=guard,
        hint=hint,
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


# -- predictions, gated by the schema ------------------------------------------------------------


def schema_names(schema: Schema) -> set[str]:
    """The label, relation and attribute names a project on this schema can hold."""
    attributes = {name for span in schema.spans.values() for name in span.attributes}
    return set(schema.spans) | set(schema.relations) | attributes


def gated(annotation: Annotation, schema: Schema) -> Annotation:
    """The annotation without what the schema lacks: regions of other labels, attributes their label does
    not have, relations of other names or whose ends were dropped."""
    regions = [
        dataclasses.replace(
            r,
            attributes={k: v for k, v in r.attributes.items() if k in schema.spans[r.label].attributes},
            attribute_scores={k: v for k, v in r.attribute_scores.items() if k in schema.spans[r.label].attributes},
        )
        for r in annotation.regions
        if r.label in schema.spans
    ]
    kept = {r.id for r in regions}
    relations = [
        r for r in annotation.relations if r.label in schema.relations and r.from_id in kept and r.to_id in kept
    ]
    return dataclasses.replace(annotation, regions=regions, relations=relations)


def gate_note(predictor: Predictor, schema: Schema) -> str | None:
    """One line when the schema holds only part of what the predictor produces (or none of it), else None."""
    missing = sorted(predictor.produces - schema_names(schema))
    if not missing:
        return None
    if not predictor.produces & set(schema.spans):
        return (
            f"no predictions sent: schema {schema.name} has none of the labels {predictor.version} produces "
            f"({', '.join(sorted(predictor.produces))})"
        )
    return f"predictions from {predictor.version} without {', '.join(missing)}: schema {schema.name} has no such names"


def predicts_for(predictor: Predictor, schema: Schema) -> bool:
    """Whether any of the predictor's labels is in the schema (else no prediction is worth sending)."""
    return bool(predictor.produces & set(schema.spans))


def prediction(predictor: Predictor, text: str, schema: Schema) -> dict[str, Any]:
    """A Label Studio prediction for one text: `result` (each region with its `score`), `model_version`, and
    `score`, the article's confidence (1 - the predictor's uncertainty), which Label Studio's uncertainty
    sampling serves lowest first. No text: an empty prediction. Only what the schema has is in `result`."""
    from annot.convert import to_results

    if not text.strip():
        return {"model_version": predictor.version, "score": None, "result": []}
    annotation = gated(predictor.predict(text), schema)
    result = to_results(annotation, schema)
    region_scores = {r.id: r.score for r in annotation.regions if r.score is not None}
    for item in result:
        if item.get("id") in region_scores:
            item["score"] = round(region_scores[item["id"]], 4)
    confidence = 1.0 - predictor.uncertainty(text)
    return {"model_version": predictor.version, "score": round(confidence, 4), "result": result}


def task_data(article: Article, schema: Schema) -> dict[str, Any]:
    """The task's `data`: the article's fields, and its text and title also under the names the schema's
    labeling config reads when they differ (`$body` and `$headline` for a schema that says so), since
    Label Studio refuses a task without them and annot's records read `text`."""
    data = article.task_data()
    for field_name, name in (("text", schema.text), ("title", schema.title_field)):
        if name and name != field_name:
            data[name] = data[field_name]
    return data


def task_payload(article: Article, schema: Schema, predictor: Predictor | None) -> dict[str, Any]:
    """The task to import for an article, with the predictor's prediction when there is one.

    The article id goes in `meta` too: listing ids and meta is far cheaper than exporting (the lost-state scan).
    """
    task: dict[str, Any] = {"data": task_data(article, schema), "meta": {"article_id": article.id}}
    if predictor is not None:
        task["predictions"] = [prediction(predictor, article.text, schema)]
    return task


# -- push --------------------------------------------------------------------------------------


def push(
    config: Config,
    project: ProjectConfig,
    schema: Schema,
    server: Server,
    state: State,
    paths: Sequence[Path] | None = None,
    *,
    predictions: bool = True,
    predictor: Predictor | None = None,
    order: str = "file",
    progress: Progress = no_progress,
) -> PushResult:
    """Create or update the project and import the articles it does not have yet; `state` is brought up
    to date and saved.

    Predictions come from `predictor`, by default the project's newest trained model, else the rules; only
    what the schema has is sent. `order="uncertain"` imports the new articles least certain first and
    switches the project to Label Studio's uncertainty sampling, which serves every task lowest prediction
    score first.

    Reading and cleaning the next batch overlaps with the import of the current one
    (the server works in its own process), so a push costs little more than the imports.
    """
    from annot.migrate import guard_push
    from annot.pipeline import Pool

    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    chosen: list[Predictor] = [predictor] if predictor is not None else []

    def model() -> Predictor:
        """The predictor, loaded when the first new article needs it: a push with nothing new loads none."""
        if not chosen:
            from annot.model import load_predictor

            chosen.append(load_predictor(config.root, project.name, schema))
        return chosen[0]

    pool = Pool()  # big JSONL files not pushed before start cleaning now, while the project is made
    pool.prefetch_changed(paths or project.sources, state.sources)
    remote = ensure_project(
        server, project, schema, guard_push(config, project, schema, server, state), hint=state.project_id
    )
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
            (a, task_payload(a, schema, model() if predictions and predicts_for(model(), schema) else None))
            for a in new
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
    if imported or any(state.sources.get(file) != seen for file, seen in found.signatures.items()):
        state.sources.update(found.signatures)
        save_state(config, project, state)  # (with nothing new the state file stays as it was: no write)
    used = chosen[0] if predictions and chosen and imported else None
    sent = used.version if used is not None and predicts_for(used, schema) else None
    if sent:
        server.show_model_version(remote.id, sent)
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
        note=gate_note(used, schema) if used is not None else None,
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


def repredict(
    project: ProjectConfig,
    schema: Schema,
    server: Server,
    predictor: Predictor,
    *,
    progress: Progress = no_progress,
) -> RepredictResult:
    """Replace the predictions of every task nobody has annotated (or skipped) yet with the predictor's,
    in bulk; annotations, and the predictions of annotated tasks, are never touched.

    Tasks that already carry this model version's prediction alone are left as they are, so running it
    twice does the work once. Tasks made by hand in the UI are included: they need only a text.
    """
    remote = server.require_project(project.name)
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
    server.show_model_version(remote.id, predictor.version)
    return RepredictResult(
        project_id=remote.id,
        model_version=predictor.version,
        replaced=replaced,
        current=len(current),
        annotated=len(annotated),
        tasks=len(listed),
    )
