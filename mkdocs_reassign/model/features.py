"""Feature docs: the model and the rules that need only the doc and its contract.

Cross-doc rules (duplicate IDs, links, related features) live in ``crossdoc.py``.
Each rule is a small function that appends Diagnostics; contracts are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .contracts import Contract, ContractSet, Requirement, load_schema, validator
from .diagnostics import Diagnostic
from .ids import Identity, from_h1, is_feature_id
from ..markdown import Fence, ScannedDoc, Section
from .terms import WordIndex

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


@dataclass
class FeatureDoc:
    rel: str  # docs-relative path
    doc: ScannedDoc
    identity: Identity
    contract: Contract | None
    contract_reason: str
    front_matter: dict
    diagnostics: list[Diagnostic] = field(default_factory=list)
    results: list[ReqResult] = field(default_factory=list)
    pending_related: list[tuple[Requirement, list[Section]]] = field(default_factory=list)
    _words: WordIndex | None = None
    _by_norm: dict | None = field(default=None, repr=False, compare=False)  # heading name -> sections, while checking

    @property
    def id(self) -> str | None:
        return self.identity.id

    @property
    def title(self) -> str:
        t = self.front_matter.get("title") if isinstance(self.front_matter.get("title"), str) else None
        return t or self.identity.title or self.rel

    @property
    def confidence(self) -> str | None:
        c = self.front_matter.get("confidence")
        return str(c) if c else None

    def words(self) -> WordIndex:
        if self._words is None:
            d = self.doc
            lines = [t if d.prose[i] or not d._in_comment(i + 1) else "" for i, t in enumerate(d.lines)]
            for i in range(d.fm_end):
                lines[i] = ""
            self._words = WordIndex(lines, 1)
        return self._words


def _diag(rel, line, rule, message, hint="", **kw) -> Diagnostic:
    return Diagnostic(rel, line, rule, message, hint, **kw)


def identity_of(doc: ScannedDoc, id_pattern: str) -> tuple[Identity, list[tuple[int, str, str]]]:
    """The doc's identity, plus (line, message, hint) problems for the feature-id rule."""
    problems = []
    fm = doc.front_matter if isinstance(doc.front_matter, dict) else {}
    h1 = doc.h1
    h1_ident = from_h1(h1.text, id_pattern) if h1 else None
    fm_id = fm.get("id")
    if fm_id is not None:
        fm_id = str(fm_id)
        line = doc.fm_lines.get("id", 1)
        if not is_feature_id(fm_id, id_pattern):
            problems.append((line, f"front matter id {fm_id!r} is not a feature ID", f"IDs look like P4 or API2 (pattern {id_pattern})"))
            return Identity(None, _title(fm, h1_ident), "none"), problems
        if h1_ident and h1_ident.id and h1_ident.id != fm_id:
            problems.append((h1.line, f"H1 names {h1_ident.id} but front matter id is {fm_id}", "make them agree; the front matter wins"))
        return Identity(fm_id, _title(fm, h1_ident), "front-matter"), problems
    if h1 is None:
        problems.append((1, "no feature ID: the doc has no H1 and no front matter id", 'start the doc with "# Feature: Name (P4)" or add id: to the front matter'))
        return Identity(None, str(fm.get("title") or ""), "none"), problems
    assert h1_ident is not None
    if h1_ident.ticket:
        problems.append((h1.line, f"the H1 carries ticket ID {h1_ident.ticket}, not a feature ID",
                         f'name the feature ID instead, e.g. "# Feature: {h1_ident.title} (<ID>)", or add id: to the front matter'))
    elif h1_ident.id is None:
        problems.append((h1.line, f'no feature ID in the H1 "{h1.text}"', 'use "# Feature: Name (P4)" or add id: to the front matter'))
    return Identity(h1_ident.id, _title(fm, h1_ident), h1_ident.source, h1_ident.ticket), problems


def _title(fm: dict, ident: Identity | None) -> str:
    t = fm.get("title")
    if isinstance(t, str) and t.strip():
        return t.strip()
    return ident.title if ident else ""


