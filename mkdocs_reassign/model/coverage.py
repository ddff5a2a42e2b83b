"""Coverage: which of its contract's sections and requirements a feature doc has, and where it falls short.

Judged by meaning, not spelling (``text/``): a section is found by its name family (numbering, emoji and
trailing parentheticals dropped; "Edge Cases & Race Conditions" is "Edge Cases"); a concept is found in a
sentence, table row, list item or heading (a heading's own text belongs to its section), never in a question
left unanswered or a placeholder (TODO, TBD, ...). A requirement looks in its section first and, unless the
contract says ``elsewhere: no``, in the whole doc, noting where it was found.

``evaluate`` fills ``fd.results`` (one met/unmet verdict per section and requirement, for the boxes, the
overview and the report), ``fd.verdicts`` (per concept: the words that decided it, for ``explain``) and
``fd.gaps`` (what is missing or misplaced, with the line to report it at). The rules template,
required-section, section-order, required-topic and diagram turn gaps into diagnostics; related-feature
needs the whole site and completes its verdict later (``fd.pending_related``).
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import lru_cache

from ..markdown import Fence, Section
from ..text.concepts import ConceptVerdict, DocIndex, heading_words
from ..text.units import clean_inline
from ..text.words import is_placeholder
from .contracts import Requirement, SectionSpec, Term
from ..startup import dataclass, rx

_BOX_CHARS = rx(r"[\u2500-\u257f\u2190-\u21ff\u25b2-\u25bc]")
_ASCII_ART = rx(r"(?:\+-{2,}|-{2,}\+|-{2,}>|<-{2,}|={2,}>|\|\s{2,}\S.*\|)")
_DIAGRAM_LANGS = {"mermaid", "plantuml", "puml", "dot", "graphviz", "d2", "ditaa", "svgbob", "blockdiag", "nomnoml"}
_ART_LANGS = {"", "text", "txt", "ascii", "plain", "plaintext", "art", "diagram"}
_PLACEHOLDER_WORD = rx(r"(?i)\b(?:todo|tbd|tba|fixme|xxx|tktk|wip)\b")
_RULE_LINE = rx(r"^(?:[-*_]\s*){3,}$|^\|?[\s:|-]*-[\s:|-]*$")  # a thematic break, a table's delimiter row


@dataclass(slots=True)  # one per requirement per doc: thousands on a big site
class ReqResult:
    key: str  # "section:<id>" or "<requirement id>"
    label: str
    met: bool
    contract: str


@dataclass(slots=True)
class Gap:
    """Something the contract asks that the doc lacks (or has elsewhere). ``kind``: template (most template
    sections absent), section-missing, section-empty, requirement-section-missing, order, term, elsewhere
    (a concept covered outside its section), diagram, diagram-elsewhere."""

    kind: str
    line: int
    contract: str
    spec: SectionSpec | None = None  # template section (section-*, order)
    req: Requirement | None = None  # requirement (requirement-section-missing, term, elsewhere, diagram)
    term: Term | None = None
    section: Section | None = None  # the section found (section-empty, order) or the next one (section-missing)
    other: Section | None = None  # order: the section it should come after
    where: str = ""  # term, diagram: 'section "X"' or "the doc"
    verdict: ConceptVerdict | None = None  # term: the closest passage; elsewhere: where it was found
    moves: list = field(default_factory=list)  # order: (section, the one it should follow, its spec) triples
    present: list = field(default_factory=list)  # template: the template sections the doc has


@dataclass(slots=True)
class Verdict:
    """How one concept of one requirement was judged (``mkdocs-reassign explain``)."""

    req: Requirement
    term: Term
    verdict: ConceptVerdict
    where: str  # 'section "X"', "elsewhere", or "the doc"


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple:
    return tuple(frozenset(p) for p in heading_words(text))


def _contains(h: tuple, n: tuple) -> bool:
    if not n or len(n) > len(h):
        return False
    k = len(n)
    return any(all(h[i + j] & n[j] for j in range(k)) for i in range(len(h) - k + 1))


@lru_cache(maxsize=65536)
def _matches(heading: str, names: tuple) -> bool:
    """Does a heading belong to one of the names' families? Cached: the same headings recur in every doc."""
    hw = _words(heading)
    return any(_contains(hw, _words(n)) for n in names)


