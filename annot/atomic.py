"""Files written whole or not at all: a temporary file beside the target replaces it in one step.

A crash, a full disk or Ctrl-C leaves the previous file (or none), never half of one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def replacing(path: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside `path` to write to; on success it becomes `path`, on an error it is removed.

    `mode` (e.g. 0o600 for a file holding a key) is the temporary file's from its creation, so what is
    written is never readable by more people than the finished file; it is set again (past the umask)
    before the file takes its place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if mode is not None:
            tmp.unlink(missing_ok=True)  # a leftover of this pid would keep its own mode
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
        yield tmp
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    with replacing(path, mode) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    with replacing(path, mode) as tmp:
        tmp.write_bytes(data)


def write_json(path: Path, data: Any, *, mode: int | None = None, **dumps: Any) -> None:
    """`data` as JSON (compact unless `dumps` says otherwise, e.g. indent=2)."""
    dumps.setdefault("separators", (",", ":") if "indent" not in dumps else None)
    write_text(path, json.dumps(data, **dumps), mode=mode)


def copy_file(src: Path, dst: Path) -> None:
    with replacing(dst) as tmp:
        shutil.copyfile(src, tmp)
