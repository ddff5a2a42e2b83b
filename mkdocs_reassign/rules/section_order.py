"""section-order: the template's sections are present but out of order (one diagnostic per doc)."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import gaps

RULE = Rule("section-order", ("doc",), "warning", "template sections are out of order")


def check_doc(fd) -> list[Diagnostic]:
    out = []
    for i, g in gaps(fd, "order"):
        first = g.moves[0]
        msg = f'section "{first[0].heading.text}" comes before "{first[1].heading.text}" but the template puts it after'
        if len(g.moves) > 1:
            msg += f" (and {len(g.moves) - 1} more: " + ", ".join(f'"{s.heading.text}"' for s, _p, _sp in g.moves[1:]) + ")"
        hint = "; ".join(f"move {s.heading.text!r} below line {p.start}" for s, p, _sp in g.moves)
        out.append(Diagnostic(fd.rel, g.line, RULE.id, msg, hint, requirement=f"section:{g.spec.id}", contract=g.contract,
                              extra={"gap": i}))
    return out
