"""evaluate: span P/R/F1 and attribution accuracy on a tiny example computed by hand."""

from __future__ import annotations

import json

import pytest

from annot.evaluate import errors, evaluate
from annot.records import Annotation, Region, Relation


def speaker(rid: str, start: int, end: int, name: str) -> Region:
    return Region(rid, "Speaker", start, end, "x" * (end - start), {"speaker_name": name})


def claim(rid: str, start: int, end: int) -> Region:
    return Region(rid, "Claim", start, end, "x" * (end - start))


def test_figures_on_a_hand_computed_example() -> None:
    gold = Annotation(
        id=1,
        task_id=1,
        regions=[
            speaker("s1", 0, 7, "Antony Blinken"),
            speaker("s2", 50, 54, "Wang Yi"),
            claim("c1", 10, 40),  # said by s1
            claim("c2", 60, 90),  # said by s2
            claim("c3", 100, 120),  # said by s1
        ],
        relations=[Relation("s1", "c1", "says"), Relation("c2", "s2", "says", "left"), Relation("s1", "c3", "says")],
    )
    predicted = Annotation(
        id=None,
        task_id=1,
        regions=[
            speaker("p1", 0, 7, "Antony Blinken"),  # exact match of s1
            speaker("p2", 200, 202, "Antony Blinken"),  # a pronoun elsewhere, no gold span; right name
            speaker("p3", 49, 54, "Wang"),  # overlaps s2 (IoU 4/5), not exact
            claim("q1", 10, 40),  # exact c1, attributed to p1: right by span
            claim("q2", 62, 90),  # overlaps c2 (28/30), attributed to p1: wrong speaker, wrong name
            claim("q3", 100, 135),  # overlaps c3 20/35 = 0.57, attributed to p2: right by name only
            claim("q4", 300, 310),  # no gold claim
        ],
        relations=[Relation("p1", "q1", "says"), Relation("p1", "q2", "says"), Relation("p2", "q3", "says")],
    )
    report = evaluate([predicted], [gold])
    assert report["documents"] == 1
    sp, cl = report["Speaker"], report["Claim"]
    # Speakers: 3 predicted, 2 gold; exact 1 (p1), overlap 2 (p1, p3).
    assert (sp["exact"]["matched"], sp["exact"]["predicted"], sp["exact"]["gold"]) == (1, 3, 2)
    assert sp["exact"]["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert sp["exact"]["recall"] == pytest.approx(0.5)
    assert sp["exact"]["f1"] == pytest.approx(0.4)
    assert sp["overlap"]["matched"] == 2
    assert sp["overlap"]["f1"] == pytest.approx(0.8)
    # Claims: 4 predicted, 3 gold; exact 1, overlap 3.
    assert cl["exact"]["matched"] == 1
    assert cl["exact"]["f1"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3), abs=1e-4)
    assert cl["overlap"]["precision"] == pytest.approx(0.75)
    assert cl["overlap"]["recall"] == pytest.approx(1.0)
    # Attribution: q1 right (span), q2 wrong, q3 right (name) -> 2 of 3.
    assert report["attribution"] == {"accuracy": pytest.approx(2 / 3, abs=1e-4), "correct": 2, "matched_claims": 3}


def test_one_predicted_span_matches_one_gold_span_only() -> None:
    gold = Annotation(id=1, task_id=1, regions=[claim("g1", 0, 10), claim("g2", 0, 10)])
    predicted = Annotation(id=None, task_id=1, regions=[claim("p", 0, 10)])
    report = evaluate([predicted], [gold])
    assert report["Claim"]["exact"]["matched"] == 1
    assert report["Claim"]["exact"]["recall"] == pytest.approx(0.5)


def test_documents_must_pair_up() -> None:
    with pytest.raises(ValueError):
        evaluate([Annotation(id=None, task_id=1)], [])


