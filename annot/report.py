"""The campaign report: one self-contained HTML page about a project's annotations.

`collect` reads the tasks once: the consensus stage (`annot.adjudicate`), then
`annot.agreement.measure` over the same tasks with that consensus; `render` turns what it
found into HTML with inline SVG charts drawn by matplotlib: the page makes no request to
any host. Pure apart from `write`.
"""

from __future__ import annotations

import base64
import html
import io
import json
import statistics
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.adjudicate import Adjudicated, adjudicate_all, parse_time
from annot.agreement import AgreementReport, measure
from annot.atomic import write_bytes
from annot.dataset import SPLITS, split_of
from annot.errors import AnnotError
from annot.records import Task
from annot.schema import Schema
from annot.spans import OVERLAP_THRESHOLD

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from annot.config import Config, ProjectConfig

# Label Studio 1.23 opens a task on its labeling screen from the project's data manager with `?task=`.
TASK_LINK = "{url}/projects/{project_id}/data?task={task_id}"
# Disputed items listed on the page; the rest are counted (all of them are in `annot agreement --json`).
DISPUTES_SHOWN = 2_000
# Up to this many annotator pairs, every pair's confusion matrices are shown opened; beyond, folded.
PAIRS_OPENED = 3
# Points of a cumulative line in a chart: more only make the SVG heavier, not the line truer.
CURVE_POINTS = 400
CHART_WIDTH_IN = 9.0
CHART_DPI = 150  # the PNG of the main chart
NOT_DEFINED = "—"
# Nothing on the page may load from anywhere: images are data: URLs, styles are inline, no script.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

Progress = Callable[[str, int, int | None], None]


def _no_progress(step: str, done: int, total: int | None) -> None:
    pass


# -- what the page shows ------------------------------------------------------------------------------


@dataclass
class Work:
    """One annotator's submitted work, from the annotations' own times."""

    annotator: str
    submitted: int = 0  # not skipped, valid or not
    rejected: int = 0  # submitted with a validation error
    skipped: int = 0
    made: list[datetime] = field(default_factory=list)  # when each submitted annotation was created
    lead_times: list[float] = field(default_factory=list)  # seconds, where Label Studio measured them

    @property
    def active_days(self) -> int:
        return len({m.date() for m in self.made})

    @property
    def per_active_day(self) -> float | None:
        return self.submitted / self.active_days if self.active_days else None

    @property
    def median_lead_time(self) -> float | None:
        return statistics.median(self.lead_times) if self.lead_times else None


@dataclass
class Campaign:
    """Everything the report shows, found in one pass over the tasks."""

    project: str
    schema: Schema
    agreement: AgreementReport
    source: str = ""  # where the annotations came from
    url: str | None = None  # Label Studio, for the task links
    project_id: int | None = None
    project_tasks: int | None = None  # tasks in the Label Studio project, when known
    generated: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    tasks: int = 0  # tasks read (a project's local copy holds its annotated tasks)
    annotated: int = 0  # tasks with a submitted annotation
    work: dict[str, Work] = field(default_factory=dict)
    done: list[datetime] = field(default_factory=list)  # when each task got its first submitted annotation
    titles: dict[int, str] = field(default_factory=dict)  # task id -> title, for the disputed items
    labels: dict[str, Counter[str]] = field(default_factory=dict)  # split -> label -> adjudicated regions
    # attribute -> split -> value -> adjudicated units of the unit label
    choices: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    articles: Counter[str] = field(default_factory=Counter)  # split -> adjudicated articles

    def task_link(self, task_id: int | None) -> str | None:
        if task_id is None or not self.url or self.project_id is None:
            return None
        return TASK_LINK.format(url=self.url.rstrip("/"), project_id=self.project_id, task_id=task_id)


