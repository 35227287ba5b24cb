"""How much the pre-annotator learns from one domain's annotations (issue 15's "Learning" measurement).

Run: `python tests/benchmarks/bench_learning_curve.py --pool POOL.json --heldout HELDOUT.json [--png PATH]`
(Label Studio import JSON with gold annotations, e.g. the corpus' courts articles), or with no arguments
the development corpus: pool tests/corpus/dev.json, held out tests/corpus/test.json (nine domains mixed).

For each training size n (2, 5, 10, 15, 20, ... and the whole pool) and each of `--repeats` orders of
the pool (its own order first, then shuffled), a model is trained on the first n articles (model or rules
chosen per label by inner cross-validation on those n only) and scored on the held-out articles beside
the rules alone; the table gives the mean over the orders. Targets: at 20 articles, model+rules beats the
rules by >= 0.05 Claim overlap F1 and >= 0.05 Speaker exact F1, and is never below the rules. Stance
macro-F1 on the held-out gold claims against the majority class of the training articles.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annot import learn  # noqa: E402
from annot.model import examples_from_gold  # noqa: E402
from annot.schema import load_schema  # noqa: E402

SCHEMA = REPO / "schemas/news-stance.yaml"
SIZES = (2, 5, 10, 15, 20, 30, 40)
TARGET_SIZE = 20
TARGET_GAIN = 0.05
RESULTS = Path(__file__).resolve().parent / "results"


def mean(rows: list[dict[str, Any]], *path: str) -> float:
    values = []
    for row in rows:
        node: Any = row
        for key in path:
            node = node[key]
        values.append(float(node))
    return statistics.mean(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=Path, default=REPO / "tests/corpus/dev.json")
    parser.add_argument("--heldout", type=Path, default=REPO / "tests/corpus/test.json")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--png", type=Path, help="draw the curve here")
    parser.add_argument("--title", default=None)
    args = parser.parse_args()
    schema = load_schema(SCHEMA)
    pool = examples_from_gold(args.pool, schema)
    heldout = examples_from_gold(args.heldout, schema)
    held_ids = {ex.article_id for ex in heldout}
    pool = [ex for ex in pool if ex.article_id not in held_ids]  # never the same article in both
    sizes = sorted({s for s in SIZES if s < len(pool)} | {len(pool)})
    print(f"pool {len(pool)} articles, held out {len(heldout)}; sizes {sizes}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    rows = learn.learning_curve(
        pool,
        heldout,
        schema,
        sizes,
        repeats=args.repeats,
        progress=lambda step, done, total: print(f"  {step} {done}/{total}", file=sys.stderr, flush=True),
    )
    seconds = time.perf_counter() - started
    print(f"pool: {args.pool.name} ({len(pool)} articles), held out: {args.heldout.name} ({len(heldout)} articles)")
    print(f"mean over {args.repeats} orders of the pool (its own, then shuffled); {seconds:.0f} s\n")
    head = "| articles | Claim overlap F1 rules / model+rules | Speaker exact F1 rules / model+rules | "
    head += "Cue overlap F1 | attribution accuracy (gold claims correctly attributed) | "
    head += "stance macro-F1 (majority) | target macro-F1 (majority) | uses |"
    print(head)
    print("|---|---|---|---|---|---|---|---|")
    summary = []
    for size in sizes:
        at = [r for r in rows if r["size"] == size]
        claim = (mean(at, "rules", "Claim", "overlap", "f1"), mean(at, "model+rules", "Claim", "overlap", "f1"))
        speaker = (mean(at, "rules", "Speaker", "exact", "f1"), mean(at, "model+rules", "Speaker", "exact", "f1"))
        cue = (mean(at, "rules", "Cue", "overlap", "f1"), mean(at, "model+rules", "Cue", "overlap", "f1"))
        attr_acc = [
            mean([r for r in at if r[k]["attribution"]["accuracy"] is not None], k, "attribution", "accuracy")
            for k in ("rules", "model+rules")
        ]
        attr_ok = [mean(at, k, "attribution", "correct") for k in ("rules", "model+rules")]
        n_claims = at[0]["rules"]["Claim"]["overlap"]["gold"]
        stance = [mean(at, "attributes", "stance", k) for k in ("macro_f1", "majority_macro_f1")]
        target = [mean(at, "attributes", "target", k) for k in ("macro_f1", "majority_macro_f1")]
        used = ", ".join(
            f"{k} " + "/".join(str(sum(1 for r in at if r["choice"][k] == c)) for c in ("rules", "model", "union"))
            for k in learn.CHOICE_KEYS
        )
        print(
            f"| {size} | {claim[0]:.3f} / {claim[1]:.3f} | {speaker[0]:.3f} / {speaker[1]:.3f} | "
            f"{cue[0]:.3f} / {cue[1]:.3f} | {attr_acc[0]:.3f} ({attr_ok[0]:.0f}) / {attr_acc[1]:.3f} "
            f"({attr_ok[1]:.0f} of {n_claims}) | "
            f"{stance[0]:.3f} ({stance[1]:.3f}) | "
            f"{target[0]:.3f} ({target[1]:.3f}) | rules/model/union: {used} |"
        )
        worst = min(
            min(r["model+rules"]["Claim"]["overlap"]["f1"] - r["rules"]["Claim"]["overlap"]["f1"] for r in at),
            min(r["model+rules"]["Speaker"]["exact"]["f1"] - r["rules"]["Speaker"]["exact"]["f1"] for r in at),
        )
        summary.append({"size": size, "claim": claim, "speaker": speaker, "worst_gain": worst})
    at_target = [s for s in summary if s["size"] >= TARGET_SIZE]
    if at_target:
        s = at_target[0]
        gains = (s["claim"][1] - s["claim"][0], s["speaker"][1] - s["speaker"][0])
        met = gains[0] >= TARGET_GAIN and gains[1] >= TARGET_GAIN
        print(
            f"\nat {s['size']} articles: Claim overlap F1 +{gains[0]:.3f}, Speaker exact F1 +{gains[1]:.3f} "
            f"(target +{TARGET_GAIN} each): {'met' if met else 'NOT met'}"
        )
    never_below = all(s["worst_gain"] >= 0 for s in summary)
    print(f"model+rules never below the rules (every size, every order): {'yes' if never_below else 'NO'}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"learning_curve_{args.pool.stem}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if args.png:
        title = args.title or f"trained on {args.pool.name}, scored on {len(heldout)} held-out articles"
        learn.plot_learning_curve(rows, args.png, title)
        print(f"curve: {args.png}")


if __name__ == "__main__":
    main()
