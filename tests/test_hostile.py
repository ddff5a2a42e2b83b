"""Hostile inputs (the table in tests/hostile_cases.py): only diagnostics come out.

For every case:

(a) the core (``validate(walk_docs(...), Project(...))``) reports each expected diagnostic
    (rule, file, line, a fragment of the message) with a hint, raises nothing, takes
    under the case's time limit (2 s unless stated) and stays under its tracemalloc
    peak (64 MB unless stated; 200 MB for the 5 MB doc and the 100,000-row tables);
(b) the real CLI, ``mkdocs-reassign check --format json``, exits with the expected code,
    reports the same diagnostics and never prints a traceback;
(c) for the cases where MkDocs itself would die or where the plugin's own events
    matter, a real ``mkdocs build`` completes, logs ``path:line: ... rule:`` for each
    expected diagnostic, leaves unreadable files out of the site and writes nothing
    under docs_dir.

Run with ``-s`` to see each case's timings.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from hostile_cases import CASES, Case, Tree, Want, feature
from mkdocs_reassign.options import OptionError, validate
from mkdocs_reassign.cache import Cache
from mkdocs_reassign.engine import MARKDOWN_EXTENSIONS, Project, load_contracts_cached, walk_docs
from mkdocs_reassign.engine import validate as validate_tree

BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    e = dict(os.environ)
    e["NO_MKDOCS_2_WARNING"] = "1"
    e["PYTHONUNBUFFERED"] = "1"
    e["PATH"] = str(BIN) + os.pathsep + e.get("PATH", "")
    e.pop("PYTHONWARNINGS", None)
    return e


def _tool(name: str, module: str) -> list[str]:
    exe = BIN / name
    return [str(exe)] if exe.exists() else [sys.executable, "-m", module]


CLI = _tool("mkdocs-reassign", "mkdocs_reassign.cli")
MKDOCS = [sys.executable, "-m", "mkdocs"]
PROPERDOCS = _tool("properdocs", "properdocs")


def write_config(root: Path, c: Case) -> None:
    block = ""
    if c.options:
        dumped = yaml.safe_dump(c.options, default_flow_style=False, sort_keys=True)
        block = "".join("      " + ln + "\n" for ln in dumped.splitlines())
    block += c.raw_options
    plugin = "  - reassign:\n" + block if block else "  - reassign\n"
    ext = "markdown_extensions:\n" + "".join(f"  - {x}\n" for x in c.extensions) if c.extensions else ""
    (root / "mkdocs.yml").write_text(
        "site_name: hostile\ndocs_dir: docs\ntheme:\n  name: mkdocs\n" + ext + "plugins:\n" + plugin, encoding="utf-8"
    )


def plugin_options(root: Path) -> dict:
    data = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    entry = data["plugins"][0]
    return (entry.get("reassign") or {}) if isinstance(entry, dict) else {}


def tree_digest(folder: Path) -> dict[str, str]:
    """Every entry under folder (without following links): files by content, links by target, FIFOs by kind."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_fifo():
                out[rel] = "fifo"
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[rel] = "dir"
    return out


def build(c: Case, tmp_path: Path) -> Tree:
    root = tmp_path / "proj"
    root.mkdir()
    t = Tree(root)
    t.docs.mkdir()
    wants = c.make(t)
    write_config(root, c)
    t.wants = wants  # type: ignore[attr-defined]
    return t


def run_core(root: Path, options):
    """The core call, timed; then a fresh one under tracemalloc. Returns (report, seconds, peak bytes)."""
    docs = str(root / "docs")
    start = time.perf_counter()
    report = validate_tree(walk_docs(docs), Project(str(root), docs, options))
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        validate_tree(walk_docs(docs), Project(str(root), docs, options))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return report, seconds, peak


def find(diags, w: Want):
    """Diagnostics matching w: dicts (JSON) or Diagnostic objects."""
    out = []
    for d in diags:
        get = d.get if isinstance(d, dict) else (lambda k, d=d: getattr(d, k))
        if (get("rule"), get("path"), get("line")) == (w.rule, w.path, w.line) and w.contains in get("message"):
            if w.column is None or get("column") == w.column:
                out.append(d)
    return out


