"""A campaign on the session's real Label Studio: overlap taken by two real annotator accounts, and schema migrations.

The annotators join through the organization's invite link (tests.test_agreement_live) and take
tasks the way the labeling screen's "Label All Tasks" does: `GET /api/projects/{id}/next/`, then
submit an annotation for the task it gave, until it answers 404.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import datasets
import httpx
import pytest

from annot.labelstudio import Server
from tests.helpers import (
    FIRST,
    SPEAKER,
    TEST_SCHEMAS,
    Annotator,
    Live,
    Workspace,
    annot,
    join_as_annotator,
    make_workspace,
    result_for,
    ui_annotation,
)

pytestmark = pytest.mark.server

TIMEOUT_S = 30.0
NAMES = ["Mara Quill", "Ivo Brandt", "Lena Okafor", "Tomas Reyes", "Ada Lindqvist",
         "Kofi Mensah", "Rita Novak", "Sami Haddad", "Nora Vance", "Emil Sato"]  # fmt: skip


def use_schema(ws: Workspace, name: str, overlap: str = "") -> None:
    """Point the workspace's project at `schemas/<name>` (the test schemas are copied in)."""
    for path in TEST_SCHEMAS.glob("news-stance-v*.yaml"):
        shutil.copy(path, ws.root / "schemas" / path.name)
    toml = ws.root / "annot.toml"
    text = toml.read_text(encoding="utf-8").split("\n[project.overlap]")[0]
    text = text.replace(text.split('schema = "')[1].split('"')[0], f"schemas/{name}")
    toml.write_text(text + (f"\n[project.overlap]\n{overlap}\n" if overlap else ""), encoding="utf-8")


def one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 1, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def project_of(live: Live, name: str) -> dict:
    server = live.server()
    found = server.find_project(name)
    assert found is not None
    return server._raw("GET", f"/api/projects/{found.id}").json()


def annotations_of(live: Live, project_id: int) -> dict[int, dict]:
    """Annotation id -> annotation, as the server holds them now."""
    return {a["id"]: {**a, "task": t["id"]} for t in live.server().export_all(project_id) for a in t["annotations"]}


def labels_in(annotation: dict) -> list[str]:
    return [v for r in annotation["result"] for v in (r.get("value") or {}).get("labels", [])]


def choices_in(annotation: dict) -> list[str]:
    return [v for r in annotation["result"] for v in (r.get("value") or {}).get("choices", [])]


def with_cue(result: list[dict], text: str, rid: str) -> list[dict]:
    """The result plus a Cue region on the first "said" of the text."""
    start = text.index("said")
    where = {"start": start, "end": start + 4, "text": "said"}
    cue = {"id": rid, "from_name": "mention", "to_name": "text", "type": "labels", "origin": "manual"}
    return [*result, {**cue, "value": {**where, "labels": ["Cue"]}}]


def table_row(stdout: str, needle: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if needle in line)
    return [cell.strip() for cell in line.split("│")[1:-1]]


# -- overlap ----------------------------------------------------------------------------------


def take_tasks(live: Live, project_id: int, people: list[Annotator], text_of: dict[int, str]) -> list[tuple[int, int]]:
    """Each annotator in turn takes the next task Label Studio gives them and submits it, until none is left.

    Returns (annotator id, task id) in the order the tasks were served.
    """
    served: list[tuple[int, int]] = []
    finished: set[int] = set()
    while len(finished) < len(people):
        for person in people:
            if person.id in finished:
                continue
            auth = {"Authorization": f"Token {person.token}"}
            nxt = httpx.get(f"{live.url}/api/projects/{project_id}/next/", headers=auth, timeout=TIMEOUT_S)
            if nxt.status_code == 404:
                finished.add(person.id)
                continue
            nxt.raise_for_status()
            task_id = nxt.json()["id"]
            text = text_of[task_id]
            name = next(n for n in NAMES if n in text)
            claim = text[text.index("the toll plan") : text.index(" crews") + len(" crews")]
            stance = "favor" if person is people[0] else "against"  # the two always disagree on stance
            result = ui_annotation(text, name, claim, stance=stance, target="Other", name=name)
            created = httpx.post(
                f"{live.url}/api/tasks/{task_id}/annotations/",
                params={"project": project_id},
                headers=auth,
                json={"result": result, "lead_time": 12.5},
                timeout=TIMEOUT_S,
            )
            assert created.status_code == 201, created.text
            served.append((person.id, task_id))
    return served


