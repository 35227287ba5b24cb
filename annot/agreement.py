"""Agreement between annotators, and the consensus of several annotations of one task.

`measure` reports how well annotators agree (span F1, attribution, alpha and kappa
per attribute) and lists every disputed item; `adjudicate` settles one task into
the regions the dataset publishes. Pure functions over `annot.records`.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from typing import Any, Literal

from annot.records import Annotation, AttributeValue, Region, Relation, Task
from annot.schema import Schema

# Two regions of one label match when their character IoU (Jaccard of the
# character sets they cover) reaches this; 0.5 is the usual "overlap" criterion
# in span-annotation agreement and means neither span is mostly outside the other.
OVERLAP_THRESHOLD = 0.5
# An exact match is an overlap match with IoU 1: the same start and end.
EXACT = 1.0

# Dispute kinds. `attribute` names the attribute (or, for the others, the label or relation).
SPAN = "span"  # some annotators marked the region, others did not
ATTRIBUTE = "attribute"  # annotators gave the region different values
ATTRIBUTION = "attribution"  # annotators gave a claim different speakers (measure)
RELATION = "relation"  # a relation drawn by exactly half the annotators (adjudicate)

ROW_COLUMNS = ("measure", "of", "score", "items")
NOT_DEFINED = "—"

Method = Literal["none", "single", "ground_truth", "consensus"]
_Value = str | tuple[str, ...] | None  # a normalised attribute value: hashable, comparable


# -- results ------------------------------------------------------------------------------


@dataclass(slots=True)
class Dispute:
    """One item annotators disagree on.

    `region_ids` and `values` are keyed by annotator (`rater_names`); `majority` is
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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class SpanScore:
    """Span F1 of one label, pairwise between annotators, micro-averaged (see `measure`)."""

    label: str
    exact_f1: float | None
    overlap_f1: float | None
    regions: int  # regions of this label on tasks with two or more annotators
    pairs: int  # (task, annotator pair) comparisons


@dataclass(slots=True)
class AttributeScore:
    """Agreement on one choice attribute of the unit label, over matched units."""

    attribute: str
    items: int  # matched units with at least two values
    alpha: float | None  # Krippendorff's alpha, nominal
    kappa: float | None  # Cohen's kappa, only with exactly two annotators in the report
    observed: float | None  # agreeing pairs of values / all pairs of values


@dataclass(slots=True)
class AttributionScore:
    """Matched claims whose annotators gave the same set of (matched) speakers."""

    relation: str
    items: int  # matched claims marked by two or more annotators
    agreement: float | None  # agreeing annotator pairs / all annotator pairs


@dataclass(slots=True)
class PairAttribute:
    """Two annotators' values of one attribute, over the units to which both gave one."""

    attribute: str
    items: int
    kappa: float | None  # Cohen's kappa of the two
    observed: float | None  # agreeing units / units
    values: list[str]  # the order of `confusion`'s rows and columns
    confusion: list[list[int]]  # [i][j]: units the first annotator gave values[i] and the second values[j]


@dataclass(slots=True)
class PairScore:
    """Two annotators compared on the tasks both annotated (span F1 over all labels, micro-averaged)."""

    annotators: list[str]  # two names, sorted
    tasks: int
    exact_f1: float | None
    overlap_f1: float | None
    attribution: float | None  # claims both marked that they gave the same speakers / claims both marked
    attributes: list[PairAttribute] = field(default_factory=list)


