"""The plugin's helpers on MkDocs' objects (pages, files), kept out of plugin.py so that it stays events only.

Nothing here imports MkDocs at module level: each helper reads the duck-typed objects the adapter hands in
(a page's URL and table of contents, the site's files).
"""

from __future__ import annotations

import os


class Resolver:
    """(docs-relative target, fragment) -> href from this page. Made per page, used only when a box is drawn."""

    __slots__ = ("page", "files", "memo")

    def __init__(self, page, files, memo: dict):
        self.page, self.files, self.memo = page, files, memo  # memo: (url, page url) -> relative URL

    def __call__(self, target_rel: str, fragment: str) -> str:
        return self._href(_file(self.files, target_rel), target_rel, fragment)

    def _href(self, f, target_rel: str, fragment: str) -> str:
        if f is not None:
            key = (f.url, self.page.url)
            url = self.memo.get(key)
            if url is None:
                from mkdocs.utils import get_relative_url

                if len(self.memo) > 200_000:
                    self.memo.clear()
                url = self.memo[key] = get_relative_url(f.url, self.page.url)
        else:
            url = target_rel
        return url + ("#" + fragment if fragment else "")


class _At:
    __slots__ = ("url",)

    def __init__(self, url: str):
        self.url = url


class Foresight(Resolver):
    """A Resolver from a page's URL, before MkDocs made the page (in the check's process): notes in ``seen`` the URL
    each target had (None: no such file), for Pages.drafts_hold to compare with the files the pages are built with."""

    __slots__ = ("seen",)

    def __init__(self, page_url: str, files, memo: dict, seen: dict):
        super().__init__(_At(page_url), files, memo)
        self.seen = seen

    def __call__(self, target_rel: str, fragment: str) -> str:
        f = _file(self.files, target_rel)
        self.seen[target_rel] = f.url if f is not None else None
        return self._href(f, target_rel, fragment)


def _file(files, target_rel: str):
    f = files.src_uris.get(target_rel)
    return f if f is not None else files.get_file_from_path(target_rel)


def url_of(files, target_rel: str) -> str | None:
    f = _file(files, target_rel)
    return f.url if f is not None else None


def toc(page) -> list[tuple[str, str]]:
    """(title, anchor id) of every heading in the page's table of contents, in document order."""
    out: list[tuple[str, str]] = []

    def walk(items):
        for it in items:
            out.append((it.title, it.id))
            walk(it.children)

    walk(page.toc.items if page.toc else [])
    return out


def drop_unreadable(files, docs, docs_dir: str, warn) -> None:
    """After an internal error: still leave out the files MkDocs itself would die on (undecodable
    pages, FIFOs, dangling links), so that the build and serve go on. Never raises."""
    from ..sources import MARKDOWN_EXTENSIONS, check_other_file, read_source

    for f in docs:
        try:
            rel = f.src_uri
            path = os.path.join(docs_dir, rel)
            if rel.endswith(MARKDOWN_EXTENSIONS):
                problem = read_source(path, rel, docs_dir).error
            else:
                problem = check_other_file(path, docs_dir)
            if problem:
                files.remove(f)
                warn(left_out_line(rel, problem[0] if isinstance(problem, tuple) else problem))
        except Exception:  # noqa: BLE001 - this is the last line of defence
            continue


def left_out_line(rel: str, problem: str) -> str:
    """The log line for a file left out of the site when the check failed (it has no report to say it)."""
    return f"{rel}: read-error: {problem} (left out of the site)"


def settle_files(files, docs, rep, dirty: bool, pages) -> None:
    """Leave out the files the check found unreadable; under ``--dirty``, have MkDocs render again the pages
    whose boxes, tables or banner depend on other files (feature docs, sessions): their sources did not change,
    but a finding, an ID or a link target elsewhere may have, and a stale "Ready: Yes" beside an open critical
    is wrong. A one-shot build renders all of them again; serve only those whose inputs changed since."""
    sessions = {s.rel: s for s in rep.sessions} if dirty else {}
    for f in docs:
        rel = f.src_uri
        if rel in rep.unreadable:
            files.remove(f)
            continue
        obj = (rep.features.get(rel) or sessions.get(rel)) if dirty else None
        if obj is not None and (rep.by_path.get(rep.docs_prefix + rel) or not pages.rendered_current(rel, obj)):
            f.is_modified = _always  # instance attribute: MkDocs asks the file whether to rebuild its page


def _always() -> bool:
    return True
