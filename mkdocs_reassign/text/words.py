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

import importlib
import importlib.util
import sys
import unicodedata
from functools import lru_cache

from ..startup import rx

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


# The class for this Python's Unicode tables, computed once here (the walk of the BMP costs ~10 ms of every
# build's start); another Unicode version computes its own. tests/test_text_words.py checks the constant.
_MARKS_UNIDATA = "14.0.0"
_MARKS_KNOWN = (
    r"\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7\u0610-\u061a"
    r"\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8\u06ea-\u06ed\u0711\u0730-\u074a"
    r"\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d\u0859-\u085b"
    r"\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962-\u0963\u0981-\u0983"
    r"\u09bc\u09be-\u09c4\u09c7-\u09c8\u09cb-\u09cd\u09d7\u09e2-\u09e3\u09fe\u0a01-\u0a03"
    r"\u0a3c\u0a3e-\u0a42\u0a47-\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a71\u0a75\u0a81-\u0a83"
    r"\u0abc\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2-\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c"
    r"\u0b3e-\u0b44\u0b47-\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62-\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8"
    r"\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55-\u0c56"
    r"\u0c62-\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd\u0cd5-\u0cd6\u0ce2-\u0ce3"
    r"\u0d00-\u0d03\u0d3b-\u0d3c\u0d3e-\u0d44\u0d46-\u0d48\u0d4a-\u0d4d\u0d57\u0d62-\u0d63\u0d81-\u0d83"
    r"\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2-\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
    r"\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18-\u0f19\u0f35\u0f37\u0f39\u0f3e-\u0f3f"
    r"\u0f71-\u0f84\u0f86-\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060"
    r"\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715"
    r"\u1732-\u1734\u1752-\u1753\u1772-\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885-\u1886"
    r"\u18a9\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace"
    r"\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2"
    r"\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f"
    r"\u2de0-\u2dff\u302a-\u302f\u3099-\u309a\ua66f-\ua672\ua674-\ua67d\ua69e-\ua69f\ua6f0-\ua6f1\ua802"
    r"\ua806\ua80b\ua823-\ua827\ua82c\ua880-\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff"
    r"\ua926-\ua92d\ua947-\ua953\ua980-\ua983\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c-\uaa4d"
    r"\uaa7b-\uaa7d\uaab0\uaab2-\uaab4\uaab7-\uaab8\uaabe-\uaabf\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6"
    r"\uabe3-\uabea\uabec-\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f"
)
_MARKS = _MARKS_KNOWN if unicodedata.unidata_version == _MARKS_UNIDATA else _mark_class()
# letters/digits/marks; an apostrophe (' or ’) between two letters stays inside the word
_RUN = rx(rf"(?:[^\W_]|[{_MARKS}])+(?:['\u2019](?:[^\W_]|[{_MARKS}])+)*")
# one word per character for scripts without spaces
_NOSPACE = rx(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u31f0-\u31ff\uff66-\uff9f]")
_NUM_UNIT = rx(r"([0-9]+)[^\W\d_]")
# camelCase humps inside a Latin run: "HTTPServer" -> HTTP, Server; "callReject" -> call, Reject
_HUMP = rx(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z\u00df-\u00ff'\u2019]+|[A-Z\u00c0-\u00de]+|[0-9]+[a-z]*|[^\W_]+")


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


_HUMP_ASCII = rx(r"[a-z][A-Z]|[A-Z][A-Z][a-z]")
_RUN_ASCII = rx(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_NUM_UNIT_ASCII = rx(r"(?<![A-Za-z0-9])[0-9]+[A-Za-z]")


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


def _stemmers():
    """Snowball English and Russian: PyStemmer (Snowball's own C code, a dependency: ~20x faster than the
    pure-Python port, stemming is most of a small site's check) when it is installed; else the two modules of
    snowballstemmer, whose package would import all its 30 languages (3.5 MiB and about a quarter of the
    plugin's import, at every build's start): they are loaded under a package that is not run, then forgotten,
    so a later ``import snowballstemmer`` anywhere gets the real package. Both give the same stems
    (tests/test_text_words.py compares them on the corpus' vocabulary)."""
    try:
        import Stemmer

        return Stemmer.Stemmer("english"), Stemmer.Stemmer("russian")
    except Exception:  # noqa: BLE001 - not installed (pip --no-deps, an unusual platform): the pure-Python port
        pass
    if "snowballstemmer" not in sys.modules:
        try:
            return _two_modules()
        except Exception:  # noqa: BLE001 - an unusual install: the package as it is
            pass
    import snowballstemmer

    return snowballstemmer.stemmer("english"), snowballstemmer.stemmer("russian")


def _two_modules():
    def ours(name):
        return name == "snowballstemmer" or name.startswith("snowballstemmer.")

    before = {n: m for n, m in sys.modules.items() if ours(n)}
    pkg = importlib.util.module_from_spec(importlib.util.find_spec("snowballstemmer"))  # not executed
    sys.modules["snowballstemmer"] = pkg
    try:
        return (importlib.import_module("snowballstemmer.english_stemmer").EnglishStemmer(),
                importlib.import_module("snowballstemmer.russian_stemmer").RussianStemmer())
    finally:
        for name in [n for n in sys.modules if ours(n)]:
            del sys.modules[name]
        sys.modules.update(before)


_EN = _RU = None  # loaded at the first stem (stemmers()): PyStemmer's library is 0.7 MiB of resident memory, and
# the process of a build whose check runs in a second process never stems


def stemmers():
    """(English, Russian) Snowball stemmers, loaded once."""
    global _EN, _RU
    if _EN is None:
        _EN, _RU = _stemmers()
    return _EN, _RU


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem of one word: Snowball English (Latin script), Snowball Russian (Cyrillic), else casefold."""
    w = word.casefold().replace("\u2019", "'")
    if w.isascii():
        if w.isdigit() or len(w) <= 2:
            return w
        return (_EN if _EN is not None else stemmers()[0]).stemWord(w)
    first = next((c for c in w if c.isalpha()), "")
    if first and first <= "\u024f":
        return (_EN if _EN is not None else stemmers()[0]).stemWord(w)
    if first and "\u0400" <= first <= "\u04ff":
        return (_RU if _RU is not None else stemmers()[1]).stemWord(w)
    return w


def stems(text: str) -> list[str]:
    """Stems of the words of ``text`` (a glued camelCase run yields its humps)."""
    return [stem(t[0]) for t in tokens(text)]


PLACEHOLDER_WORDS = frozenset({"TODO", "TBD", "TBA", "FIXME", "XXX", "TKTK", "WIP"})
_PLACEHOLDER_ANYCASE = frozenset({"tbd", "fixme", "todo", "tba"})  # "todo" as a lone lower-case word only
# a cheap first look: a placeholder word in any case, an ellipsis, or a bracket that may hold a placeholder
_MAYBE_PLACEHOLDER = rx(r"(?i)todo|tbd|tba|fixme|xxx|tktk|wip|\.\.\.|\u2026|[\[<{]")
_ELLIPSIS_END = rx(r"(?:\.\.\.|\u2026)[\s*_)\]\"'`]*$")
_ONLY_BRACKET = rx(r"^\s*(?:\[[^\[\]()]{1,60}\](?![(\[:])|<[A-Za-z][^<>]{0,60}>|\{\{?[^{}]{1,60}\}?\})\s*$")
_HTML_TAGS = frozenset("""a abbr b br code del details div em hr i img ins kbd li mark ol p pre q s small span strong
sub summary sup table tbody td th thead tr u ul""".split())
_CELL_SPLIT = rx(r"(?<!\\)\|")
_MARKUP = rx(r"[*_`~]+")


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


_QUESTION_END = rx(r"[?\uff1f\u061f][\s*_)\]\"'`»”]*$")


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
