"""The `annot` command line: thin commands over the library; errors become one line and exit 1."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from annot.config import Config, load_config, shown
from annot.errors import AnnotError

app = typer.Typer(
    help="News articles to a validated, published dataset of who said what, about whom, with which stance.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # tokens live in local variables
    add_completion=False,
)
studio_app = typer.Typer(help="The local Label Studio that annot manages (the embedded default).", no_args_is_help=True)
schema_app = typer.Typer(help="Inspect what a schema generates; diff and migrate its versions.", no_args_is_help=True)
app.add_typer(studio_app, name="studio")
app.add_typer(schema_app, name="schema")

# piped output is not cut to 80 columns: tables stay readable in logs and CI
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])
QUIET = {"on": False}

ProjectOpt = Annotated[str | None, typer.Option("--project", "-p", help="Project name from annot.toml.")]


def friendly(fn: F) -> F:
    """Turn any AnnotError into one line on stderr and exit status 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AnnotError as e:
            # one line even when a parser's message spans several; escaped, as it quotes user input
            message = escape(" ".join(str(e).split()))
            err.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted; nothing half-written was kept, run the command again to finish")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main(quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars; for scripts and CI.")] = False):
    """annot: ingest articles, annotate in Label Studio, validate, measure agreement, publish."""
    QUIET["on"] = quiet


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int | None], None]]:
    """A rich progress display; a callback the library calls with (step, done, total)."""
    if QUIET["on"] or not err.is_terminal and not sys.stderr.isatty():
        yield lambda step, done, total: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(show_speed=True),  # a percentage, or the rate when the total is unknown
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield update


def config() -> Config:
    return load_config()


# -- studio -------------------------------------------------------------------------------


@studio_app.command("up")
@friendly
def studio_up(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8080,
    database: Annotated[
        str | None, typer.Option(help="postgresql://user:pass@host:port/name; SQLite if unset.")
    ] = None,
) -> None:
    """Start the local Label Studio (data in .annot/studio/) and save the connection.

    Example: annot studio up --port 8080
    """
    from annot import studio

    cfg = config()
    if QUIET["on"]:
        info = studio.up(cfg.root, port=port, database=database)
    else:
        with err.status("starting Label Studio (about 30 s the first time)...") as status:
            info = studio.up(
                cfg.root,
                port=port,
                database=database,
                on_wait=lambda s: status.update(f"starting Label Studio... {s:.0f} s"),
                on_install=_install_display(status),
            )
    out.print(f"Label Studio {info.version or ''} is running at {info.url}")
    out.print(f"  login: {info.username}  password: {info.password}")
    if info.invite_url:
        out.print(f"  invite annotators: {info.invite_url}  (sign-up is closed without this link)", highlight=False)
    out.print("  next: annot push   (or annot demo)")


def _install_display(status: Any, why: str = "no Label Studio found: ") -> Callable[[str], None]:
    """Show the Label Studio install (a few minutes, once) as one updating line: elapsed time, last output."""
    import time

    from annot import studio

    start: list[float] = []

    def show(line: str) -> None:
        if not start:
            start.append(time.monotonic())
            err.print(
                f"{why}installing Label Studio {studio.LABEL_STUDIO_VERSION} in {studio.managed_env()} "
                f"with {studio.installer()} (once; a few minutes)",
                highlight=False,
            )
        elapsed = time.monotonic() - start[0]
        status.update(f"installing Label Studio {studio.LABEL_STUDIO_VERSION}... {elapsed:.0f} s  {escape(line[:70])}")

    return show


@studio_app.command("install")
@friendly
def studio_install(
    force: Annotated[bool, typer.Option("--force", help="Remove the environment and install it again.")] = False,
) -> None:
    """Install Label Studio in the environment annot manages (the user's data directory), once.

    `annot studio up` does this by itself when it finds no label-studio; this does it ahead of time,
    or again with --force when the environment is broken. Uses uv when it is on PATH, else venv + pip.

    Example: annot studio install
    """
    from annot import studio

    if QUIET["on"]:
        found = studio.install(force=force)
    else:
        with err.status(f"installing Label Studio {studio.LABEL_STUDIO_VERSION}...") as status:
            found = studio.install(force=force, on_line=_install_display(status, why=""))
    out.print(f"Label Studio {studio.LABEL_STUDIO_VERSION}: {found.path} ({found.origin})", highlight=False)
    used = studio.locate(config().root)
    if used and used.path != found.path:
        out.print(
            f"  note: `annot studio up` here runs {used.path} ({used.origin}), which comes first", highlight=False
        )


