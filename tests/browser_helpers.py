"""What an annotator does on Label Studio 1.23's labeling screen, as Playwright steps.

Selectors are roles and visible text where Label Studio gives them, its `lsf-`/`htx-` classes where it
does not (the text highlights and the relations panel). Selections are made with the mouse, on the
rendered characters, the way a person drags across words.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from typing import Any

from playwright.sync_api import Browser, Locator, Page, Playwright, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, as Playwright's own browser download does not work here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
PAGE_TIMEOUT_MS = 30_000  # the labeling app is a large bundle; first load on 2 cores takes a few seconds
STEP_TIMEOUT_MS = 10_000
SETTLE_TIMEOUT_MS = 5_000
DRAG_STEPS = 6  # intermediate mouse moves, so the drag reads as a drag and not a jump

# The rendered text: one span per line, joined by <br>, so a "\n" of the task is not in the DOM text.
_LOCATE_CHAR = """([needle, edge]) => {
  const root = document.querySelector('.lsf-richtext__container');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
  const flat = needle.replace(/\\n/g, '');
  const at = all.indexOf(flat);
  if (at < 0 || all.indexOf(flat, at + 1) >= 0) return null;
  let index = edge === 'start' ? at : at + flat.length - 1;
  const low = flat.charCodeAt(flat.length - 1);
  if (edge === 'end' && low >= 0xDC00 && low <= 0xDFFF) index -= 1;  // the last character is an emoji
  for (const [node, base] of nodes) {
    if (index >= base && index < base + node.data.length) {
      const off = index - base;
      const code = node.data.charCodeAt(off);
      const range = document.createRange();
      range.setStart(node, off);
      range.setEnd(node, off + (code >= 0xD800 && code <= 0xDBFF ? 2 : 1));
      const box = range.getBoundingClientRect();
      return {left: box.left, right: box.right, top: box.top, bottom: box.bottom};
    }
  }
  return null;
}"""


def launch(pw: Playwright) -> Browser:
    if shutil.which(CHROMIUM) is None:
        raise RuntimeError(f"Debian's chromium is not at {CHROMIUM}: run `make browser`")
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def log_in(page: Page, url: str, username: str, password: str) -> None:
    """Log in through Label Studio's own login form."""
    page.goto(f"{url}/user/login", timeout=PAGE_TIMEOUT_MS)
    page.locator("input[name=email]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Log In").click()
    page.wait_for_url(lambda u: "/user/login" not in u, timeout=PAGE_TIMEOUT_MS)


def open_task(page: Page, url: str, project_id: int, task_id: int) -> None:
    """Open one task on the labeling screen, as a click in the project's task list does."""
    page.goto(f"{url}/projects/{project_id}/data?task={task_id}", timeout=PAGE_TIMEOUT_MS)
    page.locator(".lsf-richtext__container").wait_for(timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="Submit current annotation").wait_for(timeout=PAGE_TIMEOUT_MS)
    # hotkeys are bound once the annotation has loaded; a key pressed before that is lost
    # a poll that never stops is no reason to fail: the steps below wait for what they need
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)


def article_text(page: Page) -> str:
    return page.locator(".lsf-richtext__container").inner_text()


def _char_box(page: Page, needle: str, edge: str) -> dict[str, float]:
    box = page.evaluate(_LOCATE_CHAR, [needle, edge])
    assert box is not None, f"{needle!r} is not shown exactly once in the article"
    return box


def drag_select(page: Page, needle: str) -> None:
    """Select `needle` (unique in the article) with the mouse: press before its first character, drag,
    release after its last. A "\\n" in it is a line break the drag crosses."""
    first, last = _char_box(page, needle, "start"), _char_box(page, needle, "end")
    y0, y1 = (first["top"] + first["bottom"]) / 2, (last["top"] + last["bottom"]) / 2
    page.mouse.move(first["left"] + 1, y0)
    page.mouse.down()
    page.mouse.move((first["left"] + last["right"]) / 2, (y0 + y1) / 2, steps=DRAG_STEPS)
    page.mouse.move(last["right"] - 1, y1, steps=DRAG_STEPS)
    page.mouse.up()


def label_button(page: Page, label: str) -> Locator:
    return page.locator(".lsf-labels .lsf-label", has_text=re.compile(rf"^{re.escape(label)}"))


def mark(page: Page, label: str, needle: str, *, hotkey: str | None = None) -> None:
    """Mark `needle` as `label`: the label's hotkey (or a click on the label), then a mouse selection."""
    count = regions(page).count()
    page.keyboard.press("Escape")  # nothing selected, so the hotkey picks a label and relabels nothing
    if hotkey:
        page.keyboard.press(hotkey)
    else:
        label_button(page, label).click()
    expect(label_button(page, label), f"{label} is not the active label").to_have_class(re.compile("_selected"))
    drag_select(page, needle)
    regions(page).nth(count).wait_for(timeout=STEP_TIMEOUT_MS)


def regions(page: Page) -> Locator:
    """The rows of the Regions panel, one per region."""
    return page.locator(".lsf-outliner-item")


def highlight(page: Page, text: str) -> Locator:
    """The highlight of the region whose first line reads `text`."""
    return page.locator(".htx-highlight").filter(has_text=re.compile(rf"^{re.escape(text)}$")).first


def select_region(page: Page, text: str) -> None:
    """Click the region's highlight in the text, which selects it and shows its controls."""
    page.keyboard.press("Escape")
    highlight(page, text).click()
    page.get_by_role("button", name="Create Relation").wait_for(timeout=STEP_TIMEOUT_MS)


def heading(page: Page, text: str) -> Locator:
    """A heading that starts with `text`, shown or hidden."""
    return page.get_by_role("heading", name=text, include_hidden=True)


def heading_shown(page: Page, text: str) -> bool:
    found = heading(page, text)
    assert found.count() == 1, f"the screen has {found.count()} headings {text!r}"
    return found.is_visible()


def choice(page: Page, value: str) -> Locator:
    """The radio of a choice. Label Studio names it by its value and hotkey hint, "favor[f]", or the value alone."""
    return page.get_by_role("radio", name=re.compile(rf"^{re.escape(value)}(\[.*\])?$"))


def relate(page: Page, from_text: str, to_text: str, relation: str) -> None:
    """Draw a relation: select a region, the Create Relation button, click the other region; then give the
    new relation its label in the Relations panel."""
    select_region(page, from_text)
    page.get_by_role("button", name="Create Relation").click()
    highlight(page, to_text).click()
    page.locator(".lsf-panel-tabs__tab:visible", has_text="Relations").first.click()
    item = page.locator(".lsf-relations__item").last
    item.hover()
    item.get_by_role("button", name="Show Relation Labels").click()
    item.locator(".lsf-relation-meta").get_by_text("Select labels").click()
    page.get_by_role("option", name=relation, exact=True).click()
    page.keyboard.press("Escape")
    page.locator(".lsf-panel-tabs__tab:visible", has_text="Regions").first.click()


def type_text(page: Page, value: str) -> None:
    """Fill the selected region's text control (a one-line TextArea) and commit it with Enter."""
    box = page.get_by_role("textbox", name="TextArea Input")
    box.fill(value)
    box.press("Enter")


def submit(page: Page) -> None:
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Submit current annotation").click()
    page.get_by_text("Annotation saved successfully", exact=True).wait_for(timeout=STEP_TIMEOUT_MS)


def task_with(server: Any, project_id: int, needle: str) -> dict[str, Any]:
    for task in server.export_all(project_id):
        if needle in task["data"]["text"]:
            return task
    raise AssertionError(f"no task contains {needle!r}")
