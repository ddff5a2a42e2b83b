"""`mkdocs serve` under hostile edits: one file's state (undecodable, half-written, deleted, renamed, swapped by
`cp -p` with the same mtime and size) is a diagnostic for that file on that rebuild, never the plugin's
internal-error path nor MkDocs' own UnicodeDecodeError; the next clean save recovers fully (the warm site is
byte-identical to a fresh build's).

Two drivers: real MkDocs builds in process exactly as serve drives them (the plugin instance kept across
rebuilds, as in test_serve_rebuild.py), for deterministic sequences; and a real `mkdocs serve` subprocess on
127.0.0.1 fed a burst of hostile edits.
"""

from __future__ import annotations

import logging
import os
import random
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import MkdocsServe
from project_copy import P2_SRC, P4_SRC, copy_project
from test_serve_rebuild import _build, _plugin_cache, _tree

P4_PAGE = "features/platform/visitor-reassignment/index.html"


@pytest.fixture
def mkdocs_log(caplog):
    caplog.set_level(logging.WARNING, logger="mkdocs")
    yield caplog
    _plugin_cache().clear()


def _swap_keeping_stat(path: Path, data: bytes) -> None:
    """Rewrite a file as `cp -p` does: new bytes of the same size, then the old mtime put back."""
    st = path.stat()
    assert len(data) == st.st_size
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_mtime_ns, path.stat().st_size) == (st.st_mtime_ns, st.st_size)


def _rebuild(project: Path, site: Path, warm, log) -> list[str]:
    """One warm rebuild (serve's kept instance); the log lines it gave. It must not raise."""
    log.clear()
    _plugin_cache()["reassign"] = warm
    assert _build(project, site, fresh=False) is warm
    lines = [r.getMessage() for r in log.records]
    assert not any("internal error" in ln for ln in lines), lines
    return lines


def _same_as_fresh(project: Path, warm_site: Path, tmp_path: Path, warm) -> None:
    fresh_site = tmp_path / f"fresh-{time.monotonic_ns()}"
    _build(project, fresh_site, fresh=True)
    _plugin_cache()["reassign"] = warm
    a, b = _tree(warm_site), _tree(fresh_site)
    assert a.keys() == b.keys(), sorted(a.keys() ^ b.keys())
    assert [k for k in a if a[k] != b[k]] == []


def test_cp_p_swap_with_same_mtime_and_size_is_seen(tmp_path, mkdocs_log):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "warm"
    _plugin_cache().clear()
    warm = _build(project, site, fresh=True)
    page = project / P4_SRC
    good = page.read_bytes()
    time.sleep(2.1)  # past the racy window: only the stat key can tell the swap
    _rebuild(project, site, warm, mkdocs_log)
    bad = good[:100] + b"\xff\xfe" + good[102:]  # same size, invalid UTF-8 at byte 100
    _swap_keeping_stat(page, bad)
    lines = _rebuild(project, site, warm, mkdocs_log)  # before the fix: UnicodeDecodeError from MkDocs
    assert any(f"{P4_SRC}:" in ln and "read-error" in ln and "not valid UTF-8" in ln for ln in lines), lines
    assert not (site / P4_PAGE).exists()
    _swap_keeping_stat(page, good)
    lines = _rebuild(project, site, warm, mkdocs_log)
    assert not any("read-error" in ln for ln in lines), lines
    assert (site / P4_PAGE).exists()
    _same_as_fresh(project, site, tmp_path, warm)


