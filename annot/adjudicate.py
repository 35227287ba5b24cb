"""The consensus stage: several annotations of one task settled into the regions the dataset publishes.

`adjudicate` settles one task; `adjudicate_all` is the stage `annot.dataset.build` consumes. Both
also list what the vote could not settle (`Dispute`), the vocabulary `annot.agreement` reports in.
Pure functions over `annot.records`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from annot.records import Annotation, AttributeValue, Region, Relation, Task
from annot.schema import Schema
from annot.spans import OVERLAP_THRESHOLD, iou, match_across

# Dispute kinds. `attribute` names the attribute (or, for the others, the label or relation).
SPAN = "span"  # some annotators marked the region, others did not
ATTRIBUTE = "attribute"  # annotators gave the region different values
ATTRIBUTION = "attribution"  # annotators gave a claim different speakers (agreement.measure)
RELATION = "relation"  # a relation drawn by exactly half the annotators (adjudicate)

Method = Literal["none", "single", "ground_truth", "consensus"]
Comparable = str | tuple[str, ...] | None  # an attribute value made hashable and comparable


@dataclass(slots=True)
class Dispute:
    """One item annotators disagree on.

    `region_ids` and `values` are keyed by annotator (`raters` names); `majority` is
    what the majority rule gives (None on a tie or when the majority leaves it out)
    and `tie` says the rule could not decide. `settled` is True when the task has a
    ground-truth annotation, which overrides the vote (measure only).
    """

    task_id: int | None
    article_id: str | None
    kind: str
    label: str
    attribute: str | None
    region_ids: dict[str, str | None]
    values: dict[str, Any]
    majority: Any = None
    tie: bool = False
    region_id: str | None = None  # the consensus region (adjudicate only)
    other_region_id: str | None = None  # a disputed relation's other end (adjudicate only)
    settled: bool = False
    text: str | None = None  # the disputed span as the first annotator (by name) who marked it has it

    @classmethod
    def on_unit(
        cls,
        task: Task,
        kind: str,
        label: str,
        attribute: str | None,
        who: Iterable[str],
        unit: Mapping[str, Region],
        values: dict[str, Any],
        majority: Any,
        tie: bool,
    ) -> Dispute:
        """A dispute on one unit (`spans.match_across`); `who`: the annotators listed (all, or who marked it)."""
        return cls(
            task_id=task.id,
            article_id=task.article_id,
            kind=kind,
            label=label,
            attribute=attribute,
            region_ids={r: (unit[r].id if r in unit else None) for r in who},
            values=values,
            majority=majority,
            tie=tie,
            text=unit[min(unit)].text if unit else None,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Adjudicated:
    """The consensus of one task: what the dataset publishes for it.

    `sources` maps each region id to the annotation ids it came from; `annotators`
    and `annotation_ids` are those of the annotations the consensus was made from
    (the winning ground truth alone, when there is one).
    """

    task: Task
    method: Method
    regions: list[Region] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)
    disputes: list[Dispute] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    annotation_ids: list[str] = field(default_factory=list)

    @property
    def task_id(self) -> int | None:
        return self.task.id

    @property
    def article_id(self) -> str | None:
        return self.task.article_id

    def disputed(self, region_id: str) -> list[str]:
        """Names disputed on one region: attributes, relations touching it, or `SPAN`."""
        names: list[str] = []
        for d in self.disputes:
            if region_id not in (d.region_id, d.other_region_id):
                continue
            name = SPAN if d.kind == SPAN else (d.attribute or d.label)
            if name not in names:
                names.append(name)
        return names


# -- annotators ------------------------------------------------------------------------------


def raters(task: Task, invalid: Collection[Any] = ()) -> dict[str, Annotation]:
    """The task's usable annotations by annotator name, sorted by name.

    Cancelled (skipped) annotations, annotations listed in `invalid` (by id) and
    predictions are left out. An annotation without an annotator is named
    `annotation <id>`; one annotator with two annotations on a task is named
    `<annotator> (annotation <id>)` for each, so both count.
    """
    bad = {str(i) for i in invalid}
    usable = [a for a in task.annotations if not a.cancelled and str(a.id) not in bad]
    seen = Counter(a.annotator for a in usable if a.annotator)
    named: dict[str, Annotation] = {}
    for a in usable:
        if not a.annotator:
            name = f"annotation {a.id}"
        elif seen[a.annotator] > 1:
            name = f"{a.annotator} (annotation {a.id})"
        else:
            name = a.annotator
        named[name] = a
    return dict(sorted(named.items()))


# -- the stage -------------------------------------------------------------------------------


def adjudicate_all(
    tasks: Iterable[Task], schema: Schema, invalid: Collection[Any] = (), overlap: float = OVERLAP_THRESHOLD
) -> Iterator[Adjudicated]:
    """Each task's consensus, in the order given, one at a time (tasks are not held): what `dataset.build` takes."""
    bad = {str(i) for i in invalid}
    for task in tasks:
        yield adjudicate(task, schema, bad, overlap)


