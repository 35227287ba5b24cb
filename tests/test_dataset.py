"""The published dataset: built from hand-made tasks, written, and loaded back offline with `datasets`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

# Offline before `datasets` is imported: its config reads these once.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import datasets  # noqa: E402
from huggingface_hub import DatasetCard, HfApi  # noqa: E402

from annot import dataset, hub  # noqa: E402
from annot.adjudicate import adjudicate_all  # noqa: E402
from annot.errors import PublishError, ValidationFailed  # noqa: E402
from annot.records import Annotation, Region, Relation, Task  # noqa: E402
from annot.schema import Schema, features, load_schema  # noqa: E402
from annot.validate import validate  # noqa: E402
from tests.helpers import REPO, SCHEMA  # noqa: E402

TEXT_A = (
    "Rocket 🚀 launch: Minister Ilse Varga said the deal is “a disgrace”, officials said. "
    "Mr. Chen Wei replied that “the deal helps China. It helps everyone.” Nobody else spoke."
)
TEXT_B = "Talks in Kyiv.\n\nThe U.S. envoy said Russia “must withdraw”. Later she left."


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(SCHEMA)


@pytest.fixture(autouse=True)
def offline_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_HOME", str(cache))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache / "datasets"))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache / "datasets")
    return cache


def load(out: Path, config: str, cache: Path) -> datasets.DatasetDict:
    return datasets.load_dataset(str(out), config, cache_dir=str(cache / "datasets"))


def span(text: str, rid: str, label: str, phrase: str, **attributes: Any) -> Region:
    start = text.index(phrase)
    return Region(rid, label, start, start + len(phrase), phrase, dict(attributes))


def article_task(tid: int, article_id: str, text: str, annotations: list[Annotation]) -> Task:
    data = {
        "article_id": article_id,
        "title": f"Title {article_id}",
        "text": text,
        "source": "Example News",
        "published": "2024-04-26",
        "url": None,
    }
    return Task(tid, data, annotations)


def annotation_a(aid: int, annotator: str = "ann1@example.org", stance: str = "against", **kw: Any) -> Annotation:
    t = TEXT_A
    regions = [
        span(t, "s1", "Speaker", "Ilse Varga", speaker_name="Ilse Varga"),
        span(t, "c1", "Claim", "a disgrace", stance=stance, target="China", quote_type="direct"),
        span(t, "v1", "Cue", "said"),
        span(t, "s2", "Speaker", "Chen Wei", speaker_name="Chen Wei"),
        span(t, "c2", "Claim", "the deal helps China. It helps everyone.", stance="favor", target="China"),
    ]
    relations = [
        Relation("s1", "c1", "says"),
        Relation("c2", "s2", "says", direction="left"),
        Relation("c1", "c2", "responds_to", direction="left"),  # drawn from c1 but pointing at it: c2 replies
    ]
    return Annotation(aid, None, regions, relations, annotator=annotator, **kw)


def annotation_b(aid: int) -> Annotation:
    t = TEXT_B
    regions = [
        span(t, "s1", "Speaker", "The U.S. envoy"),  # no canonical name: the span text is the speaker
        span(t, "c1", "Claim", "must withdraw", stance="against", target="Russia", quote_type=None),
    ]
    return Annotation(aid, None, regions, [Relation("c1", "s1", "says")], annotator="ann1@example.org")


def many_tasks(n: int, start: int = 0) -> list[Task]:
    return [article_task(1000 + i, f"art-{i:04d}", TEXT_B, [annotation_b(5000 + i)]) for i in range(start, n)]


def publish(tasks: list[Task], schema: Schema, out: Path, **kw: Any) -> dataset.PublishResult:
    invalid = validate(tasks, schema).invalid_annotations()
    built = dataset.build(adjudicate_all(tasks, schema, invalid.keys()), schema, invalid=invalid)
    return dataset.write(built, out, meta=dataset.PublishMeta(project="test-project", date="2024-05-01"), **kw)


def parquet_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "data").rglob("*.parquet"))}


# -- loading what was published -------------------------------------------------------------


def test_documents_and_claims_load_offline_with_the_annotated_values(
    schema: Schema, tmp_path: Path, offline_cache: Path
) -> None:
    tasks = [
        article_task(1, "article-a", TEXT_A, [annotation_a(11)]),
        article_task(2, "article-b", TEXT_B, [annotation_b(21)]),
        article_task(3, "article-c", TEXT_B, [Annotation(31, 3, cancelled=True)]),
        article_task(4, "article-d", TEXT_B, []),
    ]
    out = tmp_path / "exports" / "news-stance"
    result = publish(tasks, schema, out)

    docs = datasets.concatenate_datasets(list(load(out, "documents", offline_cache).values()))
    claims = datasets.concatenate_datasets(list(load(out, "claims", offline_cache).values()))
    assert docs.features == features(schema, "documents")
    assert claims.features == features(schema, "claims")
    stance = claims.features["stance"]
    assert stance.names == ["favor", "against", "none"]
    assert claims.features["target"].names == ["China", "Russia", "United States", "Ukraine", "Other"]

    # skipped and unannotated articles are not published
    assert sorted(docs["id"]) == ["article-a", "article-b"]
    a = next(r for r in docs if r["id"] == "article-a")
    assert a["text"] == TEXT_A and a["title"] == "Title article-a" and a["url"] is None
    assert [s["name"] for s in a["speakers"]] == ["Ilse Varga", "Chen Wei"]
    assert [c["id"] for c in a["claims"]] == ["c1", "c2"]
    assert a["claims"][0]["speaker_ids"] == ["s1"] and a["claims"][1]["speaker_ids"] == ["s2"]
    assert a["claims"][1]["quote_type"] is None  # optional and not given: null, not a class
    assert a["claims"][0]["annotation_ids"] == ["11"]
    assert [c["text"] for c in a["cues"]] == ["said"]
    assert a["responds_to"] == [{"from_id": "c2", "to_id": "c1"}]
    assert a["annotators"] == ["ann1@example.org"]

    by_id = {r["id"]: r for r in claims}
    assert set(by_id) == {"article-a:c1", "article-a:c2", "article-b:c1"}
    for row in claims:
        doc = next(d for d in docs if d["id"] == row["document_id"])
        assert doc["text"][row["start"] : row["end"]] == row["text"]
        assert row["text"] in row["context"] and row["context"] in doc["text"]
    c1 = by_id["article-a:c1"]
    assert stance.int2str(c1["stance"]) == "against"
    assert claims.features["quote_type"].int2str(c1["quote_type"]) == "direct"
    assert c1["speaker"] == "Ilse Varga"
    assert c1["context"] == "Rocket 🚀 launch: Minister Ilse Varga said the deal is “a disgrace”, officials said."
    # a claim across two sentences gets both; "Mr." does not end a sentence
    assert by_id["article-a:c2"]["context"] == "Mr. Chen Wei replied that “the deal helps China. It helps everyone.”"
    b1 = by_id["article-b:c1"]
    assert b1["speaker"] == "The U.S. envoy"
    assert b1["context"] == "The U.S. envoy said Russia “must withdraw”."
    assert b1["quote_type"] is None

    assert sum(result.rows["documents"].values()) == 2 and sum(result.rows["claims"].values()) == 3
    report = json.loads((out / dataset.REPORT_FILE).read_text())
    assert report["version"] == result.version
    assert report["counts"]["skipped_tasks"] == 1 and report["counts"]["unannotated_tasks"] == 1


def test_card_header_parses_and_states_license_configs_and_provenance(schema: Schema, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = publish([article_task(1, "article-a", TEXT_A, [annotation_a(11)])] + many_tasks(12), schema, out)
    card = DatasetCard.load(out / "README.md")
    data = card.data.to_dict()
    assert data["license"] == "cc-by-4.0"
    assert data["task_categories"] == ["text-classification", "token-classification"]
    assert data["language"] == ["en"] and data["size_categories"] == ["n<1K"]
    cfgs = {c["config_name"]: c for c in data["configs"]}
    assert set(cfgs) == {"documents", "claims"} and cfgs["documents"]["default"] is True
    for cfg in cfgs.values():
        for entry in cfg["data_files"]:
            assert (out / entry["path"]).is_file()
    infos = {i["config_name"]: i for i in data["dataset_info"]}
    assert sum(s["num_examples"] for s in infos["documents"]["splits"]) == 13
    text = card.text
    assert "publishers" in text and "copyright" in text
    assert result.version in text and "news-stance version 1" in text and "test-project" in text
    assert "| articles |" in text and "@misc{" in text


# -- splits -----------------------------------------------------------------------------------


def test_adding_articles_never_moves_an_existing_article(schema: Schema, tmp_path: Path) -> None:
    def splits_of(built: dataset.Built) -> dict[str, str]:
        return {r["id"]: split for split, rows in built.rows["documents"].items() for r in rows}

    before = splits_of(dataset.build(adjudicate_all(many_tasks(40), schema), schema))
    after = splits_of(dataset.build(adjudicate_all(many_tasks(40) + many_tasks(300, start=40), schema), schema))
    assert all(after[aid] == split for aid, split in before.items())
    assert set(after.values()) == set(dataset.SPLITS)


def test_split_proportions_are_about_80_10_10() -> None:
    counts = {s: 0 for s in dataset.SPLITS}
    for i in range(10_000):
        counts[dataset.split_of(f"article-{i}")] += 1
    assert 7_800 < counts["train"] < 8_200
    assert 850 < counts["validation"] < 1_150 and 850 < counts["test"] < 1_150


# -- reproducible and atomic writes -------------------------------------------------------------


def test_republishing_the_same_annotations_gives_byte_identical_parquet(schema: Schema, tmp_path: Path) -> None:
    tasks = [article_task(1, "article-a", TEXT_A, [annotation_a(11)])] + many_tasks(30)
    first = publish(tasks, schema, tmp_path / "one")
    again = publish(list(reversed(tasks)), schema, tmp_path / "one")  # order of arrival does not matter
    other = publish(tasks, schema, tmp_path / "two")
    assert parquet_bytes(tmp_path / "one") == parquet_bytes(tmp_path / "two")
    assert first.version == again.version == other.version
    changed = publish([*tasks, *many_tasks(31, start=30)], schema, tmp_path / "one")
    assert changed.version != first.version


KILLED_WRITER = """
import sys, time
from pathlib import Path
from annot import dataset
from annot.adjudicate import adjudicate_all
from annot.schema import load_schema
sys.path.insert(0, {tests!r})
from test_dataset import many_tasks

