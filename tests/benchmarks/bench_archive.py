"""A newsroom's archive (issue 19): annot's commands at 5,000 / 20,000 / 100,000 tasks on PostgreSQL and
SQLite, each against Label Studio's own bulk calls measured beside it; and a million-article ingest.

Run: `python tests/benchmarks/bench_archive.py [--quick]`. Starts its own PostgreSQL (initdb in a temporary
folder, loopback) and a Label Studio on it, then one on SQLite, and removes all of it at the end. Every
annot figure is the command as a user runs it (a process: interpreter start-up and imports included).
Push and its baseline run interleaved (raw, annot, raw, annot, ...) for several rounds, each into a new
project: the ratio of each round is reported as its median and range, since the machine may be shared.
Not a test: nothing fails on a missed target; the table says it. Raw figures go to `results/`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(HERE)]

from bench_sync import SCHEMA, annotation_result, article_record  # noqa: E402
from servers import label_studio, postgres  # noqa: E402

RESULTS = HERE / "results"
SIZES = (5_000, 20_000, 100_000)
QUICK_SIZES = (1_000, 2_000, 5_000)
ROUNDS = 3
LARGE = 50_000  # sizes from here on are measured in fewer rounds
BATCH_SIZES = (250, 500, 1_000, 2_000)  # the import batch, chosen by measurement
CONCURRENCY = (1, 2, 4)  # import batches in flight at once
EDITED = 100  # annotations changed before the incremental pull
ARCHIVE = 1_000_000
QUICK_ARCHIVE = 20_000
PREANNOTATE_SAMPLE = 4_000
RAW_BATCH = 1_000  # Label Studio's own bulk import, batches of 1,000 (docs/architecture.md, "Costs")
HTTP_TIMEOUT_S = 1800.0

TARGET_PUSH = {5_000: 1.25}  # larger sizes: 1.10
TARGET_PUSH_LARGE = 1.10
TARGET_NOOP_S = 1.0
TARGET_STATUS_S = 1.0
TARGET_LOST_STATE_MS = 0.3
TARGET_PUBLISH_MB = 1024
TARGET_ARCHIVE_PER_S = 2_000


# -- corpora ---------------------------------------------------------------------------------------------------


def write_corpus(path: Path, n: int, seed: int = 19) -> Path:
    """n generated articles of about 400 words, one JSON object a line (bench_sync's generator)."""
    if path.exists():
        return path
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(article_record(seed * 10_000_000 + i, rng), ensure_ascii=False) + "\n")
    return path


def cleaned_tasks(corpus: Path) -> list[dict[str, Any]]:
    """The tasks annot would send for the corpus (cleaned data, the article id in meta): the raw side's input."""
    from annot.articles import read_articles

    return [{"data": a.task_data(), "meta": {"article_id": a.id}} for a in read_articles([corpus]).articles]


# -- measuring -------------------------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt_spread(s: dict[str, float], unit: str = "x", digits: int = 2) -> str:
    return f"{s['median']:.{digits}f}{unit} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    out: str
    err: str


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """A command as a user runs it: wall time and the child's peak RSS (`wait4`)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the largest child so far: see peak_of
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, out, err)


def peak_of(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Like `run`, with the peak RSS of this command alone (a fresh measuring process)."""
    code = (
        "import json,resource,subprocess,sys,time;t=time.perf_counter();"
        "p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
        "print(json.dumps([time.perf_counter()-t,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        "p.returncode,p.stdout[-4000:],p.stderr[-4000:]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *cmd], cwd=cwd, env=env or annot_env(), capture_output=True, text=True, check=True
    )
    seconds, rss_kb, code_, out, err = json.loads(done.stdout)
    if code_ != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code_}): {err[-2000:]}")
    return Run(seconds, rss_kb / 1024, out, err)


ANNOT = [str(Path(sys.executable).parent / "annot")]


def annot_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "ANNOT_RETRY_SECONDS": "60"}