@studio_app.command("down")
@friendly
def studio_down() -> None:
    """Stop the local Label Studio started by `annot studio up`.

    Example: annot studio down
    """
    from annot import studio

    stopped = studio.down(config().root)
    out.print("Label Studio stopped" if stopped else "Label Studio was not running")


@studio_app.command("status")
@friendly
def studio_status() -> None:
    """Say whether the local Label Studio runs, where, and which version; exit 1 if not.

    Example: annot studio status
    """
    from annot import studio

    root = config().root
    info = studio.status(root)
    if info.running:
        out.print(f"Label Studio {info.version} running at {info.url} (pid {info.pid}), login {info.username}")
        if info.executable:
            out.print(f"  executable: {info.executable} ({info.origin})", highlight=False)
        if info.invite_url:
            out.print(f"  invite annotators: {info.invite_url}", highlight=False)
        return
    out.print("Label Studio is not running (start it with `annot studio up`)")
    found = studio.locate(root)
    if found:
        out.print(f"  `annot studio up` would run {found.path} ({found.origin})", highlight=False)
    else:
        out.print(f"  no label-studio found: `annot studio up` installs it in {studio.managed_env()}", highlight=False)
    raise typer.Exit(1)


# -- a new project ----------------------------------------------------------------------------


@app.command()
@friendly
def init(
    folder: Annotated[Path, typer.Argument(help="The project folder; made if missing.")] = Path("."),
    demo: Annotated[
        bool, typer.Option("--demo", help="Put the five demo articles (and their gold) in seeds/.")
    ] = False,
) -> None:
    """Make a project: annot.toml, schemas/ (a copy of the shipped schema), seeds/, exports/, .gitignore.

    Never overwrites: a folder that already has an annot.toml is refused.

    Example: annot init my-project --demo
    """
    from annot.scaffold import init as scaffold

    made = scaffold(folder, demo=demo)
    for path in made.created:
        out.print(f"created {shown(path)}", highlight=False)
    out.print(
        f"{made.gitignore} {shown(made.root / '.gitignore')} (.annot/ and tokens stay out of git)", highlight=False
    )
    if not demo:
        out.print(f"put your articles (.txt, .html, .jsonl) in {shown(made.root / 'seeds')}/, then:", highlight=False)
    out.print("next:")
    for command in made.next_commands():
        out.print(f"  {command}", highlight=False, markup=False)


# -- ingest and schema ------------------------------------------------------------------------


@app.command()
@friendly
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (.txt, .html, .htm, .jsonl).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One Article per line as JSON.")] = False,
    explain: Annotated[
        Path | None,
        typer.Option("--explain", help="Show every line of one .txt or .html file: kept, or dropped by which rule."),
    ] = None,
    predictions: Annotated[
        bool, typer.Option("--predictions", help="With --json: add each article's pre-annotation ('prediction').")
    ] = False,
) -> None:
    """Read and clean articles; bad files are named on stderr, the rest still come out.

    With --json the articles stream out as they are cleaned, on every core (ANNOT_WORKERS sets how
    many worker processes), in constant memory: an archive of millions of lines is fine.

    Example: annot ingest seeds/ --json > articles.jsonl

    Example: annot ingest archive.jsonl --json --predictions > preannotated.jsonl

    Example: annot ingest --explain seeds/000_f952c15ee2bedc1a.txt
    """
    from annot.articles import Ingested, read_articles

    if explain is not None:
        if paths:
            raise typer.BadParameter("give either PATHS or --explain FILE, not both", param_hint="--explain")
        _explain(explain, as_json)
        return
    if not paths:
        raise typer.BadParameter("give files or folders to ingest, or --explain FILE", param_hint="PATHS")
    if as_json:
        ingested = Ingested()
        ingest_json(paths, ingested, predictions)
    else:
        ingested = read_articles(paths)
        table = Table("id", "title", "outlet", "date", "words", "warnings")
        for a in ingested.articles:
            table.add_row(
                a.id, a.title[:60], a.source or "", a.published or "", str(len(a.text.split())), str(len(a.warnings))
            )
        out.print(table)
    for origin, article_id in ingested.duplicates:
        err.print(f"{origin}: duplicate of article {article_id}, skipped", highlight=False, markup=False)
    for problem in ingested.problems:
        err.print(f"{problem.origin}: {problem.reason}", highlight=False, markup=False)
    if ingested.problems:
        raise typer.Exit(1)


