"""The parsed document: headings, fences, links, sections and prose lines of one Markdown file, and heading names."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field
from functools import lru_cache
from typing import Any

from ..startup import dataclass, rx



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

_NUMBERING = rx(r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|[A-Za-z]\.|[IVXLC]+\.)\s+")
_TRAILING_PAREN = rx(r"\s*\([^()]*\)\s*$")
_NON_WORD = rx(r"[\W_]+")
_MD_ESCAPE = rx(r"\\([!-/:-@\[-`{-~])")
# whitespace as markdown-it trims it
_MD_WS = "\t\n\x0b\x0c\r \xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
_MD_WS_RUN = rx("[" + re.escape(_MD_WS) + "]+")

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

_THEMATIC_BREAK_LINE = rx(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_COMMENT = rx(r"<!---?>|<!--.*?-->", re.S)


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
