"""The source files under ``source_root``, and how a doc's path finds them.

The tree is walked once (``node_modules``, ``.git``, ``dist``, ``build`` and other
generated folders skipped).  A path in a doc may be

* full, relative to the root: ``apps/server/src/features/routing/pool-manager.ts``;
* partial, a tail of the path: ``pool-manager.ts``, ``routing/pool-manager.ts``;
* elided: ``apps/server/.../pool-manager.ts`` (``...`` stands for any folders);
* written from a root above or below ``source_root`` (``./``, ``../`` and, when
  nothing matches, leading folders are dropped one at a time).

``resolve`` returns every match: one is an answer, several are an ambiguity the
caller reports with the candidates, none is a missing path.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["SourceIndex", "SKIP_DIRS"]

SKIP_DIRS = frozenset({
    "node_modules", ".git", "dist", "build", ".next", ".turbo", ".cache", "coverage", "__pycache__",
    ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache", "out", ".svelte-kit", ".hg", ".svn",
})


class SourceIndex:
    """Relative POSIX paths of the files under ``root`` (walked once, at construction)."""

    def __init__(self, root: str | os.PathLike, skip_dirs: frozenset[str] = SKIP_DIRS):
        self.root = Path(root).resolve()
        files: list[str] = []
        dirs: list[str] = []
        by_name: dict[str, list[str]] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirs.append(dirpath)
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            for name in sorted(filenames):
                rel = prefix + name
                files.append(rel)
                by_name.setdefault(name, []).append(rel)
        self.files = files
        self.dirs = dirs  # absolute paths of the folders walked (see ``stamp``)
        self._set = frozenset(files)
        self._by_name = by_name
        self._cache: dict[str, tuple[str, ...]] = {}

    def stamp(self) -> tuple[int, ...]:
        """The mtimes of the folders walked: a file added, removed or renamed changes its folder's mtime, so the
        index is stale exactly when this changes (one stat per folder, no listing; -1 for a folder gone)."""
        return _dir_stamp(self.dirs)

    def __contains__(self, rel: str) -> bool:
        return rel in self._set

    def abspath(self, rel: str) -> Path:
        return self.root / rel

    def resolve(self, written: str) -> tuple[str, ...]:
        """Every file the written path may mean (sorted); empty when none."""
        hit = self._cache.get(written)
        if hit is None:
            hit = self._cache[written] = self._resolve(written)
        return hit

    def _resolve(self, written: str) -> tuple[str, ...]:
        p = written.strip().strip("`").replace("\\", "/")
        while p.startswith("./") or p.startswith("../"):
            p = p[2:] if p.startswith("./") else p[3:]
        p = p.lstrip("/")
        if not p:
            return ()
        parts = [s for s in p.split("/") if s and s != "."]
        while parts:
            found = self._match(parts)
            if found:
                return found
            if len(parts) <= 1 or parts[0] == "...":
                return ()
            parts = parts[1:]  # written from a root above source_root: drop a leading folder
            if len(parts) == 1 or (len(parts) == 2 and parts[0] == "..."):
                return ()  # do not degrade "a/b/x.ts" into a bare "x.ts" guess
        return ()

    def _match(self, parts: list[str]) -> tuple[str, ...]:
        name = parts[-1]
        if "..." in name:
            return ()
        candidates = self._by_name.get(name, ())
        if not candidates:
            return ()
        if "..." not in parts:
            tail = "/".join(parts)
            exact = tail in self._set
            if exact:
                return (tail,)
            return tuple(c for c in candidates if c.endswith("/" + tail))
        rx = _elided_regex(tuple(parts))
        return tuple(c for c in candidates if rx.search(c))


def _dir_stamp(dirs: list[str]) -> tuple[int, ...]:
    out = []
    for d in dirs:
        try:
            out.append(os.stat(d).st_mtime_ns)
        except OSError:
            out.append(-1)
    return tuple(out)


@lru_cache(maxsize=512)
def _elided_regex(parts: tuple[str, ...]) -> re.Pattern:
    out = []
    for i, s in enumerate(parts):
        if s == "...":
            out.append(r"(?:[^/]+/)*")
        else:
            out.append(re.escape(s) + ("/" if i < len(parts) - 1 else ""))
    return re.compile(r"(?:^|/)" + "".join(out) + "$")