@dataclass(slots=True)
class AnnotatorScore:
    """One annotator's work, and how it compares with the adjudicated result (`measure(by_annotator=True)`).

    The comparison covers the tasks with two or more annotators that include this one: their regions
    are matched to the consensus regions (`match_regions`, overlap threshold); `accuracy` is, per
    attribute of the unit label, matched units where they gave the consensus value / matched units
    where both have a value.
    """

    annotator: str
    annotations: int  # usable annotations (not skipped, not invalid) on all tasks
    compared_tasks: int
    regions: int | None  # their regions on the compared tasks (None: not compared with the consensus)
    consensus_regions: int | None  # the consensus regions of those tasks
    f1: float | None  # span F1 against the consensus, all labels
    accuracy: dict[str, float | None] = field(default_factory=dict)
    accuracy_items: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class AgreementReport:
    """What `measure` found; `to_json` and `rows` are what the CLI prints."""

    overlap_threshold: float
    tasks: int = 0
    multi_annotator_tasks: int = 0
    single_annotator_tasks: int = 0
    unannotated_tasks: int = 0
    annotators: list[str] = field(default_factory=list)
    spans: list[SpanScore] = field(default_factory=list)
    overall: SpanScore | None = None
    attribution: AttributionScore | None = None
    attributes: list[AttributeScore] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    pairs: list[PairScore] = field(default_factory=list)
    annotator_scores: list[AnnotatorScore] = field(default_factory=list)

    def disputed_task_ids(self, include_settled: bool = False) -> list[int]:
        """Tasks with a dispute, e.g. for a review view; settled ones left out unless asked."""
        ids = {d.task_id for d in self.disputes if d.task_id is not None and (include_settled or not d.settled)}
        return sorted(ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "overlap_threshold": self.overlap_threshold,
            "tasks": self.tasks,
            "multi_annotator_tasks": self.multi_annotator_tasks,
            "single_annotator_tasks": self.single_annotator_tasks,
            "unannotated_tasks": self.unannotated_tasks,
            "annotators": list(self.annotators),
            "spans": [asdict(s) for s in self.spans],
            "overall": asdict(self.overall) if self.overall else None,
            "attribution": asdict(self.attribution) if self.attribution else None,
            "attributes": [asdict(a) for a in self.attributes],
            "disputed_tasks": self.disputed_task_ids(include_settled=True),
            "disputed": [d.to_json() for d in self.disputes],
            "pairs": [asdict(p) for p in self.pairs],
            "annotator_scores": [asdict(a) for a in self.annotator_scores],
        }

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The report as table rows under `ROW_COLUMNS`; undefined scores are shown as `NOT_DEFINED`."""
        rows: list[tuple[str, str, str, str]] = []
        exact, near = "span F1, exact", f"span F1, overlap ≥ {self.overlap_threshold:g}"
        for s in [*self.spans, *([self.overall] if self.overall else [])]:
            rows.append((exact, s.label, _fmt(s.exact_f1), f"{s.regions} regions"))
            rows.append((near, s.label, _fmt(s.overlap_f1), f"{s.regions} regions"))
        if self.attribution:
            a = self.attribution
            rows.append(("attribution agreement", a.relation, _fmt(a.agreement), f"{a.items} claims"))
        for attr in self.attributes:
            items = f"{attr.items} items"
            rows.append(("Krippendorff's alpha (nominal)", attr.attribute, _fmt(attr.alpha), items))
            rows.append(("Cohen's kappa", attr.attribute, _fmt(attr.kappa), items))
            rows.append(("observed agreement", attr.attribute, _fmt(attr.observed), items))
        return rows


@dataclass(slots=True)
class Adjudicated:
    """The consensus of one task: what the dataset publishes for it.

    `sources` maps each region id to the annotation ids it came from; `annotators`
    and `annotation_ids` are those of the annotations the consensus was made from
    (the winning ground truth alone, when there is one).
    """

    task_id: int | None
    article_id: str | None
    method: Method
    regions: list[Region] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)
    disputes: list[Dispute] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    annotation_ids: list[str] = field(default_factory=list)

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


# -- matching ------------------------------------------------------------------------------


def span_iou(a: Region, b: Region) -> float:
    """Character IoU of two spans: shared characters / characters covered by either."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    union = max(a.end, b.end) - min(a.start, b.start)
    if union <= 0:  # two empty spans: the same point or nothing in common
        return 1.0 if (a.start, a.end) == (b.start, b.end) else 0.0
    return max(inter, 0) / union


def match_regions(
    a: Sequence[Region], b: Sequence[Region], overlap: float = OVERLAP_THRESHOLD
) -> list[tuple[Region, Region]]:
    """One-to-one matches between two annotators' regions (of one label), best IoU first.

    `overlap=EXACT` (1.0) matches only identical spans.
    """
    groups = match_across({"a": a, "b": b}, overlap)
    return [(g["a"], g["b"]) for g in groups if len(g) == 2]


