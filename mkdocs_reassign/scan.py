"""One-pass line scanner for Markdown documents.

It finds what the checks need, each with a 1-based line number counted in the
source file (front matter included): front matter, ATX headings, fenced code,
HTML blocks and comments, inline and reference links, and the prose lines.
It never renders Markdown.  Block structure follows CommonMark 0.31.2 as
markdown-it-py parses it (tests/test_scan_oracle.py holds it to markdown-it-py
on every spec example and on generated documents):

* containers: block quotes and bullet/ordered list items, nested, with lazy
  paragraph continuation and the rules for when a list item may interrupt a
  paragraph;
* leaves: ATX headings, fenced code (``` and ~~~, up to 3 spaces of indent,
  also inside list items and block quotes), indented code, HTML blocks (the
  seven start conditions; comments are type 2), thematic breaks, setext
  underlines (they end a paragraph; setext headings are not reported: only
  ATX headings open sections), link reference definitions (also spanning
  lines) and paragraphs;
* inlines (in paragraphs and ATX headings): links and images, inline and
  full/collapsed/shortcut reference, with code spans, backslash escapes,
  autolinks and raw HTML taking precedence; link text may span lines and
  destinations may hold balanced parentheses.  Destinations are unescaped
  (backslash escapes, entity references) but not percent-decoded.

Where markdown-it departs from the spec the scanner follows markdown-it: a
block quote continues whatever the indentation before its ``>``; a line below
a list item paragraph ends it when it starts any block, whatever its
indentation (except a list marker indented 4+ columns), and an HTML block of
type 7 never does; a line a block quote takes lazily is checked again, its
indentation ignored, by the quotes nested in it.  Tabs count to tab stops of
4 from the start of the line.

Headings inside fenced code, indented code, HTML blocks or HTML comments do not
exist.  Any text is accepted; ``scan`` never raises.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any

__all__ = ["Heading", "Fence", "Link", "Section", "ScannedDoc", "scan", "normalize_heading", "split_front_matter"]


@dataclass(slots=True)
class Heading:
    level: int
    text: str  # raw inline content (closing #s and surrounding blanks removed)
    line: int
    norm: str  # normalized name: no numbering, no trailing parenthetical, lower case


@dataclass(slots=True)
class Fence:
    info: str  # the whole info string (e.g. "typescript:765:806:apps/server/pool-manager.ts")
    lang: str  # first word of the info string, before any ':' or '{'
    start: int  # line of the opening fence
    end: int  # line of the closing fence (or last line of the block when unclosed)
    closed: bool
    body: list[str] = field(default_factory=list)  # content lines, container prefixes and fence indent removed


@dataclass(slots=True)
class Link:
    text: str
    dest: str  # destination, backslash escapes and entities resolved (reference links: the definition's)
    line: int
    col: int  # 1-based column of the '[' (of the '!' for images) in the source line
    image: bool = False
    tail: str = ""  # the rest of the line after the link (at most _TAIL characters) (for "[Name](x) - desc (ID)")


@dataclass(slots=True)
class Section:
    heading: Heading
    start: int  # heading line
    end: int  # last line that belongs to the section (includes subsections)
    index: int  # position in ScannedDoc.headings


@dataclass(slots=True)
class ScannedDoc:
    lines: list[str]
    front_matter: Any = None
    fm_present: bool = False
    fm_error: tuple[int, str] | None = None  # (line, message)
    fm_end: int = 0  # line of the closing front matter delimiter (0 when none)
    fm_lines: dict[str, int] = field(default_factory=dict)  # top-level key -> line
    headings: list[Heading] = field(default_factory=list)
    fences: list[Fence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    comments: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, inner text)
    prose: list[bool] = field(default_factory=list)  # per line (index = line-1): outside fences/comments/HTML/code
    ref_defs: dict[str, tuple[str, int]] = field(default_factory=dict)  # normalized label -> (dest, line)
    html_blocks: list[tuple[int, int]] = field(default_factory=list)  # (start, end) lines of HTML blocks (comments too)
    _sections: list[Section] | None = None
    _section_starts: list[int] | None = None  # for section_at (bisect: a linear scan per call is quadratic)
    _comment_index: tuple | None = None  # (starts, running max of ends, count) for _in_comment

    @property
    def h1(self) -> Heading | None:
        for h in self.headings:
            if h.level == 1:
                return h
        return None

    def sections(self) -> list[Section]:
        if self._sections is None:
            out = []
            hs = self.headings
            last = len(self.lines)
            for i, h in enumerate(hs):
                end = last
                for j in range(i + 1, len(hs)):
                    if hs[j].level <= h.level:
                        end = hs[j].line - 1
                        break
                out.append(Section(h, h.line, end, i))
            self._sections = out
        return self._sections

    def section_own_end(self, sec: Section) -> int:
        """Last line before the next heading of any level (the section's own text)."""
        nxt = sec.index + 1
        return self.headings[nxt].line - 1 if nxt < len(self.headings) else len(self.lines)

    def section_at(self, line: int) -> Section | None:
        """The innermost section containing ``line``: that of the last heading at or before it."""
        secs = self.sections()
        if self._section_starts is None or len(self._section_starts) != len(secs):
            self._section_starts = [sec.start for sec in secs]
        k = bisect_right(self._section_starts, line) - 1
        return secs[k] if k >= 0 and secs[k].end >= line else None

    def has_content(self, start: int, end: int) -> bool:
        """True when lines start..end (inclusive) hold anything but blanks, comments and rules."""
        prose = self.prose
        lines = self.lines
        for ln in range(max(start, 1), min(end, len(lines)) + 1):
            text = lines[ln - 1]
            if not prose[ln - 1]:
                # fenced code and HTML blocks count as content; comments do not
                if self._in_comment(ln):
                    continue
                return True
            s = text.strip()
            if s and not _THEMATIC_BREAK_LINE.match(s):
                return True
        return False

    def _in_comment(self, line: int) -> bool:
        idx = self._comment_index
        if idx is None or idx[2] != len(self.comments):
            starts, ends, top = [], [], 0
            for a, b, _ in self.comments:  # sorted by start
                starts.append(a)
                top = max(top, b)
                ends.append(top)
            idx = self._comment_index = (starts, ends, len(self.comments))
        k = bisect_right(idx[0], line) - 1
        return k >= 0 and idx[1][k] >= line

    def text_of(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1 : end])


