"""Unicode words, stems, placeholders and questions.

A word is a run of letters, digits and combining marks of any script (NFC first,
so ``Ärger`` is one word, never ``rger``), with inner apostrophes kept
(``nobody's``). Runs are split on snake_case and kebab-case (both are non-word
characters), between a leading number and its unit (``30s``: 30, s) and on camelCase humps (``callReject`` -> call, reject; ``WebRTC`` ->
web, rtc, with the glued form kept as an alias by the caller). Scripts written
without spaces (Han, Hiragana, Katakana) give one word per character, so a
phrase ``切断`` matches as two consecutive words.

Stems: Snowball English for Latin-script words, Snowball Russian for Cyrillic,
casefold for everything else. Cached.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

import snowballstemmer

__all__ = ["Token", "tokens", "stem", "stems", "is_placeholder", "is_question", "PLACEHOLDER_WORDS"]


def _mark_class() -> str:
    """A regex class of the combining marks of the BMP (Mn, Mc, Me): Python's \\w leaves them out."""
    out, start, prev = [], None, None
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if start is None:
                start = cp
            elif cp != prev + 1:
                out.append((start, prev))
                start = cp
            prev = cp
    if start is not None:
        out.append((start, prev))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in out)


_MARKS = _mark_class()
# letters/digits/marks; an apostrophe (' or ’) between two letters stays inside the word
_RUN = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:['\u2019](?:[^\W_]|[{_MARKS}])+)*")
# one word per character for scripts without spaces
_NOSPACE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u31f0-\u31ff\uff66-\uff9f]")
_NUM_UNIT = re.compile(r"([0-9]+)[^\W\d_]")
# camelCase humps inside a Latin run: "HTTPServer" -> HTTP, Server; "callReject" -> call, Reject
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z\u00df-\u00ff'\u2019]+|[A-Z\u00c0-\u00de]+|[0-9]+[a-z]*|[^\W_]+")


class Token(tuple):
    """(text, start, end, glued): one word of a text and where it sits (character offsets).

    ``glued`` is the casefolded whole run when the run was split into humps (``webrtc`` for
    the first word of ``WebRTC``), else "".
    """

    __slots__ = ()

    @property
    def text(self) -> str:
        return self[0]

    @property
    def start(self) -> int:
        return self[1]

    @property
    def end(self) -> int:
        return self[2]

    @property
    def glued(self) -> str:
        return self[3]


def tokens(text: str) -> list[Token]:
    """The words of ``text`` in order, with character offsets into the NFC form of ``text``."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    elif not _HUMP_ASCII.search(text) and not _NUM_UNIT_ASCII.search(text):
        # the common case: plain ASCII words, no camelCase and no "30s"; one regex pass
        return [Token((m.group(), m.start(), m.end(), "")) for m in _RUN_ASCII.finditer(text)]
    out: list[Token] = []
    for m in _RUN.finditer(text):
        run, base = m.group(), m.start()
        if not run.isascii() and _NOSPACE.search(run):
            _split_nospace(run, base, out)
            continue
        nm = _NUM_UNIT.match(run)
        if nm:  # "30s", "10sec", "5min": a number and its unit
            k = nm.end(1)
            out.append(Token((run[:k], base, base + k, "")))
            run, base = run[k:], base + k
        if run.islower() or run.isupper() or run.isdigit() or not _has_hump(run):
            out.append(Token((run, base, base + len(run), "")))
            continue
        parts = [(h.group(), h.start()) for h in _HUMP.finditer(run)]
        if len(parts) <= 1:
            out.append(Token((run, base, base + len(run), "")))
            continue
        glued = run.casefold()
        for k, (p, off) in enumerate(parts):
            out.append(Token((p, base + off, base + off + len(p), glued if k == 0 else "")))
    return out


def _has_hump(run: str) -> bool:
    """A lower-case letter followed by an upper-case one, or an upper run followed by Upper+lower."""
    if run.isascii():
        return _HUMP_ASCII.search(run) is not None
    for a, b in zip(run, run[1:]):
        if a.islower() and b.isupper():
            return True
    for a, b, c in zip(run, run[1:], run[2:]):
        if a.isupper() and b.isupper() and c.islower():
            return True
    return False


_HUMP_ASCII = re.compile(r"[a-z][A-Z]|[A-Z][A-Z][a-z]")
_RUN_ASCII = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_NUM_UNIT_ASCII = re.compile(r"(?<![A-Za-z0-9])[0-9]+[A-Za-z]")


def _split_nospace(run: str, base: int, out: list) -> None:
    buf_start = None
    for i, ch in enumerate(run):
        if _NOSPACE.match(ch):
            if buf_start is not None:
                out.append(Token((run[buf_start:i], base + buf_start, base + i, "")))
                buf_start = None
            out.append(Token((ch, base + i, base + i + 1, "")))
        elif unicodedata.category(ch).startswith("M") and out and buf_start is None:
            continue  # a mark on a no-space character: part of it
        elif buf_start is None:
            buf_start = i
    if buf_start is not None:
        out.append(Token((run[buf_start:], base + buf_start, base + len(run), "")))


_EN = snowballstemmer.stemmer("english")
_RU = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem of one word: Snowball English (Latin script), Snowball Russian (Cyrillic), else casefold."""
    w = word.casefold().replace("\u2019", "'")
    if w.isascii():
        if w.isdigit() or len(w) <= 2:
            return w
        return _EN.stemWord(w)
    first = next((c for c in w if c.isalpha()), "")
    if first and first <= "\u024f":
        return _EN.stemWord(w)
    if first and "\u0400" <= first <= "\u04ff":
        return _RU.stemWord(w)
    return w