marker = Path({marker!r})
real_hash = dataset._content_hash
def slow_hash(root, files):
    # the Parquet files are written into the temporary folder: stop here and wait to be killed
    marker.write_text(str(root))
    time.sleep(60)
    return real_hash(root, files)
dataset._content_hash = slow_hash
schema = load_schema({schema!r})
dataset.write(dataset.build(adjudicate_all(many_tasks(60), schema), schema), Path({out!r}))
"""


def test_a_publish_killed_midway_leaves_the_previous_version_loadable(
    schema: Schema, tmp_path: Path, offline_cache: Path
) -> None:
    out = tmp_path / "exports" / "news-stance"
    first = publish(many_tasks(10), schema, out)
    marker = tmp_path / "marker"
    script = KILLED_WRITER.format(
        tests=str(Path(__file__).parent), marker=str(marker), schema=str(SCHEMA), out=str(out)
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the publishing subprocess ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        tmp_written = Path(marker.read_text())
        assert any(tmp_written.rglob("*.parquet"))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()

    report = json.loads((out / dataset.REPORT_FILE).read_text())
    assert report["version"] == first.version
    docs = load(out, "documents", offline_cache)
    assert sum(len(d) for d in docs.values()) == 10
    # the next publish succeeds and clears what the killed one left behind
    publish(many_tasks(12), schema, out)
    assert not tmp_written.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["news-stance"]


def test_refuses_to_replace_a_folder_it_did_not_write(schema: Schema, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    with pytest.raises(PublishError, match="not a dataset annot published"):
        publish(many_tasks(2), schema, out)
    assert (out / "notes.txt").read_text() == "precious"


# -- nothing silently dropped -----------------------------------------------------------------------


def test_invalid_annotations_are_excluded_and_listed(schema: Schema, tmp_path: Path, offline_cache: Path) -> None:
    broken = annotation_b(22)
    broken.regions[1].text = "must withdra"  # no longer the text at its offsets
    no_stance = annotation_a(12, annotator="ann2@example.org")
    del no_stance.regions[1].attributes["stance"]
    tasks = [
        article_task(1, "article-a", TEXT_A, [annotation_a(11), no_stance]),
        article_task(2, "article-b", TEXT_B, [broken]),
    ]
    out = tmp_path / "ds"
    publish(tasks, schema, out)
    report = json.loads((out / dataset.REPORT_FILE).read_text())
    excluded = {e["annotation_id"]: e["codes"] for e in report["excluded_annotations"]}
    assert excluded == {12: ["missing-required"], 22: ["span-text-mismatch"]}
    assert [(u["task_id"], u["code"]) for u in report["unpublished_tasks"]] == [(2, dataset.ALL_INVALID)]
    docs = datasets.concatenate_datasets(list(load(out, "documents", offline_cache).values()))
    assert docs["id"] == ["article-a"]
    assert docs[0]["annotation_ids"] == ["11"] and docs[0]["annotators"] == ["ann1@example.org"]

    previous = (out / dataset.REPORT_FILE).read_bytes()
    with pytest.raises(ValidationFailed, match="2 error"):  # what --strict asked: stop on annotations that do not fit
        publish(tasks, schema, out, strict=True)
    assert (out / dataset.REPORT_FILE).read_bytes() == previous


# -- several annotators ------------------------------------------------------------------------------


def test_two_annotators_who_disagree_publish_a_disputed_null(
    schema: Schema, tmp_path: Path, offline_cache: Path
) -> None:
    tasks = [
        article_task(
            1,
            "article-a",
            TEXT_A,
            [annotation_a(11, "ann1@example.org", stance="against"), annotation_a(12, "ann2@example.org", "favor")],
        )
    ]
    out = tmp_path / "ds"
    publish(tasks, schema, out)
    claims = datasets.concatenate_datasets(list(load(out, "claims", offline_cache).values()))
    docs = datasets.concatenate_datasets(list(load(out, "documents", offline_cache).values()))
    c1 = next(r for r in claims if r["id"] == "article-a:c1")
    assert c1["stance"] is None
    assert claims.features["target"].int2str(c1["target"]) == "China"  # they agree on the target
    doc_c1 = next(c for c in docs[0]["claims"] if c["id"] == "c1")
    assert doc_c1["disputed"] == ["stance"]
    assert doc_c1["annotation_ids"] == ["11", "12"]
    assert docs[0]["annotators"] == ["ann1@example.org", "ann2@example.org"]
    report = json.loads((out / dataset.REPORT_FILE).read_text())
    assert [(d["article_id"], d["region_id"], d["attribute"]) for d in report["disputed"]] == [
        ("article-a", "c1", "stance")
    ]


def test_a_ground_truth_annotation_wins(schema: Schema, tmp_path: Path, offline_cache: Path) -> None:
    tasks = [
        article_task(
            1,
            "article-a",
            TEXT_A,
            [
                annotation_a(11, "ann1@example.org", stance="against"),
                annotation_a(12, "ann2@example.org", stance="favor", ground_truth=True),
                annotation_a(13, "ann3@example.org", stance="against"),
            ],
        )
    ]
    out = tmp_path / "ds"
    publish(tasks, schema, out)
    claims = datasets.concatenate_datasets(list(load(out, "claims", offline_cache).values()))
    c1 = next(r for r in claims if r["id"] == "article-a:c1")
    assert claims.features["stance"].int2str(c1["stance"]) == "favor"
    assert json.loads((out / dataset.REPORT_FILE).read_text())["disputed"] == []


# -- the Hub ------------------------------------------------------------------------------------------


def test_push_uploads_the_written_folder_and_tags_the_version(
    schema: Schema, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network here: HfApi's network calls are replaced; upload_folder's own logic
    (which files, which paths, which stale remote files to delete) runs for real."""
    from huggingface_hub import CommitInfo, CommitOperationAdd, CommitOperationDelete

    out = tmp_path / "ds"
    result = publish(many_tasks(15), schema, out)
    calls: dict[str, Any] = {}

    def create_repo(self: HfApi, repo_id: str, **kw: Any) -> str:
        calls["create_repo"] = (repo_id, kw)
        return f"https://hub.example/datasets/{repo_id}"

    def list_repo_files(self: HfApi, repo_id: str, **kw: Any) -> list[str]:
        return [".gitattributes", "README.md", "data/claims/old-00000-of-00001.parquet"]

    def create_commit(self: HfApi, repo_id: str, operations: list[Any], **kw: Any) -> CommitInfo:
        calls["operations"] = operations
        calls["commit"] = kw
        return CommitInfo(
            commit_url=f"https://huggingface.co/datasets/{repo_id}/commit/abc123",
            commit_message=kw["commit_message"],
            commit_description="",
            oid="abc123",
        )

    def create_tag(self: HfApi, repo_id: str, **kw: Any) -> None:
        calls["create_tag"] = (repo_id, kw)

    def validate_yaml(self: HfApi, content: str, **kw: Any) -> None:
        # the Hub checks the card's YAML server-side; here the same header must parse locally
        calls["card"] = DatasetCard(content).data.to_dict()

    for name, fn in [
        ("create_repo", create_repo),
        ("list_repo_files", list_repo_files),
        ("create_commit", create_commit),
        ("create_tag", create_tag),
        ("_validate_yaml", validate_yaml),
    ]:
        monkeypatch.setattr(HfApi, name, fn)
    # With hf_xet, upload_folder streams chunks to the Hub's storage, which has no local stand-in;
    # without it, the same upload is one create_commit, which is where the fake Hub answers.
    monkeypatch.setattr("huggingface_hub.hf_api.is_xet_available", lambda: False)

    pushed = hub.push_to_hub(out, "org/news-stance", token="hf_secret")
    assert calls["create_repo"][0] == "org/news-stance" and calls["create_repo"][1]["repo_type"] == "dataset"
    added = {op.path_in_repo for op in calls["operations"] if isinstance(op, CommitOperationAdd)}
    assert added == set(result.files)
    deleted = {op.path_in_repo for op in calls["operations"] if isinstance(op, CommitOperationDelete)}
    assert deleted == {"data/claims/old-00000-of-00001.parquet"}
    assert calls["commit"]["repo_type"] == "dataset"
    assert {c["config_name"] for c in calls["card"]["configs"]} == {"documents", "claims"}
    assert calls["create_tag"] == (
        "org/news-stance",
        {"tag": f"v-{result.version[:12]}", "revision": "abc123", "repo_type": "dataset", "exist_ok": True},
    )
    assert pushed["tag"] == f"v-{result.version[:12]}" and "hf_secret" not in json.dumps(pushed)