def describe(diags) -> str:
    lines = [d.format() if hasattr(d, "format") else f"{d['path']}:{d['line']}: {d['rule']}: {d['message']}" for d in diags]
    return "\n".join(lines[:40]) + (f"\n... {len(lines) - 40} more" if len(lines) > 40 else "")


def page_dest(rel: str) -> str:
    """Where MkDocs (use_directory_urls) would write a docs file."""
    for ext in MARKDOWN_EXTENSIONS:
        if rel.endswith(ext):
            stem = rel[: -len(ext)]
            if stem == "index" or stem.endswith("/index"):
                return stem + ".html"
            return stem + "/index.html"
    return rel


TIMINGS: dict[str, dict[str, float]] = {}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_core(c: Case, tmp_path):
    t = build(c, tmp_path)
    raw = plugin_options(t.root)
    if c.config_error:
        with pytest.raises(OptionError) as err:
            validate(raw)
        assert c.config_error in str(err.value)
        return
    report, seconds, peak = run_core(t.root, validate(raw))
    TIMINGS.setdefault(c.id, {}).update(core_s=round(seconds, 3), peak_mb=round(peak / 2**20, 1))
    print(f"\n{c.id}: core {seconds:.3f} s, peak {peak / 2**20:.1f} MB, {len(report.diagnostics)} diagnostic(s)")
    for w in t.wants:
        hits = find(report.diagnostics, w)
        assert hits, f"expected {w}\ngot:\n{describe(report.diagnostics)}"
        assert all(d.hint for d in hits), hits
        assert not any(d.waived for d in hits), hits
    for d in report.diagnostics:  # every diagnostic names its file and says what to do
        assert d.path and d.hint and d.rule and d.message, d
    assert seconds < c.max_seconds, f"{c.id}: the core took {seconds:.2f} s"
    assert peak < c.max_mb * 2**20, f"{c.id}: tracemalloc peak {peak / 2**20:.0f} MB"
    assert not (t.root / "pwned").exists()


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_cli(c: Case, tmp_path):
    t = build(c, tmp_path)
    before = tree_digest(t.docs)
    start = time.perf_counter()
    r = subprocess.run([*CLI, "check", "-f", "mkdocs.yml", "--format", "json", "-q"], cwd=t.root, env=_env(),
                       capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)
    seconds = time.perf_counter() - start
    TIMINGS.setdefault(c.id, {}).update(cli_s=round(seconds, 3))
    print(f"\n{c.id}: mkdocs-reassign check {seconds:.2f} s, exit {r.returncode}")
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    assert r.returncode == c.cli_rc, f"exit {r.returncode}\nstdout: {r.stdout[-3000:]}\nstderr: {r.stderr[-3000:]}"
    assert tree_digest(t.docs) == before
    if c.config_error:
        assert c.config_error in r.stderr and r.stdout == "", r.stderr
        return
    diags = json.loads(r.stdout)["diagnostics"]
    for w in t.wants:
        hits = find(diags, w)
        assert hits, f"expected {w}\ngot:\n{describe(diags)}"
        assert all(d.get("hint") for d in hits), hits


BUILD_CASES = [c for c in CASES if c.build]


def mkdocs_build(root: Path, *args: str, tool=None, timeout: float = 180) -> subprocess.CompletedProcess:
    site = root.parent / "site"
    return subprocess.run([*(tool or MKDOCS), "build", "-f", "mkdocs.yml", "-d", str(site), *args], cwd=root, env=_env(),
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout)


