"""Definitions in source files, from tree-sitter parse trees.

Why tree-sitter: its Python binding and the TypeScript/TSX, JavaScript and
Python grammars ship as binary wheels on PyPI (``pip install
"mkdocs-reassign[code]"``), so users need no system package (universal-ctags
would be an apt/brew install) and no compiler; it parses real-world TS/TSX
error-tolerantly and gives exact line spans, which hand regexes do not.

tree-sitter is imported lazily, on the first file that needs parsing; when it
is missing ``CodeParserMissing`` says how to install it.  Only files a doc
cites are parsed, and results are cached by content hash (sha1 of the bytes),
so an unchanged file is parsed once per process however often it is cited.

Definitions found (``Definition.kind``):

* TypeScript/TSX/JavaScript: ``function`` (declarations, also generators),
  ``class``, ``method`` (class and object-literal methods, arrow functions or
  function expressions in object-literal pairs or assigned to ``a.b =``),
  ``interface``, ``type``, ``enum``, ``variable`` (every ``const``/``let``/``var``
  declarator with a plain name, module level or nested: constants, arrow
  functions, ``useCallback`` handlers), ``property`` (class fields, interface and
  type-literal members, enum members, CONSTANT_CASE keys of object literals) and
  ``handler`` (``x.on("event", fn)`` / ``x.on(EVENTS.NAME, fn)``: named by the
  event, as docs write "the ``heartbeat`` handler");
* Python: ``function``/``method`` (``def``), ``class``, ``variable`` (module and
  class level assignments).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from ..safefs import read_regular, stat_key
from ..startup import dataclass, rx

__all__ = ["Definition", "FileSymbols", "SymbolTable", "CodeParserMissing", "INSTALL_HINT", "language_for"]

INSTALL_HINT = 'pip install "mkdocs-reassign[code]"'

_LANG_BY_EXT = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".py": "python", ".pyi": "python",
}


class CodeParserMissing(RuntimeError):
    """tree-sitter or a grammar is not installed."""

    def __init__(self, missing: str):
        super().__init__(
            f"cannot check code symbols: the parser package {missing!r} is not installed; "
            f"install it with: {INSTALL_HINT}")
        self.missing = missing


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    kind: str  # function, method, class, interface, type, enum, variable, property, handler
    line: int  # 1-based line of the name
    start: int  # first line of the definition (export keyword / decorators included)
    end: int  # last line of the definition
    container: str = ""  # enclosing class / object / function name, if any


class FileSymbols:
    """One file's text lines and (parsed on first use) its definitions."""

    __slots__ = ("language", "lines", "_data", "_defs", "_by_name")

    def __init__(self, language: str | None, data: bytes):
        self.language = language  # None: not a language we parse (no definitions)
        text = data.decode("utf-8", errors="replace")
        lines = text.split("\n")
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()
        self.lines = lines
        self._data = data
        self._defs: list[Definition] | None = None
        self._by_name: dict[str, list[Definition]] = {}

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def definitions(self) -> list[Definition]:
        """Every definition, by line (parses on first use: may raise ``CodeParserMissing``)."""
        if self._defs is None:
            defs = _definitions(self._data, self.language) if self.language else []
            by_name: dict[str, list[Definition]] = {}
            for d in defs:
                by_name.setdefault(d.name, []).append(d)
            self._by_name = by_name
            self._defs = defs
        return self._defs

    @property
    def by_name(self) -> dict[str, list[Definition]]:
        self.definitions
        return self._by_name

    def named(self, name: str, handler: bool = False) -> list[Definition]:
        """Definitions of ``name``: event handlers when ``handler``, others otherwise (either if only one kind)."""
        defs = self.by_name.get(name, [])
        if handler:
            return [d for d in defs if d.kind == "handler"] or defs
        return [d for d in defs if d.kind != "handler"] or defs


_BY_HASH: dict[tuple[str, str], list[Definition]] = {}


