"""Reading files: only regular files, never a FIFO, device or kernel file; links that leave docs_dir (or
contracts_dir, or source_root) refused and reported once each; a link to / never walked, by the CLI or the build.

The hostile corpus (hostile_cases.py: symlinks-leaving-docs-dir, symlink-to-root-proc-and-parent,
contract-symlink-to-etc-passwd, file-ref-huge-sparse-file) runs these trees through the core, the CLI and a
real build; the tests here check what the table cannot say: no read happens first, each link is reported
once, nothing of a linked file's content is quoted, and the build stops rather than walking `/`.
"""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from hostile_cases import CASES, Tree
from test_hostile import CLI, _env, build, mkdocs_build
from mkdocs_reassign.safefs import ReadError, open_regular, read_regular
from mkdocs_reassign.rules.source_ref import _count_lines
from mkdocs_reassign.sources import read_source

CASE = {c.id: c for c in CASES}


@contextmanager
def no_hang(seconds: int = 10):
    """Fail (instead of hanging the suite) when the body blocks: a FIFO opened for reading blocks in open()."""
    def boom(*_):
        raise TimeoutError("blocked")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    with no_hang():
        with pytest.raises(ReadError, match="not a regular file"):
            open_regular(str(tmp_path / "pipe.md"))
        src = read_source(str(tmp_path / "pipe.md"), "pipe.md")
    assert src.error and "a named pipe" in src.error[0]


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "/proc/kmsg", "/proc/self/status", "/sys/kernel/mm"])
def test_devices_and_kernel_files_are_refused_before_any_read(path, tmp_path):
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    link = tmp_path / "docs" / "x.md"
    link.parent.mkdir()
    link.symlink_to(path)
    with no_hang():
        with pytest.raises(ReadError):  # directly: a kernel file or a device (no root to leave)
            read_regular(path, 1 << 20)
        with pytest.raises(ReadError):  # through a link, without a root: still a kernel file or device
            read_regular(str(link), 1 << 20)
        src = read_source(str(link), "x.md", str(tmp_path / "docs"))
    assert src.error and "symbolic link leaving docs_dir" in src.error[0]


def test_links_inside_the_root_are_read(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.md").write_text("# Hi\n", encoding="utf-8")
    (tmp_path / "alias.md").symlink_to("a/page.md")
    assert read_source(str(tmp_path / "alias.md"), "alias.md", str(tmp_path)).text == "# Hi\n"


def test_size_cap_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"x")
    os.truncate(big, 30 * 1024 * 1024)
    with pytest.raises(ReadError, match="over the 20 MB limit"):
        read_regular(str(big), 20 * 1024 * 1024)


def test_line_count_stops_at_the_cited_line(tmp_path):
    big = tmp_path / "big.log"
    big.write_bytes(b"one\ntwo\nthree\n")
    os.truncate(big, 3 * 1024**3)  # sparse: reading it all would take seconds
    with open_regular(str(big)) as f:  # the premise: the file is really 3 GB to a reader
        f.seek(3 * 1024**3 - 1)
        assert f.read() == b"\x00"
    assert _count_lines(str(big), 2, str(tmp_path)) == 2
    assert _count_lines(str(big), 3, str(tmp_path)) == 3
    assert _count_lines(str(big), 10**6, str(tmp_path)) is None  # not within the first 64 MB: not judged
    small = tmp_path / "small.py"
    small.write_bytes(b"a\nb")
    assert _count_lines(str(small), 5, str(tmp_path)) == 2


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "check", "-f", "mkdocs.yml"], cwd=root, env=_env(), capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=120)


def _lines_naming(out: str, path: str) -> list[str]:
    return [ln for ln in out.splitlines() if f"{path}: error: read-error:" in ln or f"{path}: error: contract:" in ln]


def test_each_link_out_is_reported_once_by_check_and_by_the_build(tmp_path):
    t = build(CASE["symlinks-leaving-docs-dir"], tmp_path)
    names = [w.path for w in t.wants]
    r = _check(t.root)
    b = mkdocs_build(t.root)
    for out in (r.stdout + r.stderr, b.stdout + b.stderr):
        assert "Traceback" not in out
        for p in names:
            assert len(_lines_naming(out, p)) == 1, (p, out[-3000:])
        assert "docs/alias.md" not in out and "docs/shared/notes.md" not in out, out[-3000:]
    assert b.returncode == 0, b.stderr[-3000:]
    site = tmp_path / "site"
    assert (site / "alias" / "index.html").exists()  # a link inside docs_dir is a page like any other
    assert not (site / "shared").exists() and not (site / "passwd").exists() and not (site / "img" / "logo.png").exists()


def test_the_build_stops_before_mkdocs_walks_a_link_to_root(tmp_path):
    """MkDocs lists docs_dir (following every link) before any plugin sees a file: the plugin stops the build in
    on_pre_build, naming each link, instead of letting MkDocs walk the whole disk."""
    t = build(CASE["symlink-to-root-proc-and-parent"], tmp_path)
    b = mkdocs_build(t.root)  # the subprocess timeout catches a hang
    out = b.stdout + b.stderr
    assert b.returncode == 1 and "Traceback" not in out, out[-3000:]
    for w in t.wants:
        assert len([ln for ln in out.splitlines() if f"{w.path}: error: read-error: symbolic link leaving docs_dir" in ln]) == 1, out
    assert "Aborted with a BuildError" in out
    t.docs.joinpath("root").unlink()
    t.docs.joinpath("up").unlink()
    t.docs.joinpath("features", "kernel").unlink()
    assert mkdocs_build(t.root).returncode == 0  # the links gone, it builds


def test_a_contract_linked_out_quotes_nothing_of_the_file(tmp_path):
    t = build(CASE["contract-symlink-to-etc-passwd"], tmp_path)
    secret = (t.root / "outside" / "secret.yaml").read_text(encoding="utf-8")
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace") if os.path.exists("/etc/passwd") else ""
    r = _check(t.root)
    b = mkdocs_build(t.root)
    for out in (r.stdout + r.stderr, b.stdout + b.stderr):
        assert "secret-text" not in out and "root:x:0:0" not in out, out
        for line in passwd.splitlines()[:5]:
            assert line not in out
        assert len(_lines_naming(out, "contracts/secret.yaml")) == 1, out
    assert "secret-text" in secret  # the premise: the file holds it