def match_across(
    by_rater: Mapping[str, Sequence[Region]], overlap: float = OVERLAP_THRESHOLD
) -> list[dict[str, Region]]:
    """Group regions of several annotators into units, at most one region per annotator.

    Greedy, best IoU first: every pair of regions from different annotators with
    IoU >= `overlap` is visited from the highest IoU down (ties in span order, so
    the result never depends on the order annotations arrived); two groups merge if
    they share no annotator and every cross pair reaches `overlap` (complete
    linkage, so a unit never chains two spans that do not overlap). With two
    annotators this is the usual greedy one-to-one matching. Unmatched regions are
    groups of one. Groups come sorted by position.
    """
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap threshold must be in (0, 1], got {overlap}")
    nodes = [(rater, region) for rater in sorted(by_rater) for region in by_rater[rater]]
    groups: list[dict[str, Region]] = [{rater: region} for rater, region in nodes]
    owner = list(range(len(nodes)))  # node index -> group index
    candidates = []
    for i, j in combinations(range(len(nodes)), 2):
        (ri, a), (rj, b) = nodes[i], nodes[j]
        if ri == rj:
            continue
        iou = span_iou(a, b)
        if iou >= overlap:
            candidates.append((-iou, a.start, a.end, b.start, b.end, ri, rj, a.id, b.id, i, j))
    for *_, i, j in sorted(candidates):
        gi, gj = owner[i], owner[j]
        if gi == gj or groups[gi].keys() & groups[gj].keys():
            continue
        if all(span_iou(x, y) >= overlap for x in groups[gi].values() for y in groups[gj].values()):
            groups[gi].update(groups[gj])
            groups[gj] = {}
            owner = [gi if g == gj else g for g in owner]
    kept = [g for g in groups if g]
    return sorted(kept, key=lambda g: (min(r.start for r in g.values()), min(r.end for r in g.values()), sorted(g)))


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


# -- measure ------------------------------------------------------------------------------


