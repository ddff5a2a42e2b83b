"""diagram: the contract asks for a diagram (Mermaid or another diagram language, or box-drawing art in a fence)."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ..model.coverage import is_diagram
from ._coverage import gaps, tag

_HINT = "add a ```mermaid fence or a box-drawing ASCII diagram in a fence"
RULE = Rule("diagram", ("doc",), "error", "a required diagram is missing")


def check_doc(fd) -> list[Diagnostic]:
    notes = [Diagnostic(fd.rel, g.line, RULE.id, f"{g.req.description or 'a diagram'}: the diagram at line {g.line} is outside {g.where}",
                        f"{tag(g)}; the contract asks for it in {g.where}", requirement=g.req.id, contract=g.contract,
                        extra={"gap": i, "severity": g.req.elsewhere})
             for i, g in gaps(fd, "diagram-elsewhere")]
    return notes + _missing(fd)


def _missing(fd) -> list[Diagnostic]:
    found = gaps(fd, "diagram")
    if len(found) > 1 and not any(is_diagram(f) for f in fd.doc.fences):
        # no diagram at all: one defect, reported once, naming every requirement it fails
        i, g = next(((j, o) for j, o in found if o.req.contract == fd.contract.name), found[0])  # the doc's own contract first
        also = ", ".join(o.req.id for _j, o in found if o is not g)
        return [Diagnostic(fd.rel, g.line, RULE.id, f"{g.req.description or 'a diagram'}: the doc has no diagram",
                           f"{tag(g)} (and {also}); " + (g.req.hint or _HINT), requirement=g.req.id, contract=g.contract,
                           extra={"gap": i})]
    return [Diagnostic(fd.rel, g.line, RULE.id, f"{g.req.description or 'a diagram'}: no diagram in {g.where}",
                       f"{tag(g)}; " + (g.req.hint or _HINT), requirement=g.req.id, contract=g.contract, extra={"gap": i})
            for i, g in found]
