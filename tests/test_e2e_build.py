"""End-to-end: real `mkdocs build --strict` and `properdocs build --strict` runs.

* The project's own site (this repository's mkdocs.yml) builds clean with both
  tools and both themes, writes reassign-report.json listing P4, P2, A3 and V8,
  and leaves docs/ byte for byte as it was.
* A planted-defect tree (a P4 doc with four known gaps) fails strict with exactly
  one plugin line per defect, naming file, line and rule; the completed tree
  builds with no plugin warning.

ProperDocs and its plain theme come from the test extras (`pip install -e .[test]`);
when they are missing these tests fail, they never skip.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
TOOLS = ["mkdocs", "properdocs"]
THEMES = ["material", "mkdocs"]
PLUGIN_LINE = re.compile(r"^(?P<level>WARNING|INFO|ERROR|DEBUG)\s+-\s+reassign: (?P<msg>.*)$")
P4 = "docs/features/platform/visitor-reassignment.md"


def _cmd(tool: str) -> list[str]:
    if tool == "properdocs":
        assert importlib.util.find_spec("properdocs") is not None, (
            "ProperDocs is not installed in this environment: pip install -e '.[test]' (properdocs==1.6.7)")
    return [sys.executable, "-m", tool]


def _theme_ready(tool: str, theme: str) -> None:
    if tool == "properdocs" and theme == "mkdocs":
        assert importlib.util.find_spec("properdocs_theme_mkdocs") is not None, (
            "ProperDocs' plain theme is missing: pip install properdocs-theme-mkdocs==1.6.7 (in the test extras)")
    if theme == "material":
        assert importlib.util.find_spec("material") is not None, "mkdocs-material is missing: pip install -e '.[test]'"


def build(tool: str, config: Path, site: Path, theme: str | None = None) -> tuple[int, str, list[tuple[str, str]]]:
    """Run `<tool> build --strict`; return (exit code, output, [(level, plugin message)])."""
    cmd = _cmd(tool) + ["build", "--strict", "-f", str(config), "-d", str(site)]
    if theme:
        cmd += ["-t", theme]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
    proc = subprocess.run(cmd, cwd=config.parent, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    lines = []
    for line in out.splitlines():
        m = PLUGIN_LINE.match(line.rstrip())
        if m:
            lines.append((m.group("level"), m.group("msg")))
    return proc.returncode, out, lines


def tree_hash(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            out[p.relative_to(folder).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# ------------------------------------------------------------------ the project's own site


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("tool", TOOLS)
def test_own_site_builds_clean(tool, theme, tmp_path):
    _theme_ready(tool, theme)
    before = tree_hash(REPO / "docs")
    site = tmp_path / "site"
    rc, out, lines = build(tool, REPO / "mkdocs.yml", site, theme=None if theme == "material" else theme)
    assert rc == 0, out
    assert [m for lvl, m in lines if lvl != "INFO"] == [], out
    report = json.loads((site / "reassign-report.json").read_text(encoding="utf-8"))
    ids = {f["id"] for f in report["features"]}
    assert {"P4", "P2", "A3", "V8"} <= ids, ids
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0, report["summary"]
    assert (site / "feature-overview" / "index.html").is_file()
    # one stylesheet for the site, linked from every page (not a <style> copy in each page)
    p4_html = (site / "features" / "platform" / "visitor-reassignment" / "index.html").read_text(encoding="utf-8")
    from mkdocs_reassign.output.html import css

    css_text = (site / "assets" / "mkdocs-reassign.css").read_text(encoding="utf-8")
    assert css_text == css() and ".reassign-box" in css_text and ".reassign-card" in css_text
    assert 'assets/mkdocs-reassign.css"' in p4_html and "<style>" not in p4_html.split("reassign-box", 1)[1]
    assert 'data-reassign="completion" data-ready="yes"' in p4_html and "Findings for <b>P4</b>" in p4_html
    assert "<b>P4</b> · <span data-reassign=\"met\">21/21</span> · " in p4_html  # the one-line summary
    if theme == "material":  # Material's search skips data-search-exclude blocks: the boxes are not page text
        index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        p4_text = " ".join(d["title"] + " " + d["text"] for d in index["docs"]
                           if d["location"].startswith("features/platform/visitor-reassignment/"))
        assert "Visitor Reassignment" in p4_text and "supplies" in p4_text  # the page's own text is indexed
        assert "open critical" not in p4_text and "Findings for" not in p4_text and "Requirements met" not in p4_text
        # the generated overview is left out of the index (front matter search.exclude): its cells are no page text
        assert (site / "feature-overview" / "index.html").exists()
        assert not [d for d in index["docs"] if d["location"].startswith("feature-overview/")]
    assert tree_hash(REPO / "docs") == before, "the build changed files under docs/"
    assert not (REPO / "docs" / "reassign-report.json").exists()


# ------------------------------------------------------------------ the planted-defect tree

_BASE = GOLDEN / "required-topic" / "p4-complete"  # the completed P4 doc and its neighbours P2, A3, V8

V3_DOC = """# Feature: Visitor Call Request (V3)

