"""The development corpus (tests/corpus): its gold builds without errors, validates, and is what build.py makes.

Rebuild after changing an article, its gold or the article cleaning:

    python tests/corpus/build.py
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from annot.convert import task_from_export
from annot.schema import load_schema
from annot.validate import validate

CORPUS = Path(__file__).resolve().parent / "corpus"
MIN_ARTICLES = 30
MIN_DOMAINS = 6


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build = _load_builder()


@pytest.fixture(scope="module")
def built() -> tuple[list[Any], list[Any]]:
    return build.load()


@pytest.fixture(scope="module")
def committed() -> dict[str, list[dict[str, Any]]]:
    return {split: json.loads(path.read_text(encoding="utf-8")) for split, path in build.OUTPUT.items()}


def test_every_gold_entry_anchors_without_errors(built: tuple[list[Any], list[Any]]) -> None:
    _, reports = built
    errors = [f"{r.stem} {e}" for r in reports for e in r.errors]
    assert errors == [], "\n".join(errors)


def test_the_committed_json_is_what_build_py_makes(
    built: tuple[list[Any], list[Any]], committed: dict[str, list[dict[str, Any]]]
) -> None:
    # Drift: an article, its gold or the cleaning changed without rebuilding.
    entries, _ = built
    for split in build.SPLITS:
        assert committed[split] == build.tasks(entries, split), "rebuild with: python tests/corpus/build.py"


def test_both_splits_validate_with_zero_errors(committed: dict[str, list[dict[str, Any]]]) -> None:
    schema = load_schema(build.SCHEMA)
    for split, tasks in committed.items():
        report = validate([task_from_export(t, schema) for t in tasks], schema)
        assert report.problems == [], split
        assert report.valid == len(tasks) > 0


def test_every_span_is_its_text_and_every_claim_has_a_speaker(committed: dict[str, list[dict[str, Any]]]) -> None:
    schema = load_schema(build.SCHEMA)
    for raw in committed["dev"] + committed["test"]:
        text = raw["data"]["text"]
        (annotation,) = task_from_export(raw, schema).annotations
        attributed = {r.to_id for r in annotation.relations if r.label == "says"}
        speakers = {r.from_id for r in annotation.relations if r.label == "says"}
        claims = [r for r in annotation.regions if r.label == "Claim"]
        assert claims, raw["data"]["title"]
        spans = [(r.label, r.start, r.end) for r in annotation.regions]
        assert len(spans) == len(set(spans)), "two regions of one label on the same span"
        for region in annotation.regions:
            assert text[region.start : region.end] == region.text
            assert region.text == region.text.strip()
        for claim in claims:
            assert claim.id in attributed, claim.text
            assert {"stance", "target", "quote_type"} <= set(claim.attributes)
            if claim.attributes["quote_type"] == "direct":
                assert claim.text[0] not in build.OPEN_QUOTES and claim.text[-1] not in build.CLOSE_QUOTES
        for speaker in (r for r in annotation.regions if r.label == "Speaker"):
            assert speaker.attributes.get("speaker_name")
            assert speaker.id in speakers, f"speaker {speaker.text!r} says nothing"


def test_every_domain_has_dev_and_test_articles(built: tuple[list[Any], list[Any]]) -> None:
    entries, _ = built
    splits: dict[str, Counter[str]] = {}
    for e in entries:
        splits.setdefault(e.gold["domain"], Counter())[e.gold["split"]] += 1
    for domain, counts in splits.items():
        assert counts["dev"] >= 1 and counts["test"] >= 1, f"{domain}: {dict(counts)}"
        assert counts["dev"] <= counts["test"] + 1 and counts["test"] <= counts["dev"] + 1, f"{domain}: {dict(counts)}"


def test_the_corpus_is_as_large_as_issue_14_asks(built: tuple[list[Any], list[Any]]) -> None:
    entries, _ = built
    assert len(entries) >= MIN_ARTICLES
    assert len({e.gold["domain"] for e in entries}) >= MIN_DOMAINS
    for e in entries:
        assert 300 <= len(e.article.text.split()) <= 700, e.stem


def test_article_and_gold_files_pair_up() -> None:
    articles = {p.stem for p in (CORPUS / "articles").glob("*.txt")}
    gold = {p.stem for p in (CORPUS / "gold").glob("*.yaml")}
    assert articles == gold, f"unpaired: {sorted(articles ^ gold)}"
