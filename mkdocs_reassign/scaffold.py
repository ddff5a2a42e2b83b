"""`mkdocs-reassign new`: a feature doc that meets its contract's structure, with TODOs."""

from __future__ import annotations

import os
import posixpath
import re

from .cli import UsageError
from .ids import is_feature_id


def slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s or "feature"


def render_doc(fid: str, name: str, area: str, contract, rel: str, registry: dict, features: dict) -> str:
    out = ["---", f"id: {fid}", f"title: {_yaml_str(name)}", f"area: {_yaml_str(area)}", "status: draft"]
    if contract is not None and contract.name not in ("feature-doc",):
        out.append(f"contract: {contract.name}")
    out += ["---", "", f"# Feature: {name} ({fid})", ""]
    placed: set[str] = set()
    reqs = list(contract.requirements) if contract else []
    by_section: dict[str, list] = {}
    loose = []
    for r in reqs:
        target = next((s.id for s in contract.sections if r.section_norms and s.norms & r.section_norms), None)
        if target:
            by_section.setdefault(target, []).append(r)
        else:
            loose.append(r)
    loose_host = next((s.id for s in contract.sections if s.id == "detailed-logic"), contract.sections[-1].id if contract and contract.sections else None) if contract else None
    for n, spec in enumerate(contract.sections if contract else [], 1):
        title = spec.names[0].upper()
        number = f"{n - 2}. " if n > 2 else ""
        out += [f"## {number}{title}", "", f"TODO: {spec.names[0]}.", ""]
        for r in by_section.get(spec.id, []):
            out += _requirement_body(r, None, rel, registry, features)
            placed.add(r.id)
        if spec.id == loose_host:
            for r in loose:
                sub = r.section_names[0] if r.section_names else (r.description or r.id).capitalize()
                out += _requirement_body(r, sub, rel, registry, features)
                placed.add(r.id)
    return "\n".join(out).rstrip() + "\n"


def _requirement_body(r, heading, rel, registry, features) -> list[str]:
    out = []
    if heading:
        out += [f"### {heading}", ""]
    if r.terms:
        out.append(f"TODO ({r.id}): cover " + ", ".join(f'"{t.name}"' for t in r.terms) + ".")
        out.append("")
    if r.diagram:
        out += ["```mermaid", "flowchart TD", "    A[TODO: start] --> B[TODO: next step]", "```", ""]
    if r.related:
        for fid in r.related:
            target = registry.get(fid)
            if target:
                href = posixpath.relpath(target, posixpath.dirname(rel))
                out.append(f"- [{fid}: {features[target].title}]({href}) - TODO: how they interact")
            else:
                out.append(f"- {fid} - TODO: link it once its doc exists")
        out.append("")
    return out


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scaffold(checker, rep, fid: str, name: str, area: str, contract_name: str | None, slug: str | None) -> str:
    opts = checker.options
    if not is_feature_id(fid, opts.id_pattern):
        raise UsageError(f"{fid!r} is not a feature ID (pattern {opts.id_pattern})")
    if fid in rep.registry:
        raise UsageError(f"{fid} is already declared by {rep.docs_prefix}{rep.registry[fid]}")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*", area):
        raise UsageError(f"--area {area!r}: use folder names of letters, digits, - and _")
    base = opts.features[0].split("*")[0].rstrip("/") or "features"
    rel = f"{base}/{area}/{slug or slugify(name)}.md"
    if not checker.is_feature(rel):
        raise UsageError(f"{rel} would not be checked as a feature doc (features/exclude options)")
    path = os.path.join(checker.docs_dir, rel)
    if os.path.exists(path):
        raise UsageError(f"{os.path.relpath(path)} already exists")
    if contract_name:
        contract = checker.contracts.get(contract_name)
        if contract is None:
            raise UsageError(f"unknown contract {contract_name!r} (known: {', '.join(sorted(checker.contracts.contracts))})")
    else:
        contract, _how = checker.contracts.select(None, fid, rel, opts.default_contract)
    text = render_doc(fid, name, area, contract, rel, rep.registry, rep.features)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise UsageError(f"{os.path.relpath(path)} already exists") from None
    return path
