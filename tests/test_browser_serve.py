"""The live pre-annotator in a real browser: `annot serve --connect` with a model trained on the project's own
annotations; its regions on the labeling screen, also on a task imported by hand in Label Studio's UI; a
submit in the browser reaches the webhook and a new model version is trained and shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from annot import demo
from annot.model import models_dir, saved_models, train_project
from annot.state import load_state
from annot.workspace import Workspace as AnnotWorkspace
from tests import browser_helpers as ui
from tests.helpers import REPO, Live, Workspace, annot_serve, free_port, predictions_of, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREENSHOT = REPO / "docs" / "live-backend.png"
UPDATE_SCREENSHOT = os.environ.get("ANNOT_UPDATE_SCREENSHOT") == "1"
RETRAIN_WAIT_S = 180.0  # pull, cross-validate and fit on six articles: about 15 s measured here; shared cores
PUSHED = {
    "title": "Minister Varga rejects the Rotterdam deal",
    "text": "Minister Ilse Varga said the deal is “a disgrace”, officials said.\n\n"
    "She told reporters the talks “will not resume this year” and left Brussels.",
    "source": "Test Wire",
}
BY_HAND = {
    "title": "Made in the Label Studio UI",
    "text": "Mayor Jon Park said the new bridge “will open in May”, officials said.\n\n"
    "The council accused the contractor of long delays, a spokesman said.",
}


def import_in_the_ui(page: Page, url: str, project_id: int, path: Path) -> None:
    """Import a JSON file of tasks with the Data Manager's Import dialog, as a person does."""
    page.goto(f"{url}/projects/{project_id}/data", timeout=ui.PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="Import").first.click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("1 files uploaded").wait_for()
    page.get_by_role("button", name="Finish import").click()
    page.get_by_role("button", name="Finish import").wait_for(state="hidden")


def shown_regions(page: Page, prediction: dict) -> int:
    """How many regions the screen shows, once the prediction's first region is there."""
    spans = [r for r in prediction["result"] if r.get("type") == "labels"]
    assert spans, "the prediction has no region to show"
    ui.highlight(page, spans[0]["value"]["text"].split("\n")[0]).wait_for()
    return ui.regions(page).count()


def prediction_tab(page: Page, prediction: dict) -> None:
    """Wait for the labeling screen's tab of this prediction: its model version (Label Studio shortens it to
    the first 8 and last 6 characters) and its score."""
    version = prediction["model_version"]
    shortened = f"{version[:8]}...{version[-6:]}" if len(version) > 16 else version
    page.locator(".lsf-annotation-button__name", has_text=shortened).first.wait_for()
    page.locator(f'[title="Prediction score = {prediction["score"]:g}"]').first.wait_for()


def test_the_backend_predicts_in_the_labeling_screen_and_retrains_on_a_submit(
    workspace: Workspace, live_studio: Live, page: Page, tmp_path: Path
) -> None:
    cfg = workspace.config()
    project = cfg.project()
    server = live_studio.server()
    # the project's own annotations: the five seeds, annotated (their gold), and a model trained on them
    pushed = AnnotWorkspace(cfg, project.name).push()
    gold = demo.load_gold(REPO / "seeds" / "gold.json")
    tasks = load_state(cfg, project).pushed
    for article_id, result in gold.items():
        server.create_annotation(tasks[article_id], result)
    first = train_project(AnnotWorkspace(cfg, project.name)).version
    assert first.startswith("annot-model-")

    (workspace.root / "seeds" / "more.jsonl").write_text(json.dumps(PUSHED, ensure_ascii=False) + "\n", "utf-8")
    assert AnnotWorkspace(cfg, project.name).push().model_version == first
    varga = ui.task_with(server, pushed.project_id, "Varga")
    with annot_serve(workspace, free_port()) as (url, _):
        assert server.project_settings(pushed.project_id)["model_version"] == first

        # a task imported by hand in the UI: the backend's prediction is on the screen when it is opened
        by_hand = tmp_path / "by-hand.json"
        by_hand.write_text(json.dumps([BY_HAND], ensure_ascii=False), encoding="utf-8")
        import_in_the_ui(page, live_studio.url, pushed.project_id, by_hand)
        park = ui.task_with(server, pushed.project_id, "Jon Park")
        assert "article_id" not in park["data"]
        # the backend predicts it on the TASKS_CREATED webhook (else Label Studio would ask when it is opened)
        (prediction,) = wait_for("the new task's prediction", lambda: predictions_of(live_studio, park["id"]))
        ui.open_task(page, live_studio.url, pushed.project_id, park["id"])
        assert prediction["model_version"] == first
        assert shown_regions(page, prediction) == sum(r.get("type") == "labels" for r in prediction["result"])
        prediction_tab(page, prediction)

        # a pushed task: the model's regions; submitted as they are, which reaches the webhook
        ui.open_task(page, live_studio.url, pushed.project_id, varga["id"])
        (prediction,) = predictions_of(live_studio, varga["id"])
        assert prediction["model_version"] == first
        assert shown_regions(page, prediction) == sum(r.get("type") == "labels" for r in prediction["result"])
        prediction_tab(page, prediction)
        if UPDATE_SCREENSHOT:
            page.screenshot(path=str(SCREENSHOT))
        ui.submit(page)

        def retrained() -> dict | None:
            health = httpx.get(f"{url}/health", timeout=10).json()
            return health if health["training"]["versions"] and not health["training"]["running"] else None

        health = wait_for("a new model version", retrained, timeout=RETRAIN_WAIT_S)
        assert health["events"].get("ANNOTATION_CREATED", 0) >= 1, health
        (second,) = health["training"]["versions"]
        assert second != first and health["model_version"] == second and health["training"]["last_error"] is None
        assert second in [m.version for m in saved_models(cfg.root, project.name)]
        assert (models_dir(cfg.root, project.name) / second / "meta.json").exists()
        # the screen now shows the new version: the project says so, and the unannotated task was repredicted
        assert server.project_settings(pushed.project_id)["model_version"] == second
        assert [p["model_version"] for p in predictions_of(live_studio, varga["id"])] == [first]  # annotated
        (repredicted,) = predictions_of(live_studio, park["id"])
        assert repredicted["model_version"] == second
        ui.open_task(page, live_studio.url, pushed.project_id, park["id"])
        prediction_tab(page, repredicted)
