"""The learnt pre-annotator adopts a project's own span conventions (issue 15).

A team that writes its guidelines differently from annot's (speakers with their article, no pronoun speakers,
quotation marks inside the claim) annotates its articles that way; the rules keep annot's conventions, so
only what is learnt from the team's annotations can follow them. Here the corpus gold is re-annotated by such
a convention (`tests.helpers.with_convention`), the model learns from a few articles and is scored on others.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from annot import learn
from annot.model import examples_from_gold
from annot.schema import load_schema
from tests.helpers import REPO, SCHEMA, with_convention

DEV = REPO / "tests/corpus/dev.json"
TRAIN, HELD_OUT = 10, 15  # the first 10 articles of the dev half to learn from, the next 15 to score
GAIN = 0.05  # the gain issue 15 asks of 20 articles of a domain


def scores(tmp_path: Path, convention: str | None) -> dict:
    tasks = json.loads(DEV.read_text(encoding="utf-8"))[: TRAIN + HELD_OUT]
    tasks = copy.deepcopy(tasks)
    if convention:
        assert sum(with_convention(task, convention) for task in tasks) > 20  # the convention matters here
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    schema = load_schema(SCHEMA)
    examples = examples_from_gold(path, schema)
    (row,) = learn.learning_curve(examples[:TRAIN], examples[TRAIN:], schema, [TRAIN])
    return row


@pytest.mark.parametrize(
    ("convention", "label", "mode"),
    [("determiner", "Speaker", "exact"), ("no-pronoun", "Speaker", "exact"), ("quote-marks", "Claim", "exact")],
)
def test_ten_articles_teach_a_convention_the_rules_do_not_follow(
    tmp_path: Path, convention: str, label: str, mode: str
) -> None:
    row = scores(tmp_path, convention)
    rules = row["rules"][label][mode]["f1"]
    learnt = row["model+rules"][label][mode]["f1"]
    assert row["choice"][label] != "rules", row["choice"]
    assert learnt >= rules + GAIN, (convention, rules, learnt)


def test_on_annots_own_conventions_it_stays_with_the_rules(tmp_path: Path) -> None:
    row = scores(tmp_path, None)
    for label, mode in (("Speaker", "exact"), ("Claim", "overlap"), ("Cue", "overlap")):
        assert row["model+rules"][label][mode]["f1"] >= row["rules"][label][mode]["f1"] - 1e-9, label
