"""`annot report` at scale (issue 18): the page of a generated campaign of 5,000 annotated tasks, against
`annot agreement --json` on the same export in the same run.

Run: `python tests/benchmarks/bench_report.py [--quick]`. No server: both commands read one export file
(made by `tests/campaign_data.py`: four annotators, half the tasks done by two). Each command runs as a
user runs it (a fresh process, start-up included), REPEATS times interleaved with the other, the run with
the least CPU time kept; ratios are of CPU time, which the other work on a shared machine disturbs least.
Then the steps are timed in this process. Prints one table; raw figures go to `tests/benchmarks/results/`.
Not a test: nothing fails on a missed target, the table says it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
RESULTS = Path(__file__).resolve().parent / "results"
SCHEMA = REPO / "schemas" / "news-stance.yaml"

TASKS = 5_000
QUICK_TASKS = 1_000
GROWTH = (1_000, 20_000)  # measured once each, for how the cost grows
QUICK_GROWTH = (500,)
REPEATS = 3
TARGET_RATIO = 1.5  # the report may cost at most this much more than `annot agreement --json`
TARGET_PAGE_MB = 5.0


def run_cli(*args: str, cwd: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak RSS in MB) of one `annot` command in a fresh process.

    CPU seconds (user + system, of that process alone) are what other work on a shared machine
    disturbs least; the wall time is what a user waits."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "annot.cli", "--quiet", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"annot {' '.join(args)} failed ({proc.returncode}): {err}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(CPU seconds of this process, result) of one step."""
    started = time.process_time()
    value = fn()
    return time.process_time() - started, value


def steps(export: Path, out: Path) -> dict[str, float]:
    """The report's steps, timed in this process: read + validate, agreement alone, collect, render, write."""
    from annot import report as rp
    from annot.agreement import measure
    from annot.convert import ExportFile
    from annot.schema import load_schema
    from annot.validate import validate

    schema = load_schema(SCHEMA)
    tasks = ExportFile(export, schema)
    # the libraries both commands load on first use (sklearn, krippendorff, matplotlib): not timed as steps
    import krippendorff  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import sklearn.metrics  # noqa: F401

    figures: dict[str, float] = {}
    figures["read_validate_s"], checked = timed(lambda: validate(tasks, schema))
    invalid = checked.invalid_annotations().keys()
    figures["measure_s"], _ = timed(lambda: measure(tasks, schema, invalid=invalid))
    figures["measure_by_annotator_s"], _ = timed(lambda: measure(tasks, schema, invalid=invalid, by_annotator=True))
    figures["collect_s"], campaign = timed(lambda: rp.collect(tasks, schema, project="bench", invalid=invalid))
    figures["render_s"], page = timed(lambda: rp.render(campaign))
    figures["png_s"], _ = timed(lambda: rp.main_chart_png(campaign))
    out.write_text(page, encoding="utf-8")
    figures["disputes"] = len(campaign.agreement.disputes)
    figures["annotations"] = sum(w.submitted for w in campaign.work.values())
    return figures


def measure_size(n: int, work: Path, repeats: int) -> dict[str, Any]:
    from tests.campaign_data import campaign

    export = work / f"campaign-{n}.json"
    export.write_text(json.dumps(campaign(n)), encoding="utf-8")
    page = work / f"report-{n}.html"
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(repeats):  # interleaved, so a busy moment of the shared machine hits both alike
        for name, args in (
            ("agreement", ("agreement", str(export), "--json")),
            ("report", ("report", str(export), "--out", str(page))),
        ):
            seconds, cpu, rss = run_cli(*args, cwd=work)
            if name not in best or cpu < best[name][1]:
                best[name] = (seconds, cpu, rss)
    figures: dict[str, Any] = {
        "tasks": n,
        "export_mb": export.stat().st_size / 1e6,
        "agreement_s": best["agreement"][0],
        "agreement_cpu_s": best["agreement"][1],
        "agreement_rss_mb": best["agreement"][2],
        "report_s": best["report"][0],
        "report_cpu_s": best["report"][1],
        "report_rss_mb": best["report"][2],
        "page_mb": page.stat().st_size / 1e6,
    }
    figures["ratio"] = figures["report_cpu_s"] / figures["agreement_cpu_s"]
    figures |= steps(export, work / f"steps-{n}.html")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_TASKS} tasks instead of {TASKS}")
    args = parser.parse_args()
    size = QUICK_TASKS if args.quick else TASKS
    growth = QUICK_GROWTH if args.quick else GROWTH
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        work = Path(tmp)
        (work / "schemas").mkdir()
        for f in SCHEMA.parent.iterdir():
            (work / "schemas" / f.name).write_bytes(f.read_bytes())
        (work / "annot.toml").write_text(
            '[labelstudio]\nurl = "http://127.0.0.1:9"\n\n[[project]]\nname = "bench"\n'
            'schema = "schemas/news-stance.yaml"\nsources = ["seeds/"]\nexport = "exports/bench"\n',
            encoding="utf-8",
        )
        main_run = measure_size(size, work, REPEATS)
        grown = [measure_size(n, work, 1) for n in growth]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    m = main_run
    met = "yes" if m["ratio"] <= TARGET_RATIO and m["page_mb"] <= TARGET_PAGE_MB else "no"
    lines = [
        f"## bench_report ({stamp}, {os.cpu_count()} cores, best of {REPEATS})",
        "",
        "| benchmark | annot report | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
        f"| `annot report EXPORT`, {m['tasks']:,} annotated tasks ({m['annotations']:,} annotations, "
        f"{m['export_mb']:.0f} MB export) | CPU {m['report_cpu_s']:.1f} s (wall {m['report_s']:.1f} s), page "
        f"{m['page_mb']:.2f} MB, peak RSS {m['report_rss_mb']:.0f} MB | `annot agreement EXPORT --json` CPU "
        f"{m['agreement_cpu_s']:.1f} s (wall {m['agreement_s']:.1f} s), peak RSS {m['agreement_rss_mb']:.0f} MB"
        f" | {m['ratio']:.2f}x | <= {TARGET_RATIO}x, page <= "
        f"{TARGET_PAGE_MB:g} MB | {met} |",
        "",
        f"Steps in one process, CPU seconds ({m['tasks']:,} tasks): read + validate {m['read_validate_s']:.2f} s; "
        f"agreement alone {m['measure_s']:.2f} s, with each annotator against the adjudicated result "
        f"{m['measure_by_annotator_s']:.2f} s; the report's one pass (agreement, adjudication, pace, "
        f"distributions) {m['collect_s']:.2f} s; the page with its charts {m['render_s']:.2f} s; "
        f"the PNG {m['png_s']:.2f} s; {m['disputes']:,} disputed items (at most 2,000 listed).",
        "",
        "| tasks | annot report, CPU | annot agreement --json, CPU | ratio | page | report per task |",
        "|---|---|---|---|---|---|",
    ]
    for g in sorted([m, *grown], key=lambda g: g["tasks"]):
        lines.append(
            f"| {g['tasks']:,} | {g['report_cpu_s']:.1f} s | {g['agreement_cpu_s']:.1f} s | {g['ratio']:.2f}x | "
            f"{g['page_mb']:.2f} MB | {1000 * g['report_cpu_s'] / g['tasks']:.2f} ms |"
        )
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_report.json").write_text(json.dumps({"main": m, "growth": grown}, indent=2), encoding="utf-8")
    (RESULTS / "bench_report.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