def _explain(path: Path, as_json: bool) -> None:
    """Print each line of one cleaned file with its fate; exit 1 when the file gave no article."""
    from annot.articles import explain_file
    from annot.cleaning import RULES_BY_NAME

    explained = explain_file(path)
    article = explained.article
    if as_json:
        print(
            json.dumps(
                {
                    "origin": explained.origin,
                    "article": None if article is None else article.model_dump(mode="json"),
                    "error": explained.error,
                    "lines": [{"line": line, "rule": rule} for line, rule in explained.lines],
                },
                ensure_ascii=False,
            )
        )
    else:
        kept = sum(1 for _, rule in explained.lines if rule is None)
        print(f"{explained.origin}: {kept} lines kept, {len(explained.dropped)} dropped ('+' kept, '-' dropped)")
        width = max((len(rule) for _, rule in explained.lines if rule), default=0)
        for line, rule in explained.lines:
            if rule is None:
                print(f"+ {'':{width}}  {line}")
            elif rule == "title":
                print(f"= {'title':{width}}  {line}")
            else:
                print(f"- {rule:{width}}  {line}")
        used = sorted({rule for _, rule in explained.dropped})
        if used:
            print("\nrules:")
            for name in used:
                print(f"  {name}: {RULES_BY_NAME[name].removes}")
        for warning in [] if article is None else article.warnings:
            print(f"warning: {warning}")
    if explained.error:
        err.print(explained.error, highlight=False, markup=False)
        raise typer.Exit(1)


def ingest_json(paths: list[Path], ingested: Any, predictions: bool) -> None:
    """`annot ingest --json`: articles streamed to stdout as the workers clean them, with a progress display."""
    from annot.pipeline import stream

    write = sys.stdout.write
    with progress_bar() as progress:
        done = 0
        for article, predicted in stream(paths, ingested.problems, ingested.duplicates, preannotate=predictions):
            line = article.model_dump_json()
            if predictions:
                line = f'{line[:-1]},"prediction":{json.dumps(predicted)}}}'
            write(line + "\n")
            done += 1
            if done % 1000 == 0:
                progress("ingest", done, None)
        progress("ingest", done, None)
    sys.stdout.flush()


