"""The gold annotations of the seed articles (seeds/gold.json) hold: one per seed, what tests/make_gold.py builds,
valid under the shipped schema, every span the text at its offsets and every claim complete."""

from __future__ import annotations

import json
from typing import Any

import pytest

from annot.convert import task_from_export
from annot.schema import load_schema
from annot.validate import validate
from tests.helpers import SCHEMA, SEEDS
from tests.make_gold import build_gold, gold_text, seed_articles

GOLD = SEEDS / "gold.json"


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def test_gold_covers_every_seed_article_once(gold: list[dict[str, Any]]) -> None:
    articles = seed_articles()
    assert sorted(t["data"]["article_id"] for t in gold) == sorted(a.id for a in articles.values())


def test_gold_is_what_the_spec_builds(gold: list[dict[str, Any]]) -> None:
    # Drift: article cleaning or the spec changed without rebuilding seeds/gold.json.
    assert gold == build_gold(), "rebuild with: python tests/make_gold.py"
    assert GOLD.read_text(encoding="utf-8") == gold_text(gold)  # and written as the generator writes it


def test_gold_validates_with_zero_errors(gold: list[dict[str, Any]]) -> None:
    schema = load_schema(SCHEMA)
    report = validate([task_from_export(t, schema) for t in gold], schema)
    assert report.problems == []
    assert report.valid == len(gold) == 5


def test_every_span_is_the_text_at_its_offsets_and_every_claim_is_complete(gold: list[dict[str, Any]]) -> None:
    schema = load_schema(SCHEMA)
    for raw in gold:
        text = raw["data"]["text"]
        task = task_from_export(raw, schema)
        (annotation,) = task.annotations
        attributed = {r.to_id for r in annotation.relations if r.label == "says"}
        claims = [r for r in annotation.regions if r.label == "Claim"]
        assert claims
        spans = [(r.label, r.start, r.end) for r in annotation.regions]
        assert len(spans) == len(set(spans)), "two regions of one label on the same span"
        for region in annotation.regions:
            assert text[region.start : region.end] == region.text
            assert region.text == region.text.strip()
        for claim in claims:
            assert claim.attributes.get("stance") and claim.attributes.get("target") and claim.attributes["quote_type"]
            assert claim.id in attributed, claim.text
            if claim.attributes["quote_type"] == "direct":
                assert claim.text[0] not in '"“' and claim.text[-1] not in '"”', claim.text
        for speaker in (r for r in annotation.regions if r.label == "Speaker"):
            assert speaker.attributes.get("speaker_name")
