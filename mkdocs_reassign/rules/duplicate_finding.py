"""duplicate-finding: one finding ID is defined twice (in one session file or across them)."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("duplicate-finding", ("site",), "error", "one finding ID used twice")


def check_site(site) -> list[Diagnostic]:
    sessions = site.sessions
    seen: dict = {}
    out = []
    for s in sorted(sessions, key=lambda x: x.rel):
        for f in s.findings:
            first = seen.get(f.id)
            if first is None:
                seen[f.id] = f
            else:
                out.append(Diagnostic(s.rel, f.line, RULE.id, f"finding ID {f.id} is already used in {first.session}",
                                      f"first used at line {first.line}; give this finding the next free number"))
    return out