def measure(
    tasks: Iterable[Task],
    schema: Schema,
    overlap: float = OVERLAP_THRESHOLD,
    *,
    invalid: Collection[Any] = (),
    by_annotator: bool = False,
    consensus: Callable[[Task], Adjudicated] | None = None,
) -> AgreementReport:
    """Agreement between annotators over tasks annotated by two or more of them.

    - Span F1 per label: for every task and every pair of its annotators, regions
      are matched one-to-one (`match_regions`, exact and with `overlap`); F1 of a
      pair is 2·matches / (regions of one + regions of the other), symmetric. The
      score is micro-averaged: matches and regions are summed over all (task,
      pair) comparisons first, so a task with many regions weighs more. `overall`
      sums over all labels.
    - Units (claims, speakers) are regions grouped across annotators with
      `match_across`. Attribution: for each claim marked by two or more, each
      annotator's set of speaker units joined to it by the attribution relation
      (either direction); agreement = agreeing pairs of annotators / all pairs.
    - Each choice attribute of the unit label over units with two or more values:
      Krippendorff's alpha (nominal, `krippendorff`), Cohen's kappa
      (`sklearn.metrics.cohen_kappa_score`) when the report has exactly two
      annotators, and observed agreement = agreeing pairs of values / all pairs.
      A coefficient is None when undefined (no items, or only one value seen).
    - Disputes: a region only some annotators marked (`SPAN`), a unit whose
      annotators gave two or more different values of any attribute (`ATTRIBUTE`;
      an empty value counts as not given), a claim with different speakers
      (`ATTRIBUTION`). Single-annotator tasks are counted, never disputed.
    - Per pair of annotators (`pairs`), over the tasks both annotated: the same span
      F1 and attribution agreement, and per choice attribute kappa, observed agreement
      and the confusion matrix of their values.
    - With `by_annotator`, each annotator against `adjudicate`'s result of the same
      tasks (`annotator_scores`, see `AnnotatorScore`); it adjudicates every compared task,
      or takes `consensus(task)` from a caller that already did (with the same `invalid` and `overlap`).
    """
    report = AgreementReport(overlap_threshold=overlap)
    span_sums = {label: [0, 0, 0, 0, 0] for label in schema.spans}  # exact m, overlap m, regions, pair sizes, pairs
    unit_label = schema.unit.label if schema.unit else None
    unit_attrs = []
    if unit_label:
        unit_attrs = [n for n, a in schema.spans[unit_label].attributes.items() if a.type in ("choice", "multichoice")]
    items: dict[str, list[dict[str, _Value]]] = {name: [] for name in unit_attrs}
    attribution_pairs = [0, 0]  # agreeing, all
    attribution_items = 0
    annotators: set[str] = set()
    pair_sums: dict[tuple[str, str], list[int]] = {}  # exact m, overlap m, pair sizes, tasks
    pair_attribution: dict[tuple[str, str], list[int]] = {}  # agreeing, all
    work: dict[str, Counter[str]] = {}  # annotator -> annotations and the figures against the consensus
    hits: dict[str, dict[str, list[int]]] = {}  # annotator -> attribute -> [agreeing, all], against the consensus

    for task in tasks:
        report.tasks += 1
        named = raters(task, invalid)
        for r in named:
            work.setdefault(r, Counter())["annotations"] += 1
        if len(named) < 2:
            if named:
                report.single_annotator_tasks += 1
            else:
                report.unannotated_tasks += 1
            continue
        report.multi_annotator_tasks += 1
        annotators.update(named)
        settled = any(a.ground_truth for a in named.values())
        for pair in combinations(named, 2):
            pair_sums.setdefault(pair, [0, 0, 0, 0])[3] += 1
        for r in named:
            work[r]["tasks"] += 1
        if by_annotator:
            settled_as = consensus(task) if consensus else adjudicate(task, schema, invalid, overlap)
            _against_consensus(schema, named, settled_as, overlap, work, hits)

        units: dict[str, list[dict[str, Region]]] = {}
        for label, sums in span_sums.items():
            by_rater = {r: [g for g in a.regions if g.label == label] for r, a in named.items()}
            for ra, rb in combinations(named, 2):
                exact = len(match_regions(by_rater[ra], by_rater[rb], EXACT))
                near = len(match_regions(by_rater[ra], by_rater[rb], overlap))
                size = len(by_rater[ra]) + len(by_rater[rb])
                sums[0] += exact
                sums[1] += near
                sums[3] += size
                sums[4] += 1
                counts = pair_sums[(ra, rb)]
                counts[0] += exact
                counts[1] += near
                counts[2] += size
            sums[2] += sum(len(v) for v in by_rater.values())
            units[label] = match_across(by_rater, overlap)
            for unit in units[label]:
                if len(unit) < len(named):
                    kept = 2 * len(unit) > len(named)
                    values = {r: (label if r in unit else None) for r in named}
                    tie = 2 * len(unit) == len(named)
                    d = _dispute(task, SPAN, label, None, named, unit, values, label if kept else None, tie)
                    d.settled = settled
                    report.disputes.append(d)
                if len(unit) < 2:
                    continue
                for attr in schema.spans[label].attributes:
                    given = {r: _norm(region.attributes.get(attr)) for r, region in unit.items()}
                    given = {r: v for r, v in given.items() if v is not None}
                    if label == unit_label and attr in items and len(given) >= 2:
                        items[attr].append(given)
                    if len(set(given.values())) > 1:
                        winner, tie = _vote(list(given.values()))
                        plain = {r: _plain(v) for r, v in given.items()}
                        d = _dispute(task, ATTRIBUTE, label, attr, unit, unit, plain, _plain(winner), tie)
                        d.settled = settled
                        report.disputes.append(d)

        if schema.attribution:
            att = schema.attribution
            speaker_unit = {
                (r, region.id): i for i, unit in enumerate(units.get(att.speaker, [])) for r, region in unit.items()
            }
            for unit in units.get(att.claim, []):
                if len(unit) < 2:
                    continue
                attribution_items += 1
                sets = {
                    r: _speakers(named[r], region, att.relation, att.speaker, speaker_unit, r)
                    for r, region in unit.items()
                }
                for ra, rb in combinations(sorted(sets), 2):
                    attribution_pairs[0] += sets[ra] == sets[rb]
                    attribution_pairs[1] += 1
                    agreed = pair_attribution.setdefault((ra, rb), [0, 0])
                    agreed[0] += sets[ra] == sets[rb]
                    agreed[1] += 1
                if len(set(sets.values())) > 1:
                    described = {
                        r: _describe(named[r], region, att.relation, att.speaker) for r, region in unit.items()
                    }
                    winner, tie = _vote(list(sets.values()))
                    majority = None
                    if winner is not None:
                        majority = next(described[r] for r in sorted(sets) if sets[r] == winner)
                    d = _dispute(task, ATTRIBUTION, att.claim, att.relation, unit, unit, described, majority, tie)
                    d.settled = settled
                    report.disputes.append(d)

    report.annotators = sorted(annotators)
    totals = [0, 0, 0, 0, 0]
    for label, sums in span_sums.items():
        report.spans.append(
            SpanScore(label, _ratio(2 * sums[0], sums[3]), _ratio(2 * sums[1], sums[3]), sums[2], sums[4])
        )
        totals = [t + s for t, s in zip(totals, sums, strict=True)]
    if report.multi_annotator_tasks:
        pairs = max(s.pairs for s in report.spans) if report.spans else 0
        report.overall = SpanScore(
            "all", _ratio(2 * totals[0], totals[3]), _ratio(2 * totals[1], totals[3]), totals[2], pairs
        )
    if schema.attribution:
        report.attribution = AttributionScore(
            schema.attribution.relation, attribution_items, _ratio(attribution_pairs[0], attribution_pairs[1])
        )
    for name in unit_attrs:
        report.attributes.append(_score(name, items[name], report.annotators))
    for (ra, rb), (exact, near, size, shared) in sorted(pair_sums.items()):
        agreed = pair_attribution.get((ra, rb), [0, 0])
        scored = PairScore([ra, rb], shared, _ratio(2 * exact, size), _ratio(2 * near, size), _ratio(*agreed))
        for name in unit_attrs:
            both = [(u[ra], u[rb]) for u in items[name] if ra in u and rb in u]
            scored.attributes.append(_pair_attribute(name, both))
        report.pairs.append(scored)
    for r in sorted(work):
        c = work[r]
        score = AnnotatorScore(r, c["annotations"], c["tasks"], None, None, None)
        if by_annotator:
            score.regions, score.consensus_regions = c["regions"], c["consensus"]
            score.f1 = _ratio(2 * c["matched"], c["regions"] + c["consensus"])
            for name in unit_attrs:
                agree, total = hits.get(r, {}).get(name, [0, 0])
                score.accuracy[name] = _ratio(agree, total)
                score.accuracy_items[name] = total
        report.annotator_scores.append(score)
    return report


