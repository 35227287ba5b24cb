"""The annotator's path in a real browser: Label Studio's labeling screen, generated from the schema, driven
with the mouse and keyboard in Debian's chromium, then `annot sync` and the published dataset."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import datasets
import pytest
from playwright.sync_api import Page

from annot.schema import RESERVED_HOTKEYS, Schema, label_config, load_schema
from annot.workspace import Workspace as AnnotWorkspace
from tests import browser_helpers as ui
from tests.helpers import REPO, SCHEMA, Live, Workspace, annot

# not skipped when chromium is missing: a browser test that did not run must not pass (`make browser`)
pytestmark = [pytest.mark.browser, pytest.mark.server]

# the README's picture is refreshed only when asked, so a test run leaves the work tree clean
SCREENSHOT = REPO / "docs" / "annotator-screen.png"
UPDATE_SCREENSHOT = os.environ.get("ANNOT_UPDATE_SCREENSHOT") == "1"

# Curly quotes, an emoji before the claims, a line break inside the second claim.
VARGA = {
    "title": "Minister Varga rejects the Rotterdam deal",
    "text": "Rocket 🚀 launch: Minister Varga said the deal is “a disgrace”, officials said.\n"
    "She told reporters the talks “will not\nresume this year” and left Brussels.",
    "source": "Test Wire",
}
MARKUP = {
    "title": "Markup <b>bold</b> in a title",
    "text": "The page said <script>window.__pwned=1</script> and <b>bold</b> text, Mayor Jon Park said.",
}


def push(ws: Workspace, *, predictions: bool) -> int:
    """Replace the workspace's seeds with this test's articles and push them; returns the project id."""
    for seed in (ws.root / "seeds").iterdir():
        seed.unlink()
    lines = [json.dumps(a, ensure_ascii=False) for a in (VARGA, MARKUP)]
    (ws.root / "seeds" / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = ws.config()
    pushed = AnnotWorkspace(cfg).push(predictions=predictions)
    assert pushed.imported == 2, pushed
    return pushed.project_id


def offsets(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def published(ws: Workspace) -> tuple[list[tuple], dict]:
    """After `annot sync`: the claims rows as (start, end, text, speaker, stance, target, quote_type), and the
    one published document."""
    run = annot("sync")
    assert run.returncode == 0, run.stderr
    assert "1 valid" in run.stdout, run.stdout
    claims = datasets.load_dataset(str(ws.export), "claims")
    feature = next(iter(claims.values())).features
    rows = sorted((r for part in claims.values() for r in part), key=lambda r: r["start"])
    names = ("stance", "target", "quote_type")
    found = [(r["start"], r["end"], r["text"], r["speaker"], *(feature[n].int2str(r[n]) for n in names)) for r in rows]
    documents = datasets.load_dataset(str(ws.export), "documents")
    (doc,) = [r for part in documents.values() for r in part]
    return found, doc


def open_varga(ws: Workspace, live: Live, page: Page) -> tuple[int, str]:
    """Push the test articles without predictions and open the Varga article; returns the project id and text."""
    project_id = push(ws, predictions=False)
    task = ui.task_with(live.server(), project_id, "Varga")
    ui.open_task(page, live.url, project_id, task["id"])
    page.get_by_role("heading", name=VARGA["title"]).wait_for()
    return project_id, task["data"]["text"]


def test_annotator_marks_a_claim_and_sync_publishes_exactly_it(
    workspace: Workspace, live_studio: Live, page: Page, tmp_path: Path
) -> None:
    project_id, text = open_varga(workspace, live_studio, page)
    shown = ui.article_text(page)
    assert "Minister Varga said the deal is “a disgrace”" in shown and "🚀" in shown

    ui.mark(page, "Speaker", "Varga", hotkey="s")
    ui.mark(page, "Claim", "a disgrace")  # a click on the label this time
    assert ui.regions(page).count() == 2
    ui.select_region(page, "a disgrace")
    for value in ("against", "Other", "direct"):
        ui.choice(page, value).click()
        assert ui.choice(page, value).is_checked()
    ui.select_region(page, "Varga")
    ui.type_text(page, "Ilse Varga")
    ui.relate(page, "a disgrace", "Varga", "says")  # drawn from the claim to its speaker

    ui.select_region(page, "a disgrace")
    shot = SCREENSHOT if UPDATE_SCREENSHOT else tmp_path / "annotator-screen.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000  # a real picture of the screen, not an empty page
    ui.submit(page)

    rows, doc = published(workspace)
    claim, speaker = offsets(text, "a disgrace"), offsets(text, "Varga")
    assert rows == [(*claim, "a disgrace", "Ilse Varga", "against", "Other", "direct")]
    # Python string indices: the emoji before the claim counts as one character
    assert claim == (VARGA["text"].index("“a disgrace”") + 1, VARGA["text"].index("”, officials"))
    assert [(s["start"], s["end"], s["text"], s["name"]) for s in doc["speakers"]] == [
        (*speaker, "Varga", "Ilse Varga")
    ]
    assert doc["claims"][0]["speaker_ids"] == [doc["speakers"][0]["id"]]


def test_a_selection_across_a_line_break_publishes_with_its_offsets(
    workspace: Workspace, live_studio: Live, page: Page
) -> None:
    project_id, text = open_varga(workspace, live_studio, page)
    assert "“will not\nresume this year”" in ui.article_text(page)

    ui.mark(page, "Speaker", "She", hotkey="s")
    ui.mark(page, "Claim", "will not\nresume this year", hotkey="c")
    ui.select_region(page, "will not")
    for value in ("none", "Other", "mixed"):
        ui.choice(page, value).click()
    ui.relate(page, "She", "will not", "says")  # drawn from the speaker to the claim: either direction counts
    ui.submit(page)
    claim = offsets(text, "will not\nresume this year")
    saved = [
        r.get("value", {})
        for t in live_studio.server().export_all(project_id)
        for a in t["annotations"]
        for r in a["result"]
    ]
    assert (claim[0], claim[1], ["Claim"]) in [(v.get("start"), v.get("end"), v.get("labels")) for v in saved]

    rows, doc = published(workspace)
    assert rows == [(*claim, "will not\nresume this year", "She", "none", "Other", "mixed")]
    assert doc["text"][claim[0] : claim[1]] == "will not\nresume this year"


def rendered_hotkeys(schema: Schema) -> dict[str, str]:
    """Hotkey -> label or choice value, as the generated config gives them to Label Studio."""
    config = ET.fromstring(label_config(schema))
    keys = [(el.get("hotkey"), el.get("value")) for el in config.iter() if el.tag in ("Label", "Choice")]
    found = {key: value for key, value in keys if key}
    assert len(found) == len([k for k, _ in keys if k]), f"hotkeys clash: {keys}"
    return found


def test_the_labeling_screen_shows_the_right_controls_and_takes_predictions(
    workspace: Workspace, live_studio: Live, page: Page
) -> None:
    schema = load_schema(SCHEMA)
    hotkeys = rendered_hotkeys(schema)
    assert not set(hotkeys) & RESERVED_HOTKEYS, "a hotkey Label Studio's screen binds for itself"
    project_id = push(workspace, predictions=True)
    server = live_studio.server()
    task = ui.task_with(server, project_id, "Varga")
    (prediction,) = server._raw("GET", f"/api/tasks/{task['id']}").json()["predictions"]
    predicted = [r for r in prediction["result"] if r.get("from_name") == schema.span_control]
    claim = next(r for r in predicted if r["value"]["labels"] == ["Claim"])
    speaker = next(r for r in predicted if r["value"]["labels"] == ["Speaker"])

    ui.open_task(page, live_studio.url, project_id, task["id"])
    # the pre-annotations are there, as an annotation the annotator edits
    ui.regions(page).nth(len(predicted) - 1).wait_for()
    assert ui.regions(page).count() == len(predicted)

    claim_attrs = schema.spans["Claim"].attributes
    claim_headings = [a.heading or "" for a in claim_attrs.values()]
    speaker_headings = [a.heading or "" for a in schema.spans["Speaker"].attributes.values()]
    assert all(claim_headings) and all(speaker_headings), "every control has a heading"

    def shown(headings: list[str]) -> list[bool]:
        return [ui.heading_shown(page, h) for h in headings]

    assert shown(claim_headings + speaker_headings) == [False] * 4, "controls shown with no region selected"

    # the guidelines are one click away
    page.get_by_role("button", name="Instructions").click()
    guidelines_title = (SCHEMA.parent / (schema.guidelines or "")).read_text(encoding="utf-8").splitlines()[0]
    page.get_by_role("heading", name=guidelines_title.lstrip("# ")).wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("heading", name=guidelines_title.lstrip("# ")).wait_for(state="hidden")

    ui.select_region(page, claim["value"]["text"].split("\n")[0])
    assert shown(claim_headings) == [True] * 3
    assert shown(speaker_headings) == [False]
    # each choice hotkey checks its own choice and nothing else, and keeps the region selected
    for attr in claim_attrs.values():
        for option in attr.choices:
            key = next((k for k, v in hotkeys.items() if v == option.value), None)
            if key is None:
                continue
            page.keyboard.press(key)
            assert ui.choice(page, option.value).is_checked(), f"hotkey {key} did not choose {option.value}"
            others = [c.value for c in attr.choices if c.value != option.value]
            assert not any(ui.choice(page, v).is_checked() for v in others)
    assert ui.regions(page).count() == len(predicted)
    assert shown(claim_headings) == [True] * 3, "a choice hotkey changed or unselected the region"
    for value in ("against", "China", "direct"):
        page.keyboard.press(next(k for k, v in hotkeys.items() if v == value))

    ui.select_region(page, speaker["value"]["text"])
    assert shown(speaker_headings) == [True]
    assert shown(claim_headings) == [False] * 3

    # submit with other regions as predicted, some without their required choices: nothing blocks
    ui.submit(page)
    (saved,) = server._raw("GET", f"/api/tasks/{task['id']}").json()["annotations"]

    def spans(result: list[dict]) -> set[tuple]:
        return {
            (r["value"]["start"], r["value"]["end"], *r["value"]["labels"]) for r in result if r["type"] == "labels"
        }

    assert spans(saved["result"]) == spans(predicted)
    edited = [r for r in saved["result"] if r.get("id") == claim["id"] and r["type"] == "choices"]
    assert {r["from_name"]: r["value"]["choices"] for r in edited} == {
        "stance": ["against"],
        "target": ["China"],
        "quote_type": ["direct"],
    }


def test_article_markup_is_shown_as_text_and_never_run(workspace: Workspace, live_studio: Live, page: Page) -> None:
    project_id = push(workspace, predictions=False)
    task = ui.task_with(live_studio.server(), project_id, "__pwned")
    ui.open_task(page, live_studio.url, project_id, task["id"])
    page.get_by_role("heading", name=MARKUP["title"]).wait_for()
    assert ui.article_text(page) == MARKUP["text"]
    assert page.locator(".lsf-richtext__container b, .lsf-richtext__container script").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
