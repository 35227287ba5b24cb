"""The public Python API: what `annot` exports, the lock around the operations that write, and predictions
gated by the project's schema (offline, and against the session's real Label Studio)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

import annot
from annot.errors import BusyError
from annot.model import RULES_PRODUCES, rules_predictor
from annot.push import gate_note, gated, prediction, schema_names
from annot.schema import load_schema
from annot.state import project_lock
from annot.workspace import Workspace as AnnotWorkspace
from tests.helpers import FRAMES_SCHEMA, REPO, SCHEMA, Live, Workspace, make_workspace

HEAVY = ("datasets", "pyarrow", "sklearn", "httpx", "label_studio_sdk", "fastapi", "pandas", "sklearn_crfsuite")
TEXT = (
    'Foreign Minister Wang Yi said on Friday that "China will never sell weapons to Russia". '
    "Secretary of State Antony Blinken said the United States would not back down."
)


def test_every_public_name_exists_and_is_documented() -> None:
    assert annot.__all__ == sorted(annot.__all__)
    for name in annot.__all__:
        value = getattr(annot, name)
        assert (value.__doc__ or "").strip(), f"annot.{name} has no docstring"
    assert set(annot.__all__) >= {"open", "Workspace", "publish_export", "ingest", "PushResult", "SyncResult"}
    with pytest.raises(AttributeError):
        annot.nothing_of_the_kind  # noqa: B018


def test_import_annot_is_cheap() -> None:
    code = f"import sys, annot; print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_offline_methods_need_no_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws_dir = make_workspace(tmp_path / "ws", "offline")
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    ws = annot.open(ws_dir.root)
    status = ws.status()
    assert (status.project, status.articles_pushed, status.last_sync) == ("offline", 0, None)
    assert ws.schema is ws.schema  # loaded once
    report = ws.validate(REPO / "seeds" / "gold.json")
    assert report.tasks == 5 and not report.problems
    assert ws._server is None  # no connection was made


def test_the_lock_is_reentrant_and_keeps_other_threads_out(tmp_path: Path) -> None:
    ws = annot.open(make_workspace(tmp_path / "ws", "locked").root)
    other: list[BaseException | None] = []

    def try_from_another_thread() -> None:
        try:
            with project_lock(ws.config, ws.project, wait=0.2):
                other.append(None)
        except BusyError as e:
            other.append(e)

    with ws.lock(), ws.lock():  # a sync pushes under the lock it holds
        thread = threading.Thread(target=try_from_another_thread)
        thread.start()
        thread.join()
    assert isinstance(other[0], BusyError)
    try_from_another_thread()  # released: now it gets it
    assert other[1] is None


# -- predictions gated by the schema ------------------------------------------------------------------


def without_cue(tmp_path: Path) -> Path:
    """news-stance without the Cue label: a schema that holds part of what the rules produce."""
    raw = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    del raw["spans"]["Cue"]
    path = tmp_path / "no-cue.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_rules_declare_what_they_produce() -> None:
    predicted = rules_predictor().predict(TEXT)
    names = {r.label for r in predicted.regions} | {r.label for r in predicted.relations}
    names |= {k for r in predicted.regions for k in r.attributes}
    assert names and names <= RULES_PRODUCES
    assert schema_names(load_schema(SCHEMA)) >= RULES_PRODUCES  # the shipped schema holds all of it
    assert gate_note(rules_predictor(), load_schema(SCHEMA)) is None


def test_a_prediction_holds_only_what_the_schema_has(tmp_path: Path) -> None:
    partial = load_schema(without_cue(tmp_path))
    predictor = rules_predictor()
    full = prediction(predictor, TEXT, load_schema(SCHEMA))["result"]
    assert any("Cue" in (r.get("value") or {}).get("labels", []) for r in full)
    gated_result = prediction(predictor, TEXT, partial)["result"]
    labels = {label for r in gated_result for label in (r.get("value") or {}).get("labels", [])}
    assert labels and "Cue" not in labels and labels <= set(partial.spans)
    assert gate_note(predictor, partial) == (
        "predictions from annot-rules-1 without Cue: schema news-stance has no such names"
    )
    policy = load_schema(FRAMES_SCHEMA)
    assert gated(predictor.predict(TEXT), policy).regions == []
    assert prediction(predictor, TEXT, policy)["result"] == []
    assert (gate_note(predictor, policy) or "").startswith("no predictions sent: schema policy-frames has none")


def with_schema(ws: Workspace, schema: Path) -> Workspace:
    """The fixture's project, on another schema."""
    (ws.root / "schemas" / schema.name).write_text(schema.read_text(encoding="utf-8"), encoding="utf-8")
    toml = (ws.root / "annot.toml").read_text(encoding="utf-8")
    (ws.root / "annot.toml").write_text(toml.replace("news-stance.yaml", schema.name), encoding="utf-8")
    return ws


