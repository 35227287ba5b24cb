"""Files written whole or not at all (annot.atomic), with the mode they are meant to have from the start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annot.atomic import copy_file, replacing, write_bytes, write_json, write_text


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_json(path, {"version": 1})
    with pytest.raises(RuntimeError), replacing(path) as tmp:
        tmp.write_text('{"version": 2, "half', encoding="utf-8")
        raise RuntimeError("disk full")
    assert path.read_text(encoding="utf-8") == '{"version":1}'
    assert leftovers(tmp_path) == []


def test_a_killed_writer_leaves_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    write_bytes(path, b"old")
    # the process dies mid-write: no `finally`, no cleanup; the target must still be the old file
    code = (
        "import os, sys; from pathlib import Path; from annot.atomic import replacing\n"
        f"with replacing(Path({str(path)!r})) as tmp:\n"
        "    tmp.write_bytes(b'new, half written'); os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 9
    assert path.read_bytes() == b"old"


def test_mode_holds_from_the_first_byte(tmp_path: Path) -> None:
    path = tmp_path / "connection.json"
    old = os.umask(0o022)
    try:
        with replacing(path, 0o600) as tmp:
            # the key is not yet in place but already on disk: nobody else may read it
            assert tmp.stat().st_mode & 0o777 == 0o600
            tmp.write_text('{"api_key": "secret"}', encoding="utf-8")
            assert tmp.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    write_text(path, "again", mode=0o600)  # replacing an existing file keeps the mode asked for
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text(encoding="utf-8") == "again"


def test_the_helpers_write_what_they_are_given(tmp_path: Path) -> None:
    write_text(tmp_path / "deep" / "a.txt", "ünïcode\n")
    assert (tmp_path / "deep" / "a.txt").read_text(encoding="utf-8") == "ünïcode\n"
    write_json(tmp_path / "b.json", {"a": [1, 2]}, indent=2)
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    copy_file(tmp_path / "b.json", tmp_path / "c.json")
    assert (tmp_path / "c.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "deep") == []
