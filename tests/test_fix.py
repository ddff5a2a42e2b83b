"""`mkdocs-reassign fix`: stale attention tables rewritten to the truth, and nothing else.

Every other byte of the file stays (BOM, CRLF, trailing text without a final newline,
non-ASCII); the write is atomic, idempotent, refused when the file changed since it
was read, and never touches a file that was not parsed as a session file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cli_support import (
    REPO,
    SESSION,
    STALE_ROW,
    TRUE_ROW,
    cli,
    copy_dogfood,
    tree_state,
)

ORIGINAL = (REPO / SESSION).read_bytes()  # the dogfood session: its table is the truth
assert TRUE_ROW.encode() in ORIGINAL


def _stale(data: bytes) -> bytes:
    assert data.count(TRUE_ROW.encode()) == 1
    return data.replace(TRUE_ROW.encode(), STALE_ROW.encode())


def _crlf(b: bytes) -> bytes:
    return b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _bom(b: bytes) -> bytes:
    return b"\xef\xbb\xbf" + b


def _tail(b: bytes) -> bytes:
    return b.rstrip(b"\r\n") + "\n\nFin de séance — 完了 ✓ (no final newline)".encode()


VARIANTS = {
    "as-is": lambda b: b,
    "crlf": _crlf,
    "bom": _bom,
    "tail-without-newline": _tail,
    "bom-crlf-tail": lambda b: _bom(_crlf(_tail(b))),
}


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_dogfood(tmp_path / "proj")


def _temp_files(root: Path) -> list[str]:
    return [p for p in tree_state(root) if ".reassign" in p]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_fix_rewrites_only_the_table(project, variant):
    t = VARIANTS[variant]
    path = project / SESSION
    path.write_bytes(t(_stale(ORIGINAL)))
    r = cli("fix", "--check", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "stale: " + SESSION in r.stdout
    assert path.read_bytes() == t(_stale(ORIGINAL))  # --check changes nothing

    r = cli("fix", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "fixed: " + SESSION in r.stdout
    assert path.read_bytes() == t(ORIGINAL)  # every byte outside the stale row is as it was
    assert not _temp_files(project)

    before = path.stat().st_mtime_ns
    r = cli("fix", cwd=project)  # idempotent: nothing left to do, the file is not rewritten
    assert r.returncode == 0 and "up to date" in r.stdout
    assert path.read_bytes() == t(ORIGINAL) and path.stat().st_mtime_ns == before
    assert cli("fix", "--check", cwd=project).returncode == 0
    assert cli("check", SESSION, cwd=project).returncode == 0


def test_drift_fix_cannot_change_is_named_not_called_up_to_date(project):
    """A table whose only drift is a row of no finding type (a person's row, which fix never deletes): fix and
    fix --check name it on stderr with its line and exit 2; before, they said "all attention tables are up to
    date" and exited 0 while check failed on it."""
    path = project / SESSION
    text = ORIGINAL.decode()
    at = text.index("\n", text.index(TRUE_ROW)) + 1
    path.write_text(text[:at] + "| 📌 **Pinned** | 2 | see the log |\n" + text[at:], encoding="utf-8", newline="")
    before = path.read_bytes()
    chk = cli("check", SESSION, cwd=project)
    drift = [ln for ln in chk.stdout.splitlines() if "attention-drift" in ln]
    assert chk.returncode == 1 and len(drift) == 1, chk.stdout
    for args in (("fix",), ("fix", "--check")):
        r = cli(*args, cwd=project)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "up to date" not in r.stdout
        line = drift[0].split(": ")[0]  # PATH:LINE
        assert f"{line}: not fixed: " in r.stderr and "edit this by hand" in r.stderr, r.stderr
        assert path.read_bytes() == before


def test_fix_keeps_the_hand_kept_header_and_adds_missing_rows(project):
    path = project / SESSION
    text = ORIGINAL.decode()
    start = text.index("| Type | Count | IDs |")
    end = text.index("\n\n", start)
    custom = "| What | How many | Which |\n|:-----|-----:|---|\n| 🟡 **Questions** | 0 | - |"
    path.write_text(text[:start] + custom + text[end:], encoding="utf-8", newline="")
    assert cli("fix", cwd=project).returncode == 0
    new = path.read_text(encoding="utf-8")
    table = new[start : new.index("\n\n", start)]
    # the hand-kept header and separator stay; the row's owned cells are set, and only a type with open
    # findings gets a row added (a type with none needs no row: check accepts the table without it)
    assert table == ("| What | How many | Which |\n|:-----|-----:|---|\n" + TRUE_ROW
                     + "\n| 💡 **UX Recommendations** | 1 | UX-1124-001 |")
    assert new[:start] == text[:start] and new[new.index("\n\n", start):] == text[end:]


def test_fix_check_exit_codes(project):
    assert cli("fix", "--check", cwd=project).returncode == 0
    (project / SESSION).write_bytes(_stale(ORIGINAL))
    state = tree_state(project)
    assert cli("fix", "--check", cwd=project).returncode == 1
    assert tree_state(project) == state
    assert cli("fix", cwd=project).returncode == 0
    assert cli("fix", "--check", cwd=project).returncode == 0


def test_fix_never_touches_other_files(project):
    # a stale-looking table in files that are not session files
    for rel in ("docs/notes/session-copy.md", "docs/findings/notes.md", "docs/findings/session-draft.txt"):
        p = project / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(_stale(ORIGINAL))
    (project / SESSION).write_bytes(_stale(ORIGINAL))
    before = tree_state(project)
    assert cli("fix", cwd=project).returncode == 0
    after = tree_state(project)
    assert set(after) == set(before)
    changed = {p for p in before if before[p] != after[p]}
    assert changed == {SESSION}


def test_fix_writes_through_a_symlink_inside_docs_dir_and_keeps_the_mode(project):
    real = project / "docs" / "findings" / "archive" / "real-session.md"
    real.parent.mkdir()
    real.write_bytes(_stale(ORIGINAL))
    os.chmod(real, 0o640)
    link = project / SESSION
    link.unlink()
    link.symlink_to(real)
    r = cli("fix", cwd=project)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and real.read_bytes() == ORIGINAL
    assert (real.stat().st_mode & 0o777) == 0o640


def test_fix_refuses_a_symlink_that_leaves_docs_dir(project):
    real = project / "elsewhere" / "real-session.md"
    real.parent.mkdir()
    real.write_bytes(_stale(ORIGINAL))
    link = project / SESSION
    link.unlink()
    link.symlink_to(real)
    r = cli("fix", cwd=project)
    # the check does not read a session behind a link out of docs_dir (read-error): fix says it was not fixed
    assert r.returncode == 2 and "not fixed" in r.stderr and "docs_dir" in r.stderr, r.stderr
    assert "up to date" not in r.stdout and "Traceback" not in r.stderr
    assert link.is_symlink() and real.read_bytes() == _stale(ORIGINAL)


# ------------------------------------------------------------------ races, in process


def _checker(project: Path):
    from mkdocs_reassign import cli as cli_mod
    from mkdocs_reassign.cache import Cache
    from mkdocs_reassign.engine import Project

    conf = cli_mod.load_project(str(project / "mkdocs.yml"))
    run = cli_mod.Run(Project(conf.root, conf.docs_dir, conf.options), Cache(), conf.exclude_docs)
    return run, run.validate()


def test_write_if_unchanged_refuses_a_file_changed_since_it_was_read(project):
    from mkdocs_reassign.commands.fix import write_if_unchanged

    path = project / SESSION
    read = _stale(ORIGINAL)
    path.write_bytes(read)
    someone_else = read + b"\nA line typed while fix was running.\n"
    path.write_bytes(someone_else)
    err = write_if_unchanged(str(path), read, ORIGINAL)
    assert err and "changed on disk" in err
    assert path.read_bytes() == someone_else
    assert not _temp_files(project)
    # unchanged: written
    assert write_if_unchanged(str(path), someone_else, ORIGINAL) is None
    assert path.read_bytes() == ORIGINAL and not _temp_files(project)


def test_fix_tables_refuses_a_file_changed_after_the_check(project):
    from mkdocs_reassign.commands.fix import fix_tables

    path = project / SESSION
    path.write_bytes(_stale(ORIGINAL))
    checker, rep = _checker(project)
    edited = _stale(ORIGINAL).replace(b"## Session Info", b"## Session Info (edited)")
    path.write_bytes(edited)
    changed, problems = fix_tables(checker.project, checker.cache, rep)
    assert changed == [] and len(problems) == 1 and "changed on disk" in problems[0]
    assert path.read_bytes() == edited
    # a fresh run fixes it, keeping the edit
    checker, rep = _checker(project)
    changed, problems = fix_tables(checker.project, checker.cache, rep)
    assert changed == [SESSION] and problems == []
    assert path.read_bytes() == ORIGINAL.replace(b"## Session Info", b"## Session Info (edited)")


def _fix_with_file_size_limit(project: Path, limit: int):
    """The real CLI with RLIMIT_FSIZE: a write past ``limit`` bytes fails with EFBIG, as a full disk would fail it."""
    import resource
    import subprocess

    from cli_support import CLI, env

    def limit_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([*CLI, "fix"], cwd=project, env=env(), capture_output=True, text=True, timeout=120,
                          preexec_fn=limit_size)


def test_write_failure_leaves_the_file_whole_and_no_temp_file(project):
    """A write that fails (the file may not grow: EFBIG, like ENOSPC) leaves the old file whole, nothing behind."""
    path = project / SESSION
    old = ORIGINAL.replace(TRUE_ROW.encode(), b"| \xf0\x9f\x9f\xa1 **Questions** | 0 | - |")
    path.write_bytes(old)
    assert len(ORIGINAL) > len(old)
    r = _fix_with_file_size_limit(project, len(old) + 1)  # the backup fits, the longer table does not
    assert r.returncode == 2 and "nothing written" in r.stderr, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert path.read_bytes() == old
    assert not _temp_files(project)
    r = _fix_with_file_size_limit(project, 10)  # not even the backup fits
    assert r.returncode == 2 and path.read_bytes() == old and not _temp_files(project)


def test_rename_path_failure_leaves_no_temp_file(project):
    """Without a lease (the rename path), a failing write leaves the file whole and no temp file."""
    import resource

    from mkdocs_reassign.commands.fix import write_if_unchanged

    path = project / SESSION
    path.write_bytes(_stale(ORIGINAL))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, hard))
    try:
        err = write_if_unchanged(str(path), _stale(ORIGINAL), ORIGINAL, use_lease=False)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert err and "nothing written" in err
    assert path.read_bytes() == _stale(ORIGINAL) and not _temp_files(project)


