"""`annot report` without a server: the per-pair and per-annotator figures on a worked example, and the page
made from an export file (self-contained, escaped, linked, its figures those of `annot agreement --json`)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from annot import report as rp
from annot.agreement import measure
from annot.convert import ExportFile
from annot.records import Annotation, Region, Task
from annot.schema import Schema, load_schema
from tests.campaign_data import campaign
from tests.conftest import SCHEMA, Workspace, make_workspace
from tests.test_roundtrip import annot

TEXT = "Minister Ilse Varga said the deal is a disgrace. Pavel Orlov said it was fine. Lena Hart called it a start."
C1, C2, C3 = "the deal is a disgrace", "it was fine", "called it a start"


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(SCHEMA)


def claim(rid: str, phrase: str, stance: str) -> Region:
    start = TEXT.index(phrase)
    return Region(rid, "Claim", start, start + len(phrase), phrase, {"stance": stance, "target": "China"})


def task(tid: int, *annotations: tuple[int, str, list[tuple[str, str]]]) -> Task:
    made = [
        Annotation(aid, tid, [claim(f"{who}{k}", p, s) for k, (p, s) in enumerate(marks)], annotator=who)
        for aid, who, marks in annotations
    ]
    return Task(tid, {"article_id": f"art-{tid}", "title": f"Article {tid}", "text": TEXT}, annotations=made)


def worked_example() -> list[Task]:
    """Three annotators on task 1 (cy leaves out C3), two on task 2 (bob adds C2); stances differ on C2."""
    return [
        task(
            1,
            (1, "ann", [(C1, "against"), (C2, "favor"), (C3, "none")]),
            (2, "bob", [(C1, "against"), (C2, "against"), (C3, "none")]),
            (3, "cy", [(C1, "against"), (C2, "favor")]),
        ),
        task(2, (4, "ann", [(C1, "favor")]), (5, "bob", [(C1, "favor"), (C2, "none")])),
    ]


def test_pairs_by_hand(schema: Schema) -> None:
    pairs = {tuple(p.annotators): p for p in measure(worked_example(), schema).pairs}
    assert list(pairs) == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    ab, ac, bc = pairs.values()
    # ann-bob, two tasks: claims 3+3 (3 matched) and 1+2 (1 matched): F1 = 2·4 / 9
    assert (ab.tasks, ab.exact_f1, ab.overlap_f1) == (2, pytest.approx(8 / 9), pytest.approx(8 / 9))
    # task 1 alone: 3 and 2 claims, 2 matched: 2·2 / 5
    assert (ac.tasks, ac.overlap_f1, bc.overlap_f1) == (1, pytest.approx(4 / 5), pytest.approx(4 / 5))
    stance = {tuple(p.annotators): next(a for a in p.attributes if a.attribute == "stance") for p in pairs.values()}
    # ann-bob stance on C1, C2, C3 (task 1) and C1 (task 2): ann against, favor, none, favor; bob against,
    # against, none, favor. p_o = 3/4; p_e = (1·2 + 2·1 + 1·1) / 16 = 5/16; kappa = (12 − 5) / (16 − 5) = 7/11
    s = stance[("ann", "bob")]
    assert (s.items, s.observed, s.kappa) == (4, 0.75, pytest.approx(7 / 11))
    assert s.kappa == pytest.approx(
        cohen_kappa_score(["against", "favor", "none", "favor"], ["against", "against", "none", "favor"])
    )
    assert s.values == ["against", "favor", "none"]
    assert s.confusion == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]  # rows ann, columns bob
    assert (stance[("ann", "cy")].kappa, stance[("ann", "cy")].confusion) == (1.0, [[1, 0], [0, 1]])
    # bob-cy: (against, against), (against, favor): p_o = 1/2 = p_e, kappa 0
    assert (stance[("bob", "cy")].kappa, stance[("bob", "cy")].confusion) == (0.0, [[1, 1], [0, 0]])
    # one target value only: kappa undefined, observed agreement whole
    target = next(a for a in ab.attributes if a.attribute == "target")
    assert (target.kappa, target.observed, target.values) == (None, 1.0, ["China"])


def test_each_annotator_against_the_adjudicated_result_by_hand(schema: Schema) -> None:
    report = measure(worked_example(), schema, by_annotator=True)
    scores = {s.annotator: s for s in report.annotator_scores}
    # Consensus, task 1: C1 against, C2 favor (2 of 3), C3 none (2 of 3 marked it); task 2: C1 favor, and C2
    # (marked by one of two: kept, disputed) none. Five consensus claims over the two tasks.
    ann, bob, cy = scores["ann"], scores["bob"], scores["cy"]
    assert (ann.annotations, ann.compared_tasks, ann.regions, ann.consensus_regions) == (2, 2, 4, 5)
    assert ann.f1 == pytest.approx(8 / 9) and ann.accuracy["stance"] == 1.0
    assert (bob.regions, bob.f1, bob.accuracy["stance"]) == (5, 1.0, pytest.approx(4 / 5))  # C2: against, not favor
    assert (cy.annotations, cy.compared_tasks, cy.consensus_regions, cy.f1) == (1, 1, 3, pytest.approx(4 / 5))
    assert (cy.accuracy["stance"], cy.accuracy_items["stance"]) == (1.0, 2)
    # without by_annotator the work is counted, not compared
    plain = {s.annotator: s for s in measure(worked_example(), schema).annotator_scores}
    assert (plain["ann"].annotations, plain["ann"].f1, plain["ann"].regions) == (2, None, None)


# -- the page ---------------------------------------------------------------------------------------------


class Figures(HTMLParser):
    """The figures a page carries: table class -> row -> key -> value, and every src and href."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, object]]] = {}
        self.refs: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []  # (data-task, href) of the task links
        self.table = self.row = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.table = a.get("class", "")
            self.tables.setdefault(self.table, {})
        elif tag == "tr" and "data-row" in a:
            self.row = a["data-row"]
            self.tables[self.table][self.row] = {}
        elif tag == "td" and "data-key" in a:
            self.tables[self.table][self.row][a["data-key"]] = json.loads(a["data-value"])
        for key in ("src", "href"):
            if key in a:
                self.refs.append((tag, a[key]))
        if tag == "a" and "data-task" in a:
            self.links.append((a["data-task"], a["href"]))


