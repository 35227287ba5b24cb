"""`annot report` on a real project: two real annotators' work made through the API of the session's Label
Studio, the page opened in Debian's chromium with every request recorded, its links followed into Label Studio,
and its figures read back from the page and compared with `annot agreement --json`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from annot.labelstudio import Server
from annot.workspace import Workspace as AnnotWorkspace
from tests import browser_helpers as ui
from tests.helpers import (
    C4,
    FIRST,
    SECOND,
    TASK_A,
    TASK_B,
    Annotator,
    Live,
    Workspace,
    agreement_json,
    annot,
    join_as_annotator,
    json_annotators,
    json_pairs,
    result_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Every figure of a table on the page, as the page carries it: row -> key -> [exact value, text shown].
READ_FIGURES = """(cls) => Object.fromEntries([...document.querySelectorAll(`table.${cls} tr[data-row]`)].map(
  tr => [tr.dataset.row, Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map(
    td => [td.dataset.key, [JSON.parse(td.dataset.value), td.textContent]]))]))"""
IMAGES_DRAWN = "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"


def shown(value: object) -> str:
    """How the page writes a figure: three decimals, a count as it is, an undefined one as a dash."""
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def test_report_opens_offline_in_chromium_with_the_figures_and_links_of_the_project(
    workspace: Workspace, live_studio: Live, tmp_path: Path
) -> None:
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    admin = live_studio.server()
    tasks = {t["data"]["title"]: t for t in admin.export_all(pushed.project_id)}
    first = Annotator(id=int(admin.whoami()["id"]), token=live_studio.api_key)
    second = join_as_annotator(live_studio)
    for who, person, plan in (("a", first, FIRST), ("b", second, SECOND)):
        server = Server(live_studio.url, person.token)
        for title, claims in plan.items():
            server.create_annotation(tasks[title]["id"], result_for(tasks[title]["data"]["text"], who, claims))

    run = annot("report", "--out", "campaign/report.html", "--png", "campaign/progress.png")
    assert run.returncode == 0, run.stderr
    report = workspace.root / "campaign" / "report.html"
    agreement = agreement_json()
    pair = "|".join(sorted([first.name, second.name]))
    # the one pair's stance kappa is the worked figure of test_agreement_live (5/9), so nothing here is trivial
    assert json_pairs(agreement)[pair]["stance.kappa"] == pytest.approx(5 / 9)

    with sync_playwright() as pw:
        browser = ui.launch(pw)
        context = browser.new_context(viewport=ui.VIEWPORT)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_function(IMAGES_DRAWN, timeout=ui.STEP_TIMEOUT_MS)
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

        # nothing left the machine, nor even the file: the page is its one request
        assert requests == [report.as_uri()], requests
        assert problems == []
        assert page.locator("img.chart").count() == 4

        # the figures on the page are those of `annot agreement --json`, exactly and as written
        for cls, expected in (("pairs", json_pairs(agreement)), ("consensus", json_annotators(agreement))):
            found = page.evaluate(READ_FIGURES, cls)
            assert {row: {k: v for k, (v, _) in cells.items()} for row, cells in found.items()} == expected
            # (a whole float comes back from the browser's JSON as an int: the text is checked against the JSON's)
            shown_text = {row: {k: text for k, (_, text) in cells.items()} for row, cells in found.items()}
            assert shown_text == {row: {k: shown(v) for k, v in cells.items()} for row, cells in expected.items()}
        assert set(page.locator("details[data-pair]").evaluate_all("ds => ds.map(d => d.dataset.pair)")) == {pair}

        # each disputed task is linked once per disputed item, to its own task in this project
        ids = {title: tasks[title]["id"] for title in (TASK_A, TASK_B)}
        links = page.locator("a.task").evaluate_all("as => as.map(a => [a.dataset.task, a.href])")
        expected_tasks = {str(i) for i in agreement["disputed_tasks"]}
        assert {t for t, _ in links} == expected_tasks == {str(ids[TASK_A]), str(ids[TASK_B])}
        for task_id, href in links:
            assert href == f"{live_studio.url}/projects/{pushed.project_id}/data?task={task_id}"

        # followed by someone logged in to Label Studio, a link opens that task on the labeling screen
        ui.log_in(context.new_page(), live_studio.url, live_studio.username, live_studio.password)
        page.locator(f'a.task[data-task="{ids[TASK_B]}"]').first.click()
        page.wait_for_url(re.compile(rf"/projects/{pushed.project_id}/data\?.*task={ids[TASK_B]}"))
        page.get_by_role("heading", name=TASK_B).wait_for(timeout=ui.PAGE_TIMEOUT_MS)
        page.locator(".lsf-richtext__container").wait_for(timeout=ui.PAGE_TIMEOUT_MS)
        assert C4 in ui.article_text(page)
        browser.close()

    png = workspace.root / "campaign" / "progress.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the page's summary counts what Label Studio holds: three annotated tasks, five annotations, two people
    text = report.read_text(encoding="utf-8")
    assert re.search(r"<th>tasks annotated</th><td>3 of 5 in the project</td>", text), text[:2000]
    assert "<th>annotations</th><td>5</td>" in text and "<th>annotators</th><td>2</td>" in text
    assert [s["compared_tasks"] for s in agreement["annotator_scores"]] == [2, 2]
