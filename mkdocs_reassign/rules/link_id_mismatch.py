"""link-id-mismatch: a link's text names a feature ID that the doc it points at does not declare."""

from __future__ import annotations

import posixpath

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("link-id-mismatch", ("site",), "error", "link text names an ID that the target doc does not declare")


def check_site(site) -> list[Diagnostic]:
    """Only links to an existing feature doc that declares another ID: a missing target is one broken-link (whose
    hint names the doc that declares the ID), a target whose H1 lacks its ID is that doc's feature-id diagnostic."""
    return per_doc(site, RULE.id, _doc)


def _doc(site, rel: str, refs: list) -> list[Diagnostic]:
    out = []
    features = site.features
    for r in refs:
        if r.status != "ok" or not r.named:
            continue
        tfd = features.get(r.target)
        if tfd is None or tfd.id is None:
            continue  # not a feature doc (nothing declares or denies the ID), or the root cause is its feature-id
        link = r.link
        for fid in r.named:
            if tfd.id == fid:
                continue
            out.append(Diagnostic(rel, link.line, RULE.id, f"link text names {fid} but {r.target} declares {tfd.id}",
                                  declared_hint(site, rel, fid) + "; the target doc's own ID is the truth", column=link.col))
    return out


def declared_hint(site, rel: str, fid: str) -> str:
    """Where the ID a link's text names lives, relative to the linking doc."""
    w = where_is(site, rel, fid)
    return f"no doc declares {fid}" if w is None else f"{fid} is {w}"


def where_is(site, rel: str, fid: str) -> str | None:
    """"declared by <doc>" / "stated by <doc>, whose H1 lacks it" (relative to rel), or None."""
    here = posixpath.dirname(rel) or "."
    where = site.registry.get(fid)
    if where:
        return f"declared by {posixpath.relpath(where, here)}"
    stated = _stated(site).get(fid)
    if stated:
        fd = site.features[stated]
        if fd.stated_id:
            return f"stated by {posixpath.relpath(stated, here)}, whose H1 lacks it"
        return f"what links call {posixpath.relpath(stated, here)}, whose H1 lacks an ID"
    return None


def _stated(site) -> dict[str, str]:
    from .feature_id import stated

    return stated(site)


def per_doc(site, rule_id: str, doc_check) -> list[Diagnostic]:
    """A link rule's diagnostics, doc by doc, each reused across serve rebuilds while the doc's links and what
    they resolve against (the link generation, the IDs docs state elsewhere) are the same."""
    out = []
    stated = _stated(site)
    for rel, refs in site.link_refs:
        if refs:
            out.extend(site.memo(rule_id, rel, (refs, site.generation, stated), lambda: doc_check(site, rel, refs)))
    return out