# ---------------------------------------------------------------------------
# patterns

_THEMATIC_BREAK_LINE = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_THEMATIC = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
_ATX_OPEN = re.compile(r"#{1,6}(?=[ \t]|$)")
_FENCE_OPEN = re.compile(r"`{3,}|~{3,}")
_FENCE_CLOSE = {"`": re.compile(r"(`{3,})[ \t]*$"), "~": re.compile(r"(~{3,})[ \t]*$")}
_LIST_MARK = re.compile(r"(?:[-+*]|([0-9]{1,9})[.)])(?=[ \t]|$)")
_NONSPACE = re.compile(r"[^ ]")
# leading run whose tabs affect block structure: blanks, '>' and list markers
_TAB_PREFIX = re.compile(r"[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t][ \t>]*)*")
_NUMBERING = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|[A-Za-z]\.|[IVXLC]+\.)\s+")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_NON_WORD = re.compile(r"[\W_]+")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

# HTML block start conditions (CommonMark 0.31.2, 4.6), as markdown-it-py writes them
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|"
    "link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_ATTR = r"(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)"
_OPEN_TAG = r"<[A-Za-z][A-Za-z0-9\-]*" + _ATTR + r"*\s*/?>"
_CLOSE_TAG = r"</[A-Za-z][A-Za-z0-9\-]*\s*>"
_OPEN_CLOSE_TAG = re.compile(r"(?:" + _OPEN_TAG + "|" + _CLOSE_TAG + ")")
# (start, end or None when the block ends at a blank line, may interrupt a paragraph)
_HTML_KINDS: list[tuple[re.Pattern, re.Pattern | None, bool]] = [
    (re.compile(r"<(?a:script|pre|style|textarea)(?=\s|>|$)", re.I), re.compile(r"</(?a:script|pre|style|textarea)>", re.I), True),
    (re.compile(r"<!--"), re.compile(r"-->"), True),
    (re.compile(r"<\?"), re.compile(r"\?>"), True),
    (re.compile(r"<![A-Za-z]"), re.compile(r">"), True),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>"), True),
    (re.compile(r"</?(?a:" + _BLOCK_TAGS + r")(?=\s|/?>|$)", re.I), None, True),
    (re.compile(r"(?:" + _OPEN_TAG + "|" + _CLOSE_TAG + r")\s*$"), None, False),
]
_COMMENT = re.compile(r"<!---?>|<!--.*?-->", re.S)

_FM_OPEN = re.compile(r"^-{3}[ \t]*$")
_FM_CLOSE = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")