def _against_consensus(
    schema: Schema,
    named: Mapping[str, Annotation],
    consensus: Adjudicated,
    overlap: float,
    work: dict[str, Counter[str]],
    hits: dict[str, dict[str, list[int]]],
) -> None:
    """Add each annotator's regions, matches and attribute agreements with the task's consensus."""
    unit_label = schema.unit.label if schema.unit else None
    labels = list(schema.spans)
    choices: list[str] = []
    if unit_label:
        choices = [n for n, a in schema.spans[unit_label].attributes.items() if a.type in ("choice", "multichoice")]
    for r, annotation in named.items():
        c = work[r]
        for label in labels:
            mine = [g for g in annotation.regions if g.label == label]
            settled = [g for g in consensus.regions if g.label == label]
            matched = match_regions(mine, settled, overlap)
            c["regions"] += len(mine)
            c["consensus"] += len(settled)
            c["matched"] += len(matched)
            if label != unit_label:
                continue
            for given, agreed in matched:
                for name in choices:
                    theirs, truth = _norm(given.attributes.get(name)), _norm(agreed.attributes.get(name))
                    if theirs is None or truth is None:
                        continue
                    counts = hits.setdefault(r, {}).setdefault(name, [0, 0])
                    counts[0] += theirs == truth
                    counts[1] += 1