@pytest.mark.parametrize("c", BUILD_CASES, ids=[c.id for c in BUILD_CASES])
def test_mkdocs_build(c: Case, tmp_path):
    t = build(c, tmp_path)
    before = tree_digest(t.docs)
    start = time.perf_counter()
    r = mkdocs_build(t.root, timeout=c.build_seconds)  # a hang fails here, not at the session's end
    seconds = time.perf_counter() - start
    TIMINGS.setdefault(c.id, {}).update(build_s=round(seconds, 3))
    print(f"\n{c.id}: mkdocs build {seconds:.2f} s, exit {r.returncode}")
    out = r.stdout + r.stderr
    assert "Traceback" not in out, out[-5000:]
    assert tree_digest(t.docs) == before, "the build wrote under docs_dir"
    if c.config_error:
        assert r.returncode == 1, out
        assert "reassign" in out and c.config_error in out, out
        return
    assert r.returncode == 0, out[-5000:]
    site = tmp_path / "site"
    for w in t.wants:
        loc = f"{w.path}:{w.line}:" if w.line else f"{w.path}:"
        assert any(loc in ln and f"{w.rule}:" in ln and w.contains in ln for ln in out.splitlines()), f"no log line for {w}\n{out[-5000:]}"
        if w.rule == "read-error" and w.path.startswith("docs/"):
            rel = w.path[len("docs/") :]
            assert not (site / page_dest(rel)).exists(), f"{rel} reached the site"
            assert not (site / rel).exists(), f"{rel} reached the site"
    assert (site / "index.html").is_file()


def test_non_utf8_page_mkdocs_strict_and_properdocs(tmp_path):
    """Plain MkDocs 1.6.1 dies with a UnicodeDecodeError on such a page: with the plugin the build
    completes (exit 0), --strict fails (exit 1), the page is left out and its read-error names it."""
    c = next(c for c in CASES if c.id == "non-utf8-page")
    t = build(c, tmp_path)
    (w,) = t.wants
    for tool, strict, rc in ((MKDOCS, False, 0), (MKDOCS, True, 1), (PROPERDOCS, False, 0)):
        site = tmp_path / "site"
        r = mkdocs_build(t.root, *(["--strict"] if strict else []), tool=tool)
        out = r.stdout + r.stderr
        assert "Traceback" not in out and "UnicodeDecodeError" not in out, out
        assert r.returncode == rc, (tool, strict, out)
        assert f"{w.path}:{w.line}: error: read-error:" in out, out
        if rc == 0:
            assert (site / "index.html").is_file()
            assert not (site / "features" / "p1").exists()
            report = json.loads((site / "reassign-report.json").read_text(encoding="utf-8"))
            assert any(d["rule"] == "read-error" and d["path"] == w.path for d in report["diagnostics"])


def test_without_the_plugin_mkdocs_dies_on_the_same_page(tmp_path):
    """The premise of the case above, so that it keeps proving something."""
    c = next(c for c in CASES if c.id == "non-utf8-page")
    t = build(c, tmp_path)
    (t.root / "mkdocs.yml").write_text("site_name: plain\ndocs_dir: docs\ntheme:\n  name: mkdocs\nplugins: []\n", encoding="utf-8")
    r = mkdocs_build(t.root)
    assert r.returncode != 0 and "UnicodeDecodeError" in r.stdout + r.stderr


