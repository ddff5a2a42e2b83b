"""diagram: the contract asks for a diagram (Mermaid or another diagram language, or box-drawing art in a fence)."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import gaps, tag

RULE = Rule("diagram", ("doc",), "error", "a required diagram is missing")


def check_doc(fd) -> list[Diagnostic]:
    return [Diagnostic(fd.rel, g.line, RULE.id, f"{g.req.description or 'a diagram'}: no diagram in {g.where}",
                       f"{tag(g)}; " + (g.req.hint or "add a ```mermaid fence or a box-drawing ASCII diagram in a fence"),
                       requirement=g.req.id, contract=g.contract, extra={"gap": i})
            for i, g in gaps(fd, "diagram")]
