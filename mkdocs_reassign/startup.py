"""What every start of the package would compile, compiled once ahead.

Importing the plugin defines some 40 record classes and compiles some 140 regular expressions. Both are compiled
in pure Python at every start: ``dataclasses`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` as text
and compiles it (0.7 ms a class), and ``re`` parses each pattern and generates its program (0.2 ms a pattern,
4 ms for a Unicode class). Together about 50 ms of a build's start, 2 % of a 70-doc build. So:

* :func:`dataclass` is ``dataclasses.dataclass``, with one difference: while it runs, the text dataclasses
  compiles is looked up in the table's functions (the text's BLAKE2 digest -> the code Python compiled from
  that very text) and only compiled when it is not there. The key stands for the whole text, so a table from
  older classes is simply not used: the result is the same code either way.
* :func:`rx` is ``re.compile``, with the program taken from the table's patterns when the table was made by
  this very Python (version, ``_sre.MAGIC`` and byte order); else ``re.compile``.

The table is ``startup.marshal``: the bytecode magic number of the Python that made it, then its data in
``marshal``'s format. Another bytecode version does not read it at all. (Not a module: Python compiles a module
when no bytecode of it is cached, as under PYTHONDONTWRITEBYTECODE, and compiling 370 KB of table would cost
more than it saves.) ``python -m mkdocs_reassign.startup`` writes it (tests/test_startup.py fails until it is
current).
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import marshal
import os
import re
import sys
import types
from importlib.util import MAGIC_NUMBER

import _sre

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "startup.marshal")
PYTHON = (tuple(sys.version_info[:3]), _sre.MAGIC, sys.byteorder)  # what a table's patterns are only good for


def read_table(path: str = TABLE) -> tuple | None:
    """(python, functions, patterns) from a table file, or None when there is none for this bytecode version."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if data[: len(MAGIC_NUMBER)] != MAGIC_NUMBER:
        return None
    try:
        python, functions, patterns = marshal.loads(data[len(MAGIC_NUMBER):])
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(functions, dict) and isinstance(patterns, dict)
            and all(type(k) is bytes and type(v) is types.CodeType for k, v in functions.items())
            and all(type(k) is tuple and type(v) is tuple and len(v) == 5 and type(v[1]) is bytes for k, v in patterns.items())):
        return None  # (not a table this module wrote)
    return python, functions, patterns


def use_table(table: tuple | None) -> None:
    """Take functions from ``table`` always, patterns only when this very Python made it."""
    global _FUNCTIONS, _PATTERNS
    python, functions, patterns = table or ((), {}, {})
    _FUNCTIONS = functions
    _PATTERNS = patterns if python == PYTHON else {}


_FUNCTIONS: dict = {}
_PATTERNS: dict = {}
use_table(read_table())

_MADE: dict = {}  # (pattern, flags) -> the pattern made from the table (as re's cache: one object for both)
RECORDED: list | None = None  # the generator sets a list: texts and patterns compiled for want of the table


def forget_functions() -> None:
    """Let the table's functions go (the plugin calls it after its first check: every record class is defined
    by then, and the code of the few hundred methods is some 400 KB of a build's peak memory). A class defined
    later compiles its methods as dataclasses does."""
    global _FUNCTIONS
    _FUNCTIONS = {}


def _exec(source, globals=None, locals=None, /):
    """``exec`` as dataclasses calls it (``exec(txt, globals, ns)``, txt defining ``__create_fn__``)."""
    code = _FUNCTIONS.get(_digest(source)) if type(source) is str and globals is not None and locals is not None else None
    if code is None:
        if RECORDED is not None and type(source) is str:
            RECORDED.append(("fn", source))
        return builtins.exec(source, globals, locals)
    if "__builtins__" not in globals:  # (what exec does to the globals it is given)
        globals["__builtins__"] = builtins
    locals["__create_fn__"] = types.FunctionType(code, globals, "__create_fn__")
    return None


def _with_table(make, *args, **kwargs):
    """``make(*args, **kwargs)`` (a function of dataclasses), its exec of generated methods looking in the table."""
    had = "exec" in vars(dataclasses)
    dataclasses.exec = _exec  # (a module global: dataclasses' own calls of exec find it before the builtin)
    try:
        return make(*args, **kwargs)
    finally:
        if not had:
            del dataclasses.exec


