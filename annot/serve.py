"""`annot serve`: the project's current model as a Label Studio ML backend, retrained as annotations arrive.

Label Studio's ML backend protocol (as Label Studio 1.23 calls it, `label_studio/ml/api_connector.py`):
`GET /health`; `POST /setup` (answers the `model_version`); `POST /predict` with `{"tasks": [...]}`
(answers `{"results": [one prediction per task]}`); `POST /webhook` with every event of the project
(Label Studio adds that webhook when the backend is connected). A submitted or updated annotation
schedules retraining: debounced, in a background thread, so the annotator's request never waits for it.
Nothing here logs a request body: `/setup` carries the project owner's API token.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from annot.config import Config, ProjectConfig
from annot.errors import AnnotError, ServeError
from annot.schema import Schema, load_schema

if TYPE_CHECKING:
    from annot.labelstudio import Server
    from annot.model import Predictor

log = logging.getLogger("annot.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9090
DEBOUNCE_S = 10.0  # a burst of submits (an annotator going through tasks) retrains once, after a pause
BACKEND_TITLE = "annot"
# events after which the annotations differ: retrain. START_TRAINING is the "Start Training" button.
RETRAIN_ON = frozenset(
    {
        "ANNOTATION_CREATED",
        "ANNOTATIONS_CREATED",
        "ANNOTATION_UPDATED",
        "ANNOTATIONS_DELETED",
        "START_TRAINING",
    }
)
TASKS_CREATED = "TASKS_CREATED"
START_TIMEOUT_S = 10.0
LOCK_WAIT_S = 60.0  # a retrain waits this long for an `annot sync` of the same project to finish


@dataclass
class Training:
    """What the background training has done, for /health and for tests."""

    scheduled: int = 0  # events that asked for a retrain
    runs: int = 0
    versions: list[str] = field(default_factory=list)  # model versions trained by this server, oldest first
    last_error: str | None = None
    running: bool = False


class Debouncer:
    """Calls `action` once, `delay` seconds after the last `poke()`; pokes during a run give one more run."""

    def __init__(self, delay: float, action: Callable[[], None]) -> None:
        self.delay = delay
        self.action = action
        self._due: float | None = None
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name="annot-retrain", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        with self._wake:
            self._due = time.monotonic() + self.delay
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and (self._due is None or self._due > time.monotonic()):
                    self._wake.wait(None if self._due is None else self._due - time.monotonic())
                if self._stopped:
                    return
                self._due = None
            try:
                self.action()
            except Exception:  # a failed run must not end the loop; the action reports its own errors
                log.exception("retraining failed")


class Backend:
    """The model behind the HTTP endpoints: predicts, and retrains when told the annotations changed."""

    def __init__(
        self,
        config: Config,
        project: ProjectConfig,
        *,
        debounce: float = DEBOUNCE_S,
        predictor: Predictor | None = None,
        server: Server | None = None,
    ) -> None:
        from annot.model import load_predictor

        self.config = config
        self.project = project
        self.schema: Schema = load_schema(project.schema)
        self.predictor: Predictor = predictor or load_predictor(config.root, project.name, self.schema)
        self.events: Counter[str] = Counter()
        self.training = Training()
        self.project_id: int | None = None  # set by `connect`; events of other projects are ignored then
        self._server = server
        self._swap = threading.Lock()
        self._debouncer = Debouncer(debounce, self.retrain)

    @property
    def version(self) -> str:
        return self.predictor.version

    def server(self) -> Server:
        if self._server is None:
            from annot.sync import connect

            self._server = connect(self.config)
        return self._server

    # -- the protocol ------------------------------------------------------------------------

    def predict(self, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One prediction per task, in order; a task without text gets an empty one."""
        from annot.sync import prediction

        predictor = self.predictor  # one model for the whole request, even if a retrain swaps it meanwhile
        out = []
        for task in tasks:
            data = task.get("data") if isinstance(task, dict) else None
            text = data.get(self.schema.text) if isinstance(data, dict) else None
            out.append(prediction(predictor, text if isinstance(text, str) else "", self.schema))
        return out

    def setup_problem(self, label_config: str | None) -> str | None:
        """Why this backend cannot serve a project with this labeling config, or None."""
        if label_config and f'name="{self.schema.span_control}"' not in label_config:
            return (
                f"this backend serves schema {self.schema.name} (labels control {self.schema.span_control!r}), "
                "which this project's labeling config does not have"
            )
        return None

    def webhook(self, payload: dict[str, Any]) -> str:
        """Take one event; returns what was done with it (`retrain scheduled`, `predicting`, `ignored`)."""
        action = str(payload.get("action") or "")
        self.events[action] += 1
        project = payload.get("project")
        project_id = project.get("id") if isinstance(project, dict) else None
        title = project.get("title") if isinstance(project, dict) else None
        if self.project_id is not None and project_id is not None and project_id != self.project_id:
            return "ignored: another project"
        if self.project_id is None and title is not None and title != self.project.name:
            return "ignored: another project"  # connected by hand in the UI to a project of another name
        if action in RETRAIN_ON:
            self.training.scheduled += 1
            self._debouncer.poke()
            log.info("%s: retraining scheduled in %.0f s", action, self._debouncer.delay)
            return "retrain scheduled"
        if action == TASKS_CREATED:
            made_by_hand = [t for t in payload.get("tasks") or [] if isinstance(t, dict) and _by_hand(t)]
            if made_by_hand and project_id is not None:
                threading.Thread(
                    target=self._predict_new, args=(project_id, made_by_hand), name="annot-predict", daemon=True
                ).start()
                return "predicting"
        return "ignored"

    # -- background work -----------------------------------------------------------------------

    def _predict_new(self, project_id: int, tasks: list[dict[str, Any]]) -> None:
        """Predictions for tasks made in the UI, so they have some wherever they are opened."""
        try:
            fresh = [{"task": t["id"], **p} for t, p in zip(tasks, self.predict(tasks), strict=True)]
            self.server().import_predictions(project_id, fresh)
            log.info("predictions added to %d tasks made in Label Studio", len(fresh))
        except AnnotError as e:
            log.warning("could not add predictions to new tasks: %s", e)

    def retrain(self) -> None:
        """Pull, train on the project's valid annotations, swap the model in, refresh unannotated tasks."""
        from annot import sync
        from annot.model import train_project

        self.training.running = True
        self.training.runs += 1
        started = time.monotonic()
        try:
            # the lock only while the local copy is brought up to date: an `annot sync` meanwhile waits
            # seconds, not the whole training
            with sync.project_lock(self.config, self.project, wait=LOCK_WAIT_S):
                sync.pull(self.config, self.project, server=self.server())
            model = train_project(self.config, self.project, offline=True)
            with self._swap:
                self.predictor = model
            self.training.versions.append(model.version)
            self.training.last_error = None
            log.info("trained %s in %.1f s", model.version, time.monotonic() - started)
            refreshed = sync.repredict(self.config, self.project, predictor=model, server=self.server())
            log.info("%s: predictions of %d unannotated tasks replaced", model.version, refreshed.replaced)
        except Exception as e:  # /health must say why, whatever failed; the server keeps the model it has
            said = " ".join(str(e).split())
            self.training.last_error = said if isinstance(e, AnnotError) else f"{type(e).__name__}: {said}"
            log.warning("not retrained: %s", self.training.last_error, exc_info=not isinstance(e, AnnotError))
        finally:
            self.training.running = False

    def stop(self) -> None:
        self._debouncer.stop()