def test_overlap_two_annotators_take_tasks_as_the_labeling_screen_does(tmp_path: Path, live_studio: Live) -> None:
    seeds = tmp_path / "articles"
    seeds.mkdir()
    for i, name in enumerate(NAMES):
        (seeds / f"pier-{i}.txt").write_text(
            f"Harbour board weighs tolls for pier {i}\n\n"
            f"{name} said the toll plan for pier {i} is fair to the fishing crews. The board meets again in May.\n",
            encoding="utf-8",
        )
    ws = make_workspace(tmp_path / "ws", f"overlap-{uuid.uuid4().hex[:8]}", sources=sorted(seeds.glob("*.txt")))
    use_schema(ws, "news-stance.yaml", overlap="annotators = 2\nshare = 0.2")
    env = {"LABEL_STUDIO_URL": live_studio.url, "LABEL_STUDIO_API_KEY": live_studio.api_key}
    run = annot("push", "--no-predictions", env_extra=env, cwd=ws.root)
    assert run.returncode == 0, run.stderr

    project = project_of(live_studio, ws.project)
    assert (project["maximum_annotations"], project["overlap_cohort_percentage"], project["show_overlap_first"]) == (
        2,
        20,
        True,
    )
    admin = live_studio.server()
    tasks = admin._raw("GET", "/api/tasks", params={"project": project["id"], "page_size": 100}).json()["tasks"]
    assert len(tasks) == 10
    cohort = {t["id"] for t in tasks if t["overlap"] == 2}
    assert len(cohort) == 2  # Label Studio draws round(10 × 20 %) tasks for two annotators, the rest get one

    people = [join_as_annotator(live_studio), join_as_annotator(live_studio)]
    text_of = {t["id"]: t["data"]["text"] for t in tasks}
    served = take_tasks(live_studio, project["id"], people, text_of)

    # show_overlap_first: each annotator's first task is one of the overlapping ones
    firsts = [next(task for who, task in served if who == person.id) for person in people]
    assert set(firsts) <= cohort
    per_task = Counter(task for _, task in served)
    assert sorted(per_task.values()) == [1] * 8 + [2] * 2
    assert {task for task, n in per_task.items() if n == 2} == cohort
    for task in cohort:  # one annotation from each person, never two from one
        assert sorted(who for who, t in served if t == task) == sorted(p.id for p in people)

    run = annot("agreement", "--json", env_extra=env, cwd=ws.root)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert (report["tasks"], report["multi_annotator_tasks"], report["single_annotator_tasks"]) == (10, 2, 8)
    assert report["annotators"] == sorted(str(p.id) for p in people)
    attrs = {a["attribute"]: a for a in report["attributes"]}
    # compared on exactly the two overlapping tasks: one claim each, stance always opposite, target always Other
    assert (attrs["stance"]["items"], attrs["stance"]["observed"]) == (2, 0.0)
    assert (attrs["target"]["items"], attrs["target"]["observed"]) == (2, 1.0)
    assert set(report["disputed_tasks"]) == cohort

    run = annot("status", env_extra=env, cwd=ws.root)
    assert run.returncode == 0 and "2 on 20%" in table_row(run.stdout, ws.project)

    # a new share in annot.toml is applied; the tasks that already have two annotations stay in the cohort
    use_schema(ws, "news-stance.yaml", overlap="annotators = 2\nshare = 0.5")
    run = annot("push", "--no-predictions", env_extra=env, cwd=ws.root)
    assert run.returncode == 0, run.stderr
    assert project_of(live_studio, ws.project)["overlap_cohort_percentage"] == 50
    tasks = admin._raw("GET", "/api/tasks", params={"project": project["id"], "page_size": 100}).json()["tasks"]
    now = {t["id"] for t in tasks if t["overlap"] == 2}
    assert len(now) == 5 and cohort <= now


