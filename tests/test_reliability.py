"""Faults, concurrency, bad input and token hygiene, against the session's real Label Studio.

Faults a real server cannot make on demand (a connection cut mid-import or mid-export,
a short outage) are made real by a TCP proxy on loopback between annot and the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter

import pytest

from annot import sync
from annot.articles import read_articles
from annot.labelstudio import Server
from tests.conftest import Live, Workspace
from tests.tcp_proxy import TcpProxy
from tests.test_roundtrip import annot, task_for, ui_annotation

pytestmark = pytest.mark.server

SENTINEL = "sentinel-0c7f3e9a51d24b86-token"
SHORT_RETRY = {"ANNOT_RETRY_SECONDS": "1"}


def error_lines(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.strip()]


def one_clear_line(run: subprocess.CompletedProcess) -> str:
    """The command failed with exit 1 and said so in exactly one line, no traceback."""
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout
    lines = error_lines(run)
    assert len(lines) == 1, run.stderr
    return lines[0]


def expected_ids(ws: Workspace) -> set[str]:
    return {a.id for a in read_articles([ws.root / "seeds"]).articles}


def server_article_ids(live: Live, project_id: int) -> list[str]:
    return [(t.get("data") or {}).get("article_id") for t in live.server().export_all(project_id)]


def assert_exactly_once(live: Live, ws: Workspace) -> int:
    """Every article of the workspace is on the server once: no duplicate, none missing."""
    remote = live.server().find_project(ws.project)
    assert remote is not None
    ids = server_article_ids(live, remote.id)
    counts = Counter(ids)
    assert [i for i, n in counts.items() if n > 1] == [], "duplicated articles"
    assert set(ids) == expected_ids(ws)
    assert remote.task_number == len(expected_ids(ws))
    return remote.id


@pytest.fixture
def proxy(live_studio: Live):  # noqa: ANN201
    host, port = live_studio.url.removeprefix("http://").split(":")
    with TcpProxy(host, int(port)) as p:
        yield p


# -- connections cut mid-transfer ----------------------------------------------------------------


def test_import_answer_lost_is_rechecked_not_duplicated(workspace: Workspace, live_studio: Live, proxy) -> None:
    """The import lands but its answer is cut: push looks on the server before sending again."""
    cfg = workspace.config()
    proxy.cut_response("/import", times=1)
    result = sync.push(cfg, cfg.project(), server=Server(proxy.url, live_studio.api_key))
    assert proxy.cuts_made == 1
    assert result.imported == 5
    assert_exactly_once(live_studio, workspace)


def test_import_cut_on_the_way_up_is_sent_again(workspace: Workspace, live_studio: Live, proxy) -> None:
    """The import request is cut before the server has it all: nothing landed, so all is sent again."""
    cfg = workspace.config()
    proxy.cut_request("/import", after_bytes=2000, times=1)
    sync.push(cfg, cfg.project(), server=Server(proxy.url, live_studio.api_key))
    assert proxy.cuts_made == 1
    assert_exactly_once(live_studio, workspace)


def test_push_killed_mid_import_then_rerun_completes(workspace: Workspace, live_studio: Live, proxy) -> None:
    """Every import answer and every re-check is cut: one clear line; the next run completes, once."""
    proxy.cut_response("/import", times=-1)
    proxy.cut_response("/export", times=-1)
    failed = annot("push", env_extra={"LABEL_STUDIO_URL": proxy.url, **SHORT_RETRY})
    line = one_clear_line(failed)
    assert "cannot reach Label Studio" in line and proxy.url in line
    again = annot("push")
    assert again.returncode == 0, again.stderr
    assert_exactly_once(live_studio, workspace)


def _annotate_one(ws: Workspace, live: Live) -> int:
    cfg = ws.config()
    pushed = sync.push(cfg, cfg.project())
    task = task_for(live, pushed.project_id, "war machine")
    result = ui_annotation(
        task["data"]["text"], "Blinken", "war machine", stance="against", target="China", name="Antony Blinken"
    )
    live.server().create_annotation(task["id"], result)
    return pushed.project_id


def test_export_cut_mid_transfer_is_retried(workspace: Workspace, live_studio: Live, proxy) -> None:
    _annotate_one(workspace, live_studio)
    proxy.cut_response("/export", after_bytes=300, times=1)
    run = annot("pull", env_extra={"LABEL_STUDIO_URL": proxy.url})
    assert run.returncode == 0, run.stderr
    assert proxy.cuts_made == 1
    assert "1 annotations: 1 valid" in run.stdout


def test_export_cut_every_time_fails_clearly_and_keeps_no_half_snapshot(
    workspace: Workspace, live_studio: Live, proxy
) -> None:
    _annotate_one(workspace, live_studio)
    proxy.cut_response("/export", after_bytes=300, times=-1)
    failed = annot("pull", env_extra={"LABEL_STUDIO_URL": proxy.url, **SHORT_RETRY})
    assert "cannot reach Label Studio" in one_clear_line(failed)
    snapshots = workspace.root / ".annot" / "snapshots" / workspace.project
    assert list(snapshots.glob("*.json")) == []  # a partial export is never taken for a snapshot
    again = annot("sync")
    assert again.returncode == 0, again.stderr
    for snapshot in snapshots.glob("*.json"):
        json.loads(snapshot.read_text(encoding="utf-8"))
    assert "1 valid" in again.stdout


def test_outage_shorter_than_the_retry_budget_is_survived(workspace: Workspace, live_studio: Live, proxy) -> None:
    proxy.refuse_for(2.0)
    started = time.monotonic()
    run = annot("sync", env_extra={"LABEL_STUDIO_URL": proxy.url, "ANNOT_RETRY_SECONDS": "10"})
    assert run.returncode == 0, run.stderr
    assert time.monotonic() - started >= 2.0
    assert_exactly_once(live_studio, workspace)


def test_outage_longer_than_the_budget_is_one_line_in_bounded_time(workspace: Workspace, proxy) -> None:
    proxy.refuse_for(60.0)
    started = time.monotonic()
    run = annot("sync", env_extra={"LABEL_STUDIO_URL": proxy.url, "ANNOT_RETRY_SECONDS": "3"})
    elapsed = time.monotonic() - started
    line = one_clear_line(run)
    assert "cannot reach Label Studio" in line and "annot studio up" in line
    assert elapsed < 30, f"gave up after {elapsed:.0f} s, budget 3 s"


# -- two runs at once ----------------------------------------------------------------------------


def test_two_syncs_at_once_never_interleave(workspace: Workspace, live_studio: Live) -> None:
    env = {**os.environ}
    cmd = [sys.executable, "-m", "annot.cli", "--quiet", "sync"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in "ab"]
    runs = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in runs)
    assert codes in ([0, 0], [0, 1]), runs
    for code, _, stderr in runs:
        if code == 1:
            assert "another annot run is working on project" in stderr and "wait for it" in stderr
    assert_exactly_once(live_studio, workspace)
    log = [json.loads(line) for line in (workspace.root / ".annot" / "sync.log").read_text().splitlines()]
    assert len(log) == codes.count(0)
    assert sum(entry["pushed"] for entry in log) == 5  # the second run, if it ran, found everything there


def test_a_held_lock_refuses_sync_and_push_clearly(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    with sync.project_lock(cfg, cfg.project()):
        for command in ("sync", "push"):
            run = annot(command)
            assert "another annot run is working on project" in one_clear_line(run), command
    assert live_studio.server().find_project(workspace.project) is None  # nothing was sent meanwhile


def test_two_pushes_at_once_never_duplicate(workspace: Workspace, live_studio: Live) -> None:
    cmd = [sys.executable, "-m", "annot.cli", "--quiet", "push"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    for p in procs:
        p.wait(timeout=300)
    assert_exactly_once(live_studio, workspace)


# -- the audit log -------------------------------------------------------------------------------


def test_every_sync_appends_one_audit_line(workspace: Workspace, live_studio: Live) -> None:
    log = workspace.root / ".annot" / "sync.log"
    assert annot("sync").returncode == 0
    _annotate_one(workspace, live_studio)
    run = annot("sync")
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    first, second = lines
    for entry in lines:
        assert {"time", "project", "pushed", "pulled", "valid", "rejected", "dataset_version"} <= entry.keys()
        assert entry["project"] == workspace.project
    assert (first["pushed"], first["pulled"], first["valid"]) == (5, 0, 0)
    assert (second["pushed"], second["pulled"], second["valid"], second["rejected"]) == (0, 1, 1, 0)
    report = json.loads((workspace.export / "publish-report.json").read_text(encoding="utf-8"))
    assert second["dataset_version"] == report["version"] != first["dataset_version"]
    assert first["time"] <= second["time"]