def test_push_refuses_a_folder_that_was_not_published(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="run annot publish first"):
        hub.push_to_hub(tmp_path, "org/x")


def test_card_carries_the_agreement_summary(schema: Schema, tmp_path: Path) -> None:
    from annot.agreement import ROW_COLUMNS, measure

    tasks = [
        article_task(
            1, "article-a", TEXT_A, [annotation_a(11, "ann1@x", "against"), annotation_a(12, "ann2@x", "favor")]
        )
    ]
    agreement = measure(tasks, schema)
    built = dataset.build(adjudicate_all(tasks, schema), schema, agreement=agreement)
    dataset.write(built, tmp_path / "ds", meta=dataset.PublishMeta(date="2024-05-01"))
    card = (tmp_path / "ds" / "README.md").read_text()
    section = card.split("## Agreement between annotators")[1].split("\n## ")[0]
    assert "Measured on the 1 articles" in section
    # the table `annot agreement` prints, row for row
    table = [line.strip("| ").split(" | ") for line in section.splitlines() if line.startswith("| ")]
    assert table == [list(ROW_COLUMNS), *map(list, agreement.rows())]
    assert {"stance", "target"} <= {row[1] for row in table}


def test_card_says_when_no_agreement_could_be_measured(schema: Schema, tmp_path: Path) -> None:
    from annot.agreement import measure

    tasks = [article_task(2, "article-b", TEXT_B, [annotation_b(21)])]
    built = dataset.build(adjudicate_all(tasks, schema), schema, agreement=measure(tasks, schema))
    dataset.write(built, tmp_path / "ds", meta=dataset.PublishMeta(date="2024-05-01"))
    section = (tmp_path / "ds" / "README.md").read_text().split("## Agreement between annotators")[1]
    said = section.split("\n## ")[0].strip()
    assert said == "Every article was annotated by one person, so no agreement was measured."


