"""The hypothesis strategies of the test suite, in one place: articles, records that fit a schema, Label
Studio result lists, mutations of valid results, and lines for the cleaning rules."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from annot.records import Annotation, Region, Relation, Task
from annot.schema import Schema
from tests.helpers import region, relation

# -- records that fit a schema (convert, validate) ---------------------------------------------------

WORDS = ["the", "minister", "said", "Ilse", "Varga", "🚀", "café", "“a", "disgrace”", "naïve", "U.S.", "—", "東京"]
REGION_IDS = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=10)


@st.composite
def article_texts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """An article text and the (start, end) of its words, so spans begin and end on a word."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40))
    seps = draw(st.lists(st.sampled_from([" ", " ", "\n", "\n\n", "  "]), min_size=len(words), max_size=len(words)))
    text, bounds = "", []
    for word, sep in zip(words, seps, strict=True):
        bounds.append((len(text), len(text) + len(word)))
        text += word + sep
    return text, bounds


def _attribute_values(draw: st.DrawFn, schema: Schema, label: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, attr in schema.spans[label].attributes.items():
        if not attr.required and not draw(st.booleans()):
            continue
        options = [c.value for c in attr.choices]
        if attr.type == "choice":
            values[name] = draw(st.sampled_from(options))
        elif attr.type == "multichoice":
            values[name] = draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
        else:
            values[name] = draw(st.text(min_size=1, max_size=20).filter(lambda s: s.strip()))
    return values


@st.composite
def valid_tasks(draw: st.DrawFn, schema: Schema) -> Task:
    """A task with one annotation that fits the schema in every respect."""
    text, bounds = draw(article_texts())
    ids = draw(st.lists(REGION_IDS, min_size=1, max_size=12, unique=True))
    labels = list(schema.spans)
    regions = []
    for rid in ids:
        i = draw(st.integers(0, len(bounds) - 1))
        j = draw(st.integers(i, min(i + 4, len(bounds) - 1)))
        start, end = bounds[i][0], bounds[j][1]
        label = draw(st.sampled_from(labels))
        regions.append(Region(rid, label, start, end, text[start:end], _attribute_values(draw, schema, label)))
    relations = []
    by_label: dict[str, list[Region]] = {}
    for r in regions:
        by_label.setdefault(r.label, []).append(r)
    attribution = schema.attribution
    if attribution and by_label.get(attribution.claim) and not by_label.get(attribution.speaker):
        # no speaker to attribute to: make the first claim a speaker's region instead
        first = by_label[attribution.claim].pop(0)
        speaker = Region(first.id, attribution.speaker, first.start, first.end, first.text)
        speaker.attributes = _attribute_values(draw, schema, attribution.speaker)
        regions[regions.index(first)] = speaker
        by_label[attribution.speaker] = [speaker]
    for name, kind in schema.relations.items():
        a, b = kind.between
        if not (by_label.get(a) and by_label.get(b)):
            continue
        wanted = 0 if attribution and name == attribution.relation else draw(st.integers(0, 2))
        pairs = [(draw(st.sampled_from(by_label[a])), draw(st.sampled_from(by_label[b]))) for _ in range(wanted)]
        if attribution and name == attribution.relation:
            claims = by_label[attribution.claim]
            speakers = by_label[attribution.speaker]
            pairs = [(draw(st.sampled_from(speakers)), claim) for claim in claims]
            if (a, b) != (attribution.speaker, attribution.claim):
                pairs = [(claim, spk) for spk, claim in pairs]
        for src, dst in pairs:
            if src.id == dst.id:
                continue
            directions = ["right", "left"] + ([] if kind.directed else ["bi"])
            direction = draw(st.sampled_from(directions))
            if direction == "left":
                src, dst = dst, src
            relations.append(Relation(src.id, dst.id, name, direction))
    ann = Annotation(
        id=draw(st.integers(1, 10**6)),
        task_id=1,
        regions=regions,
        relations=relations,
        annotator=draw(st.sampled_from(["1", "ann@example.org"])),
        ground_truth=draw(st.booleans()),
        updated_at="2025-05-01T10:02:00Z",
    )
    return Task(id=1, data={"article_id": "a1", "title": "T", "text": text}, annotations=[ann])


# -- mutations of valid results: each gives one validation code (validate) ----------------------------


def _regions(result: list[dict[str, Any]], schema: Schema) -> list[dict[str, Any]]:
    return [r for r in result if r.get("from_name") == schema.span_control]


def mutate(draw: st.DrawFn, result: list[dict[str, Any]], text: str, schema: Schema) -> tuple[str, str | None]:
    """Break the results in one way; return the code it must give and the region it must be reported at."""
    spans = _regions(result, schema)
    choices = [r for r in result if r.get("type") == "choices"]
    relations = [r for r in result if r.get("type") == "relation"]
    required = [r for r in result if r.get("from_name") in _required_names(schema)]
    kinds = ["out-of-range", "shift", "label", "end-before-start"]
    kinds += ["choice"] * bool(choices) + ["drop-required"] * bool(required)
    kinds += ["dangle", "relation-label", "unattribute"] * bool(relations)
    kind = draw(st.sampled_from(kinds))
    if kind in ("out-of-range", "shift", "label", "end-before-start"):
        span = draw(st.sampled_from(spans))
        value = span["value"]
        if kind == "out-of-range":
            value["end"] = len(text) + draw(st.integers(1, 50))
            return "span-out-of-range", span["id"]
        if kind == "end-before-start":
            value["end"] = value["start"] - draw(st.integers(0, 3))
            return "span-out-of-range", span["id"]
        if kind == "shift":
            value["start"] += 1
            return ("span-out-of-range" if value["start"] >= value["end"] else "span-text-mismatch"), span["id"]
        value["labels"] = [draw(st.text(min_size=1, max_size=8).filter(lambda s: s not in schema.spans))]
        return "unknown-label", span["id"]
    if kind == "choice":
        target = draw(st.sampled_from(choices))
        target["value"]["choices"] = ["not-a-choice"]
        return "unknown-choice", target["id"]
    if kind == "drop-required":
        target = draw(st.sampled_from(required))
        result.remove(target)
        return "missing-required", target["id"]
    rel = draw(st.sampled_from(relations))
    if kind == "dangle":
        end = draw(st.sampled_from(["from_id", "to_id"]))
        kept = rel["to_id"] if end == "from_id" else rel["from_id"]
        rel[end] = "no-such-region-id"
        return "dangling-relation", kept
    if kind == "relation-label":
        rel["labels"] = ["no-such-relation"]
        return "bad-relation", rel["from_id"]
    # remove every attribution of one claim
    attribution = schema.attribution
    assert attribution is not None
    claims = {r["id"] for r in spans if r["value"]["labels"] == [attribution.claim]}
    attributed = [r for r in relations if r["labels"] == [attribution.relation]]
    if not attributed:
        rel["labels"] = ["no-such-relation"]
        return "bad-relation", rel["from_id"]
    victim = next(i for i in (attributed[0]["from_id"], attributed[0]["to_id"]) if i in claims)
    for r in attributed:
        if victim in (r["from_id"], r["to_id"]):
            result.remove(r)
    return "unattributed-claim", victim


def _required_names(schema: Schema) -> set[str]:
    return {n for span in schema.spans.values() for n, a in span.attributes.items() if a.required}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


# -- result lists under old and new schema versions (migrate) ------------------------------------------

LABELS = ["Speaker", "Claim", "Cue", "Verb"]
TARGETS = ["China", "Russia", "United States", "USA", "Ukraine", "Other"]


@st.composite
def result_lists(draw: st.DrawFn) -> list[dict]:
    results: list[dict] = []
    ids = [f"r{i}" for i in range(draw(st.integers(0, 6)))]
    for rid in ids:
        label = draw(st.sampled_from(LABELS))
        extra = {"target": draw(st.sampled_from(TARGETS))} if label == "Claim" else {}
        results += region(rid, label, **extra)
    for _ in range(draw(st.integers(0, 4))) if ids else ():
        results.append(relation(draw(st.sampled_from(ids)), draw(st.sampled_from(ids))))
    return results


# -- lines of an article for the cleaning rules (articles) --------------------------------------------

WORDS_LOWER = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=9)
SENTENCE_ENDINGS = st.sampled_from([".", "?", "!", ".”", "…", '."', ":"])


@st.composite
def sentence_lines(draw: st.DrawFn, longer_than: int) -> str:
    """A line of 18 to 45 words ending a sentence, longer than `longer_than` characters (a headline's limit)."""
    words = draw(st.lists(WORDS_LOWER, min_size=18, max_size=45))
    line = " ".join(words).capitalize() + draw(SENTENCE_ENDINGS)
    return line if len(line) > longer_than else line + " " + "x" * longer_than + "."


LINE_NOISE = st.sampled_from(
    [
        "Advertisement",
        "WAR REPORT",
        "Tweet",
        "READ MORE: Ferry fares rise again",
        "Photo: Getty Images",
        "Markets slide as investors weigh the latest inflation figures from the eurozone",
        "- A subhead -",
        "By Jane DOE",
        "Sign up for our daily newsletter.",
        "",
    ]
)
END_NOISE = st.sampled_from(
    ["Related Links", "Comments are closed.", "Copyright © 2024 Example News.", "Stay informed"]
)