def test_target_and_stance_accuracy_on_prefilled_claims_and_coverage() -> None:
    def attributed(rid: str, start: int, end: int, **choices: str) -> Region:
        return Region(rid, "Claim", start, end, "x" * (end - start), dict(choices))

    gold = Annotation(
        id=1,
        task_id=1,
        regions=[
            attributed("g1", 0, 10, target="China", stance="against"),
            attributed("g2", 20, 30, target="Other", stance="none"),
            attributed("g3", 40, 50, target="Russia", stance="favor"),
            attributed("g4", 60, 70, target="Ukraine", stance="none"),  # not predicted at all
        ],
    )
    predicted = Annotation(
        id=None,
        task_id=1,
        regions=[
            attributed("p1", 0, 10, target="China", stance="against"),  # both right
            attributed("p2", 20, 30, target="Russia"),  # target wrong, stance left empty
            attributed("p3", 40, 50),  # nothing pre-filled
        ],
    )
    report = evaluate([predicted], [gold])
    assert report["target"] == {
        "accuracy": 0.5, "correct": 1, "prefilled": 2, "coverage": pytest.approx(2 / 3, abs=1e-4), "matched_claims": 3
    }  # fmt: skip
    assert report["stance"] == {
        "accuracy": 1.0, "correct": 1, "prefilled": 1, "coverage": pytest.approx(1 / 3, abs=1e-4), "matched_claims": 3
    }  # fmt: skip


def test_errors_list_misses_false_alarms_boundaries_and_wrong_speakers_with_their_sentence() -> None:
    text = "Ann Lee said the bridge was safe. The weather was mild. Tom Ray said taxes would rise next year."
    lee, said_safe = text.index("Ann Lee"), text.index("the bridge was safe")
    ray, rise = text.index("Tom Ray"), text.index("taxes would rise")
    mild = text.index("The weather")

    def r(rid: str, label: str, start: int, end: int, **attributes: str) -> Region:
        return Region(rid, label, start, end, text[start:end], dict(attributes))

    gold = Annotation(
        id=1,
        task_id=1,
        regions=[
            r("s1", "Speaker", lee, lee + 7, speaker_name="Ann Lee"),
            r("c1", "Claim", said_safe, said_safe + 19),
            r("s2", "Speaker", ray, ray + 7, speaker_name="Tom Ray"),
            r("c2", "Claim", rise, rise + len("taxes would rise next year")),
        ],
        relations=[Relation("s1", "c1", "says"), Relation("s2", "c2", "says")],
    )
    predicted = Annotation(
        id=None,
        task_id=1,
        regions=[
            r("p1", "Speaker", lee, lee + 7, speaker_name="Ann Lee"),
            r("q1", "Claim", said_safe, said_safe + 19),  # right
            r("q2", "Claim", mild, mild + 20),  # a false alarm
            r("q3", "Claim", rise, rise + 20),  # boundary, and attributed to the wrong speaker
        ],
        relations=[Relation("p1", "q1", "says"), Relation("p1", "q2", "says"), Relation("p1", "q3", "says")],
    )
    found = errors([predicted], [gold], [text], ["doc"])
    kinds = [(e.kind, e.label) for e in found]
    assert kinds == [("false alarm", "Claim"), ("miss", "Speaker"), ("boundary", "Claim"), ("wrong speaker", "Claim")]
    assert found[0].sentence == "The weather was mild."
    assert found[1].gold == "Tom Ray" and found[1].sentence == "Tom Ray said taxes would rise next year."
    assert found[2].predicted == "taxes would rise nex" and found[2].gold == "taxes would rise next year"
    assert found[3].predicted.startswith("ann lee:") and found[3].gold.startswith("tom ray:")


def test_evaluate_command_lists_errors_that_add_up_to_the_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the seeds: every gold claim without an overlapping prediction is listed as a miss, with its sentence."""
    from typer.testing import CliRunner

    from annot.cli import app
    from tests.conftest import REPO

    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["evaluate", "--gold", "seeds/gold.json", "--errors", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    claims = report["Claim"]["overlap"]
    listed = [e for e in report["errors"] if e["label"] == "Claim"]
    assert sum(e["kind"] == "miss" for e in listed) == claims["gold"] - claims["matched"]
    assert sum(e["kind"] == "false alarm" for e in listed) == claims["predicted"] - claims["matched"]
    assert all(e["sentence"] and (e["gold"] or e["predicted"]) for e in report["errors"])
    text = CliRunner().invoke(app, ["evaluate", "--gold", "seeds/gold.json", "--errors"]).output
    assert "miss (Claim)" in text and "in: " in text and "target.coverage" in text


def test_evaluate_command_on_a_missing_gold_file_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from annot.cli import app
    from tests.conftest import REPO

    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["evaluate", "--gold", "no/such/gold.json"])
    assert result.exit_code == 1
    assert "cannot read the gold annotations" in result.output and len(result.output.strip().splitlines()) == 1