def predicted_labels(live: Live, project: str) -> tuple[set[str], set[str]]:
    """(the labels of the project's config, the labels its tasks' predictions use)."""
    server = live.server()
    remote = server.find_project(project)
    assert remote is not None and len(server.task_overview(remote.id)) == 5
    used = set()
    for task_id in server.article_ids(remote.id).values():
        for predicted in server._raw("GET", f"/api/tasks/{task_id}").json()["predictions"]:
            for result in predicted["result"]:
                used |= set((result.get("value") or {}).get("labels", []))
    return set(re.findall(r'<Label value="([^"]+)"', remote.label_config)), used


def test_push_sends_no_label_the_project_config_lacks(workspace: Workspace, live_studio: Live) -> None:
    from tests.helpers import annot as run_annot

    with_schema(workspace, FRAMES_SCHEMA)
    run = run_annot("push")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("no predictions sent: schema policy-frames has none") == 1
    assert "predictions from" not in run.stdout
    config_labels, used = predicted_labels(live_studio, workspace.project)
    assert config_labels == {"Source", "Statement", "Policy"} and used == set()


def test_push_sends_the_part_of_the_predictions_the_schema_has(
    workspace: Workspace, live_studio: Live, tmp_path: Path
) -> None:
    with_schema(workspace, without_cue(tmp_path))
    pushed = annot.open(workspace.root).push()
    assert pushed.imported == 5 and pushed.model_version == "annot-rules-1"
    assert pushed.note == "predictions from annot-rules-1 without Cue: schema news-stance has no such names"
    config_labels, used = predicted_labels(live_studio, workspace.project)
    assert "Cue" not in config_labels and used and used <= config_labels


# -- the lock around pushes from Python -------------------------------------------------------------


def test_two_pushes_at_once_from_python_never_duplicate(workspace: Workspace, live_studio: Live) -> None:
    """Two notebooks (threads here) pushing the same new articles at the same moment: one imports them,
    the other waits for the lock and then finds them there."""
    barrier = threading.Barrier(2)
    results: list[object] = []

    def push() -> None:
        ws = AnnotWorkspace(workspace.config(), lock_wait=300)
        barrier.wait()
        try:
            results.append(ws.push(predictions=False))
        except Exception as e:  # noqa: BLE001 (reported by the assertion below)
            results.append(e)

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, annot.PushResult) for r in results), results
    assert sorted(r.imported for r in results) == [0, 5]  # type: ignore[attr-defined]
    server = live_studio.server()
    remote = server.find_project(workspace.project)
    assert remote is not None
    assert len(server.task_overview(remote.id)) == 5  # on main's code: 10, each article twice


def test_a_sync_reads_the_state_and_the_schema_once(
    workspace: Workspace, live_studio: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annot.schema
    import annot.workspace

    reads = {"state": 0, "schema": 0}

    def counted(name: str, real):  # noqa: ANN001, ANN202
        def call(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            reads[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(annot.workspace, "load_state", counted("state", annot.workspace.load_state))
    monkeypatch.setattr(annot.schema, "load_schema", counted("schema", annot.schema.load_schema))
    synced = annot.open(workspace.root).sync()
    assert synced.push.imported == 5 and synced.published is not None
    assert reads == {"state": 1, "schema": 1}  # before: the state read 5 times, the schema twice
