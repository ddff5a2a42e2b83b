"""Rules that need the whole site: duplicate IDs, links, link IDs, related features."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from .model.diagnostics import Diagnostic
from .model.features import FeatureDoc, ReqResult
from .model.ids import ids_in_link_text
from .markdown import Link, ScannedDoc

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def build_registry(features: dict[str, FeatureDoc]) -> tuple[dict[str, str], list[Diagnostic]]:
    """ID -> docs-relative path of its first doc (sorted by path); feature-id for duplicates."""
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
            diags.append(Diagnostic(rel, line or 1, "feature-id", f"feature ID {fid} is also declared by {first}",
                                    "give one of them another ID"))
        else:
            registry[fid] = rel
    return registry, diags


def all_dirs(files) -> set[str]:
    dirs = {""}
    for f in files:
        d = posixpath.dirname(f)
        while d not in dirs:
            dirs.add(d)
            d = posixpath.dirname(d)
    return dirs


def resolve(src_rel: str, dest: str) -> str | None:
    """Docs-relative target of a relative link, '' for ignored links, None when it escapes docs_dir."""
    if not dest or dest.startswith(("#", "/", "\\")) or _SCHEME.match(dest):
        return ""
    path = dest.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return ""
    path = unquote(path)
    trailing = path.endswith("/")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(src_rel), path))
    if target == ".":
        target = ""
    if target == ".." or target.startswith("../"):
        return None
    return target + ("/" if trailing and target else "")


def check_links(rel: str, doc: ScannedDoc, files: set[str], dirs: set[str], features: dict[str, FeatureDoc],
                registry: dict[str, str], id_pattern: str, diags: list[Diagnostic], unreadable=frozenset()) -> None:
    targets: dict[str, str | None] = {}  # a page repeats its link targets and texts: resolve each once
    names: dict[str, list[str]] = {}
    for link in doc.links:
        dest = link.dest
        if dest in targets:
            target = targets[dest]
        else:
            target = targets[dest] = resolve(rel, dest)
        if target == "":
            continue
        if link.image:
            named = []
        elif link.text in names:
            named = names[link.text]
        else:
            named = names[link.text] = ids_in_link_text(link.text, id_pattern)
        if target is None:
            diags.append(Diagnostic(rel, link.line, "broken-link", f"link to {link.dest!r} points outside docs_dir",
                                    "link to a page inside docs_dir, or use an absolute URL", column=link.col))
            _id_mismatch(rel, link, named, None, features, registry, diags)
            continue
        bare = target.rstrip("/")
        if target.endswith("/") or (bare in dirs and bare not in files):
            index = next((f"{bare}/{n}" for n in ("index.md", "README.md") if f"{bare}/{n}" in files), None)
            hint = f"link to {posixpath.relpath(index, posixpath.dirname(rel) or '.')}" if index else "link to a page, not a folder"
            if bare in dirs or bare == "":
                diags.append(Diagnostic(rel, link.line, "broken-link", f"link to {link.dest!r} is a directory", hint, column=link.col))
            else:
                diags.append(Diagnostic(rel, link.line, "broken-link", f"link target {link.dest!r} does not exist",
                                        "fix the path or remove the link", column=link.col))
            continue
        if bare in unreadable:  # it exists, but is left out of the site (its read-error says why)
            diags.append(Diagnostic(rel, link.line, "broken-link", f"link target {link.dest!r} cannot be read, so it is left out of the site",
                                    "fix that file first: see its read-error", column=link.col))
            continue
        if bare not in files:
            hint = "fix the path or remove the link"
            for fid in named:
                if fid in registry:
                    hint = f"{fid} is {posixpath.relpath(registry[fid], posixpath.dirname(rel) or '.')}"
            diags.append(Diagnostic(rel, link.line, "broken-link", f"link target {link.dest!r} does not exist", hint, column=link.col))
            _id_mismatch(rel, link, named, None, features, registry, diags)
            continue
        _id_mismatch(rel, link, named, bare, features, registry, diags)


def _id_mismatch(rel, link: Link, named: list[str], target: str | None, features, registry, diags) -> None:
    for fid in named:
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
        diags.append(Diagnostic(rel, link.line, "link-id-mismatch", msg, hint + "; the target doc's own ID is the truth", column=link.col))


def check_related(fd: FeatureDoc, features: dict[str, FeatureDoc], registry: dict[str, str], id_pattern: str,
                  diags: list[Diagnostic]) -> None:
    for req, secs in fd.pending_related:
        doc = fd.doc
        ranges = [(s.start, s.end) for s in secs] if secs else [(1, len(doc.lines))]
        linked: set[str] = set()
        for link in doc.links:
            if not any(lo <= link.line <= hi for lo, hi in ranges):
                continue
            linked.update(ids_in_link_text(link.text, id_pattern))
            target = resolve(fd.rel, link.dest)
            if target:
                t = features.get(target.rstrip("/"))
                if t is not None and t.id:
                    linked.add(t.id)
        missing = [fid for fid in req.related if fid not in linked]
        line = secs[0].start if secs else (doc.h1.line if doc.h1 else 1)
        where = f'section "{secs[0].heading.text}"' if secs else "the doc"
        for fid in missing:
            target = registry.get(fid)
            if target:
                hint = f"add a link such as [{fid}: {features[target].title}]({posixpath.relpath(target, posixpath.dirname(fd.rel) or '.')})"
            else:
                hint = f"no doc declares {fid} yet; link it once it exists"
            diags.append(Diagnostic(fd.rel, line, "related-feature", f"related feature {fid} is not linked in {where}",
                                    f"contract {fd.contract.name}, requirement {req.id}; {hint}",
                                    requirement=req.id, contract=fd.contract.name))
        for r in fd.results:
            if r.key == req.id:
                r.met = r.met and not missing


def reset_related(fd: FeatureDoc) -> None:
    """Related-feature results are cross-doc: recompute them on every run."""
    for req, _ in fd.pending_related:
        for r in fd.results:
            if r.key == req.id:
                r.met = not _has_local_failure(fd, req.id)


def _has_local_failure(fd: FeatureDoc, req_id: str) -> bool:
    return any(d.requirement == req_id for d in fd.diagnostics)


__all__ = ["build_registry", "all_dirs", "resolve", "check_links", "check_related", "reset_related", "ReqResult"]
