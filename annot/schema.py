"""Annotation schemas: load a schema file and render what it generates.

One YAML file in `schemas/` is the single source of truth. From it come the
Label Studio labeling config (`label_config`), the pydantic models of the
records and dataset rows (`record_models`), the `datasets.Features` of the
published dataset (`features`) and the guidelines shown to annotators
(`guidelines_html`). The validation rules in `annot.validate` read it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from xml.sax.saxutils import quoteattr

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from annot.errors import SchemaError

if TYPE_CHECKING:
    import datasets

# Keys Label Studio's labeling screen binds for itself; a schema hotkey must not take them.
RESERVED_HOTKEYS = frozenset(
    {
        # read from Label Studio 1.23's built-in keymap; e.g. `u` unselects the region,
        # so a choice bound to `u` could never be chosen by key (seen in the browser test)
        "ctrl+enter",
        "ctrl+z",
        "ctrl+shift+z",
        "backspace",
        "escape",
        "alt+r",
        "u",
        "enter",
        "delete",
        "ctrl+space",
        "ctrl+backspace",
        "ctrl+d",
        "ctrl+h",
        "alt+h",
        "alt+l",
        "alt+m",
        "alt+.",
    }
)

NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    value: str = Field(min_length=1)
    hotkey: str | None = None
    description: str | None = None


class Attribute(_Strict):
    """A per-region control: shown when a region of its label is selected."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    type: Literal["choice", "multichoice", "text"]
    required: bool = False
    heading: str | None = None
    description: str | None = None
    column: str | None = None  # name in the dataset, if not the attribute's own
    choices: list[Choice] = []

    @field_validator("choices", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"value": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _choices_fit_type(self) -> Attribute:
        if self.type == "text" and self.choices:
            raise ValueError("a text attribute has no choices; use type: choice")
        if self.type != "text" and not self.choices:
            raise ValueError("must list at least one choice")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError(f"choices repeat a value: {values}")
        return self

    @cached_property
    def offered(self) -> frozenset[str]:
        """The choice values, for fast membership tests while validating."""
        return frozenset(c.value for c in self.choices)


class SpanLabel(_Strict):
    description: str | None = None
    color: str | None = None
    hotkey: str | None = None
    column: str | None = None  # list column in the `documents` config
    attributes: dict[str, Attribute] = {}


class RelationType(_Strict):
    between: tuple[str, str]
    directed: bool = True
    description: str | None = None


class Attribution(_Strict):
    """Which relation attributes a claim (the `claim` label) to its speakers."""

    relation: str
    speaker: str
    claim: str
    name_attribute: str | None = None  # the Speaker attribute holding the canonical name


class Unit(_Strict):
    """The label that becomes one row of the per-unit config (news-stance: `claims`)."""

    label: str
    config: str = Field(pattern=NAME)
    context: Literal["sentence", "paragraph"] = "sentence"


class Change(_Strict):
    """One entry of a schema's change log: what became of a span label or choice value at `version`.

    Without `attribute` it names span labels; with it, the choices of that attribute. Exactly one of
    `rename` (with `to`), `merge` (with `into`), `split` (with `into`, a list, and `becomes`: what the
    existing regions take) or `remove` (with `becomes`: another value, or none: a removed label's
    regions are deleted with their attributes and relations, a removed choice is unset).
    """

    version: int = Field(ge=2)
    attribute: str | None = None
    rename: str | None = None
    merge: list[str] | None = None
    split: str | None = None
    remove: str | None = None
    to: str | None = None
    into: str | list[str] | None = None
    becomes: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Change:
        kinds = [k for k in ("rename", "merge", "split", "remove") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a change is exactly one of rename, merge, split or remove")
        if self.rename is not None and (self.to is None or self.into is not None or self.becomes is not None):
            raise ValueError(f"rename {self.rename}: give the new name as `to`")
        if self.merge is not None and (not isinstance(self.into, str) or len(self.merge) < 2):
            raise ValueError("merge: list two or more values and the one they become as `into`")
        if self.split is not None and (
            not isinstance(self.into, list) or len(self.into) < 2 or self.becomes not in self.into
        ):
            raise ValueError(
                f"split {self.split}: list the new values as `into` and name in `becomes` which of them "
                "the existing regions take"
            )
        if self.remove is not None and (self.to is not None or self.into is not None):
            raise ValueError(f"remove {self.remove}: say what its regions become with `becomes` (or leave it out)")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("rename", "merge", "split", "remove") if getattr(self, k) is not None)

    @property
    def what(self) -> str:
        return f"choice {self.attribute}" if self.attribute else "label"

    def sources(self) -> list[str]:
        """The values this change takes out of use (or, for a split or a merge into one of them, re-reads)."""
        if self.merge is not None:
            return list(self.merge)
        return [v for v in (self.rename, self.split, self.remove) if v is not None]

    def targets(self) -> list[str]:
        """The values this change brings in or keeps."""
        if self.rename is not None:
            return [self.to] if self.to else []
        if isinstance(self.into, list):
            return list(self.into)
        if isinstance(self.into, str):
            return [self.into]
        return [self.becomes] if self.becomes else []

    def mapping(self) -> dict[str, str | None]:
        """Old value -> what it becomes (None: deleted or unset)."""
        if self.rename is not None:
            return {self.rename: self.to}
        if self.merge is not None:
            return {v: self.into for v in self.merge if v != self.into}  # type: ignore[misc]
        if self.split is not None:
            return {} if self.split == self.becomes else {self.split: self.becomes}
        return {self.remove: self.becomes}  # type: ignore[dict-item]

    def describe(self) -> str:
        """One line for tables and the dataset card, e.g. `rename label Cue to Verb`."""
        q = lambda v: f"`{v}`"  # noqa: E731
        if self.rename is not None:
            text = f"rename {self.what} {q(self.rename)} to {q(self.to)}"
        elif self.merge is not None:
            text = f"merge {self.what} {', '.join(map(q, self.merge))} into {q(self.into)}"
        elif self.split is not None:
            into = ", ".join(map(q, self.into or []))
            text = f"split {self.what} {q(self.split)} into {into} (existing regions become {q(self.becomes)})"
        else:
            if self.becomes:
                fate = f"its regions become {q(self.becomes)}"
            else:
                fate = "its regions are deleted" if not self.attribute else "the value is unset"
            text = f"remove {self.what} {q(self.remove)} ({fate})"
        return text + (f": {self.note}" if self.note else "")


class Schema(_Strict):
    """A schema file, validated. Build with `load_schema`."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: int = Field(ge=1)
    title: str | None = None
    description: str | None = None
    language: str = "en"
    license: str = "cc-by-4.0"
    guidelines: str | None = None  # file beside the schema, Markdown
    text: str = Field(default="text", pattern=NAME)
    title_field: str | None = Field(default="title", pattern=NAME)
    span_control: str = Field(default="mention", pattern=NAME)
    spans: dict[str, SpanLabel] = Field(min_length=1)
    relations: dict[str, RelationType] = {}
    attribution: Attribution | None = None
    unit: Unit | None = None
    changes: list[Change] = []  # the change log from earlier versions, oldest first
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> Schema:
        labels = set(self.spans)
        names: dict[str, str] = {self.text: "text", self.span_control: "span_control"}
        hotkeys: dict[str, str] = {}

        def claim_hotkey(key: str | None, where: str) -> None:
            if key is None:
                return
            if key.lower() in RESERVED_HOTKEYS:
                raise ValueError(f"{where}: hotkey {key!r} is Label Studio's own; choose another")
            if key in hotkeys:
                raise ValueError(f"{where}: hotkey {key!r} is already used by {hotkeys[key]}")
            hotkeys[key] = where

        for label, span in self.spans.items():
            claim_hotkey(span.hotkey, f"spans.{label}")
            for attr_name, attr in span.attributes.items():
                where = f"spans.{label}.attributes.{attr_name}"
                if not re.match(NAME, attr_name):
                    raise ValueError(f"{where}: name must be letters, digits and _")
                if attr_name in names:
                    raise ValueError(f"{where}: name already used by {names[attr_name]}; control names must be unique")
                names[attr_name] = where
                for choice in attr.choices:
                    claim_hotkey(choice.hotkey, f"{where}.choices.{choice.value}")
        for rel_name, rel in self.relations.items():
            for end in rel.between:
                if end not in labels:
                    raise ValueError(f"relations.{rel_name}.between: {end!r} is not a span label ({sorted(labels)})")
        if self.attribution:
            a = self.attribution
            if a.relation not in self.relations:
                raise ValueError(f"attribution.relation: {a.relation!r} is not a relation")
            if {a.speaker, a.claim} != set(self.relations[a.relation].between):
                raise ValueError(f"attribution: relation {a.relation!r} must join {a.speaker} and {a.claim}")
            if a.name_attribute and a.name_attribute not in self.spans[a.speaker].attributes:
                raise ValueError(f"attribution.name_attribute: {a.speaker} has no attribute {a.name_attribute!r}")
        if self.unit and self.unit.label not in labels:
            raise ValueError(f"unit.label: {self.unit.label!r} is not a span label")
        self._check_changes()
        return self

    # -- versions and the change log -------------------------------------------------

    def controls(self) -> dict[str, set[str]]:
        """Control name -> the values it offers now: the span labels, and each choice attribute's choices."""
        found = {self.span_control: set(self.spans)}
        for span in self.spans.values():
            for name, attr in span.attributes.items():
                if attr.type != "text":
                    found[name] = set(attr.offered)
        return found

    def control_of(self, change: Change) -> str:
        return change.attribute or self.span_control

    def _check_changes(self) -> None:
        """Walk the change log back from this version; a ValueError names the first change that does
        not fit: its version is out of order, it names a value this version does not have, or it
        brings back a value taken out of use (old annotations would take it)."""
        values = {control: set(v) for control, v in self.controls().items()}
        current = {control: set(v) for control, v in values.items()}
        last = 0
        for i, change in enumerate(self.changes):
            where = f"changes[{i}]"
            if change.version > self.version:
                raise ValueError(f"{where}: version {change.version} is newer than the schema's version {self.version}")
            if change.version < last:
                raise ValueError(
                    f"{where}: version {change.version} comes after version {last}; list changes oldest first"
                )
            last = change.version
            if change.attribute is not None and change.attribute not in current:
                raise ValueError(f"{where}: the schema has no choice attribute {change.attribute!r}")
            control = self.control_of(change)
            for source in change.sources():
                if source in current[control] and source not in change.targets():
                    raise ValueError(
                        f"{where}: {change.kind} {change.what} {source!r}, but the schema still has it; "
                        "a value taken out of use cannot come back (old annotations would take it)"
                    )
        for i, change in enumerate(reversed(self.changes)):
            where = f"changes[{len(self.changes) - 1 - i}]"
            have = values[self.control_of(change)]
            thing = change.what
            for target in change.targets():
                if target not in have:
                    raise ValueError(
                        f"{where}: {change.describe()}, but version {change.version} has no {thing} {target!r}"
                    )
            for source in change.sources():
                if source in have and source not in change.targets():
                    raise ValueError(f"{where}: {change.describe()}, but version {change.version} still has {source!r}")
            # a merge into a value that existed before lists it among the merged ones
            if change.rename is not None or (change.merge is not None and change.into not in change.sources()):
                have.difference_update(change.targets())
            elif change.split is not None:
                have.difference_update(set(change.targets()) - {change.split})
            have.update(change.sources())

    @cached_property
    def migrations(self) -> dict[str, dict[str, str | None]]:
        """Control name -> {old value: its value now (None: removed)}, the change log composed."""
        composed: dict[str, dict[str, str | None]] = {}
        for change in self.changes:
            mapping = composed.setdefault(self.control_of(change), {})
            step = change.mapping()
            for old, new in mapping.items():
                if new in step:
                    mapping[old] = step[new]
            for old, new in step.items():
                mapping.setdefault(old, new)
        return {control: m for control, m in composed.items() if m}

    # -- lookups used by convert, validate and dataset -------------------------

    @cached_property
    def attribute_owner(self) -> dict[str, str]:
        """Attribute (control) name -> the span label it belongs to."""
        return {name: label for label, span in self.spans.items() for name in span.attributes}

    def attribute(self, name: str) -> Attribute:
        return self.spans[self.attribute_owner[name]].attributes[name]

    def column(self, label: str) -> str:
        return self.spans[label].column or f"{label.lower()}s"


def load_schema(path: str | Path) -> Schema:
    """Read and check a schema file; any mistake is a SchemaError naming the field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise SchemaError(f"{path}: cannot read the schema ({e.strerror}); check the path in annot.toml") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SchemaError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(raw, dict):
        raise SchemaError(f"{path}: a schema is a YAML mapping with name, version and spans")
    try:
        return Schema.model_validate({**raw, "path": path})
    except ValidationError as e:
        raise SchemaError(f"{path}: {describe_errors(e)}") from None


def describe_errors(error: ValidationError) -> str:
    """Flatten a pydantic error into `field.path: message` parts, joined by '; '."""
    parts = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


# -- Label Studio labeling config ----------------------------------------------


def label_config(schema: Schema) -> str:
    """The Label Studio XML labeling config for this schema.

    Per-region controls are never marked `required`: Label Studio 1.23 then
    demands them of every region and blocks a correct submit (seen in a real browser).
    Required attributes are enforced by `annot.validate` instead.
    """
    text = schema.text
    lines = ["<View>"]
    if schema.title_field:
        lines.append(f'  <Header value="${schema.title_field}"/>')
    lines.append(f'  <Text name="{text}" value="${text}" valueType="text"/>')
    lines.append(f'  <Labels name="{schema.span_control}" toName="{text}">')
    for label, span in schema.spans.items():
        attrs = f"value={quoteattr(label)}"
        if span.color:
            attrs += f" background={quoteattr(span.color)}"
        if span.hotkey:
            attrs += f" hotkey={quoteattr(span.hotkey)}"
        if span.description:
            attrs += f" hint={quoteattr(span.description)}"
        lines.append(f"    <Label {attrs}/>")
    lines.append("  </Labels>")
    if schema.relations:
        lines.append("  <Relations>")
        for rel in schema.relations:
            lines.append(f"    <Relation value={quoteattr(rel)}/>")
        lines.append("  </Relations>")
    for label, span in schema.spans.items():
        for name, attr in span.attributes.items():
            when = f'visibleWhen="region-selected" whenLabelValue={quoteattr(label)}'
            heading = attr.heading or name.replace("_", " ").capitalize()
            if attr.required:
                heading += " (required)"
            lines.append(f"  <View {when}>")
            lines.append(f'    <Header value={quoteattr(heading)} size="5"/>')
            common = f'name="{name}" toName="{text}" perRegion="true" {when}'
            if attr.type == "text":
                lines.append(f'    <TextArea {common} editable="true" maxSubmissions="1" rows="1"/>')
            else:
                mode = "single-radio" if attr.type == "choice" else "multiple"
                lines.append(f'    <Choices {common} choice="{mode}" showInline="true">')
                for c in attr.choices:
                    extra = f" hotkey={quoteattr(c.hotkey)}" if c.hotkey else ""
                    if c.description:
                        extra += f" hint={quoteattr(c.description)}"
                    lines.append(f"      <Choice value={quoteattr(c.value)}{extra}/>")
                lines.append("    </Choices>")
            lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


# -- datasets.Features ------------------------------------------------------------

ARTICLE_COLUMNS = ("title", "text", "source", "author", "published", "url")


def _attribute_feature(attr: Attribute) -> Any:
    import datasets

    if attr.type == "text":
        return datasets.Value("string")
    label = datasets.ClassLabel(names=[c.value for c in attr.choices])
    return label if attr.type == "choice" else datasets.Sequence(label)


def features(schema: Schema, config: str = "documents") -> datasets.Features:
    """The `datasets.Features` of the `documents` config or the per-unit config."""
    import datasets

    string = datasets.Value("string")
    offset = datasets.Value("int32")
    if config == "documents":
        cols: dict[str, Any] = {"id": string, **{c: string for c in ARTICLE_COLUMNS}}
        for label, span in schema.spans.items():
            item: dict[str, Any] = {"id": string, "start": offset, "end": offset, "text": string}
            for name, attr in span.attributes.items():
                item[attr.column or name] = _attribute_feature(attr)
            if schema.attribution and label == schema.attribution.claim:
                item["speaker_ids"] = datasets.Sequence(string)
            item["annotation_ids"] = datasets.Sequence(string)
            item["disputed"] = datasets.Sequence(string)
            cols[schema.column(label)] = [item]
        for rel in schema.relations:
            if schema.attribution and rel == schema.attribution.relation:
                continue
            cols[rel] = [{"from_id": string, "to_id": string}]
        cols["annotators"] = datasets.Sequence(string)
        cols["annotation_ids"] = datasets.Sequence(string)
        return datasets.Features(cols)
    if schema.unit is None or config != schema.unit.config:
        raise SchemaError(f"schema {schema.name} has no dataset config {config!r}")
    span = schema.spans[schema.unit.label]
    cols = {
        "id": string,
        "document_id": string,
        "text": string,
        "start": offset,
        "end": offset,
        "context": string,
    }
    if schema.attribution:
        cols["speaker"] = string
    for name, attr in span.attributes.items():
        cols[attr.column or name] = _attribute_feature(attr)
    return datasets.Features(cols)


def configs(schema: Schema) -> list[str]:
    """The dataset's config names, default first."""
    return ["documents"] + ([schema.unit.config] if schema.unit else [])


# -- pydantic models of the records ------------------------------------------------


@dataclass(frozen=True)
class RecordModels:
    """Pydantic models generated from a schema.

    `regions`: span label -> the model of one region as a record holds it
    (`Region` fields plus its attributes by name; required attributes must be
    set, choices are `Literal`s). `rows`: dataset config -> the model of one
    row, with the same columns as `features(schema, config)`; attribute columns
    are optional there, since a disputed value is published as none.
    """

    regions: dict[str, type[BaseModel]]
    rows: dict[str, type[BaseModel]]


def _model_name(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for part in parts for p in re.split(r"[^A-Za-z0-9]+", part) if p)


def _attribute_type(attr: Attribute) -> Any:
    if attr.type == "text":
        return str
    choice = Literal[tuple(c.value for c in attr.choices)]  # type: ignore[valid-type]
    return choice if attr.type == "choice" else list[choice]  # type: ignore[valid-type]


def _region_field(attr: Attribute) -> tuple[Any, Any]:
    kind = _attribute_type(attr)
    if attr.required:
        return (kind, Field(min_length=1) if attr.type != "choice" else ...)
    return (kind | None, None)


def _row_field(attr: Attribute) -> tuple[Any, Any]:
    return (_attribute_type(attr) | None, None)


def record_models(schema: Schema) -> RecordModels:
    """The pydantic models of the records and of the dataset rows this schema describes."""
    config = ConfigDict(extra="forbid")
    prefix = _model_name(schema.name)
    offsets: dict[str, Any] = {"id": (str, ...), "start": (int, Field(ge=0)), "end": (int, Field(ge=0))}
    regions: dict[str, type[BaseModel]] = {}
    items: dict[str, type[BaseModel]] = {}
    for label, span in schema.spans.items():
        attrs = {name: _region_field(attr) for name, attr in span.attributes.items()}
        regions[label] = create_model(  # type: ignore[call-overload]
            _model_name(prefix, label, "Region"), __config__=config, **offsets, text=(str, ...), **attrs
        )
        columns: dict[str, Any] = {**offsets, "text": (str, ...)}
        columns.update({attr.column or name: _row_field(attr) for name, attr in span.attributes.items()})
        if schema.attribution and label == schema.attribution.claim:
            columns["speaker_ids"] = (list[str], [])
        columns["annotation_ids"] = (list[str], [])
        columns["disputed"] = (list[str], [])
        items[label] = create_model(  # type: ignore[call-overload]
            _model_name(prefix, label, "Item"), __config__=config, **columns
        )
    optional_str = (str | None, None)
    doc: dict[str, Any] = {"id": (str, ...), **{c: optional_str for c in ARTICLE_COLUMNS}}
    for label, model in items.items():
        doc[schema.column(label)] = (list[model], [])  # type: ignore[valid-type]
    pair = create_model(_model_name(prefix, "Pair"), __config__=config, from_id=(str, ...), to_id=(str, ...))
    for rel in schema.relations:
        if not (schema.attribution and rel == schema.attribution.relation):
            doc[rel] = (list[pair], [])  # type: ignore[valid-type]
    doc["annotators"] = (list[str], [])
    doc["annotation_ids"] = (list[str], [])
    rows: dict[str, type[BaseModel]] = {
        "documents": create_model(  # type: ignore[call-overload]
            _model_name(prefix, "Document"), __config__=config, **doc
        )
    }
    if schema.unit:
        unit_span = schema.spans[schema.unit.label]
        unit: dict[str, Any] = {
            "id": (str, ...),
            "document_id": (str, ...),
            "text": (str, ...),
            "start": offsets["start"],
            "end": offsets["end"],
            "context": (str, ...),
        }
        if schema.attribution:
            unit["speaker"] = optional_str
        unit.update({attr.column or name: _row_field(attr) for name, attr in unit_span.attributes.items()})
        rows[schema.unit.config] = create_model(  # type: ignore[call-overload]
            _model_name(prefix, schema.unit.config, "Row"), __config__=config, **unit
        )
    return RecordModels(regions=regions, rows=rows)


# -- guidelines -----------------------------------------------------------------------


def guidelines_markdown(schema: Schema) -> str:
    """The annotator guidelines (Markdown) beside the schema, or a summary made from it."""
    if schema.guidelines and schema.path:
        path = schema.path.parent / schema.guidelines
        try:
            return path.read_text(encoding="utf-8")
        except OSError as e:
            raise SchemaError(f"{path}: cannot read the guidelines ({e.strerror})") from None
    lines = [f"# {schema.title or schema.name}", ""]
    for label, span in schema.spans.items():
        lines.append(f"- **{label}**: {span.description or ''}")
    return "\n".join(lines) + "\n"


def guidelines_html(schema: Schema) -> str:
    """The guidelines as HTML, for the Label Studio project's instructions."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(guidelines_markdown(schema))


def as_json(schema: Schema) -> dict[str, Any]:
    """The schema as plain data (for `annot schema render --format json`)."""
    return schema.model_dump(mode="json", exclude_none=True)