@schema_app.command("render")
@friendly
def schema_render(
    schema: Annotated[Path | None, typer.Argument(help="Schema file; the project's if omitted.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="xml, features or json.")] = "xml",
    builtin_name: Annotated[
        str | None, typer.Option("--builtin", help="A schema the package ships (news-stance), from any folder.")
    ] = None,
) -> None:
    """Print what the schema generates: the Label Studio config, the dataset features, or the schema as JSON.

    Example: annot schema render schemas/news-stance.yaml --format features
    Example: annot schema render --builtin news-stance
    """
    from annot import builtin
    from annot.schema import as_json, configs, features, label_config, load_schema

    if builtin_name and schema:
        raise typer.BadParameter("give a schema file or --builtin NAME, not both", param_hint="--builtin")
    if builtin_name:
        schema = builtin.schema_path(builtin_name)
    elif schema is not None and str(schema).startswith(builtin.PREFIX):
        schema = builtin.schema_path(str(schema))
    loaded = load_schema(schema or config().project().schema)
    if fmt == "xml":
        print(label_config(loaded), end="")
    elif fmt == "features":
        print(json.dumps({c: features(loaded, c).to_dict() for c in configs(loaded)}, indent=2))
    elif fmt == "json":
        print(json.dumps(as_json(loaded), indent=2))
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose xml, features or json", param_hint="--format")


@schema_app.command("diff")
@friendly
def schema_diff(
    old: Annotated[Path, typer.Argument(help="The schema as it was (e.g. from `git show HEAD~1:schemas/x.yaml`).")],
    new: Annotated[Path, typer.Argument(help="The schema as it is now.")],
    project: ProjectOpt = None,
) -> None:
    """Show what going from OLD to NEW does: each change, and the regions and tasks it touches in the local copy.

    Example: git show HEAD~1:schemas/news-stance.yaml > old.yaml; annot schema diff old.yaml schemas/news-stance.yaml
    """
    from annot import migrate, sync
    from annot.schema import load_schema

    cfg = config()
    proj = cfg.project(project)
    result = migrate.diff(load_schema(old), load_schema(new), sync.cache_path(cfg, proj))
    out.print(f"{result.new.name}: version {result.old.version} -> {result.new.version}")
    table = Table("version", "change", "regions", "tasks")
    for row in result.rows():
        table.add_row(*row)
    out.print(table)
    if result.counted:
        out.print(f"counted on the local copy of project {proj.name} (as of the last pull)")
    else:
        out.print(f"no local copy of project {proj.name} to count on: run `annot pull` first")


@schema_app.command("migrate")
@friendly
def schema_migrate(
    apply: Annotated[
        bool, typer.Option("--apply", help="Rewrite the annotations on the server (default: dry run).")
    ] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Annotations per batch.")] = 50,
    project: ProjectOpt = None,
) -> None:
    """Rewrite the stored annotations on the server as the schema's changes say, then send the new config.

    A dry run by default: it says what would change and sends nothing.

    With --apply, a run killed halfway is finished by running it again.

    Example: annot schema migrate && annot schema migrate --apply
    """
    from annot import migrate, sync
    from annot.schema import load_schema

    cfg = config()
    proj = cfg.project(project)
    schema = load_schema(proj.schema)
    server = sync.connect(cfg)
    with sync.project_lock(cfg, proj):
        if not apply:
            todo = migrate.plan(cfg, proj, schema, server)
            table = Table("version", "change", "regions", "tasks")
            for change, touched in todo.changes:
                table.add_row(str(change.version), change.describe(), str(touched.regions), str(len(touched.tasks)))
            out.print(table)
            out.print(
                f"dry run: {len(todo.annotations)} annotations in {todo.tasks} tasks of project {proj.name} "
                f"would be rewritten to schema {schema.name} version {schema.version}; nothing was sent. "
                "Run `annot schema migrate --apply` to do it"
            )
            return
        with progress_bar() as progress:
            done = migrate.apply(cfg, proj, schema, server, batch=batch_size, progress=progress)
    out.print(
        f"rewrote {done.rewritten} annotations in {done.tasks} tasks of project {proj.name}; its config is "
        f"schema {schema.name} version {schema.version}" + ("" if done.config_updated else " (unchanged)")
    )


# -- the round trip -----------------------------------------------------------------------------


@app.command()
@friendly
def push(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Articles to push; the project's sources if omitted.")
    ] = None,
    project: ProjectOpt = None,
    no_predictions: Annotated[bool, typer.Option("--no-predictions", help="Do not send pre-annotations.")] = False,
    repredict: Annotated[
        bool,
        typer.Option(
            "--repredict", help="Also replace the predictions of every task nobody has annotated yet (in bulk)."
        ),
    ] = False,
    order: Annotated[
        str,
        typer.Option(
            help="file: as the files list them; uncertain: the articles the model is least sure about first "
            "(and Label Studio's uncertainty sampling for the tasks already there)."
        ),
    ] = "file",
) -> None:
    """Create or update the Label Studio project and import new articles (never one already there).

    Predictions come from the newest model `annot train` saved for the schema, else from the rules.

    Example: annot push seeds/ --project news-stance --order uncertain
    """
    from annot import sync

    if order not in sync.ORDERS:
        raise typer.BadParameter(f"unknown order {order!r}; choose file or uncertain", param_hint="--order")
    if repredict and no_predictions:
        raise typer.BadParameter("--repredict sends predictions; drop --no-predictions", param_hint="--repredict")
    cfg = config()
    proj = cfg.project(project)
    # two pushes at once would both see an article missing and both import it
    with sync.project_lock(cfg, proj), progress_bar() as progress:
        result = sync.push(cfg, proj, paths or None, predictions=not no_predictions, order=order, progress=progress)
        refreshed = sync.repredict(cfg, proj, progress=progress) if repredict else None
    out.print(f"project {result.project_id}: {result.imported} imported, {result.already} already there")
    if result.model_version:
        out.print(f"predictions from {result.model_version}")
    if result.reordered:
        out.print("the project now serves tasks by uncertainty (lowest prediction score first)")
    if refreshed is not None:
        out.print(
            f"repredicted with {refreshed.model_version}: {refreshed.replaced} unannotated tasks replaced, "
            f"{refreshed.current} already current, {refreshed.annotated} annotated left alone"
        )
    for origin, article_id in result.duplicates:
        err.print(f"{origin}: duplicate of article {article_id}, skipped", highlight=False, markup=False)
    for problem in result.problems:
        err.print(f"{problem.origin}: {problem.reason}", highlight=False, markup=False)
    if result.problems:  # the good articles are in; scripts still learn that some files were not
        raise typer.Exit(1)


@app.command()
@friendly
def serve(
    project: ProjectOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on; loopback unless you mean otherwise.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 9090,
    connect: Annotated[
        bool, typer.Option("--connect", help="Register this backend with the project in Label Studio.")
    ] = False,
    url: Annotated[
        str | None, typer.Option(help="The address Label Studio reaches this backend at; http://HOST:PORT if omitted.")
    ] = None,
    debounce: Annotated[float, typer.Option(help="Seconds of quiet after a submit before retraining.")] = 10.0,
) -> None:
    """Serve the project's current model to Label Studio as an ML backend; retrain as annotations arrive.

    Annotators get predictions on any task they open, including tasks made in the UI; a submitted
    annotation schedules retraining in the background. Stop with Ctrl-C.

    Example: annot serve --connect
    """
    import logging

    from annot import serve as backend_server

    cfg = config()
    proj = cfg.project(project)
    backend = backend_server.Backend(cfg, proj, debounce=debounce)
    address = url or f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request to Label Studio is noise
    if not backend_server.is_loopback(host):
        err.print(f"[yellow]warning:[/yellow] listening on {host}: anyone who reaches it can ask for predictions")
    out.print(f"annot ML backend for project {proj.name} at {address}, model {backend.version}")

    def register() -> None:
        done = backend_server.connect(backend, address)
        out.print(
            f"connected to project {done.project_id} as ML backend {done.backend_id} ({done.state}); "
            f"webhook {'in place' if done.webhook else 'MISSING'}; the labeling screen shows {done.model_version}"
        )

    backend_server.run(backend, host=host, port=port, on_started=register if connect else None)


@app.command()
@friendly
def pull(project: ProjectOpt = None) -> None:
    """Fetch the annotations, keep the raw export under .annot/snapshots/, validate, summarise.

    Example: annot pull --project news-stance
    """
    from annot import sync

    cfg = config()
    with progress_bar() as progress:
        result = sync.pull(cfg, cfg.project(project), progress=progress)
    _print_report(result.report)
    out.print(f"raw export kept at {result.snapshot}")


def _print_report(report: Any) -> None:
    out.print(
        f"{report.tasks} tasks, {report.annotations} annotations: {report.valid} valid, "
        f"{report.skipped} skipped, {len(report.invalid_annotations())} with errors"
    )
    for problem in report.problems:
        err.print(str(problem), highlight=False, soft_wrap=True)


def _load_tasks(
    export: Path | None, project: str | None, schema_file: Path | None = None
) -> tuple[Iterable[Any], Any, Any, Config]:
    """(tasks, their validation report, project, config): from an export file, or pulled from the project.

    The tasks are re-iterable, read on each pass; a pull's own report is used, not made twice.
    """
    from annot import sync
    from annot.convert import ExportFile
    from annot.schema import load_schema
    from annot.validate import validate as run

    cfg = config()
    proj = cfg.project(project)
    if export is None and schema_file is None:
        pulled = sync.pull(cfg, proj)
        return pulled.tasks, pulled.report, proj, cfg
    schema = load_schema(schema_file or proj.schema)
    if export is None:
        sync.pull(cfg, proj)
        export = sync.cache_path(cfg, proj)
    tasks = ExportFile(export, schema)
    return tasks, run(tasks, schema), proj, cfg


@app.command()
@friendly
def validate(
    export: Annotated[Path | None, typer.Argument(help="A Label Studio JSON export; the project's if omitted.")] = None,
    schema: Annotated[Path | None, typer.Option(help="Schema file; the project's if omitted.")] = None,
    project: ProjectOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="The report as one JSON object.")] = False,
) -> None:
    """Validate annotations against the schema; exit 1 if any error.

    Example: annot validate export.json --json | jq '.errors[] | select(.code=="unattributed-claim")'
    """
    _, report, _, _ = _load_tasks(export, project, schema)
    if as_json:
        print(json.dumps(report.to_json()))
    else:
        _print_report(report)
    if report.problems:
        raise typer.Exit(1)


