"""What several test modules share: paths, the `annot` command as a user runs it, the session's server and
throwaway workspaces, and Label Studio results shaped as the labeling screen saves them.

Fixtures live in conftest.py; hypothesis strategies in strategies.py. A test module imports from here, never
from another test module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annot.records import Task
    from annot.schema import Schema

# -- paths ------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SCHEMA = REPO / "schemas" / "news-stance.yaml"  # the shipped schema
TEST_SCHEMAS = REPO / "tests" / "data" / "schemas"
FRAMES_SCHEMA = TEST_SCHEMAS / "policy-frames.yaml"  # a second schema: other labels, no attribution
SCHEMA_V2 = TEST_SCHEMAS / "news-stance-v2.yaml"
SCHEMA_V3 = TEST_SCHEMAS / "news-stance-v3.yaml"
EXPORTS = REPO / "tests" / "data" / "exports"

# postgresql://user:password@127.0.0.1:5432/name: the session's Label Studio runs on this
# (empty) database instead of SQLite; `.ci/run` sets it for a second pass of the server tests
TEST_DATABASE_ENV = "ANNOT_TEST_DATABASE"


# -- the command line, as a user runs it ------------------------------------------------------------


def annot(*args: str, env_extra: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `annot` command as a user would."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "annot.cli", "--quiet", *args], capture_output=True, text=True, env=env, cwd=cwd
    )


WAIT_S = 30.0  # for something Label Studio or a backend does in the background


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


# -- `annot serve --connect`, as a user starts it ---------------------------------------------------


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


# -- the session's server and throwaway workspaces --------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Live:
    """The session's running Label Studio."""

    url: str
    api_key: str
    username: str
    password: str
    root: Path  # the folder whose .annot/ holds the studio's data and connection

    def server(self):  # noqa: ANN201
        from annot.labelstudio import Server

        return Server(self.url, self.api_key)


@dataclass
class Workspace:
    """A throwaway annot project folder pointed at the live server."""

    root: Path
    project: str

    @property
    def export(self) -> Path:
        return self.root / "exports" / self.project

    def config(self):  # noqa: ANN201
        from annot.config import load_config

        return load_config(self.root)


def make_workspace(root: Path, project: str, sources: list[Path] | None = None) -> Workspace:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for src in sources if sources is not None else sorted(SEEDS.glob("*.txt")):
        shutil.copy(src, root / "seeds" / src.name)
    shutil.copytree(REPO / "schemas", root / "schemas", dirs_exist_ok=True)
    (root / "annot.toml").write_text(
        f"""
[[project]]
name = "{project}"
schema = "schemas/news-stance.yaml"
sources = ["seeds/"]
export = "exports/{project}"
""",
        encoding="utf-8",
    )
    return Workspace(root=root, project=project)


def task_for(live: Live, project_id: int, needle: str) -> dict:
    for task in live.server().export_all(project_id):
        if needle in task["data"]["text"]:
            return task
    raise AssertionError(f"no task contains {needle!r}")


# -- Label Studio results, shaped as the labeling screen saves them ----------------------------------

# The labeling screen's own output for a Speaker and a Claim, seen in Label Studio 1.23.2 from a real browser
# (docs/architecture.md, "What Label Studio stores"): a span and its per-region controls share one region id,
# and offsets count Python characters, the emoji as one.
SCREEN_TEXT = "Rocket 🚀 launch: Minister Ilse Varga said the deal is “a disgrace”, officials said."
SCREEN_RESULT = [
    {
        "id": "XX6rTI3p2m",
        "from_name": "mention",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": 26, "end": 36, "text": "Ilse Varga", "labels": ["Speaker"]},
    },
    {
        "id": "XX6rTI3p2m",
        "from_name": "speaker_name",
        "to_name": "text",
        "type": "textarea",
        "origin": "manual",
        "value": {"start": 26, "end": 36, "text": ["Ilse Varga"]},
    },
    {
        "id": "xCBSqyb_7i",
        "from_name": "mention",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": 55, "end": 65, "text": "a disgrace", "labels": ["Claim"]},
    },
    {
        "id": "xCBSqyb_7i",
        "from_name": "stance",
        "to_name": "text",
        "type": "choices",
        "origin": "manual",
        "value": {"start": 55, "end": 65, "text": "a disgrace", "choices": ["against"]},
    },
    {
        "id": "xCBSqyb_7i",
        "from_name": "target",
        "to_name": "text",
        "type": "choices",
        "origin": "manual",
        "value": {"start": 55, "end": 65, "text": "a disgrace", "choices": ["China"]},
    },
]


