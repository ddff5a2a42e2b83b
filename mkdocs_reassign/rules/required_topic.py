"""required-topic: a topic the contract asks for is not covered where the contract says."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import gaps, tag

RULE = Rule("required-topic", ("doc",), "error", "a required term is not mentioned where the contract says")


def check_doc(fd) -> list[Diagnostic]:
    out = []
    for i, g in gaps(fd, "term"):
        req, term = g.req, g.term
        alts = f" (or {', '.join(repr(t) for t in term.any[1:4])})" if len(term.any) > 1 else ""
        out.append(Diagnostic(fd.rel, g.line, RULE.id, f'{req.description or req.id}: "{term.name}" is not mentioned in {g.where}',
                              f"{tag(g)}; mention {term.any[0]!r}{alts}" + (f"; {req.hint}" if req.hint else ""),
                              requirement=req.id, contract=g.contract, extra={"gap": i}))
    return out