@dataclass
class Studio:
    backend: str
    url: str
    api_key: str
    tmp: Path
    figures: dict[str, Any] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        """annot's environment for this server: on PostgreSQL, imports in flight as the README advises."""
        from annot.labelstudio import IMPORTS_IN_FLIGHT_ENV, IMPORTS_IN_FLIGHT_POSTGRES

        extra = {IMPORTS_IN_FLIGHT_ENV: str(IMPORTS_IN_FLIGHT_POSTGRES)} if self.backend == "postgresql" else {}
        return {**annot_env(), **extra}

    def client(self) -> Any:
        import httpx

        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Token {self.api_key}"}, timeout=HTTP_TIMEOUT_S
        )

    def workspace(self, name: str, corpus: Path) -> Path:
        root = self.tmp / "ws" / self.backend / name
        root.mkdir(parents=True, exist_ok=True)
        (root / "annot.toml").write_text(
            f'[[project]]\nname = "{name}"\nschema = "{SCHEMA}"\nsources = ["{corpus}"]\nexport = "exports/{name}"\n',
            encoding="utf-8",
        )
        from annot.config import save_connection

        save_connection(root, {"url": self.url, "api_key": self.api_key})  # as `annot studio up` saves it
        return root

    def raw_push(self, title: str, tasks: list[dict[str, Any]], batch: int = RAW_BATCH, in_flight: int = 1) -> float:
        """Label Studio's own bulk import into a new project (created here, as a push would): seconds taken.

        Checks that every task landed once: the ids returned are distinct and the project counts them.
        """
        from concurrent.futures import ThreadPoolExecutor

        from annot.schema import label_config, load_schema

        config = label_config(load_schema(SCHEMA))
        with self.client() as c:
            started = time.perf_counter()
            r = c.post("/api/projects", json={"title": title, "label_config": config})
            r.raise_for_status()
            pid = r.json()["id"]

            def send(start: int) -> list[int]:
                r = c.post(
                    f"/api/projects/{pid}/import", params={"return_task_ids": "true"}, json=tasks[start : start + batch]
                )
                r.raise_for_status()
                return r.json().get("task_ids") or []

            with ThreadPoolExecutor(in_flight) as pool:
                ids = [i for chunk in pool.map(send, range(0, len(tasks), batch)) for i in chunk]
            seconds = time.perf_counter() - started
            count = c.get(f"/api/projects/{pid}").json()["task_number"]
        if len(set(ids)) != len(tasks) or count != len(tasks):
            raise RuntimeError(f"raw import lost or doubled tasks: {len(set(ids))} ids, {count} counted, {len(tasks)}")
        return seconds

    def project_id(self, title: str) -> int:
        with self.client() as c:
            found = c.get("/api/projects", params={"title": title}).json()
            return next(p["id"] for p in found.get("results", found) if p["title"] == title)

    def task_count(self, pid: int) -> int:
        with self.client() as c:
            return c.get(f"/api/projects/{pid}").json()["task_number"]


# -- the benchmarks --------------------------------------------------------------------------------------------


def bench_batches(studio: Studio, tasks: list[dict[str, Any]]) -> None:
    """The raw import's time by batch size and by batches in flight, interleaved over two rounds."""
    rows: dict[str, list[float]] = {}
    for rnd in range(2):
        for batch in BATCH_SIZES:
            key = f"batch {batch}"
            rows.setdefault(key, []).append(studio.raw_push(f"b{batch}-{rnd}", tasks, batch=batch))
        for k in CONCURRENCY[1:]:
            key = f"in flight {k}"
            rows.setdefault(key, []).append(studio.raw_push(f"c{k}-{rnd}", tasks, in_flight=k))
    base = statistics.median(rows[f"batch {RAW_BATCH}"])
    studio.figures["batches"] = {
        "tasks": len(tasks),
        "rows": {k: {"seconds": v, "vs_batch_1000_serial": statistics.median(v) / base} for k, v in rows.items()},
    }
    print(
        f"[{studio.backend}] batches:", {k: round(statistics.median(v) / base, 2) for k, v in rows.items()}, flush=True
    )