def analyze(rel: str, doc: ScannedDoc, contracts: ContractSet, options) -> FeatureDoc:
    diags: list[Diagnostic] = []
    fm = doc.front_matter if isinstance(doc.front_matter, dict) else {}
    _check_front_matter(rel, doc, diags)
    ident, problems = identity_of(doc, options.id_pattern)
    for line, msg, hint in problems:
        diags.append(_diag(rel, line, "feature-id", msg, hint))
    fm_contract = fm.get("contract") if isinstance(fm.get("contract"), str) else None
    contract, reason = contracts.select(fm_contract, ident.id, rel, options.default_contract)
    if contract is None:
        if fm_contract:
            diags.append(_diag(rel, doc.fm_lines.get("contract", 1), "contract", f"unknown contract {fm_contract!r}",
                               f"known contracts: {', '.join(sorted(contracts.contracts))}"))
        elif options.default_contract not in contracts.contracts:
            diags.append(_diag(rel, 1, "contract", f"default contract {options.default_contract!r} does not exist",
                               f"known contracts: {', '.join(sorted(contracts.contracts))}"))
    fd = FeatureDoc(rel, doc, ident, contract, reason, fm, diags)
    if contract is not None:
        _check_contract(fd)
    fd._words = None  # only the checks above use it (words() rebuilds it on demand); serve keeps fd
    fd._by_norm = None
    return fd


