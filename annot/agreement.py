"""Agreement between annotators: span F1, attribution, alpha and kappa per attribute, per pair and per
annotator, and every disputed item.

`measure` reads the tasks once and returns an `AgreementReport`; its `to_json` is
`annot agreement --json` and its `rows` the one table the CLI and the dataset card show.
Pure functions over `annot.records`; the consensus itself is `annot.adjudicate`'s.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from annot.adjudicate import (
    ATTRIBUTE,
    ATTRIBUTION,
    SPAN,
    Adjudicated,
    Comparable,
    Dispute,
    adjudicate,
    as_json,
    comparable,
    majority,
    raters,
)
from annot.records import Annotation, Region, Task
from annot.schema import Schema
from annot.spans import EXACT, OVERLAP_THRESHOLD, match_across, match_spans

ROW_COLUMNS = ("measure", "of", "score", "items")
NOT_DEFINED = "—"


# -- results ------------------------------------------------------------------------------


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
    are matched to the consensus regions (`spans.match_spans`, overlap threshold); `accuracy` is, per
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


# -- tallies ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Share:
    """How many of some pairs (of annotators, of values) agree."""

    agreeing: int = 0
    total: int = 0

    def add(self, same: bool) -> None:
        self.agreeing += same
        self.total += 1

    def ratio(self) -> float | None:
        return _ratio(self.agreeing, self.total)


@dataclass(slots=True)
class _SpanTally:
    """Span matches summed over (task, annotator pair) comparisons; F1 = 2·matches / regions of both."""

    exact: int = 0  # regions matched with the same offsets
    overlap: int = 0  # regions matched with IoU >= the threshold
    size: int = 0  # regions of both annotators, summed over comparisons
    comparisons: int = 0
    regions: int = 0  # regions of all annotators on the compared tasks

    def add(self, exact: int, overlap: int, size: int) -> None:
        self.exact += exact
        self.overlap += overlap
        self.size += size
        self.comparisons += 1

    def score(self, label: str, comparisons: int | None = None) -> SpanScore:
        return SpanScore(
            label,
            _ratio(2 * self.exact, self.size),
            _ratio(2 * self.overlap, self.size),
            self.regions,
            self.comparisons if comparisons is None else comparisons,
        )


@dataclass(slots=True)
class _PairTally:
    """Two annotators on the tasks both annotated."""

    spans: _SpanTally = field(default_factory=_SpanTally)  # all labels together
    tasks: int = 0
    attribution: _Share = field(default_factory=_Share)


@dataclass(slots=True)
class _AnnotatorTally:
    """One annotator's work, and their regions and values against the consensus."""

    annotations: int = 0
    tasks: int = 0  # tasks with two or more annotators
    regions: int = 0
    consensus: int = 0
    matched: int = 0
    accuracy: dict[str, _Share] = field(default_factory=dict)  # attribute -> their value is the consensus's


Unit = dict[str, Region]  # one region per annotator who marked it (`spans.match_across`)