def collect(
    tasks: Iterable[Task],
    schema: Schema,
    *,
    project: str = "",
    invalid: Collection[Any] = (),
    overlap: float = OVERLAP_THRESHOLD,
    progress: Progress = _no_progress,
    total: int | None = None,
) -> Campaign:
    """Read the tasks once: agreement (`measure`, with each annotator against the adjudicated
    result), and beside it each annotator's work and pace, progress over time, and the
    distribution of the adjudicated labels and choices per split.

    `invalid` are the ids of annotations with validation errors: counted as rejected, and left
    out of agreement and adjudication as the published dataset leaves them out.
    """
    bad = {str(i) for i in invalid}
    choice_names = _unit_choices(schema)
    seen = Campaign(project=project, schema=schema, agreement=AgreementReport(overlap))
    seen.labels = {s: Counter() for s in SPLITS}
    seen.choices = {n: {s: Counter() for s in SPLITS} for n in choice_names}
    current: dict[int, Adjudicated] = {}  # the task `measure` is on (by object id): its adjudication, made once

    def tap(settled: Iterable[Adjudicated]) -> Iterator[Task]:
        """Pass each task on to `measure`, noting what else the page needs on the way."""
        for consensus in settled:
            task = consensus.task
            _note(seen, task, bad)
            current.clear()
            current[id(task)] = consensus
            _tally(seen, task, consensus)
            if seen.tasks % 500 == 0:
                progress("report", seen.tasks, total)
            yield task

    seen.agreement = measure(
        tap(adjudicate_all(tasks, schema, bad, overlap)),
        schema,
        overlap,
        invalid=bad,
        by_annotator=True,
        consensus=lambda task: current[id(task)],
    )
    seen.done.sort()
    for w in seen.work.values():
        w.made.sort()
    progress("report", seen.tasks, total)
    return seen


def _unit_choices(schema: Schema) -> list[str]:
    """The choice attributes of the unit label (stance, target, quote type)."""
    if not schema.unit:
        return []
    attributes = schema.spans[schema.unit.label].attributes
    return [n for n, a in attributes.items() if a.type in ("choice", "multichoice")]


def _tally(seen: Campaign, task: Task, consensus: Adjudicated) -> None:
    """Count the task's adjudicated labels and unit choices in its split (as the dataset splits it)."""
    if task.article_id is None or consensus.method == "none":
        return
    split = split_of(task.article_id)
    unit = seen.schema.unit.label if seen.schema.unit else None
    seen.articles[split] += 1
    for region in consensus.regions:
        seen.labels[split][region.label] += 1
        if region.label != unit:
            continue
        for name, by_split in seen.choices.items():
            value = region.attributes.get(name)
            if value not in (None, "", []):
                by_split[split][_shown_value(value)] += 1


def _note(seen: Campaign, task: Task, bad: set[str]) -> None:
    seen.tasks += 1
    first: datetime | None = None
    for a in task.annotations:
        name = a.annotator or f"annotation {a.id}"
        w = seen.work.setdefault(name, Work(name))
        if a.cancelled:
            w.skipped += 1
            continue
        w.submitted += 1
        w.rejected += str(a.id) in bad
        moment = parse_time(a.created_at) or parse_time(a.updated_at)
        if moment is not None:
            w.made.append(moment)
            first = moment if first is None else min(first, moment)
        if a.lead_time is not None:
            w.lead_times.append(a.lead_time)
    if any(not a.cancelled for a in task.annotations):
        seen.annotated += 1
        if first is not None:
            seen.done.append(first)
    if task.id is not None:
        seen.titles[task.id] = str(task.data.get("title") or task.article_id or "")


def _shown_value(value: Any) -> str:
    return "+".join(sorted(str(v) for v in value)) if isinstance(value, list) else str(value)


# -- charts ------------------------------------------------------------------------------------


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(CHART_WIDTH_IN, height), layout="constrained")


def _svg(fig: Figure) -> str:
    """The figure as an <img> with an SVG data URL (its glyphs drawn as paths: no font is loaded)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _thin(moments: Sequence[datetime]) -> tuple[list[Any], list[int]]:
    """A cumulative count as at most CURVE_POINTS steps (the last point always kept)."""
    n = len(moments)
    if n == 0:
        return [], []
    step = max(1, n // CURVE_POINTS)
    keep = list(range(step - 1, n, step))
    if keep[-1] != n - 1:
        keep.append(n - 1)
    return [moments[i] for i in keep], [i + 1 for i in keep]


def progress_chart(campaign: Campaign) -> Figure:
    """The main chart: tasks annotated over time, and each annotator's annotations."""
    fig = _figure(3.8)
    ax = fig.subplots()
    x, y = _thin(campaign.done)
    if x:
        ax.step(x, y, where="post", color="black", linewidth=2.2, label="tasks annotated")
    for name, w in sorted(campaign.work.items()):
        x, y = _thin(w.made)
        if x:
            ax.step(x, y, where="post", linewidth=1.2, label=f"{name}: annotations")
    if campaign.project_tasks:
        ax.axhline(campaign.project_tasks, color="grey", linestyle="--", linewidth=1, label="tasks in the project")
    ax.set_ylabel("count")
    ax.set_title(f"{campaign.project}: progress over time")
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend(loc="upper left", fontsize="small", ncols=2 if len(ax.lines) > 6 else 1)
    fig.autofmt_xdate()
    return fig


