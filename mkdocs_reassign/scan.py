"""One-pass line scanner for Markdown documents.

It finds what the checks need, each with a 1-based line number counted in the
source file (front matter included): front matter, ATX headings, fenced code,
HTML blocks and comments, inline and reference links, and the prose lines.
It never renders Markdown; its block recognition follows CommonMark for the
constructs it knows (proved against markdown-it-py in the tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Heading", "Fence", "Link", "Section", "ScannedDoc", "scan", "normalize_heading", "split_front_matter"]


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    line: int
    norm: str  # normalized name: no numbering, no trailing parenthetical, lower case


@dataclass(slots=True)
class Fence:
    info: str  # the whole info string (e.g. "typescript:765:806:apps/server/pool-manager.ts")
    lang: str  # first word of the info string, before any ':' or '{'
    start: int  # line of the opening fence
    end: int  # line of the closing fence (or last line when unclosed)
    closed: bool
    body: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    text: str
    dest: str
    line: int
    col: int  # 1-based column of the '['
    image: bool = False
    tail: str = ""  # the rest of the line after the link (for "[Name](x) - desc (ID)")


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
    prose: list[bool] = field(default_factory=list)  # per line (index = line-1): outside fences/comments/HTML
    ref_defs: dict[str, tuple[str, int]] = field(default_factory=dict)
    _sections: list[Section] | None = None

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
        """The innermost section containing ``line``."""
        best = None
        for sec in self.sections():
            if sec.start <= line <= sec.end:
                best = sec
            elif sec.start > line:
                break
        return best

    def has_content(self, start: int, end: int) -> bool:
        """True when lines start..end (inclusive) hold anything but blanks, comments and rules."""
        prose = self.prose
        lines = self.lines
        for ln in range(start, end + 1):
            text = lines[ln - 1]
            if not prose[ln - 1]:
                # fenced code and HTML blocks count as content; comments do not
                if self._in_comment(ln):
                    continue
                return True
            s = text.strip()
            if s and not _THEMATIC_BREAK.match(s):
                return True
        return False

    def _in_comment(self, line: int) -> bool:
        for a, b, _ in self.comments:
            if a <= line <= b:
                return True
            if a > line:
                break
        return False

    def text_of(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1 : end])


_THEMATIC_BREAK = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^( *)([-+*]|[0-9]{1,9}[.)])( +|\t|$)")
_NUMBERING = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|[A-Za-z]\.|[IVXLC]+\.)\s+")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_EMOJI_ETC = re.compile(r"[^\w\s/&+-]", re.UNICODE)

# HTML block start conditions (CommonMark 0.31, section 4.6)
_HTML1 = re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.I)
_HTML1_END = re.compile(r"</(?:script|pre|style|textarea)>", re.I)
_HTML2 = re.compile(r"^ {0,3}<!--")
_HTML3 = re.compile(r"^ {0,3}<\?")
_HTML4 = re.compile(r"^ {0,3}<![A-Za-z]")
_HTML5 = re.compile(r"^ {0,3}<!\[CDATA\[")
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|"
    "link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_HTML6 = re.compile(r"^ {0,3}</?(?:" + _BLOCK_TAGS + r")(?:\s|/?>|$)", re.I)
_ATTR = r"(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)"
_HTML7 = re.compile(r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*" + _ATTR + r"*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$")

_FM_OPEN = re.compile(r"^-{3}[ \t]*$")
_FM_CLOSE = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")
_REF_DEF = re.compile(r"^ {0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(<[^>\n]*>|\S+)")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_INLINE_COMMENT = re.compile(r"<!--.*?-->")


def normalize_heading(text: str) -> str:
    """Heading text as a name: "## 4. EDGE CASES (draft)" -> "edge cases"."""
    t = text.strip()
    t = _NUMBERING.sub("", t, count=1)
    while True:
        t2 = _TRAILING_PAREN.sub("", t)
        if t2 == t or not t2.strip():
            break
        t = t2
    t = t.lower().replace("&", " and ")
    t = _EMOJI_ETC.sub(" ", t)
    t = _NON_WORD.sub(" ", t).strip()
    return t


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


def _strip_code_spans(s: str) -> str:
    if "`" not in s:
        return s
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), s)


def _find_links(doc: ScannedDoc, line_no: int, raw: str) -> None:
    s = raw
    if "<!--" in s:
        s = _INLINE_COMMENT.sub(lambda m: " " * len(m.group(0)), s)
    s = _strip_code_spans(s)
    n = len(s)
    i = s.find("[")
    while 0 <= i < n:
        if i > 0 and s[i - 1] == "\\":
            i = s.find("[", i + 1)
            continue
        # find matching ']' allowing nested brackets
        depth = 0
        j = i
        while j < n:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:
            break
        text = s[i + 1 : j]
        image = i > 0 and s[i - 1] == "!"
        k = j + 1
        if k < n and s[k] == "(":
            dest, end = _parse_destination(s, k + 1)
            if end is not None:
                doc.links.append(Link(text, dest, line_no, i + 1 - (1 if image else 0), image, raw[end + 1 :].strip()))
                i = s.find("[", end + 1)
                continue
        elif k < n and s[k] == "[":
            m = s.find("]", k + 1)
            if m > 0:
                label = s[k + 1 : m] or text
                doc.links.append(Link(text, "\x00ref:" + label, line_no, i + 1, image, raw[m + 1 :].strip()))
                i = s.find("[", m + 1)
                continue
        elif text and not (k < n and s[k] == ":" and i == len(s) - len(s.lstrip())):
            # shortcut reference [label]; resolved later only when a definition exists
            doc.links.append(Link(text, "\x00ref:" + text, line_no, i + 1, image, raw[k:].strip()))
        i = s.find("[", i + 1)


def _parse_destination(s: str, k: int) -> tuple[str, int | None]:
    """Parse ``dest "title")`` starting at k (just after '('). Return (dest, index of ')')."""
    n = len(s)
    while k < n and s[k] in " \t":
        k += 1
    if k < n and s[k] == "<":
        e = s.find(">", k + 1)
        if e < 0:
            return "", None
        dest = s[k + 1 : e]
        k = e + 1
    else:
        depth = 0
        start = k
        while k < n:
            c = s[k]
            if c == "\\" and k + 1 < n:
                k += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            elif c in " \t":
                break
            k += 1
        dest = s[start:k]
    # optional title
    while k < n and s[k] in " \t":
        k += 1
    if k < n and s[k] in "\"'(":
        close = {'"': '"', "'": "'", "(": ")"}[s[k]]
        e = s.find(close, k + 1)
        if e < 0:
            return "", None
        k = e + 1
        while k < n and s[k] in " \t":
            k += 1
    if k < n and s[k] == ")":
        return dest, k
    return "", None


def scan(text: str) -> ScannedDoc:
    """Scan a whole document (front matter included). Never raises on any text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    doc = ScannedDoc(lines=lines)
    prose = [True] * len(lines)
    doc.prose = prose
    body_start = _parse_front_matter(doc, lines)
    for i in range(body_start):
        prose[i] = False

    headings = doc.headings
    fences = doc.fences
    comments = doc.comments
    n = len(lines)
    i = body_start
    # list context: content indents of the open list items (a small container model)
    list_indents: list[int] = []
    prev_blank = True
    in_paragraph = False
    while i < n:
        raw = lines[i]
        line = raw.expandtabs(4) if "\t" in raw else raw
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        line_no = i + 1

        if not stripped:
            prev_blank = True
            in_paragraph = False
            i += 1
            continue

        # a line indented less than the innermost list item's content ends that item
        while list_indents and indent < list_indents[-1]:
            if not prev_blank and in_paragraph and not _LIST_ITEM.match(line):
                break  # lazy paragraph continuation
            list_indents.pop()
        base = list_indents[-1] if list_indents and indent >= list_indents[-1] else 0
        content = stripped
        m_item = _LIST_ITEM.match(line[base:]) if indent - base <= 3 else None
        if m_item:
            gap = m_item.group(3)
            width = len(gap) if gap not in ("", "\t") and len(gap) <= 4 else 1
            ci = base + len(m_item.group(1)) + len(m_item.group(2)) + width
            list_indents.append(ci)
            rest = line[base + m_item.end() :] if gap else ""
            if gap and len(gap) > 4:
                rest = line[ci:]
            base = ci
            indent = ci + (len(rest) - len(rest.lstrip(" ")))
            content = rest.lstrip(" ")
            in_paragraph = False
            if not content:
                prev_blank = False
                i += 1
                continue
        rel = indent - base

        if rel > 3:
            # indented code, unless it continues a paragraph
            if not in_paragraph:
                prose[i] = False
                prev_blank = False
                i += 1
                continue
            if "[" in raw:
                _find_links(doc, line_no, raw)
            prev_blank = False
            i += 1
            continue

        # fenced code
        fm = _FENCE_OPEN.match(content)
        if fm and not (fm.group(1)[0] == "`" and "`" in fm.group(2)):
            marker = fm.group(1)
            info = fm.group(2).strip()
            close_re = re.compile(r"^" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
            j = i + 1
            body: list[str] = []
            closed = False
            while j < n:
                cand = lines[j]
                if "\t" in cand:
                    cand = cand.expandtabs(4)
                cs = cand.lstrip(" ")
                cind = len(cand) - len(cs)
                if base and cs and cind < base:
                    break  # the list item ends, and the fence with it
                if cind - base <= 3 and close_re.match(cs):
                    closed = True
                    break
                body.append(cand[min(cind, indent) :])
                j += 1
            end = j if closed else j - 1
            lang = re.split(r"[\s:{,]", info, maxsplit=1)[0].lower() if info else ""
            fences.append(Fence(info, lang, line_no, end + 1, closed, body))
            for k in range(i, end + 1):
                prose[k] = False
            i = end + 1
            prev_blank = False
            in_paragraph = False
            continue

        # ATX heading
        if content.startswith("#"):
            hm = _ATX.match(content)
            if hm:
                htext = hm.group(2) or ""
                htext = _ATX_CLOSE.sub("", htext) if htext else ""
                if htext.rstrip().endswith("#") and set(htext.strip()) == {"#"}:
                    htext = ""
                htext = htext.strip()
                headings.append(Heading(len(hm.group(1)), htext, line_no, normalize_heading(htext)))
                prev_blank = False
                in_paragraph = False
                i += 1
                continue

        # HTML blocks
        if content.startswith("<"):
            html_line = content if indent - base <= 3 else ""
            end_idx = None
            kind = 0
            if _HTML2.match(html_line):
                kind = 2
                end_idx = _find_end(lines, i, "-->", lines[i].find("<!--") + 4)
            elif _HTML1.match(html_line):
                kind = 1
                end_idx = _find_end_re(lines, i, _HTML1_END)
            elif _HTML5.match(html_line):
                kind = 5
                end_idx = _find_end(lines, i, "]]>", lines[i].find("<![CDATA[") + 9)
            elif _HTML3.match(html_line):
                kind = 3
                end_idx = _find_end(lines, i, "?>", lines[i].find("<?") + 2)
            elif _HTML4.match(html_line):
                kind = 4
                end_idx = _find_end(lines, i, ">", lines[i].find("<!") + 2)
            elif _HTML6.match(html_line) or (not in_paragraph and _HTML7.match(html_line)):
                kind = 6
                j = i
                while j < n and lines[j].strip():
                    j += 1
                end_idx = j - 1
            if kind:
                if kind == 2:
                    block = "\n".join(lines[i : end_idx + 1])
                    a = block.find("<!--")
                    b = block.rfind("-->")
                    inner = block[a + 4 : b] if b > a else block[a + 4 :]
                    comments.append((line_no, end_idx + 1, inner))
                for k in range(i, end_idx + 1):
                    prose[k] = False
                i = end_idx + 1
                prev_blank = False
                in_paragraph = False
                continue

        # link reference definitions
        if content.startswith("[") and not in_paragraph:
            rd = _REF_DEF.match(content)
            if rd:
                dest = rd.group(2)
                if dest.startswith("<") and dest.endswith(">"):
                    dest = dest[1:-1]
                doc.ref_defs.setdefault(rd.group(1).strip().lower(), (dest, line_no))
                i += 1
                prev_blank = False
                continue

        # a paragraph (or table, list item text, ...) line
        if "[" in raw:
            _find_links(doc, line_no, raw)
        if "<!--" in raw:
            # inline comment(s) on a prose line
            for cm in _INLINE_COMMENT.finditer(raw):
                comments.append((line_no, line_no, cm.group(0)[4:-3]))
        in_paragraph = not _THEMATIC_BREAK.match(stripped)
        prev_blank = False
        i += 1

    # resolve reference links; drop shortcut "links" that have no definition
    if doc.links:
        resolved = []
        for link in doc.links:
            if link.dest.startswith("\x00ref:"):
                label = link.dest[5:].strip().lower()
                d = doc.ref_defs.get(label)
                if d is None:
                    continue
                link.dest = d[0]
            resolved.append(link)
        doc.links = resolved
    doc.comments.sort()
    return doc


def _find_end(lines: list[str], i: int, needle: str, first_col: int) -> int:
    if lines[i].find(needle, max(first_col, 0)) >= 0:
        return i
    for j in range(i + 1, len(lines)):
        if needle in lines[j]:
            return j
    return len(lines) - 1


def _find_end_re(lines: list[str], i: int, pat: re.Pattern) -> int:
    for j in range(i, len(lines)):
        if pat.search(lines[j]):
            return j
    return len(lines) - 1
