"""The Label Studio server, seen through its API: the only importer of `label_studio_sdk`.

Calls are plain HTTP on one `httpx.Client`; the SDK is loaded only to exchange a
personal access token for access tokens (and refresh them), which it does well.

Every call goes through `_call`, which retries transient failures (connection
refused or reset, timeouts, 502/503/504) with backoff and jitter for a bounded
time (the server's budget, or one given for that call alone) and maps whatever is
left to annot's own errors, once, in `_translate`: every LabelStudioError carries
the HTTP status (None when no answer came), 404 is a NotFoundError, a refused key
an AuthError. Messages never contain the API key.
"""

from __future__ import annotations

import functools
import json
import os
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential_jitter

from annot.atomic import replacing
from annot.errors import AddressBlockedError, AuthError, LabelStudioError, NotFoundError

T = TypeVar("T")

# issue 19, raw import of 5,000 tasks against batches of 1,000 (tests/benchmarks/bench_archive.py, two runs):
# batches of 2,000 took 0.91x and 0.92x on PostgreSQL, 0.78x and 0.89x on SQLite; 250: 1.4x-2.1x
IMPORT_BATCH = 2000
# import requests in flight at once: 4 took 0.68x and 0.93x of one at a time on PostgreSQL, but 4.3x and
# 6.5x on SQLite (its one writer makes them queue); so one, unless ANNOT_IMPORTS_IN_FLIGHT says more
IMPORTS_IN_FLIGHT_ENV = "ANNOT_IMPORTS_IN_FLIGHT"
IMPORTS_IN_FLIGHT_POSTGRES = 4
REQUEST_TIMEOUT_S = 120.0  # one export of a large project can take a while
# the server builds a whole export before its first byte: 20,000 annotated tasks took over 120 s on a
# loaded 2-core machine (issue 19), so an export may wait this long for it
EXPORT_TIMEOUT_S = 1800.0
RETRY_TOTAL_S = float(os.environ.get("ANNOT_RETRY_SECONDS", "60"))
TRANSIENT_STATUS = frozenset({502, 503, 504})
EXPORT_CHUNK = 1 << 16
LIST_PAGE = 5000  # ids and times only: small rows, so big pages
ID_PAGE = 5000  # tasks per page when listing article ids (issue 19: 10,000 measured no faster)
ID_PAGES_IN_FLIGHT = 4  # such pages asked for at once (issue 19: see docs/architecture.md, facts measured)
ID_LISTING_ATTEMPTS = 2
ARTICLE_ID_META = "article_id"  # task meta key under which a push files the article id
EXPORT_IDS_PER_REQUEST = 400  # task ids in one export URL (ids[]=...), well under URL length limits
# the project settings that decide how many annotators see a task (README: Label Studio facts)
OVERLAP_SETTINGS = ("maximum_annotations", "overlap_cohort_percentage", "show_overlap_first")
# the fields a Project is made of: asked for by name (`include`), the project view computes nothing else. Without
# it, Label Studio 1.23 counts the annotator's queue too (two DISTINCT counts over the project's tasks and their
# annotations): 0.65-2.1 s of the 1-2 s a sync with nothing new took at 20,000-100,000 annotated tasks (issue 19)
PROJECT_FIELDS = ",".join(("id", "title", "task_number", "label_config", "description", *OVERLAP_SETTINGS))


def imports_in_flight() -> int:
    """Import requests a push keeps in flight: `$ANNOT_IMPORTS_IN_FLIGHT` (4 suits a server on PostgreSQL), else 1."""
    try:
        return max(1, int(os.environ.get(IMPORTS_IN_FLIGHT_ENV) or 1))
    except ValueError:
        return 1


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every request: httpx otherwise builds one per call, about 30 ms each."""
    return httpx.create_ssl_context()


class _KeyExchangeFailed(Exception):
    """The SDK's exchange of a personal access token for an access token failed with this status."""

    def __init__(self, status: int | None, body: Any) -> None:
        super().__init__(status)
        self.status, self.body = status, body


