"""Check code references against the source: a pure function of references, index and symbols.

``classify`` gives one ``Verdict`` per reference; ``check_code_refs`` turns the
bad ones into ``CodeRefProblem``s (rule ``code-ref``).

Statuses (``Verdict.status``):

* ``path-missing`` / ``path-ambiguous`` (candidates listed) / ``past-end`` /
  ``bad-range`` (start 0, or end before start): problems;
* ``no-symbol``: path and range fine, nothing beside the reference to check;
* ``anchored``: a cited symbol is defined within ``tolerance`` (3) lines of the
  cited start;
* ``callsite``: the symbol is used in the cited range outside its own
  definition (the doc cites a call site, or code that uses it): left alone;
* ``container``: the cited range holds the whole definition and more (a block
  of constants, a type with its fields): left alone;
* ``moved``: the symbol is defined in the file, elsewhere than cited, and the
  range does not use it: a problem, with the new start (the definition's line)
  and end (shifted by the same offset);
* ``undefined``: no cited symbol is defined in the file nor appears in the range:
  a problem;
* ``unparsed``: the file's language is not one we parse (symbols not checked).
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Iterable

from .refs import CodeRef, Sym
from .symbols import INSTALL_HINT, MAX_SOURCE_BYTES, CodeParserMissing, Definition, FileSymbols, SymbolTable
from .tree import SourceIndex
from ..startup import dataclass

__all__ = ["Verdict", "CodeRefProblem", "classify", "check_code_refs", "RULE"]

RULE = "code-ref"
TOLERANCE = 3
PROBLEM_STATUSES = frozenset({"path-missing", "path-ambiguous", "past-end", "bad-range", "moved", "undefined",
                              "parser-missing"})


@dataclass(frozen=True, slots=True)
class Verdict:
    ref: CodeRef
    status: str
    path: str | None = None  # resolved path, relative to source_root
    candidates: tuple[str, ...] = ()  # path-ambiguous: every match
    symbol: Sym | None = None  # the symbol the verdict is about
    definition: Definition | None = None  # anchored / moved: the definition
    offset: int = 0  # moved: definition line - cited start
    line_count: int = 0  # lines in the resolved file
    note: str = ""


@dataclass(frozen=True, slots=True)
class CodeRefProblem:
    """A problem of rule ``code-ref`` at one doc line."""

    line: int  # 1-based doc line
    kind: str  # path-missing | path-ambiguous | past-end | bad-range | undefined | moved | parser-missing
    message: str
    hint: str
    ref: CodeRef
    path: str | None = None  # resolved path (relative to source_root)
    candidates: tuple[str, ...] = ()
    symbol: str | None = None  # the symbol as the doc writes it
    new_start: int | None = None  # moved: where the reference should now start
    new_end: int | None = None  # moved: where it should now end (None for single lines)
    rule: str = field(default=RULE)


def _occurs(name: str) -> re.Pattern:
    return re.compile(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])")


def _symbol_verdict(ref: CodeRef, sym: Sym, fs: FileSymbols, path: str, tolerance: int) -> Verdict:
    assert ref.start is not None
    s = ref.start
    e = ref.last
    defs = fs.named(sym.name, sym.handler)
    for d in defs:
        if abs(d.line - s) <= tolerance or abs(d.start - s) <= tolerance:
            return Verdict(ref, "anchored", path, symbol=sym, definition=d, line_count=fs.line_count)
    if defs and ref.where.startswith("fence"):
        # the snippet's first code line defines the symbol: the citation means the definition
        d = min(defs, key=lambda d: (abs(d.line - s), d.line))
        return Verdict(ref, "moved", path, symbol=sym, definition=d, offset=d.line - s, line_count=fs.line_count)
    rx = _occurs(sym.name)
    occ = [ln for ln in range(s, min(e, fs.line_count) + 1) if rx.search(fs.lines[ln - 1])]
    uses = [ln for ln in occ if not any(d.start <= ln <= d.end for d in defs)]
    if uses:
        return Verdict(ref, "callsite", path, symbol=sym, line_count=fs.line_count,
                       note=f"used at line {uses[0]}")
    if not defs:
        return Verdict(ref, "undefined", path, symbol=sym, line_count=fs.line_count)
    if occ and any(s <= d.start and d.end <= e and (e - s) > (d.end - d.start) + tolerance for d in defs):
        return Verdict(ref, "container", path, symbol=sym, line_count=fs.line_count)
    d = min(defs, key=lambda d: (abs(d.line - s), d.line))
    return Verdict(ref, "moved", path, symbol=sym, definition=d, offset=d.line - s, line_count=fs.line_count)


_RANK = {"anchored": 0, "callsite": 1, "container": 2, "moved": 3, "undefined": 4}


def classify(ref: CodeRef, index: SourceIndex, symbols: SymbolTable | None = None,
             tolerance: int = TOLERANCE) -> Verdict:
    """The verdict on one reference.  Raises ``CodeParserMissing`` when a symbol needs tree-sitter and it is
    not installed (``check_code_refs`` turns that into one problem)."""
    found = index.resolve(ref.path)
    if not found:
        return Verdict(ref, "path-missing")
    symbols = symbols if symbols is not None else SymbolTable()
    if len(found) > 1:
        note = ""
        if ref.symbols and len(found) <= 5:  # say which candidate defines the symbol, when tree-sitter is there
            try:
                defining = [c for c in found
                            if any(symbols.for_file(index.abspath(c)).named(s.name, s.handler) for s in ref.symbols)]
            except (CodeParserMissing, OSError):
                defining = []
            if len(defining) == 1:
                note = f"only {defining[0]} defines {ref.symbols[0].label}"
        return Verdict(ref, "path-ambiguous", candidates=found, note=note)
    path = found[0]
    if ref.start is not None and (ref.start < 1 or (ref.end is not None and ref.end < ref.start)):
        return Verdict(ref, "bad-range", path)
    if ref.start is None and not ref.symbols:
        return Verdict(ref, "no-symbol", path)
    try:
        fs = symbols.for_file(index.abspath(path))
    except OSError as e:  # there, but not read: over the size limit, not a regular file, no permission
        return Verdict(ref, "path-missing", path, note=getattr(e, "message", None) or e.strerror or str(e))
    n = fs.line_count
    if ref.start is not None and (ref.last or 0) > n:
        return Verdict(ref, "past-end", path, line_count=n)
    if not ref.symbols:
        return Verdict(ref, "no-symbol", path, line_count=n)
    if fs.language is None:
        return Verdict(ref, "unparsed", path, line_count=n)
    if ref.start is None:  # a bare path beside a symbol: defined here, or at least used here
        for sym in ref.symbols:
            if fs.named(sym.name, sym.handler):
                return Verdict(ref, "anchored", path, symbol=sym, definition=fs.named(sym.name, sym.handler)[0],
                               line_count=n)
        rxs = [(_occurs(sym.name), sym) for sym in ref.symbols]
        for rx, sym in rxs:
            if any(rx.search(t) for t in fs.lines):
                return Verdict(ref, "callsite", path, symbol=sym, line_count=n)
        return Verdict(ref, "undefined", path, symbol=ref.symbols[0], line_count=n)
    verdicts = [_symbol_verdict(ref, sym, fs, path, tolerance) for sym in ref.symbols]
    return min(verdicts, key=lambda v: _RANK[v.status])  # stable: the nearest symbol wins ties


def _problem(v: Verdict, root_note: str = "") -> CodeRefProblem | None:
    ref = v.ref
    cited = ref.cited()
    if v.status == "path-missing":
        if v.path is not None:  # found, but it could not be read
            return CodeRefProblem(ref.line, v.status, f"code reference {cited}: {v.path} cannot be read ({v.note})",
                                  f"cite a readable source file (one over {MAX_SOURCE_BYTES // 2**20} MB is not read), "
                                  "or remove the reference", ref, path=v.path)
        return CodeRefProblem(ref.line, v.status, f"code reference {cited}: no such file under source_root",
                              "fix the path, or remove the reference if the code is gone", ref)
    if v.status == "path-ambiguous":
        cands = ", ".join(v.candidates)
        return CodeRefProblem(ref.line, v.status,
                              f"code reference {cited}: {ref.path} matches {len(v.candidates)} files: {cands}",
                              "write enough of the path to name one file" + (f"; {v.note}" if v.note else ""),
                              ref, candidates=v.candidates)
    if v.status == "past-end":
        return CodeRefProblem(ref.line, v.status,
                              f"code reference {cited}: {v.path} has only {v.line_count} lines",
                              "the code moved or was removed: cite the current lines", ref, path=v.path)
    if v.status == "bad-range":
        return CodeRefProblem(ref.line, v.status, f"code reference {cited}: not a valid line range",
                              "write start-end with start >= 1 and end >= start", ref, path=v.path)
    if v.status == "undefined":
        sym = v.symbol
        assert sym is not None
        if ref.start is None:
            where = "the file does not use it either"
        elif ref.last != ref.start:
            where = f"lines {ref.start}-{ref.last} do not use it"
        else:
            where = f"line {ref.start} does not use it"
        return CodeRefProblem(ref.line, v.status, f"{sym.label} is not defined in {v.path}, and {where}",
                              "cite the file that defines it, or fix the name", ref, path=v.path,
                              symbol=sym.label)
    if v.status == "moved":
        sym, d = v.symbol, v.definition
        assert sym is not None and d is not None and ref.start is not None
        off = v.offset
        new_end = ref.end + off if ref.end is not None else None
        span = f"{ref.start}-{ref.end}" if ref.end is not None else f"{ref.start}"
        direction = "down" if off > 0 else "up"
        msg = (f"{sym.label} is defined at {v.path}:{d.line}, cited {span}: "
               f"the code moved {abs(off)} line{'s' if abs(off) != 1 else ''} {direction}")
        new = f"{d.line}-{new_end}" if new_end is not None else f"{d.line}"
        return CodeRefProblem(ref.line, v.status, msg, f"cite {new}; `fix --code-refs` rewrites it", ref,
                              path=v.path, symbol=sym.label, new_start=d.line, new_end=new_end)
    return None


def check_code_refs(refs: Iterable[CodeRef], index: SourceIndex, symbols: SymbolTable | None = None,
                    tolerance: int = TOLERANCE) -> list[CodeRefProblem]:
    """Problems of rule ``code-ref`` for ``refs``, in doc order.

    When tree-sitter is missing, the path and range checks still run and one
    ``parser-missing`` problem (at the first reference with a symbol) says how to install it."""
    symbols = symbols if symbols is not None else SymbolTable()
    out: list[CodeRefProblem] = []
    missing: CodeParserMissing | None = None
    for ref in refs:
        try:
            v = classify(ref, index, symbols, tolerance)
        except CodeParserMissing as e:
            if missing is None:
                missing = e
                out.append(CodeRefProblem(ref.line, "parser-missing", str(e),
                                          f"symbols beside code references are checked with tree-sitter: "
                                          f"{INSTALL_HINT}", ref))
            v = classify(_without_symbols(ref), index, symbols, tolerance)
        p = _problem(v)
        if p is not None:
            out.append(p)
    return out


def _without_symbols(ref: CodeRef) -> CodeRef:
    from dataclasses import replace

    return replace(ref, symbols=())