def bench_push(studio: Studio, n: int, corpus: Path, rounds: int) -> Path:
    """`annot push --no-predictions` (a process) against the raw bulk import, interleaved, each into a new project."""
    tasks = cleaned_tasks(corpus)
    assert len(tasks) == n, len(tasks)
    raws, pushes, ratios = [], [], []
    root = None
    for rnd in range(rounds):
        raw_s = studio.raw_push(f"raw-{n}-{rnd}", tasks)
        root = studio.workspace(f"push-{n}-{rnd}", corpus)
        done = run([*ANNOT, "--quiet", "push", "--no-predictions"], root, studio.env())
        assert f"{n} imported" in done.out, done.out
        raws.append(raw_s)
        pushes.append(done.seconds)
        ratios.append(done.seconds / raw_s)
        print(f"[{studio.backend}] push {n} round {rnd}: annot {done.seconds:.2f} s, raw {raw_s:.2f} s", flush=True)
    del tasks
    studio.figures[f"push/{n}"] = {
        "articles": n,
        "annot_s": pushes,
        "raw_s": raws,
        "ratio": spread(ratios),
        "annot_ms_per_task": 1000 * statistics.median(pushes) / n,
        "raw_ms_per_task": 1000 * statistics.median(raws) / n,
    }
    assert root is not None
    return root


def bench_lost_state(studio: Studio, n: int, root: Path, rounds: int) -> None:
    """`annot push` again after `.annot/` is deleted (connection kept): must import nothing."""
    times = []
    for _ in range(rounds):
        state = root / ".annot" / "projects"
        shutil.rmtree(state, ignore_errors=True)
        done = run([*ANNOT, "--quiet", "push", "--no-predictions"], root, studio.env())
        assert " 0 imported" in done.out, done.out
        times.append(done.seconds)
    studio.figures[f"lost-state/{n}"] = {
        "tasks": n,
        "seconds": times,
        "ms_per_task": spread([1000 * t / n for t in times]),
    }
    print(f"[{studio.backend}] lost state {n}: {times}", flush=True)


def annotated_tasks(corpus: Path) -> Iterator[dict[str, Any]]:
    """The corpus's tasks with one complete annotation each, as a bulk import takes them."""
    for task in cleaned_tasks(corpus):
        rng = random.Random(task["meta"]["article_id"])
        yield {**task, "annotations": [{"result": annotation_result(task["data"]["text"], rng)}]}


def bench_archive_project(studio: Studio, n: int, corpus: Path, rounds: int) -> None:
    """On one project of n annotated tasks: full and incremental pull, no-op sync, status, agreement, publish."""
    name = f"archive-{n}"
    root = studio.workspace(name, corpus)
    tasks = list(annotated_tasks(corpus))
    make_s = studio.raw_push(name, tasks, batch=500)
    del tasks
    pid = studio.project_id(name)
    env = studio.env()
    fig: dict[str, Any] = {"tasks": n, "made_s": make_s}
    # the local state was never written: the first push learns what the server has
    lost = run([*ANNOT, "--quiet", "push", "--no-predictions"], root, env)
    assert " 0 imported" in lost.out, lost.out
    fig["push_lost_state_s"] = lost.seconds
    # full pull (the first: no local copy) against one export request, interleaved
    pulls, exports = [], []
    for _ in range(max(1, rounds - 1)):
        with studio.client() as c:
            started = time.perf_counter()
            r = c.get(f"/api/projects/{pid}/export", params={"exportType": "JSON"})
            r.raise_for_status()
            size = len(r.content)
            exports.append(time.perf_counter() - started)
        shutil.rmtree(root / ".annot" / "projects", ignore_errors=True)
        pulls.append(run([*ANNOT, "--quiet", "pull"], root, env).seconds)
    fig |= {"full_pull_s": pulls, "export_s": exports, "export_mb": size / 1e6}
    fig["full_pull_ratio"] = spread([p / e for p, e in zip(pulls, exports, strict=True)])
    # incremental: EDITED annotations changed through the API
    with studio.client() as c:
        listing = c.get(f"/api/projects/{pid}/tasks/", params={"page_size": EDITED, "include": "id"}).json()
        for task in listing:
            for ann in c.get(f"/api/tasks/{task['id']}/annotations/").json():
                result = ann["result"]
                for item in result:
                    if item.get("from_name") == "stance":
                        item["value"]["choices"] = ["against"]
                c.patch(f"/api/annotations/{ann['id']}", json={"result": result}).raise_for_status()
    inc = run([*ANNOT, "--quiet", "pull"], root, env)
    fig["incremental_pull_s"] = inc.seconds
    fig["incremental_pull_out"] = inc.out.strip()[-300:]
    # publish and agreement of n annotated documents: peak memory of the process
    publish = peak_of([*ANNOT, "--quiet", "publish"], root, env)
    fig |= {"publish_s": publish.seconds, "publish_peak_mb": publish.peak_mb}
    agreement = peak_of([*ANNOT, "--quiet", "agreement"], root, env)
    fig |= {"agreement_s": agreement.seconds, "agreement_peak_mb": agreement.peak_mb}
    # a first sync publishes what changed; then sync with nothing new and status, interleaved
    first = run([*ANNOT, "--quiet", "sync", "--no-predictions"], root, env)
    fig["first_sync_s"] = first.seconds
    noops, statuses = [], []
    for _ in range(rounds):
        noops.append(run([*ANNOT, "--quiet", "sync", "--no-predictions"], root, env).seconds)
        statuses.append(run([*ANNOT, "--quiet", "status"], root, env).seconds)
    starts = [run([sys.executable, "-c", "import annot.cli"], root, env).seconds for _ in range(rounds)]
    fig |= {"noop_sync_s": spread(noops), "status_s": spread(statuses), "import_annot_cli_s": spread(starts)}
    studio.figures[f"archive/{n}"] = fig
    print(f"[{studio.backend}] archive {n}: {json.dumps(fig)}", flush=True)