def annotators_chart(campaign: Campaign) -> Figure:
    names = sorted(campaign.work)
    fig = _figure(0.6 + 0.32 * max(len(names), 2))
    ax = fig.subplots()
    valid = [campaign.work[n].submitted - campaign.work[n].rejected for n in names]
    rejected = [campaign.work[n].rejected for n in names]
    skipped = [campaign.work[n].skipped for n in names]
    ax.barh(names, valid, color="#3b7dd8", label="valid")
    ax.barh(names, rejected, left=valid, color="#d8613b", label="with errors")
    ax.barh(names, skipped, left=[v + r for v, r in zip(valid, rejected, strict=True)], color="#bbb", label="skipped")
    ax.invert_yaxis()
    ax.set_xlabel("annotations")
    fig.legend(loc="outside right upper", fontsize="small")
    ax.set_title("annotations per annotator")
    return fig


def agreement_chart(report: AgreementReport) -> Figure:
    fig = _figure(3.2)
    left, right = fig.subplots(1, 2)
    spans = [*report.spans, *([report.overall] if report.overall else [])]
    xs = range(len(spans))
    left.bar([x - 0.2 for x in xs], [s.exact_f1 or 0 for s in spans], 0.4, label="exact")
    left.bar(
        [x + 0.2 for x in xs], [s.overlap_f1 or 0 for s in spans], 0.4, label=f"overlap ≥ {report.overlap_threshold:g}"
    )
    left.set_xticks(list(xs), [s.label for s in spans])
    left.set_ylim(0, 1.05)
    left.set_title("span F1 per label")
    left.legend(fontsize="small", loc="lower right")
    xs = range(len(report.attributes))
    measures = (("alpha", "Krippendorff's α"), ("kappa", "Cohen's κ"), ("observed", "observed"))
    for k, (key, name) in enumerate(measures):
        values = [getattr(a, key) for a in report.attributes]
        right.bar([x + (k - 1) * 0.27 for x in xs], [v if v is not None else 0 for v in values], 0.27, label=name)
    right.set_xticks(list(xs), [a.attribute for a in report.attributes])
    right.set_ylim(
        min(0.0, *(a.alpha or 0 for a in report.attributes), *(a.kappa or 0 for a in report.attributes)), 1.05
    )
    right.axhline(0, color="black", linewidth=0.6)
    right.set_title("agreement per attribute")
    right.legend(fontsize="small", loc="lower right")
    return fig