def stems(text: str) -> list[str]:
    """Stems of the words of ``text`` (a glued camelCase run yields its humps)."""
    return [stem(t[0]) for t in tokens(text)]


PLACEHOLDER_WORDS = frozenset({"TODO", "TBD", "TBA", "FIXME", "XXX", "TKTK", "WIP"})
_PLACEHOLDER_ANYCASE = frozenset({"tbd", "fixme", "todo", "tba"})  # "todo" as a lone lower-case word only
# a cheap first look: a placeholder word in any case, an ellipsis, or a bracket that may hold a placeholder
_MAYBE_PLACEHOLDER = re.compile(r"(?i)todo|tbd|tba|fixme|xxx|tktk|wip|\.\.\.|\u2026|[\[<{]")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|\u2026)[\s*_)\]\"'`]*$")
_ONLY_BRACKET = re.compile(r"^\s*(?:\[[^\[\]()]{1,60}\](?![(\[:])|<[A-Za-z][^<>]{0,60}>|\{\{?[^{}]{1,60}\}?\})\s*$")
_HTML_TAGS = frozenset("""a abbr b br code del details div em hr i img ins kbd li mark ol p pre q s small span strong
sub summary sup table tbody td th thead tr u ul""".split())
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_MARKUP = re.compile(r"[*_`~]+")


def _bracket_placeholder(cell: str) -> bool:
    c = _MARKUP.sub("", cell).strip()
    if not c or not _ONLY_BRACKET.match(c):
        return False
    inner = c.strip("[]<>{} ").strip()
    if inner.lower() in {"", "x", " "}:  # task-list boxes
        return False
    if c.startswith("<"):
        name = inner.split()[0].lstrip("/").lower() if inner.split() else ""
        if name in _HTML_TAGS or "=" in inner or inner.endswith("/"):
            return False
    return True


def is_placeholder(text: str) -> bool:
    """True when ``text`` holds a placeholder: TODO, TBD, FIXME, XXX (any word), a trailing or lone
    ellipsis, or a bracket placeholder (``[Name]``, ``<name>``, ``{{name}}``) standing alone in the
    text or in a table cell.
    """
    s = text.strip()
    if not s:
        return False
    if not _MAYBE_PLACEHOLDER.search(s):
        return False  # the common case: no marker any rule below looks for
    words = [t[0] for t in tokens(s)]
    if any(w in PLACEHOLDER_WORDS for w in words):
        return True
    if len(words) == 1 and words[0].lower() in _PLACEHOLDER_ANYCASE:
        return True
    if any(w.lower() in ("tbd", "fixme") for w in words):
        return True
    if _ELLIPSIS_END.search(s) or s.strip("*_ .\u2026") == "":
        return True
    if "|" in s:
        cells = [c for c in _CELL_SPLIT.split(s.strip().strip("|"))]
        return any(_bracket_placeholder(c) for c in cells)
    return _bracket_placeholder(s)


_QUESTION_END = re.compile(r"[?\uff1f\u061f][\s*_)\]\"'`»”]*$")


def is_question(text: str) -> bool:
    """True when ``text`` ends as a question (``?``, full-width ``？``, Arabic ``؟``). In a table row,
    the last non-empty cell decides ("| Grace period? | 30 s |" is answered in its own row).
    """
    s = text.strip()
    if "|" in s:
        cells = [c.strip() for c in _CELL_SPLIT.split(s.strip("|"))]
        cells = [c for c in cells if c and not set(c) <= set("-: ")]
        if cells:
            s = cells[-1]
    return bool(_QUESTION_END.search(s))
