"""The shapes that flow between annot's steps: articles, and annotations as records.

`convert` turns Label Studio's JSON into these; `validate`, `agreement` and
`dataset` read them; nothing here talks to a server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

AttributeValue = str | list[str] | None


class Article(BaseModel):
    """One cleaned article, as annotators will see it (one line of `annot ingest --json`; docs/architecture.md)."""

    id: str
    title: str
    text: str
    source: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date
    url: str | None = None
    origin: str  # "path" or "path:line" for JSONL
    warnings: list[str] = []

    def task_data(self) -> dict[str, Any]:
        """The `data` of the Label Studio task for this article (a contract: docs/architecture.md, "Tasks pushed")."""
        return {
            "article_id": self.id,
            "title": self.title,
            "text": self.text,
            "source": self.source,
            "author": self.author,
            "published": self.published,
            "url": self.url,
        }


@dataclass(slots=True)
class Region:
    """A labeled span with the per-region attributes that share its region id."""

    id: str
    label: str
    start: int
    end: int
    text: str
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    score: float | None = None  # a prediction's confidence, 0..1 (annot.model); None in annotations
    attribute_scores: dict[str, float] = field(default_factory=dict)  # a prediction's confidence per attribute


@dataclass(slots=True)
class Relation:
    """A relation between two regions, as drawn (direction kept as Label Studio stored it)."""

    from_id: str
    to_id: str
    label: str
    direction: str = "right"


@dataclass(slots=True)
class Annotation:
    """One annotator's (or one model's) work on one task."""

    id: int | str | None
    task_id: int | None
    regions: list[Region] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    annotator: str | None = None  # e-mail or user id as a string
    ground_truth: bool = False
    cancelled: bool = False
    updated_at: str | None = None
    created_at: str | None = None
    lead_time: float | None = None  # seconds the annotator spent, as Label Studio measured it
    # results that could not be read as a region or relation: (result id, reason)
    unreadable: list[tuple[str | None, str]] = field(default_factory=list)
    score: float | None = None  # a prediction's overall confidence, 0..1 (annot.model)


@dataclass(slots=True)
class Task:
    """A Label Studio task: its data, its annotations and its predictions."""

    id: int | None
    data: dict[str, Any]
    annotations: list[Annotation] = field(default_factory=list)
    predictions: list[Annotation] = field(default_factory=list)

    @property
    def article_id(self) -> str | None:
        return self.data.get("article_id")

    @property
    def text(self) -> str:
        return self.data.get("text") or ""
