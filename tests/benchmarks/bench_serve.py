"""`annot serve`: how long the ML backend takes to answer Label Studio's predict call for one task.

Run: `python tests/benchmarks/bench_serve.py [--calls N] [--no-studio]`. Target (issue 15): one task's
predict call answered in at most 300 ms. Baselines measured in the same run: the same HTTP round trip to
`/health` (the framework and loopback, no model), and the prediction computed in-process (the model alone).
With a Label Studio (started here, on a free loopback port, unless `--no-studio`): opening a task that has
no prediction (Label Studio asks the backend: health, setup, predict) against opening one that has.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annot import push, serve  # noqa: E402
from annot.articles import read_articles  # noqa: E402
from annot.model import Predictor, examples_from_gold, rules_predictor, train  # noqa: E402
from annot.schema import load_schema  # noqa: E402
from annot.workspace import Workspace as AnnotWorkspace  # noqa: E402

SCHEMA = REPO / "schemas" / "news-stance.yaml"
GOLD = REPO / "seeds" / "gold.json"
ARTICLE_WORDS = 1000
CALLS = 50
WARMUP = 3
TARGET_MS = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def article(words: int = ARTICLE_WORDS) -> str:
    """About `words` words of news: the seed articles' paragraphs, in order, until there are enough."""
    paragraphs: list[str] = []
    for a in read_articles([REPO / "seeds"]).articles:
        for p in a.text.split("\n\n"):
            if sum(len(x.split()) for x in paragraphs) >= words:
                return "\n\n".join(paragraphs)
            paragraphs.append(p)
    return "\n\n".join(paragraphs)


def timings(fn: Callable[[], Any], calls: int) -> list[float]:
    return interleaved([fn], calls)[0]


def interleaved(fns: list[Callable[[], Any]], calls: int) -> list[list[float]]:
    """Milliseconds per call of each function, called in turn (a, b, c, a, b, c, ...) so that a busy
    moment of the shared machine falls on all of them alike."""
    for _ in range(WARMUP):
        for fn in fns:
            fn()
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(calls):
        for fn, ms in zip(fns, out, strict=True):
            started = time.perf_counter()
            fn()
            ms.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
    }


def bench_backend(name: str, predictor: Predictor, text: str, calls: int) -> dict[str, Any]:
    schema = load_schema(SCHEMA)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "annot.toml").write_text(
            f'[[project]]\nname = "bench"\nschema = "{SCHEMA}"\nsources = []\n', encoding="utf-8"
        )
        from annot.config import load_config

        cfg = load_config(root)
        backend = serve.Backend(cfg, cfg.project(), predictor=predictor)
        body = {"tasks": [{"id": 1, "data": {"text": text}}], "project": "1.1", "label_config": ""}
        with serve.serving(backend, port=free_port()) as url, httpx.Client(timeout=30) as client:
            answer = client.post(f"{url}/predict", json=body).json()
            regions = sum(r.get("type") == "labels" for r in answer["results"][0]["result"])
            predict, health, alone = interleaved(
                [
                    lambda: client.post(f"{url}/predict", json=body).raise_for_status(),
                    lambda: client.get(f"{url}/health").raise_for_status(),
                    lambda: push.prediction(predictor, text, schema),
                ],
                calls,
            )
    return {
        "model": name,
        "version": predictor.version,
        "regions": regions,
        "predict_call_ms": summary(predict),
        "health_call_ms": summary(health),
        "in_process_ms": summary(alone),
    }


def bench_repredict(server: Any, cfg: Any, tasks: int) -> dict[str, Any]:
    """`repredict` of `tasks` unannotated tasks (short articles, the rules under a new version) against the
    baseline of computing the same predictions in-process and bulk-importing them into fresh tasks."""
    from annot.model import RulesPredictor
    from annot.records import Article

    class Renamed(RulesPredictor):
        def __init__(self, version: str) -> None:
            super().__init__()
            self.version = version

    project = cfg.project()
    schema = load_schema(SCHEMA)
    texts = [a.text for a in read_articles([REPO / "seeds"]).articles]
    shorts = [f"{texts[i % len(texts)][:1500]} ({i})" for i in range(tasks)]
    remote = push.ensure_project(server, project, schema)
    for t in server.task_overview(remote.id):  # the tasks of the latency part leave
        server._raw("DELETE", f"/api/tasks/{t.id}")
    first = Renamed("bench-1")
    ids = server.import_tasks(
        remote.id,
        [
            push.task_payload(Article(id=str(i), title="b", text=t, origin="b"), schema, first)
            for i, t in enumerate(shorts)
        ],
    )
    started = time.perf_counter()
    done = AnnotWorkspace(cfg, project.name, server=server).repredict(predictor=Renamed("bench-2"))
    repredict_s = time.perf_counter() - started
    assert done.replaced == len(ids), done
    started = time.perf_counter()
    fresh = server.import_tasks(remote.id, [{"data": {"text": t}} for t in shorts])
    created_s = time.perf_counter() - started
    started = time.perf_counter()
    again = Renamed("bench-3")
    server.import_predictions(
        remote.id, [{"task": i, **push.prediction(again, t, schema)} for i, t in zip(fresh, shorts, strict=True)]
    )
    baseline_s = time.perf_counter() - started
    return {"tasks": tasks, "repredict_s": repredict_s, "predict_and_import_s": baseline_s, "tasks_import_s": created_s}