# -- migrations -----------------------------------------------------------------------------------


def test_rename_migrated_on_pull_applied_on_the_server_and_published(workspace: Workspace, live_studio: Live) -> None:
    admin = live_studio.server()
    run = annot("push")
    assert run.returncode == 0, run.stderr
    project = project_of(live_studio, workspace.project)
    tasks = {t["data"]["title"]: t for t in admin.export_all(project["id"])}
    second = join_as_annotator(live_studio)
    (title_a, claims_a), (title_b, claims_b) = list(FIRST.items())[:2]  # A has a claim on the United States
    text_a, text_b = tasks[title_a]["data"]["text"], tasks[title_b]["data"]["text"]
    mine = admin.create_annotation(tasks[title_a]["id"], with_cue(result_for(text_a, "a", claims_a), text_a, "a-v"))
    theirs = Server(live_studio.url, second.token).create_annotation(
        tasks[title_b]["id"], with_cue(result_for(text_b, "b", claims_b), text_b, "b-v")
    )
    assert annot("sync").returncode == 0

    use_schema(workspace, "news-stance-v2.yaml")
    run = annot("validate")  # read under version 2: the old names are migrated, nothing fails
    assert run.returncode == 0, run.stdout + run.stderr

    line = one_line_error(annot("push"))
    assert "label `Cue` (2 regions in 2 tasks)" in line
    assert "choice target `United States` (1 regions in 1 tasks)" in line
    assert "annot schema migrate --apply" in line
    assert project_of(live_studio, workspace.project)["label_config"] == project["label_config"]  # nothing sent

    run = annot("schema", "diff", "schemas/news-stance.yaml", "schemas/news-stance-v2.yaml")
    assert run.returncode == 0, run.stderr
    assert table_row(run.stdout, "rename label `Cue`")[2:] == ["2", "2"]
    assert table_row(run.stdout, "rename choice target")[2:] == ["1", "1"]

    before = annotations_of(live_studio, project["id"])
    run = annot("schema", "migrate")
    assert run.returncode == 0, run.stderr
    assert "2 annotations in 2 tasks" in run.stdout and "nothing was sent" in run.stdout
    assert annotations_of(live_studio, project["id"]) == before

    run = annot("schema", "migrate", "--apply")
    assert run.returncode == 0, run.stderr
    assert "rewrote 2 annotations in 2 tasks" in run.stdout
    after = annotations_of(live_studio, project["id"])
    assert set(after) == set(before) == {mine["id"], theirs["id"]}
    for ann_id, ann in after.items():
        assert ann["completed_by"] == before[ann_id]["completed_by"]  # still the annotator's own annotation
        assert labels_in(ann).count("Verb") == 1 and "Cue" not in labels_in(ann)
        assert "United States" not in choices_in(ann)
    assert choices_in(after[mine["id"]]).count("USA") == 1
    remote = project_of(live_studio, workspace.project)
    assert 'value="Verb"' in remote["label_config"] and 'value="Cue"' not in remote["label_config"]
    assert remote["description"].endswith("version 2")

    run = annot("push")
    assert run.returncode == 0, run.stderr
    run = annot("sync")
    assert run.returncode == 0, run.stderr
    claims = datasets.load_dataset(str(workspace.export), "claims")["train"]
    target = claims.features["target"]
    assert "USA" in {target.int2str(row["target"]) for row in claims}
    documents = datasets.load_dataset(str(workspace.export), "documents")["train"]
    assert sum(len(row["verbs"]) for row in documents) == 2 and "cues" not in documents.features
    card = (workspace.export / "README.md").read_text(encoding="utf-8")
    assert "| Schema | news-stance version 2 |" in card
    assert "- version 2: rename label `Cue` to `Verb`" in card
    assert "- version 2: rename choice target `United States` to `USA`" in card

    # bad input, refused before anything is sent: a version going backwards, a change naming a label never had
    use_schema(workspace, "news-stance.yaml")
    assert "version 1 is older than version 2" in one_line_error(annot("push"))
    never = workspace.root / "schemas" / "news-stance-v3-bad.yaml"
    never.write_text(
        (TEST_SCHEMAS / "news-stance-v2.yaml").read_text().replace("version: 2\n", "version: 3\n", 1)
        + "  - {version: 3, merge: [Quote, Claim], into: Claim}\n"
    )
    use_schema(workspace, never.name)
    assert "never had label 'Quote'" in one_line_error(annot("push"))
    assert project_of(live_studio, workspace.project)["label_config"] == remote["label_config"]
    assert annotations_of(live_studio, project["id"]) == after