def _hostile_steps(project: Path):
    """(name, edit) in order: each leaves one file in a bad state; the last restores every file."""
    p4, p2 = project / P4_SRC, project / P2_SRC
    good4, good2 = p4.read_bytes(), p2.read_bytes()
    moved = p2.with_name("renamed.md")
    yield "half-written (cut inside a UTF-8 character)", lambda: p4.write_bytes(good4 + "é".encode()[:1])
    yield "invalid UTF-8 mid-edit", lambda: p4.write_bytes(good4[:200] + b"\xc3\x28" + good4[200:])
    yield "emptied, as an editor truncates before writing", lambda: p4.write_bytes(b"")
    yield "deleted", lambda: p4.unlink()
    yield "recreated", lambda: p4.write_bytes(good4)
    yield "renamed", lambda: p2.rename(moved)
    yield "renamed back, undecodable", lambda: (moved.rename(p2), p2.write_bytes(b"\xff" + good2))
    yield "a FIFO in its place", lambda: (p2.unlink(), os.mkfifo(p2))
    yield "clean save", lambda: (p2.unlink(), p2.write_bytes(good2), p4.write_bytes(good4))


def test_hostile_edit_sequence_recovers_byte_identical(tmp_path, mkdocs_log):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "warm"
    _plugin_cache().clear()
    warm = _build(project, site, fresh=True)
    for name, edit in _hostile_steps(project):
        edit()
        lines = _rebuild(project, site, warm, mkdocs_log)
        assert (site / "feature-overview" / "index.html").exists(), name
        if name.startswith(("half-written", "invalid", "renamed back", "a FIFO")):  # one file unreadable
            assert any("read-error" in ln for ln in lines), (name, lines)
    assert not any("read-error" in ln for ln in lines), lines
    _same_as_fresh(project, site, tmp_path, warm)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _serve_burst(tmp_path: Path, seconds: float, seed: int) -> None:
    """A real `mkdocs serve`: hostile edits for ``seconds``; no internal error, the overview never 404s after
    the first build, and after a clean save the served site equals a fresh build's."""
    project = copy_project(tmp_path / "project")
    p4, p2 = project / P4_SRC, project / P2_SRC
    good4, good2 = p4.read_bytes(), p2.read_bytes()
    rnd = random.Random(seed)
    edits = [
        lambda: p4.write_bytes(good4[: rnd.randrange(len(good4))]),  # half-written
        lambda: p4.write_bytes(good4[:300] + b"\xe2\x82" + good4[300:]),  # invalid UTF-8 mid-edit
        lambda: p4.unlink(missing_ok=True),
        lambda: p4.write_bytes(good4),
        lambda: p2.exists() and p2.rename(p2.with_name("moved.md")),
        lambda: p2.with_name("moved.md").exists() and p2.with_name("moved.md").rename(p2),
    ]
    with MkdocsServe(project, command=("python", "-m", "mkdocs"), timeout=120, env={"NO_MKDOCS_2_WARNING": "1"}) as srv:
        overview = srv.url.rstrip("/") + "/feature-overview/"
        assert _get(overview) == 200
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            rnd.choice(edits)()
            time.sleep(rnd.uniform(0.0, 0.3))
            assert _get(overview) == 200, srv.output()[-3000:]
        if p2.with_name("moved.md").exists():
            p2.with_name("moved.md").unlink()
        p2.write_bytes(good2)
        p4.write_bytes(good4)
        mark = len(srv.output())
        srv.wait_for_output(r"Documentation built|Reloading", timeout=60, start=mark)
        time.sleep(3)  # any rebuild already queued settles
        out = srv.output()
        assert "internal error" not in out and "Traceback" not in out, out[-5000:]
        assert _get(overview) == 200
        served = {rel: urllib.request.urlopen(srv.url.rstrip("/") + "/" + rel.replace("index.html", ""), timeout=20).read()
                  for rel in PAGES}
        serve_url = srv.url
    _plugin_cache().clear()
    fresh = tmp_path / "fresh"
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(fresh))
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = serve_url
    build(config, serve_url=serve_url)
    _plugin_cache().clear()
    for rel, got in served.items():
        want = (fresh / rel).read_bytes()
        cut = want.rindex(b"</body>")  # serve injects its live-reload script just before </body>
        assert got.startswith(want[:cut]) and got.endswith(want[cut:]), f"{rel}: the served page differs from a fresh build's"


