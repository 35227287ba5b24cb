"""Two real annotators on the session's Label Studio: agreement figures, the `Disputed` tab, ground truth.

The second annotator joins the way a person does (the organization's invite link,
then the signup form) and annotates with their own token, so Label Studio itself
records who did what.
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import httpx
import pytest

from annot.labelstudio import Server
from annot.workspace import Workspace as AnnotWorkspace
from tests.helpers import (
    C3,
    C4,
    C5,
    C6,
    FIRST,
    SECOND,
    TASK_A,
    TASK_B,
    TASK_C,
    TIMEOUT_S,
    Annotator,
    Live,
    Workspace,
    agreement_json,
    annot,
    join_as_annotator,
    result_for,
)

pytestmark = pytest.mark.server

REVIEW_TAB = "Disputed"


def region_id(who: str, task: str, claim: str, plan: dict[str, dict[str, tuple[str, str]]]) -> str:
    return f"{who}-c{list(plan[task]).index(claim) + 1}"


def disputed_tab(live: Live, project_id: int, token: str) -> tuple[list[int], list[int]]:
    """(ids of the tabs named `Disputed`, ids of the tasks the first one shows), seen with `token`."""
    auth = {"Authorization": f"Token {token}"}
    views = httpx.get(f"{live.url}/api/dm/views", params={"project": project_id}, headers=auth).json()
    tabs = [v["id"] for v in views if (v.get("data") or {}).get("title") == REVIEW_TAB]
    if not tabs:
        return [], []
    params = {"project": project_id, "view": tabs[0], "include": "id", "page_size": 100}
    shown = httpx.get(f"{live.url}/api/tasks", params=params, headers=auth, timeout=TIMEOUT_S).json()
    return tabs, sorted(t["id"] for t in shown["tasks"])


def claim_rows(export: Path) -> dict[str, dict]:
    claims = datasets.load_dataset(str(export), "claims")
    out = {}
    for part in claims.values():
        stance = part.features["stance"]
        for row in part:
            out[row["text"]] = {**row, "stance": None if row["stance"] is None else stance.int2str(row["stance"])}
    return out


def test_two_annotators_agreement_review_tab_and_ground_truth(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    admin = live_studio.server()
    tasks = {t["data"]["title"]: t for t in admin.export_all(pushed.project_id)}
    first = Annotator(id=int(admin.whoami()["id"]), token=live_studio.api_key)
    second = join_as_annotator(live_studio)
    ids = {title: tasks[title]["id"] for title in FIRST}
    article = {title: tasks[title]["data"]["article_id"] for title in FIRST}

    made: dict[tuple[str, str], int] = {}
    for who, person, plan in (("a", first, FIRST), ("b", second, SECOND)):
        server = Server(live_studio.url, person.token)
        for title, claims in plan.items():
            created = server.create_annotation(ids[title], result_for(tasks[title]["data"]["text"], who, claims))
            assert created["completed_by"] == person.id  # Label Studio recorded the person, not the admin
            made[(who, title)] = created["id"]

    report = agreement_json()
    a, b = first.name, second.name
    assert report["annotators"] == sorted([a, b])
    assert (report["tasks"], report["multi_annotator_tasks"], report["single_annotator_tasks"]) == (3, 2, 1)

    # Stance over the four claims both marked (C1, C2, C3, C4):
    #   first  = against, favor, against, none     second = against, favor, against, against
    # observed agreement = 3 agreeing pairs / 4 pairs = 0.75
    # Cohen's kappa: p_o = 3/4; marginals first {against 2, favor 1, none 1}, second {against 3, favor 1},
    #   p_e = (2·3 + 1·1 + 1·0) / 4² = 7/16; kappa = (12/16 − 7/16) / (1 − 7/16) = 5/9
    # Krippendorff's alpha (nominal): 8 pairable values {against 5, favor 2, none 1}, n = 8;
    #   D_o = 2 off-diagonal coincidences (none·against both ways) / 8 = 1/4;
    #   D_e = (8² − (5² + 2² + 1²)) / (8·7) = 34/56; alpha = 1 − (14/56)/(34/56) = 10/17
    # Target agrees on all four (China, United States, Russia, China): alpha = kappa = observed = 1.
    # Quote type is "direct" everywhere: one value seen, so alpha and kappa are undefined (null).
    attrs = {s["attribute"]: s for s in report["attributes"]}
    assert attrs["stance"]["items"] == 4
    assert attrs["stance"]["observed"] == pytest.approx(0.75)
    assert attrs["stance"]["kappa"] == pytest.approx(5 / 9)
    assert attrs["stance"]["alpha"] == pytest.approx(10 / 17)
    assert (attrs["target"]["alpha"], attrs["target"]["kappa"], attrs["target"]["observed"]) == pytest.approx(
        (1.0, 1.0, 1.0)
    )
    assert (attrs["quote_type"]["alpha"], attrs["quote_type"]["kappa"], attrs["quote_type"]["observed"]) == (
        None,
        None,
        1.0,
    )
    # Span F1 over the two shared tasks: Claim 2·(2+2) matches / (2+3 + 2+2) regions = 8/9;
    # Speaker 2·2 / 4 = 1; all labels 2·6 / 13 = 12/13. Every shared claim has the same speaker.
    spans = {s["label"]: s for s in report["spans"]}
    assert spans["Claim"]["exact_f1"] == pytest.approx(8 / 9) and spans["Claim"]["overlap_f1"] == pytest.approx(8 / 9)
    assert spans["Speaker"]["exact_f1"] == pytest.approx(1.0)
    assert report["overall"]["exact_f1"] == pytest.approx(12 / 13)
    assert (report["attribution"]["items"], report["attribution"]["agreement"]) == (4, 1.0)

    # Two disputes: C4's stance, and C5 marked by one of two. Task C (one annotator) is never disputed.
    disputes = sorted(report["disputed"], key=lambda d: d["kind"])
    assert [(d["kind"], d["task_id"], d["article_id"]) for d in disputes] == [
        ("attribute", ids[TASK_B], article[TASK_B]),
        ("span", ids[TASK_A], article[TASK_A]),
    ]
    stance, span = disputes
    assert (stance["label"], stance["attribute"], stance["tie"], stance["settled"]) == ("Claim", "stance", True, False)
    assert stance["region_ids"] == {a: region_id("a", TASK_B, C4, FIRST), b: region_id("b", TASK_B, C4, SECOND)}
    assert stance["values"] == {a: "none", b: "against"}
    assert span["region_ids"] == {a: None, b: region_id("b", TASK_A, C5, SECOND)}
    assert span["values"] == {a: None, b: "Claim"}
    assert report["disputed_tasks"] == sorted([ids[TASK_A], ids[TASK_B]])

    # The review tab shows exactly the disputed tasks, to the reviewer as well as to the admin
    run = annot("agreement", "--push-review")
    assert run.returncode == 0, run.stderr
    assert "Krippendorff" in run.stdout and "2 tasks" in run.stdout
    tabs, shown = disputed_tab(live_studio, pushed.project_id, second.token)
    assert len(tabs) == 1 and shown == sorted([ids[TASK_A], ids[TASK_B]])

    # Before any decision the tie is published as null and listed in the publish report
    assert annot("sync").returncode == 0
    rows = claim_rows(workspace.export)
    assert rows[C4]["stance"] is None and rows[C3]["stance"] == "against"
    assert rows[C6]["stance"] == "none"  # the single annotator's task is published as it is
    published = json.loads((workspace.export / "publish-report.json").read_text())
    listed = [(d["task_id"], d["attribute"], d["values"]) for d in published["disputed"] if d["kind"] == "attribute"]
    assert listed == [(ids[TASK_B], "stance", {a: "none", b: "against"})]

    # The reviewer settles C4: the second annotation of task B becomes ground truth
    Server(live_studio.url, second.token).update_annotation(made[("b", TASK_B)], ground_truth=True)
    report = agreement_json("--push-review")  # --json keeps stdout pure JSON even with --push-review
    settled = [d for d in report["disputed"] if d["task_id"] == ids[TASK_B]]
    assert settled and all(d["settled"] for d in settled)
    again, shown = disputed_tab(live_studio, pushed.project_id, live_studio.api_key)
    assert again == tabs and shown == [ids[TASK_A]]  # the same tab, refreshed

    # `sync`, after `agreement` already pulled the change in: sync must still republish
    run = annot("sync")
    assert run.returncode == 0, run.stderr
    rows = claim_rows(workspace.export)
    assert rows[C4]["stance"] == "against"
    documents = datasets.load_dataset(str(workspace.export), "documents")
    doc = next(r for part in documents.values() for r in part if r["id"] == article[TASK_B])
    c4 = next(c for c in doc["claims"] if c["text"] == C4)
    assert c4["annotation_ids"] == [str(made[("b", TASK_B)])] and c4["disputed"] == []
    published = json.loads((workspace.export / "publish-report.json").read_text())
    assert [d for d in published["disputed"] if d["task_id"] == ids[TASK_B]] == []


def test_sync_after_another_pull_republishes(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    tasks = {t["data"]["title"]: t for t in live_studio.server().export_all(pushed.project_id)}
    for title, claims in FIRST.items():
        if title != TASK_C:
            live_studio.server().create_annotation(
                tasks[title]["id"], result_for(tasks[title]["data"]["text"], "a", claims)
            )
    assert annot("sync").returncode == 0
    assert C6 not in claim_rows(workspace.export)

    task = tasks[TASK_C]
    live_studio.server().create_annotation(task["id"], result_for(task["data"]["text"], "a", FIRST[TASK_C]))
    assert annot("pull").returncode == 0  # or `annot agreement`, `annot validate`: any command that pulls
    assert annot("sync").returncode == 0
    assert C6 in claim_rows(workspace.export)