class _Tally:
    """Everything `measure` counts while it reads the tasks, turned into an `AgreementReport` at the end."""

    def __init__(self, schema: Schema, overlap: float) -> None:
        self.schema = schema
        self.overlap = overlap
        self.report = AgreementReport(overlap_threshold=overlap)
        self.unit_label = schema.unit.label if schema.unit else None
        # the choice attributes of the unit label: those scored with alpha and kappa
        self.choices: list[str] = []
        if self.unit_label:
            attributes = schema.spans[self.unit_label].attributes
            self.choices = [n for n, a in attributes.items() if a.type in ("choice", "multichoice")]
        self.spans = {label: _SpanTally() for label in schema.spans}
        self.values: dict[str, list[dict[str, Comparable]]] = {name: [] for name in self.choices}  # per unit
        self.attribution = _Share()
        self.attribution_items = 0
        self.annotators: set[str] = set()
        self.pairs: dict[tuple[str, str], _PairTally] = {}
        self.people: dict[str, _AnnotatorTally] = {}

    def count(self, named: Mapping[str, Annotation]) -> bool:
        """Count a task and its annotators; True when it has two or more, so agreement is measured on it."""
        self.report.tasks += 1
        for r in named:
            self.people.setdefault(r, _AnnotatorTally()).annotations += 1
        if len(named) < 2:
            if named:
                self.report.single_annotator_tasks += 1
            else:
                self.report.unannotated_tasks += 1
            return False
        self.report.multi_annotator_tasks += 1
        self.annotators.update(named)
        for pair in combinations(named, 2):
            self.pairs.setdefault(pair, _PairTally()).tasks += 1
        for r in named:
            self.people[r].tasks += 1
        return True

    def spans_of(self, task: Task, named: Mapping[str, Annotation], settled: bool) -> dict[str, list[Unit]]:
        """Span F1 per label and per pair; span and attribute disputes. Returns the units per label."""
        units: dict[str, list[Unit]] = {}
        for label, sums in self.spans.items():
            by_rater = {r: [g for g in a.regions if g.label == label] for r, a in named.items()}
            for ra, rb in combinations(named, 2):
                exact = len(match_spans(by_rater[ra], by_rater[rb], EXACT))
                near = len(match_spans(by_rater[ra], by_rater[rb], self.overlap))
                size = len(by_rater[ra]) + len(by_rater[rb])
                sums.add(exact, near, size)
                self.pairs[(ra, rb)].spans.add(exact, near, size)
            sums.regions += sum(len(v) for v in by_rater.values())
            units[label] = match_across(by_rater, self.overlap)
            for unit in units[label]:
                self._unit(task, named, label, unit, settled)
        return units

    def _unit(self, task: Task, named: Mapping[str, Annotation], label: str, unit: Unit, settled: bool) -> None:
        """A unit some annotators left out is a `SPAN` dispute; its attributes' values are compared."""
        n = len(named)
        if len(unit) < n:
            kept, tie = 2 * len(unit) > n, 2 * len(unit) == n
            values = {r: (label if r in unit else None) for r in named}
            d = Dispute.on_unit(task, SPAN, label, None, named, unit, values, label if kept else None, tie)
            self._dispute(d, settled)
        if len(unit) < 2:
            return
        for attr in self.schema.spans[label].attributes:
            given = {r: comparable(region.attributes.get(attr)) for r, region in unit.items()}
            given = {r: v for r, v in given.items() if v is not None}
            if label == self.unit_label and attr in self.values and len(given) >= 2:
                self.values[attr].append(given)
            if len(set(given.values())) > 1:
                winner, tie = majority(list(given.values()))
                plain = {r: as_json(v) for r, v in given.items()}
                d = Dispute.on_unit(task, ATTRIBUTE, label, attr, unit, unit, plain, as_json(winner), tie)
                self._dispute(d, settled)

    def attribution_of(
        self, task: Task, named: Mapping[str, Annotation], units: Mapping[str, list[Unit]], settled: bool
    ) -> None:
        """Per claim marked by two or more: do its annotators give it the same speakers? Disputes where not."""
        att = self.schema.attribution
        if not att:
            return
        speaker_unit = {
            (r, region.id): i for i, unit in enumerate(units.get(att.speaker, [])) for r, region in unit.items()
        }
        for unit in units.get(att.claim, []):
            if len(unit) < 2:
                continue
            self.attribution_items += 1
            sets = {
                r: _speakers(named[r], region, att.relation, att.speaker, speaker_unit, r) for r, region in unit.items()
            }
            for ra, rb in combinations(sorted(sets), 2):
                self.attribution.add(sets[ra] == sets[rb])
                self.pairs[(ra, rb)].attribution.add(sets[ra] == sets[rb])
            if len(set(sets.values())) > 1:
                described = {r: _describe(named[r], region, att.relation, att.speaker) for r, region in unit.items()}
                winner, tie = majority(list(sets.values()))
                most = None
                if winner is not None:
                    most = next(described[r] for r in sorted(sets) if sets[r] == winner)
                d = Dispute.on_unit(task, ATTRIBUTION, att.claim, att.relation, unit, unit, described, most, tie)
                self._dispute(d, settled)

    def against_consensus(self, named: Mapping[str, Annotation], consensus: Adjudicated) -> None:
        """Each annotator's regions matched to the task's consensus, and their unit values against it."""
        for r, annotation in named.items():
            person = self.people[r]
            for label in self.schema.spans:
                mine = [g for g in annotation.regions if g.label == label]
                agreed = [g for g in consensus.regions if g.label == label]
                matched = match_spans(mine, agreed, self.overlap)
                person.regions += len(mine)
                person.consensus += len(agreed)
                person.matched += len(matched)
                if label != self.unit_label:
                    continue
                for given, truth in matched:
                    for name in self.choices:
                        theirs, settled = comparable(given.attributes.get(name)), comparable(truth.attributes.get(name))
                        if theirs is not None and settled is not None:
                            person.accuracy.setdefault(name, _Share()).add(theirs == settled)

    def _dispute(self, dispute: Dispute, settled: bool) -> None:
        dispute.settled = settled
        self.report.disputes.append(dispute)

    def finish(self, by_annotator: bool) -> AgreementReport:
        report = self.report
        report.annotators = sorted(self.annotators)
        report.spans = [sums.score(label) for label, sums in self.spans.items()]
        if report.multi_annotator_tasks:
            labels = self.spans.values()
            total = _SpanTally(
                exact=sum(s.exact for s in labels),
                overlap=sum(s.overlap for s in labels),
                size=sum(s.size for s in labels),
                regions=sum(s.regions for s in labels),
            )
            report.overall = total.score("all", max((s.pairs for s in report.spans), default=0))
        if self.schema.attribution:
            relation = self.schema.attribution.relation
            report.attribution = AttributionScore(relation, self.attribution_items, self.attribution.ratio())
        report.attributes = [_score(name, self.values[name], report.annotators) for name in self.choices]
        report.pairs = [self._pair_score(pair) for pair in sorted(self.pairs)]
        report.annotator_scores = [self._annotator_score(r, by_annotator) for r in sorted(self.people)]
        return report

    def _pair_score(self, pair: tuple[str, str]) -> PairScore:
        ra, rb = pair
        tally = self.pairs[pair]
        spans = tally.spans.score("all")
        scored = PairScore([ra, rb], tally.tasks, spans.exact_f1, spans.overlap_f1, tally.attribution.ratio())
        for name in self.choices:
            both = [(u[ra], u[rb]) for u in self.values[name] if ra in u and rb in u]
            scored.attributes.append(_pair_attribute(name, both))
        return scored

    def _annotator_score(self, annotator: str, by_annotator: bool) -> AnnotatorScore:
        person = self.people[annotator]
        score = AnnotatorScore(annotator, person.annotations, person.tasks, None, None, None)
        if by_annotator:
            score.regions, score.consensus_regions = person.regions, person.consensus
            score.f1 = _ratio(2 * person.matched, person.regions + person.consensus)
            for name in self.choices:
                share = person.accuracy.get(name, _Share())
                score.accuracy[name] = share.ratio()
                score.accuracy_items[name] = share.total
        return score


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
      are matched one-to-one (`spans.match_spans`, exact and with `overlap`); F1 of a
      pair is 2·matches / (regions of one + regions of the other), symmetric. The
      score is micro-averaged: matches and regions are summed over all (task,
      pair) comparisons first, so a task with many regions weighs more. `overall`
      sums over all labels.
    - Units (claims, speakers) are regions grouped across annotators with
      `spans.match_across`. Attribution: for each claim marked by two or more, each
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
    tally = _Tally(schema, overlap)
    for task in tasks:
        named = raters(task, invalid)
        if not tally.count(named):
            continue
        settled = any(a.ground_truth for a in named.values())
        if by_annotator:
            tally.against_consensus(named, consensus(task) if consensus else adjudicate(task, schema, invalid, overlap))
        units = tally.spans_of(task, named, settled)
        tally.attribution_of(task, named, units, settled)
    return tally.finish(by_annotator)


# -- coefficients ------------------------------------------------------------------------------


def _pair_attribute(name: str, values: list[tuple[Comparable, Comparable]]) -> PairAttribute:
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


def _label(value: Comparable) -> str:
    """A normalised value as text: a multichoice set joined with `+`."""
    return "+".join(value) if isinstance(value, tuple) else str(value)


def _score(name: str, units: list[dict[str, Comparable]], annotators: list[str]) -> AttributeScore:
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


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _fmt(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.3f}"