def _check_front_matter(rel: str, doc: ScannedDoc, diags: list[Diagnostic]) -> None:
    if not doc.fm_present:
        return
    if doc.fm_error:
        line, msg = doc.fm_error
        diags.append(_diag(rel, line, "front-matter", msg, "fix the YAML between the --- lines; MkDocs would silently ignore it"))
        return
    fm = doc.front_matter
    if fm is None:
        return
    if not isinstance(fm, dict):
        diags.append(_diag(rel, 2, "front-matter", f"front matter is a {type(fm).__name__}, not a mapping",
                           "write key: value pairs between the --- lines"))
        return
    if _quick_valid(fm, "feature-doc.schema.json"):
        return  # valid for sure: no need for jsonschema (its import and its validation cost more than the rest of a doc)
    for e in sorted(validator("feature-doc.schema.json").iter_errors(fm), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(e.absolute_path)
        key = str(path[0]) if path else ""
        line = doc.fm_lines.get(key, 2)
        where = "/".join(str(p) for p in path) or "front matter"
        msg = e.message if len(e.message) < 160 else e.message[:157] + "..."
        diags.append(_diag(rel, line, "front-matter", f"{where}: {msg}", "see schemas/feature-doc.schema.json"))


def _quick_valid(fm: dict, schema_name: str) -> bool:
    """True when fm certainly passes the schema; False means "ask jsonschema" (it may still pass)."""
    rules = _quick_rules(schema_name)
    if rules is None:
        return False
    for key, value in fm.items():
        if key in rules:
            rule = rules[key]
            if rule is None or not rule(value):
                return False
    return True


@lru_cache(maxsize=None)
def _quick_rules(schema_name: str) -> dict | None:
    """Per property, a check for the simple rules of the schema (strings with minLength/enum, arrays of such with
    uniqueItems), None for a property with any other rule; None overall when the schema has more than
    properties with additionalProperties true. Derived from the schema file, so it follows its edits."""
    schema = load_schema(schema_name)
    if set(schema) - {"$schema", "$id", "title", "description", "type", "properties", "additionalProperties"}:
        return None
    if schema.get("type") != "object" or schema.get("additionalProperties", True) is not True:
        return None
    return {key: _quick_rule(spec) for key, spec in (schema.get("properties") or {}).items()}


def _quick_rule(spec):
    if not isinstance(spec, dict) or set(spec) - {"type", "minLength", "enum", "items", "uniqueItems", "description", "title"}:
        return None
    kind = spec.get("type")
    if kind == "string" and not {"items", "uniqueItems"} & set(spec):
        least = spec.get("minLength", 0)
        enum = spec.get("enum")
        if not isinstance(least, int) or (enum is not None and not (isinstance(enum, list) and all(isinstance(x, str) for x in enum))):
            return None
        allowed = frozenset(enum) if enum is not None else None
        return lambda v: type(v) is str and len(v) >= least and (allowed is None or v in allowed)
    if kind == "array" and not {"minLength", "enum"} & set(spec):
        item = _quick_rule(spec["items"]) if "items" in spec else (lambda v: True)
        unique = spec.get("uniqueItems", False)
        if item is None or not isinstance(unique, bool):
            return None
        return lambda v: type(v) is list and all(item(x) for x in v) and (not unique or len(set(v)) == len(v))
    return None


def find_sections(doc: ScannedDoc, norms: frozenset, level: int | None = None) -> list[Section]:
    return [s for s in doc.sections() if s.heading.norm in norms and (level is None or s.heading.level == level)]


def _find_sections(fd: FeatureDoc, norms: frozenset, level: int | None = None) -> list[Section]:
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


def _template_sections(fd: FeatureDoc) -> dict[str, list[Section]]:
    return {spec.id: _find_sections(fd, spec.norms, spec.level) for spec in fd.contract.sections}


def _check_contract(fd: FeatureDoc) -> None:
    c = fd.contract
    doc = fd.doc
    rel = fd.rel
    diags = fd.diagnostics
    found = _template_sections(fd)
    last_line = len(doc.lines) or 1
    h1_line = doc.h1.line if doc.h1 else 1
    specs = c.sections
    # required-section: template sections
    for idx, spec in enumerate(specs):
        secs = found[spec.id]
        met = True
        if not secs:
            if spec.required:
                met = False
                nxt = next((found[s.id][0] for s in specs[idx + 1 :] if found[s.id]), None)
                where = f' (expected before "{nxt.heading.text}")' if nxt else ""
                line = nxt.start if nxt else last_line
                diags.append(_diag(rel, line if nxt else max(h1_line, last_line), "required-section",
                                   f'section "{spec.title}" is missing{where}',
                                   f'add "## {spec.title}" (matched by name: {_alts(spec.names)})',
                                   requirement=f"section:{spec.id}", contract=c.name))
        elif not spec.allow_empty and not any(doc.has_content(s.start + 1, s.end) for s in secs):
            met = False
            s = secs[0]
            diags.append(_diag(rel, s.start, "required-section", f'section "{s.heading.text}" is empty',
                               "write its content or remove the heading", requirement=f"section:{spec.id}", contract=c.name))
        fd.results.append(ReqResult(_section_key(spec.id), spec.names[0], met, c.name))
    # section-order
    if c.ordered:
        present = [(found[s.id][0], s) for s in specs if found[s.id]]
        prev = None
        for sec, spec in present:
            if prev is not None and sec.start < prev[0].start:
                diags.append(_diag(rel, sec.start, "section-order",
                                   f'section "{sec.heading.text}" comes before "{prev[0].heading.text}" but the template puts it after',
                                   f"move it below line {prev[0].start}", requirement=f"section:{spec.id}", contract=c.name))
            else:
                prev = (sec, spec)
    # requirements
    for req in c.requirements:
        fd.results.append(ReqResult(req.id, req.description or req.id, _check_requirement(fd, req), req.contract or c.name))


@lru_cache(maxsize=1024)
def _section_key(spec_id: str) -> str:
    return f"section:{spec_id}"  # one string shared by every doc


def _alts(names: list[str]) -> str:
    return " or ".join(f'"{n}"' for n in names)


def _req_sections(fd: FeatureDoc, req: Requirement) -> list[Section] | None:
    """Sections a requirement looks in; None = the whole doc; [] = none of its sections exists."""
    if not req.section_names:
        return None
    return _find_sections(fd, req.section_norms, req.section_level)


def _check_requirement(fd: FeatureDoc, req: Requirement) -> bool:
    rel = fd.rel
    doc = fd.doc
    c = fd.contract
    diags = fd.diagnostics
    secs = _req_sections(fd, req)
    tag = f"contract {c.name}, requirement {req.id}"
    if secs == []:
        if any(spec.required and spec.norms & req.section_norms and (req.section_level in (None, spec.level)) for spec in c.sections):
            return False  # the missing template section is already reported
        line = doc.h1.line if doc.h1 else 1
        diags.append(_diag(rel, line, "required-section",
                           f"no section {_alts(req.section_names)} for {req.description or req.id}",
                           f"{tag}; add one of these headings" + (f"; {req.hint}" if req.hint else ""),
                           requirement=req.id, contract=c.name))
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
                alts = f" (or {', '.join(repr(t) for t in term.any[1:4])})" if len(term.any) > 1 else ""
                diags.append(_diag(rel, line, "required-topic",
                                   f'{req.description or req.id}: "{term.name}" is not mentioned in {where}',
                                   f"{tag}; mention {term.any[0]!r}{alts}" + (f"; {req.hint}" if req.hint else ""),
                                   requirement=req.id, contract=c.name))
    if req.diagram:
        if not any(is_diagram(f) for f in doc.fences for lo, hi in ranges if lo <= f.start <= hi):
            met = False
            diags.append(_diag(rel, line, "diagram", f"{req.description or 'a diagram'}: no diagram in {where}",
                               f"{tag}; " + (req.hint or "add a ```mermaid fence or a box-drawing ASCII diagram in a fence"),
                               requirement=req.id, contract=c.name))
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
