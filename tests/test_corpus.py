"""The development corpus (tests/corpus) and the courts set (tests/corpus/courts): their gold builds without
errors, validates, and is what build.py makes.

Rebuild after changing an article, its gold or the article cleaning:

    python tests/corpus/build.py
    python tests/corpus/build.py --root tests/corpus/courts
"""

from __future__ import annotations

import importlib.util
import json
import shutil
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
FIRST_ROUND = 33  # articles 01-33 were split half and half per domain; the later ones (issue 14, round 2) are all dev
MIN_DOMAINS = 6
COURTS_SPLIT = {"dev": 20, "test": 15}  # issue 15: a model that has seen 20 articles of a domain, tested on 15 more


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build = _load_builder()
SETS = {"corpus": build.HERE, "courts": build.COURTS}  # every set build.py makes, by its --root


@pytest.fixture(scope="module")
def built() -> tuple[list[Any], list[Any]]:
    return build.load()


@pytest.fixture(scope="module", params=list(SETS))
def any_set(request: pytest.FixtureRequest) -> tuple[Path, list[Any], list[Any]]:
    root = SETS[request.param]
    return (root, *build.load(None, root / "articles", root / "gold"))


@pytest.fixture(scope="module", params=list(SETS))
def committed(request: pytest.FixtureRequest) -> dict[str, list[dict[str, Any]]]:
    outputs = build.outputs(SETS[request.param])
    return {split: json.loads(path.read_text(encoding="utf-8")) for split, path in outputs.items()}


def test_every_gold_entry_anchors_without_errors(any_set: tuple[Path, list[Any], list[Any]]) -> None:
    _, _, reports = any_set
    errors = [f"{r.stem} {e}" for r in reports for e in r.errors]
    assert errors == [], "\n".join(errors)


def test_the_committed_json_is_what_build_py_makes(any_set: tuple[Path, list[Any], list[Any]]) -> None:
    # Drift: an article, its gold or the cleaning changed without rebuilding.
    root, entries, _ = any_set
    for split, path in build.outputs(root).items():
        committed = json.loads(path.read_text(encoding="utf-8"))
        assert committed == build.tasks(entries, split), f"rebuild with: python tests/corpus/build.py --root {root}"


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
    first_round: dict[str, Counter[str]] = {}
    for e in entries:
        if int(e.stem[:2]) <= FIRST_ROUND:
            first_round.setdefault(e.gold["domain"], Counter())[e.gold["split"]] += 1
        else:
            assert e.gold["split"] == "dev", f"{e.stem}: articles after {FIRST_ROUND} go to the dev half"
    for domain, counts in splits.items():
        if domain in first_round:  # domains first written in a later round (all dev) have no test half
            assert counts["dev"] >= 1 and counts["test"] >= 1, f"{domain}: {dict(counts)}"
    for domain, counts in first_round.items():
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


def test_the_courts_set_is_one_domain_with_20_dev_and_15_test_articles() -> None:
    entries, _ = build.load(None, build.COURTS / "articles", build.COURTS / "gold")
    assert {e.gold["domain"] for e in entries} == {"courts"}
    splits = Counter(e.gold["split"] for e in entries)
    assert dict(splits) == COURTS_SPLIT
    # The training pool is c01-c20, the held-out articles c21-c35, so "the first n dev articles" is well defined.
    assert [e.stem[:3] for e in entries if e.gold["split"] == "dev"] == [f"c{n:02d}" for n in range(1, 21)]
    assert len({e.gold["style"] for e in entries}) >= 5
    for e in entries:
        assert 300 <= len(e.article.text.split()) <= 700, e.stem
        assert sum(1 for r in e.annotation.regions if r.label == "Claim") >= 10, e.stem


def test_build_py_root_writes_the_set_it_is_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("articles", "gold"):
        shutil.copytree(build.COURTS / folder, tmp_path / folder)
    for stem in ("c05-courts-magazine", "c25-courts-magazine"):  # a smaller set: one dev and one test article left out
        (tmp_path / "articles" / f"{stem}.txt").unlink()
        (tmp_path / "gold" / f"{stem}.yaml").unlink()
    assert build.main(["--root", str(tmp_path), "-q"]) == 0
    written = {split: json.loads((tmp_path / f"{split}.json").read_text(encoding="utf-8")) for split in build.SPLITS}
    assert (len(written["dev"]), len(written["test"])) == (19, 14)
    full = {split: json.loads(path.read_text(encoding="utf-8")) for split, path in build.outputs(build.COURTS).items()}
    titles = {t["data"]["title"] for t in written["dev"] + written["test"]}
    assert [t for t in full["dev"] + full["test"] if t["data"]["title"] in titles] == written["dev"] + written["test"]
    assert "wrote" in capsys.readouterr().out


def test_build_py_refuses_a_root_without_articles_and_gold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build.main(["--root", str(tmp_path)]) == 2
    assert "no articles/ and gold/" in capsys.readouterr().err
