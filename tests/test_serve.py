"""`annot serve` (the Label Studio ML backend), `annot push --repredict` and `annot push --order uncertain`.

The protocol tests talk HTTP to the real backend on a free loopback port; the rest run against the
session's real Label Studio, which calls the backend itself, and (in test_browser_serve.py) a real browser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from annot import serve, sync
from annot.model import RulesPredictor, rules_predictor
from annot.schema import label_config, load_schema
from tests.conftest import REPO, SCHEMA, Live, Workspace, free_port, make_workspace
from tests.test_roundtrip import annot

ARTICLE = (
    "Minister Ilse Varga said the deal is “a disgrace”, officials said.\n\n"
    "She told reporters the talks “will not resume this year” and left Brussels."
)
WAIT_S = 30.0  # for something Label Studio or the backend does in the background


def wait_for(what: str, check: Any, timeout: float = WAIT_S) -> Any:
    """Poll `check()` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.2)


class Renamed(RulesPredictor):
    """The rules under another model version: a second model whose predictions are told apart by version."""

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version


# -- the protocol, no Label Studio -------------------------------------------------------------------


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[serve.Backend]:
    ws = make_workspace(tmp_path / "ws", "t-serve", sources=[])
    cfg = ws.config()
    made = serve.Backend(cfg, cfg.project(), debounce=0.3, predictor=rules_predictor())
    yield made
    made.stop()


def test_predict_answers_one_prediction_per_task_and_an_empty_one_without_text(backend: serve.Backend) -> None:
    tasks: list[Any] = [
        {"id": 1, "data": {"text": ARTICLE}},
        {"id": 2, "data": {}},
        {"id": 3, "data": {"text": ""}},
        {"id": 4, "data": {"text": None}},
        {"id": 5, "data": {"text": ["not", "a", "string"]}},
        {"id": 6},
        "not a task",
    ]
    with serve.serving(backend, port=free_port()) as url:
        answer = httpx.post(f"{url}/predict", json={"tasks": tasks, "project": "1.1"}, timeout=10)
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert len(results) == len(tasks)
        first = results[0]
        assert first["model_version"] == "annot-rules-1" and 0.0 <= first["score"] <= 1.0
        spans = [r for r in first["result"] if r.get("type") == "labels"]
        assert {tuple(r["value"]["labels"]) for r in spans} >= {("Speaker",), ("Claim",)}
        for r in spans:
            assert ARTICLE[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
            assert 0.0 <= r["score"] <= 1.0
        for empty in results[1:]:
            assert empty["result"] == [] and empty["model_version"] == "annot-rules-1"
        not_json = httpx.post(f"{url}/predict", content=b"{not json", timeout=10)
        assert not_json.status_code == 400
        assert httpx.post(f"{url}/predict", json={"tasks": "x"}, timeout=10).status_code == 400


def test_health_and_setup_and_a_labeling_config_of_another_schema(backend: serve.Backend) -> None:
    ours = label_config(load_schema(SCHEMA))
    with serve.serving(backend, port=free_port()) as url:
        health = httpx.get(f"{url}/health", timeout=10).json()
        assert health["status"] == "UP" and health["model_version"] == "annot-rules-1"
        setup = httpx.post(f"{url}/setup", json={"project": "1.1", "schema": ours, "access_token": "x"}, timeout=10)
        assert setup.status_code == 200 and setup.json() == {"model_version": "annot-rules-1"}
        other = '<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"/></View>'
        refused = httpx.post(f"{url}/setup", json={"project": "1.1", "schema": other}, timeout=10)
        assert refused.status_code == 400 and "news-stance" in refused.json()["error"]


def test_a_webhook_answers_at_once_and_a_failed_retrain_keeps_the_model(backend: serve.Backend) -> None:
    # no Label Studio key in this workspace: the retrain fails as a user's would, with a reason
    with serve.serving(backend, port=free_port()) as url:
        started = time.perf_counter()
        for _ in range(3):
            answer = httpx.post(f"{url}/webhook", json={"action": "ANNOTATION_CREATED", "project": {"id": 1}})
            assert answer.status_code == 201 and answer.json()["status"] == "retrain scheduled"
        assert time.perf_counter() - started < 1.0  # Label Studio waits 1 s (WEBHOOK_TIMEOUT) for a webhook
        ignored = httpx.post(f"{url}/webhook", json={"action": "PROJECT_UPDATED", "project": {"id": 1}})
        assert ignored.json()["status"] == "ignored"
        elsewhere = {"action": "ANNOTATION_CREATED", "project": {"id": 2, "title": "another project"}}
        assert httpx.post(f"{url}/webhook", json=elsewhere).json()["status"] == "ignored: another project"
        health = wait_for("the retrain to run", lambda: _finished(url))
        assert health["training"]["runs"] == 1  # three events, one run: debounced
        assert "API key" in health["training"]["last_error"]
        assert health["model_version"] == "annot-rules-1"
        assert health["events"]["ANNOTATION_CREATED"] == 4  # every one received, the ignored one included
        assert httpx.post(f"{url}/predict", json={"tasks": [{"data": {"text": ARTICLE}}]}).status_code == 200


def test_a_retrain_failing_with_an_unexpected_error_says_so_on_health(tmp_path: Path) -> None:
    """A web server that is not Label Studio (every path answers a 200 HTML page): the pull fails with
    something other than annot's own errors, and /health still names it instead of a stale `null`."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from annot.labelstudio import Server

    class NotLabelStudio(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!DOCTYPE html><html><body>a web app</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), NotLabelStudio)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    ws = make_workspace(tmp_path / "ws", "t-serve", sources=[])
    cfg = ws.config()
    wrong = Server(f"http://127.0.0.1:{other.server_address[1]}", "0" * 40, retry_seconds=0)
    made = serve.Backend(cfg, cfg.project(), debounce=0.1, predictor=rules_predictor(), server=wrong)
    try:
        with serve.serving(made, port=free_port()) as url:
            httpx.post(f"{url}/webhook", json={"action": "ANNOTATION_CREATED", "project": {"id": 1}})
            health = wait_for("the retrain to run", lambda: _finished(url))
            assert health["training"]["last_error"], health["training"]
            assert health["model_version"] == "annot-rules-1"  # the model it had is kept
    finally:
        other.shutdown()


def _finished(url: str) -> dict[str, Any] | None:
    health = httpx.get(f"{url}/health", timeout=10).json()
    done = health["training"]["runs"] and not health["training"]["running"]
    return health if done else None


def test_debouncer_runs_once_after_a_burst_and_again_for_a_poke_during_a_run() -> None:
    runs: list[float] = []
    release = threading.Event()

    def action() -> None:
        runs.append(time.monotonic())
        if len(runs) == 1:
            release.wait(5)

    debouncer = serve.Debouncer(0.2, action)
    try:
        first_poke = time.monotonic()
        for _ in range(5):
            debouncer.poke()
            time.sleep(0.05)
        wait_for("the first run", lambda: runs, timeout=5)
        assert runs[0] - first_poke >= 0.2 + 4 * 0.05 - 0.02  # 0.2 s after the last poke, not the first
        debouncer.poke()  # during the run
        release.set()
        wait_for("the second run", lambda: len(runs) == 2, timeout=5)
        time.sleep(0.5)
        assert len(runs) == 2
    finally:
        release.set()
        debouncer.stop()


def test_serve_and_push_help_have_examples() -> None:
    for command in (["serve", "--help"], ["push", "--help"]):
        run = annot(*command)
        assert run.returncode == 0 and "Example: annot" in run.stdout, run.stdout
    bad = annot("push", "--order", "random")
    assert bad.returncode == 2 and "uncertain" in bad.stderr


# -- against the real Label Studio ------------------------------------------------------------------


@contextmanager
def annot_serve(ws: Workspace, port: int, *extra: str) -> Iterator[tuple[str, list[str]]]:
    """`annot serve --connect` as a user starts it, in the workspace; yields (url, its output lines so far)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "annot.cli", "serve", "--connect", "--port", str(port), "--debounce", "1", *extra],
        cwd=ws.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        wait_for("annot serve to connect", lambda: any("connected to project" in x for x in lines) or proc.poll())
        assert proc.poll() is None, "".join(lines)
        yield f"http://127.0.0.1:{port}", lines
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        reader.join(timeout=5)


