"""Faults, concurrency, bad input and token hygiene, against the session's real Label Studio.

Faults a real server cannot make on demand (a connection cut mid-import or mid-export,
a short outage) are made real by a TCP proxy on loopback between annot and the server.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from annot import labelstudio, push
from annot.articles import read_articles
from annot.labelstudio import Server
from annot.state import load_state, project_lock
from annot.workspace import Workspace as AnnotWorkspace
from tests.helpers import EXPORTS, Live, Workspace, annot, free_port, record, task_for, ui_annotation
from tests.tcp_proxy import TcpProxy

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
    result = AnnotWorkspace(cfg, server=Server(proxy.url, live_studio.api_key)).push()
    assert proxy.cuts_made == 1
    assert result.imported == 5
    assert_exactly_once(live_studio, workspace)


def test_import_cut_on_the_way_up_is_sent_again(workspace: Workspace, live_studio: Live, proxy) -> None:
    """The import request is cut before the server has it all: nothing landed, so all is sent again."""
    cfg = workspace.config()
    proxy.cut_request("/import", after_bytes=2000, times=1)
    AnnotWorkspace(cfg, server=Server(proxy.url, live_studio.api_key)).push()
    assert proxy.cuts_made == 1
    assert_exactly_once(live_studio, workspace)


def test_push_killed_mid_import_then_rerun_completes(workspace: Workspace, live_studio: Live, proxy) -> None:
    """Every import answer and every re-check is cut: one clear line; the next run completes, once."""
    proxy.cut_response("/import", times=-1)
    proxy.cut_response("/export", times=-1)
    proxy.cut_response("/api/tasks", times=-1)  # the re-check lists the project's tasks
    failed = annot("push", env_extra={"LABEL_STUDIO_URL": proxy.url, **SHORT_RETRY})
    line = one_clear_line(failed)
    assert "cannot reach Label Studio" in line and proxy.url in line
    again = annot("push")
    assert again.returncode == 0, again.stderr
    assert_exactly_once(live_studio, workspace)


def test_lost_state_listing_cut_once_is_retried_not_duplicated(workspace: Workspace, live_studio: Live, proxy) -> None:
    """After `.annot/` is lost, the push lists the project's tasks; a cut answer is listed again."""
    cfg = workspace.config()
    AnnotWorkspace(cfg).push()
    shutil.rmtree(workspace.root / ".annot")
    proxy.cut_response("/api/tasks", times=1)
    again = AnnotWorkspace(cfg, server=Server(proxy.url, live_studio.api_key)).push()
    assert proxy.cuts_made == 1
    assert again.imported == 0 and again.already == 5
    assert_exactly_once(live_studio, workspace)


def test_lost_state_finds_tasks_imported_without_meta(workspace: Workspace, live_studio: Live) -> None:
    """Tasks with the article id only in `data` (an older annot, or a hand-made bulk import) are found too."""
    cfg = workspace.config()
    project = cfg.project()
    articles = read_articles([workspace.root / "seeds"]).articles
    pushed = AnnotWorkspace(cfg, project.name).push([workspace.root / "seeds" / Path(articles[0].origin).name])
    server = live_studio.server()
    server.import_tasks(pushed.project_id, [{"data": a.task_data()} for a in articles[1:3]])  # no meta
    shutil.rmtree(workspace.root / ".annot")
    again = AnnotWorkspace(cfg, project.name).push()
    assert again.imported == 2 and again.already == 3
    assert_exactly_once(live_studio, workspace)