def _definitions(data: bytes, language: str) -> list[Definition]:
    """Definitions in ``data``, cached by (language, sha1 of the bytes) for the life of the process."""
    h = (language, hashlib.sha1(data).hexdigest())
    defs = _BY_HASH.get(h)
    if defs is None:
        tree = _parser(language).parse(data)
        defs = _python_defs(tree.root_node) if language == "python" else _js_defs(tree.root_node)
        defs.sort(key=lambda d: (d.line, d.name))
        _BY_HASH[h] = defs
    return defs


def language_for(path: str | Path) -> str | None:
    return _LANG_BY_EXT.get(Path(path).suffix.lower())


_PARSERS: dict[str, object] = {}
_PARSERS_LOCK = threading.Lock()


def _parser(language: str):
    p = _PARSERS.get(language)
    if p is not None:
        return p
    with _PARSERS_LOCK:
        if language in _PARSERS:
            return _PARSERS[language]
        try:
            from tree_sitter import Language, Parser
        except ImportError as e:
            raise CodeParserMissing("tree-sitter") from e
        try:
            if language in ("typescript", "tsx"):
                import tree_sitter_typescript as mod

                capsule = mod.language_typescript() if language == "typescript" else mod.language_tsx()
            elif language == "javascript":
                import tree_sitter_javascript as mod

                capsule = mod.language()
            else:
                import tree_sitter_python as mod

                capsule = mod.language()
        except ImportError as e:
            raise CodeParserMissing(f"tree-sitter-{'typescript' if language == 'tsx' else language}") from e
        p = Parser(Language(capsule))
        _PARSERS[language] = p
        return p


MAX_SOURCE_BYTES = 32 * 1024 * 1024  # a cited source file larger than this is not read (an OSError for the caller)


class SymbolTable:
    """Files read for checking, by path (re-read when mtime or size change); definitions are cached by
    content hash across every table in the process."""

    def __init__(self) -> None:
        self._by_path: dict[str, tuple[tuple[int, int], FileSymbols]] = {}

    def for_file(self, path: str | Path) -> FileSymbols:
        """The file's lines and (lazily) definitions; raises OSError when unreadable."""
        p = Path(path)
        st = p.stat()
        key = str(p)
        stamp = stat_key(st)
        hit = self._by_path.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        fs = FileSymbols(language_for(p), read_regular(key, MAX_SOURCE_BYTES))  # never a FIFO, device or /proc file
        self._by_path[key] = (stamp, fs)
        return fs

    @staticmethod
    def for_bytes(data: bytes, language: str | None) -> FileSymbols:
        return FileSymbols(language, data)


# --- TypeScript / TSX / JavaScript -----------------------------------------------------------------