# inline
_INLINE_SPECIAL = re.compile(r"[\\`<\[\]]|!\[")
_BACKTICKS = re.compile(r"`+")
_ANGLE_DEST = re.compile(r"<((?:[^<>\n\\]|\\[\s\S])*)>")
_REF_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.){0,999})\]", re.S)
_DEST_RUN = re.compile(r"[^\x00-\x20\x7f()\\]+")
_SIMPLE_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^\x00-\x20\x7f()\\<]*)\)")
_SIMPLE_INLINE_DEST = re.compile(r"([^\x00-\x20\x7f()\\<]+)\)")
_SIMPLE_DEST = re.compile(r"[^\x00-\x20\x7f()\\<]*")
_AUTOLINK = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^<>\x00-\x20]*")
_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_UNESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])|&([a-z#][a-z0-9]{1,31});", re.I)
_DEC_ENTITY = re.compile(r"#([0-9]{1,8})")
_HEX_ENTITY = re.compile(r"#x([a-f0-9]{1,8})", re.I)
_BAD_PROTO = re.compile(r"^(vbscript|javascript|file|data):")
_GOOD_DATA = re.compile(r"^data:image/(gif|png|jpeg|webp);")
_TITLE_LINE = re.compile(r"[ \t]*(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))[ \t]*$", re.S)
# whitespace as markdown-it trims it
_MD_WS = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
_MD_WS_RUN = re.compile("[" + re.escape(_MD_WS) + "]+")


@lru_cache(maxsize=4096)
def normalize_heading(text: str) -> str:
    """Heading text as a name: "## 4. EDGE CASES (draft)" -> "edge cases".

    Drops HTML comments, a leading number ("4.", "2.1", "A.", "IV."), trailing
    parentheticals, emoji and punctuation; "&" reads "and"; lower case.
    """
    t = text
    if "<!--" in t:
        t = sub_comments(t, " ")
    if "\\" in t:
        t = _MD_ESCAPE.sub(r"\1", t)
    t = _NUMBERING.sub("", t.strip(), count=1)
    if t.endswith(")"):
        t = t[: _strip_parentheticals(t)]
    t = t.lower()
    if "&" in t:
        t = t.replace("&", " and ")
    return _NON_WORD.sub(" ", t).strip()


def _strip_parentheticals(t: str) -> int:
    """End of ``t`` without its trailing "(...)" groups (as repeated _TRAILING_PAREN.sub would leave it,
    never leaving nothing), in one backward pass: the regex loop is quadratic on "()()()...".
    """
    end = len(t)
    while True:
        e = end
        while e > 0 and t[e - 1].isspace():
            e -= 1
        if e == 0 or t[e - 1] != ")":
            return end
        k = t.rfind("(", 0, e - 1)
        if k < 0 or t.find(")", k + 1, e - 1) >= 0:
            return end
        j = k
        while j > 0 and t[j - 1].isspace():
            j -= 1
        if j == 0:
            return end
        end = j


def normalize_label(label: str) -> str:
    """A link label as a reference key: whitespace collapsed, case folded."""
    return _MD_WS_RUN.sub(" ", label.strip(_MD_WS)).casefold()


def split_front_matter(lines: list[str]) -> tuple[int, int]:
    """Return (first content line index, closing delimiter index) of a front matter block, or (0, -1)."""
    if not lines or not _FM_OPEN.match(lines[0]):
        return 0, -1
    for i in range(1, len(lines)):
        if _FM_CLOSE.match(lines[i]):
            return 1, i
    return 0, -1


def _parse_front_matter(doc: ScannedDoc, lines: list[str]) -> int:
    """Parse YAML front matter; return the index of the first body line."""
    start, close = split_front_matter(lines)
    if close < 0:
        return 0
    doc.fm_present = True
    doc.fm_end = close + 1
    from .yamlutil import load_front_matter

    data, error, key_lines = load_front_matter("\n".join(lines[start:close]), first_line=start + 1)
    doc.front_matter = data
    doc.fm_error = error
    doc.fm_lines = key_lines
    return close + 1


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

_PARA, _FENCE, _HTML, _ICODE = 1, 2, 3, 4
_MAX_NEST = 32  # block quotes and list items (markdown-it's commonmark preset gives up at 20)
# a line starting with any other character continues a paragraph (lazily if need be)
_SPECIAL_START = " \t>#`~<-+*_=0123456789"


def scan(text: str, *, front_matter: bool = True) -> ScannedDoc:
    """Scan a whole document (front matter included). Never raises on any text.

    ``front_matter=False`` reads a leading ``---`` block as Markdown.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    doc = ScannedDoc(lines=lines)
    n_lines = len(lines)
    prose = [True] * n_lines
    doc.prose = prose
    body_start = _parse_front_matter(doc, lines) if front_matter else 0
    for i in range(body_start):
        prose[i] = False

    fences = doc.fences
    comments = doc.comments
    html_blocks = doc.html_blocks
    ref_defs = doc.ref_defs
    runs: list[list[tuple[int, int, str]]] = []  # inline runs holding a '[': [(line index, raw start, text)]

    containers: list[list] = []  # [kind (1 quote, 2 list item), width, has content]
    nc = 0
    blank_ok = True  # every open container is a list item with content (a blank line continues them all)
    empty_items = False  # an open list item began with a blank line and holds nothing yet
    leaf = 0
    para: list[tuple[int, int]] = []  # (line index, raw start) of the open paragraph
    bracket = False  # the open paragraph holds a '['
    pdef = False  # the open paragraph may begin with (multi-line) link reference definitions
    after_def = False  # the previous line was a definition without title (the title may follow)
    # open fence
    f_char = ""
    f_len = 0
    f_off = 0
    f_body: list[str] = []
    f_obj: Fence | None = None
    code_blanks: list[int] = []  # blank lines after the last line of an open indented code block
    # open HTML block
    h_end: re.Pattern | None = None
    h_start = 0
    h_comment = False

    for i in range(body_start, n_lines):
        raw = lines[i]

        # fast paths: the common lines at top level
        c0 = raw[:1]
        if leaf == _PARA:
            if not pdef and c0 and (c0 not in _SPECIAL_START or (c0 in "*`~_" and _plain_special(raw, 0, c0))):
                para.append((i, 0))
                if "[" in raw:
                    bracket = True
                if "<!--" in raw:
                    _inline_comments(comments, i, raw)
                continue
        elif leaf == 0:
            if (
                not nc
                and c0
                and not after_def
                and (
                    (c0 not in _SPECIAL_START and (c0 != "[" or type(rd := _parse_ref_def(raw)) is not tuple))
                    or (c0 in "*`~_" and _plain_special(raw, 0, c0))
                )
            ):
                leaf = _PARA
                pdef = c0 == "[" and rd is _MAYBE
                para.append((i, 0))
                if "[" in raw:
                    bracket = True
                if "<!--" in raw:
                    _inline_comments(comments, i, raw)
                continue
        elif leaf == _FENCE:
            if not nc and "\t" not in raw:
                # at top level: the closing fence, or a line of the body
                if raw[:4].lstrip(" ")[:1] == f_char:
                    k = len(raw) - len(raw.lstrip(" "))
                    fc = _FENCE_CLOSE[f_char].match(raw, k)
                    if fc and len(fc.group(1)) >= f_len:
                        f_obj.end = i + 1
                        f_obj.closed = True
                        prose[i] = False
                        leaf = 0
                        continue
                if f_off and raw[:1] == " ":
                    f_body.append(raw[min(f_off, len(raw) - len(raw.lstrip(" "))) :])
                else:
                    f_body.append(raw)
                prose[i] = False
                continue
        if leaf <= _PARA:
            if not raw:
                if not nc or blank_ok:  # a blank line; open list items (with content) continue
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                        leaf = 0
                    after_def = False
                    continue
            elif c0 == "`" or c0 == "~":
                # a fence at column 0 ends the paragraph and every open container
                fo = _FENCE_OPEN.match(raw)
                if fo is not None and not (c0 == "`" and "`" in raw[fo.end() :]):
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    if nc:
                        containers = []
                        nc = 0
                        blank_ok = True
                        empty_items = False
                    after_def = False
                    info = raw[fo.end() :].strip(" \t")
                    f_body = []
                    f_obj = Fence(info, _LANG_END.split(info, maxsplit=1)[0].lower() if info else "", i + 1, n_lines, False, f_body)
                    fences.append(f_obj)
                    f_char = c0
                    f_len = fo.end()
                    f_off = 0
                    leaf = _FENCE
                    prose[i] = False
                    continue
            elif c0 == "#":
                # an ATX heading at column 0 ends the paragraph and every open container
                t = raw.lstrip("#")
                h = len(raw) - len(t)
                if h <= 6 and (not t or t[0] == " " or t[0] == "\t"):
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                        leaf = 0
                    if nc:
                        containers = []
                        nc = 0
                        blank_ok = True
                        empty_items = False
                    after_def = False
                    _heading(doc, runs, i, raw, h, h)
                    continue
            elif (
                (c0 == "-" or c0 == "*" or c0 == "_")
                and (nc or not leaf or c0 != "-")
                and (raw[-1] == c0 or raw[-1] in " \t")
                and raw.count(c0) >= 3
                and _THEMATIC.match(raw)
            ):
                # a thematic break at column 0 (not a setext underline) likewise
                if leaf:
                    if pdef or bracket:
                        _flush_para(doc, runs, para, bracket, pdef)
                    para = []
                    bracket = pdef = False
                    leaf = 0
                if nc:
                    containers = []
                    nc = 0
                    blank_ok = True
                    empty_items = False
                after_def = False
                continue
            elif (c0 in "-+*" or "0" <= c0 <= "9") and "\t" not in raw:
                # a list item at column 0 whose text is plain: it closes every open container
                if c0 in "-+*":
                    if raw[1:2] == " ":
                        t = raw[2:].lstrip(" ")
                        ci = len(raw) - len(t)
                        ok = ci <= 5 and t != ""
                    else:
                        ok = False
                else:
                    im = _ITEM_FAST.match(raw)
                    ok = im is not None and (nc or leaf == 0 or int(im.group(1)) == 1)
                    if ok:
                        ci = im.end()
                if (
                    ok
                    and (
                        (
                            (cc := raw[ci]) not in _SPECIAL_START
                            and (cc != "[" or type(rd := _parse_ref_def(raw[ci:])) is not tuple)
                        )
                        or (cc in "*`~_" and _plain_special(raw, ci, cc))
                    )
                    and not ((raw[-1] == c0 or raw[-1] in " \t") and raw.count(c0) >= 3 and _THEMATIC.match(raw))
                ):
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    pdef = cc == "[" and rd is _MAYBE
                    containers = [[2, ci, True]]
                    nc = 1
                    blank_ok = True
                    empty_items = False
                    after_def = False
                    leaf = _PARA
                    para.append((i, ci))
                    if "[" in raw:
                        bracket = True
                    if "<!--" in raw:
                        _inline_comments(comments, i, raw)
                    continue

        # the general path
        line = _expand(raw) if "\t" in raw else raw
        n = len(line)
        col = 0
        matched = 0
        p = p0 = n - len(line.lstrip(" "))
        if nc:
            for c in containers:
                if col > p0:
                    m = _NONSPACE.search(line, col)
                    p = m.start() if m else n
                if c[0] == 1:
                    # (markdown-it continues a quote whatever the indentation before '>')
                    if p < n and line[p] == ">":
                        col = p + 1
                        if col < n and line[col] == " ":
                            col += 1
                        matched += 1
                        continue
                    break
                if p >= n:
                    if not c[2]:
                        break
                    col = min(n, col + c[1])
                    matched += 1
                    continue
                if p - col >= c[1]:
                    col += c[1]
                    matched += 1
                    continue
                break
            else:
                if col > p0:
                    m = _NONSPACE.search(line, col)
                    p = m.start() if m else n
        blank = p >= n
        indent = p - col
        all_matched = matched == nc

        # continuation of an open fence, HTML block or indented code
        if leaf >= _FENCE:
            if leaf == _FENCE:
                if all_matched:
                    if not blank and indent <= 3 and line[p] == f_char:
                        fc = _FENCE_CLOSE[f_char].match(line, p)
                        if fc and len(fc.group(1)) >= f_len:
                            f_obj.end = i + 1
                            f_obj.closed = True
                            prose[i] = False
                            leaf = 0
                            continue
                    f_body.append(_cut(raw, line, col + min(indent, f_off)))
                    prose[i] = False
                    continue
                f_obj.end = i
                leaf = 0
            elif leaf == _HTML:
                if all_matched:
                    if h_end is None:
                        if not blank:
                            prose[i] = False
                            continue
                        html_blocks.append((h_start, i))
                        leaf = 0
                    else:
                        prose[i] = False
                        if not blank and h_end.search(raw, p if line is raw else _raw_idx(raw, line, p)):
                            html_blocks.append((h_start, i + 1))
                            if h_comment:
                                _add_comments(comments, lines, h_start - 1, i)
                            leaf = 0
                        continue
                else:
                    html_blocks.append((h_start, i))
                    if h_comment:
                        _add_comments(comments, lines, h_start - 1, i - 1)
                    leaf = 0
            else:  # indented code
                if all_matched and (blank or indent >= 4):
                    if blank:
                        code_blanks.append(i)
                    else:
                        prose[i] = False
                        for k in code_blanks:  # blank lines between code lines are code
                            prose[k] = False
                        code_blanks.clear()
                    continue
                code_blanks.clear()
                leaf = 0

        if after_def:
            after_def = False
            if not blank and _TITLE_LINE.match(raw, p if line is raw else _raw_idx(raw, line, p)):
                continue  # the title of the definition on the previous line

        if not all_matched:
            if leaf == _PARA and not blank and (line[p] not in _BLOCK_CHARS or not _lazy_breaks(containers, matched, line, p, indent)):
                # lazy continuation line
                para.append((i, p if line is raw else _raw_idx(raw, line, p)))
                if "[" in raw:
                    bracket = True
                if "<!--" in raw:
                    _inline_comments(comments, i, raw)
                if pdef:
                    st, para, titled = _defs_progress(doc, para)
                    if st:
                        pdef = False
                        if st == 1:
                            leaf = 0
                            bracket = False
                            after_def = not titled
                continue
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
            leaf = 0
            del containers[matched:]
            nc = matched
            blank_ok = all(c[0] == 2 and c[2] for c in containers)
            after_def = False

        # new containers (at most _MAX_NEST deep: deeper markers are text, and no line costs more)
        while not blank and indent <= 3 and nc < _MAX_NEST:
            ch = line[p]
            if ch == ">":
                containers.append([1, 0, True])
                col = p + 1
                if col < n and line[col] == " ":
                    col += 1
            elif ch in "-+*" or "0" <= ch <= "9":
                if (ch == "-" or ch == "*") and line.count(ch, p) >= 3 and _THEMATIC.match(line, p):
                    break
                lm = _LIST_MARK.match(line, p)
                if lm is None:
                    break
                q = lm.end()
                m = _NONSPACE.search(line, q)
                r = m.start() if m else n
                blank_item = r >= n
                if leaf == _PARA and (blank_item or (lm.group(1) is not None and int(lm.group(1)) != 1)):
                    break  # this list item may not interrupt a paragraph
                ci = q + 1 if (blank_item or r - q > 4) else r
                containers.append([2, ci - col, not blank_item])
                if blank_item:
                    empty_items = True
                    col = n
                else:
                    col = ci
            else:
                break
            nc += 1
            blank_ok = False if ch == ">" or blank_item else blank_ok
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
            leaf = 0
            after_def = False
            m = _NONSPACE.search(line, col)
            p = m.start() if m else n
            blank = p >= n
            indent = p - col

        if blank:
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
                leaf = 0
            after_def = False
            continue

        if empty_items:
            for c in containers:
                c[2] = True
            empty_items = False
            blank_ok = all(c[0] == 2 for c in containers)

        ri = p if line is raw else _raw_idx(raw, line, p)
        if indent >= 4:
            if leaf == _PARA:
                para.append((i, ri))
                if "[" in raw:
                    bracket = True
                if pdef:
                    st, para, titled = _defs_progress(doc, para)
                    if st:
                        pdef = False
                        if st == 1:
                            leaf = 0
                            bracket = False
                            after_def = not titled
                continue
            leaf = _ICODE
            prose[i] = False
            after_def = False
            continue

        ch = line[p]
        if ch == "#":
            hm = _ATX_OPEN.match(line, p)
            if hm:
                if leaf == _PARA:
                    if pdef or bracket:
                        _flush_para(doc, runs, para, bracket, pdef)
                    para = []
                    bracket = pdef = False
                leaf = 0
                after_def = False
                _heading(doc, runs, i, raw, ri + (hm.end() - p), hm.end() - p)
                continue
        elif ch == "`" or ch == "~":
            fo = _FENCE_OPEN.match(line, p)
            if fo:
                info = raw[ri + fo.end() - p :]
                if not (ch == "`" and "`" in info):
                    if leaf == _PARA:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    after_def = False
                    info = info.strip(" \t")
                    lang = _LANG_END.split(info, maxsplit=1)[0].lower() if info else ""
                    f_body = []
                    f_obj = Fence(info, lang, i + 1, n_lines, False, f_body)
                    fences.append(f_obj)
                    f_char = ch
                    f_len = fo.end() - p
                    f_off = indent
                    leaf = _FENCE
                    prose[i] = False
                    continue
        elif ch == "<":
            content = raw[ri:]
            started = False
            for k, (start_re, end_re, interrupts) in enumerate(_HTML_KINDS):
                if start_re.match(content):
                    if not interrupts and leaf == _PARA:
                        break
                    if leaf == _PARA:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    after_def = False
                    prose[i] = False
                    h_start = i + 1
                    h_end = end_re
                    h_comment = k == 1
                    if end_re is not None and end_re.search(content):
                        html_blocks.append((h_start, i + 1))
                        if h_comment:
                            _add_comments(comments, lines, i, i)
                        leaf = 0
                    else:
                        leaf = _HTML
                    started = True
                    break
            if started:
                continue
        if leaf == _PARA and (ch == "=" or ch == "-") and _SETEXT.match(line, p):
            # a setext underline: the paragraph becomes a heading (not reported) ...
            rest_para = para
            if pdef:
                if ch == "=" or not (_THEMATIC.match(line, p) or _LIST_MARK.match(line, p)):
                    # no block start: an open definition may take it (as its destination)
                    para.append((i, ri))
                    st, rest_para, titled = _defs_progress(doc, para)
                    if st == 0:
                        para = rest_para
                        continue
                    if st == 1:
                        para = []
                        bracket = pdef = False
                        leaf = 0
                        after_def = not titled
                        continue
                    rest_para = rest_para[:-1]
                else:
                    rest_para = _take_defs(doc, para)
            if rest_para:
                if bracket:
                    _flush_para(doc, runs, rest_para, bracket, False)
                para = []
                bracket = pdef = False
                leaf = 0
                continue
            # ... unless it held only link reference definitions: then this line is a new block
            para = []
            bracket = pdef = False
            leaf = 0
        if (ch == "-" or ch == "*" or ch == "_") and _THEMATIC.match(line, p):
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
            leaf = 0
            after_def = False
            continue
        if leaf != _PARA:
            if ch == "[":
                rd = _parse_ref_def(raw[ri:])
                if type(rd) is tuple:
                    label, dest, titled = rd
                    if label not in ref_defs:
                        ref_defs[label] = (dest, i + 1)
                    after_def = not titled
                    continue
                pdef = rd is _MAYBE
            leaf = _PARA
            para.append((i, ri))
        else:
            para.append((i, ri))
            if pdef:
                st, para, titled = _defs_progress(doc, para)
                if st:
                    pdef = False
                    if st == 1:
                        leaf = 0
                        bracket = False
                        after_def = not titled
                        continue
        if "[" in raw:
            bracket = True
        if "<!--" in raw:
            _inline_comments(comments, i, raw)

    # close what is still open
    if leaf == _PARA and (pdef or bracket):
        _flush_para(doc, runs, para, bracket, pdef)
    elif leaf == _HTML:
        html_blocks.append((h_start, n_lines))
        if h_comment:
            _add_comments(comments, lines, h_start - 1, n_lines - 1)

    if runs:
        _collect_links(doc, runs)
    comments.sort()
    if fences and n_lines > 1 and not text.endswith("\n"):
        # markdown-it leaves a final, newline-less line of bare block-quote markers out of an open fence in a quote
        f = fences[-1]
        last = lines[-1]
        if (not f.closed and f.end == n_lines and f.start < n_lines and ">" in last and _QUOTE_ONLY.fullmatch(last)
                and ">" in _FENCE_PREFIX.match(lines[f.start - 1]).group(0)):  # the fence is inside a quote
            f.end -= 1
            if f.body:
                f.body.pop()
            prose[n_lines - 1] = True
    return doc


_QUOTE_ONLY = re.compile(r"[ \t>]*")
_FENCE_PREFIX = re.compile(r"[^`~]*")  # container markers before an opening fence
_LANG_END = re.compile(r"[\s:{,]")
_ITEM_FAST = re.compile(r"(?:[-+*]|([0-9]{1,9})[.)])( {1,4})(?=[^ ])")


def _plain_special(raw: str, k: int, c: str) -> bool:
    """Is raw[k:] (c == raw[k], one of * ` ~ _) paragraph text rather than a block start?"""
    if c == "`" or c == "~":
        return not raw.startswith(c * 3, k)
    if c == "*" and raw[k + 1 : k + 2] in ("", " ", "\t"):
        return False  # a list item
    # a thematic break holds only c, spaces and tabs
    return not (raw[-1] in (c, " ", "\t") and raw.count(c, k) >= 3 and _THEMATIC.match(raw, k))


def _heading(doc: ScannedDoc, runs: list, i: int, raw: str, hi: int, level: int) -> None:
    """Record the ATX heading of line i whose opening #s end at raw[hi]."""
    rest = raw[hi:].rstrip(" \t")
    if rest[-1:] == "#":  # a closing sequence
        t = rest.rstrip("#")
        if not t or t[-1] in " \t":
            rest = t
    htext = rest.strip(_MD_WS)
    doc.headings.append(Heading(level, htext, i + 1, normalize_heading(htext)))
    if "[" in htext:
        runs.append([(i, hi + rest.find(htext), htext)])
    if "<!--" in raw:
        _inline_comments(doc.comments, i, raw)


def _flush_para(doc: ScannedDoc, runs: list, para: list[tuple[int, int]], bracket: bool, pdef: bool) -> None:
    """A paragraph ends: take its leading definitions, keep it for the link pass if it holds a '['."""
    lines = doc.lines
    if pdef:
        para = _take_defs(doc, para)
        if not para:
            return
        bracket = any("[" in lines[i] for i, _ in para)
    if bracket:
        runs.append([(i, ri, lines[i][ri:]) for i, ri in para])


def _take_defs(doc: ScannedDoc, para: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """At the end of a paragraph: take the link reference definitions that open it; return the other lines."""
    return _defs_progress(doc, para, True)[1]


def _defs_progress(doc: ScannedDoc, para: list[tuple[int, int]], final: bool = False) -> tuple[int, list, bool]:
    """Read the link reference definitions that open a paragraph whose first line may begin one.

    Return (state, remaining lines, last definition had a title): state 0 when
    the paragraph may still be a definition that goes on, 1 when all its lines
    are definitions (markdown-it then reads the next line afresh), 2 when the
    remaining lines are a paragraph.  ``final``: no more lines will come.
    """
    if not final and len(para) > 64:
        return 0, para, False  # decide at the end
    lines = doc.lines
    ref_defs = doc.ref_defs
    s = "\n".join([lines[i][ri:] for i, ri in para])
    n = len(s)
    pos = 0
    k = 0
    while pos < n and s[pos] == "[":
        rd = _ref_def_at(s, pos, n, final)
        if rd is _MAYBE:
            return 0, para[k:], False
        if rd is None:
            break
        label, dest, end, titled = rd
        if label not in ref_defs:
            ref_defs[label] = (dest, para[k][0] + 1)
        k += s.count("\n", pos, end) + 1
        pos = end + 1
        if pos >= n:
            return 1, [], titled
    return 2, para[k:], False


def _ref_def_at(s: str, start: int, n: int, final: bool = True):
    """A link reference definition at s[start] == '[' that may span lines (markdown-it's rules).

    Return (normalized label, destination, index of the line end after it,
    title seen), None, or ``_MAYBE`` (not ``final``: the text ends inside it).
    """
    pos = start + 1
    while pos < n:
        c = s[pos]
        if c == "[":
            return None
        if c == "]":
            break
        if c == "\\":
            pos += 1
        pos += 1
    else:
        return None if final else _MAYBE
    label_end = pos
    if label_end + 1 >= n or s[label_end + 1] != ":":
        return None
    pos = label_end + 2
    while pos < n and s[pos] in " \t\n":
        pos += 1
    if pos >= n and not final:
        return _MAYBE
    d = _parse_dest(s, pos, n)
    if d is None:
        return None
    dest, pos = d
    if not _valid_link(dest):
        return None
    dest_end = pos
    while pos < n and s[pos] in " \t\n":
        pos += 1
    titled = False
    if pos < n and pos != dest_end:
        e = _parse_title(s, pos, n)
        if e == -2 and not final:
            return _MAYBE
        if e >= 0:
            titled = e - pos > 2  # an empty title counts as none
            pos = e
        else:
            pos = dest_end
    else:
        pos = dest_end
    while pos < n and s[pos] in " \t":
        pos += 1
    if pos < n and s[pos] != "\n" and titled:
        titled = False
        pos = dest_end
        while pos < n and s[pos] in " \t":
            pos += 1
    if pos < n and s[pos] != "\n":
        return None
    label = normalize_label(s[start + 1 : label_end])
    if not label:
        return None
    return label, dest, pos, titled


_BLOCK_CHARS = ">#`~<-*_+0123456789"


def _lazy_breaks(containers: list, matched: int, line: str, p: int, indent: int) -> bool:
    """Does a line that fails container ``matched`` end the paragraph (rather than continue it lazily)?

    markdown-it's rules: below a list item a block start counts whatever its
    indentation (it is measured from the item's content column), except a list
    marker indented 4+ columns from the innermost list's own indentation; below
    a block quote the indentation counts, but a line the quote takes lazily is
    checked again, indentation ignored, by every quote nested inside it.
    """
    if containers[matched][0] == 2:
        # the innermost list item (above any nested quote) gives the list indentation
        list_indent = 0
        width = 0
        for c in containers[matched:]:
            if c[0] == 1:
                break
            list_indent += width
            width = c[1]
        return _starts_block(line, p, indent - list_indent)
    if indent <= 3 and _starts_block(line, p, indent):
        return True
    for c in containers[matched + 1 :]:
        if c[0] == 1:
            return _starts_block(line, p, 0)
    return False


def _starts_block(line: str, p: int, indent: int) -> bool:
    """Would this line start a block, so it cannot continue a paragraph lazily?"""
    ch = line[p]
    if ch == ">":
        return True
    if ch == "#":
        return _ATX_OPEN.match(line, p) is not None
    if ch == "`" or ch == "~":
        fo = _FENCE_OPEN.match(line, p)
        return fo is not None and not (ch == "`" and "`" in line[fo.end() :])
    if ch == "<":
        content = line[p:]
        for start_re, _end, interrupts in _HTML_KINDS:
            if start_re.match(content):
                return interrupts
        return False
    if ch in "-*_" and _THEMATIC.match(line, p):
        return True
    if ch in "-+*" or "0" <= ch <= "9":
        return indent <= 3 and _LIST_MARK.match(line, p) is not None
    return False


def comment_spans(s: str):
    """(start, end) of each closed HTML comment in s, as _COMMENT.finditer finds them, in linear time.

    (``<!--.*?-->`` rescans the rest of the text from every unclosed ``<!--``: quadratic.)
    """
    pos = s.find("<!--")
    while pos >= 0:
        if s.startswith("<!-->", pos):
            end = pos + 5
        elif s.startswith("<!--->", pos):
            end = pos + 6
        else:
            e = s.find("-->", pos + 4)
            if e < 0:
                return  # no later opener can close either
            end = e + 3
        yield pos, end
        pos = s.find("<!--", end)


def sub_comments(s: str, repl: str) -> str:
    """_COMMENT.sub(repl, s) in linear time."""
    out, last = [], 0
    for a, b in comment_spans(s):
        out.append(s[last:a])
        out.append(repl)
        last = b
    if not out:
        return s
    out.append(s[last:])
    return "".join(out)


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
