"""The serve cache: per-file results kept across rebuilds, each under the key it was computed from.

One generic store of ``(kind, path) -> (key, value)``: a value is reused only while its key is the same
(strings, numbers, tuples of them and Flat compare by value; any other object, such as a parsed doc, by identity).
Kinds used by the engine: ``read`` (a file's last read, keyed by ``sources.read_key``: inode, mtime, ctime and size), ``kind`` (feature, session
or neither), ``doc`` (the parsed and checked doc, keyed by content hash), ``cites`` and ``links`` (keyed by
the doc they were computed from and what links resolve against), and site-wide memos under the path "".
A one-shot build or ``check`` uses a fresh Cache and drops it.
"""

from __future__ import annotations


class Flat(tuple):
    """A key part of strings, numbers and tuples of them only (no object that compares by identity): compared
    with the tuple's own ``==``, in C. A plain tuple is walked element by element, which costs a Python call per
    nested tuple: about 1 µs each in a page event, where the caches are cold (a page's 30 headings)."""

    __slots__ = ()


_VALUE_TYPES = (str, int, float, bool, bytes, type(None), frozenset, Flat)


def _same(a, b) -> bool:
    if a is b:
        return True
    ta = type(a)
    if ta is tuple:
        if type(b) is not tuple or len(a) != len(b):
            return False
        for x, y in zip(a, b):  # a loop, not all(genexpr): keys are compared for every file on every rebuild
            if x is y:
                continue
            tx = type(x)
            if tx is tuple:
                if not _same(x, y):
                    return False
            elif tx not in _VALUE_TYPES or tx is not type(y) or x != y:
                return False
        return True
    return ta in _VALUE_TYPES and ta is type(b) and a == b


class Cache:
    """Per-file results, reused while their key is unchanged."""

    def __init__(self):
        self._store: dict[str, dict[str, tuple[object, object]]] = {}
        self.generation = 0  # bumped by the engine when what links resolve against changes

    def get(self, kind: str, path: str, key, default=None):
        slot = self._store.get(kind)  # (no empty dict made per call: this runs for every file on every rebuild)
        entry = slot.get(path) if slot is not None else None
        if entry is not None and (entry[0] is key or _same(entry[0], key)):
            return entry[1]
        return default

    def put(self, kind: str, path: str, key, value):
        self._store.setdefault(kind, {})[path] = (key, value)
        return value

    def kind(self, kind: str) -> dict:
        """path -> (key, value) of one kind, to read many in a loop (no call per path); not to be changed."""
        return self._store.get(kind, {})

    def entry(self, kind: str, path: str):
        """(key, value) stored for a path whatever its key, or None."""
        slot = self._store.get(kind)
        return slot.get(path) if slot is not None else None

    def drop(self, kind: str, path: str) -> None:
        self._store.get(kind, {}).pop(path, None)

    def paths(self, kind: str) -> list[str]:
        return list(self._store.get(kind, ()))

    def forget(self, path: str) -> None:
        """Drop everything about one file (it was deleted)."""
        for slot in self._store.values():
            slot.pop(path, None)

    def clear(self, kind: str | None = None) -> None:
        if kind is None:
            self._store.clear()
        else:
            self._store.pop(kind, None)
