"""broken-link: a relative link's target does not exist, is a folder, cannot be read, or leaves docs_dir."""

from __future__ import annotations

import posixpath

from ..model.diagnostics import Diagnostic
from . import Rule
from .link_id_mismatch import per_doc, where_is

RULE = Rule("broken-link", ("site",), "error", "a relative link's target does not exist (or is a directory)")


def check_site(site) -> list[Diagnostic]:
    return per_doc(site, RULE.id, _doc)


def _doc(site, rel: str, refs: list) -> list[Diagnostic]:
    out = []
    here = posixpath.dirname(rel) or "."
    for r in refs:
        link = r.link
        if r.status == "outside":
            out.append(Diagnostic(rel, link.line, RULE.id, f"link to {link.dest!r} points outside docs_dir",
                                  "link to a page inside docs_dir, or use an absolute URL", column=link.col))
        elif r.status == "directory":
            hint = f"link to {posixpath.relpath(r.index, here)}" if r.index else "link to a page, not a folder"
            if r.is_dir:
                out.append(Diagnostic(rel, link.line, RULE.id, f"link to {link.dest!r} is a directory", hint, column=link.col))
            else:
                out.append(Diagnostic(rel, link.line, RULE.id, f"link target {link.dest!r} does not exist",
                                      "fix the path or remove the link", column=link.col))
        elif r.status == "unreadable":
            out.append(Diagnostic(rel, link.line, RULE.id, f"link target {link.dest!r} cannot be read, so it is left out of the site",
                                  "fix that file first: see its read-error", column=link.col))
        elif r.status == "missing":
            hint = "fix the path or remove the link"
            if r.named:  # one diagnostic for the link: no link-id-mismatch besides it
                parts = []
                for fid in r.named:
                    w = where_is(site, rel, fid)
                    parts.append(f"{fid}, {w}" if w else f"{fid}, which no doc declares")
                hint = "link text names " + "; ".join(parts) + ("; fix the path" if any("declares" not in p for p in parts)
                                                                  else "; fix the path or remove the link")
            out.append(Diagnostic(rel, link.line, RULE.id, f"link target {link.dest!r} does not exist", hint, column=link.col))
    return out
