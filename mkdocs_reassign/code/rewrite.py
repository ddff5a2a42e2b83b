"""Renumber moved code references in a doc's text.

Only the digits of the moved references change: every other byte (line endings,
``\\r``, trailing blanks, other references on the same line) is kept.  Each edit
checks that the digits it replaces still read the old numbers, so running the
rewrite again on its own output (or on a doc edited meanwhile) changes nothing.
"""

from __future__ import annotations

from typing import Iterable

from .check import CodeRefProblem

__all__ = ["rewrite_moved", "Edit", "edits_for"]

Edit = tuple[int, int, str, str]  # (doc line, 0-based column, old digits, new digits)


def edits_for(problems: Iterable[CodeRefProblem]) -> list[Edit]:
    """The digit edits the ``moved`` problems ask for."""
    out: list[Edit] = []
    for p in problems:
        if p.kind != "moved" or p.new_start is None:
            continue
        ref = p.ref
        if ref.start is None or ref.start_col < 0:
            continue
        out.append((ref.line, ref.start_col, str(ref.start), str(p.new_start)))
        if ref.end is not None and p.new_end is not None and ref.end_col >= 0:
            out.append((ref.line, ref.end_col, str(ref.end), str(p.new_end)))
    return out


def rewrite_moved(text: str, problems: Iterable[CodeRefProblem]) -> str:
    """``text`` with the numbers of the moved references rewritten to their symbols' new lines.

    Lines are split on ``\\n`` as ``mkdocs_reassign.scan.scan`` splits them, so the problems' line and
    column numbers address the same characters."""
    edits = edits_for(problems)
    if not edits:
        return text
    lines = text.split("\n")
    by_line: dict[int, list[Edit]] = {}
    for e in edits:
        by_line.setdefault(e[0], []).append(e)
    for ln, es in by_line.items():
        if not 1 <= ln <= len(lines):
            continue
        s = lines[ln - 1]
        for _, col, old, new in sorted(set(es), key=lambda e: e[1], reverse=True):  # right to left
            end = col + len(old)
            if s[col:end] != old or (end < len(s) and s[end].isdigit()) or (col > 0 and s[col - 1].isdigit()):
                continue  # not the digits we read: already rewritten or edited since
            s = s[:col] + new + s[end:]
        lines[ln - 1] = s
    return "\n".join(lines)
