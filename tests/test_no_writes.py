"""No data loss: building and serving never write under docs_dir, and the plugin's only file is
``reassign-report.json`` in site_dir.

Every filesystem write the plugin makes is observed with a Python audit hook (``open`` for writing,
``os.rename``/``os.replace``, ``os.remove``, ``os.mkdir``, ``os.chmod``, ``os.symlink``, ...) whose
call stack passes through ``mkdocs_reassign``; docs_dir is hashed before and after (file contents,
symlink targets, FIFOs), for the project's own site and for a hostile tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from hostile_cases import CRIT, feature, session
from test_hostile import _env, tree_digest

REPO = Path(__file__).resolve().parent.parent

WATCH = textwrap.dedent(
    """
    import json, os, sys
    writes = []
    FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def in_plugin():
        f = sys._getframe(2)
        while f is not None:
            if "/mkdocs_reassign/" in f.f_code.co_filename.replace(os.sep, "/"):
                return True
            f = f.f_back
        return False

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int):
                return
            if (mode and any(c in str(mode) for c in "wax+")) or (mode is None and flags and flags & FLAGS):
                if in_plugin():
                    writes.append(["open", os.fsdecode(path)])
        elif event in ("os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.symlink", "os.link",
                       "os.truncate", "os.utime", "shutil.copyfile", "shutil.rmtree", "os.chown"):
            if in_plugin():
                writes.append([event] + [os.fsdecode(a) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))])

    sys.addaudithook(hook)
    from mkdocs.__main__ import cli
    try:
        cli(sys.argv[2:], standalone_mode=False)
    finally:
        with open(sys.argv[1], "w") as out:
            json.dump(writes, out)
    """
)


def build_watched(project: Path, site: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list]:
    log = tmp_path / "writes.json"
    r = subprocess.run([sys.executable, "-c", WATCH, str(log), "build", "-f", "mkdocs.yml", "-d", str(site), *args],
                       cwd=project, env=_env(), capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300)
    return r, json.loads(log.read_text(encoding="utf-8"))


def assert_only_the_report(writes: list, site: Path, docs: Path) -> None:
    site_s, docs_s = os.path.realpath(site), os.path.realpath(docs)
    final = set()
    for event, *paths in writes:
        for p in paths:
            real = os.path.realpath(p)
            assert not (real == docs_s or real.startswith(docs_s + os.sep)), f"{event} under docs_dir: {p}"
            assert real == site_s or real.startswith(site_s + os.sep), f"{event} outside site_dir: {p}"
        if event == "os.rename":
            final.add(os.path.realpath(paths[1]))
        elif event == "open" and not os.path.basename(paths[0]).startswith(".reassign"):
            final.add(os.path.realpath(paths[0]))
    assert final == {os.path.join(site_s, "reassign-report.json")}, final
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".reassign")]
    assert not leftovers, leftovers


def own_site(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs", dest / "docs", symlinks=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def hostile_tree(dest: Path) -> Path:
    docs = dest / "docs"
    (docs / "features").mkdir(parents=True)
    (docs / "findings").mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "features" / "p1.md").write_text(feature(detail="[gone](gone.md)\n"), encoding="utf-8")
    (docs / "features" / "latin.md").write_bytes("# Feature: Caf\u00e9 (P2)\n".encode("latin-1"))
    (docs / "features" / "bad-fm.md").write_text(feature("P3", front_matter="id: [P3\nx: *y"), encoding="utf-8")
    (docs / "features" / "blob.md").write_bytes(bytes(range(256)) * 8)
    os.mkfifo(docs / "features" / "pipe.md")
    os.symlink("..", docs / "features" / "loop")
    os.symlink(str(dest / "nowhere.png"), docs / "dangling.png")
    stale = ("| Type | Count | IDs |\n|---|---|---|\n| 🔴 **CRITICAL** | 0 | - |\n| 🟡 **Questions** | 3 | Q-1201-009 |\n")
    crit = CRIT.format(id="CRIT-1201-001", title="<script>alert(1)</script>", feature="P1", file="a.py")
    (docs / "findings" / "session-1201.md").write_text(session(attention=stale, critical=crit), encoding="utf-8")
    (dest / "mkdocs.yml").write_text("site_name: hostile\ntheme:\n  name: mkdocs\nplugins:\n  - search\n  - reassign\n",
                                     encoding="utf-8")
    return dest


@pytest.mark.parametrize("tree", ["own-site", "hostile"])
def test_build_writes_nothing_under_docs_dir_and_only_the_report_in_site_dir(tree, tmp_path):
    project = own_site(tmp_path / "proj") if tree == "own-site" else hostile_tree(tmp_path / "proj")
    docs = project / "docs"
    before = tree_digest(docs)
    site = tmp_path / "site"
    r, writes = build_watched(project, site, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out, out[-5000:]
    assert tree_digest(docs) == before, "mkdocs build wrote under docs_dir"
    assert_only_the_report(writes, site, docs)
    assert (site / "reassign-report.json").stat().st_mode & 0o044 == 0o044, "the report must be readable by a web server"
    if tree == "hostile":
        html = (site / "findings" / "session-1201" / "index.html").read_text(encoding="utf-8")
        assert "data-reassign=\"attention\"" in html  # the table was rendered in the page, not fixed in the source


def test_a_second_build_and_a_dirty_build_write_nothing_under_docs_dir(tmp_path):
    project = hostile_tree(tmp_path / "proj")
    docs = project / "docs"
    before = tree_digest(docs)
    site = tmp_path / "site"
    for args in ((), ("--dirty",), ("--strict",)):
        r, writes = build_watched(project, site, tmp_path, *args)
        assert "Traceback" not in r.stdout + r.stderr
        assert tree_digest(docs) == before
        assert_only_the_report(writes, site, docs) if r.returncode == 0 else None


def test_serve_writes_nothing_under_docs_dir(tmp_path):
    from browser_support import MkdocsServe

    project = own_site(tmp_path / "proj")
    docs = project / "docs"
    before = tree_digest(docs)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with MkdocsServe(project, timeout=120) as srv:
        for path in ("", "features/platform/visitor-reassignment/", "findings/session-2026-11-24/", "feature-overview/"):
            with opener.open(srv.url + path, timeout=30) as resp:
                assert resp.status == 200
        out = srv.output()
    assert "Traceback" not in out
    assert tree_digest(docs) == before, "mkdocs serve wrote under docs_dir"
    assert not list(docs.rglob("reassign-report.json"))