def test_removal_refused_then_applied_after_a_kill_halfway(workspace: Workspace, live_studio: Live) -> None:
    admin = live_studio.server()
    assert annot("push", "--no-predictions").returncode == 0
    project = project_of(live_studio, workspace.project)
    tasks = [t for t in admin.export_all(project["id"]) if "said" in t["data"]["text"] and SPEAKER in t["data"]["text"]]
    made = []
    for task in tasks:
        text = task["data"]["text"]
        claim = text[text.index("said") + 5 :][:30].strip()
        for n in range(10):
            result = ui_annotation(text, SPEAKER, claim, stance="none", target="China", name=SPEAKER)
            made.append(admin.create_annotation(task["id"], with_cue(result, text, f"v{n}"))["id"])
    assert len(made) >= 30

    use_schema(workspace, "news-stance-v3.yaml")
    line = one_line_error(annot("push"))
    assert f"label `Cue` ({len(made)} regions in {len(tasks)} tasks)" in line and "migrate --apply" in line
    assert 'value="Cue"' in project_of(live_studio, workspace.project)["label_config"]

    # killed halfway: as soon as the first annotation is rewritten
    first = min(made)
    killed = subprocess.Popen(
        [sys.executable, "-m", "annot.cli", "--quiet", "schema", "migrate", "--apply", "--batch-size", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while "Cue" in labels_in(admin.get_annotation(first)):
        assert killed.poll() is None, killed.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    time.sleep(1.0)  # a request the killed run had in flight may still land on the server: let it
    halfway = annotations_of(live_studio, project["id"])
    left = [i for i, a in halfway.items() if "Cue" in labels_in(a)]
    assert 0 < len(left) < len(made), "the kill did not land halfway"

    run = annot("schema", "migrate", "--apply", "--batch-size", "5")
    assert run.returncode == 0, run.stderr
    assert f"rewrote {len(left)} annotations" in run.stdout  # what the killed run did is not done again
    done = annotations_of(live_studio, project["id"])
    assert sorted(done) == sorted(made)  # the same annotations, none added or lost
    for ann in done.values():
        assert "Cue" not in labels_in(ann) and labels_in(ann).count("Claim") == 1
        ids = {r["id"] for r in ann["result"] if r.get("type") != "relation"}
        assert all(r["from_id"] in ids and r["to_id"] in ids for r in ann["result"] if r.get("type") == "relation")
    assert 'value="Cue"' not in project_of(live_studio, workspace.project)["label_config"]

    run = annot("sync")
    assert run.returncode == 0, run.stderr
    documents = datasets.load_dataset(str(workspace.export), "documents")["train"]
    assert "cues" not in documents.features and "verbs" not in documents.features
    assert "- version 3: remove label `Verb` (its regions are deleted)" in (workspace.export / "README.md").read_text()
