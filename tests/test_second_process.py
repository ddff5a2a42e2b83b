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

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the second process is Linux's fork")


def _build(root: Path, site: Path, fork: bool) -> tuple[int, list[str], str]:
    """`mkdocs build -v` with or without the second process: (exit code, the plugin's lines, whole output)."""
    env = dict(quiet_env(), MKDOCS_REASSIGN_FORK="1" if fork else "0")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", "-f", "mkdocs.yml", "-d", str(site)], cwd=root, env=env,
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


def _moved(dest: Path) -> Path:
    """The planted tree with a hook whose on_files runs after the plugin's and moves P2's page (P4's completion box
    links to it): the boxes the check's process drew from the URLs it saw are stale."""
    root = _planted(dest)
    (root / "mover.py").write_text(
        "from mkdocs.plugins import event_priority\n\n\n@event_priority(-90)\ndef on_files(files, config):\n"
        "    for f in files:\n        if f.src_uri == 'features/platform/agent-assignment.md':\n"
        "            f.dest_uri, f.url = 'moved/' + f.dest_uri, 'moved/' + f.url\n    return files\n", encoding="utf-8")
    with open(root / "mkdocs.yml", "a", encoding="utf-8") as f:
        f.write("hooks:\n  - mover.py\n")
    return root


def _moved_no_boxes(dest: Path) -> Path:
    """The same with the boxes off: the overview alone was drawn by the check's process."""
    root = _moved(dest)
    cfg = root / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    assert "      contracts_dir: contracts\n" in text
    cfg.write_text(text.replace("      contracts_dir: contracts\n", "      contracts_dir: contracts\n      completion_box: false\n"
                                "      findings_box: false\n"), encoding="utf-8")
    return root


TREES = {"own-site": _own_site, "corpus": _corpus, "planted": _planted, "non-utf8-page": _hostile("non-utf8-page"),
         "empty-file": _hostile("empty-file"), "moved-by-a-later-plugin": _moved, "moved-no-boxes": _moved_no_boxes}


@pytest.mark.parametrize("name", sorted(TREES))
def test_second_process_builds_the_same_site(name, tmp_path):
    root = TREES[name](tmp_path / "tree")
    rc1, lines1, out1 = _build(root, tmp_path / "forked", fork=True)
    rc0, lines0, out0 = _build(root, tmp_path / "in-process", fork=False)
    assert "reassign: checked in a second process" in out1, out1[-3000:]
    assert "checked in a second process" not in out0 and "the check in a second process failed" not in out1
    assert rc1 == rc0
    assert lines1 == lines0
    assert lines1 or name == "own-site", "these trees have diagnostics: an empty list would compare nothing"
    assert ("a file the boxes link to moved" in out1) == name.startswith("moved-"), out1[-3000:]
    forked, in_process = _tree(tmp_path / "forked"), _tree(tmp_path / "in-process")
    assert forked.keys() == in_process.keys()
    assert [k for k in forked if forked[k] != in_process[k]] == []


# ------------------------------------------------------------------ in process: the child's failures
# Each scenario runs in a fresh Python (scenario() below): the suite's own process may hold threads (the browser
# tests' driver), and the plugin never forks then.


def scenario(root: str, site: str, kind: str) -> None:
    """Build ``root`` into ``site`` in this process, the child made to fail as ``kind`` says; print a JSON line:
    where the check ran, the plugin's log, and whether a child process is left."""
    import json
    import logging
    import pickle

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from mkdocs_reassign import engine

    parent = os.getpid()

    def in_child(fail):
        real = engine.validate

        def validate(*a, **k):
            if os.getpid() != parent:
                fail()
            return real(*a, **k)
        engine.validate = validate

    def boom():
        raise RuntimeError("simulated bug in the child")

    if kind == "exception":
        in_child(boom)
    elif kind == "exit":
        in_child(lambda: os._exit(3))
    elif kind == "killed":
        in_child(lambda: os.kill(os.getpid(), signal.SIGKILL))
    elif kind == "unpicklable":
        real_dumps = pickle.dumps

        def dumps(*a, **k):
            if os.getpid() != parent:
                raise pickle.PicklingError("simulated")
            return real_dumps(*a, **k)
        pickle.dumps = dumps
    elif kind in ("stopped", "stopped-late"):  # before the join (on_nav), or after it (a page's on_post_page)
        event = "on_nav(nav, config, files)" if kind == "stopped" else "on_post_page(output, page, config)"
        with open(os.path.join(root, "boom.py"), "w", encoding="utf-8") as f:
            f.write(f"def {event}:\n    raise RuntimeError('another plugin stops the build')\n")
    records: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: records.append(record.getMessage())
    logger = logging.getLogger("mkdocs.plugins.reassign")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if kind == "thread":
        other.start()
    cfg = load_config(os.path.join(root, "stopped.yml" if kind.startswith("stopped") else "mkdocs.yml"), site_dir=site)
    cfg.plugins.on_startup(command="serve" if kind == "serve" else "build", dirty=kind == "dirty")
    stopped = ""
    try:
        build(cfg, dirty=kind == "dirty")
    except Exception as err:  # noqa: BLE001 - the "stopped" scenario
        stopped = str(err)
    finally:
        stop.set()
        if kind == "thread":
            other.join()
    try:
        os.waitpid(-1, os.WNOHANG)
        left = True
    except ChildProcessError:
        left = False
    modules = sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs_reassign", "jsonschema", "Stemmer"))
    memfds = []  # the check's anonymous file, if this process still holds it
    for name in os.listdir("/proc/self/fd"):
        try:
            if "mkdocs-reassign-check" in os.readlink(f"/proc/self/fd/{name}"):
                memfds.append(name)
        except OSError:
            pass
    print(json.dumps({"checked_in": cfg.plugins["reassign"].checked_in, "log": records, "stopped": stopped, "child_left": left,
                      "modules": modules, "memfds": memfds}))