def _pair_attribute(name: str, values: list[tuple[_Value, _Value]]) -> PairAttribute:
    """Kappa, observed agreement and the confusion matrix of two annotators' values of one attribute."""
    shown = [(_label(a), _label(b)) for a, b in values]
    domain = sorted({v for pair in shown for v in pair})
    index = {v: i for i, v in enumerate(domain)}
    confusion = [[0] * len(domain) for _ in domain]
    for a, b in shown:
        confusion[index[a]][index[b]] += 1
    kappa = _kappa([a for a, _ in shown], [b for _, b in shown]) if len(domain) > 1 else None
    observed = _ratio(sum(a == b for a, b in shown), len(shown))
    return PairAttribute(name, len(shown), kappa, observed, domain, confusion)


def _label(value: _Value) -> str:
    """A normalised value as text: a multichoice set joined with `+`."""
    return "+".join(value) if isinstance(value, tuple) else str(value)


def _score(name: str, units: list[dict[str, _Value]], annotators: list[str]) -> AttributeScore:
    if not units:
        return AttributeScore(name, 0, None, None, None)
    agree = total = 0
    for unit in units:
        for x, y in combinations(list(unit.values()), 2):
            agree += x == y
            total += 1
    domain = sorted({v for unit in units for v in unit.values()}, key=repr)
    alpha = None
    if len(domain) > 1:
        import krippendorff

        code = {v: i for i, v in enumerate(domain)}
        matrix = [[code[u[r]] if r in u else math.nan for u in units] for r in annotators]
        alpha = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    kappa = None
    if len(annotators) == 2:
        both = [u for u in units if all(r in u for r in annotators)]
        if both:
            kappa = _kappa([repr(u[annotators[0]]) for u in both], [repr(u[annotators[1]]) for u in both])
    return AttributeScore(name, len(units), alpha, kappa, _ratio(agree, total))


def _kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa of two annotators' values of the same units; None where it is undefined."""
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        # one value only: sklearn warns and returns nan, which we report as undefined
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score(first, second))
    return None if math.isnan(value) else value


def _speakers(
    annotation: Annotation,
    claim: Region,
    relation: str,
    speaker_label: str,
    speaker_unit: Mapping[tuple[str, str], int],
    rater: str,
) -> frozenset[int]:
    """The speaker units one annotator joined to a claim; attribution is undirected by nature."""
    labels = {r.id: r.label for r in annotation.regions}
    found = set()
    for rel in annotation.relations:
        if rel.label != relation or claim.id not in (rel.from_id, rel.to_id):
            continue
        other = rel.to_id if rel.from_id == claim.id else rel.from_id
        if labels.get(other) == speaker_label and (rater, other) in speaker_unit:
            found.add(speaker_unit[(rater, other)])
    return frozenset(found)


def _describe(annotation: Annotation, claim: Region, relation: str, speaker_label: str) -> list[str]:
    """One annotator's speakers of a claim, readable: `text [start:end]`, in text order."""
    by_id = {r.id: r for r in annotation.regions}
    out = []
    for rel in annotation.relations:
        if rel.label != relation or claim.id not in (rel.from_id, rel.to_id):
            continue
        other = by_id.get(rel.to_id if rel.from_id == claim.id else rel.from_id)
        if other is not None and other.label == speaker_label:
            out.append((other.start, other.end, f"{other.text} [{other.start}:{other.end}]"))
    return [d for *_, d in sorted(set(out))]