def adjudicate(
    task: Task,
    schema: Schema,
    invalid: Collection[Any] = (),
    overlap: float = OVERLAP_THRESHOLD,
) -> Adjudicated:
    """The consensus of a task's annotations, as the dataset publishes it.

    Rules (never the order annotations arrived in):
    1. Only non-cancelled annotations whose id is not in `invalid` take part.
    2. Ground truth wins: if any has `ground_truth`, the most recently updated one
       is published as it is (a reviewer's latest decision). Ground truths updated
       at the same moment (or all without a time) are settled among themselves by
       the rules below.
    3. A single annotation is published as it is.
    4. Otherwise regions are grouped across annotators (`spans.match_across`, with
       `overlap`). A unit is kept if at least half the annotators marked it; at
       exactly half it is kept and a `SPAN` dispute is listed. Its span is the one
       marked most often (ties: the one overlapping the others most, then the
       earliest). Its id is the smallest Label Studio region id with that span.
    5. Each attribute takes the value given most often by the annotators who marked
       the unit (an empty value is not a vote). If two values share the top count,
       the attribute is None and an `ATTRIBUTE` dispute is listed.
    6. A relation between two kept units is kept if more than half of the
       annotators who marked both ends drew it (either direction for an undirected
       relation); exactly half: not kept, and a `RELATION` dispute is listed.
    """
    named = raters(task, invalid)
    result = Adjudicated(task, "none")
    if not named:
        return result
    truths = {r: a for r, a in named.items() if a.ground_truth}
    pool = named
    if truths:
        latest = max(_when(a.updated_at) for a in truths.values())
        pool = {r: a for r, a in truths.items() if _when(a.updated_at) == latest}
    result.annotators = sorted({a.annotator for a in pool.values() if a.annotator})
    result.annotation_ids = [str(a.id) for a in pool.values()]
    if len(pool) == 1:
        result.method = "ground_truth" if truths else "single"
        _as_is(result, next(iter(pool.values())))
        return result
    result.method = "ground_truth" if truths else "consensus"
    members = _settle_regions(result, schema, pool, overlap)
    _settle_relations(result, schema, pool, members)
    return result


def _as_is(result: Adjudicated, annotation: Annotation) -> None:
    result.regions = [Region(r.id, r.label, r.start, r.end, r.text, dict(r.attributes)) for r in annotation.regions]
    result.relations = [Relation(r.from_id, r.to_id, r.label, r.direction) for r in annotation.relations]
    result.sources = {r.id: [str(annotation.id)] for r in annotation.regions}


def _settle_regions(
    result: Adjudicated, schema: Schema, pool: Mapping[str, Annotation], overlap: float
) -> dict[str, dict[str, Region]]:
    """Rules 4 and 5: the kept units as consensus regions; returns consensus region id -> the unit."""
    task, n = result.task, len(pool)
    labels = list(schema.spans) + sorted({g.label for a in pool.values() for g in a.regions} - set(schema.spans))
    members: dict[str, dict[str, Region]] = {}
    for label in labels:
        declared = schema.spans[label].attributes if label in schema.spans else {}
        by_rater = {r: [g for g in a.regions if g.label == label] for r, a in pool.items()}
        for unit in match_across(by_rater, overlap):
            if 2 * len(unit) < n:
                continue  # a minority marked it: the majority says it is not there
            start, end = _span(unit)
            rid = _fresh_id(min(g.id for g in unit.values() if (g.start, g.end) == (start, end)), members)
            text = task.text[start:end] if end <= len(task.text) else unit[min(unit)].text
            region = Region(rid, label, start, end, text)
            names = list(declared) + sorted({a for g in unit.values() for a in g.attributes} - set(declared))
            for attr in names:
                given = {r: comparable(g.attributes.get(attr)) for r, g in unit.items()}
                given = {r: v for r, v in given.items() if v is not None}
                winner, tie = majority(list(given.values()))
                if tie:
                    plain = {r: as_json(v) for r, v in given.items()}
                    d = Dispute.on_unit(task, ATTRIBUTE, label, attr, unit, unit, plain, None, True)
                    d.region_id = rid
                    result.disputes.append(d)
                    region.attributes[attr] = None
                elif winner is not None:
                    region.attributes[attr] = _original(unit, attr, winner)
                elif attr in declared:
                    region.attributes[attr] = None
            if 2 * len(unit) == n:
                values = {r: (label if r in unit else None) for r in pool}
                d = Dispute.on_unit(task, SPAN, label, None, pool, unit, values, None, True)
                d.region_id = rid
                result.disputes.append(d)
            result.regions.append(region)
            result.sources[rid] = sorted(str(pool[r].id) for r in unit)
            members[rid] = unit
    return members


