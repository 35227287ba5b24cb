"""Pre-annotation speed: milliseconds per 1,000-word article on one core, against a plain regex pass.

Run: `python tests/benchmarks/bench_preannotate.py [--repeats N]`. Texts: the five seed articles and
the development corpus, as cleaned in `seeds/gold.json` and `tests/corpus/dev.json` (when present).
The baseline, measured in the same run on the same texts, is the cheapest pass a rule-based
pre-annotator cannot do without: one regular-expression scan for sentence ends, quotation marks and
reporting verbs. The target (issue 14) is at most 50 ms per 1,000 words.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annot.preannotate import CUE_RE, predict  # noqa: E402
from annot.text import _boundaries  # noqa: E402

REPEATS = 5
TARGET_MS = 50.0
WORDS_PER_ARTICLE = 1000
BASELINE_RE = re.compile(r"[.?!][\"”’]?\s+(?=[A-Z\"“])|[\"“”]")


def texts() -> list[str]:
    found: list[str] = []
    for gold in (REPO / "seeds" / "gold.json", REPO / "tests" / "corpus" / "dev.json"):
        if gold.exists():
            found += [t["data"]["text"] for t in json.loads(gold.read_text(encoding="utf-8"))]
    return found


def baseline(text: str) -> int:
    """A regex pass: sentence ends and quotation marks, then every reporting verb."""
    return sum(1 for _ in BASELINE_RE.finditer(text)) + sum(1 for _ in CUE_RE.finditer(text))


def splitting(text: str) -> int:
    """Sentence splitting alone, paragraph by paragraph, as predict does it."""
    return sum(len(_boundaries(text, m.start(), m.end())) for m in re.finditer(r"[^\n]+", text))


def best_ms(fn: object, corpus: list[str], repeats: int) -> float:
    """Best of `repeats` runs over the whole corpus, in ms (the machine may be shared)."""
    assert callable(fn)
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for text in corpus:
            fn(text)
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    corpus = texts()
    words = sum(len(t.split()) for t in corpus)
    for text in corpus[:2]:
        predict(text)  # warm up: imports, compiled patterns, pysbd's rules
    per_k = WORDS_PER_ARTICLE / words
    rows = [
        ("annot.preannotate.predict", best_ms(predict, corpus, args.repeats) * per_k),
        (
            "  of which sentence splitting (regex; pysbd where a stop is ambiguous)",
            best_ms(splitting, corpus, args.repeats) * per_k,
        ),
        ("baseline: one regex pass", best_ms(baseline, corpus, args.repeats) * per_k),
    ]
    print(f"{len(corpus)} articles, {words} words; best of {args.repeats}; one process (one core)\n")
    print("| pass | ms per 1,000 words | ratio to baseline |")
    print("|---|---|---|")
    base = rows[-1][1]
    for name, ms in rows:
        print(f"| {name} | {ms:.2f} | {ms / base:.0f}x |")
    ms = rows[0][1]
    print(f"\ntarget <= {TARGET_MS:.0f} ms per 1,000 words: {'met' if ms <= TARGET_MS else 'MISSED'} ({ms:.1f} ms)")


if __name__ == "__main__":
    main()
