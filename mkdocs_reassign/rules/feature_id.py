"""feature-id: a feature doc has no feature ID (or a ticket ID instead), or two docs declare the same ID."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("feature-id", ("doc", "site"), "error", "no feature ID, a ticket ID instead, or two docs declare the same ID")


def check_doc(fd) -> list[Diagnostic]:
    """The doc's own identity problems (model.features.identity_of found them)."""
    return [Diagnostic(fd.rel, line, RULE.id, msg, hint) for line, msg, hint in fd.id_problems]


def check_site(site) -> list[Diagnostic]:
    """Duplicates: the first doc by path keeps the ID (site.registry), every other one is reported."""
    return list(site.duplicate_ids)


def duplicates(features: dict) -> tuple[dict[str, str], list[Diagnostic]]:
    """ID -> docs-relative path of its first doc (sorted by path), and a diagnostic for each other doc."""
    registry: dict[str, str] = {}
    diags = []
    for rel in sorted(features):
        fd = features[rel]
        fid = fd.id
        if not fid:
            continue
        if fid in registry:
            first = registry[fid]
            line = fd.doc.fm_lines.get("id") if fd.identity.source == "front-matter" else (fd.doc.h1.line if fd.doc.h1 else 1)
            diags.append(Diagnostic(rel, line or 1, RULE.id, f"feature ID {fid} is also declared by {first}",
                                    "give one of them another ID"))
        else:
            registry[fid] = rel
    return registry, diags
