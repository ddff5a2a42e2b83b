"""link-id-mismatch: a link's text names a feature ID that the doc it points at does not declare."""

from __future__ import annotations

import posixpath

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("link-id-mismatch", ("site",), "error", "link text names an ID that the target doc does not declare")


def check_site(site) -> list[Diagnostic]:
    out = []
    features, registry = site.features, site.registry
    for rel, refs in site.link_refs:
        for r in refs:
            if r.status in ("directory", "unreadable") or not r.named:
                continue
            target = r.target if r.status == "ok" else None
            link = r.link
            for fid in r.named:
                tfd = features.get(target) if target else None
                if tfd is not None and tfd.id == fid:
                    continue
                if target is not None and tfd is None:
                    continue  # not a feature doc: nothing declares or denies the ID
                where = registry.get(fid)
                hint = f"{fid} is declared by {posixpath.relpath(where, posixpath.dirname(rel) or '.')}" if where else f"no doc declares {fid}"
                if target is None:
                    msg = f"link text names {fid} but its target {link.dest!r} does not exist"
                elif tfd.id:
                    msg = f"link text names {fid} but {target} declares {tfd.id}"
                else:
                    msg = f"link text names {fid} but {target} declares no feature ID"
                out.append(Diagnostic(rel, link.line, RULE.id, msg, hint + "; the target doc's own ID is the truth", column=link.col))
    return out
