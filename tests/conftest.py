"""Fixtures: one real Label Studio per test session, throwaway annot workspaces, a real browser.

No mock stands in for Label Studio: the server is the `label-studio` executable
from `.venv-studio` (or $ANNOT_LABEL_STUDIO), started by `annot.studio.up` on a
free loopback port with its data in a temporary folder, and stopped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import REPO, TEST_DATABASE_ENV, Live, Workspace, free_port, make_workspace

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANNOT_RETRY_SECONDS", "5")


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
