"""How fast the learnt pre-annotator adopts another team's span conventions (issue 15).

Run: `python tests/benchmarks/bench_conventions.py [--gold tests/corpus/dev.json] [--pool 20] [--repeats 3]`

The corpus gold is re-annotated by each convention of `tests.helpers.CONVENTIONS` (speakers with their
article, no pronoun speakers, quotation marks inside the claim, "that" inside the claim), and by none for a
control. The model learns from the first n articles of the pool (n = 5, 10, 20; `--repeats` orders, the
first the file's own) with its choice of rules or model made by inner cross-validation on those n only, and
is scored beside the rules on the gold file's other articles, never seen in training.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annot import learn  # noqa: E402
from annot.model import examples_from_gold  # noqa: E402
from annot.schema import load_schema  # noqa: E402
from tests.helpers import CONVENTIONS, SCHEMA, with_convention  # noqa: E402

SIZES = (5, 10, 20)
FIGURES = (("Speaker", "exact"), ("Claim", "exact"), ("Claim", "overlap"), ("Cue", "exact"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=REPO / "tests/corpus/dev.json")
    parser.add_argument("--pool", type=int, default=20, help="articles to learn from; the rest are scored")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    schema = load_schema(SCHEMA)
    original = json.loads(args.gold.read_text(encoding="utf-8"))
    print(f"{args.gold.name}: learn from up to {args.pool} articles, score the other {len(original) - args.pool}")
    print(f"mean over {args.repeats} orders of the pool; F1, rules -> model+rules\n")
    print("| convention | regions changed | articles | " + " | ".join(f"{a} {b}" for a, b in FIGURES) + " | uses |")
    print("|---|---|---|" + "---|" * len(FIGURES) + "---|")
    started = time.perf_counter()
    for convention in [None, *CONVENTIONS]:
        tasks = copy.deepcopy(original)
        changed = sum(with_convention(task, convention) for task in tasks) if convention else 0
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "gold.json"
            path.write_text(json.dumps(tasks), encoding="utf-8")
            examples = examples_from_gold(path, schema)
        rows = learn.learning_curve(examples[: args.pool], examples[args.pool :], schema, SIZES, repeats=args.repeats)
        for size in SIZES:
            at = [r for r in rows if r["size"] == size]
            cells = []
            for label, mode in FIGURES:
                rules = statistics.mean(r["rules"][label][mode]["f1"] for r in at)
                learnt = statistics.mean(r["model+rules"][label][mode]["f1"] for r in at)
                cells.append(f"{rules:.3f} -> {learnt:.3f}")
            uses = sorted({f"{k}={v}" for r in at for k, v in r["choice"].items() if v != "rules"})
            name = convention or "none (annot's own)"
            print(f"| {name} | {changed} | {size} | " + " | ".join(cells) + f" | {', '.join(uses) or 'rules'} |")
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