def test_serve_survives_hostile_edits(tmp_path):
    """`mkdocs serve` keeps serving while hostile files appear and disappear (the plugin never aborts it)."""
    from browser_support import MkdocsServe
    import urllib.request

    root = tmp_path / "proj"
    t = Tree(root)
    t.write("index.md", "# Home\n")
    t.write("features/p1.md", feature())
    (root / "mkdocs.yml").write_text("site_name: serve\ndocs_dir: docs\ntheme:\n  name: mkdocs\nplugins:\n  - reassign\n",
                                     encoding="utf-8")
    before = tree_digest(t.docs)

    def get(url):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=20) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")

    with MkdocsServe(root, timeout=90) as srv:
        assert get(srv.url)[0] == 200
        edits = [
            ("features/p2.md", "Caf\u00e9 (P2)\n".encode("latin-1")),
            ("features/p3.md", feature("P3", front_matter="a: &a [x]\nb: *a")),
            ("features/p4.md", bytes(range(256)) * 64),
            ("findings/session-1.md", "## CRITICAL\n### CRIT-1201-001: <script>alert(1)</script>\n".encode()),
        ]
        for rel, body in edits:
            mark = len(srv.output())
            t.write(rel, body)
            srv.wait_for_output(r"(Documentation built|Reloading browsers|Building documentation)", timeout=60, start=mark)
            srv.wait_for_output(r"(Documentation built|Reloading browsers)", timeout=60, start=mark)
            status, _ = get(srv.url)
            assert status == 200
        mark = len(srv.output())
        os.mkfifo(t.docs / "features" / "pipe.md")
        srv.wait_for_output(r"pipe.md: error: read-error: not a regular file", timeout=60, start=mark)
        srv.wait_for_output(r"(Documentation built|Reloading browsers)", timeout=60, start=mark)
        assert get(srv.url)[0] == 200
        mark = len(srv.output())
        os.symlink("..", t.docs / "features" / "loop")
        srv.wait_for_output(r"(Documentation built|Reloading browsers)", timeout=60, start=mark)
        assert get(srv.url)[0] == 200
        status, body = get(srv.url + "features/p1/")
        assert status == 200 and "Thing" in body
        # an invalid option is a configuration error, as MkDocs treats its own: that rebuild stops, the
        # server process stays up, and the next good configuration serves again
        cfg = root / "mkdocs.yml"
        good = cfg.read_text(encoding="utf-8")
        mark = len(srv.output())
        cfg.write_text(good.replace("  - reassign\n", "  - reassign:\n      bogus_option: 1\n"), encoding="utf-8")
        srv.wait_for_output(r"reassign: option 'bogus_option': unknown option", timeout=60, start=mark)
        assert srv.process.poll() is None
        mark = len(srv.output())
        cfg.write_text(good, encoding="utf-8")
        srv.wait_for_output(r"(Documentation built|Reloading browsers)", timeout=60, start=mark)
        assert get(srv.url + "features/p1/")[0] == 200
        out = srv.output()
    assert "Traceback" not in out, out[-5000:]
    assert "internal error" not in out, out[-5000:]
    assert "docs/features/p2.md:1: error: read-error:" in out, out[-5000:]
    assert "docs/features/loop: error: read-error: symbolic link loop" in out, out[-5000:]
    after = tree_digest(t.docs)
    for rel in ("features/p2.md", "features/p3.md", "features/p4.md", "findings", "findings/session-1.md", "features/loop",
                "features/pipe.md"):
        after.pop(rel, None)
    assert after == before, "serve wrote under docs_dir"


@pytest.fixture(scope="module", autouse=True)
def _timings_summary():
    yield
    if TIMINGS:
        print("\n\nhostile corpus timings (core s / peak MB / CLI s / build s):")
        for cid, tm in TIMINGS.items():
            print(f"  {cid:40} {tm.get('core_s', '-'):>7} {tm.get('peak_mb', '-'):>7} {tm.get('cli_s', '-'):>7} {tm.get('build_s', '-'):>7}")


