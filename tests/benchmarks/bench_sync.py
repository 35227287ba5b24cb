"""Sync at scale (issue 8): annot's push, pull and no-op sync against Label Studio's own bulk calls.

Run: `python tests/benchmarks/bench_sync.py [--quick]`. Starts its own Label Studio on a free
loopback port in a temporary folder, generates corpora, prints one table of figures measured in
this run (every ratio is against a baseline measured beside it) and writes the raw figures to
`tests/benchmarks/results/`. Not a test: nothing here fails on a missed target, it reports it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
RESULTS = Path(__file__).resolve().parent / "results"
SCHEMA = REPO / "schemas" / "news-stance.yaml"

SIZES = (1_000, 5_000, 20_000)
QUICK_SIZES = (200, 1_000, 2_000)
PULL_TASKS = 5_000
QUICK_PULL_TASKS = 1_000
PUBLISH_DOCS = 50_000
QUICK_PUBLISH_DOCS = 5_000
NAIVE_SAMPLE = 200
QUICK_NAIVE_SAMPLE = 50
EDITED_ANNOTATIONS = 20  # annotations changed between two pulls, for the incremental pull
ANNOTATED_IN_SYNC_PROJECT = 20  # annotations made one call at a time before the no-op sync
IMPORT_BATCH = 1_000  # the raw baseline's batch, as DESIGN.md measured it
ARTICLE_CHARS = 3_000  # a typical news article
HTTP_TIMEOUT_S = 600.0
REPEATS = 2  # push and pull are measured this many times, interleaved with their baseline; best kept

TARGET_PUSH_RATIO = 1.25
TARGET_PULL_RATIO = 1.5
TARGET_NOOP_SYNC_S = 2.0
TARGET_PUBLISH_RSS_MB = 1024.0

NAMES = ["Ilse Varga", "Tomas Brandt", "Amina Diallo", "Chen Wei", "Olga Petrenko", "Rafael Ortiz", "Mei Tanaka"]
ROLES = ["the foreign minister", "a government spokesperson", "the trade envoy", "the defence secretary"]
PLACES = ["Geneva", "Brussels", "Kyiv", "Beijing", "Washington", "Nairobi", "Jakarta", "Warsaw"]
TOPICS = ["the grain corridor", "export controls", "the ceasefire talks", "tariffs on steel", "the energy deal"]
VERBS = ["said", "told reporters", "warned", "argued", "insisted", "added"]
FILLER = (
    "officials met on Tuesday for a second round of talks that lasted well into the evening",
    "the statement followed weeks of negotiations between delegations from both capitals",
    "analysts expect the decision to weigh on markets in the coming months",
    "diplomats familiar with the matter described the mood in the room as tense but constructive",
    "the proposal would extend existing arrangements for another two years",
    "a final agreement is not expected before the summit later this year",
    "opposition lawmakers called for a parliamentary debate on the terms",
    "the ministry declined to comment on the details of the draft",
)


# -- generated corpora ------------------------------------------------------------------------------------


def article_record(i: int, rng: random.Random) -> dict[str, Any]:
    """One JSONL article of about ARTICLE_CHARS characters: paragraphs of reported speech and context."""
    paragraphs: list[str] = []
    size = 0
    while size < ARTICLE_CHARS:
        name, role, topic = rng.choice(NAMES), rng.choice(ROLES), rng.choice(TOPICS)
        sentences = [
            f"{name}, {role}, {rng.choice(VERBS)} in {rng.choice(PLACES)} that {topic} was "
            f"“a matter of {rng.choice(['principle', 'survival', 'trust', 'urgency'])} for everyone involved”.",
            f"{rng.choice(FILLER).capitalize()}, and {rng.choice(FILLER)}.",
            f"{rng.choice(FILLER).capitalize()}.",
        ]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    paragraphs.append(f"Reference {i:07d}: the talks in {rng.choice(PLACES)} continue next week.")
    return {
        "title": f"Talks on {rng.choice(TOPICS)} resume as envoys meet in {rng.choice(PLACES)}",
        "text": "\n\n".join(paragraphs),
        "source": "Bench Wire",
        "author": rng.choice(NAMES),
        "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "url": f"https://news.example/{i}",
    }


def write_corpus(path: Path, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(article_record(seed * 10_000_000 + i, rng), ensure_ascii=False) + "\n")
    return path


def _result(rid: str, name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind, "origin": "manual", "value": value}


def annotation_result(text: str, rng: random.Random) -> list[dict[str, Any]]:
    """A complete, valid annotation of a generated article: two speakers, two claims, a cue, three relations."""
    results: list[dict[str, Any]] = []
    spans = []
    cursor = 0
    for _ in range(2):  # a speaker name and the quotation it says, from two paragraphs
        start, name = min((text.find(n, cursor), n) for n in NAMES if text.find(n, cursor) >= 0)
        q_start = text.index("“", start) + 1
        q_end = text.index("”", q_start)
        spans.append(((start, start + len(name)), (q_start, q_end)))
        cursor = text.index("\n\n", q_end) + 2
    for k, ((s0, s1), (c0, c1)) in enumerate(spans):
        speaker, claim = text[s0:s1], text[c0:c1]
        where_s = {"start": s0, "end": s1, "text": speaker}
        where_c = {"start": c0, "end": c1, "text": claim}
        results.append(_result(f"s{k}", "mention", "labels", {**where_s, "labels": ["Speaker"]}))
        results.append(_result(f"s{k}", "speaker_name", "textarea", {**where_s, "text": [speaker]}))
        results.append(_result(f"c{k}", "mention", "labels", {**where_c, "labels": ["Claim"]}))
        results.append(_result(f"c{k}", "stance", "choices", {**where_c, "choices": [rng.choice(["favor", "none"])]}))
        results.append(_result(f"c{k}", "target", "choices", {**where_c, "choices": [rng.choice(["China", "Other"])]}))
        if k == 0:
            results.append(_result(f"c{k}", "quote_type", "choices", {**where_c, "choices": ["direct"]}))
    verb_at = min(text.index(v) for v in VERBS if v in text)
    verb = next(v for v in VERBS if text.find(v) == verb_at)
    results.append(
        _result(
            "v0", "mention", "labels", {"start": verb_at, "end": verb_at + len(verb), "text": verb, "labels": ["Cue"]}
        )
    )
    rel = {"type": "relation", "direction": "right", "labels": ["says"]}
    results += [
        {**rel, "from_id": "s0", "to_id": "c0"},
        {**rel, "from_id": "c1", "to_id": "s1", "direction": "left"},
        {**rel, "from_id": "c1", "to_id": "c0", "labels": ["responds_to"]},
    ]
    return results


def write_export(path: Path, n: int, seed: int) -> int:
    """A Label Studio JSON export of `n` annotated tasks, written one task at a time; returns its size in bytes."""
    from annot.articles import article_id

    rng = random.Random(seed)
    stamp = "2025-05-01T10:02:00.000000Z"
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for i in range(1, n + 1):
            record = article_record(i, rng)
            data = {**record, "article_id": article_id(record["text"])}
            annotation = {"id": i, "completed_by": 1 + i % 3, "result": annotation_result(record["text"], rng)}
            annotation |= {"was_cancelled": False, "ground_truth": False, "created_at": stamp, "updated_at": stamp}
            task = {"id": i, "data": data, "annotations": [annotation], "predictions": [], "drafts": []}
            task |= {"created_at": stamp, "updated_at": stamp, "project": 1, "total_annotations": 1}
            f.write(("," if i > 1 else "") + json.dumps(task, ensure_ascii=False))
        f.write("]")
    return path.stat().st_size


# -- measuring ------------------------------------------------------------------------------------------------


@dataclass
class RequestLog:
    """Every HTTP request httpx sends in this process while recording: (method, path, query, seconds).

    The seconds run until the response headers (a streamed body is read later, outside them).
    """

    calls: list[tuple[str, str, str, float]] = field(default_factory=list)

    @contextmanager
    def recording(self) -> Iterator[RequestLog]:
        import httpx

        original = httpx.Client.send
        calls = self.calls

        def send(client: httpx.Client, request: httpx.Request, *args: Any, **kwargs: Any) -> httpx.Response:
            started = time.perf_counter()
            try:
                return original(client, request, *args, **kwargs)
            finally:
                query = request.url.query.decode("ascii", "replace")
                calls.append((request.method, request.url.path, query, time.perf_counter() - started))

        httpx.Client.send = send  # type: ignore[method-assign]
        try:
            yield self
        finally:
            httpx.Client.send = original  # type: ignore[method-assign]

    @property
    def full_exports(self) -> int:
        """Export requests not limited to listed task ids: the whole project went over the wire."""
        return sum(1 for _, path, query, _ in self.calls if path.endswith("/export") and "ids" not in query)

    @property
    def task_listings(self) -> int:
        return sum(1 for _, path, _, _ in self.calls if path == "/api/tasks")

    def summary(self) -> str:
        kinds: dict[str, list[float]] = {}
        for method, path, query, seconds in self.calls:
            key = f"{method} {_generic(path)}" + (" (ids)" if "ids" in query and path.endswith("/export") else "")
            kinds.setdefault(key, []).append(seconds)
        return ", ".join(f"{k} x{len(v)} {sum(v):.2f} s" for k, v in kinds.items())


def _generic(path: str) -> str:
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def profiled(fn: Callable[[], Any], top: int = 25) -> tuple[float, Any, str]:
    """Time `fn` under cProfile; the top functions by cumulative time, as text."""
    profile = cProfile.Profile()
    gc.collect()
    started = time.perf_counter()
    profile.enable()
    out = fn()
    profile.disable()
    seconds = time.perf_counter() - started
    buffer = io.StringIO()
    stats = pstats.Stats(profile, stream=buffer).sort_stats("cumulative")
    stats.print_stats(r"annot/\w+\.py", top)  # annot's own functions first: where its time goes
    stats.print_stats(top)
    return seconds, out, buffer.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the server and workspaces ------------------------------------------------------------------------------


@dataclass
class Bench:
    tmp: Path
    url: str
    api_key: str
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)

    def client(self) -> Any:
        import httpx

        headers = {"Authorization": f"Token {self.api_key}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=HTTP_TIMEOUT_S)

    def workspace(self, name: str, corpus: Path | None) -> tuple[Any, Any]:
        """A folder with an annot.toml for project `name` over `corpus`; returns (Config, ProjectConfig)."""
        from annot.config import load_config

        root = self.tmp / "ws" / name
        root.mkdir(parents=True, exist_ok=True)
        sources = f'["{corpus}"]' if corpus else "[]"
        (root / "annot.toml").write_text(
            f'[[project]]\nname = "{name}"\nschema = "{SCHEMA}"\nsources = {sources}\nexport = "exports/{name}"\n',
            encoding="utf-8",
        )
        config = load_config(root)
        return config, config.project(name)

    def raw_project(self, title: str) -> int:
        from annot.schema import label_config, load_schema

        with self.client() as c:
            r = c.post("/api/projects", json={"title": title, "label_config": label_config(load_schema(SCHEMA))})
            r.raise_for_status()
            return int(r.json()["id"])

    def raw_import(self, project_id: int, tasks: list[dict[str, Any]]) -> list[int]:
        ids: list[int] = []
        with self.client() as c:
            for start in range(0, len(tasks), IMPORT_BATCH):
                r = c.post(
                    f"/api/projects/{project_id}/import",
                    params={"return_task_ids": "true"},
                    json=tasks[start : start + IMPORT_BATCH],
                )
                r.raise_for_status()
                ids += r.json().get("task_ids") or []
        return ids


@contextmanager
def label_studio(tmp: Path) -> Iterator[tuple[str, str]]:
    from annot import studio
    from annot.config import read_connection

    if "ANNOT_LABEL_STUDIO" not in os.environ and (REPO / ".venv-studio/bin/label-studio").exists():
        os.environ["ANNOT_LABEL_STUDIO"] = str(REPO / ".venv-studio/bin/label-studio")
    os.environ.pop("ANNOT_HOME", None)
    root = tmp / "studio"
    root.mkdir()
    try:
        info = studio.up(root, port=free_port())
        yield info.url, read_connection(root)["api_key"]
    finally:
        studio.down(root)


# -- the benchmarks -----------------------------------------------------------------------------------------


def bench_push(bench: Bench, n: int, corpus: Path, profile: bool) -> None:
    """annot push --no-predictions against the raw bulk-import calls of the same tasks, each into a new project.

    Interleaved and repeated (best of REPEATS): the server is shared with whatever else runs on the machine.
    """
    from annot.articles import read_articles
    from annot.sync import push

    ingests, raws, pushes, requests = [], [], [], ""
    for rep in range(REPEATS):
        ingest_s, ingested = timed(lambda: read_articles([corpus]))
        assert len(ingested.articles) == n and not ingested.problems, (len(ingested.articles), ingested.problems[:2])
        tasks = [{"data": a.task_data()} for a in ingested.articles]
        raw_pid = bench.raw_project(f"raw-push-{n}-{rep}")
        raw_s, ids = timed(partial(bench.raw_import, raw_pid, tasks))
        assert len(ids) == n
        config, project = bench.workspace(f"annot-push-{n}" + (f"-{rep}" if rep else ""), corpus)
        log = RequestLog()
        with log.recording():
            push_s, result = timed(partial(push, config, project, predictions=False))
        assert result.imported == n, result
        ingests.append(ingest_s)
        raws.append(raw_s)
        pushes.append(push_s)
        requests = log.summary()
    ingest_s, raw_s, push_s = min(ingests), min(raws), min(pushes)
    if push_s - ingest_s > TARGET_PUSH_RATIO * raw_s and profile:
        # where the time goes, in one more push into a new project (a profiler slows Python code down,
        # so the figures above are measured without it)
        config, project = bench.workspace(f"annot-push-{n}-profiled", corpus)
        _, _, bench.profiles[f"push/{n}"] = profiled(partial(push, config, project, predictions=False))
    bench.figures[f"push/{n}"] = {
        "articles": n,
        "ingest_s": ingest_s,
        "annot_push_s": push_s,
        "raw_import_s": raw_s,
        "ratio": push_s / raw_s,
        "ratio_without_ingest": (push_s - ingest_s) / raw_s,
        "runs": {"ingest_s": ingests, "annot_push_s": pushes, "raw_import_s": raws},
        "requests": requests,
    }


def bench_noop_sync(bench: Bench, n: int, corpus: Path, annotate: int) -> None:
    """A sync with nothing new on the project `bench_push` made, after one sync that published."""
    from annot.sync import load_state, push, sync

    config, project = bench.workspace(f"annot-push-{n}", corpus)
    server = _server(bench)
    state = load_state(config, project)
    task_ids = sorted(state.pushed.values())[:annotate]
    for tid in task_ids:
        task = server._raw("GET", f"/api/tasks/{tid}").json()
        server.create_annotation(tid, annotation_result(task["data"]["text"], random.Random(tid)))
    first_s, first = timed(lambda: sync(config, project, predictions=False))
    assert first.published is not None and first.pull.report.tasks == len(task_ids), (first.pull.report.tasks, first_s)
    snapshots = config.state_dir / "snapshots" / project.name
    before = sorted(p.name for p in snapshots.glob("*.json"))
    log = RequestLog()
    with log.recording():
        noop_s, again = timed(lambda: sync(config, project, predictions=False))
    after = sorted(p.name for p in snapshots.glob("*.json"))
    entry = {
        "tasks": n,
        "first_sync_s": first_s,
        "noop_sync_s": noop_s,
        "noop_published": again.published is not None,
        "noop_pushed": again.push.imported,
        "noop_changed": again.pull.changed,
        "requests": len(log.calls),
        "request_kinds": log.summary(),
        "full_exports": log.full_exports,
        "new_snapshots": len(set(after) - set(before)),
    }

    # the same from the command line: process start-up and imports included
    cli = [str(Path(sys.executable).parent / "annot"), "sync", "--no-predictions"]
    cli_s, done = timed(lambda: subprocess.run(cli, cwd=config.root, capture_output=True, text=True, check=False))
    assert done.returncode == 0, done.stderr[-2000:]
    import_s, _ = timed(
        lambda: subprocess.run([sys.executable, "-c", "import annot.cli, annot.sync"], check=True, cwd=config.root)
    )
    entry |= {"cli_noop_sync_s": cli_s, "cli_import_s": import_s}
    if noop_s > TARGET_NOOP_SYNC_S:
        _, _, bench.profiles[f"noop-sync/{n}"] = profiled(lambda: sync(config, project, predictions=False))
    # idempotence with lost state: the server alone must say what is already there
    shutil.rmtree(config.state_dir)
    lost = RequestLog()
    with lost.recording():
        lost_s, pushed = timed(lambda: push(config, project, predictions=False))
    entry |= {
        "push_state_lost_s": lost_s,
        "push_state_lost_imported": pushed.imported,
        "push_state_lost_requests": lost.summary(),
    }
    bench.figures[f"noop-sync/{n}"] = entry


def _server(bench: Bench) -> Any:
    from annot.labelstudio import Server

    return Server(bench.url, bench.api_key)


def bench_pull(bench: Bench, n: int) -> None:
    """annot pull of `n` annotated tasks (full, then incremental) against one raw export request."""
    from annot.articles import article_id
    from annot.sync import pull

    rng = random.Random(7)
    records = [article_record(i, rng) for i in range(n)]
    tasks = [
        {
            "data": {**r, "article_id": article_id(r["text"])},
            "annotations": [{"result": annotation_result(r["text"], rng)}],
        }
        for r in records
    ]
    name = f"annot-pull-{n}"
    pid = bench.raw_project(name)
    import_s, ids = timed(lambda: bench.raw_import(pid, tasks))
    assert len(ids) == n
    config, project = bench.workspace(name, None)

    def raw_export() -> int:
        with bench.client() as c:
            r = c.get(f"/api/projects/{pid}/export", params={"exportType": "JSON"})
            r.raise_for_status()
            return len(r.content)

    raws, pulls = [], []
    for _ in range(REPEATS):
        raw_s, size = timed(raw_export)
        log = RequestLog()
        with log.recording():
            pull_s, pulled = timed(lambda: pull(config, project, full=True))
        raws.append(raw_s)
        pulls.append(pull_s)
    pull_s = min(pulls)
    assert pulled.report.tasks == n and pulled.report.valid == n, (pulled.report.tasks, pulled.report.problems[:3])
    from annot.convert import read_export
    from annot.schema import load_schema
    from annot.validate import validate

    schema = load_schema(SCHEMA)
    local_s, _ = timed(lambda: validate(list(read_export(pulled.snapshot, schema)), schema))
    baseline = min(raws)
    entry = {
        "tasks": n,
        "bulk_import_with_annotations_s": import_s,
        "export_mb": size / 1e6,
        "raw_export_s": raws,
        "annot_pull_s": pull_s,
        "annot_pull_runs_s": pulls,
        "ratio": pull_s / baseline,
        "read_and_validate_s": local_s,
        "requests": log.summary(),
    }
    if pull_s / baseline > TARGET_PULL_RATIO:
        _, _, bench.profiles[f"pull/{n}"] = profiled(lambda: pull(config, project, full=True))
    # incremental: edit a few annotations in Label Studio, pull again
    server = _server(bench)
    edited = ids[:: max(1, n // EDITED_ANNOTATIONS)][:EDITED_ANNOTATIONS]
    for tid in edited:
        annotation = server._raw("GET", f"/api/tasks/{tid}/annotations").json()[0]
        result = annotation["result"]
        for item in result:
            if item.get("from_name") == "stance":
                item["value"]["choices"] = ["against"]
        server.update_annotation(annotation["id"], result=result)
    inc = RequestLog()
    with inc.recording():
        inc_s, again = timed(lambda: pull(config, project))
    edited_ids = set(edited)
    against = sum(
        1
        for t in again.tasks
        if t.id in edited_ids and any(r.attributes.get("stance") == "against" for a in t.annotations for r in a.regions)
    )
    entry |= {
        "incremental_pull_s": inc_s,
        "incremental_changed": again.changed,
        "incremental_edits_seen": against,
        "incremental_full": again.changed is None,
        "incremental_requests": inc.summary(),
        "incremental_full_exports": inc.full_exports,
    }
    bench.figures[f"pull/{n}"] = entry
    bench.figures["pull-project"] = {"id": pid, "task_ids": ids[:NAIVE_SAMPLE]}


def bench_naive(bench: Bench, sample: int, corpus: Path) -> None:
    """One SDK call per task, for contrast: create `sample` tasks, then read `sample` annotated tasks."""
    from label_studio_sdk.client import LabelStudio

    from annot.articles import read_articles

    articles = read_articles([corpus]).articles[:sample]
    sdk = LabelStudio(base_url=bench.url, api_key=bench.api_key)
    pid = bench.raw_project(f"naive-{sample}")
    create_s, _ = timed(lambda: [sdk.tasks.create(project=pid, data=a.task_data()) for a in articles])
    bulk_pid = bench.raw_project(f"naive-bulk-{sample}")
    bulk_s, _ = timed(lambda: bench.raw_import(bulk_pid, [{"data": a.task_data()} for a in articles]))
    read_ids = bench.figures["pull-project"]["task_ids"][:sample]
    read_s, _ = timed(lambda: [sdk.tasks.get(id=t) for t in read_ids])
    bench.figures["naive"] = {
        "sample": sample,
        "create_per_task_ms": 1e3 * create_s / sample,
        "bulk_per_task_ms": 1e3 * bulk_s / sample,
        "get_per_task_ms": 1e3 * read_s / len(read_ids),
    }


def bench_publish_memory(bench: Bench, n: int) -> None:
    """Peak RSS of publishing `n` annotated documents from an export file, each stage in its own process."""
    path = bench.tmp / f"export-{n}.json"
    gen_s, size = timed(lambda: write_export(path, n, seed=11))
    entry: dict[str, Any] = {"documents": n, "export_mb": size / 1e6, "generate_s": gen_s}
    for stage in ("publish",):
        out = subprocess.run(
            [sys.executable, __file__, "--publish-child", str(path), "--stage", stage, "--out", str(bench.tmp / "pub")],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"publish child ({stage}) failed: {out.stderr[-2000:]}")
        entry[stage] = json.loads(out.stdout.strip().splitlines()[-1])
    bench.figures[f"publish/{n}"] = entry
    path.unlink()


def publish_child(path: Path, stage: str, out: Path) -> None:
    """In a fresh process: the publish path of `annot sync` (read the export, validate, build, write).

    Prints one JSON line: seconds, the peak RSS, and the peak reached after each step (which step raised it).
    """
    from annot import dataset
    from annot.adjudicate import adjudicate_all
    from annot.agreement import measure
    from annot.convert import ExportFile
    from annot.schema import load_schema
    from annot.validate import validate

    started = time.perf_counter()
    schema = load_schema(SCHEMA)
    figures: dict[str, Any] = {"peak_after_mb": {"imports": _peak_mb()}}
    steps = figures["peak_after_mb"]
    # as annot.sync.load_local: the tasks are read from the file on each pass, not held
    tasks = ExportFile(path, schema)
    if stage == "publish":  # the steps of annot.sync.publish_tasks, one by one
        report = validate(tasks, schema)
        figures["tasks"] = report.tasks
        steps["validate"] = _peak_mb()
        invalid = report.invalid_annotations()
        agreement = measure(tasks, schema, invalid=invalid.keys())
        steps["agreement"] = _peak_mb()
        adjudicated = adjudicate_all(tasks, schema, invalid.keys())
        built = dataset.build(adjudicated, schema, invalid=invalid, agreement=agreement)
        steps["build"] = _peak_mb()
        result = dataset.write(built, out, meta=dataset.PublishMeta(project="bench"))
        steps["write"] = _peak_mb()
        figures["valid"] = report.valid
        figures["rows"] = result.rows
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = _peak_mb()
    print(json.dumps(figures))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- the report ---------------------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def table(figures: dict[str, Any], sizes: tuple[int, ...], pull_n: int, publish_n: int) -> str:
    big = sizes[-1]
    push = figures[f"push/{big}"]
    pull = figures[f"pull/{pull_n}"]
    noop = figures[f"noop-sync/{big}"]
    pub = figures[f"publish/{publish_n}"]
    naive = figures["naive"]
    lines = [
        "| benchmark | annot | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
        f"| push --no-predictions, {big:,} articles | {push['annot_push_s']:.1f} s "
        f"(ingest {push['ingest_s']:.1f} s) | bulk import {push['raw_import_s']:.1f} s | "
        f"{push['ratio']:.2f}x ({push['ratio_without_ingest']:.2f}x without ingest) | <= {TARGET_PUSH_RATIO}x | "
        f"{_met(push['ratio'] <= TARGET_PUSH_RATIO)} ({_met(push['ratio_without_ingest'] <= TARGET_PUSH_RATIO)}"
        " without ingest) |",
        f"| pull (full), {pull_n:,} annotated tasks | {pull['annot_pull_s']:.1f} s "
        f"(read + validate {pull['read_and_validate_s']:.1f} s) | one export request "
        f"{min(pull['raw_export_s']):.1f} s ({pull['export_mb']:.0f} MB) | {pull['ratio']:.2f}x | "
        f"<= {TARGET_PULL_RATIO}x | {_met(pull['ratio'] <= TARGET_PULL_RATIO)} |",
        f"| pull (incremental), {EDITED_ANNOTATIONS} edited of {pull_n:,} | {pull['incremental_pull_s']:.2f} s, "
        f"{pull['incremental_changed']} fetched, {pull['incremental_full_exports']} full export | "
        f"one export request {min(pull['raw_export_s']):.1f} s | "
        f"{pull['incremental_pull_s'] / min(pull['raw_export_s']):.2f}x | fetch only what changed | "
        f"{_met(pull['incremental_changed'] == pull['incremental_edits_seen'] == EDITED_ANNOTATIONS)} |",
        f"| sync with nothing new, {big:,} tasks | {noop['noop_sync_s']:.2f} s, {noop['requests']} requests, "
        f"{noop['full_exports']} full export, {noop['new_snapshots']} new snapshot; `annot sync` command "
        f"{noop['cli_noop_sync_s']:.2f} s (imports {noop['cli_import_s']:.2f} s) | first sync "
        f"{noop['first_sync_s']:.1f} s | - | < {TARGET_NOOP_SYNC_S:.0f} s, no full export | "
        f"{_met(noop['noop_sync_s'] < TARGET_NOOP_SYNC_S and noop['full_exports'] == 0)} |",
        f"| push after deleting `.annot/`, {big:,} tasks | {noop['push_state_lost_s']:.1f} s, "
        f"{noop['push_state_lost_imported']} imported | - | - | imports nothing | "
        f"{_met(noop['push_state_lost_imported'] == 0)} |",
        f"| publish {publish_n:,} annotated documents (read export, validate, build, write) | peak RSS "
        f"{pub['publish']['peak_rss_mb']:.0f} MB, {pub['publish']['seconds']:.0f} s; peak after each step: "
        + ", ".join(f"{k} {v:.0f}" for k, v in pub["publish"]["peak_after_mb"].items())
        + f" MB | export file {pub['export_mb']:.0f} MB | - | "
        f"< {TARGET_PUBLISH_RSS_MB:.0f} MB | {_met(pub['publish']['peak_rss_mb'] < TARGET_PUBLISH_RSS_MB)} |",
        f"| naive: one SDK call per task ({naive['sample']} tasks) | create {naive['create_per_task_ms']:.0f} ms/task; "
        f"get {naive['get_per_task_ms']:.0f} ms/task | bulk import {naive['bulk_per_task_ms']:.1f} ms/task | "
        f"{naive['create_per_task_ms'] / naive['bulk_per_task_ms']:.0f}x slower | for contrast | - |",
    ]
    growth = [
        "",
        "| articles | ingest | annot push | raw bulk import | push ratio (without ingest) "
        "| sync, nothing new | push after deleting .annot/ |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        p, s = figures[f"push/{n}"], figures.get(f"noop-sync/{n}", {})
        per = 1e3 / n
        growth.append(
            f"| {n:,} | {p['ingest_s']:.1f} s ({p['ingest_s'] * per:.2f} ms/art.) | {p['annot_push_s']:.1f} s "
            f"({p['annot_push_s'] * per:.2f} ms/art.) | {p['raw_import_s']:.1f} s ({p['raw_import_s'] * per:.2f} "
            f"ms/art.) | {p['ratio']:.2f}x ({p['ratio_without_ingest']:.2f}x) | "
            + (
                f"{s['noop_sync_s']:.2f} s ({s['noop_sync_s'] * per:.3f} ms/art.) | "
                f"{s['push_state_lost_s']:.1f} s ({s['push_state_lost_s'] * per:.2f} ms/art.) |"
                if s
                else "- | - |"
            )
        )
    return "\n".join(lines + growth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a couple of minutes)")
    parser.add_argument("--publish-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stage", default="publish", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publish_child:
        publish_child(args.publish_child, args.stage, args.out)
        return
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sizes = QUICK_SIZES if args.quick else SIZES
    pull_n = QUICK_PULL_TASKS if args.quick else PULL_TASKS
    publish_n = QUICK_PUBLISH_DOCS if args.quick else PUBLISH_DOCS
    naive_n = QUICK_NAIVE_SAMPLE if args.quick else NAIVE_SAMPLE
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="annot-bench-sync-") as tmp_name:
        tmp = Path(tmp_name)
        corpora = {n: write_corpus(tmp / f"corpus-{n}.jsonl", n, seed=k + 1) for k, n in enumerate(sizes)}
        bench_publish_memory_first = Bench(tmp=tmp, url="", api_key="")
        bench_publish_memory(bench_publish_memory_first, publish_n)
        with label_studio(tmp) as (url, key):
            os.environ["LABEL_STUDIO_URL"], os.environ["LABEL_STUDIO_API_KEY"] = url, key
            bench = Bench(tmp=tmp, url=url, api_key=key, figures=bench_publish_memory_first.figures)
            bench.figures["label_studio"] = _server(bench).version()
            for n in sizes:
                bench_push(bench, n, corpora[n], profile=n == sizes[-1])
                print(f"push {n}: {json.dumps(bench.figures[f'push/{n}'])}", file=sys.stderr)
            bench_pull(bench, pull_n)
            print(f"pull {pull_n}: {json.dumps(bench.figures[f'pull/{pull_n}'])}", file=sys.stderr)
            for n in sizes:
                bench_noop_sync(bench, n, corpora[n], annotate=ANNOTATED_IN_SYNC_PROJECT)
                print(f"no-op sync {n}: {json.dumps(bench.figures[f'noop-sync/{n}'])}", file=sys.stderr)
            bench_naive(bench, naive_n, corpora[sizes[0]])
    bench.figures["total_s"] = time.perf_counter() - started
    bench.figures["cores"] = os.cpu_count()
    report = table(bench.figures, sizes, pull_n, publish_n)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"bench_sync{'-quick' if args.quick else ''}-{stamp}"
    (RESULTS / f"{name}.json").write_text(json.dumps(bench.figures, indent=1, default=str), encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(report + "\n", encoding="utf-8")
    for key, text in bench.profiles.items():
        (RESULTS / f"{name}-profile-{key.replace('/', '-')}.txt").write_text(text, encoding="utf-8")
    print(
        f"Label Studio {bench.figures['label_studio']} on loopback, {os.cpu_count()} cores; one run, "
        f"{bench.figures['total_s'] / 60:.1f} min; raw figures and profiles in {RESULTS}"
    )
    print(report)


if __name__ == "__main__":
    main()
