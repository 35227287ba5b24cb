"""Cleaning an archive on every core: the same articles, in the same order, as one process cleans them;
the per-article function pickles and runs under `datasets.Dataset.map(num_proc=2)`."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import pytest

from annot import pipeline
from annot.articles import Unreadable, article_id, iter_file
from annot.cli import app
from annot.records import Article
from tests.helpers import record


def write_archive(path: Path, n: int, bad_every: int = 0) -> Path:
    """n articles a line; every `bad_every`-th line is broken JSON, and one article comes twice."""
    rng = random.Random(n)
    lines = [json.dumps(record(i, rng), ensure_ascii=False) for i in range(n)]
    if bad_every:
        lines = [("{not json" if k % bad_every == bad_every - 1 else line) for k, line in enumerate(lines)]
    lines.append(lines[0])  # a duplicate
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_process(path: Path) -> tuple[list[Article], list[Unreadable]]:
    problems: list[Unreadable] = []
    return list(iter_file(path, problems)), problems


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    # more lines than several chunks, so chunk boundaries and the in-flight limit are crossed
    return write_archive(tmp_path / "archive.jsonl", pipeline.CHUNK_LINES * 7 + 13, bad_every=97)


def test_workers_give_what_one_process_gives_in_order(archive: Path) -> None:
    expected, expected_problems = one_process(archive)
    problems: list[Unreadable] = []
    with pipeline.Pool(workers=2) as pool:
        got = list(pool.iter_jsonl(archive, problems))
    assert [a.model_dump() for a in got] == [a.model_dump() for a in expected]
    assert problems == expected_problems and len(problems) == (pipeline.CHUNK_LINES * 7 + 13) // 97


def test_prefetched_file_is_taken_up_not_read_twice(archive: Path) -> None:
    expected, expected_problems = one_process(archive)
    problems: list[Unreadable] = []
    with pipeline.Pool(workers=2) as pool:
        pool.prefetch(archive)
        got = list(pool.iter_file(archive, problems))
        assert not pool._early  # the prefetched chunks were used
    assert [a.id for a in got] == [a.id for a in expected]
    assert sorted(problems, key=str) == sorted(expected_problems, key=str)


def test_stream_drops_duplicates_and_names_problems(archive: Path, tmp_path: Path) -> None:
    problems: list[Unreadable] = []
    duplicates: list[tuple[str, str]] = []
    missing = tmp_path / "missing.jsonl"
    got = list(pipeline.stream([archive, missing], problems, duplicates, workers=2))
    ids = [a.id for a, _ in got]
    assert len(ids) == len(set(ids)) == len(one_process(archive)[0]) - 1
    assert [d[1] for d in duplicates] == [ids[0]]
    assert any(p.origin == str(missing) for p in problems)


def test_the_per_article_function_pickles() -> None:
    for fn in (pipeline.clean_line, pipeline.process_record):
        assert pickle.loads(pickle.dumps(fn)) is fn
    rec = record(1, random.Random(1))
    row = pickle.loads(pickle.dumps(pipeline.process_record))(rec)
    assert row["problem"] is None and row["id"] == article_id(row["text"])
    assert json.loads(row["prediction"])["regions"], "the pre-annotator found the quoted claim"


def test_datasets_map_with_two_processes_gives_the_same_rows(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    rng = random.Random(7)
    records = [record(i, rng) for i in range(40)] + [{"title": "no text", "text": "", "source": None}]
    ds = datasets.Dataset.from_list(records)
    mapped = ds.map(pipeline.process_record, num_proc=2, remove_columns=ds.column_names)
    expected = [pipeline.process_record(r) for r in records]
    assert mapped.to_list() == expected
    assert mapped[-1]["problem"] and mapped[-1]["id"] is None
    assert len({row["id"] for row in mapped.to_list()[:-1]}) == 40


def test_ingest_json_is_the_same_with_and_without_workers(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    outputs = []
    for workers in ("0", "2"):
        monkeypatch.setenv(pipeline.WORKERS_ENV, workers)
        result = CliRunner().invoke(app, ["--quiet", "ingest", str(archive), "--json"])
        assert result.exit_code == 1  # the broken lines are problems
        outputs.append([line for line in result.stdout.splitlines() if line.startswith("{")])
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[0]] == [a.id for a in one_process(archive)[0]][:-1]


def test_datasets_map_takes_published_dates_read_as_datetimes(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    rng = random.Random(11)
    dates = ["2024-03-05", "2024-03-06T10:30:00", None]
    records = [{**record(i, rng), "published": dates[i % 3]} for i in range(6)]
    source = tmp_path / "archive.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    ds = datasets.load_dataset("json", data_files=str(source), split="train", cache_dir=str(tmp_path / "cache"))
    assert ds.features["published"].dtype.startswith("timestamp")  # as datasets reads an archive's dates
    assert [pipeline.process_record(r)["published"] for r in ds] == ["2024-03-05", "2024-03-06", None] * 2
    rows = ds.map(pipeline.process_record, remove_columns=ds.column_names).to_list()
    assert [row["problem"] for row in rows] == [None] * 6
    # datasets gives the column back in the type it read it as
    published = [row["published"] and row["published"].date().isoformat() for row in rows]
    assert published == ["2024-03-05", "2024-03-06", None] * 2
    assert [row["id"] for row in rows] == [pipeline.process_record(r)["id"] for r in records]


def test_prediction_is_what_asdict_gives() -> None:
    # `pipeline._annotation_dict` writes out `dataclasses.asdict` for speed: same keys, order and values, also
    # for the fields a rule-based prediction leaves empty (list attributes, scores, unreadable results).
    from dataclasses import asdict, fields

    from annot.preannotate import predict
    from annot.records import Annotation, Region, Relation

    text = json.loads((Path(__file__).parents[1] / "seeds" / "gold.json").read_text(encoding="utf-8"))[0]["data"]
    annotation = predict(text["text"])
    assert annotation.regions
    full = Annotation(
        7, 3, [Region("r1", "Claim", 0, 4, "Text", {"tags": ["a", "b"], "one": "x"}, 0.5, {"tags": 0.25})],
        [Relation("r1", "r2", "says", "left")], "m", True, False, "2026-01-01", None, 1.5, [("x", "why")],
    )  # fmt: skip
    written = pipeline._annotation_dict(full)  # every field of the records, written out: else update it
    assert list(written) == [f.name for f in fields(Annotation)]
    assert list(written["regions"][0]) == [f.name for f in fields(Region)]
    assert list(written["relations"][0]) == [f.name for f in fields(Relation)]
    for value in (annotation, full):
        plain = pipeline._annotation_dict(value)
        assert json.dumps(plain) == json.dumps(asdict(value))
        assert plain == asdict(value)