def _digest(text: str) -> bytes:
    """A function text's key in the table (the texts themselves would be 80 KB of every build's memory)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def dataclass(cls=None, /, **kwargs):
    """``dataclasses.dataclass``, its generated methods' code taken from the table (see the module's text)."""

    def wrap(c):
        return _with_table(dataclasses.dataclass, c, **kwargs)

    return wrap if cls is None else wrap(cls)


def make_dataclass(*args, **kwargs):
    """``dataclasses.make_dataclass``, as :func:`dataclass`."""
    return _with_table(dataclasses.make_dataclass, *args, **kwargs)


def rx(pattern, flags=0) -> re.Pattern:
    """``re.compile``, the program taken from the table when it was made by this Python."""
    key = (pattern, int(flags))
    made = _MADE.get(key)
    if made is not None:
        return made
    args = _PATTERNS.pop(key, None)  # (what is made is kept in _MADE: the table's copy is let go)
    if args is None:
        if RECORDED is not None:
            RECORDED.append(("rx", key))
        return re.compile(pattern, flags)  # (re keeps it in its own cache)
    all_flags, code, groups, groupindex, indexgroup = args
    made = _MADE[key] = _sre.compile(pattern, all_flags, memoryview(code).cast("I").tolist(), groups, groupindex, indexgroup)
    return made


def program(pattern, flags: int) -> tuple:
    """What ``re``'s compiler passes ``_sre.compile`` after the pattern: (flags, code, groups, groupindex,
    indexgroup), the code as the bytes of its 32-bit words (a third of the memory of a tuple of ints). The table
    holds these."""
    from array import array
    from re import _compiler, _parser

    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    assert _sre.CODESIZE == array("I").itemsize == 4
    return (flags | p.state.flags, array("I", code).tobytes(), p.state.groups - 1, groupindex, tuple(indexgroup))


def modules() -> list[str]:
    """Every module of the package (what the table covers)."""
    root = os.path.dirname(os.path.abspath(__file__))
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        for name in sorted(files):
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, name), root)[:-3].replace(os.sep, ".")
                mod = "mkdocs_reassign" + ("" if rel == "__init__" else "." + rel.removesuffix(".__init__"))
                out.append(mod)
    return out


def record(empty: bool = True) -> tuple[list[str], list[tuple]]:
    """Import every module of the package in this (fresh) process, check a default site, and return the function
    texts and the patterns compiled for want of the table: with ``empty`` (the table set aside), all of them;
    else the ones the table lacks."""
    global RECORDED, _FUNCTIONS, _PATTERNS
    import importlib

    RECORDED = []
    if empty:
        _FUNCTIONS, _PATTERNS = {}, {}
    try:
        for name in modules():
            if name != __name__:
                try:
                    importlib.import_module(name)
                except ImportError as err:  # an optional dependency missing here: that module's part is left out
                    print(f"startup: {name} not imported ({err}); its part of the table is left out", file=sys.stderr)
        _check_a_default_site()  # the patterns made from the default options (feature IDs, finding types)
        texts = list(dict.fromkeys(s for kind, s in RECORDED if kind == "fn"))
        patterns = list(dict.fromkeys(s for kind, s in RECORDED if kind == "rx"))
    finally:
        RECORDED = None
    return texts, patterns


def _check_a_default_site() -> None:
    """Run ``mkdocs-reassign check`` on a small site with the default options (a feature doc and a session), so the
    patterns made from options at run time are compiled once here."""
    import contextlib
    import io
    import tempfile

    from . import cli

    with tempfile.TemporaryDirectory() as root:
        files = {
            "mkdocs.yml": "site_name: startup\nplugins:\n  - reassign\n",
            "docs/index.md": "# Home\n",
            "docs/features/platform/visitor-reassignment.md": "# P4 Visitor Reassignment\n\nSee [P2](p2.md) and A3.\n",
            "docs/findings/session-2026-01-01.md": "# Session 2026-01-01\n\n## NEEDS YOUR ATTENTION\n\n"
                                                   "| ID | Finding |\n|---|---|\n| BUG-P4-001 | x |\n\n"
                                                   "### BUG-P4-001: x\n\n**Status:** open\n",
        }
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            cli.main(["check", "-q", "-f", os.path.join(root, "mkdocs.yml")])


def table_bytes(texts: list[str], patterns: list[tuple]) -> bytes:
    """The table file for these function texts and patterns."""
    functions = {}
    for txt in texts:
        # as dataclasses compiles it: "<string>", no __future__ flags of this module
        module = compile(txt, "<string>", "exec", dont_inherit=True)
        functions[_digest(txt)] = next(c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == "__create_fn__")
    table = (PYTHON, functions, {key: program(*key) for key in patterns})
    return MAGIC_NUMBER + marshal.dumps(table)


def main() -> int:
    """Write the table (atomically) from a fresh import of every module."""
    import subprocess

    # a fresh interpreter: record() empties the table, so every text and pattern is compiled, and recorded
    code = "import sys, mkdocs_reassign.startup as s; t, p = s.record(); sys.stdout.buffer.write(s.table_bytes(t, p))"
    data = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True).stdout
    tmp = TABLE + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, TABLE)
    print(f"wrote {TABLE} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