@app.command()
@friendly
def agreement(
    export: Annotated[Path | None, typer.Argument(help="A Label Studio JSON export; the project's if omitted.")] = None,
    project: ProjectOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="The report, with every disputed item, as JSON.")] = False,
    push_review: Annotated[
        bool, typer.Option("--push-review", help="Create or refresh the `Disputed` tab in Label Studio.")
    ] = False,
) -> None:
    """Inter-annotator agreement: span F1, attribution, alpha and kappa per attribute, disputed items.

    Example: annot agreement --json > agreement.json
    """
    from annot import agreement as ag
    from annot.schema import load_schema

    tasks, checked, proj, cfg = _load_tasks(export, project)
    # invalid annotations are left out, as in the agreement the dataset card shows
    invalid = checked.invalid_annotations().keys()
    report = ag.measure(tasks, load_schema(proj.schema), invalid=invalid, by_annotator=True)
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        table = Table(*ag.ROW_COLUMNS)
        for row in report.rows():
            table.add_row(*[str(v) for v in row])
        out.print(table)
        out.print(
            f"{report.tasks} tasks: {report.multi_annotator_tasks} with two or more annotators "
            f"(compared), {report.single_annotator_tasks} with one; {len(report.disputes)} disputed items"
        )
    if push_review:
        from annot import sync

        server = sync.connect(cfg)
        remote = server.find_project(proj.name)
        if remote is None:
            raise AnnotError(f"no project {proj.name!r} on {server.url}; run `annot push` first")
        disputed = report.disputed_task_ids()
        server.upsert_view(remote.id, "Disputed", disputed)
        # with --json, stdout stays one JSON document
        (err if as_json else out).print(f"tab `Disputed` in project {proj.name}: {len(disputed)} tasks")