OTHER_SCHEMA = """
name: events
version: 2
license: cc0-1.0
spans:
  Event:
    attributes:
      kinds: {type: multichoice, choices: [war, trade, talks]}
      note: {type: text}
  Place: {}
relations:
  located_in: {between: [Event, Place]}
unit: {label: Event, config: events, context: paragraph}
"""


def test_another_schema_builds_with_no_code_change(tmp_path: Path, offline_cache: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(OTHER_SCHEMA)
    schema = load_schema(path)
    text = "Talks in Kyiv.\n\nWar and trade in Riga. More."
    ann = Annotation(
        7,
        1,
        [span(text, "e1", "Event", "War and trade", kinds=["trade", "war"]), span(text, "p1", "Place", "Riga")],
        [Relation("e1", "p1", "located_in")],
        annotator="x",
    )
    out = tmp_path / "events"
    tasks = [article_task(1, "art-e", text, [ann])]
    dataset.write(dataset.build(adjudicate_all(tasks, schema), schema), out)
    events = datasets.concatenate_datasets(list(load(out, "events", offline_cache).values()))
    docs = datasets.concatenate_datasets(list(load(out, "documents", offline_cache).values()))
    kinds = events.features["kinds"].feature
    assert [kinds.int2str(k) for k in events[0]["kinds"]] == ["trade", "war"]
    assert events[0]["note"] is None and events[0]["context"] == "War and trade in Riga. More."
    assert "speaker" not in events.column_names
    assert docs[0]["located_in"] == [{"from_id": "e1", "to_id": "p1"}]
    assert [p["text"] for p in docs[0]["places"]] == ["Riga"]


# -- rows held compactly ---------------------------------------------------------------------------


def test_built_rows_come_back_sorted_by_key_whatever_the_task_order(schema: Schema) -> None:
    tasks = [article_task(1, "article-a", TEXT_A, [annotation_a(11)])] + many_tasks(40)
    forward = dataset.build(adjudicate_all(tasks, schema), schema)
    backward = dataset.build(adjudicate_all(list(reversed(tasks)), schema), schema)
    for config in ("documents", "claims"):
        for split in dataset.SPLITS:
            rows = list(forward.rows[config][split])
            assert len(forward.rows[config][split]) == len(rows)
            assert rows == list(backward.rows[config][split])
            keys = [(r.get("document_id", ""), r.get("start", 0), r.get("end", 0), r["id"]) for r in rows]
            assert keys == sorted(keys) and len(set(keys)) == len(keys)
    claims = [r for split in dataset.SPLITS for r in forward.rows["claims"][split]]
    assert {r["id"] for r in claims if r["document_id"] == "article-a"} == {"article-a:c1", "article-a:c2"}
    assert sum(len(forward.rows["documents"][s]) for s in dataset.SPLITS) == 41


def test_card_statistics_are_the_counts_of_the_published_rows(schema: Schema, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    tasks = [
        article_task(1, "article-a", TEXT_A, [annotation_a(11)]),
        article_task(2, "article-e", TEXT_A, [annotation_a(12, stance="none")]),
    ] + many_tasks(30)
    out = tmp_path / "ds"
    publish(tasks, schema, out)
    card = (out / dataset.CARD_FILE).read_text(encoding="utf-8")
    totals = {
        cells[1]: int(cells[-2])
        for line in card.split("## Statistics", 1)[1].split("\n## ", 1)[0].splitlines()
        if (cells := [c.strip() for c in line.split("|")]) and len(cells) > 3 and cells[-2].isdigit()
    }
    claims = pq.read_table(out / "data" / "claims").to_pylist()
    docs = pq.read_table(out / "data" / "documents").to_pylist()
    stance_names = features(schema, "claims")["stance"].names
    assert totals["articles"] == len(docs) == 32
    assert totals["Claim regions"] == len(claims) == sum(len(d["claims"]) for d in docs)
    assert totals["Speaker regions"] == sum(len(d["speakers"]) for d in docs)
    for name in stance_names:
        expected = sum(1 for c in claims if c["stance"] is not None and stance_names[c["stance"]] == name)
        assert totals[f"Claim `stance` = {name}"] == expected
    assert (totals["Claim `stance` = none"], totals["Claim `stance` = favor"], totals["Claim `stance` = against"]) == (
        1,
        2,
        31,
    )
