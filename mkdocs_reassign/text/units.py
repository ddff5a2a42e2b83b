"""A doc's prose as units: headings, table rows, list items and paragraph sentences.

Each unit knows its first line (1-based), its text (inline markup removed: emphasis,
code ticks, link targets, HTML tags), its kind, whether it is a question and whether
it holds a placeholder. Lines whose prose flag is 0 (fences, comments, front matter)
are skipped and end the paragraph or item they interrupt.
"""

from __future__ import annotations


from typing import Sequence

from .words import is_placeholder, is_question
from ..startup import dataclass, rx

__all__ = ["Unit", "split_units", "clean_inline", "split_sentences"]


@dataclass(slots=True, frozen=True)
class Unit:
    first_line: int
    text: str
    kind: str  # "heading" | "row" | "item" | "sentence"
    is_question: bool
    is_placeholder: bool
    level: int = 0  # heading level (1-6) for headings, else 0
    section: int = -1  # index (in the unit list) of the heading this unit sits under, -1 before any


_ATX = rx(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = rx(r"^ {0,3}(=+|-+)[ \t]*$")
_ITEM = rx(r"^(\s*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)(?:\[[ xX]\][ \t]+)?")
_TABLE_DELIM = rx(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")
_BREAK = rx(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_QUOTE = rx(r"^\s*(?:>\s?)+")
_ADMONITION = rx(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*\s*(?:\"(.*)\")?\s*$")
_IMAGE = rx(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = rx(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = rx(r"<(?:https?|mailto):[^>\s]*>")
_TAG = rx(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPH = rx(r"(?<![\w\\])[*_]{1,3}|[*_]{1,3}(?![\w])|`+|~~")
_SPACE = rx(r"\s+")


def clean_inline(text: str) -> str:
    """Inline markdown reduced to its words: links keep their text, images their alt, tags go."""
    t = text
    if "](" in t or "][" in t:
        t = _IMAGE.sub(r"\1", t)
        t = _LINK.sub(r"\1", t)
    if "<" in t:
        t = _AUTOLINK.sub(" ", t)
        # a bracket placeholder (<name>) stays; real tags go
        t = _TAG.sub(lambda m: m.group() if _looks_placeholder_tag(m.group()) else " ", t)
    if "*" in t or "_" in t or "`" in t or "~" in t:
        t = _EMPH.sub("", t)
    return _SPACE.sub(" ", t).strip()


_KNOWN_TAGS = frozenset("""a abbr b br code del details div em hr i img ins kbd li mark ol p pre q s small span strong
sub summary sup table tbody td th thead tr u ul center font h1 h2 h3 h4 h5 h6 section figure figcaption""".split())


def _looks_placeholder_tag(tag: str) -> bool:
    inner = tag.strip("<>/ ")
    name = inner.split()[0].lower() if inner.split() else ""
    return name not in _KNOWN_TAGS and "=" not in inner


# sentence ends: . ! ? (and CJK 。！？) followed by space or the end; not after an abbreviation
# or inside a number
_ABBREV = frozenset("""e.g i.e etc vs cf approx incl min max sec no nr fig eq ca resp esp mr mrs ms dr st
jr sr vol al ex p pp ref dept est misc""".split())
_END = rx(r"([.!?\u2026]+)([\"'\u201d\u2019)\]*_`]*)(?=\s|$)|[\u3002\uff01\uff1f]")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs of a paragraph's text."""
    out = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        punct = m.group(1) or ""
        if punct and punct[0] == "." and len(punct) == 1:
            before = text[start:m.start()]
            last = before.rsplit(None, 1)[-1] if before.split() else ""
            lw = last.lower().strip("(\"'*_`")
            # abbreviations ("e.g.", "vs.", "U.S."); a lone capital is a name ("Agent B."), so it ends
            if lw in _ABBREV or lw.rstrip(".") in _ABBREV or (lw[:-1].count(".") >= 1 and len(lw) <= 6):
                continue
        if punct and punct[0] in ".\u2026" and len(punct) >= 2 or punct == "\u2026":
            continue  # an ellipsis runs on (a trailing one stays in its sentence: a placeholder)
        seg = text[start:end].strip()
        if seg:
            out.append((start + (len(text[start:end]) - len(text[start:end].lstrip())), seg))
        start = end
    seg = text[start:].strip()
    if seg:
        out.append((start + (len(text[start:]) - len(text[start:].lstrip())), seg))
    return out


def split_units(lines: list[str], prose: Sequence[int]) -> list[Unit]:
    """Units of the prose lines (``prose[i]`` falsy = line i+1 is not prose). First line is 1."""
    sp = _Splitter(lines)
    for i in range(len(lines)):
        if i >= len(prose) or not prose[i]:
            sp.flush()
        else:
            sp.line(i, prose)
    sp.flush()
    return sp.units


class _Splitter:
    """The state of split_units: the units so far, the section they sit in, the pending paragraph or item."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.units: list[Unit] = []
        self.section = -1
        self.block: list | None = None  # pending block: [kind, first_line, [(line, text)], indent]

    def emit(self, kind, first, text, level=0):
        txt = clean_inline(text)
        if not txt:
            return
        if kind == "heading":
            self.section = len(self.units)
        self.units.append(Unit(first, txt, kind, is_question(txt), is_placeholder(txt), level, self.section))

    def flush(self):
        block = self.block
        if block is None:
            return
        kind, first, parts, _ = block
        self.block = None
        if kind == "item":
            self.emit("item", first, " ".join(t for _, t in parts))
            return
        # paragraph: sentences, each at the line where it starts
        text = ""
        marks = []  # (offset, line)
        for ln, t in parts:
            marks.append((len(text), ln))
            text += t + " "
        for off, sent in split_sentences(text):
            ln = first
            for o, l in marks:
                if o <= off:
                    ln = l
                else:
                    break
            self.emit("sentence", ln, sent)

    def blank(self, i: int, prose) -> None:
        block, lines = self.block, self.lines
        if block is not None and block[0] == "para":
            self.flush()
        elif block is not None and block[0] == "item":
            # an item continues over a blank line only when the next line is indented under it
            n = len(lines)
            nxt = lines[i + 1] if i + 1 < n and i + 1 < len(prose) and prose[i + 1] else ""
            ind = len(nxt) - len(nxt.lstrip())
            if not nxt.strip() or ind <= block[3] or _ITEM.match(nxt):
                self.flush()

    def line(self, i: int, prose) -> None:
        lines, ln = self.lines, i + 1
        raw = lines[i]
        if raw.lstrip().startswith(">"):
            raw = _QUOTE.sub("", raw, count=1)
        s = raw.strip()
        block = self.block
        if not s:
            self.blank(i, prose)
        elif _BREAK.match(raw) and not (block and block[0] == "para" and _SETEXT.match(raw)):
            self.flush()
        elif self.heading_or_note(raw, ln):
            pass
        elif s.startswith("|") or (s.count("|") >= 2 and i + 1 < len(lines) and _TABLE_DELIM.match(lines[i + 1] or "x")) \
                or (block is None and s.count("|") >= 2 and i > 0 and _TABLE_DELIM.match(lines[i - 1] or "x")):
            self.flush()
            if not _TABLE_DELIM.match(s):
                cells = [c.strip() for c in _CELL.split(s.strip().strip("|"))]
                self.emit("row", ln, " | ".join(c for c in cells))
        else:
            im = _ITEM.match(raw)
            if im and s not in ("-", "*", "+") or (im and block is None):
                self.flush()
                self.block = ["item", ln, [(ln, raw[im.end():].strip())], len(im.group(1))]
            elif block is not None:
                block[2].append((ln, s))
            else:
                self.block = ["para", ln, [(ln, s)], 0]

    def heading_or_note(self, raw: str, ln: int) -> bool:
        """An ATX or setext heading, or an admonition's title line: emitted; False for anything else."""
        m = _ATX.match(raw)
        if m:
            self.flush()
            self.emit("heading", ln, m.group(2) or "", len(m.group(1)))
            return True
        block = self.block
        sm = _SETEXT.match(raw)
        if sm and block is not None and block[0] == "para" and len(block[2]) == 1:
            first, text = block[1], block[2][0][1]
            self.block = None
            self.emit("heading", first, text, 1 if sm.group(1)[0] == "=" else 2)
            return True
        am = _ADMONITION.match(raw)
        if am:
            self.flush()
            if am.group(1):
                self.emit("sentence", ln, am.group(1))
            return True
        return False


_CELL = rx(r"(?<!\\)\|")
