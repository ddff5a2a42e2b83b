"""unknown-finding: a feature doc cites a finding ID that no session file defines."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("unknown-finding", ("site",), "warning", "a doc cites a finding ID that no session file defines")


def check_site(site) -> list[Diagnostic]:
    out = []
    defined = site.defined
    for rel, cites in site.cites:
        for line, fid in cites:
            if fid not in defined:
                out.append(Diagnostic(rel, line, RULE.id, f"{fid} is cited but no session file defines it",
                                      "fix the ID, or add the finding to a session file"))
    return out
