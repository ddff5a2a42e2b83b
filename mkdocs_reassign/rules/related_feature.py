"""related-feature: a related feature the contract names is not linked: no link in the doc resolves to the doc
that declares that ID (the target's own ID is the truth, whatever the link text says)."""

from __future__ import annotations

import posixpath

from ..model.diagnostics import Diagnostic
from ..model.links import linked_ids
from . import Rule

RULE = Rule("related-feature", ("site",), "error", "a required related feature is not linked")


def check_site(site) -> list[Diagnostic]:
    """Also completes the related requirements' verdicts in fd.results (they need the whole site)."""
    out = []
    features, registry = site.features, site.registry
    for fd in features.values():
        if not fd.pending_related:
            continue
        doc = fd.doc
        for req, secs in fd.pending_related:
            ranges = [(s.start, s.end) for s in secs] if secs else [(1, len(doc.lines))]
            linked = linked_ids(fd, features, ranges)
            missing = [fid for fid in req.related if fid not in linked]
            line = secs[0].start if secs else (doc.h1.line if doc.h1 else 1)
            where = f'section "{secs[0].heading.text}"' if secs else "the doc"
            named = {fid for r in site.link_refs_of(fd.rel) for fid in r.named}
            for fid in missing:
                if fid in named:
                    continue  # a link names it but leads elsewhere: broken-link or link-id-mismatch reports that link
                target = registry.get(fid)
                if target:
                    hint = f"add a link such as [{fid}: {features[target].title}]({posixpath.relpath(target, posixpath.dirname(fd.rel) or '.')})"
                else:
                    hint = f"no doc declares {fid} yet; link it once it exists"
                out.append(Diagnostic(fd.rel, line, RULE.id, f"related feature {fid} is not linked in {where}",
                                      f"contract {fd.contract.name}, requirement {req.id}; {hint}",
                                      requirement=req.id, contract=fd.contract.name))
            local_failure = any(g.req is req or (g.req is not None and g.req.id == req.id) for g in fd.gaps)
            for r in fd.results:  # recomputed on every run: the verdict depends on other docs
                if r.key == req.id:
                    r.met = not local_failure and not missing
    return out
