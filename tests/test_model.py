"""The learnt pre-annotator (annot.model, annot.learn): training on the corpus gold, honest cross-validation,
saving and loading by schema version, and `annot train` offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annot import learn
from annot.adjudicate import adjudicate_all
from annot.cli import app
from annot.errors import ModelError
from annot.model import (
    MIN_ARTICLES,
    Example,
    TrainedModel,
    data_hash,
    examples_from_gold,
    load_predictor,
    rules_predictor,
    save,
    saved_models,
    train,
)
from annot.preannotate import MODEL_VERSION
from annot.schema import load_schema
from tests.helpers import REPO, SCHEMA, make_workspace

DEV = REPO / "tests/corpus/dev.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return examples_from_gold(DEV, load_schema(SCHEMA))


@pytest.fixture(scope="module")
def trained(examples: list[Example]) -> TrainedModel:
    return train(examples, load_schema(SCHEMA), folds=3)


def test_gold_file_gives_one_example_per_article(examples: list[Example]) -> None:
    raw = json.loads(DEV.read_text(encoding="utf-8"))
    assert len(examples) == len(raw)
    assert all(ex.gold.regions and ex.text for ex in examples)


def test_folds_never_share_an_article(examples: list[Example]) -> None:
    folds = learn.folds_of(examples, 3)
    flat = [i for fold in folds for i in fold]
    assert sorted(flat) == list(range(len(examples)))
    ids = [{examples[i].article_id for i in fold} for fold in folds]
    assert all(not (a & b) for n, a in enumerate(ids) for b in ids[n + 1 :])


def test_too_few_articles_says_how_many(examples: list[Example]) -> None:
    with pytest.raises(ModelError) as e:
        train(examples[:3], load_schema(SCHEMA))
    assert f"at least {MIN_ARTICLES}" in str(e.value) and "has 3" in str(e.value)


def test_model_reports_rules_side_by_side(trained: TrainedModel, examples: list[Example]) -> None:
    meta = trained.meta
    assert meta.articles == len(examples) and meta.data_hash == data_hash(examples)
    assert meta.schema_version == 1 and trained.version.startswith("annot-model-")
    spans = trained.scores["spans"]
    assert set(spans) == {"rules", "model", "model+rules"}
    for report in spans.values():
        for label in ("Speaker", "Claim", "Cue"):
            assert 0 <= report[label]["overlap"]["f1"] <= 1
        assert report["Claim"]["exact"]["gold"] == sum(
            1 for ex in examples for r in ex.gold.regions if r.label == "Claim"
        )
    stance = trained.scores["attributes"]["stance"]
    assert 0 <= stance["majority_macro_f1"] <= 1 and 0 <= stance["macro_f1"] <= 1
    assert set(meta.choice.values()) <= {"model", "rules", "union"}


def test_predictions_carry_scores_and_attributes(trained: TrainedModel, examples: list[Example]) -> None:
    annotation = trained.predict(examples[0].text)
    assert annotation.annotator == trained.version
    assert annotation.regions, "the model found nothing in a training article"
    for r in annotation.regions:
        assert r.score is not None and 0 <= r.score <= 1
        assert examples[0].text[r.start : r.end] == r.text
    claims = [r for r in annotation.regions if r.label == "Claim"]
    assert claims and all(c.attributes.get("stance") in {"favor", "against", "none"} for c in claims)
    assert all(0 < c.attribute_scores["stance"] <= 1 for c in claims)
    ids = {r.id for r in annotation.regions}
    assert all(rel.from_id in ids and rel.to_id in ids for rel in annotation.relations)
    assert 0 <= trained.uncertainty(examples[0].text) <= 1


def test_a_prediction_leaves_its_uncertainty_for_the_next_call(
    trained: TrainedModel, examples: list[Example], monkeypatch: pytest.MonkeyPatch
) -> None:
    """push and the backend ask for a prediction and its uncertainty: the CRF tags the article once."""
    text = examples[1].text
    learn._UNCERTAINTIES.clear()
    fresh = trained.uncertainty(text)  # tagged for the uncertainty alone
    learn._UNCERTAINTIES.clear()
    calls = []
    tag = learn._tag
    monkeypatch.setattr(learn, "_tag", lambda *a, **k: calls.append(1) or tag(*a, **k))
    trained.predict(text)
    assert trained.uncertainty(text) == fresh and len(calls) == 1
    assert trained.uncertainty(examples[2].text) > 0 and len(calls) == 2  # another article is tagged


def test_empty_text_gives_an_empty_prediction(trained: TrainedModel) -> None:
    assert trained.predict("").regions == []
    assert trained.uncertainty("   ") == 0.0


def test_rules_predictor_scores_its_regions() -> None:
    text = 'Ms Okafor said the ward would reopen in March. "We are ready," she told reporters.'
    rules = rules_predictor()
    annotation = rules.predict(text)
    assert rules.version == MODEL_VERSION
    assert annotation.regions and all(r.score is not None for r in annotation.regions)
    assert 0 <= rules.uncertainty(text) <= 1


def test_saved_model_loads_only_for_its_schema_version(trained: TrainedModel, tmp_path: Path) -> None:
    schema = load_schema(SCHEMA)
    assert load_predictor(tmp_path, "p", schema).version == MODEL_VERSION  # nothing trained yet: the rules
    folder = save(trained, tmp_path, "p")
    assert (folder / "meta.json").exists() and [m.version for m in saved_models(tmp_path, "p")] == [trained.version]
    loaded = load_predictor(tmp_path, "p", schema)
    assert loaded.version == trained.version
    text = "The mayor said the bridge would close in May."
    assert [(r.start, r.end) for r in loaded.predict(text).regions] == [
        (r.start, r.end) for r in trained.predict(text).regions
    ]
    newer = schema.model_copy(update={"version": 2})
    assert load_predictor(tmp_path, "p", newer).version == MODEL_VERSION
    with pytest.raises(ModelError) as e:
        load_predictor(tmp_path, "p", newer, version=trained.version)
    assert "version 1" in str(e.value) and "version 2" in str(e.value) and "\n" not in str(e.value)


def test_cli_train_offline_from_gold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = make_workspace(tmp_path / "ws", "learn")
    monkeypatch.chdir(ws.root)
    monkeypatch.delenv("ANNOT_HOME", raising=False)
    few = tmp_path / "few.json"
    few.write_text(json.dumps(json.loads(DEV.read_text(encoding="utf-8"))[:2]), encoding="utf-8")
    result = runner.invoke(app, ["-q", "train", "--offline", "--gold", str(few)])
    assert result.exit_code == 1
    assert "has 2" in result.output and f"at least {MIN_ARTICLES}" in result.output

    result = runner.invoke(app, ["-q", "train", "--offline", "--gold", str(DEV), "--folds", "2", "--json"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    assert (ws.root / ".annot/models/learn" / meta["version"] / "model.pkl").exists()
    assert meta["scores"]["folds"] == 2


def test_card_shows_the_baseline_and_its_learning_curve(
    trained: TrainedModel, examples: list[Example], tmp_path: Path
) -> None:
    from annot import dataset
    from annot.convert import task_from_export
    from annot.model import CURVE_FILE, current_baseline, models_dir
    from annot.validate import validate

    schema = load_schema(SCHEMA)
    folder = save(trained, tmp_path, "p")
    rows = learn.learning_curve(examples[:6], examples[6:9], schema, [5, 6])
    learn.plot_learning_curve(rows, folder / CURVE_FILE, "test")
    assert (folder / CURVE_FILE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert rows[0]["rules"]["Claim"]["overlap"]["gold"] == rows[1]["model+rules"]["Claim"]["overlap"]["gold"]

    baseline = current_baseline(tmp_path, "p", schema)
    assert baseline is not None and baseline[1] == models_dir(tmp_path, "p") / trained.version / CURVE_FILE
    raw = json.loads(DEV.read_text(encoding="utf-8"))
    tasks = [task_from_export({"id": i, **t}, schema) for i, t in enumerate(raw, 1)]
    invalid = validate(tasks, schema).invalid_annotations()
    built = dataset.build(adjudicate_all(tasks, schema, invalid.keys()), schema, invalid=invalid)
    meta = dataset.PublishMeta(project="p", baseline=baseline[0], baseline_image=baseline[1])
    result = dataset.write(built, tmp_path / "out", meta=meta)
    card = (tmp_path / "out/README.md").read_text(encoding="utf-8")
    stance = trained.scores["attributes"]["stance"]
    assert "## Baseline" in card and f"Stance macro-F1 on `claims`: {stance['macro_f1']:.3f}" in card
    assert f"({dataset.BASELINE_IMAGE})" in card and (tmp_path / "out" / dataset.BASELINE_IMAGE).exists()
    assert dataset.BASELINE_IMAGE in result.files


def test_train_prints_the_scores_beside_the_rules(
    trained: TrainedModel, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annot.cli import _print_training

    folder = save(trained, tmp_path, "p")
    _print_training(trained, folder)
    printed = capsys.readouterr().out
    assert trained.version in printed and trained.meta.data_hash[:16] in printed
    spans = trained.scores["spans"]
    claim_f1 = f"{spans['rules']['Claim']['overlap']['f1']:.3f}"
    row = next(line for line in printed.splitlines() if "Claim overlap f1" in line)
    assert claim_f1 in row and f"{spans['model+rules']['Claim']['overlap']['f1']:.3f}" in row
    assert "gold claims correctly attributed" in printed


@pytest.fixture(scope="module")
def courts_at_20() -> dict[str, Any]:
    """Trained on the courts set's 20 training articles, scored on its 15 held-out ones (issue 15's measurement)."""
    schema = load_schema(SCHEMA)
    pool = examples_from_gold(REPO / "tests/corpus/courts/dev.json", schema)
    heldout = examples_from_gold(REPO / "tests/corpus/courts/test.json", schema)
    assert len(pool) == 20 and len(heldout) == 15
    assert not {ex.article_id for ex in pool} & {ex.article_id for ex in heldout}
    (row,) = learn.learning_curve(pool, heldout, schema, [20])
    return row


def test_learns_the_courts_domain_beyond_the_rules(courts_at_20: dict[str, Any]) -> None:
    """On held-out courts articles, model+rules finds claims better than the rules and is never below them."""
    learnt, rules = courts_at_20["model+rules"], courts_at_20["rules"]
    assert learnt["Claim"]["overlap"]["f1"] > rules["Claim"]["overlap"]["f1"]
    assert learnt["Speaker"]["exact"]["f1"] >= rules["Speaker"]["exact"]["f1"]
    assert learnt["Cue"]["overlap"]["f1"] >= rules["Cue"]["overlap"]["f1"]
    assert learnt["attribution"]["correct"] >= rules["attribution"]["correct"]
    stance = courts_at_20["attributes"]["stance"]
    assert stance["macro_f1"] > stance["majority_macro_f1"]


@pytest.mark.xfail(
    strict=True,
    reason="issue 15's target is not met on the 15 held-out courts articles (2026-12-01 21:15 UTC: Claim overlap "
    "F1 +0.042, Speaker exact F1 +0.000 at 20 training articles); when it is, this passes and strict fails it",
)
def test_issue_15_target_on_the_courts_set(courts_at_20: dict[str, Any]) -> None:
    """+0.05 Claim overlap F1 and +0.05 Speaker exact F1 over the rules after 20 articles of the domain."""
    learnt, rules = courts_at_20["model+rules"], courts_at_20["rules"]
    assert learnt["Claim"]["overlap"]["f1"] >= rules["Claim"]["overlap"]["f1"] + 0.05
    assert learnt["Speaker"]["exact"]["f1"] >= rules["Speaker"]["exact"]["f1"] + 0.05


def test_publish_puts_the_newest_model_in_the_card(
    trained: TrainedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(tmp_path / "ws", "learn")
    monkeypatch.chdir(ws.root)
    monkeypatch.delenv("ANNOT_HOME", raising=False)
    raw = json.loads(DEV.read_text(encoding="utf-8"))
    for i, task in enumerate(raw, 1):  # an export has task and annotation ids
        task["id"] = i
        for j, annotation in enumerate(task["annotations"]):
            annotation["id"] = i * 10 + j
    (ws.root / "export.json").write_text(json.dumps(raw), encoding="utf-8")
    result = runner.invoke(app, ["-q", "publish", "--from-export", "export.json", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert "## Baseline" not in (ws.root / "out/README.md").read_text(encoding="utf-8")  # no model yet

    save(trained, ws.root, "learn")
    result = runner.invoke(app, ["-q", "publish", "--from-export", "export.json", "--out", "out"])
    assert result.exit_code == 0, result.output
    card = (ws.root / "out/README.md").read_text(encoding="utf-8")
    assert "## Baseline" in card and trained.version in card


def test_predictions_from_several_threads_agree(trained: TrainedModel, examples: list[Example]) -> None:
    """annot serve predicts from a thread pool: one shared CRF tagger must not mix up articles."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [ex.text for ex in examples[:6]] * 3

    def spans(text: str) -> list[tuple[str, int, int]]:
        return [(r.label, r.start, r.end) for r in trained.predict(text).regions]

    alone = [spans(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(spans, texts))
    assert together == alone


def _report(speaker: tuple[int, int, int], claims: int = 10, attributed: int = 5) -> dict[str, object]:
    """A span report with `speaker` = (matched, predicted, gold) in both modes, the other labels fixed."""

    def figures(matched: int, predicted: int, gold: int) -> dict[str, float | int]:
        p, r = matched / predicted, matched / gold
        return {"matched": matched, "predicted": predicted, "gold": gold, "f1": 2 * p * r / (p + r)}

    fixed = {mode: figures(8, 10, claims) for mode in ("exact", "overlap")}
    return {
        "Speaker": {mode: figures(*speaker) for mode in ("exact", "overlap")},
        "Claim": fixed,
        "Cue": fixed,
        "attribution": {"correct": attributed},
    }


def test_choice_keeps_the_rules_unless_the_gain_beats_the_folds_noise() -> None:
    rules = _report((8, 10, 10))
    noisy = [  # the model one region better in one fold, one worse in another: no gain
        {"rules": rules, "model": _report((9, 10, 10)), "union": rules, "links": rules},
        {"rules": rules, "model": _report((7, 10, 10)), "union": rules, "links": rules},
        {"rules": rules, "model": _report((8, 10, 10)), "union": rules, "links": rules},
    ]
    assert learn.choose(noisy)["Speaker"] == "rules"
    steady = [{**fold, "model": _report((10, 10, 10))} for fold in noisy]
    assert learn.choose(steady)["Speaker"] == "model"
    # the union finds two more gold speakers and a higher F1, but adds three false alarms: not chosen
    model = _report((5, 5, 10))
    union = _report((7, 10, 10))
    diluted = [{"rules": _report((4, 10, 10)), "model": model, "union": union, "links": rules}] * 3
    assert learn.choose(diluted)["Speaker"] == "model"
    clean = [{**fold, "union": _report((7, 7, 10))} for fold in diluted]
    assert learn.choose(clean)["Speaker"] == "union"
    # attribution: the learnt links only when they join clearly more gold claims than the rules' own links
    linked = [{**fold, "model": _report((10, 10, 10), attributed=8), "links": rules} for fold in steady]
    assert learn.choose(linked)["attribution"] == "model"
    assert learn.choose(steady)["attribution"] == "rules"


def test_sign_test_counts_the_wins_by_article() -> None:
    assert learn.sign_test(5, 0) == 1 / 32
    assert learn.sign_test(0, 0) == 1.0
    assert learn.sign_test(9, 3) == pytest.approx(299 / 4096)  # P(at least 9 heads in 12 tosses)
    assert learn.sign_test(3, 9) > 0.5


def test_choice_wants_more_articles_won_than_lost() -> None:
    """A steady gain over the folds that comes from a few articles, lost on others, keeps the rules."""
    rules = _report((8, 10, 10))
    folds = [{"rules": rules, "model": _report((10, 10, 10)), "union": rules, "links": rules}] * 3
    better, worse, same = _report((3, 3, 3)), _report((1, 3, 3)), _report((2, 3, 3))
    few = [
        *[{"rules": same, "model": better, "union": same, "links": same}] * 2,
        {"rules": same, "model": worse, "union": same, "links": same},
        *[{"rules": same, "model": same, "union": same, "links": same}] * 6,
    ]
    assert learn.choose(folds)["Speaker"] == "model"  # the folds' test alone takes it
    assert learn.choose(folds, few)["Speaker"] == "rules"
    many = [{"rules": same, "model": better, "union": same, "links": same}] * 6 + few[2:3]
    assert learn.choose(folds, many)["Speaker"] == "model"  # 6 won, 1 lost: p = 1/16


def test_crf_sees_word_pairs_where_claims_split() -> None:
    text = "She said costs rose and that staff left."
    toks = [(m.start(), m.end()) for m in learn.TOKEN_RE.finditer(text)]
    feats = learn._features(text, toks, ["O"] * len(toks))
    that = [text[s:e] for s, e in toks].index("that")
    assert feats[that]["-1w|w"] == "and|that" and feats[that - 1]["w|+1w"] == "and|that"
    assert feats[0]["-1w|w"] == "<s>|she" and feats[-1]["w|+1w"] == ".|</s>"


def test_a_learnt_region_closes_the_quotation_it_opens() -> None:
    text = 'He said his client "looks forward to it." Then he left "early".'
    end = text.index("it.") + 2  # the CRF stopped before '."'
    start = text.index("his client")
    assert text[start : learn._closing_quote(text, start, end)] == 'his client "looks forward to it."'
    whole = text.index(" Then")
    assert learn._closing_quote(text, start, whole) == whole  # balanced: left alone
    assert learn._closing_quote(text, 0, text.index(" his")) == text.index(" his")  # no quotation mark
    late = text.index("early") + len("early")
    assert text[learn._closing_quote(text, text.index("he left"), late) - 1] == '"'
    # the odd mark closes a quotation the region started inside of: not followed by the next one's opening
    text = 'It was over," he said, "and we lost."'
    cut = text.index(' "and')
    assert learn._closing_quote(text, 0, cut) == cut
    assert learn._closing_quote("“We lost.” Then", 0, 8) == 10  # curly marks


def test_a_folds_report_pools_its_articles_reports(examples: list[Example]) -> None:
    """The choice reads fold figures summed from the articles' own reports: the same as scoring the fold at once."""
    fold = examples[:6]
    predicted = {"rules": [learn._rules(ex.text) for ex in fold], "gold": [ex.gold for ex in fold]}
    pooled = learn._fold_reports(learn._article_reports(predicted, [ex.gold for ex in fold]))
    for name, preds in predicted.items():
        whole = learn.span_report(preds, [ex.gold for ex in fold])
        for key in learn.SPAN_KEYS:
            for mode in ("exact", "overlap"):
                for figure in ("matched", "predicted", "gold"):
                    assert pooled[name][key][mode][figure] == whole[key][mode][figure]
                assert pooled[name][key][mode]["f1"] == pytest.approx(whole[key][mode]["f1"], abs=1e-4)
        assert pooled[name]["attribution"]["correct"] == whole["attribution"]["correct"]
    assert pooled["rules"]["Claim"]["exact"]["f1"] < pooled["gold"]["Claim"]["exact"]["f1"] == 1.0