def _transient(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in TRANSIENT_STATUS
    if isinstance(error, _KeyExchangeFailed):
        return error.status in TRANSIENT_STATUS
    return isinstance(error, httpx.TransportError)  # refused, reset, timeouts, protocol errors


def _ssrf_guard(body: Any) -> bool:
    """Whether a 403 is Label Studio's SSRF guard refusing an address rather than the key. Both answer 403
    and no field tells them apart, so its wording is the only sign (Label Studio 1.23: "URL resolves to a
    reserved network address (block: 127.0.0.0/8)")."""
    return "reserved network address" in str(body)


def _is_personal_access_token(key: str) -> bool:
    """Personal access tokens are JWTs (three base64 parts); legacy tokens are 40 hex characters."""
    return key.startswith("eyJ") and key.count(".") == 2


def _json_or_text(body: Any) -> Any:
    try:
        return json.loads(body) if isinstance(body, str) else body
    except ValueError:
        return body


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("detail", "validation_errors", "message", "error"):
            if key in body:
                text = json.dumps(body[key]) if not isinstance(body[key], str) else body[key]
                return text[:300]
    return str(body)[:300]


@dataclass(frozen=True)
class TaskOverview:
    """One task as `annot push --repredict` needs it: its text, whether anyone annotated or skipped it,
    and the model versions of its predictions."""

    id: int
    text: str
    annotations: int  # submitted and skipped
    model_versions: list[str]


@dataclass(frozen=True)
class Project:
    id: int
    title: str
    task_number: int
    label_config: str
    description: str
    settings: dict[str, Any] = field(default_factory=dict)  # overlap: maximum_annotations and the rest


class Server:
    """A connection to one Label Studio server (URL + API key, legacy or personal access token)."""

    def __init__(self, url: str, api_key: str, *, retry_seconds: float | None = None) -> None:
        self.url = url.rstrip("/")
        self._retry_seconds = RETRY_TOTAL_S if retry_seconds is None else retry_seconds
        self._api_key = api_key
        self._sdk: Any = None
        self._client: httpx.Client | None = None

    def __repr__(self) -> str:  # never show the key
        return f"Server({self.url!r})"

    @property
    def retry_seconds(self) -> float:
        """How long a call retries transient failures unless it says otherwise. Read-only: threads share
        a Server, so a call that must not be retried passes its own budget to `_raw` instead."""
        return self._retry_seconds

    @property
    def http(self) -> httpx.Client:
        """One client, so requests reuse their connection."""
        if self._client is None:
            self._client = httpx.Client(timeout=REQUEST_TIMEOUT_S, verify=_tls())
        return self._client

    def _headers(self) -> dict[str, str]:
        """Auth headers: a legacy token as is; a personal access token exchanged (and refreshed) by the SDK."""
        if not _is_personal_access_token(self._api_key):
            return {"Authorization": f"Token {self._api_key}"}
        # the SDK takes a second to import: load it only for the token exchange that needs it
        from label_studio_sdk.core.api_error import ApiError

        try:
            if self._sdk is None:
                from label_studio_sdk.client import LabelStudio

                self._sdk = LabelStudio(
                    base_url=self.url, api_key=self._api_key, timeout=REQUEST_TIMEOUT_S, max_retries=0
                )
            return dict(self._sdk._client_wrapper.get_headers())
        except ApiError as e:  # an expired key (found before asking), or the server's answer to the exchange
            raise _KeyExchangeFailed(e.status_code, e.body) from None
        except ValueError as e:  # the answer is not JSON, or not the tokens: not Label Studio answering
            raise LabelStudioError(
                f"{self.url} did not answer the exchange of the personal access token as Label Studio does "
                f"({type(e).__name__}): check LABEL_STUDIO_URL points at the Label Studio server"
            ) from None

    # -- the one boundary where errors are translated ------------------------------

    def _call(self, what: str, fn: Callable[[], T], retry_seconds: float | None = None) -> T:
        """`fn()`, its transient failures retried for `retry_seconds` (this call only; default the server's)."""
        budget = self._retry_seconds if retry_seconds is None else retry_seconds
        retrying = Retrying(
            stop=stop_after_delay(budget),
            wait=wait_exponential_jitter(multiplier=0.5, max=8.0),
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        try:
            return retrying(fn)
        except httpx.HTTPStatusError as e:
            raise self._translate(what, e.response.status_code, e.response.text, budget) from None
        except _KeyExchangeFailed as e:
            raise self._translate(what, e.status, e.body, budget, key_exchange=True) from None
        except httpx.TransportError as e:
            raise LabelStudioError(
                f"cannot reach Label Studio at {self.url} ({what}: {type(e).__name__}); is it running? "
                "Start the local one with `annot studio up` or check LABEL_STUDIO_URL",
                status=None,
            ) from None

    def _translate(
        self, what: str, status: int | None, body: Any, budget: float, *, key_exchange: bool = False
    ) -> LabelStudioError:
        """The one place an HTTP status becomes an error class. `key_exchange`: the answer of the token
        endpoint, which judges nothing but the key, so a 400 there (a malformed token) refuses it too."""
        if status == 403 and _ssrf_guard(body):
            return AddressBlockedError(
                f"Label Studio at {self.url} refused to reach a private or loopback address while trying to "
                f"{what}: {_detail(_json_or_text(body))}",
                status,
            )
        if status in (401, 403) or (key_exchange and status is not None and 400 <= status < 500):
            return AuthError(
                f"Label Studio at {self.url} refused the API key ({status}) while trying to {what}: "
                "copy a valid token from Account & Settings, set LABEL_STUDIO_API_KEY, or run `annot studio up`",
                status,
            )
        if status == 404:
            return NotFoundError(f"Label Studio at {self.url} has nothing at {what} (404): {_detail(body)}", status)
        if status in TRANSIENT_STATUS:
            return LabelStudioError(
                f"Label Studio at {self.url} kept failing ({status}) for {budget:.0f} s while trying "
                f"to {what}; check the server and run the command again (nothing is lost)",
                status,
            )
        return LabelStudioError(f"Label Studio at {self.url} answered {status} to {what}: {_detail(body)}", status)

    def _raw(self, method: str, path: str, *, retry_seconds: float | None = None, **kwargs: Any) -> httpx.Response:
        """One HTTP call; transient failures retried (for `retry_seconds`, this call only; default the server's),
        errors translated."""

        def go() -> httpx.Response:
            response = self.http.request(method, f"{self.url}{path}", headers=self._headers(), **kwargs)
            response.raise_for_status()
            if response.headers.get("content-type", "").startswith("text/html"):  # the API answers JSON only
                raise LabelStudioError(
                    f"{self.url} answered {method} {path} with a web page, not Label Studio's API: "
                    "check LABEL_STUDIO_URL (or [labelstudio] url in annot.toml) points at the Label Studio server",
                    response.status_code,
                )
            return response

        return self._call(f"{method} {path}", go, retry_seconds)

    # -- account ---------------------------------------------------------------------

    def whoami(self) -> dict[str, Any]:
        return self._raw("GET", "/api/current-user/whoami").json()

    def version(self) -> str | None:
        return self._raw("GET", "/api/version").json().get("release")

    # -- projects --------------------------------------------------------------------

    def find_project(self, title: str, hint: int | None = None) -> Project | None:
        """The project with exactly this title, or None. Several with one title: the oldest.

        `hint`, the id the project had last time, is tried first: one small request instead of the project
        list, which Label Studio fills with every project's counts (about a quarter of a second at 20,000
        tasks). A hint that is gone or now names another project falls back to the list.
        """
        if hint is not None:
            try:
                hinted = self.get_project(hint)
            except NotFoundError:
                hinted = None
            if hinted is not None and hinted.title == title:
                return hinted
        params = {"title": title, "page_size": 100, "include": "id,title"}  # no counts: see PROJECT_FIELDS
        found = self._raw("GET", "/api/projects", params=params).json()
        results = found.get("results", found) if isinstance(found, dict) else found
        matches = sorted((p for p in results if p.get("title") == title), key=lambda p: p["id"])
        return self.get_project(matches[0]["id"]) if matches else None

    def require_project(self, title: str, hint: int | None = None) -> Project:
        """The project with exactly this title; NotFoundError (what to run) when the server has none."""
        project = self.find_project(title, hint)
        if project is None:
            raise NotFoundError(f"no project {title!r} on {self.url}; run `annot push` first")
        return project

    def get_project(self, project_id: int) -> Project:
        return self._project(self._raw("GET", f"/api/projects/{project_id}", params={"include": PROJECT_FIELDS}).json())

    @staticmethod
    def _project(p: dict[str, Any]) -> Project:
        return Project(
            id=p["id"],
            title=p["title"],
            task_number=p.get("task_number") or 0,
            label_config=p.get("label_config") or "",
            description=p.get("description") or "",
            settings={k: p[k] for k in OVERLAP_SETTINGS if k in p},
        )

    def ensure_project(
        self,
        title: str,
        label_config: str,
        description: str,
        instructions: str,
        *,
        settings: dict[str, Any] | None = None,
        before_config_change: Callable[[Project], None] | None = None,
        hint: int | None = None,
    ) -> Project:
        """Find the project by title or create it; update its config when the schema changed,
        and its `settings` (overlap) when they differ. `before_config_change` sees the project
        as it is before a new config is sent, and may stop it by raising. `hint`: as for `find_project`."""
        project = self.find_project(title, hint)
        settings = settings or {}
        fields = {
            "label_config": label_config,
            "description": description,
            "expert_instruction": instructions,
            "show_instruction": True,
        }
        if project is None:
            body = {"title": title, **fields, **settings}
            return self._project(self._raw("POST", "/api/projects", json=body).json())
        changed = {k: v for k, v in settings.items() if project.settings.get(k) != v}
        if project.label_config.strip() != label_config.strip() or project.description != description:
            if before_config_change is not None:
                before_config_change(project)
            changed.update(fields)
        if changed:
            return self._project(self._raw("PATCH", f"/api/projects/{project.id}", json=changed).json())
        return project

    # -- tasks -------------------------------------------------------------------------

    def import_tasks(self, project_id: int, tasks: Sequence[dict[str, Any]]) -> list[int]:
        """Import one batch of tasks (with inline predictions/annotations); returns the new task ids.

        Not retried here: a batch whose answer was lost may have landed, so the caller
        re-checks which articles are on the server before sending it again.
        """
        # retry budget 0 for this call only: several imports may be in flight on other threads
        response = self._raw(
            "POST",
            f"/api/projects/{project_id}/import",
            params={"return_task_ids": "true"},
            json=list(tasks),
            retry_seconds=0.0,
        )
        return list(response.json().get("task_ids") or [])

    def changed_since(self, project_id: int, watermark: str | None, limit: int | None = None) -> list[tuple[int, str]]:
        """(task id, updated_at) of the tasks updated after `watermark` (all tasks if None), newest first.

        Label Studio bumps a task's `updated_at` when one of its annotations is created,
        edited or deleted, so this one filtered listing finds what a sync must fetch.
        """
        items = []
        if watermark:
            items = [
                {"filter": "filter:tasks:updated_at", "operator": "greater", "type": "Datetime", "value": watermark}
            ]
        query = json.dumps({"filters": {"conjunction": "and", "items": items}, "ordering": ["-tasks:updated_at"]})
        changed: list[tuple[int, str]] = []
        page, page_size = 1, min(limit or LIST_PAGE, LIST_PAGE)
        while True:
            params = {"project": project_id, "query": query, "include": "id,updated_at", "page": page}
            try:
                body = self._raw("GET", "/api/tasks", params={**params, "page_size": page_size}).json()
            except NotFoundError:  # past the last page
                break
            tasks = body.get("tasks", [])
            changed += [(int(t["id"]), t["updated_at"]) for t in tasks]
            if len(tasks) < page_size or len(changed) >= body.get("total", 0) or (limit and len(changed) >= limit):
                break
            page += 1
        return changed[:limit] if limit else changed

    def article_ids(self, project_id: int) -> dict[str, int]:
        """article_id -> task id for every task of the project, read from the server.

        The Data Manager's listing of ids and `meta` (where annot puts the article id) costs
        a fraction of an export, which serializes annotations and predictions too (issue 19:
        0.3-1.0 ms a task against 3.3; `/api/projects/{id}/tasks/` costs 4.2, one query per
        task), less again with several pages in flight (`_list_tasks`); tasks imported without
        it are looked up in their data. A count short of the
        project's task number (tasks deleted or made meanwhile) means a second listing, then
        the export.
        """
        for _ in range(ID_LISTING_ATTEMPTS):
            expected = self.get_project(project_id).task_number
            listed = self._list_tasks(project_id, "id,meta")
            bare = [t["id"] for t in listed if not (t.get("meta") or {}).get(ARTICLE_ID_META)]
            if bare:  # imported by hand or by an older annot: the id is only in the data
                listed = self._list_tasks(project_id, "id,data")
            if len({t["id"] for t in listed}) >= expected:
                break
        else:
            listed = list(self.export_all(project_id))
        found: dict[str, int] = {}
        for task in sorted(listed, key=lambda t: t["id"]):
            article_id = (task.get("meta") or {}).get(ARTICLE_ID_META) or (task.get("data") or {}).get("article_id")
            if article_id:
                found.setdefault(article_id, task["id"])
        return found

    def _list_tasks(self, project_id: int, include: str) -> list[dict[str, Any]]:
        """Every task of the project with only the `include`d fields: the first page says how many there
        are, the others are asked for ID_PAGES_IN_FLIGHT at a time. A page past the end (tasks deleted
        meanwhile) is empty; tasks deleted or made meanwhile may be missed, which `article_ids` notices."""

        def page(number: int) -> tuple[list[dict[str, Any]], int]:
            params = {"project": project_id, "include": include, "page_size": ID_PAGE, "page": number}
            try:
                body = self._raw("GET", "/api/tasks", params={**params, "resolve_uri": "false"}).json()
            except NotFoundError:  # past the last page
                return [], 0
            return body.get("tasks", []), int(body.get("total") or 0)

        tasks, total = page(1)
        rest = range(2, -(-total // ID_PAGE) + 1)
        if len(tasks) == ID_PAGE and rest:
            with ThreadPoolExecutor(ID_PAGES_IN_FLIGHT) as pool:
                for batch, _ in pool.map(page, rest):
                    tasks += batch
        return tasks

    def export_all(self, project_id: int) -> Iterator[dict[str, Any]]:
        """Every task with its data (annotated or not), through the export endpoint."""
        response = self._raw(
            "GET",
            f"/api/projects/{project_id}/export",
            params={"exportType": "JSON", "download_all_tasks": "true"},
            timeout=httpx.Timeout(REQUEST_TIMEOUT_S, read=EXPORT_TIMEOUT_S),
        )
        yield from response.json()

    def export_to(self, project_id: int, path: Path, task_ids: Iterable[int] | None = None) -> Path:
        """Stream the JSON export of annotated tasks (or of the given tasks) to `path`, atomically."""
        params: list[tuple[str, str | int | float | bool | None]] = [("exportType", "JSON")]
        if task_ids is not None:
            params += [("ids[]", str(i)) for i in task_ids]

        def go(tmp: Path) -> None:  # a retry writes the file again from its start
            url = f"{self.url}/api/projects/{project_id}/export"
            timeout = httpx.Timeout(REQUEST_TIMEOUT_S, read=EXPORT_TIMEOUT_S)
            with self.http.stream("GET", url, params=params, headers=self._headers(), timeout=timeout) as r:
                r.raise_for_status()
                with open(tmp, "wb") as f:
                    for chunk in r.iter_bytes(EXPORT_CHUNK):
                        f.write(chunk)

        with replacing(path) as tmp:
            self._call("export annotations", lambda: go(tmp))
        return path

    def export_tasks(self, project_id: int, task_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The JSON export of just these tasks (those with annotations), a few hundred ids per request."""
        tasks: list[dict[str, Any]] = []
        for start in range(0, len(task_ids), EXPORT_IDS_PER_REQUEST):
            chunk = task_ids[start : start + EXPORT_IDS_PER_REQUEST]
            params = [("exportType", "JSON")] + [("ids[]", str(i)) for i in chunk]
            tasks += self._raw("GET", f"/api/projects/{project_id}/export", params=params).json()
        return tasks

    # -- annotations and predictions ---------------------------------------------------

    def create_annotation(
        self, task_id: int, result: list[dict[str, Any]], *, ground_truth: bool = False, completed_by: int | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"result": result, "ground_truth": ground_truth, "was_cancelled": False}
        if completed_by is not None:
            body["completed_by"] = completed_by
        return self._raw("POST", f"/api/tasks/{task_id}/annotations", json=body).json()

    def get_annotation(self, annotation_id: int) -> dict[str, Any]:
        return self._raw("GET", f"/api/annotations/{annotation_id}").json()

    def update_annotation(self, annotation_id: int, **fields: Any) -> dict[str, Any]:
        return self._raw("PATCH", f"/api/annotations/{annotation_id}", json=fields).json()

    def delete_annotation(self, annotation_id: int) -> None:
        self._raw("DELETE", f"/api/annotations/{annotation_id}")

    # -- users -----------------------------------------------------------------------------

    def ensure_user(self, email: str, first_name: str = "", last_name: str = "") -> int:
        """The id of the user with this e-mail, created (without a password) if missing."""
        for user in self._raw("GET", "/api/users/").json():
            if user.get("email") == email:
                return int(user["id"])
        body = {"email": email, "username": email.split("@")[0], "first_name": first_name, "last_name": last_name}
        return int(self._raw("POST", "/api/users/", json=body).json()["id"])

    # -- Data Manager views --------------------------------------------------------------

    def upsert_view(self, project_id: int, title: str, task_ids: Sequence[int]) -> int:
        """Create or refresh a Data Manager tab showing exactly these tasks."""
        items = [{"filter": "filter:tasks:id", "operator": "equal", "type": "Number", "value": i} for i in task_ids]
        if not items:  # a tab that shows nothing: no task has an id below 0
            items = [{"filter": "filter:tasks:id", "operator": "less", "type": "Number", "value": 0}]
        data = {"title": title, "filters": {"conjunction": "or", "items": items}}
        views = self._raw("GET", "/api/dm/views", params={"project": project_id}).json()
        for view in views:
            if (view.get("data") or {}).get("title") == title:
                self._raw("PATCH", f"/api/dm/views/{view['id']}", json={"project": project_id, "data": data})
                return int(view["id"])
        created = self._raw("POST", "/api/dm/views", json={"project": project_id, "data": data}).json()
        return int(created["id"])

    # -- predictions and the ML backend (annot serve) ----------------------------------------

    def update_project(self, project_id: int, **fields: Any) -> None:
        """Change project settings, e.g. `model_version` (which predictions the labeling screen shows) or `sampling`."""
        self._raw("PATCH", f"/api/projects/{project_id}", json=fields)

    def project_settings(self, project_id: int) -> dict[str, Any]:
        """The project as the API returns it, every setting included."""
        return self._raw("GET", f"/api/projects/{project_id}").json()

    def show_model_version(self, project_id: int, version: str) -> bool:
        """Make the labeling screen show this model version's predictions (Label Studio shows only those of
        the project's `model_version`); True if it changed.

        Label Studio accepts only a version that some prediction of the project (or a connected ML backend)
        has, and answers 400 otherwise: then the setting stays as it was and this returns False.
        """
        if self.project_settings(project_id).get("model_version") == version:
            return False
        try:
            self.update_project(project_id, model_version=version)
        except LabelStudioError as e:
            if e.status == 400:  # the request holds nothing but the version: it is the version refused
                return False
            raise
        return True

    def import_predictions(self, project_id: int, predictions: Sequence[dict[str, Any]]) -> int:
        """Add predictions (`task`, `result`, `score`, `model_version`) to existing tasks, in bulk; returns how many."""
        created = 0
        for start in range(0, len(predictions), IMPORT_BATCH):
            batch = list(predictions[start : start + IMPORT_BATCH])
            body = self._raw("POST", f"/api/projects/{project_id}/import/predictions", json=batch).json()
            created += int(body.get("created", len(batch)))
        return created

    def delete_predictions(self, project_id: int, task_ids: Sequence[int]) -> int:
        """Delete every prediction of these tasks (their annotations stay), with the Data Manager's bulk action."""
        deleted = 0
        for start in range(0, len(task_ids), IMPORT_BATCH):
            chunk = [int(i) for i in task_ids[start : start + IMPORT_BATCH]]
            body = self._raw(
                "POST",
                "/api/dm/actions",
                params={"id": "delete_tasks_predictions", "project": project_id},
                json={"project": project_id, "selectedItems": {"all": False, "included": chunk}},
            ).json()
            deleted += int(body.get("processed_items", 0))
        return deleted

    def ml_backends(self, project_id: int) -> list[dict[str, Any]]:
        """The ML backends connected to the project (Label Studio checks each one's health while listing)."""
        return list(self._raw("GET", "/api/ml", params={"project": project_id}).json())

    def connect_ml_backend(self, project_id: int, url: str, title: str) -> dict[str, Any]:
        """Register the ML backend at `url` with the project, or refresh the one already registered there.

        Label Studio checks the backend's /health and /setup before saving it, and on creation adds
        a webhook to `<url>/webhook` for every event of the project.
        """
        fields = {"url": url, "title": title, "is_interactive": False, "auto_update": True}
        try:
            for backend in self.ml_backends(project_id):
                if backend.get("url", "").rstrip("/") == url.rstrip("/"):
                    return self._raw("PATCH", f"/api/ml/{backend['id']}", json={"project": project_id, **fields}).json()
            return self._raw("POST", "/api/ml", json={"project": project_id, **fields}).json()
        except AddressBlockedError as e:
            raise AddressBlockedError(
                f"Label Studio at {self.url} refuses ML backends on private or loopback addresses ({url}); "
                "restart the local one with `annot studio down && annot studio up`, which allows loopback, "
                "or ask the server's administrator to allow the backend's address (README: annot serve)",
                e.status,
            ) from None

    def task_overview(self, project_id: int, text_field: str = "text") -> list[TaskOverview]:
        """Every task of the project with its text, annotation count and prediction model versions
        (the Data Manager's listing: one page of 5,000 per request, no prediction results)."""
        include = "id,data,total_annotations,cancelled_annotations,predictions_model_versions"
        found: list[TaskOverview] = []
        page = 1
        while True:
            params = {"project": project_id, "fields": "all", "include": include, "page": page, "page_size": LIST_PAGE}
            try:
                body = self._raw("GET", "/api/tasks", params=params).json()
            except NotFoundError:  # past the last page
                break
            tasks = body.get("tasks", [])
            for t in tasks:
                text = (t.get("data") or {}).get(text_field)
                versions = t.get("predictions_model_versions") or ""
                found.append(
                    TaskOverview(
                        id=int(t["id"]),
                        text=text if isinstance(text, str) else "",
                        annotations=int(t.get("total_annotations") or 0) + int(t.get("cancelled_annotations") or 0),
                        model_versions=sorted(v.strip() for v in versions.split(",") if v.strip()),
                    )
                )
            if len(tasks) < LIST_PAGE or len(found) >= body.get("total", 0):
                break
            page += 1
        return found

    def webhooks(self, project_id: int) -> list[dict[str, Any]]:
        return list(self._raw("GET", "/api/webhooks", params={"project": project_id}).json())
