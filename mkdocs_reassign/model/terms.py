"""Whole-word, case-insensitive term matching that understands how people write.

Text and terms are split into words the same way: on anything that is not a
letter or digit, on snake_case and kebab-case, and on camelCase humps, so that
`CALL_REJECT`, `callReject` and "rejects the call" all contain "reject".
Each word is reduced to a light stem (plural, -ed, -ing, final e), so
"rejected", "logs out" and "disconnecting" match "reject", "log out" and
"disconnect". No user regexes: terms are literal.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_VOWELS = set("aeiouy")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ing") and len(w) > 5 and _VOWELS & set(w[:-3]):
        w = w[:-3]
        w = _undouble(w)
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ed") and len(w) > 4 and _VOWELS & set(w[:-2]):
        w = w[:-2]
        w = _undouble(w)
    elif w.endswith("es") and len(w) > 4 and w[-3] in "sxz" or w.endswith(("ches", "shes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def _undouble(w: str) -> str:
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in _VOWELS:
        return w[:-1]
    return w


def words(text: str) -> list[str]:
    return [stem(t) for t in _WORD.findall(text)]


@lru_cache(maxsize=4096)
def term_words(term: str) -> tuple[str, ...]:
    return tuple(words(term))


@lru_cache(maxsize=1024)
def identifier_pattern(term: str) -> re.Pattern | None:
    """A term written as an identifier (``call_logs``) matches only that identifier, in any case."""
    if "_" not in term:
        return None
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(term) + r"(?![A-Za-z0-9_])", re.I)


class WordIndex:
    """Words of a stretch of lines, with the line each word sits on."""

    __slots__ = ("stems", "lines", "positions", "raw", "first_line", "glued")

    def __init__(self, lines: list[str], first_line: int):
        self.raw = lines
        self.first_line = first_line
        stems: list[str] = []
        where: list[int] = []
        glued: dict[str, list[int]] = {}  # whole alphanumeric tokens ("webrtc" for WebRTC) -> lines
        for offset, text in enumerate(lines):
            if not text:
                continue
            ws = words(text)
            stems.extend(ws)
            where.extend([first_line + offset] * len(ws))
            for tok in _TOKEN.findall(text):
                glued.setdefault(stem(tok), []).append(first_line + offset)
        self.glued = glued
        self.stems = stems
        self.lines = where
        positions: dict[str, list[int]] = {}
        for i, s in enumerate(stems):
            positions.setdefault(s, []).append(i)
        self.positions = positions

    def find(self, term: str, lo: int = 0, hi: int | None = None) -> int | None:
        """Line of the first occurrence of term between lines lo..hi, or None."""
        ident = identifier_pattern(term)
        if ident is not None:
            start = max(lo - self.first_line, 0)
            stop = len(self.raw) if hi is None else min(hi - self.first_line + 1, len(self.raw))
            for i in range(start, stop):
                text = self.raw[i]
                if text and "_" in text and ident.search(text):
                    return i + self.first_line
            return None
        tw = term_words(term)
        if not tw:
            return None
        stems = self.stems
        best = None
        for i in self.positions.get(tw[0], ()):
            line = self.lines[i]
            if line < lo or (hi is not None and line > hi):
                continue
            if tuple(stems[i : i + len(tw)]) == tw:
                best = line
                break
        if _TOKEN.fullmatch(term):
            # one-token terms also match the whole token in any case: "WebRTC" ~ "webrtc" ~ "WEBRTC"
            for line in self.glued.get(stem(term), ()):
                if line >= lo and (hi is None or line <= hi):
                    best = line if best is None else min(best, line)
                    break
        return best
