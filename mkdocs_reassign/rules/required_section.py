"""required-section: a section the contract asks for is missing or empty."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import alts, gaps, tag

RULE = Rule("required-section", ("doc",), "error", "a contract's section is missing or empty")


def check_doc(fd) -> list[Diagnostic]:
    out = []
    rel = fd.rel
    for i, g in gaps(fd, "section-missing", "section-empty"):
        if g.kind == "section-missing":
            spec = g.spec
            where = f' (expected before "{g.section.heading.text}")' if g.section else ""
            out.append(Diagnostic(rel, g.line, RULE.id, f'section "{spec.title}" is missing{where}',
                                  f'add "## {spec.title}" (matched by name: {alts(spec.names)})',
                                  requirement=f"section:{spec.id}", contract=g.contract, extra={"gap": i}))
        elif g.kind == "section-empty":
            out.append(Diagnostic(rel, g.line, RULE.id, f'section "{g.section.heading.text}" is empty',
                                  "write its content or remove the heading", requirement=f"section:{g.spec.id}",
                                  contract=g.contract, extra={"gap": i}))
    for i, g in gaps(fd, "requirement-section-missing"):
        req = g.req
        out.append(Diagnostic(rel, g.line, RULE.id, f"no section {alts(req.section_names)} for {req.description or req.id}",
                              f"{tag(g)}; add one of these headings" + (f"; {req.hint}" if req.hint else ""),
                              requirement=req.id, contract=g.contract, extra={"gap": i}))
    return out
