"""A one-shot build checks in a second process (plugin._fork_check), while MkDocs reads and renders the pages.

* On Linux, in a build with no other thread, the check runs in a child process; the site it builds and every
  line it logs are those of the same build with the check in the build's own process
  (MKDOCS_REASSIGN_FORK=0), on trees of every kind: the repository's site, the corpus, the planted-defect tree,
  hostile trees with unreadable files.
* Should the child fail in any way (an exception, pickling, killed), the build checks in its own process and
  builds the same site. Serve, --dirty and a build with another thread never fork.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hostile_cases import CASES
from project_copy import copy_project, quiet_env

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the second process is Linux's fork")


def _build(root: Path, site: Path, fork: bool, config: str = "mkdocs.yml") -> tuple[int, list[str], str]:
    """`mkdocs build -v` with or without the second process: (exit code, the plugin's lines, whole output)."""
    env = dict(quiet_env(), MKDOCS_REASSIGN_FORK="1" if fork else "0")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", "-f", config, "-d", str(site)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-3000:]
    lines = sorted(ln for ln in out.splitlines() if "reassign" in ln and not ln.startswith("DEBUG"))
    return proc.returncode, lines, out


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file of a built site (the mkdocs theme's build time blanked)."""
    return {str(p.relative_to(folder)): re.sub(rb"Build Date UTC : [^\n]*", b"", p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _corpus(dest: Path) -> Path:
    shutil.copytree(SHARED / "corpus" / "docs", dest / "docs")
    (dest / "mkdocs.yml").write_text("site_name: corpus\ntheme:\n  name: material\nplugins:\n  - search\n  - reassign\n",
                                     encoding="utf-8")
    return dest


def _planted(dest: Path) -> Path:
    from test_e2e_build import make_tree

    make_tree(dest, "material", planted=True)
    return dest


def _own_site(dest: Path) -> Path:
    return copy_project(dest)


def _hostile(case_id: str):
    def make(dest: Path) -> Path:
        from test_hostile import build as build_case

        c = next(c for c in CASES if c.id == case_id)
        dest.mkdir()
        return build_case(c, dest).root
    return make


TREES = {"own-site": _own_site, "corpus": _corpus, "planted": _planted, "non-utf8-page": _hostile("non-utf8-page"),
         "empty-file": _hostile("empty-file")}


@pytest.mark.parametrize("name", sorted(TREES))
def test_second_process_builds_the_same_site(name, tmp_path):
    root = TREES[name](tmp_path / "tree")
    rc1, lines1, out1 = _build(root, tmp_path / "forked", fork=True)
    rc0, lines0, out0 = _build(root, tmp_path / "in-process", fork=False)
    assert "reassign: checked in a second process" in out1, out1[-3000:]
    assert "checked in a second process" not in out0 and "failed" not in out1.split("checked in a second process")[0][-200:]
    assert rc1 == rc0
    assert lines1 == lines0
    assert lines1 or name == "own-site", "these trees have diagnostics: an empty list would compare nothing"
    forked, in_process = _tree(tmp_path / "forked"), _tree(tmp_path / "in-process")
    assert forked.keys() == in_process.keys()
    assert [k for k in forked if forked[k] != in_process[k]] == []


# ------------------------------------------------------------------ in process: the child's failures


def _in_process_build(root: Path, site: Path, command: str = "build", dirty: bool = False):
    """A build as `mkdocs build` runs it, in this process; returns the plugin instance."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    cfg.plugins.on_startup(command=command, dirty=dirty)
    build(cfg, dirty=dirty)
    return cfg.plugins["reassign"]


@pytest.fixture
def planted(tmp_path, monkeypatch):
    monkeypatch.setenv("MKDOCS_REASSIGN_FORK", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = _planted(tmp_path / "tree")
    plugin = _in_process_build(root, tmp_path / "reference")
    assert plugin.checked_in == "second process"
    return root, _tree(tmp_path / "reference")


def _child_only(monkeypatch, fail) -> None:
    """Make engine.validate fail with ``fail()`` in a child process only."""
    from mkdocs_reassign import engine

    real, parent = engine.validate, os.getpid()

    def validate(*a, **k):
        if os.getpid() != parent:
            fail()
        return real(*a, **k)

    monkeypatch.setattr(engine, "validate", validate)


def _boom():
    raise RuntimeError("simulated bug in the child")


@pytest.mark.parametrize("fail", [_boom, lambda: os._exit(3), lambda: os.kill(os.getpid(), signal.SIGKILL)],
                         ids=["exception", "exit", "killed"])
def test_a_failed_child_leaves_the_check_to_the_build(planted, fail, tmp_path, monkeypatch, caplog):
    root, reference = planted
    _child_only(monkeypatch, fail)
    with caplog.at_level("DEBUG", logger="mkdocs.plugins.reassign"):
        plugin = _in_process_build(root, tmp_path / "site")
    assert plugin.checked_in == "this process"
    assert "the check in a second process failed" in caplog.text
    assert _tree(tmp_path / "site") == reference


def test_an_unpicklable_result_leaves_the_check_to_the_build(planted, tmp_path, monkeypatch):
    root, reference = planted
    import pickle

    real, parent = pickle.dumps, os.getpid()

    def dumps(*a, **k):
        if os.getpid() != parent:
            raise pickle.PicklingError("simulated")
        return real(*a, **k)

    monkeypatch.setattr(pickle, "dumps", dumps)
    plugin = _in_process_build(root, tmp_path / "site")
    assert plugin.checked_in == "this process"
    assert _tree(tmp_path / "site") == reference


def test_serve_dirty_and_threads_check_in_process(planted, tmp_path):
    root, _reference = planted
    assert _in_process_build(root, tmp_path / "serve", command="serve").checked_in == "this process"
    assert _in_process_build(root, tmp_path / "dirty", dirty=True).checked_in == "this process"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _in_process_build(root, tmp_path / "thread").checked_in == "this process"
    finally:
        stop.set()
        other.join()
    assert _in_process_build(root, tmp_path / "again").checked_in == "second process"


def test_no_child_is_left_behind(planted, tmp_path):
    """The child is waited for, and killed when another plugin stops the build: no process is left behind."""
    root, _reference = planted
    _in_process_build(root, tmp_path / "site")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    (root / "boom.py").write_text("def on_nav(nav, config, files):\n    raise RuntimeError('another plugin stops the build')\n",
                                  encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - boom.py\n", encoding="utf-8")
    with pytest.raises(Exception, match="another plugin stops the build"):
        _in_process_build(root, tmp_path / "stopped")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
