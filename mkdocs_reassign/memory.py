"""Memory of a one-shot build: a build checks once, then MkDocs renders every page. What rendering never
reads is freed (``release_for_render``) and a checked doc keeps only its first lines (``HeadLines``)."""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from contextlib import contextmanager

from .cache import Cache
from .markdown import scan
from .sources import read_source
from .text.concepts import phrase_stems
from .text.words import stem


class HeadLines(Sequence):
    """A checked doc's lines, of which only the first ``keep`` stay in memory; reads as the list it replaces
    (the rest is read again from the file on demand). For one-shot runs, where nothing reads past the front."""

    __slots__ = ("_n", "_head", "_path")

    def __init__(self, lines, keep: int, path: str):
        self._n = len(lines)
        self._head = list(lines[:keep])
        self._path = path

    def _all(self) -> list[str]:
        lines = scan(read_source(self._path, "").text or "").lines
        return lines if len(lines) == self._n else self._head + [""] * (self._n - len(self._head))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        head = self._head
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            return head[start:stop] if step == 1 and stop <= len(head) else self._all()[i]
        if -self._n <= i < 0:
            i += self._n
        return head[i] if 0 <= i < len(head) else self._all()[i]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other):
        return self._all() == (other._all() if isinstance(other, HeadLines) else other)

    __hash__ = None  # type: ignore[assignment]


def release_for_render(cache: Cache, docs_dir: str, rep, keep_headings: bool) -> None:
    """A build checks once: free what rendering never reads, before MkDocs fills memory with pages.

    Feature docs keep their identity, results and H1 (all their headings when a banner needs them); their
    lines shrink to the first few (the rest is read again from the file if anything asks); links, fences,
    comments, prose and sections go. Serve keeps it all.
    The memos of stems go too (a later call stems again), and the matchable concepts of the contracts' terms."""
    cache.clear()
    stem.cache_clear()
    phrase_stems.cache_clear()
    contracts = {id(fd.contract): fd.contract for fd in rep.features.values() if fd.contract is not None}
    for c in contracts.values():  # (loaded again by the next check: the cache holding them is emptied above)
        for r in c.requirements:
            for t in r.terms:
                t.concept = None
    for rel, fd in rep.features.items():
        doc = fd.doc
        if not isinstance(doc.lines, HeadLines):
            doc.lines = HeadLines(doc.lines, doc.fm_end + 8, os.path.join(docs_dir, rel))
        for name in ("fences", "links", "comments", "prose", "ref_defs", "html_blocks"):
            if hasattr(doc, name):
                setattr(doc, name, _Released(name))
        doc._sections = _Released("sections")
        if not keep_headings:
            h1 = doc.h1
            doc.headings = [h1] if h1 is not None else []  # doc.h1 still answers


class _Released:
    """Stands for a part of a parsed doc freed by _release_for_render: any use fails loudly, never silently."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def _fail(self, *_a, **_k):
        raise RuntimeError(f"ScannedDoc.{self.name} is released after the check of a build (read it in on_files)")

    __iter__ = __len__ = __getitem__ = __contains__ = __bool__ = _fail


@contextmanager
def no_gc():
    """Pause the cyclic garbage collector: for building (or dumping) large acyclic structures, which
    collections would only re-walk."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
