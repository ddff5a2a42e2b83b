"""source-ref: a finding's **File:** path does not exist under source_root, or its lines are past the end of the file."""

from __future__ import annotations

import os

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("source-ref", ("site",), "error", "a File: path or line does not exist under the configured source root")


def check_site(site) -> list[Diagnostic]:
    sessions, source_root, display_root = site.sessions, site.source_root, site.options.source_root or ""
    if not source_root:
        return []
    root = os.path.realpath(source_root)
    out = []
    counts: dict[str, int | None] = {}
    fulls: dict[str, str | None] = {}
    for s in sessions:
        for f in s.findings:
            for ref in f.files:
                if ref.path not in fulls:
                    fulls[ref.path] = _under(root, ref.path)
                full = fulls[ref.path]
                if full is None:
                    out.append(Diagnostic(s.rel, ref.line, RULE.id, f"{f.id}: {ref.path!r} is not a valid path",
                                          "write a path relative to the source_root option, e.g. src/app.py:12"))
                    continue
                if os.path.commonpath([root, full]) != root:
                    out.append(Diagnostic(s.rel, ref.line, RULE.id, f"{f.id}: {ref.path} points outside the source root",
                                          "File: paths are relative to the source_root option"))
                    continue
                if not os.path.isfile(full):
                    out.append(Diagnostic(s.rel, ref.line, RULE.id, f"{f.id}: {ref.path} does not exist under {display_root}",
                                          "fix the path, relative to source_root"))
                    continue
                if ref.start is None:
                    continue
                if full not in counts:
                    counts[full] = _count_lines(full)
                n = counts[full]
                last = max(ref.start, ref.end or ref.start)
                if ref.start < 1:
                    out.append(Diagnostic(s.rel, ref.line, RULE.id, f"{f.id}: {ref.path}:{ref.start}: lines are numbered from 1",
                                          "update the line numbers"))
                elif ref.end is not None and ref.end < ref.start:
                    out.append(Diagnostic(s.rel, ref.line, RULE.id, f"{f.id}: line range {ref.start}-{ref.end} is reversed", "write start-end"))
                elif n is not None and last > n:
                    out.append(Diagnostic(s.rel, ref.line, RULE.id, f"{f.id}: {ref.path}:{ref.start}{'-' + str(ref.end) if ref.end and ref.end != ref.start else ''} is past the end of the file ({n} lines)",
                                          "update the line numbers"))
    return out


def _under(root: str, path: str) -> str | None:
    """The real path of a File: reference (relative to root, or absolute); None when no path can be made of it."""
    if "\x00" in path or len(path) > 4096:
        return None
    try:
        p = path if os.path.isabs(path) else path.lstrip("/")
        return os.path.realpath(os.path.join(root, p))
    except (OSError, ValueError):
        return None


def _count_lines(path: str) -> int | None:
    try:
        n = 0
        last = b"\n"
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(1 << 16)
                if not chunk:
                    break
                n += chunk.count(b"\n")
                last = chunk[-1:]
        return n + (0 if last == b"\n" else 1)
    except OSError:
        return None