PAGES = [P4_PAGE, "features/platform/agent-assignment/index.html", "feature-overview/index.html", "index.html"]


def test_real_serve_survives_a_short_burst_of_hostile_edits(tmp_path):
    _serve_burst(tmp_path, 8, seed=1)


@pytest.mark.slow
def test_real_serve_survives_a_long_burst_of_hostile_edits(tmp_path):
    _serve_burst(tmp_path, 20, seed=2)


def _build_with_hooks(project: Path, *args: str, **hooks: str):
    """Write each hook module (name -> source) into the project, list them under hooks: in its mkdocs.yml, and
    build it with MkDocs (a subprocess; ``args`` go to ``mkdocs build``)."""
    from test_hostile import mkdocs_build

    for name, source in hooks.items():
        (project / f"{name}.py").write_text(source, encoding="utf-8")
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "hooks:\n" + "".join(f"  - {name}.py\n" for name in hooks), encoding="utf-8")
    return mkdocs_build(project, *args)


HOOK = '''import os
from mkdocs.plugins import event_priority

@event_priority(-100)  # after reassign's on_files (-50): the page changes after it was checked
def on_files(files, config):
    p = os.path.join(config.docs_dir, {rel!r})
    data = open(p, "rb").read()
    if {mode!r} == "undecodable":
        open(p, "wb").write(data[:100] + b"\\xff" + data[100:])
    elif {mode!r} == "deleted":
        os.unlink(p)
    else:
        open(p, "wb").write(data[: len(data) // 3])
    return files
'''


# the same edit made in on_pre_page after the plugin's own on_pre_page: right before MkDocs reads the page
HOOK_PRE_PAGE = HOOK.replace("def on_files(files, config):", "def on_pre_page(page, config, files):\n    if page.file.src_uri != {rel!r}:\n        return page").replace(
    "    return files\n", "    return page\n")


@pytest.mark.parametrize("when", ["on_files", "on_pre_page"])
@pytest.mark.parametrize("mode", ["undecodable", "deleted", "half-written"])
def test_a_page_changed_after_the_check_is_a_read_error_not_a_crash(tmp_path, mode, when):
    """The window between the check (on_files) and MkDocs reading the page: a real MkDocs hook edits the page
    inside it, in on_files after the check or in on_pre_page after the plugin's. Before, MkDocs died with its own
    UnicodeDecodeError / FileNotFoundError traceback (and when the edit came after the plugin's on_pre_page,
    also after the stat guard of issue 16: the page's read itself is guarded now)."""
    project = copy_project(tmp_path / "project")
    rel = P4_SRC[len("docs/"):]
    r = _build_with_hooks(project, hook=(HOOK if when == "on_files" else HOOK_PRE_PAGE).format(rel=rel, mode=mode))
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out and "internal error" not in out, out[-4000:]
    assert "Encoding error reading file" not in out and "File not found" not in out, out[-4000:]  # MkDocs' own lines
    if mode != "half-written":  # a shorter page is still a page
        assert sum(f"{P4_SRC}" in ln and "read-error" in ln for ln in out.splitlines()) == 1, out[-4000:]
        assert "This page could not be read" in (tmp_path / "site" / P4_PAGE).read_text(encoding="utf-8")