_FUNC_VALUES = frozenset({
    "arrow_function", "function_expression", "function", "generator_function", "class",
})
_NAMED_DECLS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "interface_declaration": "interface",
    "type_alias_declaration": "type",
    "enum_declaration": "enum",
    "internal_module": "namespace",
    "module": "namespace",
}
_HANDLER_METHODS = frozenset({"on", "once", "addEventListener", "addListener", "prependListener"})
_CONST_KEY = rx(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace")


def _outer(node):
    """The node whose span a definition covers: the export statement / declaration around it."""
    p = node.parent
    while p is not None and p.type in ("export_statement", "lexical_declaration", "variable_declaration",
                                       "ambient_declaration", "decorated_definition"):
        node, p = p, p.parent
    return node


def _def(name: str, kind: str, name_node, span_node, container: str) -> Definition:
    return Definition(name, kind, name_node.start_point[0] + 1, span_node.start_point[0] + 1,
                      span_node.end_point[0] + 1, container)


def _is_function_value(value) -> bool:
    if value is None:
        return False
    if value.type in _FUNC_VALUES:
        return True
    while value.type in ("parenthesized_expression", "as_expression", "satisfies_expression", "await_expression"):
        value = value.named_children[0] if value.named_children else None
        if value is None:
            return False
        if value.type in _FUNC_VALUES:
            return True
    if value.type == "call_expression":  # useCallback(async () => ..., []), memo(function X() {...})
        args = value.child_by_field_name("arguments")
        return args is not None and any(a.type in _FUNC_VALUES for a in args.named_children)
    return False


def _js_defs(root) -> list[Definition]:
    out: list[Definition] = []
    # iterative walk: (node, container name)
    stack = [(root, "")]
    while stack:
        node, container = stack.pop()
        t = node.type
        inner = container
        kind = _NAMED_DECLS.get(t)
        if kind is not None:
            name = node.child_by_field_name("name")
            if name is not None:
                out.append(_def(_text(name), kind, name, _outer(node), container))
                inner = _text(name)
        elif t in ("method_definition", "method_signature", "abstract_method_signature"):
            name = node.child_by_field_name("name")
            if name is not None:
                out.append(_def(_text(name).strip("\"'"), "method", name, node, container))
                inner = _text(name)
        elif t == "variable_declarator":
            name = node.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                out.append(_def(_text(name), "variable", name, _outer(node), container))
                if _is_function_value(node.child_by_field_name("value")):
                    inner = _text(name)
        elif t in ("public_field_definition", "property_signature"):
            name = node.child_by_field_name("name")
            if name is not None:
                value = node.child_by_field_name("value")
                kind = "method" if _is_function_value(value) else "property"
                out.append(_def(_text(name).strip("\"'"), kind, name, node, container))
        elif t == "pair":
            key = node.child_by_field_name("key")
            if key is not None and key.type in ("property_identifier", "string", "identifier"):
                k = _text(key).strip("\"'`")
                value = node.child_by_field_name("value")
                if _is_function_value(value):
                    out.append(_def(k, "method", key, node, container))
                    inner = k
                elif _CONST_KEY.match(k):
                    out.append(_def(k, "property", key, node, container))
        elif t == "enum_body":
            for m in node.named_children:
                nm = m.child_by_field_name("name") if m.type == "enum_assignment" else m
                if nm is not None and nm.type in ("property_identifier", "string"):
                    out.append(_def(_text(nm).strip("\"'"), "property", nm, m, container))
        elif t == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.type == "member_expression" and _is_function_value(right):
                prop = left.child_by_field_name("property")
                if prop is not None:
                    out.append(_def(_text(prop), "method", prop, node.parent or node, container))
        elif t == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                args = node.child_by_field_name("arguments")
                if prop is not None and _text(prop) in _HANDLER_METHODS and args is not None and args.named_children:
                    ev = args.named_children[0]
                    while ev.type in ("as_expression", "satisfies_expression", "parenthesized_expression") \
                            and ev.named_children:
                        ev = ev.named_children[0]
                    name = None
                    if ev.type in ("string", "template_string"):
                        name = _text(ev)[1:-1]
                    elif ev.type == "member_expression":
                        p = ev.child_by_field_name("property")
                        name = _text(p) if p is not None else None
                    elif ev.type == "identifier":
                        name = _text(ev)
                    if name:
                        span = node.parent if node.parent is not None and node.parent.type == "expression_statement" \
                            else node
                        out.append(_def(name, "handler", ev, span, container))
        for child in reversed(node.named_children):
            stack.append((child, inner))
    return out


# --- Python ----------------------------------------------------------------------------------------

def _python_defs(root) -> list[Definition]:
    out: list[Definition] = []
    stack = [(root, "", "module")]
    while stack:
        node, container, scope = stack.pop()
        t = node.type
        if t in ("function_definition", "class_definition"):
            name = node.child_by_field_name("name")
            if name is not None:
                kind = "class" if t == "class_definition" else ("method" if scope == "class" else "function")
                span = node.parent if node.parent is not None and node.parent.type == "decorated_definition" else node
                out.append(_def(_text(name), kind, name, span, container))
                body = node.child_by_field_name("body")
                if body is not None:
                    stack.append((body, _text(name), "class" if t == "class_definition" else "function"))
            continue
        if t == "expression_statement" and scope in ("module", "class"):
            for a in node.named_children:
                if a.type == "assignment":
                    left = a.child_by_field_name("left")
                    if left is not None and left.type == "identifier":
                        out.append(_def(_text(left), "variable", left, node, container))
        for child in reversed(node.named_children):
            stack.append((child, container, scope))
    return out