class _Headings:
    """A doc's sections, to find them by name family."""

    __slots__ = ("secs",)

    def __init__(self, doc):
        self.secs = doc.sections()

    def find(self, names, level: int | None) -> list[Section]:
        key = tuple(names)
        return [s for s in self.secs if (level is None or s.heading.level == level) and _matches(s.heading.text, key)]


def sections_named(doc, names, level: int | None = None) -> list[Section]:
    """The doc's sections whose heading belongs to one of the names' families, in document order."""
    return _Headings(doc).find(names, level)


def text_index(fd) -> DocIndex:
    """The doc's prose as units (comments and front matter left out), built once per check."""
    idx = fd._index
    if idx is None:
        d = fd.doc
        prose = [1 if d.prose[i] and not d._in_comment(i + 1) else 0 for i in range(len(d.lines))]
        for i in range(min(d.fm_end, len(prose))):
            prose[i] = 0
        idx = fd._index = DocIndex.from_lines(list(d.lines), prose)
    return idx


def _has_content(fd, sec: Section) -> bool:
    """Anything but blanks, comments and placeholders (TODO, TBD, ...) under the heading. Questions count
    ("Open Questions" holds nothing else). Line by line, stopping at the first real content."""
    doc = fd.doc
    lo, hi = sec.start + 1, sec.end
    lines, prose = doc.lines, doc.prose
    for ln in range(lo, min(hi, len(lines)) + 1):
        if not prose[ln - 1]:
            if not doc._in_comment(ln):
                return True  # fenced code, an HTML block
            continue
        text = lines[ln - 1].strip()
        if not text or _RULE_LINE.match(text):
            continue
        t = text.lstrip("#>-*+0123456789.) ")
        if not (_PLACEHOLDER_WORD.search(t) or t.endswith(("...", "\u2026")) or (t[:1] in "[<{" and t[-1:] in "]>}")):
            return True  # the common case, decided without tokenizing
        if not is_placeholder(clean_inline(t)):
            return True
    return False


def evaluate(fd) -> None:
    """Fill fd.results, fd.verdicts and fd.gaps from fd.contract (not None)."""
    c = fd.contract
    doc = fd.doc
    heads = fd._heads = _Headings(doc)
    specs = c.sections
    found = {spec.id: heads.find(spec.names, spec.level) for spec in specs}
    _sections(fd, specs, found)
    if c.ordered:
        _order(fd, specs, found)
    # none of the template's sections at all (a stub, another layout): the template gap is the one defect to
    # report; the requirements are judged (for the boxes) but not reported one by one
    stub = any(g.kind == "template" and not g.present for g in fd.gaps)
    keep = len(fd.gaps)
    for req in c.requirements:
        fd.results.append(ReqResult(req.id, req.description or req.id, _requirement(fd, req, found), req.contract or c.name))
    if stub:
        del fd.gaps[keep:]
        related = {req.id for req, _secs in fd.pending_related}
        fd.pending_related = []
        for r in fd.results:
            if r.key in related:
                r.met = False


def _sections(fd, specs, found) -> None:
    c, doc, gaps = fd.contract, fd.doc, fd.gaps
    last_line = len(doc.lines) or 1
    h1_line = doc.h1.line if doc.h1 else 1
    required = [s for s in specs if s.required]
    present = [s for s in required if found[s.id]]
    template = len(required) >= 4 and len(present) * 2 < len(required)
    if template:  # another layout altogether: one gap, not one per section
        gaps.append(Gap("template", h1_line, c.name, present=present))
    for idx, spec in enumerate(specs):
        secs = found[spec.id]
        met = True
        if not secs:
            if spec.required:
                met = False
                if not template:
                    nxt = next((found[s.id][0] for s in specs[idx + 1 :] if found[s.id]), None)
                    line = nxt.start if nxt else max(h1_line, last_line)
                    gaps.append(Gap("section-missing", line, c.name, spec=spec, section=nxt))
        elif not spec.allow_empty and not any(_has_content(fd, s) for s in secs):
            met = False
            gaps.append(Gap("section-empty", secs[0].start, c.name, spec=spec, section=secs[0]))
        fd.results.append(ReqResult(_section_key(spec.id), spec.names[0], met, c.name))