def _fresh_id(rid: str, used: Collection[str]) -> str:
    """`rid`, or `rid-2`, `rid-3`… when two consensus regions would share it."""
    base, k = rid, 1
    while rid in used:
        k += 1
        rid = f"{base}-{k}"
    return rid


def _settle_relations(
    result: Adjudicated, schema: Schema, pool: Mapping[str, Annotation], members: Mapping[str, dict[str, Region]]
) -> None:
    """Rule 6: relations between kept units, by the vote of the annotators who marked both ends."""
    consensus_of = {(r, g.id): rid for rid, unit in members.items() for r, g in unit.items()}
    labels_of = {g.id: g.label for g in result.regions}
    drawn: dict[tuple[str, str, str], set[str]] = {}
    for r, a in pool.items():
        for rel in a.relations:
            ends = consensus_of.get((r, rel.from_id)), consensus_of.get((r, rel.to_id))
            if ends[0] is None or ends[1] is None:
                continue
            key = _edge(schema, rel, ends[0], ends[1], labels_of)
            drawn.setdefault(key, set()).add(r)
    for key in sorted(drawn):
        label, a_id, b_id = key
        voters = [r for r in pool if r in members[a_id] and r in members[b_id]]
        votes = len(drawn[key])
        if 2 * votes > len(voters):
            result.relations.append(Relation(a_id, b_id, label))
        elif 2 * votes == len(voters):
            result.disputes.append(
                Dispute(
                    task_id=result.task_id,
                    article_id=result.article_id,
                    kind=RELATION,
                    label=label,
                    attribute=label,
                    region_ids={r: f"{members[a_id][r].id}->{members[b_id][r].id}" for r in voters},
                    values={r: (label if r in drawn[key] else None) for r in voters},
                    tie=True,
                    region_id=a_id,
                    other_region_id=b_id,
                )
            )


def _edge(schema: Schema, rel: Relation, a: str, b: str, labels_of: Mapping[str, str]) -> tuple[str, str, str]:
    """A relation as (label, from, to), with the ends of an undirected one in a canonical order."""
    if rel.direction == "left":
        a, b = b, a
    spec = schema.relations.get(rel.label)
    if (spec is not None and not spec.directed) or rel.direction == "bi":
        first = spec.between[0] if spec else None
        # the schema's own order (Speaker, Claim) when the ends differ, else by id
        wrong_way = labels_of.get(b) == first and labels_of.get(a) != first
        same_kind = labels_of.get(a) == labels_of.get(b)
        if wrong_way or (same_kind and b < a):
            a, b = b, a
    return rel.label, a, b


def _span(unit: Mapping[str, Region]) -> tuple[int, int]:
    """The span marked most often; on a tie the one overlapping the others most, then the earliest."""
    counts = Counter((g.start, g.end) for g in unit.values())
    top = max(counts.values())
    tied = [s for s, c in counts.items() if c == top]

    def closeness(span: tuple[int, int]) -> float:
        probe = Region("", "", span[0], span[1], "")
        return sum(iou(probe, g) for g in unit.values())

    return min(tied, key=lambda s: (-closeness(s), s))


def _original(unit: Mapping[str, Region], attr: str, winner: Comparable) -> AttributeValue:
    """The winning value as one annotator wrote it (first annotator by name who gave it)."""
    for r in sorted(unit):
        value = unit[r].attributes.get(attr)
        if comparable(value) == winner:
            return list(value) if isinstance(value, list) else value
    return as_json(winner)


# -- values ------------------------------------------------------------------------------


def majority(values: list[Any]) -> tuple[Any, bool]:
    """The value given most often, and whether two or more values share the top count."""
    if not values:
        return None, False
    counts = Counter(values).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None, True
    return counts[0][0], False


def comparable(value: AttributeValue) -> Comparable:
    """A value made comparable: whitespace collapsed, lists as sorted tuples, empty as None."""
    if value is None:
        return None
    if isinstance(value, list):
        return tuple(sorted({str(v) for v in value})) or None
    return " ".join(str(value).split()) or None


def as_json(value: Any) -> Any:
    """A compared value (`comparable`, or a set of them) as JSON has it: tuples and sets as lists."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def parse_time(stamp: str | None) -> datetime | None:
    """A Label Studio timestamp (ISO 8601) as an aware datetime (UTC when it names no zone), or None."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(stamp: str | None) -> datetime:
    return parse_time(stamp) or datetime.min.replace(tzinfo=UTC)
