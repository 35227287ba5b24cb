"""The boundary with Label Studio: HTTP statuses mapped once to error classes, retries set per call.

Statuses come from the session's real Label Studio. Retries across threads, and the answers a
default local server does not give (503s on demand, its SSRF guard), come from a small real HTTP
server on loopback that answers as Label Studio does.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from annot.errors import AddressBlockedError, AuthError, LabelStudioError, NotFoundError
from annot.labelstudio import Server
from annot.workspace import Workspace as AnnotWorkspace
from tests.helpers import Live, Workspace, free_port

LEGACY_KEY = "0" * 40  # the shape of a legacy token: sent as it is, no token exchange
HOLD_S = 20.0  # longest a held answer waits for the test to release it
# what Label Studio 1.23.2, started with its SSRF guard on, answers to POST /api/ml with a loopback URL
SSRF_ANSWER = {"status_code": 403, "detail": "URL resolves to a reserved network address (block: 127.0.0.0/8)"}


# -- a flaky stand-in: 503 a few times, imports held until the test releases them --------------------


@dataclass
class _Held:
    """One import request held by the stand-in until released with a status."""

    released: threading.Event = field(default_factory=threading.Event)
    status: int = 503


class Flaky:
    """What the stand-in server does; its handler reads and counts here."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version_failures = 0  # 503s still to give GET /api/version
        self.version_requests = 0
        self.imports: list[_Held] = []
        self.import_arrived = threading.Condition(self.lock)

    def arrived(self, n: int) -> None:
        """Wait until `n` import requests are held."""
        with self.import_arrived:
            assert self.import_arrived.wait_for(lambda: len(self.imports) >= n, timeout=HOLD_S), self.imports

    def release(self, i: int, status: int) -> None:
        self.imports[i].status = status
        self.imports[i].released.set()


class _Handler(BaseHTTPRequestHandler):
    flaky: Flaky

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        flaky = self.flaky
        if self.path.startswith("/api/version"):
            with flaky.lock:
                flaky.version_requests += 1
                failing = flaky.version_failures > 0
                flaky.version_failures -= failing
            self._answer(503, {"detail": "busy"}) if failing else self._answer(200, {"release": "1.23.2"})
        elif self.path.startswith("/api/ml"):
            self._answer(200, [])
        elif self.path.startswith("/api/current-user"):  # as Label Studio answers a key without the right
            self._answer(403, {"detail": "You do not have permission to perform this action."})
        else:
            self._answer(404, {"detail": "Not found."})

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/api/ml"):
            self._answer(403, SSRF_ANSWER)
            return
        held = _Held()
        with self.flaky.import_arrived:
            self.flaky.imports.append(held)
            self.flaky.import_arrived.notify_all()
        held.released.wait(HOLD_S)
        self._answer(held.status, {"task_ids": [len(self.flaky.imports)]} if held.status == 201 else {})

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def flaky() -> Iterator[tuple[Flaky, str]]:
    state = Flaky()
    handler = type("Handler", (_Handler,), {"flaky": state})
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    site.daemon_threads = True
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        for held in state.imports:
            held.released.set()
        site.shutdown()
        site.server_close()


def _import(server: Server) -> list[int]:
    return server.import_tasks(1, [{"data": {"text": "one task"}}])


# -- retries: set per call, never by changing the Server other threads use ----------------------------


def test_an_import_not_retried_leaves_another_threads_calls_retried(flaky: tuple[Flaky, str]) -> None:
    """While one thread's import (never retried) is in flight, another thread's call on the same Server
    is retried through 503s; and the import, answered 503, is sent once, not retried along with it."""
    state, url = flaky
    server = Server(url, LEGACY_KEY, retry_seconds=30)
    with ThreadPoolExecutor(1) as pool:
        importing = pool.submit(_import, server)
        state.arrived(1)
        state.version_failures = 2
        try:
            assert server.version() == "1.23.2"  # retried past two 503s meanwhile
        finally:
            state.release(0, 503)
        with pytest.raises(LabelStudioError) as refused:
            importing.result(timeout=HOLD_S)
    assert refused.value.status == 503
    assert state.version_requests == 3
    time.sleep(1.0)  # a retry would come within the first backoff (0.5 s plus jitter)
    assert len(state.imports) == 1


def test_imports_overlapping_on_two_threads_leave_the_retries_on(flaky: tuple[Flaky, str]) -> None:
    """Two imports in flight at once (as a push keeps them), the first one answered first: afterwards
    the Server's calls are retried as before, and each import went once."""
    state, url = flaky
    server = Server(url, LEGACY_KEY, retry_seconds=30)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(_import, server)
        state.arrived(1)
        second: Future[list[int]] = pool.submit(_import, server)
        state.arrived(2)
        state.release(0, 201)
        assert first.result(timeout=HOLD_S) == [2]
        state.release(1, 503)
        with pytest.raises(LabelStudioError) as refused:
            second.result(timeout=HOLD_S)
    assert refused.value.status == 503
    state.version_failures = 2
    assert server.version() == "1.23.2"
    assert state.version_requests == 3 and len(state.imports) == 2
    assert server.retry_seconds == 30


def test_the_servers_retry_budget_cannot_be_changed_under_other_threads() -> None:
    server = Server("http://127.0.0.1:9", LEGACY_KEY, retry_seconds=7)
    with pytest.raises(AttributeError):
        server.retry_seconds = 0  # type: ignore[misc]
    assert server.retry_seconds == 7


# -- statuses become classes at the boundary ------------------------------------------------------------