def _order(fd, specs, found) -> None:
    """One gap for the doc, listing each section that comes before one the template puts ahead of it."""
    moves = []
    prev = None
    for spec in specs:
        if not found[spec.id]:
            continue
        sec = found[spec.id][0]
        if prev is not None and sec.start < prev.start:
            moves.append((sec, prev, spec))
        else:
            prev = sec
    if moves:
        sec, prev, spec = moves[0]
        fd.gaps.append(Gap("order", sec.start, fd.contract.name, spec=spec, section=sec, other=prev, moves=moves))


@lru_cache(maxsize=1024)
def _section_key(spec_id: str) -> str:
    return f"section:{spec_id}"  # one string shared by every doc


def _req_sections(fd, req: Requirement, found) -> list[Section] | None:
    """The requirement's own sections; None = the whole doc; [] = none of them exists."""
    if not req.section_names:
        return None
    by_spec = {s.id: s for s in fd.contract.sections}
    if req.section_spec and req.section_spec in by_spec:
        return found[req.section_spec]
    return fd._heads.find(req.section_names, req.section_level)


def _requirement(fd, req: Requirement, found) -> bool:
    doc, c, gaps = fd.doc, fd.contract, fd.gaps
    secs = _req_sections(fd, req, found)
    anywhere = req.elsewhere != "no"
    h1_line = doc.h1.line if doc.h1 else 1
    # its section is a template section the doc lacks: that gap (or the template one) is the defect to report
    quiet = secs == [] and bool(req.section_spec) and any(s.id == req.section_spec and s.required for s in c.sections)
    if secs == [] and not anywhere:
        if not quiet:
            gaps.append(Gap("requirement-section-missing", h1_line, c.name, req=req))
        return False
    scope = [(s.start, s.end) for s in secs] if secs else None  # the heading's own text belongs to its section
    where = f'section "{secs[0].heading.text}"' if secs else "the doc"
    line = secs[0].start if secs else h1_line
    met = True
    if req.terms:
        idx = text_index(fd)
        for term in req.terms:
            v = idx.match(term.concept, scope)
            if v.met:
                fd.verdicts.append(Verdict(req, term, v, where))
                continue
            if scope is not None and anywhere:
                v2 = idx.match(term.concept, None)
                if v2.met:
                    fd.verdicts.append(Verdict(req, term, v2, "elsewhere"))
                    if req.elsewhere in ("info", "warning"):
                        gaps.append(Gap("elsewhere", v2.line, c.name, req=req, term=term, where=where, verdict=v2))
                    continue
                v = v2 if v.line is None else v
            met = False
            fd.verdicts.append(Verdict(req, term, v, where))
            if not quiet:
                gaps.append(Gap("term", line, c.name, req=req, term=term, where=where, verdict=v))
    if req.diagram:
        ranges = scope or [(doc.fm_end + 1, len(doc.lines))]
        inside = next((f for f in doc.fences if is_diagram(f) and any(lo <= f.start <= hi for lo, hi in ranges)), None)
        if inside is None:
            other = next((f for f in doc.fences if f.start > doc.fm_end and is_diagram(f)), None) if scope is not None and anywhere else None
            if other is None:
                met = False
                if not quiet:
                    gaps.append(Gap("diagram", line, c.name, req=req, where=where))
            elif req.elsewhere in ("info", "warning") and not quiet:
                gaps.append(Gap("diagram-elsewhere", other.start, c.name, req=req, where=where))
    if req.related:
        fd.pending_related.append((req, secs or []))
    return met


def is_diagram(f: Fence) -> bool:
    lang = f.lang
    if not lang and f.info.startswith("{") and re.match(r"\{\s*\.mermaid\b", f.info):  # ```{.mermaid} (attribute-list syntax)
        lang = "mermaid"
    if lang in _DIAGRAM_LANGS:
        # an empty fence draws nothing; a sketch of placeholders ("A[TODO] --> B[TODO]") is not written yet
        drawn = [line for line in f.body[1:] if line.strip()] if len(f.body) > 1 else [line for line in f.body if line.strip()]
        return bool(drawn) and not all(is_placeholder(line) for line in drawn)
    if lang not in _ART_LANGS:
        return False
    art = 0
    for line in f.body:
        if _BOX_CHARS.search(line) or _ASCII_ART.search(line):
            art += 1
            if art >= 2:
                return True
    return False