@app.command()
@friendly
def report(
    export: Annotated[
        Path | None, typer.Argument(help="A Label Studio JSON export, read offline; the project's if omitted.")
    ] = None,
    project: ProjectOpt = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="The HTML file; reports/<project>.html if omitted.")
    ] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also write the progress chart as PNG.")] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Use the local copy as last pulled; do not contact Label Studio.")
    ] = False,
) -> None:
    """Write a self-contained HTML page about the campaign: progress, annotators and their pace,
    agreement per attribute and per pair, each annotator against the adjudicated result,
    labels per split, and the disputed items linked to their tasks in Label Studio.

    Example: annot report --out report.html --png docs/report-progress.png
    """
    from annot import report as rp
    from annot import sync
    from annot.schema import load_schema

    cfg = config()
    proj = cfg.project(project)
    if local and export is None:
        if not sync.cache_path(cfg, proj).exists():
            raise AnnotError(f"no local copy of project {proj.name!r} yet; run `annot pull` first, or drop --local")
        tasks, checked = sync.load_local(cfg, proj, load_schema(proj.schema))
    else:
        tasks, checked, proj, cfg = _load_tasks(export, project)
    invalid = checked.invalid_annotations().keys()
    with progress_bar() as progress:
        campaign = rp.collect(tasks, load_schema(proj.schema), invalid=invalid, progress=progress, total=checked.tasks)
    rp.locate(campaign, cfg, proj, export)
    target = out_file or cfg.root / "reports" / f"{proj.name}.html"
    rp.write(campaign, target, png)
    out.print(f"report written to {shown(target)}" + (f"; chart {shown(png)}" if png else ""))


