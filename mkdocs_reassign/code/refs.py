"""Find the code references a Markdown document makes.

Forms recognised, each with the 1-based doc line and the columns of its numbers
(so that ``rewrite.py`` can renumber exactly those digits):

* ``path:line`` and ``path:start-end`` anywhere in prose, table cells and list
  items, in code spans or not (``#L12-L20`` too);
* a table row whose path cell has no line and another cell is a bare range
  (``| Main algorithm | `pool-manager.ts` | 588-635 | `findBestAgent()` |``);
* fence info strings ``lang:start:end:path`` (``typescript:765:806:apps/.../pool-manager.ts``);
* a comment naming a reference inside fenced code (``// socket-handlers.ts:691-697``);
* a bare path (no line) is a reference too: it must exist, and a symbol beside it
  must be defined there.

The symbol beside a reference comes from the same table row (other cells), the
same sentence (prose, list items), or, for fences, the first code line of the
block.  A symbol is a code-looking name: ``name()``/``name(args)``, ``CONSTANT_CASE``,
``PascalCase``, ``camelCase``; ``X handler`` names an event handler
(``socket.on("X", ...)``).  Plain lower-case words and snake_case fields are not
symbols unless written as calls.

Pure text work: no tree-sitter, no file system.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..startup import dataclass, rx

__all__ = ["Sym", "CodeRef", "find_code_refs", "refs_from_text", "CODE_EXTENSIONS"]

CODE_EXTENSIONS = (
    "tsx", "ts", "mts", "cts", "jsx", "js", "mjs", "cjs", "pyi", "py", "go", "rs", "java", "kt", "rb",
    "php", "cs", "cpp", "cc", "hpp", "c", "h", "swift", "vue", "svelte", "sql", "sh",
)
_EXT = "|".join(sorted(CODE_EXTENSIONS, key=len, reverse=True))
# line numbers have at most 9 digits: "x.py:999...9" (thousands of digits) is not a reference (and int() of it raises)
# directory segments may hold Next.js route groups "(app)" and dynamic segments "[id]"; "..." elides segments
_PATH = rf"(?:(?:[\w@.\-\[\]()+]+|\.\.\.)/)*[\w.\-\[\]]+\.(?:{_EXT})"
_REF_RE = rx(
    rf"(?<![\w/.\-:@])(?P<path>{_PATH})(?![\w/])"
    rf"(?:(?::|#L)L?(?P<start>\d{{1,9}})(?:[ \t]*[-\u2013\u2014][ \t]*L?(?P<end>\d{{1,9}}))?)?(?![\w:])"
)
_PRODUCT_JS = rx(r"^[A-Z][A-Za-z]*\.js$")  # Next.js, Node.js: products, not files
_RANGE_CELL_RE = rx(r"^(?:`)?(?:(?:[Ll]ines?|L)[ \t]*)?(\d{1,9})(?:[ \t]*[-\u2013\u2014][ \t]*L?(\d{1,9}))?(?:`)?$")
_FENCE_INFO_RE = rx(r"^(?P<lang>[\w+#.-]+):(?P<start>\d{1,9}):(?P<end>\d{1,9}):(?P<path>\S+)")
_CODE_SPAN_RE = rx(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_CALL_RE = rx(r"(?<![\w.$`])([A-Za-z_$][\w$]*)\(\)")
_HANDLER_RE = rx(r"(?:`([^`\s]+)`|\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+))\s+handler\b")
_DOTTED = rx(r"^(?:new\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(\(.*\))?;?$")
_CONST = rx(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z][A-Z0-9]{2,}$")
_PASCAL = rx(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
_CAMEL = rx(r"^[a-z_$][a-z0-9_$]*[A-Z][\w$]*$")
_SENTENCE_END = rx(r"(?<=[.!?])\s+(?=\S)")
_COMMENT_LINE = rx(r"^\s*(?://|#|/\*|\*|--|<!--)")
_SNIPPET_DEF = [
    rx(r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)"),
    rx(r"^\s*(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:class|interface|enum|type)\s+([A-Za-z_$][\w$]*)"),
    rx(r"^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*[:=]"),
    rx(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)|^\s*class\s+([A-Za-z_]\w*)"),
    rx(r"""^\s*[\w$.]+\.on(?:ce)?\(\s*(?:["'`]([^"'`]+)["'`]|[\w$]+\.([\w$]+))"""),
    rx(r"^\s*(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*\([^;]*\)\s*(?::[^=;]*)?\{\s*$"),
]
_NOT_METHODS = {"if", "for", "while", "switch", "catch", "function", "return", "with"}


@dataclass(frozen=True, slots=True)
class Sym:
    """A symbol written beside a reference."""

    name: str  # bare identifier (or the event name of a handler)
    label: str  # as the doc writes it, for messages: "reassignVisitors()", "heartbeat handler"
    handler: bool = False  # "X handler": an event handler registration such as socket.on("X", ...)


@dataclass(frozen=True, slots=True)
class CodeRef:
    """One code reference in a doc."""

    line: int  # 1-based doc line holding the numbers (the path line when there are none)
    path: str  # as written: full, partial ("pool-manager.ts") or elided ("apps/server/.../x.ts")
    start: int | None = None  # first cited line (None: the path alone is cited)
    end: int | None = None  # last cited line (None: a single line or no line)
    symbols: tuple[Sym, ...] = ()  # nearest first
    where: str = "text"  # "text" | "table" | "fence-info" | "fence-comment"
    start_col: int = -1  # 0-based column of the start digits in the doc line (-1: none)
    end_col: int = -1  # 0-based column of the end digits (-1: none)

    @property
    def last(self) -> int | None:
        """Last cited line (the start when the reference is a single line)."""
        return self.end if self.end is not None else self.start

    def cited(self) -> str:
        if self.start is None:
            return self.path
        return f"{self.path}:{self.start}" + (f"-{self.end}" if self.end is not None else "")


def symbol_of(text: str) -> Sym | None:
    """The symbol a code span names, or None when it does not look like code."""
    s = text.strip()
    if s.startswith("<") and s.endswith(">"):  # <Component /> / <Component>
        s = s.strip("<>/ ").split()[0] if s.strip("<>/ ") else ""
    m = _DOTTED.match(s)
    if not m:
        return None
    name = m.group(1).rsplit(".", 1)[-1]
    if m.group(2) is not None:  # a call: any identifier
        return Sym(name, name + "()")
    if _CONST.match(name) or _PASCAL.match(name) or _CAMEL.match(name):
        return Sym(name, name)
    return None


def _code_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(2).strip()) for m in _CODE_SPAN_RE.finditer(text)]


def _symbols_in(text: str, offset: int, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, Sym]]:
    """(column, symbol) pairs in ``text``; spans in ``skip`` (columns of ``text``) are references, not symbols."""
    found: list[tuple[int, Sym]] = []
    spans = _code_spans(text)
    covered: list[tuple[int, int]] = []
    for m in _HANDLER_RE.finditer(text):
        name = m.group(1) or m.group(2)
        found.append((offset + m.start(), Sym(name, f"{name} handler", handler=True)))
        covered.append((m.start(), m.end()))
    for a, b, inner in spans:
        if any(a < y and x < b for x, y in list(skip) + covered):
            continue
        sym = symbol_of(inner)
        if sym is not None:
            found.append((offset + a, sym))
    masked = _mask(text, [(a, b) for a, b, _ in spans])
    for m in _CALL_RE.finditer(masked):
        if not any(m.start() < y and x < m.end() for x, y in skip):
            found.append((offset + m.start(), Sym(m.group(1), m.group(1) + "()")))
    return found


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = "x"
    return "".join(chars)


def _dedupe(pairs: list[tuple[int, Sym]], col: int) -> tuple[Sym, ...]:
    out: list[Sym] = []
    for _, sym in sorted(pairs, key=lambda p: abs(p[0] - col)):
        if all(s.name != sym.name or s.handler != sym.handler for s in out):
            out.append(sym)
    return tuple(out)


def _split_cells(line: str) -> list[tuple[int, int]]:
    """(start, end) columns of the cells of a table row (pipes in code spans and escaped pipes kept)."""
    cells = []
    i, n = 0, len(line)
    cell_start = 0
    in_code = 0
    while i < n:
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            j = i
            while j < n and line[j] == "`":
                j += 1
            ticks = j - i
            if in_code == 0:
                in_code = ticks
            elif in_code == ticks:
                in_code = 0
            i = j
            continue
        if c == "|" and in_code == 0:
            cells.append((cell_start, i))
            cell_start = i + 1
        i += 1
    cells.append((cell_start, n))
    # drop the empty edges of "| a | b |"
    if cells and not line[cells[0][0]:cells[0][1]].strip():
        cells = cells[1:]
    if cells and not line[cells[-1][0]:cells[-1][1]].strip():
        cells = cells[:-1]
    return cells


_DELIM_ROW = rx(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _refs_in_table_row(ln: int, line: str) -> list[CodeRef]:
    if _DELIM_ROW.match(line):
        return []
    cells = _split_cells(line)
    found: list[tuple[int, re.Match]] = []  # (cell index, match)
    range_cells: list[tuple[int, re.Match, int]] = []
    for ci, (a, b) in enumerate(cells):
        text = line[a:b]
        for m in _REF_RE.finditer(text):
            if _is_ref(m):
                found.append((ci, m))
        stripped = text.strip()
        rm = _RANGE_CELL_RE.match(stripped)
        if rm:
            range_cells.append((ci, rm, a + (len(text) - len(text.lstrip()))))
    if not found:
        return []
    ref_cells = {ci for ci, _ in found}
    sym_pairs: list[tuple[int, Sym]] = []
    for ci, (a, b) in enumerate(cells):
        if ci in ref_cells or any(ci == rc for rc, _, _ in range_cells):
            continue
        sym_pairs.extend(_symbols_in(line[a:b], a))
    pathonly = [(ci, m) for ci, m in found if m.group("start") is None]
    out = []
    for ci, m in found:
        base = cells[ci][0]
        symbols = _dedupe(sym_pairs, base + m.start())
        if m.group("start") is None and len(pathonly) == 1 and len(range_cells) == 1:
            _, rm, col = range_cells[0]
            start, end = int(rm.group(1)), (int(rm.group(2)) if rm.group(2) else None)
            sc = col + rm.start(1)
            ec = col + rm.start(2) if rm.group(2) else -1
            out.append(CodeRef(ln, m.group("path"), start, end, symbols, "table", sc, ec))
        else:
            out.append(_ref_from_match(ln, m, base, symbols, "table"))
    return out


def _is_ref(m: re.Match) -> bool:
    return not (m.group("start") is None and _PRODUCT_JS.match(m.group("path")))


def _ref_from_match(ln: int, m: re.Match, base: int, symbols: tuple[Sym, ...], where: str) -> CodeRef:
    start = int(m.group("start")) if m.group("start") else None
    end = int(m.group("end")) if m.group("end") else None
    sc = base + m.start("start") if start is not None else -1
    ec = base + m.start("end") if end is not None else -1
    return CodeRef(ln, m.group("path"), start, end, symbols, where, sc, ec)


def _refs_in_prose_line(ln: int, line: str) -> list[CodeRef]:
    matches = [m for m in _REF_RE.finditer(line) if _is_ref(m)]
    if not matches:
        return []
    spans = _code_spans(line)
    masked = _mask(line, [(a, b) for a, b, _ in spans])
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(masked)] + [len(line) + 1]
    out = []
    for m in matches:
        k = max(i for i, b in enumerate(bounds[:-1]) if b <= m.start())
        a, b = bounds[k], min(bounds[k + 1], len(line))
        skip = [(x.start() - a, x.end() - a) for x in matches if a <= x.start() < b]
        # the code span around the reference is the reference, not a symbol
        skip += [(sa - a, sb - a) for sa, sb, _ in spans if any(sa <= x.start() < sb for x in matches)]
        pairs = _symbols_in(line[a:b], a, skip)
        out.append(_ref_from_match(ln, m, 0, _dedupe(pairs, m.start()), "text"))
    return out


def _snippet_symbol(body_lines: Sequence[str]) -> Sym | None:
    """The name the first code line of a snippet defines (doc side: which symbol the fence shows)."""
    for text in body_lines:
        if not text.strip() or _COMMENT_LINE.match(text):
            continue
        for pattern in _SNIPPET_DEF:
            m = pattern.match(text)
            if m:
                name = next(g for g in m.groups() if g)
                if name in _NOT_METHODS:
                    return None
                handler = pattern is _SNIPPET_DEF[4]
                if handler:
                    return Sym(name, f"{name} handler", handler=True)
                return Sym(name, name)
        return None
    return None


def refs_from_text(
    lines: Sequence[str],
    prose: Sequence[bool] | None = None,
    fences: Iterable = (),
) -> list[CodeRef]:
    """References in ``lines``: prose lines (``prose[i]`` true) and fences (objects with ``.info``, ``.start``,
    ``.end``; the body is read from ``lines``).  Sorted by line then column."""
    out: list[CodeRef] = []
    n = len(lines)
    for i, line in enumerate(lines):
        if prose is not None and not (i < len(prose) and prose[i]):
            continue
        if ":" not in line and "." not in line:
            continue
        if line.lstrip().startswith("|"):
            out.extend(_refs_in_table_row(i + 1, line))
        else:
            out.extend(_refs_in_prose_line(i + 1, line))
    for f in fences:
        body_first, body_last = f.start + 1, min(f.end - (1 if getattr(f, "closed", True) else 0), n)
        body = [lines[j - 1] for j in range(body_first, body_last + 1)]
        info = (f.info or "").strip()
        m = _FENCE_INFO_RE.match(info)
        if m:
            line = lines[f.start - 1]
            col = line.find(info)
            sym = _snippet_symbol(body)
            out.append(CodeRef(
                f.start, m.group("path"), int(m.group("start")), int(m.group("end")),
                (sym,) if sym else (), "fence-info",
                col + m.start("start") if col >= 0 else -1, col + m.start("end") if col >= 0 else -1,
            ))
        for j, text in enumerate(body):
            if not _COMMENT_LINE.match(text):
                continue
            for rm in _REF_RE.finditer(text):
                if rm.group("start") is None:
                    continue
                sym = _snippet_symbol(body[j + 1:])
                out.append(_ref_from_match(body_first + j, rm, 0, (sym,) if sym else (), "fence-comment"))
    out.sort(key=lambda r: (r.line, r.start_col))
    return out


def find_code_refs(doc) -> list[CodeRef]:
    """References in a ``mkdocs_reassign.scan.ScannedDoc`` (or any object with ``lines``, ``prose``, ``fences``).

    Front matter lines are skipped."""
    prose = list(doc.prose)
    for i in range(min(getattr(doc, "fm_end", 0), len(prose))):
        prose[i] = False
    return refs_from_text(doc.lines, prose, doc.fences)
