"""What `fix` owns in a NEEDS YOUR ATTENTION table: the count and ID cells of the rows of known finding types,
and nothing else (docs/guarantees.md, "What fix owns"). Hand-written notes columns, annotations after an ID,
custom rows, a line directly under the table, trailing whitespace and each row's own line ending stay byte
for byte, or the table is refused with the reason and the file is not touched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import cli

from mkdocs_reassign.cache import Cache
from mkdocs_reassign.commands.fix import fix_tables, rewrite_table
from mkdocs_reassign.engine import Project, validate
from mkdocs_reassign.options import Options
from mkdocs_reassign.sources import walk_docs

REL = "findings/session-2026-11-24.md"
FINDINGS = """
## 🔴 CRITICAL ISSUES (Stop & Alert Immediately)

### CRIT-1124-001: Requests bounce between agents forever
**Found by:** Doc Agent 5
**Feature:** P4

**YOUR DECISION:**
- [x] Confirmed as bug - create fix ticket

## 🟡 QUESTIONS FOR HUMAN (Need Your Input)

### Q-1124-001: Should a waiting visitor ever time out?
**Asked by:** Doc Agent 5
**Feature:** P4

**YOUR ANSWER:**
- [ ] Yes
- [ ] No

### Q-1124-002: Should the widget say why the agent left?
**Asked by:** Doc Agent 5
**Feature:** P4

**YOUR ANSWER:**
- [x] No

### Q-1124-003: Is the grace period per pool?
**Asked by:** Doc Agent 6
**Feature:** P4

**YOUR ANSWER:**
- [ ] Per pool

## 💡 UX RECOMMENDATIONS