def test_internal_error_keeps_the_build_alive(tmp_path, monkeypatch, caplog):
    """Defence in depth: should the core ever raise, on_files logs one error (so --strict fails),
    still leaves out the files MkDocs would die on, and the build completes."""
    from mkdocs.commands.build import build as mkdocs_build_in_process
    from mkdocs.config import load_config

    from mkdocs_reassign import engine as project

    c = next(c for c in CASES if c.id == "non-utf8-page")
    t = build(c, tmp_path)

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(project, "validate", boom)
    cfg = load_config(str(t.root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with caplog.at_level("WARNING"):
        mkdocs_build_in_process(cfg)
    text = caplog.text
    assert "mkdocs-reassign internal error: RuntimeError: simulated bug" in text
    assert "features/p1.md: read-error:" in text
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / "site" / "features" / "p1").exists()
    overview = tmp_path / "site" / "feature-overview" / "index.html"  # serve: the overview URL does not 404 meanwhile
    assert "The check failed on this build" in overview.read_text(encoding="utf-8")


def test_cli_internal_error_is_one_line(tmp_path, monkeypatch, capsys):
    """Should the core ever raise, the CLI prints one line (no traceback) and exits 2."""
    from mkdocs_reassign import cli
    from mkdocs_reassign import engine as project

    c = next(c for c in CASES if c.id == "empty-file")
    t = build(c, tmp_path)

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(project, "validate", boom)
    monkeypatch.delenv("MKDOCS_REASSIGN_DEBUG", raising=False)
    rc = cli.main(["check", "-f", str(t.root / "mkdocs.yml"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip().count("\n") == 0 and "internal error: RuntimeError: simulated bug" in err, err


# ---------------------------------------------------------------------- no superlinear corner

UNITS = ["`", "[", "]", "(", ")", "<", ">", "*", "_", "|", "\\", "!", "#", "-", "=", ":", "&", "~", " ", "\t", "<!--", "-->",
         "[a](", "](", "`a", "**a", "![", "<a ", '"', "'", "()", "[]", "[x]", "|a", "\\|", "a ", "P1 ", "CRIT-1201-001 ",
         "**F:** ", "- [x] ", "> ", "1. ", "- ", "    ", "&#", "&amp;", "](<", "<http://", "a_b ", "--- ", "```", "~~~",
         "\u00a0", "\u3000", "\u00e9", "\U0001f534", "\r", "x\n", "[a]: ", "{", "$", "/", "../", "Feature ", "(P1)"]


def _variants(body: str) -> dict[str, str]:
    one = body.replace("\n", " ").replace("\r", " ")
    return {
        "line": body,
        "heading": "# " + one,
        "finding-title": "## CRITICAL\n### CRIT-1201-001: " + one,
        "table-cell": "## MINOR ISSUES\n| ID | Feature | Issue |\n|---|---|---|\n| M-1201-001 | " + one + " | x |",
        "fields": "## CRITICAL\n### CRIT-1201-001: t\n**File:** " + one + "\n**Feature:** " + one,
        "attention": "## NEEDS YOUR ATTENTION\n| Type | Count | IDs |\n|-|-|-|\n| " + one + " | " + one + " | " + one + " |",
        "front-matter": "---\ntitle: " + one + "\n---\n# x",
        "link": "[" + one + "](" + one + ")",
        "comment": "<!-- reassign: waive " + one + " -->",
        "lines": "\n".join([body[:3]] * (len(body) // 3)),
    }


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS, ids=[repr(u) for u in UNITS])
def test_no_superlinear_input(unit, tmp_path):
    """Every scanner, parser and check is (near) linear: 4x the input takes well under 16x the time.

    A regex that backtracks (``(`+)(.+?)\\1``, ``<!--.*?-->`` from every unclosed opener, ``\\s*`` beside ``\\s+``)
    or a scan per line/section shows up here as a quadratic ratio long before it hangs a build.
    """
    from mkdocs_reassign.engine import decode

    proj = Project(str(tmp_path), str(tmp_path / "docs"), validate({}))
    contracts = Cache()
    load_contracts_cached(proj, contracts)
    home = decode(b"# Home\n", "index.md")
    for vname in _variants("x"):
        for rel in ("features/v.md", "findings/session-v.md"):
            previous = previous_src = None
            for size in (2_000, 8_000, 32_000):  # a ladder: a blow-up fails at the first rung that shows it
                text = _variants(unit * (size // len(unit)))[vname]
                src = decode(text.encode("utf-8"), rel)

                def measure(src=src):
                    fresh = Cache()  # no cache hits, but the contracts already loaded
                    fresh.put("contracts", "", *contracts.entry("contracts", ""))
                    gc.disable()  # a collection of the test session's heap is not the code's time
                    try:
                        start = time.perf_counter()
                        validate_tree([rel, "index.md"], proj, fresh, sources={rel: src, "index.md": home})
                        return time.perf_counter() - start
                    finally:
                        gc.enable()

                took = measure()
                if took > 0.1:  # a loaded machine: the best of three
                    took = min(took, measure(), measure())
                where = f"{unit!r} as {vname} in {rel}, {size} characters"
                assert took < 2.0, f"{where}: {took:.2f} s"
                if previous is not None and not (took < 0.1 or took < 10 * max(previous, 0.005)):
                    # a burst of load between two rungs: both again, the best of five each (a real blow-up of
                    # 4x the input stays 16x)
                    previous = min(measure(previous_src) for _ in range(5))
                    took = min(measure() for _ in range(5))
                    assert took < 0.1 or took < 10 * max(previous, 0.005), f"{where}: {previous:.3f} s -> {took:.3f} s for 4x the input"
                previous, previous_src = took, src