The visitor side of a call request. (It used to be numbered V8.)
"""

# (old, new) edits that plant the four defects; each must apply exactly once
DEFECTS = {
    "logout": [("| Logout | The agent logs out from the dashboard menu |\n", "")],
    # nothing said any more about what is written to the database (the heading named it too)
    "call_logs": [("### Database Logging\n", "### What Happens Next\n"),
                  ("closes its row in `call_logs` and opens a new one", "starts over with the new agent")],
    "v8-link": [("[V8 - Agent Unavailable](../visitor/agent-unavailable.md)", "[V8 - Agent Unavailable](../visitor/call-request.md)")],
    "missing": [("## 10. OPEN QUESTIONS\n", "- [Admin reports](../admin/reports.md)\n\n## 10. OPEN QUESTIONS\n")],
}


def make_tree(dest: Path, theme: str, planted: bool) -> Path:
    shutil.copytree(_BASE / "docs", dest / "docs")
    shutil.copytree(_BASE / "contracts", dest / "contracts")
    (dest / "docs" / "features" / "visitor" / "call-request.md").write_text(
        "---\ncontract: stub\n---\n\n" + V3_DOC, encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        f"site_name: planted defects\ntheme:\n  name: {theme}\nplugins:\n  - reassign:\n      contracts_dir: contracts\n",
        encoding="utf-8")
    if planted:
        p4 = dest / P4
        text = p4.read_text(encoding="utf-8")
        for name, edits in DEFECTS.items():
            for old, new in edits:
                assert text.count(old) == 1, f"defect {name}: the base doc changed"
                text = text.replace(old, new)
        p4.write_text(text, encoding="utf-8")
    return dest / "mkdocs.yml"


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("tool", TOOLS)
def test_planted_defects_fail_strict(tool, theme, tmp_path):
    _theme_ready(tool, theme)
    config = make_tree(tmp_path / "tree", theme, planted=True)
    p4 = tmp_path / "tree" / P4
    rc, out, lines = build(tool, config, tmp_path / "site")
    assert rc != 0, out
    msgs = [m for lvl, m in lines if lvl != "INFO"]
    assert all(lvl == "WARNING" for lvl, _ in lines), out
    h1 = _line_of(p4, "# Feature: Visitor Reassignment (P4)")
    v8 = _line_of(p4, "[V8 - Agent Unavailable](../visitor/call-request.md)")
    missing = _line_of(p4, "(../admin/reports.md)")
    want = [
        (h1, "required-topic", '"database logging" is not covered in the doc'),
        (h1, "required-topic", '"logout" is not covered in the doc'),
        (v8, "link-id-mismatch", "link text names V8 but features/visitor/call-request.md declares V3"),
        (missing, "broken-link", "link target '../admin/reports.md' does not exist"),
    ]
    assert len(msgs) == len(want), "\n".join(msgs)  # one line per defect (no related-feature echo of the V8 link)
    for line, rule, text in want:
        hits = [m for m in msgs if m.startswith(f"{P4}:{line}: error: {rule}: ") and text in m]
        assert len(hits) == 1, (line, rule, text, msgs)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("tool", TOOLS)
def test_completed_tree_builds_clean(tool, theme, tmp_path):
    _theme_ready(tool, theme)
    config = make_tree(tmp_path / "tree", theme, planted=False)
    before = tree_hash(tmp_path / "tree")
    rc, out, lines = build(tool, config, tmp_path / "site")
    assert rc == 0, out
    assert lines == [], out
    report = json.loads((tmp_path / "site" / "reassign-report.json").read_text(encoding="utf-8"))
    assert {f["id"] for f in report["features"]} == {"P4", "P2", "A3", "V8", "V3"}
    assert tree_hash(tmp_path / "tree") == before


def test_search_index_is_the_plain_builds(tmp_path):
    """The plugin adds nothing to Material's search index: the boxes and the banner go in after the search
    plugins indexed the page, and so do the gap anchors. (An anchor placed before the H1 at render time made
    Material index an empty extra section titled as the page: every feature doc with a gap at its top was listed
    twice.) Planted P4 has gaps anchored at its H1."""
    _theme_ready("mkdocs", "material")
    config = make_tree(tmp_path / "tree", "material", planted=True)
    plain = config.with_name("plain.yml")
    plain.write_text("site_name: planted defects\ntheme:\n  name: material\nplugins:\n  - search\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - search\n"), encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
    index = {}
    for name, cfg in (("plugin", config), ("plain", plain)):
        proc = subprocess.run(_cmd("mkdocs") + ["build", "-f", str(cfg), "-d", str(tmp_path / name)], cwd=cfg.parent,
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        index[name] = json.loads((tmp_path / name / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    plugin_docs = [d for d in index["plugin"] if not d["location"].startswith("feature-overview/")]
    page = (tmp_path / "plugin" / "features" / "platform" / "visitor-reassignment" / "index.html").read_text(encoding="utf-8")
    assert 'class="reassign-anchor reassign-gap"></span><h1' in page  # the case: anchors right before the H1
    assert plugin_docs == index["plain"]


def test_own_stylesheet_replaces_the_plugins(tmp_path):
    config = make_tree(tmp_path, "mkdocs", planted=False)
    (tmp_path / "docs" / "assets").mkdir()
    (tmp_path / "docs" / "assets" / "mkdocs-reassign.css").write_text(".reassign-box{border:0}\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + "extra_css:\n  - assets/mkdocs-reassign.css\n  - ours.css\n",
                      encoding="utf-8")
    (tmp_path / "docs" / "ours.css").write_text(".reassign-banner{color:red}\n", encoding="utf-8")
    site = tmp_path / "site"
    rc, out, _lines = build("mkdocs", config, site)
    assert rc == 0, out
    assert (site / "assets" / "mkdocs-reassign.css").read_text(encoding="utf-8") == ".reassign-box{border:0}\n"
    page = (site / "features" / "platform" / "visitor-reassignment" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link href="([^"]+\.css)"', page)
    ours = [x.rsplit("/", 1)[-1] for x in links if x.endswith(("mkdocs-reassign.css", "ours.css"))]
    assert ours == ["mkdocs-reassign.css", "ours.css"], links  # once, in the user's order


@pytest.mark.parametrize("tool", TOOLS)
def test_dirty_build_shows_fresh_boxes_after_a_session_edit(tool, tmp_path):
    """`build --dirty` re-renders only changed pages; a feature page's boxes depend on the session file, so
    they must not go stale ("Ready: Yes" beside a critical that was just reopened)."""
    from cli_support import minimal_project

    project = minimal_project(tmp_path / "proj")
    site = tmp_path / "site"
    rc, out, _ = build(tool, project / "mkdocs.yml", site)
    assert rc == 0, out
    page = site / "features" / "platform" / "visitor-reassignment" / "index.html"
    assert 'data-reassign="completion" data-ready="yes"' in page.read_text(encoding="utf-8")
    session = next((project / "docs" / "findings").glob("session-*.md"))
    text = session.read_text(encoding="utf-8")
    crit = ("### CRIT-1124-009: The replacement agent is never told the visitor's name\n"
            "**Found by:** Doc Agent 5\n**Feature:** P4\n**File:** `apps/server/src/features/routing/pool-manager.ts`\n\n"
            "**Current Behavior:**\nThe new agent sees an anonymous visitor.\n\n"
            "**Why It's Critical:**\nAgents greet returning customers as strangers.\n\n"
            "**YOUR DECISION:**\n- [ ] Confirmed as bug - create fix ticket\n\n---\n\n")
    anchor = "### CRIT-1124-001:"
    assert text.count(anchor) == 1
    session.write_text(text.replace(anchor, crit + anchor), encoding="utf-8")
    proc = subprocess.run([*_cmd(tool), "build", "--dirty", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
                          cwd=project, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True, timeout=300)
    assert "open-critical" in proc.stdout + proc.stderr  # the reopened critical is reported
    html = page.read_text(encoding="utf-8")
    assert 'data-reassign="completion" data-ready="no"' in html, "stale completion box after --dirty"
    assert re.search(r'data-reassign="ready">No: [^<]*1 open critical finding', html), "the box says why it is not ready"