def raw_task(result: list[dict[str, Any]], text: str = SCREEN_TEXT, **annotation: Any) -> dict[str, Any]:
    """One Label Studio export item: task 42 with one annotation (7) holding `result`."""
    return {
        "id": 42,
        "data": {"article_id": "a1", "text": text},
        "annotations": [{"id": 7, "result": result, "completed_by": 1, **annotation}],
    }


def export_of(task: Task, schema: Schema) -> dict[str, Any]:
    """The task as a Label Studio export item, through JSON text as in a file."""
    from annot.convert import to_results

    anns = [
        {
            "id": a.id,
            "result": to_results(a, schema),
            "completed_by": int(a.annotator) if a.annotator and a.annotator.isdigit() else {"email": a.annotator},
            "ground_truth": a.ground_truth,
            "was_cancelled": a.cancelled,
            "updated_at": a.updated_at,
        }
        for a in task.annotations
    ]
    return json.loads(json.dumps({"id": task.id, "data": task.data, "annotations": anns, "predictions": []}))


def ui_annotation(text: str, speaker: str, claim: str, *, stance: str, target: str, name: str) -> list[dict]:
    """A result list shaped exactly as the labeling screen saves it: a span and its per-region controls
    share one region id; the relation is drawn from the claim to the speaker."""
    s0 = text.index(speaker)
    c0 = text.index(claim)
    s, c = (s0, s0 + len(speaker)), (c0, c0 + len(claim))

    def region(rid: str, span: tuple[int, int], kind: str, from_name: str, value: dict) -> dict:
        return {
            "id": rid,
            "from_name": from_name,
            "to_name": "text",
            "type": kind,
            "origin": "manual",
            "value": {"start": span[0], "end": span[1], "text": text[span[0] : span[1]], **value},
        }

    return [
        region("spk1", s, "labels", "mention", {"labels": ["Speaker"]}),
        {**region("spk1", s, "textarea", "speaker_name", {}), "value": {"start": s[0], "end": s[1], "text": [name]}},
        region("clm1", c, "labels", "mention", {"labels": ["Claim"]}),
        region("clm1", c, "choices", "stance", {"choices": [stance]}),
        region("clm1", c, "choices", "target", {"choices": [target]}),
        region("clm1", c, "choices", "quote_type", {"choices": ["direct"]}),
        {"from_id": "clm1", "to_id": "spk1", "type": "relation", "direction": "left", "labels": ["says"]},
    ]


def region(rid: str, label: str, start: int = 0, end: int = 4, **choices: str) -> list[dict]:
    """The results of one region over placeholder text: its label and one Choices result per keyword."""
    where = {"start": start, "end": end, "text": "x" * (end - start)}
    out = [
        {"id": rid, "from_name": "mention", "to_name": "text", "type": "labels", "value": {**where, "labels": [label]}}
    ]
    for name, value in choices.items():
        out.append(
            {"id": rid, "from_name": name, "to_name": "text", "type": "choices", "value": {**where, "choices": [value]}}
        )
    return out