def page_figures(page: str) -> Figures:
    found = Figures()
    found.feed(page)
    return found


def json_pairs(agreement: dict) -> dict[str, dict[str, object]]:
    """`annot agreement --json`'s pairs keyed as the page keys them."""
    out: dict[str, dict[str, object]] = {}
    for p in agreement["pairs"]:
        row: dict[str, object] = {k: p[k] for k in ("tasks", "exact_f1", "overlap_f1", "attribution")}
        for a in p["attributes"]:
            row |= {f"{a['attribute']}.{k}": a[k] for k in ("kappa", "observed", "items")}
        out["|".join(p["annotators"])] = row
    return out


def json_annotators(agreement: dict) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for s in agreement["annotator_scores"]:
        row = {k: s[k] for k in ("annotations", "compared_tasks", "regions", "consensus_regions", "f1")}
        row |= {f"accuracy.{k}": v for k, v in s["accuracy"].items()}
        out[s["annotator"]] = row | {f"accuracy_items.{k}": v for k, v in s["accuracy_items"].items()}
    return out


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A project folder with no server anywhere: only export files are read."""
    ws = make_workspace(tmp_path / "ws", "news-stance")
    monkeypatch.chdir(ws.root)
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    return ws


def write_export(path: Path, tasks: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_page_from_an_export_carries_the_figures_of_agreement_json(offline: Workspace) -> None:
    export = write_export(offline.root / "export.json", campaign(120, project=7))
    run = annot("report", str(export), "--out", "out/report.html", "--png", "out/progress.png")
    assert run.returncode == 0, run.stderr
    assert "report written to" in run.stdout
    page = (offline.root / "out" / "report.html").read_text(encoding="utf-8")
    agreement = json.loads(annot("agreement", str(export), "--json").stdout)
    found = page_figures(page)
    assert len(agreement["pairs"]) == 6  # four annotators, every pair shares tasks
    assert found.tables["pairs"] == json_pairs(agreement)
    assert found.tables["consensus"] == json_annotators(agreement)
    assert all(s["f1"] is not None for s in agreement["annotator_scores"])
    # every disputed task is linked to its task in the project the export came from, in the configured studio
    expected = {str(t): f"http://127.0.0.1:9/projects/7/data?task={t}" for t in agreement["disputed_tasks"]}
    assert agreement["disputed_tasks"] and dict(found.links) == expected
    assert (offline.root / "out" / "progress.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_page_loads_nothing_from_anywhere_and_shows_markup_as_text(offline: Workspace) -> None:
    tasks = campaign(12, project=3)
    hostile = '<script>alert("x")</script><img src="https://example.org/x.png">'
    tasks[0]["data"]["title"] = hostile
    for a in tasks[0]["annotations"]:
        a["completed_by"] = {"id": 1, "email": hostile}
    tasks[0]["annotations"].append({**tasks[0]["annotations"][0], "id": 999, "completed_by": 2})
    export = write_export(offline.root / "export.json", tasks)
    run = annot("report", str(export), "--out", "r.html")
    assert run.returncode == 0, run.stderr
    page = (offline.root / "r.html").read_text(encoding="utf-8")
    assert "<script" not in page and 'src="https://' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert f'content="{rp.CSP}"' in page
    found = page_figures(page)
    # images are data URLs; the only other references are the task links into Label Studio
    for tag, ref in found.refs:
        assert ref.startswith("data:") or (tag == "a" and ref.startswith("http://127.0.0.1:9/projects/3/")), ref


def test_an_export_without_its_project_has_no_task_links(offline: Workspace) -> None:
    tasks = campaign(30)
    for t in tasks:
        del t["project"]
    run = annot("report", str(write_export(offline.root / "e.json", tasks)), "--out", "r.html")
    assert run.returncode == 0, run.stderr
    page = (offline.root / "r.html").read_text(encoding="utf-8")
    assert page_figures(page).links == [] and "so they are not linked" in page
    assert re.search(r'<a class="task"', page) is None


def test_report_without_any_comparison_still_renders(schema: Schema) -> None:
    lone = task(1, (1, "ann", [(C1, "favor")]))
    found = rp.collect([lone], schema, project="p")
    page = rp.render(found)
    assert "No task has two or more annotators yet" in page and "No disputed item." in page
    assert found.annotated == 1 and found.work["ann"].submitted == 1
    nothing = rp.render(rp.collect([], schema, project="p"))
    assert "No annotation yet." in nothing and "Nothing adjudicated yet." in nothing


def test_bad_input_is_one_line(offline: Workspace) -> None:
    (offline.root / "notes.json").write_text('{"not": "an export"}', encoding="utf-8")
    run = annot("report", "notes.json", "--out", "r.html")
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "notes.json" in run.stderr, run.stderr
    assert not (offline.root / "r.html").exists()
    missing = annot("report", "missing.json")
    assert missing.returncode == 1 and "missing.json" in missing.stderr and "Traceback" not in missing.stderr
    never_pulled = annot("report", "--local")
    assert never_pulled.returncode == 1 and "run `annot pull` first" in never_pulled.stderr
    (offline.root / "a-folder").mkdir()
    export = write_export(offline.root / "export.json", campaign(12, project=3))
    unwritable = annot("report", str(export), "--out", "a-folder")
    assert unwritable.returncode == 1 and unwritable.stderr.count("\n") == 1, unwritable.stderr
    assert "cannot write a-folder" in unwritable.stderr and not list(offline.root.glob(".a-folder.*"))
    helped = annot("report", "--help")
    assert helped.returncode == 0 and "Example: annot report" in helped.stdout


def test_report_reads_the_local_copy_offline(offline: Workspace, schema: Schema) -> None:
    # what `annot pull` leaves behind: the local copy of the project's tasks and the state that names the project
    from annot import sync

    cfg = offline.config()
    proj = cfg.project()
    write_export(sync.cache_path(cfg, proj), campaign(40, project=11))
    state = sync.load_state(cfg, proj)
    state.pulled_from = state.project_id = 11
    state.task_count = 50
    sync.save_state(cfg, proj, state)
    run = annot("report", "--local")
    assert run.returncode == 0, run.stderr
    page = (offline.root / "reports" / "news-stance.html").read_text(encoding="utf-8")
    assert "40 of 50 in the project" in page
    links = page_figures(page).links
    assert links and all(href.startswith("http://127.0.0.1:9/projects/11/data?task=") for _, href in links)
    tasks = ExportFile(sync.cache_path(cfg, proj), schema)
    assert page_figures(page).tables["pairs"] == json_pairs(measure(tasks, schema, by_annotator=True).to_json())
