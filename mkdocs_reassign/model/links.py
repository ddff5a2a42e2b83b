"""Links between docs: where each relative link of a doc leads, and the feature IDs its text names."""

from __future__ import annotations

import posixpath

from urllib.parse import unquote

from ..markdown import Link, ScannedDoc
from .ids import ids_in_link_text
from ..startup import dataclass, rx

_SCHEME = rx(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(slots=True)
class LinkRef:
    """A link worth a look: one whose target is not a readable page, or whose text names feature IDs.

    status: ok, outside (escapes docs_dir), directory, missing, unreadable (exists, left out of the site).
    target: the docs-relative page for ok/unreadable/missing (None when outside); index: a folder's index page."""

    link: Link
    status: str
    target: str | None
    named: list[str]
    index: str | None = None
    is_dir: bool = False


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


def resolve_links(rel: str, doc: ScannedDoc, files: set[str], dirs: set[str], id_pattern: str, unreadable=frozenset()) -> list[LinkRef]:
    """The doc's links that are broken or name feature IDs, in document order."""
    out: list[LinkRef] = []
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
            out.append(LinkRef(link, "outside", None, named))
            continue
        bare = target.rstrip("/")
        if target.endswith("/") or (bare in dirs and bare not in files):
            index = next((f"{bare}/{n}" for n in ("index.md", "README.md") if f"{bare}/{n}" in files), None)
            out.append(LinkRef(link, "directory", bare, named, index, bare in dirs or bare == ""))
        elif bare in unreadable:
            out.append(LinkRef(link, "unreadable", bare, named))
        elif bare not in files:
            out.append(LinkRef(link, "missing", bare, named))
        elif named:
            out.append(LinkRef(link, "ok", bare, named))
    return out


def linked_ids(fd, features: dict, ranges: list[tuple[int, int]]) -> set[str]:
    """Feature IDs a doc links to within line ranges: the IDs its link targets declare, whatever the link text
    says (a broken link, or one whose text names another ID than its target declares, links nothing)."""
    linked: set[str] = set()
    for link in fd.doc.links:
        if not any(lo <= link.line <= hi for lo, hi in ranges):
            continue
        target = resolve(fd.rel, link.dest)
        if target:
            t = features.get(target.rstrip("/"))
            if t is not None and t.id:
                linked.add(t.id)
    return linked
