"""Shared fixtures: one real Label Studio per test session, and throwaway annot workspaces.

No mock stands in for Label Studio: the server is the `label-studio` executable
from `.venv-studio` (or $ANNOT_LABEL_STUDIO), started by `annot.studio.up` on a
free loopback port with its data in a temporary folder, and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SCHEMA = REPO / "schemas" / "news-stance.yaml"

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANNOT_RETRY_SECONDS", "5")

# postgresql://user:password@127.0.0.1:5432/name: the session's Label Studio runs on this
# (empty) database instead of SQLite; `.ci/run` sets it for a second pass of the server tests
TEST_DATABASE_ENV = "ANNOT_TEST_DATABASE"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Live:
    """The session's running Label Studio."""

    url: str
    api_key: str
    username: str
    password: str
    root: Path  # the folder whose .annot/ holds the studio's data and connection

    def server(self):  # noqa: ANN201
        from annot.labelstudio import Server

        return Server(self.url, self.api_key)


@pytest.fixture(scope="session")
def live_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from annot import studio
    from annot.config import read_connection

    if "ANNOT_LABEL_STUDIO" not in os.environ and (REPO / ".venv-studio/bin/label-studio").exists():
        os.environ["ANNOT_LABEL_STUDIO"] = str(REPO / ".venv-studio/bin/label-studio")
    root = tmp_path_factory.mktemp("studio")
    saved_home = os.environ.pop("ANNOT_HOME", None)
    try:
        info = studio.up(root, port=free_port(), database=os.environ.get(TEST_DATABASE_ENV) or None)
        conn = read_connection(root)
    finally:
        if saved_home is not None:
            os.environ["ANNOT_HOME"] = saved_home
    yield Live(url=info.url, api_key=conn["api_key"], username=info.username, password=info.password, root=root)
    studio.down(root)


@dataclass
class Workspace:
    """A throwaway annot project folder pointed at the live server."""

    root: Path
    project: str

    @property
    def export(self) -> Path:
        return self.root / "exports" / self.project

    def config(self):  # noqa: ANN201
        from annot.config import load_config

        return load_config(self.root)


def make_workspace(root: Path, project: str, sources: list[Path] | None = None) -> Workspace:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for src in sources if sources is not None else sorted(SEEDS.glob("*.txt")):
        shutil.copy(src, root / "seeds" / src.name)
    shutil.copytree(REPO / "schemas", root / "schemas", dirs_exist_ok=True)
    (root / "annot.toml").write_text(
        f"""
[[project]]
name = "{project}"
schema = "schemas/news-stance.yaml"
sources = ["seeds/"]
export = "exports/{project}"
""",
        encoding="utf-8",
    )
    return Workspace(root=root, project=project)


@pytest.fixture
def workspace(tmp_path: Path, live_studio: Live, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh project (unique name on the shared server) over the five seeds, cwd set to it."""
    ws = make_workspace(tmp_path / "ws", f"t-{uuid.uuid4().hex[:8]}")
    monkeypatch.chdir(ws.root)
    monkeypatch.setenv("LABEL_STUDIO_URL", live_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", live_studio.api_key)
    monkeypatch.delenv("ANNOT_HOME", raising=False)
    return ws


# -- the real browser (Debian's chromium via Playwright), for the tests marked `browser` ---------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    from tests import browser_helpers as ui

    with sync_playwright() as pw:
        chromium = ui.launch(pw)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_studio: Live, tmp_path: Path) -> Iterator[Page]:
    """A logged-in tab on the session's Label Studio; its last screen is kept in the test's tmp_path."""
    from tests import browser_helpers as ui

    context = browser.new_context(viewport=ui.VIEWPORT)
    context.set_default_timeout(ui.STEP_TIMEOUT_MS)
    tab = context.new_page()
    ui.log_in(tab, live_studio.url, live_studio.username, live_studio.password)
    yield tab
    tab.screenshot(path=str(tmp_path / "last-screen.png"))  # what the screen showed when the test ended
    context.close()
