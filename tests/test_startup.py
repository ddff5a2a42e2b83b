"""mkdocs_reassign.startup: the record classes' generated methods and the module-level regular expressions come
from a table compiled ahead, and give exactly what compiling them at start gives."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import textwrap

import pytest

from mkdocs_reassign import startup


def _table():
    """(python, functions, patterns) as the file holds them (the imported ones let go of what was made). The table
    is made by one Python; under a Python of another bytecode version the package compiles as it always did, and
    these tests have nothing to look at."""
    table = startup.read_table()
    if table is None:
        pytest.skip(f"{startup.TABLE} is for another Python's bytecode (run python -m mkdocs_reassign.startup)")
    return table


def _same_python():
    """The table's patterns are used only on the Python that made them (version, _sre.MAGIC, byte order)."""
    python = _table()[0]
    if python != startup.PYTHON:
        pytest.skip(f"the table's patterns were made by Python {python[0]}, this is {startup.PYTHON[0]}")


def _fresh(code: str) -> str:
    """Run ``code`` in a fresh interpreter (the package imported from scratch); its standard output."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_table_is_current():
    """Importing every module of the package, and checking a site with the default options, compiles nothing the
    table lacks (after changing a record class or a pattern, run `python -m mkdocs_reassign.startup`). On the
    Python that made the table (this project's CI and benchmarks): a miss here is compiled at every start."""
    _same_python()
    missed = _fresh("import mkdocs_reassign.startup as s; t, p = s.record(empty=False); print(len(t) + len(p)); print(t[:1], p[:3])")
    assert missed.splitlines()[0] == "0", missed


def test_every_pattern_in_the_table_is_what_re_compiles_it_to():
    """An entry is the compiler's own output for its pattern and flags (so a pattern from the table matches as the
    pattern compiled at start does); and the objects behave the same on a sample."""
    _same_python()
    patterns = _table()[2]
    assert len(patterns) > 100, "the table holds the module-level patterns"
    for (pattern, flags), args in patterns.items():
        assert startup.program(pattern, flags) == args, pattern
    from mkdocs_reassign.text import words

    fresh = re.compile(words._RUN.pattern, words._RUN.flags)
    assert fresh.flags == words._RUN.flags and fresh.groups == words._RUN.groups
    sample = "naïve café WebRTC 30s l’agent 東京 x\u0301y"
    assert [m.span() for m in words._RUN.finditer(sample)] == [m.span() for m in fresh.finditer(sample)]


def test_every_function_in_the_table_is_the_code_of_its_text():
    """An entry is the code Python compiles from the very text dataclasses would compile."""
    functions = _table()[1]
    assert len(functions) > 100, "the table holds the record classes' methods"
    texts = _fresh("import mkdocs_reassign.startup as s; print(repr(s.record()[0]))")
    by_digest = {startup._digest(t): t for t in eval(texts)}
    assert set(by_digest) == set(functions)
    for digest, code in functions.items():
        text = by_digest[digest]
        ns = {}
        exec(compile(text, "<string>", "exec", dont_inherit=True), {}, ns)  # (as dataclasses: no future flags)
        fresh = ns["__create_fn__"].__code__
        assert (fresh.co_code, fresh.co_varnames, fresh.co_names) == (code.co_code, code.co_varnames, code.co_names)
        inner = [c for c in fresh.co_consts if hasattr(c, "co_code")]
        stored = [c for c in code.co_consts if hasattr(c, "co_code")]
        assert [(c.co_code, c.co_names, c.co_varnames) for c in inner] == [(c.co_code, c.co_names, c.co_varnames) for c in stored]


def test_a_record_class_from_the_table_is_the_dataclass():
    """A class made with startup.dataclass has the dataclass's fields, defaults, equality, repr and frozenness."""
    from mkdocs_reassign.model.diagnostics import Diagnostic
    from mkdocs_reassign.text.units import Unit

    assert [f.name for f in dataclasses.fields(Diagnostic)][:4] == ["path", "line", "rule", "message"]
    d = Diagnostic("a.md", 3, "rule-x", "msg")
    assert d == Diagnostic("a.md", 3, "rule-x", "msg") and d != Diagnostic("a.md", 4, "rule-x", "msg")
    assert repr(d).startswith("Diagnostic(path='a.md', line=3, rule='rule-x', message='msg'")
    assert dataclasses.is_dataclass(Unit) and Unit.__dataclass_params__.frozen
    field = dataclasses.fields(Unit)[0].name
    unit = Unit(*[None] * len(dataclasses.fields(Unit)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(unit, field, 1)


def test_a_class_or_pattern_the_table_lacks_is_compiled_as_usual():
    """Not in the table: dataclasses and re compile it; the table is not changed and dataclasses' module is left
    as it was (no ``exec`` of ours stays in it)."""
    n = len(startup._FUNCTIONS)

    @startup.dataclass(frozen=True)
    class Fresh:
        a: int
        b: str = "x"
        c: list = dataclasses.field(default_factory=list)

    assert Fresh(1) == Fresh(1, "x", []) and repr(Fresh(2)) == "test_a_class_or_pattern_the_table_lacks_is_compiled_as_usual.<locals>.Fresh(a=2, b='x', c=[])"
    assert len(startup._FUNCTIONS) == n and "exec" not in vars(dataclasses)
    p = startup.rx(r"(?P<w>zz[0-9]+)q", re.I)
    assert p.pattern == r"(?P<w>zz[0-9]+)q" and p.flags & re.I and p.match("ZZ12Q").group("w") == "ZZ12"


def test_a_table_from_another_python_gives_no_patterns(tmp_path):
    """The patterns' programs are those of one Python (their format changes between versions): made by another,
    none is used, every pattern is compiled by re. Function texts are keys themselves and stay usable. A file of
    another bytecode version, or a damaged one, is not read at all."""
    python, functions, patterns = _table()
    saved = startup._FUNCTIONS, startup._PATTERNS
    try:
        startup.use_table((((2, 7, 18),) + python[1:], functions, patterns))
        assert startup._PATTERNS == {} and startup._FUNCTIONS is functions
        made = startup.rx(r"(?P<w>qq[0-9]+)", re.I)  # (not in any table)
        assert made.match("QQ7").group("w") == "QQ7"
    finally:
        startup._FUNCTIONS, startup._PATTERNS = saved
    data = open(startup.TABLE, "rb").read()
    other = tmp_path / "other.marshal"
    other.write_bytes(b"\x00\x00\r\n" + data[4:])  # another magic number
    assert startup.read_table(str(other)) is None
    damaged = tmp_path / "damaged.marshal"
    damaged.write_bytes(data[:4] + data[4:200])
    assert startup.read_table(str(damaged)) is None
    assert startup.read_table(str(tmp_path / "missing.marshal")) is None
    import marshal

    wrong = tmp_path / "wrong.marshal"
    wrong.write_bytes(data[:4] + marshal.dumps((python, {b"k": "not code"}, {})))
    assert startup.read_table(str(wrong)) is None


def test_the_table_makes_the_import_compile_less():
    """Importing the plugin with the table compiles nothing of the package's own; without it, every record class's
    methods and every module-level pattern. Counted, not timed: the method texts given to exec and the patterns
    the package's modules give re's compiler while the plugin is imported."""
    _same_python()
    count = """
        import sys, builtins, re
        {prelude}
        import mkdocs.plugins, mkdocs.config.config_options, mkdocs.structure.files, markdown  # (their own patterns)
        n = {{"exec": 0, "re": 0}}
        real_exec, real_compile = builtins.exec, re._compiler.compile
        def counting_exec(source, *a):
            n["exec"] += isinstance(source, str) and source.startswith("def __create_fn__")
            return real_exec(source, *a)
        def counting_compile(*a):
            f = sys._getframe(1)
            for _ in range(4):
                f = f.f_back
                if f is None:
                    break
                if "mkdocs_reassign" in f.f_code.co_filename:
                    n["re"] += 1
                    break
            return real_compile(*a)
        builtins.exec, re._compiler.compile = counting_exec, counting_compile
        import mkdocs_reassign.plugin
        print(n["exec"], n["re"])
    """
    with_table = [int(x) for x in _fresh(count.format(prelude="")).split()]
    without = [int(x) for x in _fresh(count.format(prelude="import mkdocs_reassign.startup as s; s.use_table(None)")).split()]
    assert without[0] > 100 and without[1] > 100, without
    assert with_table == [0, 0], with_table


def test_a_build_lets_go_after_its_check_what_only_the_check_needs(tmp_path):
    """Every record class is defined before the plugin's first check: a build lets the table's functions go there
    (some 400 KB of its peak memory), and a class defined after that is made as dataclasses makes it. A one-shot
    build also empties the memos of stems and lets the contracts' matchable concepts go (serve keeps them for its
    re-checks)."""
    _same_python()
    out = _fresh(f"""
        import os, mkdocs_reassign.startup as s
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs_reassign.text.words import stem
        from mkdocs_reassign.text.concepts import phrase_stems
        os.makedirs({str(tmp_path / "docs" / "features" / "platform")!r})
        open({str(tmp_path / "docs" / "index.md")!r}, "w").write("# Home\\n")
        open({str(tmp_path / "docs" / "features" / "platform" / "visitor-reassignment.md")!r}, "w").write(
            "# Feature: Visitor Reassignment (P4)\\n\\nWhen the agent disconnects the visitor waits.\\n")
        open({str(tmp_path / "mkdocs.yml")!r}, "w").write("site_name: t\\nplugins:\\n  - reassign\\n")
        before = len(s._FUNCTIONS)
        cfg = load_config({str(tmp_path / "mkdocs.yml")!r}, site_dir={str(tmp_path / "site")!r})
        build(cfg)
        terms = [t for fd in cfg.plugins["reassign"].report.features.values() for r in fd.contract.requirements
                 for t in r.terms]
        print(len(terms) > 10, sum(t.concept is not None for t in terms))
        @s.dataclass(frozen=True)
        class Later:
            x: int
        print(before > 100, len(s._FUNCTIONS), Later(1) == Later(1), repr(Later(2)))
        print(stem.cache_info().currsize, phrase_stems.cache_info().currsize, stem("periods"))
    """)
    assert out.split() == ["True", "0", "True", "0", "True", "Later(x=2)", "0", "0", "period"], out
