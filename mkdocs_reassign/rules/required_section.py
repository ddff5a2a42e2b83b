"""required-section: a section the contract asks for is missing or empty."""

from __future__ import annotations


from ..model.diagnostics import Diagnostic
from . import Rule
from ._coverage import alts, gaps, tag
from ..markdown import Heading
from ..startup import rx

RULE = Rule("required-section", ("doc",), "error", "a contract's section is missing or empty")


# The messages' shapes, for the banner, which groups them (output/banner.py reads them back)
MISSING = rx(r'^section "(?P<name>[^"]*)" is missing(?: \(expected before "(?P<before>[^"]*)"\))?$')
EMPTY = rx(r'^section "(?P<name>[^"]*)" is empty$')
ADD_HEADING = rx(r'^add a heading "#+ (?P<heading>[^"]*)"')


def add_hint(spec, fd) -> str:
    """`add a heading "## Edge Cases"; also accepted: ...`, in the case the doc's own headings use."""
    level = "#" * (spec.level or 2)
    heading = in_case(spec.names[0], heading_case([h for h in fd.doc.headings if h.level == (spec.level or 2)]))
    others = [n for n in spec.names if n.casefold() != spec.names[0].casefold()]
    return f'add a heading "{level} {heading}"' + (f"; also accepted: {alts(others)}" if others else "")


_LETTERS = rx(r"[^\W\d_]+")
_NUMBERING = rx(r"^\s*(?:[0-9]+|[A-Za-z]|[IVXLC]+)[.)]\s+")
_SMALL = frozenset("a an and as at but by for in nor of on or the to via vs with".split())


def heading_case(headings: list[Heading]) -> str:
    """How a doc writes its headings: "upper" (EDGE CASES), "title" (Edge Cases) or "sentence" (Edge cases);
    the most common among its headings of words, "title" when none says."""
    votes = {"upper": 0, "title": 0, "sentence": 0}
    for h in headings:
        words = _LETTERS.findall(_NUMBERING.sub("", h.text))
        if not words or sum(len(w) for w in words) < 4:
            continue
        if all(w.isupper() for w in words if len(w) > 1):
            votes["upper"] += 1
            continue
        rest = [w for w in words[1:] if w.casefold() not in _SMALL and not w.isupper()]
        if rest and all(w[0].isupper() for w in rest):
            votes["title"] += 1
        elif rest and all(w[0].islower() for w in rest):
            votes["sentence"] += 1
    best = max(votes.values())
    return "title" if best == 0 or votes["title"] == best else max(votes, key=votes.get)


def in_case(name: str, case: str) -> str:
    """A contract's section name written in a case style; acronyms (UI/UX) stay as they are."""
    if case == "upper":
        return name.upper()

    seen = [False]

    def word(m):
        w, first = m.group(0), not seen[0]
        seen[0] = True
        if w.isupper() and len(w) > 1:
            return w
        if case == "title":
            return w if (w.casefold() in _SMALL and not first) else w[:1].upper() + w[1:]
        return w[:1].upper() + w[1:].lower() if first else w.lower()

    return _LETTERS.sub(word, name)


def check_doc(fd) -> list[Diagnostic]:
    out = []
    rel = fd.rel
    for i, g in gaps(fd, "section-missing", "section-empty"):
        if g.kind == "section-missing":
            spec = g.spec
            where = f' (expected before "{g.section.heading.text}")' if g.section else ""
            out.append(Diagnostic(rel, g.line, RULE.id, f'section "{spec.title}" is missing{where}', add_hint(spec, fd),
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
