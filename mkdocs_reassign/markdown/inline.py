"""Inline Markdown: links and images (inline and reference), code spans, autolinks, raw HTML, entities and HTML comments."""

from __future__ import annotations

import re
from bisect import bisect_right
from html.entities import html5 as _HTML5_ENTITIES

from .doc import _COMMENT, Link, ScannedDoc, comment_spans, normalize_label
from ..startup import rx

# inline
# leading run whose tabs affect block structure: blanks, '>' and list markers
_TAB_PREFIX = rx(r"[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t][ \t>]*)*")
_ATTR = r"(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)"
_OPEN_TAG = r"<[A-Za-z][A-Za-z0-9\-]*" + _ATTR + r"*\s*/?>"
_CLOSE_TAG = r"</[A-Za-z][A-Za-z0-9\-]*\s*>"
_OPEN_CLOSE_TAG = rx(r"(?:" + _OPEN_TAG + "|" + _CLOSE_TAG + ")")
_INLINE_SPECIAL = rx(r"[\\`<\[\]]|!\[")
_BACKTICKS = rx(r"`+")
_ANGLE_DEST = rx(r"<((?:[^<>\n\\]|\\[\s\S])*)>")
_REF_LABEL = rx(r"\[((?:[^\[\]\\]|\\.){0,999})\]", re.S)
_DEST_RUN = rx(r"[^\x00-\x20\x7f()\\]+")
_SIMPLE_LINK = rx(r"\[([^\[\]\n]*)\]\(([^\x00-\x20\x7f()\\<]*)\)")
_SIMPLE_INLINE_DEST = rx(r"([^\x00-\x20\x7f()\\<]+)\)")
_SIMPLE_DEST = rx(r"[^\x00-\x20\x7f()\\<]*")
_AUTOLINK = rx(r"[a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^<>\x00-\x20]*")
_EMAIL = rx(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_UNESCAPE = rx(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])|&([a-z#][a-z0-9]{1,31});", re.I)
_DEC_ENTITY = rx(r"#([0-9]{1,8})")
_HEX_ENTITY = rx(r"#x([a-f0-9]{1,8})", re.I)
_BAD_PROTO = rx(r"^(vbscript|javascript|file|data):")
_GOOD_DATA = rx(r"^data:image/(gif|png|jpeg|webp);")
_TITLE_LINE = rx(r"[ \t]*(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))[ \t]*$", re.S)

# ---------------------------------------------------------------------------
# small helpers


def _expand(raw: str) -> str:
    """Expand the tabs of the leading run that carries block structure (tab stop 4)."""
    e = _TAB_PREFIX.match(raw).end()
    if "\t" not in raw[:e]:
        return raw
    return raw[:e].expandtabs(4) + raw[e:]


def _raw_idx(raw: str, line: str, col: int) -> int:
    """Index in ``raw`` of the character at column ``col`` of the expanded ``line``."""
    if len(raw) == len(line):
        return col
    c = 0
    for idx, ch in enumerate(raw):
        if c >= col:
            return idx
        c += 4 - c % 4 if ch == "\t" else 1
    return len(raw)


def _cut(raw: str, line: str, col: int) -> str:
    """``raw`` without its first ``col`` columns (a partly consumed tab leaves spaces)."""
    if len(raw) == len(line):
        return raw[col:]
    c = 0
    for idx, ch in enumerate(raw):
        if c >= col:
            return raw[idx:]
        nc = c + 4 - c % 4 if ch == "\t" else c + 1
        if nc > col:
            return " " * (nc - col) + raw[idx + 1 :]
        c = nc
    return ""


def _entity(m: re.Match) -> str:
    if m.group(1) is not None:
        return m.group(1)
    name = m.group(2)
    val = _HTML5_ENTITIES.get(name + ";")
    if val is not None:
        return val
    d = _DEC_ENTITY.fullmatch(name)
    h = None if d else _HEX_ENTITY.fullmatch(name)
    if d or h:
        c = int(d.group(1), 10) if d else int(h.group(1), 16)
        if not (
            0xD800 <= c <= 0xDFFF
            or 0xFDD0 <= c <= 0xFDEF
            or (c & 0xFFFF) in (0xFFFF, 0xFFFE)
            or c <= 0x08
            or c == 0x0B
            or 0x0E <= c <= 0x1F
            or 0x7F <= c <= 0x9F
            or c > 0x10FFFF
        ):
            return chr(c)
    return m.group(0)


def _unescape(s: str) -> str:
    if "\\" not in s and "&" not in s:
        return s
    return _UNESCAPE.sub(_entity, s)


def _valid_link(url: str) -> bool:
    if ":" not in url:
        return True
    u = url.strip().lower()
    return bool(_GOOD_DATA.search(u)) if _BAD_PROTO.search(u) else True


def _parse_dest(s: str, pos: int, n: int) -> tuple[str, int] | None:
    """A link destination at ``pos``: (unescaped destination, end) or None."""
    if pos < n and s[pos] == "<":
        m = _ANGLE_DEST.match(s, pos, n)
        return (_unescape(m.group(1)), m.end()) if m is not None else None
    m = _SIMPLE_DEST.match(s, pos)
    k = m.end()
    if k > pos and (k >= n or s[k] == ")" or s[k] == " " or s[k] < " "):
        d = s[pos:k]
        return (_unescape(d) if "&" in d else d), k
    level = 0
    k = pos
    run = _DEST_RUN.match
    while k < n:
        r = run(s, k)
        if r is not None:
            k = r.end()
            if k >= n:
                break
        c = s[k]
        if c == " " or c < " " or c == "\x7f":
            break
        if c == "\\" and k + 1 < n:
            if s[k + 1] == " ":
                break
            k += 2
            continue
        if c == "(":
            level += 1
            if level > 32:
                return None
        elif c == ")":
            if level == 0:
                break
            level -= 1
        k += 1
    if k == pos or level:
        return None
    return _unescape(s[pos:k]), k


def _parse_title(s: str, pos: int, n: int) -> int:
    """End of a link title starting at ``pos``; -1 when there is none, -2 when it is still open at the end."""
    if pos >= n:
        return -1
    close = s[pos]
    if close == "(":
        close = ")"
    elif close != '"' and close != "'":
        return -1
    k = pos + 1
    while k < n:
        c = s[k]
        if c == close:
            return k + 1
        if c == "(" and close == ")":
            return -1
        if c == "\\":
            k += 1
        k += 1
    return -2  # the text ends inside the title


_MAYBE = 1  # "may be a definition that continues on the next lines"


def _parse_ref_def(s: str) -> tuple[str, str, bool] | int | None:
    """A link reference definition ``[label]: dest "title"`` on one line (s[0] == '[').

    Return (normalized label, destination, title seen); ``_MAYBE`` when the
    line may begin a definition that spans lines; None when it is no definition.
    """
    n = len(s)
    i = s.find("]", 1)
    if "\\" not in s:
        if i < 0:
            return None if s.find("[", 1) >= 0 else _MAYBE  # the label may go on
        if s.find("[", 1, i) >= 0:
            return None
    else:
        i = 1
        while i < n:
            c = s[i]
            if c == "[":
                return None
            if c == "]":
                break
            if c == "\\":
                i += 1
            i += 1
        if i >= n:
            return _MAYBE  # the label may go on
    if i + 1 >= n or s[i + 1] != ":":
        return None
    pos = i + 2
    while pos < n and s[pos] in " \t":
        pos += 1
    if pos >= n:
        return _MAYBE  # the destination may follow
    label = normalize_label(s[1:i])
    d = _parse_dest(s, pos, n)
    if d is None or not label:
        return None
    dest, pos = d
    if not _valid_link(dest):
        return None
    k = pos
    while k < n and s[k] in " \t":
        k += 1
    if k >= n:
        return label, dest, False
    if k == pos:
        return None
    e = _parse_title(s, k, n)
    if e < 0:
        return _MAYBE if e == -2 else None  # the title may go on
    if s[e:].strip(" \t"):
        return None
    return label, dest, True


class _Finder:
    """str.find with memory, so repeated searches for a closer stay linear."""

    __slots__ = ("s", "memo")

    def __init__(self, s: str):
        self.s = s
        self.memo: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, start: int) -> int:
        m = self.memo.get(needle)
        if m is not None:
            frm, res = m
            if frm <= start and (res < 0 or res >= start):
                return res
        res = self.s.find(needle, start)
        self.memo[needle] = (start, res)
        return res


def _html_inline_end(s: str, i: int, n: int, finder: _Finder) -> int:
    """End of an autolink or raw HTML starting at s[i] == '<', or -1."""
    gt = finder.find(">", i + 1)
    if gt > 0:
        lt = s.find("<", i + 1, gt)
        if lt < 0:
            url = s[i + 1 : gt]
            if _AUTOLINK.fullmatch(url) or _EMAIL.fullmatch(url):
                return gt + 1
    c1 = s[i + 1 : i + 2]
    if c1 == "!":
        if s.startswith("<!--", i):
            if s.startswith("<!-->", i):
                return i + 5
            if s.startswith("<!--->", i):
                return i + 6
            k = finder.find("-->", i + 4)
            return k + 3 if k >= 0 else -1
        if s.startswith("<![CDATA[", i):
            k = finder.find("]]>", i + 9)
            return k + 3 if k >= 0 else -1
        if s[i + 2 : i + 3].isascii() and s[i + 2 : i + 3].isalpha():
            return gt + 1 if gt > 0 else -1
        return -1
    if c1 == "?":
        k = finder.find("?>", i + 2)
        return k + 2 if k >= 0 else -1
    m = _OPEN_CLOSE_TAG.match(s, i)
    return m.end() if m else -1


def _label_end(s: str, pos: int, n: int) -> int:
    """Index of the ']' closing the link label that opens at s[pos] == '[': -1 when there is none,
    -2 when the label holds brackets (then it names no definition: the link fails).

    A label holds at most 999 characters (CommonMark 4.7), so the scan is bounded.
    """
    m = _REF_LABEL.match(s, pos)
    if m is not None:
        return m.end() - 1
    k = s.find("]", pos + 1, pos + 1002)
    k = k if k >= 0 else min(n, pos + 1002)
    return -2 if s.find("[", pos + 1, k) >= 0 else -1


def _link_after(s: str, close: int, text_start: int, n: int, defs: dict, image: bool = False) -> tuple[str, int] | None:
    """Try to complete a link whose text ends at s[close] == ']'. Return (destination, end).

    (As in markdown-it, an image whose "(...)" fails does not fall back to a reference.)
    """
    pos = close + 1
    if pos < n and s[pos] == "(":
        m = _SIMPLE_INLINE_DEST.match(s, pos + 1)
        if m is not None:  # the common "(path/to/doc.md)"
            d = m.group(1)
            if "&" not in d and (":" not in d or _valid_link(d)):
                return d, m.end()
        parse_ref = False
        href = ""
        pos += 1
        while pos < n and s[pos] in " \t\n":
            pos += 1
        if pos >= n:
            return None
        d = _parse_dest(s, pos, n)
        if d is not None:
            if _valid_link(d[0]):
                href = d[0]
                pos = d[1]
            start = pos
            while pos < n and s[pos] in " \t\n":
                pos += 1
            if pos < n and start != pos:
                e = _parse_title(s, pos, n)
                if e >= 0:
                    pos = e
                    while pos < n and s[pos] in " \t\n":
                        pos += 1
        if pos >= n or s[pos] != ")":
            parse_ref = True
        pos += 1
        if not parse_ref:
            return href, pos
        if image:
            return None
    if not defs:
        return None
    label = None
    if pos < n and s[pos] == "[":
        le = _label_end(s, pos, n)
        if le >= 0:
            label = s[pos + 1 : le]
            pos = le + 1
        elif le == -2:
            return None
        else:
            pos = close + 1
    else:
        pos = close + 1
    if not label:
        if close - text_start > 999:
            return None  # too long to be a link label
        label = s[text_start:close]
    d = defs.get(normalize_label(label))
    if d is None:
        return None
    return d[0], pos


def _simple_links(s: str) -> list[tuple[int, int, int, str, bool]] | None:
    """The links of a run whose every bracket belongs to a plain ``[text](dest)``; None otherwise.

    Then no bracket can pair differently, so the full algorithm would find
    exactly these links.
    """
    if "`" in s or "\\" in s or "<" in s or "![" in s:
        return None
    out = []
    for m in _SIMPLE_LINK.finditer(s):
        d = m.group(2)
        if "&" in d or (":" in d and not _valid_link(d)):
            return None
        out.append((m.start(), m.end(1), m.end(), d, False))
    if len(out) != s.count("[") or len(out) != s.count("]"):
        return None
    return out


def _inline_links(s: str, defs: dict) -> list[tuple[int, int, int, str, bool]]:
    """Links and images of one inline run: (start, close bracket, end, destination, image)."""
    n = len(s)
    out: list[tuple[int, int, int, str, bool]] = []
    openers: list[list] = []  # [start, text_start, image, serial]
    serial = 0
    floor = 0  # '[' openers with a serial below this are inactive (a link formed after them)
    finder = None
    runs = None
    pos = 0
    search = _INLINE_SPECIAL.search
    while True:
        m = search(s, pos)
        if m is None:
            break
        i = m.start()
        c = s[i]
        if c == "\\":
            pos = i + 2
        elif c == "`":
            if runs is None:
                runs = {}
                for r in _BACKTICKS.finditer(s):
                    runs.setdefault(r.end() - r.start(), []).append(r.start())
            e = i
            while e < n and s[e] == "`":
                e += 1
            length = e - i
            lst = runs.get(length, ())
            k = bisect_right(lst, i)
            # runs are maximal, so a run of the same length after this one closes the span
            pos = lst[k] + length if k < len(lst) else e
        elif c == "<":
            if finder is None:
                finder = _Finder(s)
            e = _html_inline_end(s, i, n, finder)
            pos = e if e > 0 else i + 1
        elif c == "!":
            openers.append([i, i + 2, True, serial])
            serial += 1
            pos = i + 2
        elif c == "[":
            openers.append([i, i + 1, False, serial])
            serial += 1
            pos = i + 1
        else:  # ']'
            pos = i + 1
            if not openers:
                continue
            start, text_start, image, ser = openers.pop()
            if not image and ser < floor:
                continue
            res = _link_after(s, i, text_start, n, defs, image)
            if res is None and image and ser >= floor:
                # markdown-it then reads the '[' after the '!' as a link
                res = _link_after(s, i, text_start, n, defs)
                if res is not None:
                    image = False
                    start += 1
            if res is None:
                continue
            dest, end = res
            if image:
                # links inside an image description are only alt text
                while out and out[-1][0] > start:
                    out.pop()
            else:
                floor = serial
            out.append((start, i, end, dest, image))
            pos = end
    out.sort()
    return out


# ---------------------------------------------------------------------------
# the scanner


def _inline_comments(comments: list, i: int, raw: str) -> None:
    for a, b in comment_spans(raw):
        g = raw[a:b]
        comments.append((i + 1, i + 1, g[4:-3] if len(g) >= 7 else ""))


def _add_comments(comments: list, lines: list[str], first: int, last: int) -> None:
    """Record the comments of an HTML comment block spanning lines[first..last] (0-based)."""
    block = "\n".join(lines[first : last + 1])
    pos = block.find("<!--")
    while pos >= 0:
        m = _COMMENT.match(block, pos)
        start_line = first + 1 + block.count("\n", 0, pos)
        if m is None:  # unclosed: runs to the end of the block
            comments.append((start_line, last + 1, block[pos + 4 :]))
            break
        g = m.group(0)
        end_line = start_line + g.count("\n")
        comments.append((start_line, end_line, g[4:-3] if len(g) >= 7 else ""))
        pos = block.find("<!--", m.end())


_TAIL = 160  # Link.tail is cut here: a whole-line tail per link is quadratic memory on a line of many links


def _collect_links(doc: ScannedDoc, runs: list[list[tuple[int, int, str]]]) -> None:
    lines = doc.lines
    defs = doc.ref_defs
    links = doc.links
    for run in runs:
        if len(run) == 1:
            li, base, s = run[0]
            if "]" not in s or (not defs and "](" not in s):
                continue
            found = _simple_links(s)
            if found is None:
                found = _inline_links(s, defs)
            for start, close, end, dest, image in found:
                raw = lines[li]
                links.append(
                    Link(s[start + (2 if image else 1) : close], dest, li + 1, base + start + 1, image, raw[base + end : base + end + _TAIL].strip())
                )
            continue
        s = "\n".join(t for _, _, t in run)
        if "]" not in s:
            continue
        offs = []
        o = 0
        for _, _, t in run:
            offs.append(o)
            o += len(t) + 1
        found = _simple_links(s)
        if found is None:
            found = _inline_links(s, defs)
        for start, close, end, dest, image in found:
            k = bisect_right(offs, start) - 1
            li, base, _t = run[k]
            ke = bisect_right(offs, max(end - 1, start)) - 1
            lie, basee, _t = run[ke]
            text = s[start + (2 if image else 1) : close].replace("\n", " ")
            links.append(Link(text, dest, li + 1, base + start - offs[k] + 1, image, lines[lie][basee + end - offs[ke] : basee + end - offs[ke] + _TAIL].strip()))