def bench_ingest(tmp: Path, n: int, figures: dict[str, Any]) -> None:
    """`annot ingest --json` (a process, output to /dev/null): over the first tenth of the archive with no
    worker process and with one per core (the baseline is the same command in one process), then over
    all of it (memory must stay flat); pre-annotation rate on a sample."""
    corpus = write_corpus(tmp / f"archive-{n}.jsonl", n, seed=23)
    tenth = tmp / "archive-tenth.jsonl"
    with corpus.open() as src, tenth.open("w") as dst:
        for _, line in zip(range(n // 10), src, strict=False):
            dst.write(line)
    to_null = [
        sys.executable,
        "-c",
        "import subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True)",
    ]
    out: dict[str, Any] = {"articles": n}
    runs = (
        ("one_process", tenth, n // 10, "0"),
        ("all_cores", tenth, n // 10, None),
        ("all_cores_full", corpus, n, None),
    )
    for key, path, count, workers in runs:
        env = {**annot_env(), "ANNOT_WORKERS": workers} if workers else annot_env()
        done = peak_of([*to_null, *ANNOT, "--quiet", "ingest", str(path), "--json"], tmp, env)
        out[key] = {"articles": count, "seconds": done.seconds, "per_s": count / done.seconds, "peak_mb": done.peak_mb}
        print(
            f"ingest {key} {count}: {done.seconds:.1f} s, {count / done.seconds:.0f}/s, {done.peak_mb:.0f} MB",
            flush=True,
        )
    sample, sampled = tmp / "preannotate-sample.jsonl", min(n, PREANNOTATE_SAMPLE)
    with corpus.open() as src, sample.open("w") as dst:
        for _, line in zip(range(sampled), src, strict=False):
            dst.write(line)
    for key, workers in (("predictions_one_process", "0"), ("predictions_all_cores", None)):
        env = {**annot_env(), "ANNOT_WORKERS": workers} if workers else annot_env()
        done = peak_of([*to_null, *ANNOT, "--quiet", "ingest", str(sample), "--json", "--predictions"], tmp, env)
        out[key] = {"articles": sampled, "seconds": done.seconds, "per_s": sampled / done.seconds}
        print(f"ingest+predict {key}: {sampled / done.seconds:.0f}/s", flush=True)
    figures["ingest"] = out
    for path in (corpus, tenth, sample):
        path.unlink()


# -- the table -------------------------------------------------------------------------------------------------


def table(figures: dict[str, Any], sizes: tuple[int, ...], loaded: str) -> str:
    lines = [f"Label Studio on PostgreSQL 15 and on SQLite, loopback, {loaded}, {figures['date']}.", ""]
    lines += ["| backend | articles | annot push (process) | raw bulk import | ratio, median (range) | target |"]
    lines += ["|---|---|---|---|---|---|"]
    for backend, figs in figures["backends"].items():
        for n in sizes:
            f = figs.get(f"push/{n}")
            if not f:
                continue
            target = TARGET_PUSH.get(n, TARGET_PUSH_LARGE)
            met = "met" if f["ratio"]["median"] <= target else "missed"
            lines.append(
                f"| {backend} | {n:,} | {statistics.median(f['annot_s']):.1f} s ({f['annot_ms_per_task']:.3f} ms/task) "
                f"| {statistics.median(f['raw_s']):.1f} s ({f['raw_ms_per_task']:.3f} ms/task) "
                f"| {fmt_spread(f['ratio'])} | <= {target}x {met} |"
            )
    lines += ["", "| backend | tasks | push after `.annot/` is lost | per task | target |", "|---|---|---|---|---|"]
    for backend, figs in figures["backends"].items():
        for n in sizes:
            f = figs.get(f"lost-state/{n}")
            if f:
                ms = f["ms_per_task"]
                met = "met" if ms["median"] <= TARGET_LOST_STATE_MS else "missed"
                lines.append(
                    f"| {backend} | {n:,} | {statistics.median(f['seconds']):.1f} s | {fmt_spread(ms, ' ms', 3)} "
                    f"| <= {TARGET_LOST_STATE_MS} ms {met} |"
                )
    for backend, figs in figures["backends"].items():
        for key, f in figs.items():
            if not key.startswith("archive/"):
                continue
            n = f["tasks"]
            lines += ["", f"{backend}, one project of {n:,} annotated tasks:", "", "| step | annot | baseline | note |"]
            lines += ["|---|---|---|---|"]
            export_s = statistics.median(f["export_s"])
            lines.append(
                f"| full pull | {statistics.median(f['full_pull_s']):.1f} s | one export request {export_s:.1f} s "
                f"({f['export_mb']:.0f} MB) | ratio {fmt_spread(f['full_pull_ratio'])} |"
            )
            lines.append(
                f"| incremental pull, {EDITED} edited | {f['incremental_pull_s']:.2f} s | one export request "
                f"{export_s:.1f} s | {f['incremental_pull_s'] / export_s:.3f}x |"
            )
            lines.append(
                f"| sync with nothing new | {fmt_spread(f['noop_sync_s'], ' s')} | `import annot.cli` "
                f"{fmt_spread(f['import_annot_cli_s'], ' s')} | target < {TARGET_NOOP_S} s |"
            )
            lines.append(f"| status | {fmt_spread(f['status_s'], ' s')} | - | target < {TARGET_STATUS_S} s |")
            for step in ("agreement", "publish"):
                lines.append(
                    f"| {step} | {f[step + '_s']:.1f} s, peak {f[step + '_peak_mb']:.0f} MB | - "
                    f"| < {TARGET_PUBLISH_MB} MB |"
                )
            lost_ms = 1000 * f["push_lost_state_s"] / n
            lines.append(
                f"| push after `.annot/` is lost | {f['push_lost_state_s']:.1f} s | - | {lost_ms:.3f} ms/task |"
            )
    for backend, figs in figures["backends"].items():
        b = figs.get("batches")
        if b:
            cells = ", ".join(f"{k}: {v['vs_batch_1000_serial']:.2f}x" for k, v in b["rows"].items())
            lines += [
                "",
                f"{backend}, raw import of {b['tasks']:,} tasks against batches of 1,000 one at a time: {cells}",
            ]
    ing = figures.get("ingest")
    if ing:
        one, cores, full = ing["one_process"], ing["all_cores"], ing["all_cores_full"]
        p1, pn = ing["predictions_one_process"], ing["predictions_all_cores"]
        lines += [
            "",
            f"`annot ingest --json`: {one['articles']:,} articles in one process {one['per_s']:.0f}/s "
            f"(peak {one['peak_mb']:.0f} MB), on all cores {cores['per_s']:.0f}/s "
            f"({cores['per_s'] / one['per_s']:.2f}x, peak {cores['peak_mb']:.0f} MB); {full['articles']:,} articles "
            f"on all cores {full['per_s']:.0f}/s in {full['seconds']:.0f} s (peak {full['peak_mb']:.0f} MB). "
            f"With `--predictions` ({p1['articles']:,} articles): one process {p1['per_s']:.0f}/s, "
            f"all cores {pn['per_s']:.0f}/s (target {TARGET_ARCHIVE_PER_S}/s).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 / 2,000 / 5,000 tasks, 20,000 articles")
    parser.add_argument("--backends", default="postgresql,sqlite", help='comma-separated; "" for none')
    parser.add_argument("--sizes", default=None, help="comma-separated task counts")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--archive", type=int, default=None, help="articles in the ingest benchmark (0: skip)")
    parser.add_argument("--skip", default="", help="comma-separated: batches, push, lost, archive")
    parser.add_argument(
        "--archive-tasks", default=None, help="sizes of the annotated projects, comma-separated (default: the largest)"
    )
    parser.add_argument("--tag", default="", help="suffix of the results files, for runs side by side")
    args = parser.parse_args()
    # stopped with `kill`: still stop the servers and remove their data (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else (QUICK_SIZES if args.quick else SIZES)
    archive = args.archive if args.archive is not None else (QUICK_ARCHIVE if args.quick else ARCHIVE)
    skip = set(args.skip.split(",")) - {""}
    archive_tasks = [int(n) for n in args.archive_tasks.split(",")] if args.archive_tasks else [sizes[-1]]
    load = os.getloadavg()
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "sizes": sizes,
        "load_before": load,
        "cores": os.cpu_count(),
        "backends": {},
    }
    RESULTS.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    loads: list[float] = []
    sampling = threading.Event()

    def sample_load() -> None:
        while not sampling.wait(10):
            loads.append(os.getloadavg()[0])

    threading.Thread(target=sample_load, daemon=True).start()
    try:
        corpora = {n: write_corpus(tmp / f"corpus-{n}.jsonl", n) for n in sizes}
        for backend in [b for b in args.backends.split(",") if b]:  # `--backends ""`: the ingest alone
            with ExitStack() as stack:
                if os.environ.get("BENCH_REUSE"):  # {"postgresql": [url, key], ...}: servers already running
                    url, key = json.loads(Path(os.environ["BENCH_REUSE"]).read_text())[backend]
                else:
                    database = stack.enter_context(postgres(tmp)) if backend == "postgresql" else None
                    url, key = stack.enter_context(label_studio(tmp, database))
                studio = Studio(backend, url, key, tmp)
                figures["backends"][backend] = studio.figures
                if "batches" not in skip:
                    bench_batches(studio, cleaned_tasks(corpora[sizes[0]]))
                for n in sizes:
                    if "push" in skip:
                        continue
                    rounds = args.rounds if n < LARGE else max(2, args.rounds - 1)  # 100,000: minutes a round
                    root = bench_push(studio, n, corpora[n], rounds)
                    if "lost" not in skip:
                        bench_lost_state(studio, n, root, 1 if n == sizes[-1] else args.rounds)
                for n in [] if "archive" in skip else archive_tasks:
                    corpus = corpora.get(n) or write_corpus(tmp / f"corpus-{n}.jsonl", n)
                    bench_archive_project(studio, n, corpus, args.rounds)
                _save(figures, sizes, loads, args.tag)
        if archive:
            bench_ingest(tmp, archive, figures)
    finally:
        sampling.set()
        _save(figures, sizes, loads, args.tag)
        shutil.rmtree(tmp, ignore_errors=True)


def _save(figures: dict[str, Any], sizes: tuple[int, ...], loads: list[float], tag: str = "") -> None:
    if loads:
        figures["load_during"] = spread(loads)
    during = figures.get("load_during")
    loaded = (
        f"2 cores shared, load average {during['min']:.1f}-{during['max']:.1f} during the run" if during else "2 cores"
    )
    text = table(figures, sizes, loaded)
    (RESULTS / f"bench_archive{tag}.json").write_text(json.dumps(figures, indent=1, default=str))
    (RESULTS / f"bench_archive{tag}.md").write_text(text + "\n")
    print(text, flush=True)


if __name__ == "__main__":
    main()
