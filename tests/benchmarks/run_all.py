"""Run every benchmark script in tests/benchmarks/ (`bench_*.py`), one after another, and print their tables.

Run: `python tests/benchmarks/run_all.py [--quick] [NAME...]`. Each script's output is also kept in
`tests/benchmarks/results/<script>.txt`. `--quick` is passed to the scripts that take it; the others
run with their defaults. Exit status 1 if any script failed or ran out of time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SCRIPT_TIMEOUT_S = 30 * 60  # the longest script (bench_sync) takes about 15 minutes on 2 cores
QUICK_FLAG = "--quick"


def scripts(names: list[str]) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if names:
        found = [p for p in found if p.stem in names or p.name in names]
    return found


def run(script: Path, quick: bool) -> tuple[int, float, str]:
    """(exit status, seconds, stdout) of one benchmark script; stderr passes through for progress."""
    args = [sys.executable, str(script)]
    if quick and QUICK_FLAG in script.read_text(encoding="utf-8"):
        args.append(QUICK_FLAG)
    started = time.perf_counter()
    try:
        done = subprocess.run(args, stdout=subprocess.PIPE, text=True, timeout=SCRIPT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode("utf-8", "replace")
        return 124, time.perf_counter() - started, out + f"\n(timed out after {SCRIPT_TIMEOUT_S} s)\n"
    return done.returncode, time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for scripts that support it")
    parser.add_argument("names", nargs="*", help="only these scripts (e.g. bench_sync)")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = []
    for script in scripts(args.names):
        status, seconds, out = run(script, args.quick)
        (RESULTS / f"{script.stem}.txt").write_text(out, encoding="utf-8")
        state = "ok" if status == 0 else f"FAILED (exit {status})"
        print(f"## {script.stem}: {state}, {seconds:.0f} s\n\n{out.rstrip()}\n", flush=True)
        if status != 0:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
