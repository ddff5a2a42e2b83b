"""required-topic: a concept the contract asks for is not covered where the contract says.

Covered means said, in any words the contract's concept allows, in a sentence, table row, list item or
heading that is neither a placeholder nor a question left unanswered. A miss quotes the closest passage
and what it lacked; a concept covered outside the requirement's section is noted (at the severity the
contract's ``elsewhere`` sets, info by default) with where it was found.
"""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from ..text.concepts import brief
from ._coverage import gaps, tag

RULE = Rule("required-topic", ("doc",), "error", "a required concept is not covered where the contract says")


def _say(term) -> str:
    """How to satisfy a concept: its first plain phrases."""
    phrases = term.phrases
    if not phrases:
        return f"write about {term.name}"
    more = f", or {', '.join(repr(t) for t in phrases[1:4])}" if len(phrases) > 1 else ""
    return f"mention {phrases[0]!r}{more}"


def check_doc(fd) -> list[Diagnostic]:
    out = []
    for i, g in gaps(fd, "term", "elsewhere"):
        req, term, v = g.req, g.term, g.verdict
        what = req.description or req.id
        if g.kind == "elsewhere":
            out.append(Diagnostic(fd.rel, g.line, RULE.id,
                                  f'{what}: "{term.name}" is covered at line {v.line}, outside {g.where}',
                                  f"{tag(g)}; the contract asks for it in {g.where}; matched {' '.join(v.matched)!r}",
                                  requirement=req.id, contract=g.contract,
                                  extra={"gap": i, "severity": req.elsewhere, "term": term.name}))
            continue
        closest = ""
        if v is not None and v.line is not None:
            closest = f'closest: line {v.line} "{v.text}" lacks {", ".join(brief(x) for x in v.lacking)}; '
        out.append(Diagnostic(fd.rel, g.line, RULE.id, f'{what}: "{term.name}" is not covered in {g.where}',
                              f"{closest}{tag(g)}; {_say(term)}" + (f"; {req.hint}" if req.hint else ""),
                              requirement=req.id, contract=g.contract, extra={"gap": i, "term": term.name}))
    return out
