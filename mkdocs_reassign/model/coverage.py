"""Coverage: which of its contract's sections and requirements a feature doc has, and where it falls short.

``evaluate`` fills ``fd.results`` (one met/unmet verdict per section and requirement, for the boxes, the overview
and the report) and ``fd.gaps`` (what is missing, with the line to report it at). The rules required-section,
section-order, required-topic and diagram turn gaps into diagnostics; related-feature needs the whole site and
completes its verdict later (``fd.pending_related``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..markdown import Fence, ScannedDoc, Section
from .contracts import Requirement, SectionSpec, Term

_BOX_CHARS = re.compile(r"[\u2500-\u257f\u2190-\u21ff\u25b2-\u25bc]")
_ASCII_ART = re.compile(r"(?:\+-{2,}|-{2,}\+|-{2,}>|<-{2,}|={2,}>|\|\s{2,}\S.*\|)")
_DIAGRAM_LANGS = {"mermaid", "plantuml", "puml", "dot", "graphviz", "d2", "ditaa", "svgbob", "blockdiag", "nomnoml"}
_ART_LANGS = {"", "text", "txt", "ascii", "plain", "plaintext", "art", "diagram"}


@dataclass(slots=True)  # one per requirement per doc: thousands on a big site
class ReqResult:
    key: str  # "section:<id>" or "<requirement id>"
    label: str
    met: bool
    contract: str


@dataclass(slots=True)
class Gap:
    """Something the contract asks that the doc lacks. ``kind``: section-missing, section-empty,
    requirement-section-missing (a requirement's own section), order, term, diagram."""

    kind: str
    line: int
    contract: str
    spec: SectionSpec | None = None  # template section (section-*, order)
    req: Requirement | None = None  # requirement (requirement-section-missing, term, diagram)
    term: Term | None = None
    section: Section | None = None  # the section found (section-empty, order) or the next one (section-missing)
    other: Section | None = None  # order: the section it should come after
    where: str = ""  # term, diagram: 'section "X"' or "the doc"


def find_sections(doc: ScannedDoc, norms: frozenset, level: int | None = None) -> list[Section]:
    return [s for s in doc.sections() if s.heading.norm in norms and (level is None or s.heading.level == level)]


def _find_sections(fd, norms: frozenset, level: int | None = None) -> list[Section]:
    """find_sections through a per-doc index by heading name (a contract asks for a dozen names)."""
    idx = fd._by_norm
    if idx is None:
        idx = fd._by_norm = {}
        for s in fd.doc.sections():
            idx.setdefault(s.heading.norm, []).append(s)
    hits = [s for n in norms if n in idx for s in idx[n]]
    if level is not None:
        hits = [s for s in hits if s.heading.level == level]
    if len(hits) > 1 and len(norms) > 1:
        hits.sort(key=lambda s: s.index)  # document order, as find_sections gives
    return hits


def evaluate(fd) -> None:
    """Fill fd.results and fd.gaps from fd.contract (not None)."""
    c = fd.contract
    doc = fd.doc
    gaps = fd.gaps
    specs = c.sections
    found = {spec.id: _find_sections(fd, spec.norms, spec.level) for spec in specs}
    last_line = len(doc.lines) or 1
    h1_line = doc.h1.line if doc.h1 else 1
    for idx, spec in enumerate(specs):
        secs = found[spec.id]
        met = True
        if not secs:
            if spec.required:
                met = False
                nxt = next((found[s.id][0] for s in specs[idx + 1 :] if found[s.id]), None)
                line = nxt.start if nxt else max(h1_line, last_line)
                gaps.append(Gap("section-missing", line, c.name, spec=spec, section=nxt))
        elif not spec.allow_empty and not any(doc.has_content(s.start + 1, s.end) for s in secs):
            met = False
            gaps.append(Gap("section-empty", secs[0].start, c.name, spec=spec, section=secs[0]))
        fd.results.append(ReqResult(_section_key(spec.id), spec.names[0], met, c.name))
    if c.ordered:
        prev = None
        for spec in specs:
            if not found[spec.id]:
                continue
            sec = found[spec.id][0]
            if prev is not None and sec.start < prev.start:
                gaps.append(Gap("order", sec.start, c.name, spec=spec, section=sec, other=prev))
            else:
                prev = sec
    for req in c.requirements:
        fd.results.append(ReqResult(req.id, req.description or req.id, _requirement(fd, req), req.contract or c.name))


@lru_cache(maxsize=1024)
def _section_key(spec_id: str) -> str:
    return f"section:{spec_id}"  # one string shared by every doc


def _requirement(fd, req: Requirement) -> bool:
    doc = fd.doc
    c = fd.contract
    gaps = fd.gaps
    secs = _find_sections(fd, req.section_norms, req.section_level) if req.section_names else None
    if secs == []:
        if any(spec.required and spec.norms & req.section_norms and (req.section_level in (None, spec.level)) for spec in c.sections):
            return False  # the missing template section is already reported
        gaps.append(Gap("requirement-section-missing", doc.h1.line if doc.h1 else 1, c.name, req=req))
        return False
    # a section's heading names it; only its body can mention the terms
    ranges = [(s.start + 1, s.end) for s in secs] if secs else [(doc.fm_end + 1, len(doc.lines))]
    where = f'section "{secs[0].heading.text}"' if secs else "the doc"
    line = secs[0].start if secs else (doc.h1.line if doc.h1 else 1)
    met = True
    if req.terms:
        idx = fd.words()
        for term in req.terms:
            if not any(idx.find(t, lo, hi) is not None for t in term.any for lo, hi in ranges):
                met = False
                gaps.append(Gap("term", line, c.name, req=req, term=term, where=where))
    if req.diagram:
        if not any(is_diagram(f) for f in doc.fences for lo, hi in ranges if lo <= f.start <= hi):
            met = False
            gaps.append(Gap("diagram", line, c.name, req=req, where=where))
    if req.related:
        fd.pending_related.append((req, secs or []))
    return met


def is_diagram(f: Fence) -> bool:
    if f.lang in _DIAGRAM_LANGS:
        return True
    if f.lang not in _ART_LANGS:
        return False
    art = 0
    for line in f.body:
        if _BOX_CHARS.search(line) or _ASCII_ART.search(line):
            art += 1
            if art >= 2:
                return True
    return False