def predictions_of(live: Live, task_id: int) -> list[dict[str, Any]]:
    return live.server()._raw("GET", f"/api/tasks/{task_id}").json()["predictions"]


@pytest.mark.server
def test_connect_predicts_on_tasks_made_in_label_studio_and_never_logs_the_key(
    workspace: Workspace, live_studio: Live
) -> None:
    assert annot("push").returncode == 0
    server = live_studio.server()
    project_id = server.find_project(workspace.project).id
    with annot_serve(workspace, free_port()) as (url, lines):
        (backend,) = server.ml_backends(project_id)
        assert backend["url"] == url and backend["readable_state"] == "Connected"
        assert [h["url"] for h in server.webhooks(project_id)] == [f"{url}/webhook"]
        assert server.project_settings(project_id)["model_version"] == "annot-rules-1"

        # a task made outside annot (no article id): the TASKS_CREATED webhook brings it a prediction
        made = server._raw("POST", "/api/tasks", json={"project": project_id, "data": {"text": ARTICLE}}).json()
        prediction = wait_for("a prediction on the new task", lambda: predictions_of(live_studio, made["id"]))[0]
        assert prediction["model_version"] == "annot-rules-1" and prediction["result"]
        empty = server._raw("POST", "/api/tasks", json={"project": project_id, "data": {"text": ""}}).json()
        assert wait_for("an empty prediction", lambda: predictions_of(live_studio, empty["id"]))[0]["result"] == []

        # Label Studio's own path: a task opened without predictions makes it call /predict
        server.delete_predictions(project_id, [made["id"]])
        again = predictions_of(live_studio, made["id"])
        assert [p["model_version"] for p in again] == ["annot-rules-1"]
        assert again[0]["result"] == prediction["result"]
        health = httpx.get(f"{url}/health", timeout=10).json()
        assert health["events"]["TASKS_CREATED"] == 2
    output = "".join(lines)
    assert "connected to project" in output
    # Label Studio's /setup carries the owner's token, which here is the key itself
    assert live_studio.api_key not in output and os.environ["LABEL_STUDIO_API_KEY"] not in output