def test_another_plugins_page_read_source_still_works_under_strict(tmp_path):
    """MkDocs takes one on_page_read_source handler per site and warns (failing --strict) at a second: the
    plugin guards the read in on_pre_page instead, so a site whose other plugin reads pages still builds."""
    project = copy_project(tmp_path / "project")
    r = _build_with_hooks(project, "--strict", hook=(
        "def on_page_read_source(page, config):\n"
        "    if page.file.src_uri == 'index.md':\n"
        "        return '# Home\\n\\nread by another plugin\\n'\n"))
    out = r.stdout + r.stderr
    assert "Multiple 'on_page_read_source'" not in out, out[-3000:]
    assert "read by another plugin" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_search_indexes_the_content_without_the_boxes_and_the_page_has_them(tmp_path):
    """The banner and the boxes go into the content after the search plugins indexed it (on_page_context at
    priority -100): a plugin reading page.content in on_page_context (Material's search indexer, at about 1 ms a
    page for the boxes' HTML) sees neither them nor a marker; the written page has them right under the H1,
    also where another plugin changed the content after the plugin's content step. Once the site is built
    (on_post_build), every page's page.content is the content without them again, the last page's too."""
    project = copy_project(tmp_path / "project")
    hook = (
        "import json, os\n"
        "from mkdocs.plugins import event_priority\n"
        "SEEN = {}\n"
        "@event_priority(-50)\n"
        "def on_page_content(html, page, config, files):\n"
        "    return '<p>before the title</p>' + html if page.file.src_uri.endswith('visitor-reassignment.md') else html\n"
        "def on_page_context(context, page, config, nav):\n"
        "    SEEN[page.file.src_uri] = ['reassign-boxes' in page.content, 'reassign:' in page.content]\n"
        "    if page.file.src_uri == 'feature-overview.md':\n"
        "        SEEN['overview'] = [len(page.content), 'reassign-ov' in page.content]\n"
        "    return context\n"
        "def on_post_page(output, page, config):\n"
        "    SEEN[page.file.src_uri].append('reassign-boxes' in page.content)\n"
        "    return output\n"
        "def on_post_build(config):\n"
        "    open(os.path.join(config.config_file_path + '.seen.json'), 'w').write(json.dumps(SEEN))\n")
    hook_late = (  # a hook module has one function per event: the late one is here
        "import json\n"
        "from mkdocs.plugins import event_priority\n"
        "PAGES = {}\n"
        "@event_priority(-200)\n"
        "def on_post_page(output, page, config):\n"
        "    PAGES[page.file.src_uri] = page\n"
        "    return output\n"
        "def on_post_build(config):\n"
        "    late = {rel: 'reassign-boxes' in page.content for rel, page in PAGES.items()}\n"
        "    open(config.config_file_path + '.late.json', 'w').write(json.dumps(late))\n")
    r = _build_with_hooks(project, hook=hook, hook_late=hook_late)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    import json

    seen = json.loads((project / "mkdocs.yml.seen.json").read_text(encoding="utf-8"))
    rel = P4_SRC[len("docs/"):]
    assert rel.endswith("visitor-reassignment.md")
    # the indexed content holds neither the boxes nor a marker; the rendered page's content has the boxes until the
    # plugin puts back the content without them (what MkDocs keeps to the build's end): every page's by on_post_build
    late = json.loads((project / "mkdocs.yml.late.json").read_text(encoding="utf-8"))
    assert seen[rel] + [late[rel]] == [False, False, True, False]
    assert len(late) > 5 and not any(late.values()), late
    # the overview map likewise goes in after the search plugins (Material runs a regular expression over every
    # page's whole content, the excluded overview's too): they see the page with its marker only
    assert seen["overview"][1] is False and seen["overview"][0] < 2000, seen["overview"]
    overview = (tmp_path / "site" / "feature-overview" / "index.html").read_text(encoding="utf-8")
    assert 'class="reassign-ov' in overview and "reassign:overview" not in overview
    html = (tmp_path / "site" / P4_PAGE).read_text(encoding="utf-8")
    assert html.count('class="reassign-boxes"') == 1 and "reassign:" not in html
    assert html.index("before the title") < html.index("</h1>") < html.index('class="reassign-boxes"')
    other = [p for p in (tmp_path / "site" / "features").rglob("index.html") if "reassign-boxes" in p.read_text(encoding="utf-8")]
    assert len(other) > 1  # the other feature pages have theirs too


