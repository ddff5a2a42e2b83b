"""section-order: the template's sections are present but out of order."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import gaps

RULE = Rule("section-order", ("doc",), "warning", "template sections are out of order")


def check_doc(fd) -> list[Diagnostic]:
    return [Diagnostic(fd.rel, g.line, RULE.id,
                       f'section "{g.section.heading.text}" comes before "{g.other.heading.text}" but the template puts it after',
                       f"move it below line {g.other.start}", requirement=f"section:{g.spec.id}", contract=g.contract, extra={"gap": i})
            for i, g in gaps(fd, "order")]
