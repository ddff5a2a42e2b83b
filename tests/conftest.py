"""Shared pytest fixtures.

Browser fixtures (headless Debian Chromium driven by Playwright's sync API):

* ``chromium_browser`` -- session scope: one Chromium for the whole run.
* ``page``             -- function scope: a fresh context (cookies, storage)
                          and page per test, closed afterwards.

The helpers behind them live in ``tests/browser_support.py`` (StaticServer,
MkdocsServe, browser, find_chromium).  A missing Chromium makes the browser
tests ERROR, never skip: install it with ``apt-get install -y chromium``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Make ``import browser_support`` work from test modules whatever pytest's
# import mode is and whether or not tests/ becomes a package.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from browser_support import browser  # noqa: E402

# Property tests draw the same examples on every run, so CI is reproducible: a red CI names a real change,
# not a lucky seed. REASSIGN_HYPOTHESIS_EXPLORE=1 draws new ones (with a local example database): run it
# now and then (`REASSIGN_HYPOTHESIS_EXPLORE=1 python -m pytest -m slow`) and keep what it finds as tests.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

_EXPLORE = os.environ.get("REASSIGN_HYPOTHESIS_EXPLORE") == "1"
settings.register_profile("reassign", derandomize=not _EXPLORE, **({} if _EXPLORE else {"database": None}))
settings.load_profile("reassign")


@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Chromium (playwright ``Browser``) shared by the session."""
    with browser() as b:
        yield b


@pytest.fixture
def page(chromium_browser):
    """A new browser context + page for one test; both closed afterwards."""
    context = chromium_browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
