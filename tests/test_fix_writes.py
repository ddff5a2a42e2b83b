"""How `fix` writes a file (mkdocs_reassign/files.py, docs/guarantees.md "Writing files"): a writer racing it
loses no line; mode, owner and hard links are kept; a read-only file is refused; without a lease the checked
rename keeps mode and owner and refuses hard links."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import REPO, SESSION, STALE_ROW, TRUE_ROW, cli, copy_dogfood

from mkdocs_reassign.commands.fix import Retry, write_if_unchanged

ORIGINAL = (REPO / SESSION).read_bytes()
STALE = ORIGINAL.replace(TRUE_ROW.encode(), STALE_ROW.encode())

APPENDER = r"""
import os, random, sys, time
path, stop, pause, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), 0
while not os.path.exists(stop):
    with open(path, "a", encoding="utf-8") as f:  # what an editor plugin or a script does: open, append, close
        f.write(f"appended line {n}\n")
    n += 1
    time.sleep(random.uniform(0, 2 * pause))
print(n)
"""


def _start_appender(path: Path, stop: Path, pause: float) -> subprocess.Popen:
    """Another process appending a line every ``pause`` seconds on average."""
    return subprocess.Popen([sys.executable, "-c", APPENDER, str(path), str(stop), str(pause)], stdout=subprocess.PIPE,
                            text=True)


def _lost_lines(text: str, n: int) -> list[int]:
    have = {int(x.rsplit(" ", 1)[1]) for x in text.splitlines() if x.startswith("appended line ")}
    return [i for i in range(n) if i not in have]


def test_a_writer_racing_the_write_loses_no_line(tmp_path):
    """2,000 read-transform-write cycles of fix's write function against another process appending lines
    (the write of main before this change lost 49 of 4,224 lines here)."""
    path = tmp_path / "session.md"
    path.write_bytes(b"header 0\n" + b"filler text of a session file\n" * 2000)
    stop = tmp_path / "stop"
    proc = _start_appender(path, stop, 0.002)  # about 400 lines a second: most writes go through, many race a line
    written = refused = 0
    try:
        for k in range(2000):
            data = path.read_bytes()
            first, rest = data.split(b"\n", 1)
            new = b"header " + str(k).encode() * (1 + k % 3) + b"\n" + rest  # lengths vary: the file shrinks and grows
            err = write_if_unchanged(str(path), data, new)
            if err is None:
                written += 1
            else:
                assert isinstance(err, Retry), err  # changed since read: refused, to be run again; never a loss
                refused += 1
    finally:
        stop.touch()
        n = int(proc.communicate(timeout=60)[0])
    assert n > 100 and written > 100, (n, written, refused)
    assert _lost_lines(path.read_text(encoding="utf-8"), n) == []
    assert path.read_bytes().count(b"appended line ") == n  # and none written twice
    assert not [p for p in os.listdir(tmp_path) if ".reassign" in p]


def _make_stale(path: Path) -> None:
    """The table made stale again through the same lease-guarded write (a plain rewrite here could lose a line)."""
    for _ in range(100):
        data = path.read_bytes()
        if write_if_unchanged(str(path), data, data.replace(TRUE_ROW.encode(), STALE_ROW.encode())) is None:
            return
    raise AssertionError("could not make the table stale")


@pytest.mark.slow
def test_a_writer_racing_the_fix_cli_loses_no_line(tmp_path):
    """200 real `fix` runs against another process appending lines to the session file: a run that an append
    races is refused or checked again (up to 5 times), and no line is lost."""
    project = copy_dogfood(tmp_path / "proj")
    path = project / SESSION
    stop = tmp_path / "stop"
    proc = _start_appender(path, stop, 0.5)  # a fix run takes about a second: some runs race a line, some do not
    fixed = runs = 0
    try:
        # 200 runs, and more while the appender has written 100 lines or fewer (on a fast machine 200 runs take
        # under 50 s: two appends a second left n at 99 once)
        while runs < 200 or (path.read_bytes().count(b"appended line ") <= 100 and runs < 1000):
            runs += 1
            _make_stale(path)
            r = cli("fix", cwd=project)
            fixed += "fixed: " in r.stdout
            assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    finally:
        stop.touch()
        n = int(proc.communicate(timeout=60)[0])
    assert fixed > 20 and n > 100, (fixed, n)
    assert _lost_lines(path.read_text(encoding="utf-8"), n) == []


# ------------------------------------------------------------------ mode, owner, links, read-only


@pytest.fixture
def project(tmp_path) -> Path:
    p = copy_dogfood(tmp_path / "proj")
    (p / SESSION).write_bytes(STALE)
    return p


def test_fix_keeps_mode_owner_and_hard_links(project):
    path = project / SESSION
    other = project / "docs" / "findings" / "archive-copy.txt"
    os.link(path, other)
    os.chmod(path, 0o640)
    if os.geteuid() == 0:
        os.chown(path, 4242, 4343)
    ino = path.stat().st_ino
    r = cli("fix", cwd=project)
    assert r.returncode == 0, r.stderr
    st = path.stat()
    assert path.read_bytes() == ORIGINAL and other.read_bytes() == ORIGINAL  # both names see the edit
    assert (st.st_ino, st.st_nlink, st.st_mode & 0o7777) == (ino, 2, 0o640)
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (4242, 4343)


def test_fix_refuses_a_read_only_file(project):
    path = project / SESSION
    os.chmod(path, 0o444)  # root passes permission checks: the mode bits decide
    r = cli("fix", cwd=project)
    assert r.returncode == 2 and "read-only" in r.stderr and SESSION in r.stderr, r.stderr
    assert path.read_bytes() == STALE and (path.stat().st_mode & 0o777) == 0o444


def test_without_a_lease_the_rename_keeps_mode_and_owner_and_refuses_hard_links(project):
    path = project / SESSION
    os.chmod(path, 0o604)
    if os.geteuid() == 0:
        os.chown(path, 4242, 4343)
    assert write_if_unchanged(str(path), STALE, ORIGINAL, use_lease=False) is None
    st = path.stat()
    assert path.read_bytes() == ORIGINAL and st.st_mode & 0o7777 == 0o604
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (4242, 4343)
    other = project / "docs" / "findings" / "linked.txt"
    os.link(path, other)
    err = write_if_unchanged(str(path), ORIGINAL, STALE, use_lease=False)
    assert err and "hard links" in err and path.read_bytes() == ORIGINAL == other.read_bytes()
    other.unlink()
    err = write_if_unchanged(str(path), STALE, ORIGINAL, use_lease=False)  # not what is on disk
    assert isinstance(err, Retry) and path.read_bytes() == ORIGINAL
    assert not [p for p in os.listdir(path.parent) if ".reassign" in p]


HOLDER = "import sys, time; f = open(sys.argv[1], 'rb'); open(sys.argv[2], 'w').close(); time.sleep(float(sys.argv[3]))"


def _hold(path: Path, ready: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(ready), str(seconds)])
    for _ in range(500):
        if ready.exists():
            return proc
        time.sleep(0.01)
    raise AssertionError("holder did not start")


def test_the_write_waits_for_a_program_holding_the_file_open(project, tmp_path):
    """Under a lease no other process has the file open: the write waits (bounded) while one holds it, then
    writes; a program that keeps it open longer is a refusal, and nothing is written."""
    path = project / SESSION
    holder = _hold(path, tmp_path / "ready1", 0.3)
    assert write_if_unchanged(str(path), STALE, ORIGINAL) is None
    holder.wait(timeout=30)
    assert path.read_bytes() == ORIGINAL
    holder = _hold(path, tmp_path / "ready2", 5)
    err = write_if_unchanged(str(path), ORIGINAL, STALE)
    holder.kill()
    holder.wait(timeout=30)
    assert err and "keeps it open" in err and path.read_bytes() == ORIGINAL
