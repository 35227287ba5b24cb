"""annot: news articles to a validated, published dataset of who said what, about whom, with which stance.

From Python::

    import annot

    ws = annot.open(".")            # the project of the annot.toml here (or in a parent folder)
    ws.push()                       # articles in, with predictions
    ws.sync()                       # push, pull, validate, publish
    annot.publish_export("export.json", "builtin:news-stance", "exports/news-stance")   # offline

The names below load their modules on first use, so `import annot` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from annot.errors import AnnotError
    from annot.pull import PullResult
    from annot.push import PushResult, RepredictResult
    from annot.workspace import (
        ProjectStatus,
        ReviewTab,
        SyncResult,
        Workspace,
        ingest,
        open,
        publish_export,
    )

# public name -> the module that defines it
_WHERE = {
    "open": "annot.workspace",
    "Workspace": "annot.workspace",
    "publish_export": "annot.workspace",
    "ingest": "annot.workspace",
    "PushResult": "annot.push",
    "RepredictResult": "annot.push",
    "PullResult": "annot.pull",
    "SyncResult": "annot.workspace",
    "ReviewTab": "annot.workspace",
    "ProjectStatus": "annot.workspace",
    "AnnotError": "annot.errors",
}

__all__ = [
    "AnnotError",
    "ProjectStatus",
    "PullResult",
    "PushResult",
    "RepredictResult",
    "ReviewTab",
    "SyncResult",
    "Workspace",
    "ingest",
    "open",
    "publish_export",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'annot' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