@pytest.mark.server
def test_repredict_replaces_predictions_only_on_tasks_nobody_annotated(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    project = cfg.project()
    pushed = sync.push(cfg, project)
    assert pushed.imported == 5 and pushed.model_version == "annot-rules-1"
    server = live_studio.server()
    state = sync.load_state(cfg, project)
    annotated = sorted(state.pushed.values())[:2]
    untouched = sorted(state.pushed.values())[2:]
    for task_id in annotated:
        result = predictions_of(live_studio, task_id)[0]["result"]
        server.create_annotation(task_id, result)
    # and one skipped: someone has been there too
    server._raw("POST", f"/api/tasks/{untouched[0]}/annotations", json={"result": [], "was_cancelled": True})
    annotated.append(untouched.pop(0))
    before = {t: server._raw("GET", f"/api/tasks/{t}").json() for t in annotated}

    done = sync.repredict(cfg, project, predictor=Renamed("annot-test-2"))
    assert (done.replaced, done.current, done.annotated, done.tasks) == (2, 0, 3, 5)
    for task_id in untouched:
        assert [p["model_version"] for p in predictions_of(live_studio, task_id)] == ["annot-test-2"]
    for task_id in annotated:
        after = server._raw("GET", f"/api/tasks/{task_id}").json()
        assert after["predictions"] == before[task_id]["predictions"]
        assert after["annotations"] == before[task_id]["annotations"]
    assert server.project_settings(pushed.project_id)["model_version"] == "annot-test-2"
    assert sync.repredict(cfg, project, predictor=Renamed("annot-test-2")).replaced == 0  # nothing left to do

    run = annot("push", "--repredict")  # back to the project's own predictor: the rules
    assert run.returncode == 0, run.stderr
    assert "repredicted with annot-rules-1: 2 unannotated tasks replaced, 0 already current, 3 annotated" in run.stdout
    assert server.project_settings(pushed.project_id)["model_version"] == "annot-rules-1"


@pytest.mark.server
def test_push_order_uncertain_imports_the_least_certain_first(workspace: Workspace, live_studio: Live) -> None:
    run = annot("push", "--order", "uncertain")
    assert run.returncode == 0, run.stderr
    assert "serves tasks by uncertainty" in run.stdout
    server = live_studio.server()
    project_id = server.find_project(workspace.project).id
    tasks = sorted(server.export_all(project_id), key=lambda t: t["id"])
    scores = [predictions_of(live_studio, t["id"])[0]["score"] for t in tasks]
    assert scores == sorted(scores) and scores[0] < scores[-1], scores
    rules = rules_predictor()
    for task, score in zip(tasks, scores, strict=True):
        assert score == pytest.approx(1 - rules.uncertainty(task["data"]["text"]), abs=1e-4)
    assert server.project_settings(project_id)["sampling"] == sync.UNCERTAINTY_SAMPLING
    # Label Studio's labeling stream now serves the lowest score first
    following = server._raw("GET", f"/api/projects/{project_id}/next").json()
    assert following["id"] == tasks[0]["id"]
    again = annot("push", "--order", "uncertain")
    assert "0 imported, 5 already there" in again.stdout and "serves tasks" not in again.stdout


def test_the_uncertain_order_is_stable_for_ties() -> None:
    class Fixed(RulesPredictor):
        def uncertainty(self, text: str) -> float:
            return {"a": 0.2, "b": 0.5, "c": 0.2, "d": 0.9}[text[0]]

    from annot.records import Article

    schema = load_schema(SCHEMA)
    model = Fixed()
    articles = [Article(id=c, title=c, text=f"{c} said hello.", origin="x") for c in "abcd"]
    payloads = [(a, sync.task_payload(a, schema, None)) for a in articles]
    ordered = sync._least_certain_first(payloads, lambda: model, lambda *_: None)
    assert [a.id for a, _ in ordered] == ["d", "b", "a", "c"]
    with_predictions = [(a, sync.task_payload(a, schema, model)) for a in articles]
    assert [a.id for a, _ in sync._least_certain_first(with_predictions, lambda: model, lambda *_: None)] == [
        "d",
        "b",
        "a",
        "c",
    ]
    assert json.dumps(with_predictions[0][1]["predictions"][0]["score"]) == "0.8"
