"""The setup the README and the docs describe is one that can work: CI runs the README's test line word for
word, no page tells people to install from an index the package is not on, and the pages link what exists."""

from __future__ import annotations

import re

import pytest

from cli_support import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# `pip install mkdocs-reassign` or `pip install "mkdocs-reassign[x]"`: by name, from an index (a direct
# reference, "mkdocs-reassign @ git+https://...", is fine)
INDEX_INSTALL = re.compile(r"""pip install\s+(?:-\S+\s+)*["']?mkdocs-reassign(?:\[[^\]]*\])?(?!\s*@)["']?(?:\s|$)""")


def _readme_test_line() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"Run the tests.*?```sh\n(.*?)```", readme, re.S)
    assert m, "README: no ```sh block after 'Run the tests'"
    lines = [ln for ln in m[1].splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_ci_runs_the_readmes_test_command_word_for_word():
    line = _readme_test_line()
    assert line.startswith("apt-get update && apt-get install -y chromium && ")
    assert line.endswith('python -m pip install -e ".[test]" && python -m pytest')
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [ln for ln in run.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert commands[-1] == line


def test_readme_says_how_long_the_suite_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(r"takes about \d+\s+minutes on 2 cores", readme.replace("\n", " "))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_installs_from_an_index(page):
    bad = [ln.strip() for ln in page.read_text(encoding="utf-8").splitlines() if INDEX_INSTALL.search(ln)]
    assert bad == [], f"{page.name}: mkdocs-reassign is on no package index; install from a checkout or a wheel"


def test_new_pages_are_in_the_nav_and_the_readme():
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in ("editors.md", "ci.md", "getting-started.md"):
        assert f": {page}" in nav, page
        assert f"(docs/{page})" in readme, page