@app.command()
@friendly
def publish(
    from_export: Annotated[
        Path | None, typer.Option("--from-export", help="Build from this export file, offline.")
    ] = None,
    project: ProjectOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Dataset folder; the project's `export` if omitted.")
    ] = None,
    push_to_hub: Annotated[str | None, typer.Option("--push-to-hub", help="Upload to this Hub dataset repo.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse to publish if any annotation has an error.")] = False,
) -> None:
    """Build the Hugging Face dataset (configs documents and claims) and write it atomically.

    Example: annot publish --from-export export.json --out exports/news-stance
    """
    from annot import sync
    from annot.schema import load_schema

    tasks, report, proj, cfg = _load_tasks(from_export, project)
    schema = load_schema(proj.schema)
    target = out_dir or proj.export
    result = sync.publish_tasks(
        tasks,
        schema,
        target,
        report=report,
        project_name=proj.name,
        source=str(from_export) if from_export else None,
        strict=strict,
        hub_repo=push_to_hub,
        baseline_root=cfg.root,
    )
    _print_published(result, target)


def _print_published(result: Any, target: Path) -> None:
    from annot.sync import published_summary

    out.print(f"published {shown(target)} (version {result.version[:12]}): {published_summary(result)}")
    out.print(f'  load it: datasets.load_dataset("{shown(target)}", "claims")')


@app.command("sync")
@friendly
def sync_cmd(
    project: ProjectOpt = None,
    no_predictions: Annotated[bool, typer.Option("--no-predictions", help="Do not send pre-annotations.")] = False,
) -> None:
    """Push new articles, pull, validate and publish, as annot.toml says; incremental and safe to re-run.

    Example: annot sync
    """
    from annot import sync

    cfg = config()
    projects = [cfg.project(project)] if project else cfg.projects
    unreadable = 0
    for proj in projects:
        with progress_bar() as progress:
            result = sync.sync(cfg, proj, predictions=not no_predictions, progress=progress)
        out.print(f"[bold]{proj.name}[/bold]: pushed {result.push.imported} new articles")
        for problem in result.push.problems:  # the rest went through; the user still has to fix these
            err.print(f"{problem.origin}: {problem.reason}", highlight=False, markup=False)
        unreadable += len(result.push.problems)
        if result.published is None:
            out.print(f"no annotation changed since the last sync; {shown(proj.export)} is up to date")
            continue
        _print_report(result.pull.report)
        _print_published(result.published, proj.export)
    if unreadable:  # as `annot push` does: scripts learn that some files were not pushed
        raise typer.Exit(1)


@app.command()
@friendly
def status() -> None:
    """Per project: articles, tasks, annotated, skipped, valid, rejected, overlap (from annot.toml), last sync.

    Example: annot status
    """
    from annot import sync

    cfg = config()
    table = Table(
        "project", "articles pushed", "tasks", "annotated", "skipped", "valid", "rejected", "overlap", "last sync"
    )
    for proj in cfg.projects:
        state = sync.load_state(cfg, proj)
        c = state.last_counts
        table.add_row(
            proj.name,
            str(len(state.pushed)),
            str(state.task_count),
            str(c.get("tasks", "-")),
            str(c.get("skipped", "-")),
            str(c.get("valid", "-")),
            str(c.get("rejected", "-")),
            proj.overlap.describe() if proj.overlap else "-",  # annotators per task, on what share
            state.last_sync or "never",
        )
    out.print(table)


@app.command()
@friendly
def demo(port: Annotated[int, typer.Option(help="Port of the local Label Studio.")] = 8080) -> None:
    """Start the local studio, push the seeds with their gold annotations, sync, publish, say what next.

    Example: annot demo
    """
    from annot import demo as run_demo

    cfg = config()
    with progress_bar() as progress:
        result = run_demo.run(cfg, port=port, progress=progress)
    for line in result.lines():
        out.print(line, highlight=False)


@app.command()
@friendly
def evaluate(
    gold: Annotated[Path, typer.Option(help="Gold annotations (Label Studio import JSON).")] = Path("seeds/gold.json"),
    as_json: Annotated[bool, typer.Option("--json")] = False,
    show_errors: Annotated[
        bool, typer.Option("--errors", help="Also list misses, false alarms and wrong attributes, with their sentence.")
    ] = False,
) -> None:
    """Measure the pre-annotator against gold annotations: span P/R/F1, attribution, target and stance.

    Example: annot evaluate --gold seeds/gold.json --errors
    """
    from dataclasses import asdict

    from annot.evaluate import evaluate_file

    scores = evaluate_file(gold, config().project().schema, with_errors=show_errors)
    problems = scores.pop("errors", [])
    if as_json:
        if show_errors:
            scores["errors"] = [asdict(e) for e in problems]
        print(json.dumps(scores, indent=2))
        return
    if show_errors:
        _print_errors(problems)
    table = Table("measure", "value")
    for key, value in _flatten(scores):
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    out.print(table)