def test_table_at_the_end_of_a_file_without_final_newline(tmp_path):
    project = tmp_path / "eof"
    (project / "docs" / "findings").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - reassign\n", encoding="utf-8")
    body = (
        "# Documentation Session: January 2, 2026\n\n"
        "## 🟡 QUESTIONS FOR HUMAN (Need Your Input)\n\n"
        "### Q-0102-001: Is the limit per pool?\n**Asked by:** Doc Agent 1\n**Feature:** P4\n\n"
        "**Current Behavior:**\nA limit.\n\n**Why I'm Asking:**\nBecause.\n\n"
        "**YOUR ANSWER:**\n- [ ] Per pool\n- [ ] Global\n\n"
        "## ⚠️ NEEDS YOUR ATTENTION\n\n| Type | Count | IDs |\n|------|-------|-----|"
    )
    path = project / "docs/findings/session-2026-01-02.md"
    path.write_bytes(body.encode())
    assert cli("fix", "--check", cwd=project).returncode == 1
    assert cli("fix", cwd=project).returncode == 0
    data = path.read_bytes()
    assert data.startswith(body.encode() + b"\n| ") and not data.endswith(b"\n")
    assert "| 🟡 **Questions** | 1 | Q-0102-001 |".encode() in data
    assert cli("fix", "--check", cwd=project).returncode == 0