def distribution_chart(campaign: Campaign) -> Figure:
    """Adjudicated labels and each choice attribute, as shares of their split (bars side by side)."""
    panels = [("labels", campaign.labels), *campaign.choices.items()]
    fig = _figure(2.8 * ((len(panels) + 1) // 2))
    axes = fig.subplots((len(panels) + 1) // 2, 2, squeeze=False).flatten()
    color = {split: f"C{k}" for k, split in enumerate(SPLITS)}  # one colour per split in every panel
    for ax, (title, by_split) in zip(axes, panels, strict=False):
        values = sorted({v for counts in by_split.values() for v in counts})
        splits = [s for s in SPLITS if sum(by_split[s].values())]
        width = 0.8 / max(len(splits), 1)
        for k, split in enumerate(splits):
            total = sum(by_split[split].values())
            shares = [by_split[split][v] / total for v in values]
            xs = [i + (k - (len(splits) - 1) / 2) * width for i in range(len(values))]
            ax.bar(xs, shares, width, color=color[split], label=split)
        ax.set_xticks(range(len(values)), values, fontsize="small")
        ax.set_title(title)
        ax.set_ylabel("share of the split")
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    shown = {label: handle for ax in axes for handle, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    if shown:
        order = [s for s in SPLITS if s in shown]
        fig.legend([shown[s] for s in order], order, loc="outside upper center", ncols=len(order))
    return fig


def main_chart_png(campaign: Campaign) -> bytes:
    """The progress chart as PNG, e.g. for a README."""
    buffer = io.BytesIO()
    progress_chart(campaign).savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


# -- the page ------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None, digits: int = 3) -> str:
    return NOT_DEFINED if value is None else f"{value:.{digits}f}"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "", raw: bool = False) -> str:
    """An HTML table; cells are escaped unless `raw` (then the caller escaped them)."""
    cell = (lambda v: v) if raw else _e
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _img(fig: Figure, alt: str) -> str:
    return f'<img class="chart" alt="{_e(alt)}" src="{_svg(fig)}">'


def _shade(count: int, most: int) -> str:
    """A cell of a matrix, its background darker the larger its share of the largest cell."""
    level = 0.0 if most == 0 else count / most
    return f'<td style="background: rgba(59, 125, 216, {0.08 + 0.6 * level:.2f})">{count}</td>'


def confusion_table(values: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    """Rows: the first annotator's values; columns: the second's."""
    most = max((c for row in matrix for c in row), default=0)
    head = '<tr><th class="corner"></th>' + "".join(f"<th>{_e(v)}</th>" for v in values)
    rows = [
        f"<tr><th>{_e(v)}</th>" + "".join(_shade(c, most) for c in matrix[i]) + "</tr>" for i, v in enumerate(values)
    ]
    return f'<table class="confusion"><thead>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def render(campaign: Campaign) -> str:
    """The whole page as one HTML string."""
    report = campaign.agreement
    sections = [
        _summary(campaign),
        _section("progress", "Progress over time", _img(progress_chart(campaign), "progress over time")),
        _section("annotators", "Annotators and their pace", _annotators(campaign)),
        _section("agreement", "Agreement per attribute", _agreement(report)),
        _section("pairs", "Agreement per annotator pair", _pairs(report)),
        _section("consensus", "Each annotator against the adjudicated result", _consensus(report)),
        _section("distributions", "Labels and choices per split (adjudicated)", _distributions(campaign)),
        _section("disputes", "Disputed items", _disputes(campaign)),
    ]
    title = f"annot report: {campaign.project}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1>" + "".join(sections) + "</body></html>\n"
    )


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'


def _summary(c: Campaign) -> str:
    r = c.agreement
    of = f" of {c.project_tasks} in the project" if c.project_tasks else ""
    facts = [
        ("source", c.source or NOT_DEFINED),
        ("generated", c.generated),
        ("schema", f"{c.schema.name} version {c.schema.version}"),
        ("tasks annotated", f"{c.annotated}{of}"),
        ("annotations", str(sum(w.submitted for w in c.work.values()))),
        ("annotators", str(len(c.work))),
        ("tasks compared (two or more annotators)", str(r.multi_annotator_tasks)),
        ("disputed items", f"{len(r.disputes)} on {len(r.disputed_task_ids(include_settled=True))} tasks"),
    ]
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
    return f'<section id="summary"><table class="facts">{rows}</table></section>'


def _annotators(c: Campaign) -> str:
    rows = []
    for name in sorted(c.work):
        w = c.work[name]
        rows.append(
            [
                name,
                str(w.submitted),
                str(w.rejected),
                str(w.skipped),
                w.made[0].strftime("%Y-%m-%d %H:%M") if w.made else NOT_DEFINED,
                w.made[-1].strftime("%Y-%m-%d %H:%M") if w.made else NOT_DEFINED,
                str(w.active_days),
                _num(w.per_active_day, 1),
                _num(w.median_lead_time, 0),
            ]
        )
    head = ["annotator", "submitted", "with errors", "skipped", "first", "last", "active days"]
    head += ["per active day", "median seconds per task"]
    note = "<p>Seconds per task are Label Studio's own lead time; annotations made through the API have none.</p>"
    return _img(annotators_chart(c), "annotations per annotator") + _table(head, rows, cls="work") + note


def _agreement(r: AgreementReport) -> str:
    if not r.multi_annotator_tasks:
        return "<p>No task has two or more annotators yet, so nothing can be compared.</p>"
    rows = [list(row) for row in r.rows()]
    return _img(agreement_chart(r), "agreement per label and attribute") + _table(
        ["measure", "of", "score", "items"], rows, cls="scores"
    )


Cell = tuple[str | None, Any, str]  # (key, the figure as JSON has it, the text shown)


def _figures_table(cls: str, head: Sequence[str], rows: Iterable[tuple[str, list[Cell]]]) -> str:
    """A table whose rows and cells also carry their key and exact figure (`data-row`, `data-key`,
    `data-value` as JSON), so a reader or a test can take the figures back from the page."""
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for row_key, cells in rows:
        tds = []
        for key, value, text in cells:
            figure = "" if key is None else f' data-key="{_e(key)}" data-value="{_e(json.dumps(value))}"'
            tds.append(f"<td{figure}>{_e(text)}</td>")
        out.append(f'<tr data-row="{_e(row_key)}">' + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _score(key: str, value: float | None) -> Cell:
    return key, value, _num(value)


def _count(key: str, value: int | None) -> Cell:
    return key, value, NOT_DEFINED if value is None else str(value)


def _pairs(r: AgreementReport) -> str:
    if not r.pairs:
        return "<p>No two annotators share a task yet.</p>"
    names = [a.attribute for a in r.pairs[0].attributes]
    head = ["annotator", "annotator", "tasks", "span F1 exact", "span F1 overlap", "attribution"]
    head += [f"{n} {m}" for n in names for m in ("κ", "observed", "items")]
    rows = []
    for p in r.pairs:
        cells: list[Cell] = [(None, None, p.annotators[0]), (None, None, p.annotators[1]), _count("tasks", p.tasks)]
        cells += [_score("exact_f1", p.exact_f1), _score("overlap_f1", p.overlap_f1)]
        cells.append(_score("attribution", p.attribution))
        for a in p.attributes:
            cells += [_score(f"{a.attribute}.kappa", a.kappa), _score(f"{a.attribute}.observed", a.observed)]
            cells.append(_count(f"{a.attribute}.items", a.items))
        rows.append(("|".join(p.annotators), cells))
    parts = [f'<div class="wide">{_figures_table("pairs", head, rows)}</div>']
    parts.append("<p>Confusion matrices: rows are the first annotator's values, columns the second's.</p>")
    for p in r.pairs:
        matrices = [
            f"<figure><figcaption>{_e(a.attribute)}</figcaption>{confusion_table(a.values, a.confusion)}</figure>"
            for a in p.attributes
            if a.items
        ]
        if matrices:
            summary = f"{p.annotators[0]} (rows) and {p.annotators[1]} (columns): {p.tasks} tasks"
            opened = " open" if len(r.pairs) <= PAIRS_OPENED else ""
            parts.append(
                f'<details{opened} data-pair="{_e("|".join(p.annotators))}"><summary>{_e(summary)}</summary>'
                f'<div class="matrices">{"".join(matrices)}</div></details>'
            )
    return "".join(parts)


def _consensus(r: AgreementReport) -> str:
    if not r.annotator_scores:
        return "<p>No annotation yet.</p>"
    names = [a.attribute for a in r.attributes]
    head = ["annotator", "usable annotations", "tasks compared", "regions", "consensus regions", "span F1"]
    head += [f"{n} {m}" for n in names for m in ("accuracy", "units")]
    rows = []
    for s in r.annotator_scores:
        cells: list[Cell] = [(None, None, s.annotator), _count("annotations", s.annotations)]
        cells += [_count("compared_tasks", s.compared_tasks), _count("regions", s.regions)]
        cells += [_count("consensus_regions", s.consensus_regions), _score("f1", s.f1)]
        for n in names:
            cells += [
                _score(f"accuracy.{n}", s.accuracy.get(n)),
                _count(f"accuracy_items.{n}", s.accuracy_items.get(n)),
            ]
        rows.append((s.annotator, cells))
    intro = (
        "<p>On the tasks with two or more annotators, each annotator's regions matched to the adjudicated "
        f"ones (overlap ≥ {r.overlap_threshold:g}); accuracy: matched units where they gave the adjudicated "
        "value, over the units counted. A ground-truth annotation, where there is one, is the adjudicated "
        "result. A tie (two annotators who disagree) has no adjudicated value and is not counted here: it is "
        "among the disputed items below.</p>"
    )
    return intro + _figures_table("consensus", head, rows)


def _distributions(c: Campaign) -> str:
    if not sum(c.articles.values()):
        return "<p>Nothing adjudicated yet.</p>"
    splits = [s for s in SPLITS if c.articles[s]]
    head = ["", *splits, "all"]
    rows = [["articles", *(str(c.articles[s]) for s in splits), str(sum(c.articles.values()))]]
    for title, by_split in [("label", c.labels), *c.choices.items()]:
        for value in sorted({v for counts in by_split.values() for v in counts}):
            counts = [by_split[s][value] for s in splits]
            rows.append([f"{title}: {value}", *(str(n) for n in counts), str(sum(counts))])
    return _img(distribution_chart(c), "labels and choices per split") + _table(head, rows, cls="distribution")


def _disputes(c: Campaign) -> str:
    disputes = sorted(c.agreement.disputes, key=lambda d: (d.task_id or 0, d.kind, d.label, d.attribute or ""))
    if not disputes:
        return "<p>No disputed item.</p>"
    rows = []
    for d in disputes[:DISPUTES_SHOWN]:
        link = c.task_link(d.task_id)
        task = _e(d.task_id)
        if link:
            task = f'<a class="task" data-task="{_e(d.task_id)}" href="{_e(link)}">task {_e(d.task_id)}</a>'
        what = f"{d.kind}: {d.label}" if d.kind == "span" else f"{d.kind}: {d.attribute or d.label} ({d.label})"
        if d.kind == "span":
            marked = [k for k, v in d.values.items() if v is not None]
            values = f"marked by {', '.join(marked)}; not by {', '.join(k for k in d.values if k not in marked)}"
        else:
            values = "; ".join(f"{k}: {_plain(v)}" for k, v in d.values.items())
        decision = "settled (ground truth)" if d.settled else ("tie" if d.tie else f"majority: {_plain(d.majority)}")
        title = c.titles.get(d.task_id, "") if d.task_id is not None else ""
        rows.append([task, _e(title), _e(what), _e(d.text or ""), _e(values), _e(decision)])
    more = len(disputes) - DISPUTES_SHOWN
    note = ""
    if more > 0:
        note = f"<p>{more} more disputed items are not shown; `annot agreement --json` lists them all.</p>"
    if c.url is None or c.project_id is None:
        note += "<p>No Label Studio project is known for these tasks, so they are not linked.</p>"
    head = ["task", "article", "disputed", "text", "values by annotator", "decision"]
    return _table(head, rows, cls="disputes", raw=True) + note


def _plain(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; }
td { text-align: right; } td:first-child, table.disputes td, table.pairs td:nth-child(2) { text-align: left; }
table.facts th { background: #f4f4f4; } table.facts td { text-align: left; }
table.confusion td { text-align: center; min-width: 3em; } table.confusion th.corner { font-weight: normal; }
.matrices { display: flex; flex-wrap: wrap; gap: 1.5em; } figure { margin: 0; }
figcaption { font-weight: bold; } details { margin: 0.6em 0; } summary { cursor: pointer; }
.wide { overflow-x: auto; }
img.chart { max-width: 100%; height: auto; display: block; margin: 0.8em 0; }
"""


# -- writing --------------------------------------------------------------------------------------


def write(campaign: Campaign, out: Path, png: Path | None = None) -> Path:
    """Write the page (and the main chart as PNG, if asked); each file replaced atomically."""
    _write(out, render(campaign).encode("utf-8"))
    if png is not None:
        _write(png, main_chart_png(campaign))
    return out


def _write(path: Path, data: bytes) -> None:
    try:
        write_bytes(path, data)
    except OSError as e:
        raise AnnotError(f"cannot write {path} ({e.strerror}); choose another file with --out or --png") from None


def locate(campaign: Campaign, config: Config, project: ProjectConfig, export: Path | None = None) -> None:
    """Name the campaign's project and source, and the Label Studio project its task links open: the one
    the local copy was pulled from, or the one an export file's tasks name, on the configured server."""
    from annot.sync import load_state

    campaign.project, campaign.url = project.name, config.url
    if export is not None:
        campaign.source, campaign.project_id = str(export), export_project_id(export)
        return
    state = load_state(config, project)
    campaign.project_id = state.pulled_from
    campaign.source = f"Label Studio project {state.pulled_from} on {config.url}, as last pulled"
    if state.project_id == state.pulled_from:  # the task count a push last saw in that project
        campaign.project_tasks = state.task_count


def export_project_id(path: Path) -> int | None:
    """The Label Studio project an export file's tasks came from (its first task says), or None."""
    import ijson

    try:
        with path.open("rb") as f:
            first = next(ijson.items(f, "item"), None)
    except (OSError, ijson.JSONError):
        return None  # reading the tasks themselves says what is wrong with the file
    project = first.get("project") if isinstance(first, dict) else None
    return project if isinstance(project, int) and not isinstance(project, bool) else None