### UX-1124-001: Show a reconnecting overlay
**Suggested by:** Doc Agent 5
**Feature:** P4
"""
# the truth: CRITICAL none, Questions Q-1124-001 and Q-1124-003, UX UX-1124-001


def _session(table: str, nl: str = "\n") -> bytes:
    text = "# Documentation Session: November 24, 2026\n\n## ⚠️ NEEDS YOUR ATTENTION\n\n" + table + "\n" + FINDINGS
    return text.replace("\n", nl).encode("utf-8")


def _project(tmp_path: Path, data: bytes) -> Path:
    root = tmp_path / "proj"
    (root / "docs" / "findings").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - reassign:\n      severity:\n        unknown-feature: 'off'\n",
                                     encoding="utf-8")
    (root / "docs" / REL).write_bytes(data)
    return root


def _fix(tmp_path: Path, data: bytes) -> tuple[bytes | None, str]:
    root = _project(tmp_path, data)
    opts = Options(severity={"unknown-feature": "off"})
    rep = validate(walk_docs(str(root / "docs")), Project(str(root), str(root / "docs"), opts), Cache())
    return rewrite_table(data, rep.sessions[0], rep)


def _drift(root: Path) -> list[str]:
    opts = Options(severity={"unknown-feature": "off"})
    rep = validate(walk_docs(str(root / "docs")), Project(str(root), str(root / "docs"), opts), Cache())
    return [d.format() for d in rep.diagnostics if d.rule == "attention-drift"]


HEAD = "| Type | Count | IDs |\n|------|-------|-----|\n"
CASES = {  # table -> the table fix writes (only the owned cells differ)
    "notes-column": (
        "| Type | Count | IDs | Notes |\n|---|---|---|---|\n"
        "| 🔴 **CRITICAL** | 1 | CRIT-1124-001 | decided on Monday, see log |\n"
        "| 🟡 **Questions** | 1 | Q-1124-001 | ask Dana \\| or Lee |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 | keep it short |\n",
        "| Type | Count | IDs | Notes |\n|---|---|---|---|\n"
        "| 🔴 **CRITICAL** | 0 | - | decided on Monday, see log |\n"
        "| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-003 | ask Dana \\| or Lee |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 | keep it short |\n",
    ),
    "annotation-on-a-right-row": (
        HEAD + "| 🔴 **CRITICAL** | 1 | CRIT-1124-001 |\n"
        "| 🟡 **Questions** | 2 | Q-1124-001 (asked twice), Q-1124-003 — *urgent* |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 (from the demo) |\n",
        HEAD + "| 🔴 **CRITICAL** | 0 | - |\n"
        "| 🟡 **Questions** | 2 | Q-1124-001 (asked twice), Q-1124-003 — *urgent* |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 (from the demo) |\n",
    ),
    "annotation-kept-while-a-stale-id-leaves": (
        HEAD + "| 🟡 **Questions** | 3 | Q-1124-001 (asked twice, again), Q-1124-002, Q-1124-003 |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n",
        HEAD + "| 🟡 **Questions** | 2 | Q-1124-001 (asked twice, again), Q-1124-003 |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n",
    ),
    "status-line-under-the-table-and-a-custom-row": (
        HEAD + "| 🟡 **Questions** | 1 | Q-1124-001 |\n| 📌 **Pinned** | 2 | see the log |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n**Status:** CRIT-1124-001 decided | Q-1124-002 answered\n",
        HEAD + "| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-003 |\n| 📌 **Pinned** | 2 | see the log |\n"
        "| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n**Status:** CRIT-1124-001 decided | Q-1124-002 answered\n",
    ),
    "bold-count-and-padded-columns": (
        "| Type                     | Count | IDs                      |\n|--------------------------|-------|--------------------------|\n"
        "| 🟡 **Questions**         | **3** | Q-1124-001, Q-1124-002   |\n"
        "| 💡 **UX Recommendations** | **1** | UX-1124-001              |\n",
        "| Type                     | Count | IDs                      |\n|--------------------------|-------|--------------------------|\n"
        "| 🟡 **Questions**         | **2** | Q-1124-001, Q-1124-003   |\n"
        "| 💡 **UX Recommendations** | **1** | UX-1124-001              |\n",
    ),
    "missing-row-added-after-the-rows-before-it": (
        HEAD + "| 🔴 **CRITICAL** | 0 | - |\n| 🎨 **UI Review** | 0 | none |\n",
        HEAD + "| 🔴 **CRITICAL** | 0 | - |\n| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-003 |\n"
        "| 🎨 **UI Review** | 0 | none |\n| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n",
    ),
    "short-row-gets-its-cells": (
        HEAD + "| 🟡 **Questions** |\n| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n",
        HEAD + "| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-003 |\n| 💡 **UX Recommendations** | 1 | UX-1124-001 |\n",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fix_changes_only_the_owned_cells(tmp_path, case):
    table, want = CASES[case]
    new, why = _fix(tmp_path, _session(table))
    assert new == _session(want), (why, (new or b"").decode())
    (tmp_path / "proj" / "docs" / REL).write_bytes(new)
    assert _drift(tmp_path / "proj") == [] or case == "status-line-under-the-table-and-a-custom-row"


REFUSED = {
    "a-stale-id-with-words-of-its-own": (
        HEAD + "| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-002 (Dana answered by mail) |\n", "Q-1124-002", "7: "),
    "two-rows-of-one-type": (
        HEAD + "| 🟡 **Questions** | 1 | Q-1124-001 |\n| 🟡 **Questions** | 1 | Q-1124-003 |\n", "second Questions row", "8: "),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_fix_refuses_a_table_it_cannot_fix_without_touching_hand_written_text(tmp_path, case):
    table, says, where = REFUSED[case]
    new, why = _fix(tmp_path, _session(table))
    assert new is None and says in why and why.startswith(where), why
    root = tmp_path / "proj"
    before = (root / "docs" / REL).read_bytes()
    r = cli("fix", cwd=root)
    assert r.returncode == 2 and f"docs/{REL}:{where}" in r.stderr and says in r.stderr and "nothing written" in r.stderr, r.stderr
    assert (root / "docs" / REL).read_bytes() == before


def test_each_row_keeps_its_own_line_ending_and_trailing_whitespace(tmp_path):
    """A mixed file: a CRLF row stays CRLF, an LF row LF, trailing spaces stay; the rest is byte for byte."""
    table = (HEAD.replace("\n", "\r\n") + "| 🟡 **Questions** | 1 | Q-1124-001 |  \r\n"
             "| 💡 **UX Recommendations** | 0 | - |\t\n")
    data = _session("").replace(b"NEEDS YOUR ATTENTION\n\n", b"NEEDS YOUR ATTENTION\n\n" + table.encode())
    new, why = _fix(tmp_path, data)
    want = (HEAD.replace("\n", "\r\n") + "| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-003 |  \r\n"
            "| 💡 **UX Recommendations** | 1 | UX-1124-001 |\t\n")
    assert new == data.replace(table.encode(), want.encode()), why


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_table_ending_the_file_keeps_the_missing_final_newline(tmp_path, nl):
    text = "# Documentation Session: November 24, 2026\n" + FINDINGS + "\n## ⚠️ NEEDS YOUR ATTENTION\n\n" + HEAD
    data = text.replace("\n", nl).encode().rstrip(b"\r\n")  # the separator ends the file
    new, why = _fix(tmp_path, data)
    rows = ["| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-003 |", "| 💡 **UX Recommendations** | 1 | UX-1124-001 |"]
    assert new == data + (nl + nl.join(rows)).encode(), why
    data = data + (nl + "| 🟡 **Questions** | 0 | - |").encode()  # a row ends the file
    new, why = _fix(tmp_path / "b", data)
    assert new == data.replace(b"| 0 | - |", b"| 2 | Q-1124-001, Q-1124-003 |") + (nl + rows[1]).encode(), why


def test_fix_cli_keeps_notes_and_annotations(tmp_path):
    """The real CLI on a table with a notes column, an annotation and a status line: only owned cells change."""
    table, want = CASES["notes-column"]
    table = table.replace("| Q-1124-001 |", "| Q-1124-001 (asked twice) |") + "**Status:** reviewed | pending\n"
    want = want.replace("| Q-1124-001, Q-1124-003 |", "| Q-1124-001 (asked twice), Q-1124-003 |") + "**Status:** reviewed | pending\n"
    root = _project(tmp_path, _session(table, "\r\n"))
    r = cli("fix", cwd=root)
    assert r.returncode == 0 and "fixed: docs/" + REL in r.stdout, r.stdout + r.stderr
    assert (root / "docs" / REL).read_bytes() == _session(want, "\r\n")
    # the status line right under the table is a row of it in the rendered page (check reports it); fix leaves
    # it to a person and says so, instead of calling the table up to date
    r = cli("fix", "--check", cwd=root)
    assert r.returncode == 2 and "up to date" not in r.stdout, r.stdout + r.stderr
    assert ": not fixed: " in r.stderr and "Status" in r.stderr and "edit this by hand" in r.stderr, r.stderr


def test_fix_tables_in_process_reports_the_refusal(tmp_path):
    root = _project(tmp_path, _session(REFUSED["two-rows-of-one-type"][0]))
    project = Project(str(root), str(root / "docs"), Options(severity={"unknown-feature": "off"}))
    cache = Cache()
    rep = validate(walk_docs(project.docs_dir), project, cache)
    changed, problems = fix_tables(project, cache, rep)
    assert changed == [] and len(problems) == 1 and "second Questions row" in problems[0]