def _by_hand(task: dict[str, Any]) -> bool:
    """A task annot did not push (no article id) and without predictions yet."""
    data = task.get("data") or {}
    return not data.get("article_id") and not task.get("total_predictions") and not task.get("predictions")


# -- the HTTP side -------------------------------------------------------------------------------


def make_app(backend: Backend) -> FastAPI:
    """The FastAPI application Label Studio talks to."""
    app = FastAPI(title="annot ML backend", docs_url=None, redoc_url=None, openapi_url=None)

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @app.get("/")
    @app.get("/health")
    def health() -> dict[str, Any]:
        t = backend.training
        return {
            "status": "UP",
            "model_class": "annot",
            "model_version": backend.version,
            "project": backend.project.name,
            "events": dict(backend.events),
            "training": {
                "scheduled": t.scheduled,
                "runs": t.runs,
                "running": t.running,
                "versions": t.versions,
                "last_error": t.last_error,
            },
        }

    @app.post("/setup")
    async def setup(request: Request) -> JSONResponse:
        problem = backend.setup_problem((await body(request)).get("schema"))
        if problem:
            return JSONResponse({"error": problem}, status_code=400)
        return JSONResponse({"model_version": backend.version})

    @app.post("/predict")
    async def predict(request: Request) -> JSONResponse:
        tasks = (await body(request)).get("tasks")
        if not isinstance(tasks, list):
            return JSONResponse({"error": "expected {'tasks': [...]}"}, status_code=400)
        # the model works on the CPU for a few milliseconds: off the event loop, in FastAPI's thread pool
        results = await run_in_threadpool(backend.predict, tasks)
        return JSONResponse({"results": results, "model_version": backend.version})

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        return JSONResponse({"status": backend.webhook(await body(request))}, status_code=201)

    @app.get("/versions")
    def versions() -> dict[str, Any]:
        from annot.model import saved_models

        return {"versions": [m.version for m in saved_models(backend.config.root, backend.project.name)]}

    return app


