"""Self-tests of the browser harness (tests/browser_support.py, conftest fixtures).

They do not touch the plugin: a plain HTML file and a throwaway MkDocs project
with no plugins at all.
"""

from __future__ import annotations

import os
import re
import socket
import textwrap

import pytest
from playwright.sync_api import expect

from browser_support import MkdocsServe, StaticServer, find_chromium


def _write_project(root, heading: str, *, theme: str = "mkdocs") -> None:
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: Harness self-test
            theme:
              name: {theme}
            plugins: []   # explicit: MkDocs would otherwise add 'search'
            """
        ),
        encoding="utf-8",
    )
    (root / "docs" / "index.md").write_text(f"# {heading}\n\nSome text.\n", encoding="utf-8")


def _port_is_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.browser
def test_static_server_page_read_by_chromium(tmp_path, page):
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><body>"
        '<p id="greeting">Hello from StaticServer</p>'
        '<p id="js"></p>'
        "<script>document.getElementById('js').textContent = 'script ran';</script>"
        "</body></html>",
        encoding="utf-8",
    )
    with StaticServer(tmp_path) as srv:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", srv.url)
        response = page.goto(srv.url)
        assert response is not None and response.status == 200
        assert page.text_content("#greeting") == "Hello from StaticServer"
        # Proves a real browser ran the page's JavaScript.
        expect(page.locator("#js")).to_have_text("script ran")
        port = srv.port
    assert not _port_is_open(port), "StaticServer still listening after exit"


@pytest.mark.browser
def test_mkdocs_serve_livereload_updates_open_page(tmp_path, page):
    _write_project(tmp_path, "Original heading")
    heading = page.locator("div[role='main'] h1")

    with MkdocsServe(tmp_path) as srv:
        proc = srv.process
        try:
            page.goto(srv.url)
            expect(heading).to_have_text("Original heading")
            # mkdocs serve injects its long-polling livereload script.
            assert "/livereload/" in page.content()

            # Survives only as long as this document is not reloaded.
            page.evaluate("window.__harnessMarker = 'not reloaded'")
            mark = len(srv.output())
            (tmp_path / "docs" / "index.md").write_text(
                "# Edited heading\n\nSome text.\n", encoding="utf-8"
            )

            # No page.reload(): livereload must reload the page by itself.
            expect(heading).to_have_text("Edited heading", timeout=20_000)
            assert page.evaluate("window.__harnessMarker") is None
            srv.wait_for_output(r"Reloading browsers", start=mark)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- mkdocs serve output ---\n{srv.output()}") from exc

    # Whole process group stopped, port released, output still readable.
    assert proc.poll() is not None
    assert not _port_is_open(srv.port)
    assert "Serving on" in srv.output()


def test_mkdocs_serve_failure_reports_output(tmp_path):
    # Not a browser test: a broken config must raise quickly, carrying the
    # server's own error message, and leave no process behind.
    _write_project(tmp_path, "Broken", theme="no-such-theme-xyz")
    srv = MkdocsServe(tmp_path, timeout=60)
    with pytest.raises(RuntimeError) as info:
        with srv:
            pass  # pragma: no cover - must not get here
    message = str(info.value)
    assert "exited before it answered HTTP" in message
    assert "no-such-theme-xyz" in message
    assert srv.process is not None and srv.process.poll() is not None


def test_find_chromium_missing_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "nope" / "chromium"))
    with pytest.raises(RuntimeError, match=r"apt-get install -y chromium"):
        find_chromium()


def test_find_chromium_default():
    # Browser tests must fail, not skip, when Chromium is absent.
    path = find_chromium()
    assert os.access(path, os.X_OK)