def test_unreadable_session_is_not_touched(project):
    path = project / SESSION
    path.write_bytes(b"\xff\xfe" + _stale(ORIGINAL))  # looks like UTF-16: a read-error, not a session
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    r = cli("fix", cwd=project)
    assert r.returncode == 2 and "not fixed: file is UTF-16" in r.stderr, r.stderr  # named, never claimed up to date
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_fix_leaves_no_site(project):
    (project / SESSION).write_bytes(_stale(ORIGINAL))
    cli("fix", cwd=project)
    assert not (project / "site").exists()


# ------------------------------------------------------------------ fix --decision-ids

_DECIDED_SESSION = (
    "# Documentation Session: May 12, 2026\n\n"
    "## ⚠️ NEEDS YOUR ATTENTION\n\n| Type | Count | IDs |\n|------|-------|-----|\n"
    "| 🟡 **Questions** | 1 | Q-0512-002 |\n\n"
    "## 🟡 QUESTIONS FOR HUMAN (Need Your Input)\n\n"
    "### Q-0512-001: reassignVisitors() ignores pool-based routing\n**Asked by:** Doc Agent 1\n**Feature:** P4\n"
    "**Current Behavior:** Any agent.\n**Why I'm Asking:** Pools.\n\n**YOUR ANSWER:**\n- [ ] Route within the pool\n\n"
    "### Q-0512-002: Should the grace period differ for mobile agents?\n**Asked by:** Doc Agent 1\n**Feature:** P4\n"
    "**Current Behavior:** Ten seconds.\n**Why I'm Asking:** Mobile drops.\n\n**YOUR ANSWER:**\n- [ ] Keep one\n\n"
    "## DECISIONS LOG\n\n| Time | ID | Question/Issue | Decision |\n|------|----|----------------|----------|\n"
    "| 10:02 | Q1 | Pool routing during reassignment — « équipe » | Route within the pool |\n"
    "| 10:40 | Q5-new | Billing seat rounding | Round up |\n"
)