def test_draft_pages_in_serve_get_what_other_pages_get(tmp_path, mkdocs_log, monkeypatch):
    """A page under MkDocs' draft_docs is built only by serve, and MkDocs makes its page object after on_nav, where
    the plugin gives every other page its Markdown and content steps: a draft session and a draft feature doc get
    them through the page events instead (the attention table, the finding anchors, the boxes), the same page as
    when they are no drafts. Without drafts, the events are not called at all."""
    from project_copy import SESSION_SRC

    import re

    project = copy_project(tmp_path / "project")
    cfg = project / "mkdocs.yml"  # no nav: (a page the nav names is made before on_nav, draft or not)
    text, n = re.subn(r"(?m)^nav:\n(?:[ \t]+.*\n)*", "", cfg.read_text(encoding="utf-8"))
    assert n == 1
    cfg.write_text(text, encoding="utf-8")
    session_page = SESSION_SRC[len("docs/"):-len(".md")] + "/index.html"
    pages = (session_page, P4_PAGE)
    from mkdocs_reassign.plugin import ReassignPlugin

    calls: list[str] = []
    for name in ("on_page_markdown", "on_page_content"):
        def counted(self, item, *, _fn=getattr(ReassignPlugin, name), _name=name, **kw):
            calls.append(_name)
            return _fn(self, item, **kw)
        counted.mkdocs_priority = getattr(getattr(ReassignPlugin, name), "mkdocs_priority", 0)
        monkeypatch.setattr(ReassignPlugin, name, counted)
    _build(project, tmp_path / "plain", fresh=True)
    plain = {p: (tmp_path / "plain" / p).read_text(encoding="utf-8") for p in pages}
    assert 'class="reassign-attention"' in plain[session_page] and 'class="reassign-anchor"' in plain[session_page]
    assert 'class="reassign-boxes"' in plain[P4_PAGE]
    assert calls == []  # every page had its steps in its own read_source and render
    cfg.write_text(cfg.read_text(encoding="utf-8") + f"draft_docs: |\n  {SESSION_SRC[len('docs/'):]}\n  {P4_SRC[len('docs/'):]}\n",
                   encoding="utf-8")
    _build(project, tmp_path / "draft", fresh=True)
    for p in pages:
        html = (tmp_path / "draft" / p).read_text(encoding="utf-8")
        assert "mkdocs-draft-marker" in html
        for mark in ('class="reassign-attention"', 'class="reassign-anchor"', 'class="reassign-boxes"', "reassign:"):
            assert html.count(mark) == plain[p].count(mark), (p, mark)
    assert "on_page_markdown" in calls and "on_page_content" in calls


def test_a_page_whose_render_another_plugin_wrapped_still_gets_the_content_step(tmp_path):
    """Another plugin that sets its own render or read_source on a page in on_nav (before the plugin's, at priority
    -100) is wrapped in turn: the session page still gets its attention table and anchors, and both plugins' work shows."""
    from project_copy import SESSION_SRC

    project = copy_project(tmp_path / "project")
    r = _build_with_hooks(project, hook=(
        "def on_nav(nav, config, files):\n"
        "    for f in files.documentation_pages():\n"
        "        page = f.page\n"
        "        if page is not None and f.src_uri.startswith('findings/'):\n"
        "            render, read = page.render, page.read_source\n"
        "            def own_render(config, files, _render=render, _page=page):\n"
        "                _render(config, files)\n"
        "                _page.content += '<p>rendered by another plugin</p>'\n"
        "            def own_read(config, _read=read, _page=page):\n"
        "                _read(config)\n"
        "                _page.markdown = _page.markdown.rstrip('\\n') + ' read by another plugin\\n'\n"
        "            page.render, page.read_source = own_render, own_read\n"
        "    return nav\n"))
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    html = (tmp_path / "site" / (SESSION_SRC[len("docs/"):-len(".md")] + "/index.html")).read_text(encoding="utf-8")
    assert 'class="reassign-attention"' in html and 'class="reassign-anchor"' in html and "reassign:" not in html
    assert "rendered by another plugin" in html and "read by another plugin" in html