def relation(a: str, b: str, label: str = "says") -> dict:
    return {"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [label]}


# -- made-up articles ------------------------------------------------------------------------------

SPEAKERS = ["Ilse Varga", "Tomas Brandt", "Amina Diallo", "Rafael Ortiz"]
PLACES = ["Geneva", "Brussels", "Nairobi", "Jakarta"]


def record(i: int, rng: Any) -> dict[str, str]:
    """A made-up article of a few paragraphs of reported speech (no real news); `rng` is a random.Random."""
    paragraphs = [
        f"{rng.choice(SPEAKERS)}, the trade envoy, said in {rng.choice(PLACES)} that talks round {i} were "
        f"“a matter of trust for everyone involved”. Officials met on Tuesday for a second round of talks."
        for _ in range(3)
    ]
    return {"title": f"Envoys meet for talks, round {i}", "text": "\n\n".join(paragraphs), "source": "Test Wire"}


# -- a second annotator, joined as a person joins ---------------------------------------------------

TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Annotator:
    id: int
    token: str

    @property
    def name(self) -> str:
        # Label Studio's export gives `completed_by` as the user id; that is the annotator's name in annot
        return str(self.id)


def join_as_annotator(live: Live) -> Annotator:
    """Sign up a new user through the organization's invite link and take their API token."""
    import httpx

    admin = {"Authorization": f"Token {live.api_key}"}
    invite = httpx.get(f"{live.url}/api/invite", headers=admin, timeout=TIMEOUT_S).json()
    email = f"reviewer-{uuid.uuid4().hex[:8]}@annot.local"
    with httpx.Client(base_url=live.url, timeout=TIMEOUT_S) as browser:
        form = browser.get("/user/signup/", params={"token": invite["token"]})
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert csrf, "the signup page has no CSRF field"
        signup = browser.post(
            "/user/signup/",
            params={"token": invite["token"]},
            data={"csrfmiddlewaretoken": csrf.group(1), "email": email, "password": uuid.uuid4().hex},
            headers={"Referer": f"{live.url}/user/signup/"},
        )
        assert signup.status_code == 302, signup.text[:500]
        token = browser.get("/api/current-user/token").json()["token"]
    me = httpx.get(f"{live.url}/api/current-user/whoami", headers={"Authorization": f"Token {token}"}).json()
    assert me["email"] == email and me["active_organization"] is not None
    return Annotator(id=int(me["id"]), token=token)


# -- two annotators on the seeds (agreement, report and campaign tests) ---------------------------------

# Article titles (seeds/) and what each annotator marks in them: claim text -> (stance, target).
# Every claim is said by the article's first SPEAKER.
SPEAKER = "Antony Blinken"
TASK_A = "Blinken questions China peace push over Russia help"
TASK_B = "Blinken confronts China over ‘powering’ Russia’s war"
TASK_C = "US concerned at China’s ‘alignment’ with Russia, Blinken says"
C1 = "China's sincerity in seeking peace in Ukraine"
C2 = "Washington could impose more sanctions"
C5 = "the United States would not back down on concerns over China's exports"  # only the second annotator
C3 = "China’s support for Russia’s military"
C4 = "more needs to be done"  # stance: none vs against, the one disagreement
C6 = "neither side held back"  # on a task only the first annotator did
FIRST = {
    TASK_A: {C1: ("against", "China"), C2: ("favor", "United States")},
    TASK_B: {C3: ("against", "Russia"), C4: ("none", "China")},
    TASK_C: {C6: ("none", "Other")},
}
SECOND = {
    TASK_A: {C1: ("against", "China"), C2: ("favor", "United States"), C5: ("against", "China")},
    TASK_B: {C3: ("against", "Russia"), C4: ("against", "China")},
}


def result_for(text: str, who: str, claims: dict[str, tuple[str, str]]) -> list[dict]:
    """A result list shaped as the labeling screen saves it: one Speaker, each claim drawn to it."""

    def part(rid: str, span: tuple[int, int], kind: str, from_name: str, value: dict) -> dict:
        where = {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}
        value = {**where, **value}
        return {"id": rid, "from_name": from_name, "to_name": "text", "type": kind, "origin": "manual", "value": value}

    s0 = text.index(SPEAKER)
    speaker, sid = (s0, s0 + len(SPEAKER)), f"{who}-s"
    name = part(sid, speaker, "textarea", "speaker_name", {})
    name["value"]["text"] = [SPEAKER]  # a TextArea stores its text as a list, in place of the span's text
    result = [part(sid, speaker, "labels", "mention", {"labels": ["Speaker"]}), name]
    for n, (claim, (stance, target)) in enumerate(claims.items(), 1):
        c0 = text.index(claim)
        span, cid = (c0, c0 + len(claim)), f"{who}-c{n}"
        result += [
            part(cid, span, "labels", "mention", {"labels": ["Claim"]}),
            part(cid, span, "choices", "stance", {"choices": [stance]}),
            part(cid, span, "choices", "target", {"choices": [target]}),
            part(cid, span, "choices", "quote_type", {"choices": ["direct"]}),
            {"from_id": cid, "to_id": sid, "type": "relation", "direction": "left", "labels": ["says"]},
        ]
    return result


def agreement_json(*flags: str) -> dict:
    run = annot("agreement", "--json", *flags)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def json_pairs(agreement: dict) -> dict[str, dict[str, object]]:
    """`annot agreement --json`'s pairs keyed as the page keys them."""
    out: dict[str, dict[str, object]] = {}
    for p in agreement["pairs"]:
        row: dict[str, object] = {k: p[k] for k in ("tasks", "exact_f1", "overlap_f1", "attribution")}
        for a in p["attributes"]:
            row |= {f"{a['attribute']}.{k}": a[k] for k in ("kappa", "observed", "items")}
        out["|".join(p["annotators"])] = row
    return out


def json_annotators(agreement: dict) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for s in agreement["annotator_scores"]:
        row = {k: s[k] for k in ("annotations", "compared_tasks", "regions", "consensus_regions", "f1")}
        row |= {f"accuracy.{k}": v for k, v in s["accuracy"].items()}
        out[s["annotator"]] = row | {f"accuracy_items.{k}": v for k, v in s["accuracy_items"].items()}
    return out


# -- another team's conventions (issue 15): gold re-annotated by span guidelines the rules do not follow ---------

QUOTE_MARKS = '"\u201c\u201d\u00ab\u00bb\u201e'
PRONOUN_SPEAKERS = frozenset({"he", "she", "they", "it", "we", "i"})
CONVENTIONS = {
    "determiner": "a speaker takes its article: 'the union said', not 'the [union] said'",
    "no-pronoun": "pronouns are not annotated as speakers (nor their claims' links)",
    "quote-marks": "a direct quotation's claim takes its quotation marks (and the comma inside them)",
    "that": "an indirect claim takes the 'that' before it",
}


def with_convention(task: dict[str, Any], convention: str) -> int:
    """Move (or drop) the regions of one Label Studio gold task as `convention` asks; returns how many changed.

    Every result sharing a moved region's id (the region, its speaker_name, its choices) moves with it; a
    dropped speaker takes its relations along.
    """
    assert convention in CONVENTIONS, convention
    text = task["data"]["text"]
    results = task["annotations"][0]["result"]
    spans = [r for r in results if "labels" in r.get("value", {})]
    moved: dict[str, tuple[int, int]] = {}
    for r in spans:
        start, end, label = r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]
        new = (start, end)
        if convention == "determiner" and label == "Speaker":
            article = re.search(r"(?:^|\s)((?:the|The) )$", text[max(0, start - 5) : start])
            new = (start - len(article.group(1)), end) if article else new
        elif convention == "quote-marks" and label == "Claim" and start and text[start - 1] in QUOTE_MARKS:
            closing = re.match(f"[,.?!]?[{QUOTE_MARKS}]", text[end:])
            new = (start - 1, end + (closing.end() if closing else 0))
        elif convention == "that" and label == "Claim" and text[max(0, start - 5) : start] == "that ":
            new = (start - 5, end)
        if new != (start, end):
            moved[r["id"]] = new
    dropped = set()
    if convention == "no-pronoun":
        dropped = {
            r["id"]
            for r in spans
            if r["value"]["labels"][0] == "Speaker" and r["value"]["text"].lower() in PRONOUN_SPEAKERS
        }
    kept = [r for r in results if not {r.get("id"), r.get("from_id"), r.get("to_id")} & dropped]
    for r in kept:
        value = r.get("value", {})
        if r.get("id") in moved and "start" in value:
            value["start"], value["end"] = moved[r["id"]]
            if "labels" in value:
                value["text"] = text[value["start"] : value["end"]]
    task["annotations"][0]["result"] = kept
    return len(moved) + len(dropped)