def _archive_of(ws: Workspace, n: int) -> None:
    rng = random.Random(19)
    lines = [json.dumps(record(i, rng), ensure_ascii=False) for i in range(n)]
    (ws.root / "seeds" / "archive.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_pages_in_flight_list_every_article_once_even_with_cuts(
    workspace: Workspace, live_studio: Live, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `.annot/` is lost, pages of the listing are asked for several at once: with small pages (many
    in flight) and two answers cut among them, every task is found once, under its own article id."""
    _archive_of(workspace, 120)
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    truth = {t["meta"]["article_id"]: t["id"] for t in live_studio.server().export_all(pushed.project_id)}
    assert len(truth) == 125
    monkeypatch.setattr(labelstudio, "ID_PAGE", 7)  # 18 pages, 4 in flight
    pages: list[str] = []
    server = Server(proxy.url, live_studio.api_key)
    server.http.event_hooks["request"].append(
        lambda r: pages.append(r.url.params["page"]) if r.url.path == "/api/tasks" else None
    )
    proxy.cut_response("/api/tasks", after_bytes=0, times=2)
    assert server.article_ids(pushed.project_id) == truth
    assert proxy.cuts_made == 2
    assert sorted(set(pages), key=int) == [str(p) for p in range(1, 19)]
    shutil.rmtree(workspace.root / ".annot")
    again = AnnotWorkspace(cfg, server=server).push()
    assert again.imported == 0 and again.already == 125
    assert_exactly_once(live_studio, workspace)


def test_tasks_deleted_while_pages_are_listed_are_not_counted_as_there(
    workspace: Workspace, live_studio: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tasks deleted between the first page and the others shift the later pages (a task is skipped): the
    listing comes up short of the project's count and is made again, so the result is exactly what the
    server holds and a push brings the deleted articles back, each once."""
    _archive_of(workspace, 60)
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    monkeypatch.setattr(labelstudio, "ID_PAGE", 10)
    server = live_studio.server()
    first_page = [t["id"] for t in server._list_tasks(pushed.project_id, "id")[:10]]
    doomed = first_page[2:5]
    listed = server._list_tasks
    calls: list[int] = []
    deleted: list[int] = []

    def delete(response: httpx.Response) -> None:  # once page 1 is answered, before the other pages are asked
        if response.request.url.params.get("page") == "1" and not deleted:
            deleted.extend(doomed)
            for task_id in doomed:
                httpx.delete(f"{live_studio.url}/api/tasks/{task_id}/", headers=server._headers()).raise_for_status()

    def delete_after_the_first_page(project_id: int, include: str) -> list[dict]:
        calls.append(1)
        if len(calls) > 1:
            return listed(project_id, include)
        server.http.event_hooks["response"].append(delete)
        try:
            return listed(project_id, include)
        finally:
            server.http.event_hooks["response"].remove(delete)

    monkeypatch.setattr(server, "_list_tasks", delete_after_the_first_page)
    found = server.article_ids(pushed.project_id)
    remaining = {t["meta"]["article_id"]: t["id"] for t in server.export_all(pushed.project_id)}
    assert len(remaining) == 65 - len(doomed)
    assert deleted == doomed and len(calls) >= 2
    assert found == remaining
    shutil.rmtree(workspace.root / ".annot")
    again = AnnotWorkspace(cfg).push()
    assert again.imported == len(doomed) and again.already == 65 - len(doomed)
    assert_exactly_once(live_studio, workspace)


def test_imports_in_flight_with_cuts_land_every_article_once(
    workspace: Workspace, live_studio: Live, proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four imports in flight (as on PostgreSQL): two answers cut and one request cut among them,
    then every article is on the server exactly once."""
    rng = random.Random(19)
    lines = [json.dumps(record(i, rng), ensure_ascii=False) for i in range(300)]
    (workspace.root / "seeds" / "archive.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ANNOT_IMPORTS_IN_FLIGHT", "4")
    monkeypatch.setattr(push, "FIRST_BATCH", 20)
    monkeypatch.setattr(push, "IMPORT_BATCH", 40)  # nine batches: several in flight at each cut
    proxy.cut_response("/import", after_bytes=0, times=2)
    proxy.cut_request("/import", after_bytes=2000, times=1)
    cfg = workspace.config()
    result = AnnotWorkspace(cfg, server=Server(proxy.url, live_studio.api_key)).push()
    assert proxy.cuts_made == 3
    assert result.imported == 305
    assert_exactly_once(live_studio, workspace)
    state = load_state(cfg, cfg.project())
    assert state.task_count == 305 and len(state.pushed) == 305  # the next push trusts the state, rightly
    again = AnnotWorkspace(cfg).push()
    assert again.imported == 0 and again.already == 305


def _annotate_one(ws: Workspace, live: Live) -> int:
    cfg = ws.config()
    pushed = AnnotWorkspace(cfg).push()
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
    with project_lock(cfg, cfg.project()):
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


# -- bad input: a clear message, exit 1, nothing else lost ----------------------------------------

HUGE_JSONL_LINE = 13_000_000  # over articles.MAX_JSONL_LINE_BYTES (12 MB)
BIG_ARTICLE = 20_000_000  # the 20 MB article, over the 5 MB limit for one article


def _bad_seeds(seeds: Path) -> dict[str, str]:
    """Write bad files beside the good seeds; returns file name -> what its message must say."""
    good = "The minister said the plan was sound and would work well for everyone involved in it."
    (seeds / "mixed.jsonl").write_text(
        json.dumps({"title": "A fine title for a record", "text": good}) + "\n{not json\n", encoding="utf-8"
    )
    with open(seeds / "huge.jsonl", "w", encoding="utf-8") as f:
        f.write('{"text": "' + "a" * HUGE_JSONL_LINE + '"}\n')
    paragraph = "The minister said the deal is a disgrace, officials said on Friday in the capital. " * 8
    with open(seeds / "big.txt", "w", encoding="utf-8") as f:
        f.write((paragraph + "\n\n") * (BIG_ARTICLE // (len(paragraph) + 2) + 1))
    (seeds / "latin1.txt").write_bytes(
        "Le ministre a déclaré que l'accord était « une honte », selon des responsables à Paris.\n".encode("latin-1")
    )
    (seeds / "image.txt").write_bytes(bytes(range(256)) * 64)
    return {
        "mixed.jsonl:2": "not valid JSON",
        "huge.jsonl:1": "12 MB limit",
        "big.txt": "5 MB limit",
        "image.txt": "binary",
    }


def test_bad_files_are_named_and_the_good_ones_still_go_through(workspace: Workspace, live_studio: Live) -> None:
    expected_bad = _bad_seeds(workspace.root / "seeds")
    good = expected_ids(workspace)  # the five seeds, the good JSONL record and the Latin-1 article
    assert len(good) == 7

    ingest = annot("ingest", "seeds", "--json")
    assert ingest.returncode == 1
    assert {json.loads(line)["id"] for line in ingest.stdout.splitlines()} == good
    assert "déclaré" in ingest.stdout  # non-UTF-8 text is decoded, not refused
    for run in (ingest, annot("push"), annot("sync")):
        assert run.returncode == 1, run.args
        assert "Traceback" not in run.stderr
        for where, says in expected_bad.items():
            line = next((x for x in run.stderr.splitlines() if where in x), "")
            assert says in line, (run.args, where, run.stderr)
    assert_exactly_once(live_studio, workspace)
    assert (workspace.export / "publish-report.json").exists()  # sync went on to publish the rest


def test_files_that_are_not_label_studio_exports(workspace: Workspace) -> None:
    bad = {
        "object.json": '{"title": "one task?"}',
        "table.json": "id,text\n1,hello\n",
        "empty.json": "",
        "no-data.json": '[{"id": 1, "text": "hello"}]',
        "truncated.json": (REPO_EXPORT.read_text(encoding="utf-8"))[:500],
    }
    for name, text in bad.items():
        (workspace.root / name).write_text(text, encoding="utf-8")
    (workspace.root / "binary.json").write_bytes(bytes(range(256)))
    for name in [*bad, "binary.json"]:
        for command in ("validate", "agreement"):
            line = one_clear_line(annot(command, name))
            assert name in line, (command, line)
        line = one_clear_line(annot("publish", "--from-export", name, "--out", "out"))
        assert name in line
    assert not (workspace.root / "out").exists()


def test_schema_with_errors_is_named_and_nothing_is_sent(workspace: Workspace, live_studio: Live) -> None:
    schema = workspace.root / "schemas" / "news-stance.yaml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("version: 1", "version: one", 1), encoding="utf-8")
    for args in (("schema", "render"), ("push",), ("sync",), ("validate", str(REPO_EXPORT))):
        line = one_clear_line(annot(*args))
        assert "news-stance.yaml" in line and "version" in line, (args, line)
    schema.write_text(text + "\n  - [unclosed\n", encoding="utf-8")
    line = one_clear_line(annot("schema", "render"))
    assert "news-stance.yaml" in line and "YAML" in line
    assert live_studio.server().find_project(workspace.project) is None


def test_hand_made_task_is_reported_not_guessed(workspace: Workspace, live_studio: Live) -> None:
    project_id = _annotate_one(workspace, live_studio)
    server = live_studio.server()
    text = "Minister Ilse Varga said the deal is a disgrace, officials said."
    [hand_id] = server.import_tasks(project_id, [{"data": {"text": text, "title": "made in the UI"}}])
    result = ui_annotation(text, "Ilse Varga", "a disgrace", stance="against", target="China", name="Ilse Varga")
    server.create_annotation(hand_id, result)

    run = annot("validate", "--json")
    assert run.returncode == 1
    errors = json.loads(run.stdout)["errors"]
    assert [(e["task_id"], e["code"]) for e in errors] == [(hand_id, "not-annot-task")]

    run = annot("sync")
    assert f"task {hand_id}" in run.stderr and "article_id" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert server.get_project(project_id).task_number == 6  # nothing re-pushed, nothing deleted
    report = json.loads((workspace.export / "publish-report.json").read_text(encoding="utf-8"))
    assert sum(report["counts"]["rows"]["claims"].values()) == 1  # the annot task's claim only
    assert [t["task_id"] for t in report["unpublished_tasks"]] == [hand_id]


def test_unknown_label_is_reported_and_the_rest_published(workspace: Workspace, live_studio: Live) -> None:
    project_id = _annotate_one(workspace, live_studio)
    task = task_for(live_studio, project_id, "Blinken")
    other = next(t for t in live_studio.server().export_all(project_id) if t["id"] != task["id"])
    text = other["data"]["text"]
    word = text.split()[0]
    bad = [
        {
            "id": "v1",
            "from_name": "mention",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": len(word), "text": word, "labels": ["Villain"]},
        }
    ]
    made = live_studio.server().create_annotation(other["id"], bad)

    run = annot("validate")
    assert run.returncode == 1
    line = next(x for x in run.stderr.splitlines() if "unknown-label" in x)
    assert f"task {other['id']}" in line and "Villain" in line

    run = annot("sync")
    assert "unknown-label" in run.stderr and "Traceback" not in run.stderr
    report = json.loads((workspace.export / "publish-report.json").read_text(encoding="utf-8"))
    assert sum(report["counts"]["rows"]["claims"].values()) == 1  # the valid annotation is published
    assert [i["annotation_id"] for i in report["excluded_annotations"]] == [made["id"]]


# -- tokens ------------------------------------------------------------------------------------------

REPO_EXPORT = EXPORTS / "news-stance-clean.json"
FAKE_STUDIO = """#!/bin/sh
# stands in for label-studio: records the environment it was given, then fails to start
env > "{dump}"
echo "pretending to start" >&2
exit 3
"""


def _every_command(export: Path, port: int) -> list[tuple[str, ...]]:
    """Every command of `annot --help`, with the arguments that make it reach the server if it can."""
    return [
        ("studio", "up", "--port", str(port)),
        ("studio", "status"),
        ("studio", "down"),
        ("ingest", "seeds"),
        ("schema", "render"),
        ("schema", "diff", "schemas/news-stance.yaml", "schemas/news-stance.yaml"),
        ("schema", "migrate"),
        ("schema", "migrate", "--apply"),
        ("push",),
        ("pull",),
        ("validate",),
        ("validate", str(export)),
        ("agreement",),
        ("agreement", str(export), "--push-review"),
        ("publish",),
        ("publish", "--from-export", str(export), "--out", "out"),
        ("sync",),
        ("status",),
        ("evaluate", "--gold", str(export)),
        ("demo", "--port", str(port)),
        ("serve", "--connect", "--port", str(free_port())),
    ]


def _run_every_command(
    root: Path, url: str, env: dict[str, str]
) -> list[tuple[tuple[str, ...], subprocess.CompletedProcess]]:
    return [
        (args, annot(*args, env_extra={**env, "LABEL_STUDIO_URL": url}, cwd=root))
        for args in _every_command(REPO_EXPORT, free_port())
    ]


def test_every_command_keeps_the_token_secret(workspace: Workspace, live_studio: Live) -> None:
    help_text = annot("--help").stdout
    listed = {args[0] for args in _every_command(REPO_EXPORT, 0)}
    for word in ("ingest", "push", "pull", "validate", "agreement", "publish", "sync", "status", "demo", "evaluate"):
        assert word in help_text and word in listed

    fake = workspace.root / "fake-label-studio"
    fake.write_text(FAKE_STUDIO.format(dump="studio-env.txt"), encoding="utf-8")
    fake.chmod(0o755)
    env = {"LABEL_STUDIO_API_KEY": SENTINEL, "ANNOT_LABEL_STUDIO": str(fake), **SHORT_RETRY}
    # a bad token (the live server refuses it) and a dead server, each in its own copy of the workspace
    dead_root = workspace.root.parent / "dead"
    shutil.copytree(workspace.root, dead_root)
    cases = {live_studio.url: workspace.root, f"http://127.0.0.1:{free_port()}": dead_root}
    with ThreadPoolExecutor(len(cases)) as pool:
        runs = dict(zip(cases, pool.map(lambda url: _run_every_command(cases[url], url, env), cases), strict=True))
    for url, done in runs.items():
        for args, run in done:
            text = run.stdout + run.stderr
            assert SENTINEL not in text, (args, url)
            assert "Traceback" not in text, (args, url, text)
            talks_to_server = args[0] in ("push", "pull", "sync", "serve") or args[-1] == "--push-review"
            if talks_to_server or args[:2] == ("schema", "migrate"):
                line = one_clear_line(run)
                bad_token = url == live_studio.url
                assert ("refused the API key" if bad_token else "cannot reach") in line, (args, line)
                assert not bad_token or "LABEL_STUDIO_API_KEY" in line  # says how to get a valid one
    for root in cases.values():
        assert list(root.rglob("studio-env.txt"))  # the stand-in studio did run, its environment recorded
        leaks = [p for p in root.rglob("*") if p.is_file() and SENTINEL.encode() in p.read_bytes()]
        assert leaks == []


class _WebPage(BaseHTTPRequestHandler):
    """A web server that is not Label Studio: every request gets 200 and an HTML page."""

    def _page(self) -> None:
        body = b"<!doctype html><html><body>Welcome to some other site</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _page

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.mark.server
def test_a_url_that_is_not_label_studio_is_one_clear_line(workspace: Workspace) -> None:
    """LABEL_STUDIO_URL pointing at another web server (200, HTML) gives one line, not a JSON traceback."""
    site = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{site.server_address[1]}"
        for command in (("push",), ("pull",), ("agreement",)):
            run = annot(*command, env_extra={"LABEL_STUDIO_URL": url})
            line = one_clear_line(run)
            assert "not Label Studio's API" in line and "LABEL_STUDIO_URL" in line, (command, line)
    finally:
        site.shutdown()
