"""Validation of annotations against a schema: every defect named by code, task, annotation and region.

Label Studio checks almost nothing a team cares about; this module checks what
the schema says. It reads records (`annot.convert` makes them) and returns data.

Codes (a user filters on them, like a linter's rule codes; a contract, docs/architecture.md):

    span-out-of-range    the offsets fall outside the article text, or the span is empty
    span-text-mismatch   the region's stored text is not the article text at its offsets
    unknown-label        the region's label is not a span label of the schema
    unknown-choice       a choice value the attribute does not offer (or two for a single choice)
    missing-required     a required attribute has no value
    unattributed-claim   a claim has no attribution relation to a speaker
    dangling-relation    a relation points at a region the annotation does not have
    bad-relation         a relation with no type, an unknown type, or ends of the wrong labels
    unknown-attribute    a per-region value for a control its region's label does not have
    unreadable-result    a result Label Studio should not have stored (no offsets, no id, ...)
    not-annot-task       the task has no `article_id`: it was not made by annot, so it is not guessed at

Whitespace rule: the offsets are the truth (the published text is always cut
from the article at the offsets). The region's stored text is compared with
the article text at those offsets after collapsing every run of whitespace
(spaces, tabs, newlines, no-break spaces) into one space and trimming both ends,
because the browser's selection can turn a newline into a space or drop a
trailing one; and Label Studio 1.23 stores a line break inside a selection as
the two characters backslash and n, read back as the line break. Any other
difference, one letter or one punctuation mark, is a `span-text-mismatch`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annot.records import Annotation, AttributeValue, Region, Task
from annot.schema import Attribute, Schema

SPAN_OUT_OF_RANGE = "span-out-of-range"
SPAN_TEXT_MISMATCH = "span-text-mismatch"
UNKNOWN_LABEL = "unknown-label"
UNKNOWN_CHOICE = "unknown-choice"
MISSING_REQUIRED = "missing-required"
UNATTRIBUTED_CLAIM = "unattributed-claim"
DANGLING_RELATION = "dangling-relation"
BAD_RELATION = "bad-relation"
UNKNOWN_ATTRIBUTE = "unknown-attribute"
UNREADABLE_RESULT = "unreadable-result"
NOT_ANNOT_TASK = "not-annot-task"

CODES = (
    SPAN_OUT_OF_RANGE,
    SPAN_TEXT_MISMATCH,
    UNKNOWN_LABEL,
    UNKNOWN_CHOICE,
    MISSING_REQUIRED,
    UNATTRIBUTED_CLAIM,
    DANGLING_RELATION,
    BAD_RELATION,
    UNKNOWN_ATTRIBUTE,
    UNREADABLE_RESULT,
    NOT_ANNOT_TASK,
)

# Longer texts are cut in messages, so one line stays readable.
MAX_QUOTE = 60
RELATION_DIRECTIONS = ("right", "left", "bi")


@dataclass(slots=True, frozen=True)
class Problem:
    """One defect, located as precisely as it can be."""

    task_id: int | None
    annotation_id: int | str | None
    region_id: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = [f"task {self.task_id}"]
        if self.annotation_id is not None:
            where.append(f"annotation {self.annotation_id}")
        if self.region_id is not None:
            where.append(f"region {self.region_id}")
        return f"{', '.join(where)}: {self.code}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "annotation_id": self.annotation_id,
            "region_id": self.region_id,
            "code": self.code,
            "message": self.message,
        }


@dataclass(slots=True)
class Report:
    """The outcome of validating an export.

    `annotations` counts completed annotations; cancelled ones (a skipped task)
    are counted in `skipped` and not validated. `valid` annotations have no
    problem. `unannotated` counts tasks with no completed annotation.
    """

    problems: list[Problem] = field(default_factory=list)
    tasks: int = 0
    annotations: int = 0
    valid: int = 0
    skipped: int = 0
    unannotated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def invalid_annotations(self) -> dict[int | str | None, list[str]]:
        """Annotation id -> the codes of its problems, each once, in order of appearance."""
        invalid: dict[int | str | None, list[str]] = {}
        for p in self.problems:
            if p.annotation_id is None:
                continue
            codes = invalid.setdefault(p.annotation_id, [])
            if p.code not in codes:
                codes.append(p.code)
        return invalid

    def counts(self) -> dict[str, int]:
        """Code -> number of problems with that code."""
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.code] = counts.get(p.code, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """The `annot validate --json` report (a contract: docs/architecture.md, "Commands")."""
        return {
            "errors": [p.to_json() for p in self.problems],
            "tasks": self.tasks,
            "annotations": self.annotations,
            "valid": self.valid,
            "skipped": self.skipped,
            "unannotated": self.unannotated,
            "counts": self.counts(),
        }


def validate(tasks: Iterable[Task], schema: Schema) -> Report:
    """Validate every completed annotation of every task; predictions are not validated."""
    report = Report()
    problems = report.problems
    for task in tasks:
        report.tasks += 1
        completed = 0
        foreign = not task.article_id
        for ann in task.annotations:
            if ann.cancelled:
                report.skipped += 1
                continue
            completed += 1
            found = validate_annotation(task, ann, schema)
            if foreign:
                found.insert(0, _foreign(task, ann.id))
            if found:
                problems.extend(found)
            else:
                report.valid += 1
        report.annotations += completed
        if not completed:
            report.unannotated += 1
            if foreign:
                problems.append(_foreign(task, None))
    return report


def _foreign(task: Task, annotation_id: int | str | None) -> Problem:
    return Problem(
        task.id,
        annotation_id,
        None,
        NOT_ANNOT_TASK,
        "the task has no article_id in its data, so annot did not make it; import articles with `annot push`",
    )


def validate_annotation(task: Task, annotation: Annotation, schema: Schema) -> list[Problem]:
    """The problems of one annotation of a task, in the order of its results."""
    problems: list[Problem] = []
    tid, aid = task.id, annotation.id

    def report(region_id: str | None, code: str, message: str) -> None:
        problems.append(Problem(tid, aid, region_id, code, message))

    for rid, reason in annotation.unreadable:
        report(rid, UNREADABLE_RESULT, reason)
    text = task.text
    spans = schema.spans
    regions: dict[str, Region] = {}
    for region in annotation.regions:
        regions[region.id] = region
        _check_span(region, text, report)
        span = spans.get(region.label)
        if span is None:
            known = _names(spans)
            report(region.id, UNKNOWN_LABEL, f"{_quote(region.label)} is not a span label of the schema ({known})")
            continue
        declared = span.attributes
        for name, value in region.attributes.items():
            attr = declared.get(name)
            if attr is None:
                owner = schema.attribute_owner.get(name)
                where = f"; {name} belongs to {owner} regions" if owner else ", and the schema has no such control"
                report(region.id, UNKNOWN_ATTRIBUTE, f"the {region.label} region has a {name} value{where}")
            elif attr.type != "text":
                _check_choice(region, name, attr, value, report)
        for name, attr in declared.items():
            if attr.required and _empty(region.attributes.get(name)):
                what = f"the {region.label} {_quote(region.text)}"
                report(region.id, MISSING_REQUIRED, f"{what} has no {name} (required)")
    attributed = _check_relations(annotation, regions, schema, report)
    attribution = schema.attribution
    if attribution is not None:
        for region in annotation.regions:
            if region.label == attribution.claim and region.id not in attributed:
                report(
                    region.id,
                    UNATTRIBUTED_CLAIM,
                    f"the {region.label} {_quote(region.text)} has no {attribution.relation} relation "
                    f"to a {attribution.speaker}",
                )
    return problems


def _check_span(region: Region, text: str, report: Any) -> None:
    start, end = region.start, region.end
    if start < 0 or end > len(text) or start >= end:
        if start >= end and 0 <= start <= len(text):
            why = f"the region is empty or reversed (start {start}, end {end})"
        else:
            why = f"the region spans {start}..{end} but the text has {len(text)} characters"
        report(region.id, SPAN_OUT_OF_RANGE, why)
        return
    actual = text[start:end]
    stored = region.text
    if stored == actual or not stored:
        return  # no stored text (Label Studio did not save it): the offsets stand alone
    if _same_words(stored, actual):
        return
    # Label Studio 1.23 stores a line break inside a selection as the two characters
    # backslash and n (seen in a real browser); read them back as the line break they were
    if "\\n" in stored and _same_words(stored.replace("\\n", "\n"), actual):
        return
    report(
        region.id,
        SPAN_TEXT_MISMATCH,
        f"the region says {_quote(stored)} but the text at {start}..{end} is {_quote(actual)}",
    )


def _check_choice(region: Region, name: str, attr: Attribute, value: AttributeValue, report: Any) -> None:
    offered = attr.offered
    if value is None:
        return
    if isinstance(value, str):
        values = [value]
    else:
        values = value
        if attr.type == "choice" and len(values) > 1:
            report(region.id, UNKNOWN_CHOICE, f"{name} takes one choice, the region has {len(values)}: {values}")
            return
    for v in values:
        if v not in offered:
            options = ", ".join(c.value for c in attr.choices)
            report(region.id, UNKNOWN_CHOICE, f"{_quote(v)} is not a {name} choice ({options})")


def _check_relations(annotation: Annotation, regions: dict[str, Region], schema: Schema, report: Any) -> set[str]:
    """Report relation problems; return the ids of claims attributed to a speaker."""
    attributed: set[str] = set()
    attribution = schema.attribution
    for rel in annotation.relations:
        src, dst = regions.get(rel.from_id), regions.get(rel.to_id)
        what = f"the {rel.label} relation" if rel.label else "a relation"
        if src is None or dst is None:
            missing = rel.from_id if src is None else rel.to_id
            end = "from" if src is None else "to"
            # located at the end that exists, which the annotator can find and fix
            present = rel.to_id if src is None and dst is not None else rel.from_id
            report(
                present,
                DANGLING_RELATION,
                f"{what} from {rel.from_id} to {rel.to_id} points {end} {missing}, which is not a region here",
            )
            continue
        kind = schema.relations.get(rel.label)
        if not rel.label:
            report(rel.from_id, BAD_RELATION, f"the relation from {rel.from_id} to {rel.to_id} has no type")
            continue
        if kind is None:
            report(
                rel.from_id,
                BAD_RELATION,
                f"{_quote(rel.label)} is not a relation of the schema ({_names(schema.relations)})",
            )
            continue
        if rel.from_id == rel.to_id:
            report(rel.from_id, BAD_RELATION, f"{what} joins region {rel.from_id} to itself")
            continue
        if rel.direction not in RELATION_DIRECTIONS:
            report(rel.from_id, BAD_RELATION, f"{what} has direction {_quote(rel.direction)}, not right, left or bi")
            continue
        first, second = (dst, src) if rel.direction == "left" else (src, dst)
        pair = (first.label, second.label)
        if kind.directed:
            if rel.direction == "bi":
                report(rel.from_id, BAD_RELATION, f"{rel.label} goes one way ({' to '.join(kind.between)}); not both")
                continue
            fits = pair == tuple(kind.between)
        else:
            fits = pair == tuple(kind.between) or pair[::-1] == tuple(kind.between)
        if not fits:
            need = " to ".join(kind.between) if kind.directed else " and ".join(kind.between)
            report(
                rel.from_id,
                BAD_RELATION,
                f"{rel.label} joins {need}, but this one joins {first.label} {first.id} to {second.label} {second.id}",
            )
            continue
        if attribution is not None and rel.label == attribution.relation:
            for end_region in (src, dst):
                if end_region.label == attribution.claim:
                    attributed.add(end_region.id)
    return attributed


def _same_words(a: str, b: str) -> bool:
    """Equal after collapsing every run of whitespace to one space and trimming."""
    return a.split() == b.split()


def _empty(value: AttributeValue) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return not value


def _quote(text: str) -> str:
    if len(text) > MAX_QUOTE:
        text = text[: MAX_QUOTE - 1] + "…"
    return '"' + text.replace("\n", "\\n") + '"'


def _names(mapping: dict[str, Any]) -> str:
    return ", ".join(mapping) or "none"
