"""Serve rebuilds reuse what did not change, and the result is the same as a fresh build.

The plugin keeps its instance across `mkdocs serve` rebuilds (it has on_startup) and reuses rendered
boxes, banners, tables, overview rows and report entries while their inputs are the same. Each step
below edits the docs the way a writer would, rebuilds with the kept instance, builds the same tree again
with a brand-new instance, and requires every output file to be byte-identical. A memo that misses a
dependency (a related feature's title, a finding in a session, a deleted target, a changed ID) shows up
here as a page that differs.

Real MkDocs builds, in process, exactly as `mkdocs serve` drives them (load_config per rebuild, the
plugin cache of the `plugins` option kept between them).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from project_copy import P4_SRC, P2_SRC, SESSION_SRC, copy_project, remove_logout_row

SERVE_URL = "http://127.0.0.1:8000/"


def _plugin_cache() -> dict:
    from mkdocs.config.defaults import MkDocsConfig

    return dict(MkDocsConfig._schema)["plugins"].plugin_cache


def _build(project: Path, site: Path, fresh: bool):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if fresh:
        _plugin_cache().clear()
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    if fresh:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL)
    return config.plugins["reassign"]


def _tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and not p.name.endswith(".gz")}


def _edit(project: Path, rel: str, fn) -> None:
    path = project / rel
    path.write_text(fn(path.read_text(encoding="utf-8")), encoding="utf-8")


A3 = "docs/features/agent/rna-timeout.md"
V8 = "docs/features/visitor/agent-unavailable.md"
NEW = "docs/features/platform/pool-overflow.md"

NEW_DOC = """---
id: P9
title: Pool Overflow
related: [P4]
---

# Feature: P9 - Pool Overflow

## Quick Summary
Sends visitors of a full pool to [P4: Visitor Reassignment](visitor-reassignment.md).
"""


def _steps():
    """(name, edit(project)) in order; each runs on the tree the previous one left."""
    yield "text only", lambda p: _edit(p, P4_SRC, lambda t: t.replace("## Quick Summary\n", "## Quick Summary\nEdited.\n", 1))
    yield "a requirement fails", lambda p: _edit(p, P4_SRC, remove_logout_row)
    yield "a related feature's title", lambda p: _edit(p, P2_SRC, lambda t: t.replace("title: Agent Assignment", "title: Agent Matching", 1))
    yield "a session changes", lambda p: _edit(p, SESSION_SRC, lambda t: t.replace("- [ ]", "- [x]", 1))
    yield "a doc is added", lambda p: (p / NEW).write_text(NEW_DOC, encoding="utf-8")
    yield "a duplicate ID", lambda p: _edit(p, NEW, lambda t: t.replace("id: P9", "id: P2", 1))
    yield "the duplicate ID moves a line", lambda p: _edit(p, NEW, lambda t: t.replace("---\nid:", "---\narea: platform\nid:", 1))
    yield "the duplicate is renamed", lambda p: _edit(p, NEW, lambda t: t.replace("id: P2", "id: P9", 1))
    yield "a related doc is deleted", lambda p: (p / V8).unlink()
    yield "an ID changes", lambda p: _edit(p, A3, lambda t: t.replace("A3", "A9"))
    yield "invalid front matter", lambda p: _edit(p, P2_SRC, lambda t: t.replace("area: platform", "area: [platform", 1))
    yield "the doc is fixed again", lambda p: _edit(p, P2_SRC, lambda t: t.replace("area: [platform", "area: platform", 1))
    yield "the URL style changes", lambda p: _edit(p, "mkdocs.yml", lambda t: "use_directory_urls: false\n" + t)


@pytest.fixture
def quiet_mkdocs():
    log = logging.getLogger("mkdocs")
    level = log.level
    log.setLevel(logging.ERROR)
    yield
    log.setLevel(level)
    _plugin_cache().clear()


@pytest.mark.parametrize("banner", ["serve", "never"])
def test_warm_rebuilds_equal_fresh_builds(tmp_path, quiet_mkdocs, banner):
    project = copy_project(tmp_path / "project")
    if banner != "serve":
        cfg = project / "mkdocs.yml"
        cfg.write_text(cfg.read_text(encoding="utf-8").replace("  - reassign:\n", f"  - reassign:\n      banner: {banner}\n", 1),
                       encoding="utf-8")
    warm_site, fresh_site = tmp_path / "warm", tmp_path / "fresh"
    _plugin_cache().clear()
    warm = _build(project, warm_site, fresh=True)
    saw_banner = False
    for name, edit in _steps():
        edit(project)
        again = _build(project, warm_site, fresh=False)
        assert again is warm, "MkDocs did not keep the plugin instance across rebuilds (as serve does)"
        _build(project, fresh_site, fresh=True)
        a, b = _tree(warm_site), _tree(fresh_site)
        assert a.keys() == b.keys(), f"after '{name}': files differ: {sorted(a.keys() ^ b.keys())}"
        differ = [k for k in a if a[k] != b[k]]
        assert not differ, f"after '{name}': a warm rebuild differs from a fresh build in {differ}"
        p4 = next(warm_site.glob("features/platform/visitor-reassignment*.html"), None) or warm_site / "features/platform/visitor-reassignment/index.html"
        saw_banner |= 'data-reassign="banner"' in p4.read_text(encoding="utf-8")
        _plugin_cache()["reassign"] = warm  # back to the serve instance for the next step
    assert saw_banner == (banner == "serve")
