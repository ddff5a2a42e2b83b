"""`mkdocs-reassign explain PATH[:LINE]`: for each section and requirement of a doc's contract, met or not,
and the words that decided it (the matched words and where, or the closest passage and what it lacked)."""

from __future__ import annotations

import os

from ..text.concepts import brief
from . import UsageError


def parse_target(arg: str) -> tuple[str, int | None]:
    """PATH or PATH:LINE (a path may itself hold ':' on some systems: only a trailing :digits is a line)."""
    path, sep, tail = arg.rpartition(":")
    if sep and tail.isdigit() and path:
        return path, int(tail)
    return arg, None


def find_doc(project, rep, path: str):
    """The checked feature doc a PATH argument names (relative to the current folder, or docs-relative)."""
    candidates = [os.path.relpath(os.path.abspath(path), project.docs_dir).replace(os.sep, "/"), path.replace(os.sep, "/")]
    for rel in candidates:
        if rel in rep.features:
            return rep.features[rel]
    if any(rel in rep.unreadable for rel in candidates):
        raise UsageError(f"{path} cannot be read (see its read-error in mkdocs-reassign check)")
    raise UsageError(f"{path} is not a feature doc of this site (features: {', '.join(project.options.features)})")


def explain(project, rep, fd, line: int | None = None) -> str:
    """The explanation as text; with ``line``, only what the section holding that line decides."""
    display = rep.docs_prefix + fd.rel
    c = fd.contract
    if c is None:
        return f"{display}: no contract (see its contract diagnostic)\n"
    scope = None
    if line is not None:
        sec = fd.doc.section_at(line)
        scope = (sec.start, sec.end) if sec is not None and sec.heading.level > 1 else None
    out = [f"{display}: contract {c.name} (chosen by {fd.contract_reason})" + (f", feature {fd.id}" if fd.id else "")]
    gaps = fd.gaps

    def shown(at: int | None) -> bool:
        return scope is None or (at is not None and scope[0] <= at <= scope[1])

    # sections
    for r in fd.results:
        if not r.key.startswith("section:"):
            continue
        spec_id = r.key.split(":", 1)[1]
        gap = next((g for g in gaps if g.spec is not None and g.spec.id == spec_id and g.kind.startswith("section")), None)
        at = gap.line if gap else _section_line(fd, spec_id)
        if not shown(at):
            continue
        if r.met:
            out.append(f"  met    section {r.label}" + (f" (line {at})" if at else ""))
        elif gap is not None and gap.kind == "section-empty":
            out.append(f"  unmet  section {r.label}: empty (only blanks, comments or placeholders) at line {gap.line}")
        else:
            out.append(f"  unmet  section {r.label}: missing")
    if any(g.kind == "template" for g in gaps) and scope is None:
        out.append("  note   the doc has fewer than half of the template's sections: one template diagnostic stands for them")
    # requirements: concepts, diagrams, related features
    results = {r.key: r for r in fd.results}
    for req in c.requirements:
        r = results.get(req.id)
        head = f"requirement {req.id}" + (f" ({req.description})" if req.description else "")
        lines = []
        for v in fd.verdicts:
            if v.req is not req:
                continue
            cv = v.verdict
            if not shown(cv.line):
                continue
            if cv.met:
                place = f"line {cv.line}" + (" (outside the section the contract prefers)" if v.where == "elsewhere" else "")
                lines.append(f"    met    {v.term.name!r}: {place}, matched {' '.join(cv.matched)!r} by {brief(cv.alternative)!r}")
            elif cv.line is not None:
                lines.append(f"    unmet  {v.term.name!r} in {v.where}: closest line {cv.line} \"{cv.text}\" lacks {', '.join(brief(x) for x in cv.lacking)}")
            else:
                lines.append(f"    unmet  {v.term.name!r} in {v.where}: no passage comes close")
        g = next((g for g in gaps if g.req is req and g.kind.startswith("diagram")), None)
        if req.diagram and (scope is None or (g is not None and shown(g.line))):
            if g is None and r is not None and not r.met and not lines:
                lines.append("    unmet  diagram: its section is missing (reported as the section)")
            elif g is None:
                lines.append("    met    diagram")
            elif g.kind == "diagram-elsewhere":
                lines.append(f"    met    diagram at line {g.line} (outside {g.where})")
            else:
                lines.append(f"    unmet  diagram: none in {g.where}")
        if req.related and scope is None:
            state = "met" if r is not None and r.met else "unmet"
            lines.append(f"    {state:6} related {', '.join(req.related)} (a link whose target declares each ID)")
        if scope is not None and not lines:
            continue
        out.append(f"  {'met  ' if r is not None and r.met else 'unmet'}  {head}")
        out.extend(lines)
    return "\n".join(out) + "\n"


def _section_line(fd, spec_id: str) -> int | None:
    from ..model.coverage import sections_named

    spec = next((s for s in fd.contract.sections if s.id == spec_id), None)
    found = sections_named(fd.doc, spec.names, spec.level) if spec is not None else []
    return found[0].start if found else None
