"""Validation throughput: 10,000 annotated tasks of 15 results each, against reading the same export with `json`.

Run: `python tests/benchmarks/bench_validate.py [--tasks N]`. Prints the figures of one run;
the target (issue 4) is that validating costs less than reading the file.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annot.convert import read_export  # noqa: E402
from annot.schema import load_schema  # noqa: E402
from annot.validate import validate  # noqa: E402

TASKS = 10_000
ARTICLE_WORDS = 450  # a short news article, about 2,700 characters
REPEATS = 3
WORDS = ["the", "minister", "said", "on", "Tuesday", "that", "talks", "with", "officials", "“serious", "concerns”"]


def _result(rid: str, name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind, "origin": "manual", "value": value}


def make_task(i: int, rng: random.Random) -> dict[str, Any]:
    """One exported task as Label Studio writes it, with 15 results: 2 speakers, 2 claims, 1 cue, 3 relations."""
    text = " ".join(rng.choice(WORDS) for _ in range(ARTICLE_WORDS))
    spans = []
    for k in range(5):
        start = text.index(" ", 500 * k + 1) + 1
        end = text.index(" ", start + 20)
        spans.append((start, end, text[start:end]))
    (s1, s2, c1, c2, cue) = spans
    result = []
    for n, (start, end, t) in enumerate((s1, s2)):
        where = {"start": start, "end": end, "text": t}
        result.append(_result(f"s{n}-{i}", "mention", "labels", {**where, "labels": ["Speaker"]}))
        result.append(_result(f"s{n}-{i}", "speaker_name", "textarea", {"start": start, "end": end, "text": [t]}))
    for n, (start, end, t) in enumerate((c1, c2)):
        where = {"start": start, "end": end, "text": t}
        result.append(_result(f"c{n}-{i}", "mention", "labels", {**where, "labels": ["Claim"]}))
        result.append(_result(f"c{n}-{i}", "stance", "choices", {**where, "choices": [rng.choice(["favor", "none"])]}))
        result.append(_result(f"c{n}-{i}", "target", "choices", {**where, "choices": ["China"]}))
        if n == 0:
            result.append(_result(f"c{n}-{i}", "quote_type", "choices", {**where, "choices": ["direct"]}))
    start, end, t = cue
    result.append(_result(f"v-{i}", "mention", "labels", {"start": start, "end": end, "text": t, "labels": ["Cue"]}))
    rel = {"type": "relation", "direction": "right", "labels": ["says"]}
    result.append({**rel, "from_id": f"s0-{i}", "to_id": f"c0-{i}"})
    result.append({**rel, "from_id": f"c1-{i}", "to_id": f"s1-{i}", "direction": "left"})
    result.append({**rel, "from_id": f"c1-{i}", "to_id": f"c0-{i}", "labels": ["responds_to"]})
    assert len(result) == 15
    stamp = "2025-05-01T10:02:00.000000Z"
    annotation = {
        "id": i,
        "completed_by": 1,
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": stamp,
        "updated_at": stamp,
        "draft_created_at": None,
        "lead_time": 93.2,
        "prediction": {},
        "result_count": len(result),
        "unique_id": f"0b5f{i:08d}",
        "import_id": None,
        "last_action": None,
        "bulk_created": False,
        "task": i,
        "project": 1,
        "updated_by": 1,
        "parent_prediction": None,
        "parent_annotation": None,
        "last_created_by": None,
    }
    data = {"article_id": f"a{i:08x}", "title": f"Article {i}", "text": text, "source": "Wire", "author": None}
    data |= {"published": "2025-03-03", "url": None}
    return {
        "id": i,
        "annotations": [annotation],
        "file_upload": None,
        "drafts": [],
        "predictions": [],
        "data": data,
        "meta": {},
        "created_at": stamp,
        "updated_at": stamp,
        "inner_id": i,
        "total_annotations": 1,
        "cancelled_annotations": 0,
        "total_predictions": 0,
        "comment_count": 0,
        "unresolved_comment_count": 0,
        "last_comment_updated_at": None,
        "project": 1,
        "updated_by": 1,
        "comment_authors": [],
    }


def best_of(fn: Any) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(REPEATS):
        gc.collect()
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=TASKS)
    args = parser.parse_args()
    schema = load_schema(REPO / "schemas" / "news-stance.yaml")
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps([make_task(i, rng) for i in range(args.tasks)], ensure_ascii=False))
        size = path.stat().st_size

        def read_json() -> Any:
            with path.open("rb") as f:
                return json.load(f)

        baseline, _ = best_of(read_json)
        converting, _ = best_of(lambda: sum(1 for _ in read_export(path, schema)))
        total, report = best_of(lambda: validate(read_export(path, schema), schema))
        records = list(read_export(path, schema))
        validating_only, _ = best_of(lambda: validate(records, schema))

    assert report.ok and report.valid == args.tasks, report.problems[:3]
    mb = size / 1e6
    print(f"export: {args.tasks} tasks, 15 results each, {mb:.1f} MB; best of {REPEATS} runs")
    print(f"json.load (baseline)            {baseline:6.2f} s  {args.tasks / baseline:8.0f} tasks/s")
    print(f"read_export (stream + convert)  {converting:6.2f} s  {args.tasks / converting:8.0f} tasks/s")
    print(f"read_export + validate          {total:6.2f} s  {args.tasks / total:8.0f} tasks/s")
    print(f"validate alone (records ready)  {validating_only:6.2f} s  {args.tasks / validating_only:8.0f} tasks/s")
    print(f"ratio validate / json.load:                 {validating_only / baseline:.2f}  (target < 1)")
    print(f"ratio (read_export + validate) / json.load: {total / baseline:.2f}")


if __name__ == "__main__":
    main()