# -- adjudicate ------------------------------------------------------------------------------


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
    4. Otherwise regions are grouped across annotators (`match_across`, with
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
    result = Adjudicated(task.id, task.article_id, "none")
    if not named:
        return result
    truths = {r: a for r, a in named.items() if a.ground_truth}
    method: Method = "consensus"
    pool = named
    if truths:
        latest = max(_when(a.updated_at) for a in truths.values())
        pool = {r: a for r, a in truths.items() if _when(a.updated_at) == latest}
        method = "ground_truth"
    result.annotators = sorted({a.annotator for a in pool.values() if a.annotator})
    result.annotation_ids = [str(a.id) for a in pool.values()]
    if len(pool) == 1:
        result.method = "ground_truth" if truths else "single"
        _as_is(result, next(iter(pool.values())))
        return result
    result.method = method
    _consensus(result, task, schema, pool, overlap)
    return result


def _as_is(result: Adjudicated, annotation: Annotation) -> None:
    result.regions = [Region(r.id, r.label, r.start, r.end, r.text, dict(r.attributes)) for r in annotation.regions]
    result.relations = [Relation(r.from_id, r.to_id, r.label, r.direction) for r in annotation.relations]
    result.sources = {r.id: [str(annotation.id)] for r in annotation.regions}


def _consensus(result: Adjudicated, task: Task, schema: Schema, pool: Mapping[str, Annotation], overlap: float) -> None:
    n = len(pool)
    labels = list(schema.spans) + sorted({g.label for a in pool.values() for g in a.regions} - set(schema.spans))
    consensus_of: dict[tuple[str, str], str] = {}  # (annotator, region id) -> consensus region id
    members: dict[str, dict[str, Region]] = {}  # consensus region id -> the unit
    used: set[str] = set()

    for label in labels:
        by_rater = {r: [g for g in a.regions if g.label == label] for r, a in pool.items()}
        for unit in match_across(by_rater, overlap):
            if 2 * len(unit) < n:
                continue  # a minority marked it: the majority says it is not there
            start, end = _span(unit)
            rid = min(g.id for g in unit.values() if (g.start, g.end) == (start, end))
            base, k = rid, 1
            while rid in used:
                k += 1
                rid = f"{base}-{k}"
            used.add(rid)
            text = task.text[start:end] if end <= len(task.text) else unit[min(unit)].text
            region = Region(rid, label, start, end, text)
            names = list(schema.spans[label].attributes) if label in schema.spans else []
            names += sorted({a for g in unit.values() for a in g.attributes} - set(names))
            for attr in names:
                given = {r: _norm(g.attributes.get(attr)) for r, g in unit.items()}
                given = {r: v for r, v in given.items() if v is not None}
                winner, tie = _vote(list(given.values()))
                if tie:
                    plain = {r: _plain(v) for r, v in given.items()}
                    d = _dispute(task, ATTRIBUTE, label, attr, unit, unit, plain, None, True)
                    d.region_id = rid
                    result.disputes.append(d)
                    region.attributes[attr] = None
                elif winner is not None:
                    region.attributes[attr] = _original(unit, attr, winner)
                elif attr in (schema.spans[label].attributes if label in schema.spans else {}):
                    region.attributes[attr] = None
            if 2 * len(unit) == n:
                values = {r: (label if r in unit else None) for r in pool}
                d = _dispute(task, SPAN, label, None, pool, unit, values, None, True)
                d.region_id = rid
                result.disputes.append(d)
            result.regions.append(region)
            result.sources[rid] = sorted(str(pool[r].id) for r in unit)
            members[rid] = unit
            for r, g in unit.items():
                consensus_of[(r, g.id)] = rid

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
                    task_id=task.id,
                    article_id=task.article_id,
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


def _dispute(
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
    """A dispute on one unit; `who` are the annotators listed (all of them, or those who marked it)."""
    return Dispute(
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


def _span(unit: Mapping[str, Region]) -> tuple[int, int]:
    counts = Counter((g.start, g.end) for g in unit.values())
    top = max(counts.values())
    tied = [s for s, c in counts.items() if c == top]

    def closeness(span: tuple[int, int]) -> float:
        probe = Region("", "", span[0], span[1], "")
        return sum(span_iou(probe, g) for g in unit.values())

    return min(tied, key=lambda s: (-closeness(s), s))


def _vote(values: list[Any]) -> tuple[Any, bool]:
    """The value given most often, and whether two or more values share the top count."""
    if not values:
        return None, False
    counts = Counter(values).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None, True
    return counts[0][0], False


def _norm(value: AttributeValue) -> _Value:
    """A value made comparable: whitespace collapsed, lists as sorted tuples, empty as None."""
    if value is None:
        return None
    if isinstance(value, list):
        return tuple(sorted({str(v) for v in value})) or None
    return " ".join(str(value).split()) or None


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def _original(unit: Mapping[str, Region], attr: str, winner: _Value) -> AttributeValue:
    """The winning value as one annotator wrote it (first annotator by name who gave it)."""
    for r in sorted(unit):
        value = unit[r].attributes.get(attr)
        if _norm(value) == winner:
            return list(value) if isinstance(value, list) else value
    return _plain(winner)


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


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _fmt(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.3f}"
