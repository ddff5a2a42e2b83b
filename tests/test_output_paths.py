"""Where commands write (docs/guarantees.md, "Output paths"): `-o` replaces only a regular file or creates a new
path, writes through to a device or FIFO and never replaces one, and refuses a symbolic link to a file; the
baseline stays in the config file's folder and `new` in docs_dir (symbolic links resolved); a failed write leaves
no partial or temp file; report_file and overview_page cannot take the place of a page MkDocs writes."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from cli_support import CLI, cli, env, minimal_project, mkdocs_build, write_config


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return minimal_project(tmp_path_factory.mktemp("out") / "proj")


def _temps(folder: Path) -> list[str]:
    return [p for p in os.listdir(folder) if ".reassign" in p]


def _clean(r) -> None:
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


def test_output_to_dev_null_writes_through_and_keeps_the_device(project):
    r = cli("check", "--format", "json", "-o", "/dev/null", cwd=project)
    _clean(r)
    assert r.returncode in (0, 1), r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_fifo_is_written_through_to_its_reader(project, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = cli("check", "--format", "json", "-o", str(fifo), cwd=project, timeout=60)
    reader.join(timeout=60)
    _clean(r)
    assert r.returncode in (0, 1), r.stderr
    assert got and got[0].startswith(b"{") and b'"diagnostics"' in got[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_fifo_without_a_reader_is_refused_not_a_hang(project, tmp_path):
    fifo = tmp_path / "nobody.fifo"
    os.mkfifo(fifo)
    r = cli("check", "-o", str(fifo), cwd=project, timeout=60)
    _clean(r)
    assert r.returncode == 2 and "no program is reading" in r.stderr, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_a_symlink_never_replaces_the_link(project, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    r = cli("check", "--format", "json", "-o", str(link), cwd=project)
    _clean(r)
    assert r.returncode == 2 and "symbolic link" in r.stderr, r.stderr
    assert link.is_symlink() and target.read_text() == "keep me\n"
    null_link = tmp_path / "null.json"  # a link to a device (like /dev/stdout): written through
    null_link.symlink_to("/dev/null")
    r = cli("check", "-o", str(null_link), cwd=project)
    assert r.returncode in (0, 1) and null_link.is_symlink(), r.stderr
    assert _temps(tmp_path) == []


def test_output_to_a_regular_file_is_replaced_keeping_its_mode(project, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("old\n")
    os.chmod(out, 0o640)
    r = cli("check", "--format", "json", "-o", str(out), cwd=project)
    assert r.returncode in (0, 1), r.stderr
    assert out.read_text().startswith("{") and (out.stat().st_mode & 0o777) == 0o640
    assert _temps(tmp_path) == []


def test_failed_output_writes_leave_nothing_behind(project, tmp_path):
    r = cli("check", "-o", "/dev/full", cwd=project)  # a device that is always full: ENOSPC
    _clean(r)
    assert r.returncode == 2 and "No space left" in r.stderr, r.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = cli("check", "-o", str(blocker / "report.json"), cwd=project)  # a folder that cannot exist
    _clean(r)
    assert r.returncode == 2 and "cannot write" in r.stderr, r.stderr
    out = tmp_path / "big.json"
    out.write_text("old report\n")

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    r = subprocess.run([*CLI, "check", "--format", "json", "-o", str(out)], cwd=project, env=env(), capture_output=True,
                       text=True, timeout=120, preexec_fn=small_files)  # the write fails part way (EFBIG)
    _clean(r)
    assert r.returncode == 2 and out.read_text() == "old report\n", r.stderr
    assert _temps(tmp_path) == []


# ------------------------------------------------------------------ baseline and new stay inside


def test_baseline_is_refused_outside_the_config_folder(tmp_path):
    root = minimal_project(tmp_path / "proj")
    r = cli("baseline", "-o", "../outside.json", cwd=root)
    _clean(r)
    assert r.returncode == 2 and "outside the config file's folder" in r.stderr, r.stderr
    assert not (tmp_path / "outside.json").exists()
    (tmp_path / "elsewhere.json").write_text("{}")
    (root / "b.json").symlink_to(tmp_path / "elsewhere.json")
    r = cli("baseline", "-o", "b.json", cwd=root)
    assert r.returncode == 2 and (tmp_path / "elsewhere.json").read_text() == "{}", r.stderr
    (root / "real.json").write_text("{}")
    (root / "inside.json").symlink_to(root / "real.json")  # through a link that stays inside: the target is written
    r = cli("baseline", "-o", "inside.json", cwd=root)
    assert r.returncode == 0, r.stderr
    assert (root / "inside.json").is_symlink() and '"diagnostics"' in (root / "real.json").read_text()
    assert _temps(root) == []


def test_new_refuses_a_symlinked_area_folder(tmp_path):
    root = minimal_project(tmp_path / "proj")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "docs" / "features" / "ops").symlink_to(outside)
    r = cli("new", "P77", "Queue Overflow", "--area", "ops", cwd=root)
    _clean(r)
    assert r.returncode == 2 and "symbolic link" in r.stderr, r.stderr
    assert list(outside.iterdir()) == []


def test_new_with_a_name_that_is_not_utf8_leaves_no_file(tmp_path):
    root = minimal_project(tmp_path / "proj")
    before = sorted(p for p in (root / "docs").rglob("*"))
    r = subprocess.run([*CLI, "new", "P77", b"Queue \xff Overflow", "--area", "ops"], cwd=root, env=env(),
                       capture_output=True, timeout=120)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2 and "not valid UTF-8" in err and "Traceback" not in err, err
    assert [p for p in sorted((root / "docs").rglob("*")) if p.is_file()] == [p for p in before if p.is_file()]
    r = cli("new", "P77", "Queue Overflow", "--area", "ops", cwd=root)  # nothing blocks the next new
    assert r.returncode == 0, r.stderr
    assert (root / "docs" / "features" / "ops" / "queue-overflow.md").read_text(encoding="utf-8").startswith("---\nid: P77\n")


# ------------------------------------------------------------------ report_file and overview_page


@pytest.mark.parametrize("option, value, says", [
    ("report_file", "index.html", "would replace a file MkDocs writes"),
    ("report_file", "404.html", "would replace a file MkDocs writes"),
    ("report_file", "sitemap.xml", "would replace a file MkDocs writes"),
    ("report_file", "reports/", "must name a file"),
    ("overview_page", "overview.html", "must end in .md"),
    ("overview_page", "overview", "must end in .md"),
])
def test_site_path_options_that_would_replace_a_page_are_refused(tmp_path, option, value, says):
    root = minimal_project(tmp_path / "proj")
    write_config(root, f"{option}: '{value}'")
    r = cli("check", cwd=root)
    _clean(r)
    assert r.returncode == 2 and f"option '{option}'" in r.stderr and says in r.stderr, r.stderr
    b = mkdocs_build(root)
    assert b.returncode != 0 and says in b.stderr and "Traceback" not in b.stderr, b.stderr


def test_report_file_on_a_docs_page_output_is_a_diagnostic_and_the_page_stays(tmp_path):
    root = minimal_project(tmp_path / "proj")
    (root / "docs" / "guide.md").write_text("# Guide\n\nThe real guide.\n", encoding="utf-8")
    write_config(root, "report_file: guide/index.html")
    b = mkdocs_build(root)
    assert "option 'report_file': 'guide/index.html' is the output of guide.md" in b.stderr, b.stderr
    page = (root.parent / (root.name + "-site") / "guide" / "index.html").read_text(encoding="utf-8")
    assert "The real guide." in page
    assert mkdocs_build(root, "--strict").returncode != 0
