"""The issue's acceptance test: gaps show up in the browser while writing.

A copy of this project's docs is served with ``mkdocs serve`` (and with
``properdocs serve``) in the Material theme.  Gaps are planted in the P4 page;
the banner at the top of that page lists them; fixing one in the file makes it
disappear after live reload, without restarting the server; broken front
matter is reported in the banner and the console, and serving goes on.

Set REASSIGN_SCREENSHOT=1 to (re)write docs/assets/banner.png, the banner
screenshot the documentation embeds.
"""

from __future__ import annotations

import os
import re
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from browser_support import MkdocsServe
from project_copy import (
    P4_SRC,
    P4_URL,
    REPO,
    block_external,
    copy_project,
    plant_gaps,
    quiet_env,
    restore_logout_row,
)

pytestmark = pytest.mark.browser

BANNER = 'div[data-reassign="banner"]'
LOGOUT_GAP = '"logout" is not covered in the doc'
DATABASE_GAP = "what is logged to the database"
RELOAD_TIMEOUT_MS = 20_000

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(autouse=True)
def _offline(page):
    block_external(page)


def _edit(page: Page, path, text: str) -> float:
    """Save ``text`` to ``path`` and wait for live reload to reload the page; return the seconds taken."""
    t = time.monotonic()
    with page.expect_event("load", timeout=RELOAD_TIMEOUT_MS):
        path.write_text(text, encoding="utf-8")
    return time.monotonic() - t


def _gap(page: Page, text: str):
    return page.locator(f'{BANNER} li[data-rule="required-topic"]', has_text=text)


def _status(url: str) -> int:
    with _NO_PROXY.open(url, timeout=10) as resp:
        resp.read()
        return resp.status


def _diag_line(rule: str) -> re.Pattern[str]:
    """A console line in the `path:line: severity: rule: message` shape."""
    return re.compile(rf"{re.escape(P4_SRC)}:(\d+): (?:error|warning|info): {re.escape(rule)}: \S")


def _save_banner_screenshot(page: Page) -> None:
    """Write docs/assets/banner.png: the banner and the page title, at 2x for crisp docs."""
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    try:
        shot = context.new_page()
        block_external(shot)
        shot.goto(page.url)
        expect(shot.locator(BANNER)).to_be_visible()
        banner = shot.locator(BANNER).bounding_box()
        h1 = shot.locator("h1", has_text="Visitor Reassignment").first.bounding_box()
        assert banner and h1
        top = max(banner["y"] - 24, 0)
        clip = {
            "x": max(banner["x"] - 24, 0),
            "y": top,
            "width": banner["width"] + 48,
            "height": h1["y"] + h1["height"] + 24 - top,
        }
        out = REPO / "docs" / "assets" / "banner.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        shot.screenshot(path=str(out), clip=clip)
    finally:
        context.close()


@pytest.mark.parametrize("command", [("mkdocs",), ("properdocs",)], ids=["mkdocs", "properdocs"])
def test_serve_banner_follows_edits(tmp_path, page, command):
    project = copy_project(tmp_path / "project")
    original, planted = plant_gaps(project)
    p4 = project / P4_SRC
    timings: dict[str, float] = {}
    page.set_viewport_size({"width": 1280, "height": 900})

    t0 = time.monotonic()
    with MkdocsServe(project, command=command, env={"NO_MKDOCS_2_WARNING": "1"}) as srv:
        timings["serve start"] = time.monotonic() - t0
        url = srv.url + P4_URL
        pid = srv.process.pid

        # 1. The planted gaps are listed in the banner at the top of the page.
        response = page.goto(url)
        assert response is not None and response.status == 200
        banner = page.locator(BANNER)
        expect(banner).to_be_visible()
        expect(_gap(page, LOGOUT_GAP)).to_be_visible()
        expect(_gap(page, DATABASE_GAP)).to_be_visible()
        expect(banner).to_contain_text("2 gaps on this page")
        logout_link = _gap(page, LOGOUT_GAP).locator("a")
        assert logout_link.get_attribute("href") == "#feature-p4-visitor-reassignment"  # a whole-doc gap: the H1
        expect(page.locator("#feature-p4-visitor-reassignment")).to_be_visible()
        h1 = page.locator("h1", has_text="Visitor Reassignment").first
        assert banner.bounding_box()["y"] < h1.bounding_box()["y"], "banner is not at the top of the page"
        if os.environ.get("REASSIGN_SCREENSHOT") == "1" and command == ("mkdocs",):
            _save_banner_screenshot(page)
        assert _diag_line("required-topic").search(srv.output()), srv.output()

        # 2. Fix one gap in the file: the banner changes after live reload, same server.
        mark = len(srv.output())
        t1 = time.monotonic()
        timings["fix -> reload"] = _edit(page, p4, restore_logout_row(planted, original))
        expect(_gap(page, LOGOUT_GAP)).to_have_count(0, timeout=RELOAD_TIMEOUT_MS)
        expect(_gap(page, DATABASE_GAP)).to_be_visible()
        expect(banner).to_contain_text("1 gap on this page")
        timings["fix -> banner updated"] = time.monotonic() - t1
        assert srv.process.pid == pid and srv.process.poll() is None, "serve restarted or died"
        reloaded = srv.wait_for_output(r"Reloading browsers", timeout=10, start=mark)
        rebuilt = srv.output()[mark : reloaded.start()]
        assert _diag_line("required-topic").search(rebuilt), rebuilt
        assert LOGOUT_GAP not in rebuilt, rebuilt

        # 3. Invalid YAML front matter: reported, and serving goes on.
        mark = len(srv.output())
        fixed = p4.read_text(encoding="utf-8")
        broken, n = re.subn(r"^id: P4$", "id: [unclosed", fixed, count=1, flags=re.M)
        assert n == 1
        t2 = time.monotonic()
        _edit(page, p4, broken)
        front_matter = page.locator(f'{BANNER} li[data-rule="front-matter"]')
        expect(front_matter).to_be_visible(timeout=RELOAD_TIMEOUT_MS)
        expect(front_matter).to_contain_text("invalid YAML")
        timings["bad YAML -> banner"] = time.monotonic() - t2
        expect(_gap(page, DATABASE_GAP)).to_be_visible()
        expect(page.locator("h1", has_text="Visitor Reassignment").first).to_be_visible()
        assert _status(url) == 200
        assert _status(srv.url) == 200
        assert srv.process.poll() is None, "serve died on bad front matter"
        srv.wait_for_output(_diag_line("front-matter"), timeout=10, start=mark)
        # The page reloads fine again once the YAML is repaired.
        _edit(page, p4, fixed)
        expect(front_matter).to_have_count(0, timeout=RELOAD_TIMEOUT_MS)
        expect(_gap(page, DATABASE_GAP)).to_be_visible()

        output = srv.output()
        assert srv.process.pid == pid and srv.process.poll() is None
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert len(re.findall(r"Serving on ", output)) == 1, output
    print(f"\n{command[0]} timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
