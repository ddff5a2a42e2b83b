"""Feature docs: identity, contract and coverage of one doc (the model the rules read).

``analyze`` builds a FeatureDoc: its ID (from front matter or the H1, with the problems found on the way),
the contract it is held to, and its coverage of that contract (``coverage.evaluate``). It reports nothing:
the rules in ``rules/`` turn what it found into diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import field

from ..markdown import ScannedDoc, Section
from .contracts import Contract, ContractSet, Requirement
from .coverage import ReqResult, evaluate
from .diagnostics import Diagnostic
from .ids import Identity, from_h1, is_feature_id
from ..startup import dataclass, rx



@dataclass
class FeatureDoc:
    rel: str  # docs-relative path
    doc: ScannedDoc
    identity: Identity
    contract: Contract | None
    contract_reason: str
    front_matter: dict
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what the doc-scope rules found (set by the engine)
    id_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, message, hint) for feature-id
    contract_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, message, hint) for contract
    gaps: list = field(default_factory=list)  # coverage.Gap: what the contract asks and the doc lacks
    results: list[ReqResult] = field(default_factory=list)
    pending_related: list[tuple[Requirement, list[Section]]] = field(default_factory=list)
    stated_id: tuple[int, str, str] | None = None  # (line, ID, text) of a "Feature ID: D3" line, when the H1 lacks the ID
    verdicts: list = field(default_factory=list)  # coverage.Verdict per concept: what decided it (explain)
    _index: object = field(default=None, repr=False, compare=False)  # text.DocIndex, while checking
    _heads: object = field(default=None, repr=False, compare=False)  # coverage._Headings, while checking

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
            problems.append((line, f"front matter id {fm_id!r} is not a feature ID", f"IDs look like P4 or API2, pattern {id_pattern}"))
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


_STATED = {}


def stated_id(doc: ScannedDoc, id_pattern: str) -> tuple[int, str, str] | None:
    """An ID the doc states outside its H1 ("*Feature ID: D3 - Name*" in a footer, "**Feature ID**: V2"):
    (line, ID, the line as read), or None. Only prose lines count (not code, not comments)."""
    stated = _STATED.get(id_pattern)
    if stated is None:
        stated = _STATED[id_pattern] = rx(r"^\s*(?:[-+>|]\s*)*(?i:feature\s+id)\s*[:=\-–—]?\s*(?P<id>(?:" + id_pattern
                                          + r"))(?![A-Za-z0-9-])")
    for i, text in enumerate(doc.lines):
        if "ID" not in text and "id" not in text.lower():
            continue
        if not doc.prose[i] or i < doc.fm_end:
            continue
        plain = re.sub(r"[*_`]", "", text)
        m = stated.match(plain)
        if m and is_feature_id(m.group("id"), id_pattern):
            return i + 1, m.group("id"), plain.strip().strip("|").strip()
    return None


def _title(fm: dict, ident: Identity | None) -> str:
    t = fm.get("title")
    if isinstance(t, str) and t.strip():
        return t.strip()
    return ident.title if ident else ""


def analyze(rel: str, doc: ScannedDoc, contracts: ContractSet, options) -> FeatureDoc:
    """The doc's identity, contract and coverage. Problems are recorded for the rules, not reported."""
    fm = doc.front_matter if isinstance(doc.front_matter, dict) else {}
    ident, problems = identity_of(doc, options.id_pattern)
    fm_contract = fm.get("contract") if isinstance(fm.get("contract"), str) else None
    contract, reason = contracts.select(fm_contract, ident.id, rel, options.default_contract)
    fd = FeatureDoc(rel, doc, ident, contract, reason, fm)
    fd.id_problems = problems
    if ident.id is None:
        fd.stated_id = stated_id(doc, options.id_pattern)
    if contract is None:
        known = ", ".join(sorted(contracts.contracts))
        if fm_contract:
            fd.contract_problems.append((doc.fm_lines.get("contract", 1), f"unknown contract {fm_contract!r}", f"known contracts: {known}"))
        elif options.default_contract not in contracts.contracts:
            fd.contract_problems.append((1, f"default contract {options.default_contract!r} does not exist", f"known contracts: {known}"))
    else:
        evaluate(fd)
    fd._index = None  # only the coverage above reads them; serve keeps fd
    fd._heads = None
    return fd
