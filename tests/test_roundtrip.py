"""The round trip against the session's real Label Studio: push, annotate through the API, sync, load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets
import pytest

from annot import push
from annot.state import load_state
from annot.workspace import Workspace as AnnotWorkspace
from tests.helpers import Live, Workspace, annot, task_for, ui_annotation

pytestmark = pytest.mark.server


def test_push_annotate_sync_load(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    project = cfg.project()
    pushed = AnnotWorkspace(cfg, project.name).push()
    assert (pushed.imported, pushed.already) == (5, 0)

    task = task_for(live_studio, pushed.project_id, "war machine")
    text = task["data"]["text"]
    assert task["data"]["article_id"] and task["data"]["title"]
    result = ui_annotation(text, "Blinken", "war machine", stance="against", target="China", name="Antony Blinken")
    live_studio.server().create_annotation(task["id"], result)

    run = annot("sync")
    assert run.returncode == 0, run.stderr
    assert "1 valid" in run.stdout

    claims = datasets.load_dataset(str(workspace.export), "claims")
    rows = [r for split in claims.values() for r in split]
    assert len(rows) == 1
    row = rows[0]
    split = next(name for name, part in claims.items() if len(part))
    features = claims[split].features
    assert row["text"] == "war machine"
    assert features["stance"].int2str(row["stance"]) == "against"
    assert features["target"].int2str(row["target"]) == "China"
    assert row["speaker"] == "Antony Blinken"
    assert row["document_id"] == task["data"]["article_id"]
    assert "war machine" in row["context"]

    documents = datasets.load_dataset(str(workspace.export), "documents")
    doc = next(r for part in documents.values() for r in part)
    claim = doc["claims"][0]
    assert doc["text"][claim["start"] : claim["end"]] == "war machine"
    speaker = doc["speakers"][0]
    assert doc["text"][speaker["start"] : speaker["end"]] == "Blinken"
    assert speaker["name"] == "Antony Blinken"
    assert claim["speaker_ids"] == [speaker["id"]]

    # re-running push and sync changes nothing: no new task, the same dataset version
    version = (workspace.export / "publish-report.json").read_text()
    assert AnnotWorkspace(cfg, project.name).push().imported == 0
    assert live_studio.server().get_project(pushed.project_id).task_number == 5
    assert annot("sync").returncode == 0
    assert _version(workspace.export) == _version_text(version)


def _version_text(report: str) -> str:
    import json

    return json.loads(report)["version"]


def _version(export: Path) -> str:
    return _version_text((export / "publish-report.json").read_text())


def test_lost_state_pushes_nothing_twice(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    first = AnnotWorkspace(cfg).push()
    shutil.rmtree(workspace.root / ".annot")
    again = AnnotWorkspace(cfg).push()
    assert again.imported == 0 and again.already == 5
    assert live_studio.server().get_project(first.project_id).task_number == 5


def test_bad_token_is_one_line_without_the_token(workspace: Workspace) -> None:
    sentinel = "sentinel-token-5f1e0c2a9b"
    run = annot("push", env_extra={"LABEL_STUDIO_API_KEY": sentinel})
    assert run.returncode == 1
    assert sentinel not in run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "refused the API key" in lines[0], run.stderr


def test_dead_server_is_one_clear_line(workspace: Workspace) -> None:
    from tests.helpers import free_port

    run = annot("pull", env_extra={"LABEL_STUDIO_URL": f"http://127.0.0.1:{free_port()}", "ANNOT_RETRY_SECONDS": "1"})
    assert run.returncode == 1
    assert "cannot reach Label Studio" in run.stderr and "Traceback" not in run.stderr


def test_studio_status_reports_the_running_server(live_studio: Live) -> None:
    run = annot("studio", "status", cwd=live_studio.root)
    assert run.returncode == 0, run.stderr
    assert "1.23.2" in run.stdout and live_studio.url in run.stdout


def test_connection_file_is_owner_only(live_studio: Live) -> None:
    path = live_studio.root / ".annot" / "connection.json"
    assert path.stat().st_mode & 0o777 == 0o600


def _claims(export: Path) -> list[dict]:
    loaded = datasets.load_dataset(str(export), "claims", download_mode="force_redownload")
    rows = []
    for part in loaded.values():
        stance = part.features["stance"]
        rows += [{**r, "stance": stance.int2str(r["stance"]) if r["stance"] is not None else None} for r in part]
    return rows


def test_incremental_sync_follows_edits_and_deletions(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    server = live_studio.server()
    first = task_for(live_studio, pushed.project_id, "war machine")
    second = task_for(live_studio, pushed.project_id, "Our intent is not to decouple")
    kept = server.create_annotation(
        second["id"],
        ui_annotation(
            second["data"]["text"],
            "Blinken",
            "Our intent is not to decouple",
            stance="none",
            target="China",
            name="Antony Blinken",
        ),
    )
    edited = server.create_annotation(
        first["id"],
        ui_annotation(
            first["data"]["text"], "Blinken", "war machine", stance="against", target="China", name="Antony Blinken"
        ),
    )
    assert annot("sync").returncode == 0
    assert {r["text"]: r["stance"] for r in _claims(workspace.export)} == {
        "war machine": "against",
        "Our intent is not to decouple": "none",
    }

    # an edit made in Label Studio after the sync is picked up, and only that task is fetched
    result = ui_annotation(
        first["data"]["text"], "Blinken", "war machine", stance="favor", target="China", name="A. B."
    )
    server.update_annotation(edited["id"], result=result)
    assert annot("sync").returncode == 0
    assert {r["text"]: r["stance"] for r in _claims(workspace.export)}["war machine"] == "favor"
    log = [json.loads(line) for line in (workspace.root / ".annot" / "sync.log").read_text().splitlines()]
    assert log[-1]["changed_tasks"] == 1

    # a sync with nothing new fetches no export at all
    snapshots = workspace.root / ".annot" / "snapshots" / workspace.project
    before = sorted(snapshots.iterdir())
    run = annot("sync")
    assert run.returncode == 0 and "up to date" in run.stdout
    assert sorted(snapshots.iterdir()) == before

    # an annotation deleted in Label Studio disappears from the next publish
    server.delete_annotation(edited["id"])
    assert annot("sync").returncode == 0
    assert [r["text"] for r in _claims(workspace.export)] == ["Our intent is not to decouple"]
    assert kept["id"]


def test_demo_end_to_end_and_idempotent(workspace: Workspace, live_studio: Live) -> None:
    from tests.helpers import REPO

    shutil.copy(REPO / "seeds" / "gold.json", workspace.root / "seeds" / "gold.json")
    # the demo finds the session's server through its saved connection, as after `annot studio up`
    env = {"ANNOT_HOME": str(live_studio.root / ".annot"), "LABEL_STUDIO_URL": live_studio.url}
    run = annot("demo", env_extra=env)
    assert run.returncode == 0, run.stderr
    assert "5 gold annotations imported" in run.stdout and "(5 new" in run.stdout
    gold = json.loads((REPO / "seeds" / "gold.json").read_text())
    gold_claims = sum(
        1 for t in gold for r in t["annotations"][0]["result"] if r.get("value", {}).get("labels") == ["Claim"]
    )
    claims = _claims(workspace.export)
    assert len(claims) == gold_claims
    assert all(r["stance"] is not None for r in claims)
    version = _version(workspace.export)

    again = annot("demo", env_extra=env)
    assert again.returncode == 0, again.stderr
    assert "0 gold annotations imported" in again.stdout and "(0 new" in again.stdout
    assert _version(workspace.export) == version


def personal_access_token(live: Live) -> str:
    """Log in as the admin in a browser-like session and create a personal access token (`POST /api/token/`)."""
    import httpx

    with httpx.Client(base_url=live.url, follow_redirects=True) as s:
        s.get("/user/login/")
        form = {"email": live.username, "password": live.password, "csrfmiddlewaretoken": s.cookies["csrftoken"]}
        s.post("/user/login/", data=form, headers={"Referer": f"{live.url}/user/login/"})
        made = s.post("/api/token/", headers={"X-CSRFToken": s.cookies["csrftoken"], "Referer": live.url})
        assert made.status_code == 201, made.text  # one per user: this test is the only one that makes it
        return made.json()["token"]


def test_personal_access_token_and_a_forged_one(workspace: Workspace, live_studio: Live) -> None:
    token = personal_access_token(live_studio)
    assert token.startswith("eyJ")  # a JWT refresh token, not a legacy one
    run = annot("push", env_extra={"LABEL_STUDIO_API_KEY": token})
    assert run.returncode == 0, run.stderr
    assert "5 imported" in run.stdout
    head, body, _ = token.split(".")
    forged = f"{head}.{body}.c2lnbmF0dXJlLW9mLXNvbWVvbmUtZWxzZQ"
    bad = annot("pull", env_extra={"LABEL_STUDIO_API_KEY": forged})
    assert bad.returncode == 1
    assert forged not in bad.stdout + bad.stderr and body not in bad.stderr
    assert "refused the API key" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


def test_push_rereads_only_files_that_changed(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    project = cfg.project()
    assert AnnotWorkspace(cfg, project.name).push().imported == 5
    state = load_state(cfg, project)
    read, found = push.read_sources(project.sources, state, state.pushed)
    assert read == [] and found.count == 5  # nothing read again, all five counted

    seed = sorted((workspace.root / "seeds").glob("*.txt"))[0]
    edited = seed.read_text(encoding="utf-8").replace("China's sincerity", "China's seriousness")
    assert edited != seed.read_text(encoding="utf-8")
    seed.write_text(edited, encoding="utf-8")
    (workspace.root / "seeds" / "extra.txt").write_text(
        "Extra article headline here\n\nMinister Ilse Varga said the talks would resume next week in Brussels.\n"
    )
    again = AnnotWorkspace(cfg, project.name).push()
    # the edited text is a new article (its old version stays in the project); four files were not read
    assert (again.imported, again.already, again.articles) == (2, 4, 6)
    assert live_studio.server().get_project(again.project_id).task_number == 7


def test_a_schema_change_updates_the_projects_labeling_config(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    first = AnnotWorkspace(cfg).push()
    schema_file = workspace.root / "schemas" / "news-stance.yaml"
    schema_file.write_text(
        schema_file.read_text(encoding="utf-8").replace(
            "          - {value: Other, hotkey: o}",
            "          - {value: Other, hotkey: o}\n          - {value: NATO, hotkey: j}",
        ),
        encoding="utf-8",
    )
    again = AnnotWorkspace(cfg).push()
    assert again.project_id == first.project_id and again.imported == 0
    config = live_studio.server().get_project(first.project_id).label_config
    assert '<Choice value="NATO" hotkey="j"/>' in config


def test_a_project_made_again_in_label_studio_is_pulled_afresh(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    server = live_studio.server()
    first = AnnotWorkspace(cfg).push()
    task = task_for(live_studio, first.project_id, "war machine")
    text = task["data"]["text"]
    result = ui_annotation(text, "Blinken", "war machine", stance="against", target="China", name="Antony Blinken")
    server.create_annotation(task["id"], result)
    assert annot("sync").returncode == 0
    assert [r["text"] for r in _claims(workspace.export)] == ["war machine"]

    # someone deletes the project in the UI; the next sync makes it again and must not keep the old copy
    server._raw("DELETE", f"/api/projects/{first.project_id}")
    # other work in the meantime: SQLite would otherwise hand the new tasks the old tasks' ids
    filler = server.ensure_project(f"{workspace.project}-other", "<View></View>", "", "")
    server.import_tasks(filler.id, [{"data": {"text": f"other {i}"}} for i in range(5)])
    second = AnnotWorkspace(cfg).push()
    assert second.project_id != first.project_id and second.imported == 5
    task = task_for(live_studio, second.project_id, "Our intent is not to decouple")
    claim = "Our intent is not to decouple"
    result = ui_annotation(task["data"]["text"], "Blinken", claim, stance="none", target="China", name="Antony Blinken")
    server.create_annotation(task["id"], result)
    assert annot("sync").returncode == 0
    assert [r["text"] for r in _claims(workspace.export)] == [claim]
