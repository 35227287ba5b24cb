"""The local Label Studio on PostgreSQL: `annot studio up --database postgresql://...`.

With ANNOT_TEST_DATABASE set (`.ci/run` sets it for a second pass of the server tests), the
session's Label Studio itself runs on PostgreSQL and this checks the data really lands there.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from annot.workspace import Workspace as AnnotWorkspace
from tests.helpers import TEST_DATABASE_ENV, Live, Workspace, annot, free_port

pytestmark = pytest.mark.server

PASSWORD = "pw-3c91d0e7-not-shown"


def test_only_postgresql_urls_are_accepted(tmp_path) -> None:
    fake = tmp_path / "label-studio"
    fake.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    run = annot(
        "studio",
        "up",
        "--port",
        str(free_port()),
        "--database",
        f"mysql://root:{PASSWORD}@127.0.0.1/ls",
        cwd=tmp_path,
        env_extra={"ANNOT_LABEL_STUDIO": str(fake)},
    )
    assert run.returncode == 1
    assert "only postgresql://" in run.stderr and PASSWORD not in run.stdout + run.stderr


def test_unreachable_postgresql_is_named_without_the_password(tmp_path, live_studio: Live) -> None:
    """The real Label Studio fails to reach the database: the reason is said in one line, not 'see the log'."""
    port = free_port()
    run = annot(
        "studio",
        "up",
        "--port",
        str(free_port()),
        "--database",
        f"postgresql://annot:{PASSWORD}@127.0.0.1:{port}/annot_missing",
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert f"PostgreSQL database 127.0.0.1:{port}/annot_missing" in lines[0] and "refused" in lines[0]
    assert PASSWORD not in run.stdout + run.stderr


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason=f"{TEST_DATABASE_ENV} is not set")
@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_the_session_studio_keeps_its_tasks_in_postgresql(workspace: Workspace, live_studio: Live) -> None:
    cfg = workspace.config()
    pushed = AnnotWorkspace(cfg).push()
    database = os.environ[TEST_DATABASE_ENV]
    query = f"select count(distinct data->>'article_id') from task where project_id = {int(pushed.project_id)}"
    counted = subprocess.run(["psql", database, "-tAc", query], capture_output=True, text=True, check=True)
    assert int(counted.stdout.strip()) == pushed.imported == 5
