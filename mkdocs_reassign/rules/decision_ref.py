"""decision-ref: a DECISIONS LOG row or status-line entry names a finding by a short ordinal (`Q1`, `Q5-new`).

Teams record decisions as they put questions to the lead: "Q1", "Q2", ... "Q5-new". The checker cannot know
for sure which finding such a name means, so it reports each one once, naming the likely finding (by title
similarity with the row's words, or by position for a bare "Q1 ✅"), and treats that finding as possibly
decided: attention-drift does not call it open-but-missing, `fix` does not add it to the table, and
`fix --decision-ids` writes the finding's ID into the log when exactly one finding matches.
"""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("decision-ref", ("session",), "warning", "a DECISIONS LOG row or status line names a finding by a short reference")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def check_session(s, _reg) -> list[Diagnostic]:
    out = []
    for r in s.short_refs:
        where = "the DECISIONS LOG" if r.source == "log" else "the status line"
        said = f"{r.ref} '{r.text}'" if r.text else r.ref
        f = r.match
        if f is None:
            n = sum(1 for x in s.findings if (x.type or x.section) is r.type)
            if r.text:
                msg = f"{said} in {where} names no finding ID, and no {r.type.label} finding of this session is like it"
            else:
                msg = f"{said} in {where} names no finding ID, and this session has no {_ordinal(r.number)} {r.type.label} finding"
            hint = f"write the finding's ID; this session has {n} {r.type.label} finding{'s' if n != 1 else ''}"
        elif r.how == "title":
            msg = f"{said} is probably {f.id} '{f.title}'"
            hint = f"write {f.id} in {where}" + ("; mkdocs-reassign fix --decision-ids does it" if r.source == "log" else "")
        elif r.how == "title-tie":
            alts = ", ".join(x.id for x in [f, *r.others])
            msg = f"{said} could be any of {alts}"
            hint = f"write the finding's ID in {where}"
        else:
            msg = f"{said} is possibly {f.id} '{f.title}' (the {_ordinal(r.number)} {r.type.label} finding of this session)"
            hint = f"write the finding's ID in {where}, e.g. {f.id} {'✅' if r.ticked else ''}".rstrip()
        if f is not None and f.maybe_decided == f"{r.ref} at line {r.line}":
            hint += f"; until then {f.id} counts as possibly decided"
        out.append(Diagnostic(s.rel, r.line, RULE.id, msg, hint))
    return out
