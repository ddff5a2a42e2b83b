"""open-critical: a finding of a type that stops CI (CRITICAL by default) is still open."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("open-critical", ("session",), "error", "a critical finding is still open")


def check_session(s, _reg) -> list[Diagnostic]:
    out = []
    for f in s.findings:
        ftype = f.type or f.section
        if ftype is None or f.from_table:
            continue
        if ftype.stop and not f.decided:
            out.append(Diagnostic(s.rel, f.line, RULE.id, f"{f.id} is open: {f.title}",
                                  "tick a box under **YOUR DECISION:** or log it in the DECISIONS LOG; agents stop on CRITICAL"))
    return out