def test_the_ssrf_guard_is_its_own_error_not_a_refused_key(flaky: tuple[Flaky, str]) -> None:
    """Label Studio's SSRF guard answers 403, as a refused key does: the body tells them apart, once."""
    _, url = flaky
    with pytest.raises(AddressBlockedError) as blocked:
        Server(url, LEGACY_KEY, retry_seconds=0).connect_ml_backend(1, "http://127.0.0.1:9090", "annot")
    assert not isinstance(blocked.value, AuthError) and blocked.value.status == 403
    assert "refuses ML backends on private or loopback addresses" in str(blocked.value)
    assert "annot studio down && annot studio up" in str(blocked.value)
    with pytest.raises(AuthError) as refused:  # a 403 without the guard's words is the key refused
        Server(url, LEGACY_KEY, retry_seconds=0).whoami()
    assert refused.value.status == 403 and "refused the API key" in str(refused.value)


def test_no_answer_has_no_status() -> None:
    with pytest.raises(LabelStudioError) as refused:
        Server(f"http://127.0.0.1:{free_port()}", LEGACY_KEY, retry_seconds=0).version()
    assert type(refused.value) is LabelStudioError and refused.value.status is None
    assert "cannot reach Label Studio" in str(refused.value)


@pytest.mark.server
def test_a_project_that_does_not_exist_is_not_found_404(live_studio: Live) -> None:
    server = live_studio.server()
    with pytest.raises(NotFoundError) as missing:
        server.get_project(987654)
    assert missing.value.status == 404 and live_studio.url in str(missing.value)
    with pytest.raises(NotFoundError) as untitled:
        server.require_project("no project has this title")
    assert untitled.value.status == 404 and "run `annot push` first" in str(untitled.value)


@pytest.mark.server
def test_a_refused_key_is_an_auth_error_401(live_studio: Live) -> None:
    with pytest.raises(AuthError) as refused:
        Server(live_studio.url, LEGACY_KEY, retry_seconds=0).whoami()
    assert refused.value.status == 401
    assert "refused the API key" in str(refused.value) and LEGACY_KEY not in str(refused.value)


@pytest.mark.server
@pytest.mark.parametrize("expires_in", [3600, -3600], ids=["signed-elsewhere", "expired"])
def test_a_refused_personal_access_token_is_an_auth_error_401(live_studio: Live, expires_in: int) -> None:
    """A personal access token goes through the SDK's token exchange: the server refuses one it did not
    sign, the SDK one that has expired; both are the SDK's errors, mapped at the boundary like the rest."""
    claims = {"token_type": "refresh", "exp": int(time.time()) + expires_in, "jti": "0" * 32, "user_id": 1}
    token = jwt.encode(claims, "not the server's secret, long enough for HS256", algorithm="HS256")
    with pytest.raises(AuthError) as refused:
        Server(live_studio.url, token, retry_seconds=0).whoami()
    assert refused.value.status == 401 and token not in str(refused.value)


@pytest.mark.server
def test_show_model_version_only_for_a_version_the_project_has(workspace: Workspace, live_studio: Live) -> None:
    """Label Studio refuses (400) a model version no prediction has: the setting stays, False, no error."""
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    server = live_studio.server()
    shown = server.project_settings(pushed.project_id).get("model_version")
    assert server.show_model_version(pushed.project_id, "no-prediction-has-this") is False
    assert server.project_settings(pushed.project_id).get("model_version") == shown
    task_id = server.task_overview(pushed.project_id)[0].id
    server.import_predictions(pushed.project_id, [{"task": task_id, "result": [], "model_version": "v-test"}])
    assert server.show_model_version(pushed.project_id, "v-test") is True
    assert server.project_settings(pushed.project_id).get("model_version") == "v-test"
    assert server.show_model_version(pushed.project_id, "v-test") is False  # already shown


@pytest.mark.server
def test_a_project_read_by_its_fields_alone_says_the_full_views_values(workspace: Workspace, live_studio: Live) -> None:
    """`get_project` asks only for its fields (the full view also counts the annotator's queue, which costs
    seconds on a large project): the task count, config, description and overlap settings agree with the
    full view's, also after tasks are deleted and settings changed."""
    pushed = AnnotWorkspace(workspace.config()).push()
    server = live_studio.server()
    server.update_project(pushed.project_id, maximum_annotations=2, overlap_cohort_percentage=50)
    task_id = server._list_tasks(pushed.project_id, "id")[0]["id"]
    server._raw("DELETE", f"/api/tasks/{task_id}/")
    asked: list[str] = []
    server.http.event_hooks["request"].append(lambda r: asked.append(r.url.params.get("include", "")))
    slim = server.get_project(pushed.project_id)
    assert asked and "task_number" in asked[0].split(",")
    full = server.project_settings(pushed.project_id)
    assert "queue_total" in full  # the full view is what the slim one leaves out
    assert slim == Server._project(full)
    assert slim.task_number == pushed.imported - 1 and slim.settings["maximum_annotations"] == 2
    assert server.find_project(slim.title) == slim


@pytest.mark.server
def test_a_project_is_found_by_the_id_the_state_remembers_else_by_its_title(live_studio: Live) -> None:
    """The remembered id saves the project list (one request instead of two); an id that is gone, or that
    now names another project, falls back to the title."""
    server = live_studio.server()
    config = "<View><Text name='text' value='$text'/></View>"
    title = f"hinted-{uuid.uuid4().hex[:8]}"
    made = server.ensure_project(title, config, "d", "i")
    other = server.ensure_project(f"other-{uuid.uuid4().hex[:8]}", config, "d", "i")
    paths: list[str] = []
    server.http.event_hooks["request"].append(lambda request: paths.append(request.url.path))

    assert server.find_project(title, hint=made.id) == made
    assert paths == [f"/api/projects/{made.id}"]
    for hint in (987654, other.id, None):  # gone; another project's; none
        paths.clear()
        assert server.find_project(title, hint=hint) == made
        assert "/api/projects" in paths