def _scenario(root: Path, site: Path, kind: str) -> dict:
    import json

    code = ("import sys; sys.path.insert(0, sys.argv[1]); import test_second_process as t; t.scenario(*sys.argv[2:])")
    env = dict(quiet_env(), MKDOCS_REASSIGN_FORK="1")
    proc = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(root), str(site), kind], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def planted(tmp_path):
    root = _planted(tmp_path / "tree")
    r = _scenario(root, tmp_path / "reference", "none")
    assert r["checked_in"] == "second process" and not r["child_left"], r
    return root, _tree(tmp_path / "reference")


def test_the_builds_own_process_does_not_import_the_check(tmp_path):
    """The rules, the report formats, the waivers and the stemmer are the check's: a build that checks in a second
    process never imports them in its own (its import time and memory are part of every build's cost)."""
    root = _planted(tmp_path / "tree")
    r = _scenario(root, tmp_path / "site", "none")
    assert r["checked_in"] == "second process", r
    assert r["memfds"] == [], "the check's anonymous file is closed at the end of the build"
    loaded = set(r["modules"])
    assert "mkdocs_reassign.plugin" in loaded and "mkdocs_reassign.output.pages" in loaded
    for name in ("mkdocs_reassign.rules", "mkdocs_reassign.rules.required_topic", "mkdocs_reassign.output.formats",
                 "mkdocs_reassign.waivers", "mkdocs_reassign.code", "jsonschema", "Stemmer"):  # (difflib: pytest has it)
        assert name not in loaded, name
    # the same build checking in its own process does import them: the test can tell
    r = _scenario(root, tmp_path / "site2", "dirty")
    assert {"mkdocs_reassign.rules", "mkdocs_reassign.output.formats", "Stemmer"} <= set(r["modules"]), r["modules"]


@pytest.mark.parametrize("kind", ["exception", "exit", "killed", "unpicklable"])
def test_a_failed_child_leaves_the_check_to_the_build(planted, kind, tmp_path):
    root, reference = planted
    r = _scenario(root, tmp_path / "site", kind)
    assert r["checked_in"] == "this process", r
    assert any("the check in a second process failed" in m for m in r["log"]), r["log"]
    assert not r["child_left"]
    assert _tree(tmp_path / "site") == reference


@pytest.mark.parametrize("kind", ["serve", "dirty", "thread"])
def test_serve_dirty_and_threads_check_in_process(planted, kind, tmp_path):
    root, _reference = planted
    r = _scenario(root, tmp_path / "site", kind)
    assert r["checked_in"] == "this process" and not any("second process" in m for m in r["log"]), r


@pytest.mark.parametrize("kind", ["stopped", "stopped-late"])
def test_no_child_is_left_behind_a_stopped_build(planted, kind, tmp_path):
    """The child is killed and waited for when another plugin stops the build; the check's anonymous file is
    closed, whether the build stops before the join or after it (while the boxes are read from it)."""
    root, _reference = planted
    config = root / "mkdocs.yml"
    (root / "stopped.yml").write_text(config.read_text(encoding="utf-8") + "hooks:\n  - boom.py\n", encoding="utf-8")
    r = _scenario(root, tmp_path / "site", kind)
    assert "another plugin stops the build" in r["stopped"], r
    assert not r["child_left"], r
    assert r["memfds"] == [], r


def test_a_short_read_of_the_checks_file_is_an_oserror(tmp_path):
    """What the build's process reads late from the check's file (a page's boxes, the report) fails as an OSError,
    which every reader reports (the report's writer as "cannot write", a page step as one internal-error line):
    never another exception escaping into MkDocs."""
    from mkdocs_reassign.plugin import _pread, _Spilled

    path = tmp_path / "results"
    path.write_bytes(b"0123456789")
    fd = os.open(path, os.O_RDONLY)
    spilled = _Spilled(fd)
    try:
        assert spilled.read((2, 3)) == b"234"
        with pytest.raises(OSError):
            _pread(fd, 8, 5)
    finally:
        spilled.close()
    assert spilled.fd is None
    spilled.close()  # twice: nothing happens
