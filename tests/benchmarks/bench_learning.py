"""Speed of the learnt pre-annotator (issue 15): prediction per 1,000-word article on one core against the rules
in the same run, and training on 500 articles.

Run: `python tests/benchmarks/bench_learning.py [--quick] [--articles N]`. No server.

The articles are made from the development corpus (tests/corpus/dev.json and test.json, 33 fictional
articles): for prediction, paragraphs of corpus articles joined until an article has 1,000 words; for
training, N articles (500; `--quick`: 100) each a corpus article with its paragraphs in another order
(gold regions moved with their paragraph, a region crossing a paragraph break dropped). Repeated text
is easier than new text for nothing here but the CRF's convergence: it says how long training takes,
not how well it learns (see bench_learning_curve.py for that).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annot import learn  # noqa: E402
from annot.model import Example, examples_from_gold, rules_predictor, train  # noqa: E402
from annot.records import Annotation, Region  # noqa: E402
from annot.schema import load_schema  # noqa: E402
from annot.text import paragraph_spans  # noqa: E402

CORPUS = [REPO / "tests/corpus/dev.json", REPO / "tests/corpus/test.json"]
SCHEMA = REPO / "schemas/news-stance.yaml"
ARTICLE_WORDS = 1000
PREDICT_ARTICLES = 20
TRAIN_ARTICLES = 500
QUICK_TRAIN_ARTICLES = 100
PREDICT_TARGET_MS = 100.0
TRAIN_TARGET_S = 120.0
RESULTS = Path(__file__).resolve().parent / "results"


def shuffled(ex: Example, rng: random.Random, n: int) -> Example:
    """The article with its paragraphs in a random order, gold regions moved along."""
    text = ex.text
    paragraphs = paragraph_spans(text)
    order = list(range(len(paragraphs)))
    rng.shuffle(order)
    pieces, shift = [], {}
    pos = 0
    for k in order:
        start, end = paragraphs[k]
        shift[k] = pos - start
        pieces.append(text[start:end])
        pos += end - start + 2
    new_text = "\n\n".join(pieces)
    regions = []
    for r in ex.gold.regions:
        k = next((i for i, (s, e) in enumerate(paragraphs) if s <= r.start and r.end <= e), None)
        if k is None:
            continue
        start, end = r.start + shift[k], r.end + shift[k]
        regions.append(Region(r.id, r.label, start, end, new_text[start:end], dict(r.attributes)))
    ids = {r.id for r in regions}
    relations = [rel for rel in ex.gold.relations if rel.from_id in ids and rel.to_id in ids]
    gold = Annotation(id=None, task_id=None, regions=regions, relations=relations)
    return Example(hashlib.sha256(f"{ex.article_id}:{n}".encode()).hexdigest()[:16], new_text, gold)


def long_articles(examples: list[Example], rng: random.Random, count: int) -> list[str]:
    """Texts of about ARTICLE_WORDS words, paragraphs drawn from the corpus."""
    paragraphs = [ex.text[s:e] for ex in examples for s, e in paragraph_spans(ex.text)]
    out = []
    for _ in range(count):
        chosen: list[str] = []
        while sum(len(p.split()) for p in chosen) < ARTICLE_WORDS:
            chosen.append(rng.choice(paragraphs))
        out.append("\n\n".join(chosen))
    return out


def per_article_ms(predict: object, texts: list[str]) -> tuple[list[float], list[float]]:
    """(wall-clock ms, CPU ms) per text: CPU time is what one core spends, whatever else the machine runs."""
    wall, cpu = [], []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        predict(text)  # type: ignore[operator]
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def yes(met: bool) -> str:
    return "yes" if met else "no"


def timed(fn: object, *args: object) -> tuple[object, float, float]:
    started, started_cpu = time.perf_counter(), time.process_time()
    result = fn(*args)  # type: ignore[operator]
    return result, time.perf_counter() - started, time.process_time() - started_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"train on {QUICK_TRAIN_ARTICLES} articles")
    parser.add_argument("--articles", type=int, help=f"training articles (default {TRAIN_ARTICLES})")
    args = parser.parse_args()
    n_train = args.articles or (QUICK_TRAIN_ARTICLES if args.quick else TRAIN_ARTICLES)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    schema = load_schema(SCHEMA)
    corpus = [ex for path in CORPUS for ex in examples_from_gold(path, schema)]
    rng = random.Random(15)
    rows = []

    # -- prediction: a model trained on the whole corpus, articles of 1,000 words
    print(f"fitting on the {len(corpus)} corpus articles ...", file=sys.stderr, flush=True)
    model = train(corpus, schema, folds=3)
    texts = long_articles(corpus, rng, PREDICT_ARTICLES)
    rules = rules_predictor()
    for text in texts[:2]:  # warm both up (imports, caches of nothing: each text is new)
        rules.predict(text + " ")
        model.predict(text + " ")
    learn._rules.cache_clear()
    rules_ms, rules_cpu = per_article_ms(rules.predict, texts)
    learn._rules.cache_clear()  # the model runs the rules itself: no help from the cache
    model_ms, model_cpu = per_article_ms(model.predict, texts)
    unc_ms, unc_cpu = per_article_ms(model.uncertainty, [t + "  " for t in texts])
    learn._rules.cache_clear()
    both_ms, both_cpu = per_article_ms(lambda t: (model.predict(t), model.uncertainty(t)), [t + "   " for t in texts])
    words = statistics.mean(len(t.split()) for t in texts)
    med_cpu, med_rules_cpu = statistics.median(model_cpu), statistics.median(rules_cpu)
    rows.append(
        (
            f"predict, {PREDICT_ARTICLES} articles of ~{words:.0f} words, one core",
            f"CPU {med_cpu:.1f} ms median, {max(model_cpu):.1f} ms max (wall {statistics.median(model_ms):.1f} ms); "
            f"uncertainty CPU {statistics.median(unc_cpu):.1f} ms; predict then uncertainty (push, the backend) "
            f"CPU {statistics.median(both_cpu):.1f} ms",
            f"rules alone CPU {med_rules_cpu:.1f} ms (wall {statistics.median(rules_ms):.1f} ms)",
            f"{med_cpu / med_rules_cpu:.1f}x",
            f"<= {PREDICT_TARGET_MS:.0f} ms",
            "yes" if med_cpu <= PREDICT_TARGET_MS else "no",
        )
    )

    # -- training: n_train permuted corpus articles, with and without cross-validation
    many = [shuffled(corpus[i % len(corpus)], rng, i) for i in range(n_train)]
    tokens = sum(len(learn.TOKEN_RE.findall(ex.text)) for ex in many)
    print(f"training on {n_train} articles ({tokens} tokens) ...", file=sys.stderr, flush=True)
    _, fit_s, fit_cpu = timed(learn.fit, many, schema)
    trained, train_s, train_cpu = timed(train, many, schema)
    folds = trained.scores["folds"]  # type: ignore[attr-defined]
    rows.append(
        (
            f"train, {n_train} articles ({tokens:,} tokens), one core",
            f"`annot.model.train` ({folds}-fold CV + final fit): wall {train_s:.1f} s, CPU {train_cpu:.1f} s",
            f"one fit without CV: wall {fit_s:.1f} s, CPU {fit_cpu:.1f} s",
            f"{train_s / fit_s:.1f}x",
            f"<= {TRAIN_TARGET_S:.0f} s",
            f"wall {yes(train_s <= TRAIN_TARGET_S)}, CPU {yes(train_cpu <= TRAIN_TARGET_S)}",
        )
    )
    print("| benchmark | annot | baseline (same run) | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {
        "predict_ms": model_ms,
        "predict_cpu_ms": model_cpu,
        "rules_ms": rules_ms,
        "rules_cpu_ms": rules_cpu,
        "uncertainty_ms": unc_ms,
        "predict_and_uncertainty_cpu_ms": both_cpu,
        "train_s": train_s,
        "train_cpu_s": train_cpu,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu,
        "train_articles": n_train,
        "load_average": os.getloadavg(),
    }
    (RESULTS / "bench_learning.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