def bench_studio(text: str, calls: int, repredict_tasks: int) -> dict[str, Any]:
    """Opening a task in Label Studio with and without a prediction already there (backend: the rules)."""
    from annot import studio
    from annot.config import load_config, read_connection
    from annot.labelstudio import Server

    if "ANNOT_LABEL_STUDIO" not in os.environ and (REPO / ".venv-studio/bin/label-studio").exists():
        os.environ["ANNOT_LABEL_STUDIO"] = str(REPO / ".venv-studio/bin/label-studio")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        info = studio.up(root, port=free_port())
        try:
            key = read_connection(root)["api_key"]
            (root / "annot.toml").write_text(
                f'[[project]]\nname = "bench"\nschema = "{SCHEMA}"\nsources = []\n', encoding="utf-8"
            )
            os.environ["LABEL_STUDIO_URL"], os.environ["LABEL_STUDIO_API_KEY"] = info.url, key
            cfg = load_config(root)
            server = Server(info.url, key)
            remote = push.ensure_project(server, cfg.project(), load_schema(SCHEMA))
            n = calls + WARMUP
            data = [{"data": {"text": text, "title": f"bench {i}"}} for i in range(2 * n)]
            ids = server.import_tasks(remote.id, data)
            with_prediction, without = ids[:n], ids[n:]
            backend = serve.Backend(cfg, cfg.project(), predictor=rules_predictor(), server=server)
            with serve.serving(backend, port=free_port()) as url:
                serve.connect(backend, url)
                server.import_predictions(
                    remote.id,
                    [{"task": i, **push.prediction(backend.predictor, text, backend.schema)} for i in ids[:n]],
                )
                opened, fresh = iter(with_prediction), iter(without)
                have, ask = interleaved(
                    [
                        lambda: server._raw("GET", f"/api/tasks/{next(opened)}"),
                        lambda: server._raw("GET", f"/api/tasks/{next(fresh)}"),
                    ],
                    calls,
                )
                made = sum(bool(server._raw("GET", f"/api/tasks/{i}").json()["predictions"]) for i in without)
            repredicted = bench_repredict(server, cfg, repredict_tasks)
        finally:
            studio.down(root)
    return {
        "repredict": repredicted,
        "open_with_prediction_ms": summary(have),
        "open_without_prediction_ms": summary(ask),
        "predictions_made_by_label_studio": made,
        "tasks_opened_without": len(without),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--no-studio", action="store_true", help="skip the Label Studio part")
    parser.add_argument("--repredict-tasks", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="20 calls")
    args = parser.parse_args()
    calls = 20 if args.quick else args.calls
    text = article()
    words = len(text.split())
    print(f"one task of {words} words, {calls} calls each after {WARMUP} warm-up calls", file=sys.stderr)
    started = time.perf_counter()
    model = train(examples_from_gold(GOLD, load_schema(SCHEMA)), load_schema(SCHEMA))
    trained_s = time.perf_counter() - started
    rows = [bench_backend("rules", rules_predictor(), text, calls), bench_backend("trained", model, text, calls)]
    studio_row = None if args.no_studio else bench_studio(text, calls, 200 if args.quick else args.repredict_tasks)
    figures = {"words": words, "calls": calls, "train_s": trained_s, "backend": rows, "studio": studio_row}
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "bench_serve.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")

    print(f"Predict call for one task of {words} words (ms; p50 / p95 / max over {calls} calls):\n")
    print("| model | predict call | baseline: /health call | baseline: prediction in-process | ratio p50 | ≤ 300 ms |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        p, h, a = row["predict_call_ms"], row["health_call_ms"], row["in_process_ms"]
        ratio = p["p50"] / (h["p50"] + a["p50"])
        met = "yes" if p["p95"] <= TARGET_MS else "NO"
        print(
            f"| {row['model']} ({row['regions']} regions) | {p['p50']:.1f} / {p['p95']:.1f} / {p['max']:.1f} | "
            f"{h['p50']:.1f} / {h['p95']:.1f} / {h['max']:.1f} | {a['p50']:.1f} / {a['p95']:.1f} / {a['max']:.1f} | "
            f"{ratio:.2f}x | {met} (p95) |"
        )
    print(
        f"\n(the trained model: fitted on the {len(examples_from_gold(GOLD, load_schema(SCHEMA)))} gold seeds "
        f"in {trained_s:.1f} s, cross-validation included)"
    )
    if studio_row:
        w, n = studio_row["open_with_prediction_ms"], studio_row["open_without_prediction_ms"]
        print("\nOpening a task in Label Studio (GET /api/tasks/ID; ms, p50 / p95 / max):\n")
        print("| task | time | ratio p50 |")
        print("|---|---|---|")
        print(f"| has a prediction (baseline) | {w['p50']:.1f} / {w['p95']:.1f} / {w['max']:.1f} | 1.00x |")
        print(
            f"| has none: Label Studio asks the backend | {n['p50']:.1f} / {n['p95']:.1f} / {n['max']:.1f} | "
            f"{n['p50'] / w['p50']:.2f}x |"
        )
        print(
            f"\n{studio_row['predictions_made_by_label_studio']} of {studio_row['tasks_opened_without']} tasks opened "
            "without a prediction got one from the backend"
        )
        r = studio_row["repredict"]
        print(f"\n`repredict` of {r['tasks']} unannotated tasks (about 1,500 characters each, the rules):\n")
        print("| | seconds | ratio |")
        print("|---|---|---|")
        print(
            f"| baseline: the same predictions computed and bulk-imported | {r['predict_and_import_s']:.2f} | 1.00x |"
        )
        print(
            f"| `Workspace.repredict` (list, delete, predict, import) | {r['repredict_s']:.2f} | "
            f"{r['repredict_s'] / r['predict_and_import_s']:.2f}x |"
        )


if __name__ == "__main__":
    main()