def _print_errors(problems: list[Any]) -> None:
    document = None
    for e in problems:
        if e.document != document:
            document = e.document
            out.print(f"\n[bold]{escape(document)}[/bold]")
        if e.kind == "miss":
            what = f"gold {e.gold!r}"
        elif e.kind == "false alarm":
            what = f"predicted {e.predicted!r}"
        else:
            what = f"predicted {e.predicted!r}, gold {e.gold!r}"
        out.print(f"  {e.kind} ({e.label}): {escape(what)}", highlight=False)
        out.print(f"      in: {escape(e.sentence)}", style="dim", highlight=False)
    out.print(f"\n{len(problems)} errors")


@app.command()
@friendly
def train(
    project: ProjectOpt = None,
    gold: Annotated[
        Path | None, typer.Option(help="Also learn from this gold file (Label Studio import JSON).")
    ] = None,
    from_export: Annotated[
        Path | None, typer.Option("--from-export", help="Learn from this export file instead of the project.")
    ] = None,
    offline: Annotated[
        bool, typer.Option(help="Learn from the local copy as last pulled; do not contact Label Studio.")
    ] = False,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds (by article).")] = 5,
    curve: Annotated[bool, typer.Option(help="Also draw the learning curve (slower): learning_curve.png.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The model's meta.json on stdout.")] = False,
) -> None:
    """Learn a pre-annotator from the project's valid annotations; cross-validate it against the rules; save it.

    The model goes to .annot/models/<project>/<version>/; `annot push` and `annot serve` use the newest one.

    Example: annot train --gold tests/corpus/dev.json --offline
    """
    from annot import model as learn

    cfg = config()
    proj = cfg.project(project)
    with progress_bar() as progress:
        trained = learn.train_project(
            cfg, proj, export=from_export, gold=gold, offline=offline, folds=folds, curve=curve, progress=progress
        )
    folder = learn.models_dir(cfg.root, proj.name) / trained.version
    if as_json:
        print(json.dumps(trained.meta.to_json(), indent=2))
        return
    _print_training(trained, folder)


def _print_training(trained: Any, folder: Path) -> None:
    meta = trained.meta
    out.print(f"model {meta.version} saved in {shown(folder)}")
    out.print(
        f"  trained on {meta.articles} articles ({meta.claims} claims), schema {meta.schema_name} "
        f"version {meta.schema_version}, data sha256 {meta.data_hash[:16]}"
    )
    spans = meta.scores["spans"]
    out.print(f"  {meta.scores['folds']}-fold cross-validation by article, side by side with the rules:")
    table = Table("measure", "rules", "model", "model+rules", "uses")
    for label in ("Speaker", "Claim", "Cue"):
        for mode in ("exact", "overlap"):
            for m in ("precision", "recall", "f1"):
                cells = [f"{spans[k][label][mode][m]:.3f}" for k in ("rules", "model", "model+rules")]
                table.add_row(f"{label} {mode} {m}", *cells, meta.choice.get(label, "") if m == "f1" else "")
    cells = [str(spans[k]["attribution"]["accuracy"]) for k in ("rules", "model", "model+rules")]
    table.add_row("attribution accuracy (matched claims)", *cells, meta.choice.get("attribution", ""))
    gold_claims = spans["rules"]["Claim"]["overlap"]["gold"]
    cells = [f"{spans[k]['attribution']['correct']} of {gold_claims}" for k in ("rules", "model", "model+rules")]
    table.add_row("gold claims correctly attributed", *cells, "")
    for attr, s in meta.scores["attributes"].items():
        table.add_row(
            f"{attr} macro-F1 (gold claims)",
            f"{s['majority_macro_f1']:.3f} (majority)",
            "",
            f"{s['macro_f1']:.3f}",
            "majority" if attr in trained.majority_only() else "model",
        )
    out.print(table)
    if (folder / "learning_curve.png").exists():
        out.print(f"  learning curve: {shown(folder / 'learning_curve.png')}")


def _flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _flatten(v, f"{prefix}{k}.")
    else:
        yield prefix.rstrip("."), data


if __name__ == "__main__":
    app()