def _decided_project(tmp_path: Path, variant) -> tuple[Path, bytes]:
    project = tmp_path / "dec"
    (project / "docs" / "findings").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - reassign:\n      severity:\n        unknown-feature: 'off'\n",
                                        encoding="utf-8")
    data = variant(_DECIDED_SESSION.encode())
    (project / "docs/findings/session-2026-05-12.md").write_bytes(data)
    return project, data


@pytest.mark.parametrize("variant", list(VARIANTS.values()), ids=list(VARIANTS))
def test_fix_decision_ids_rewrites_only_the_short_reference(tmp_path, variant):
    project, before = _decided_project(tmp_path, variant)
    path = project / "docs/findings/session-2026-05-12.md"
    # the plain fix leaves the table alone: Q-0512-001 is possibly decided as Q1, so it is not added
    assert cli("fix", "--check", cwd=project).returncode == 0
    r = cli("fix", "--decision-ids", "--check", cwd=project)
    assert r.returncode == 1 and path.read_bytes() == before
    r = cli("fix", "--decision-ids", cwd=project)
    assert r.returncode == 0, r.stderr
    assert "Q1 -> Q-0512-001" in r.stdout
    # Q5-new matches no finding: left as it is; every other byte stays
    assert path.read_bytes() == before.replace(b"| Q1 |", b"| Q-0512-001 |")
    assert not _temp_files(project)
    assert cli("fix", "--decision-ids", "--check", cwd=project).returncode == 0


def test_fix_decision_ids_refuses_a_file_changed_after_the_check(tmp_path):
    from mkdocs_reassign.commands.fix import fix_decision_ids

    project, before = _decided_project(tmp_path, lambda b: b)
    path = project / "docs/findings/session-2026-05-12.md"
    checker, rep = _checker(project)
    edited = before + b"\nA line typed meanwhile.\n"
    path.write_bytes(edited)
    changed, problems = fix_decision_ids(checker.project, checker.cache, rep)
    assert changed == [] and len(problems) == 1 and "changed on disk" in problems[0]
    assert path.read_bytes() == edited
