"""template: a feature doc follows another layout altogether (fewer than half of its contract's sections).

One diagnostic for the doc, listing what it has and what it lacks, instead of one required-section line per
missing section (an older layout or a runbook is one thing to fix, not twelve)."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import gaps
from .required_section import heading_case, in_case

RULE = Rule("template", ("doc",), "error", "a doc follows another layout altogether (most template sections absent)")


def check_doc(fd) -> list[Diagnostic]:
    out = []
    for i, g in gaps(fd, "template"):
        required = [s for s in fd.contract.sections if s.required]
        have = [s.names[0] for s in g.present]
        case = heading_case([h for h in fd.doc.headings if h.level == 2])
        lacks = [in_case(s.names[0], case) for s in required if s not in g.present]  # as the doc writes headings
        has = f"has {', '.join(have)}" if have else "has none of them; its other requirements are reported once it has"
        out.append(Diagnostic(fd.rel, g.line, RULE.id,
                              f"the doc has {len(have)} of the {len(required)} sections of contract {g.contract} ({has})",
                              f"add the missing sections: {', '.join(lacks)}; or give the doc a contract that fits its layout",
                              contract=g.contract, extra={"gap": i}))
    return out