# -- registering with Label Studio ------------------------------------------------------------------


@dataclass
class Connected:
    project_id: int
    backend_id: int
    state: str
    url: str
    webhook: bool  # Label Studio's webhook to <url>/webhook is there
    model_version: str


def connect(backend: Backend, url: str) -> Connected:
    """Register the backend at `url` with the project (it must be answering already) and make the labeling
    screen show its model version's predictions."""
    server = backend.server()
    remote = server.require_project(backend.project.name)
    registered = server.connect_ml_backend(remote.id, url, BACKEND_TITLE)
    backend.project_id = remote.id
    server.show_model_version(remote.id, backend.version)
    hook = url.rstrip("/") + "/webhook"
    has_hook = any(h.get("url") == hook for h in server.webhooks(remote.id))
    return Connected(
        project_id=remote.id,
        backend_id=int(registered["id"]),
        state=str(registered.get("readable_state") or registered.get("state") or ""),
        url=url,
        webhook=has_hook,
        model_version=backend.version,
    )


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def _check_port(host: str, port: int) -> None:
    """One clear line for a port in use, before uvicorn logs its own."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as e:
            raise ServeError(
                f"annot serve cannot listen on {host}:{port} ({e.strerror}); choose another port with --port"
            ) from None


@contextmanager
def serving(backend: Backend, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> Iterator[str]:
    """Serve in a background thread for the duration of the block (a notebook, a test); yields the URL."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(make_app(backend), host=host, port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="annot-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ServeError(f"annot serve could not listen on {host}:{port}; is the port taken?")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)
        backend.stop()


def run(
    backend: Backend,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_started: Callable[[], None] | None = None,
) -> None:
    """Serve until interrupted; `on_started` runs in a thread once the port answers (e.g. `connect`)."""
    import uvicorn

    _check_port(host, port)
    server = uvicorn.Server(
        uvicorn.Config(make_app(backend), host=host, port=port, log_level="warning", access_log=False)
    )
    failed: list[BaseException] = []
    if on_started is not None:
        started = on_started

        def when_started() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                try:
                    started()
                except BaseException as e:  # reported by `run`, once the server has stopped
                    failed.append(e)
                    server.should_exit = True

        threading.Thread(target=when_started, name="annot-connect", daemon=True).start()
    try:
        server.run()
    except SystemExit:  # uvicorn's way of saying it could not start
        pass
    finally:
        backend.stop()
    if failed:
        raise failed[0]
    if not server.started:
        raise ServeError(
            f"annot serve could not listen on {host}:{port}; is the port taken? Choose another with --port"
        )
