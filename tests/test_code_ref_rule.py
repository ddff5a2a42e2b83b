"""Rule code-ref in the engine, and `fix --code-refs` (the library itself: tests/test_code_refs.py).

Golden cases: tests/golden/code-ref/ (failing: moved, undefined, missing, ambiguous, past end, the session
File: line shared with source-ref; passing: anchored, call site, container, elided and bare paths, fences).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_support import cli

from mkdocs_reassign.cache import Cache
from mkdocs_reassign.engine import Project, validate, walk_docs
from mkdocs_reassign.options import validate as options

GOLDEN = Path(__file__).resolve().parent / "golden" / "code-ref"

POOL = """\
export class Pool {
  private n = 0;

  reassign(from: string): number {
    return from.length;
  }
}
"""
DOC = """\
# Feature: Routing (R1)

`reassign()` is at `pool.ts:4-6`.
"""


def _tree(root: Path, pool: str = POOL, doc: str = DOC, extra_opts: str = "") -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "features").mkdir(parents=True, exist_ok=True)
    (root / "src" / "pool.ts").write_text(pool, encoding="utf-8")
    (root / "docs" / "features" / "routing.md").write_text(doc, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - reassign:\n      source_root: src\n" + extra_opts, encoding="utf-8")
    return root


def _check(root: Path, cache: Cache | None = None, **opts):
    o = options({"source_root": "src", **opts})
    rep = validate(walk_docs(str(root / "docs")), Project(str(root), str(root / "docs"), o), cache)
    return [d for d in rep.diagnostics if d.rule == "code-ref"]


# ------------------------------------------------------------------ the rule


def test_no_source_root_imports_nothing_of_the_code_package(tmp_path):
    """Without source_root neither mkdocs_reassign.code nor tree-sitter is imported (a fresh interpreter)."""
    _tree(tmp_path)
    code = textwrap.dedent(f"""
        import sys
        from mkdocs_reassign.engine import Project, validate, walk_docs
        from mkdocs_reassign.options import Options
        root = {str(tmp_path)!r}
        validate(walk_docs(root + "/docs"), Project(root, root + "/docs", Options()))
        print(sorted(m for m in sys.modules if m.startswith(("mkdocs_reassign.code", "tree_sitter"))))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_moved_reference_reported_at_the_doc_line(tmp_path):
    _tree(tmp_path, pool="// a comment added above\n// and another\n\n\n" + POOL)
    diags = _check(tmp_path)
    assert [(d.path, d.line, d.severity, d.message) for d in diags] == [
        ("docs/features/routing.md", 3, "error",
         "reassign() is defined at pool.ts:8, cited 4-6: the code moved 4 lines down")]
    assert diags[0].hint == "cite 8-10; `fix --code-refs` rewrites it"


def test_source_root_not_a_folder(tmp_path):
    _tree(tmp_path)
    shutil.rmtree(tmp_path / "src")
    diags = _check(tmp_path)
    assert [(d.path, d.line) for d in diags] == [("mkdocs.yml", 0)]
    assert "is not a folder" in diags[0].message


def test_a_cited_file_that_cannot_be_read_is_named_not_called_missing(tmp_path):
    """A cited source over the 32 MB read limit (a sparse file here) is there: the diagnostic says it cannot be
    read and why, at the reference's line, not "no such file" (it did before)."""
    _tree(tmp_path, doc=DOC + "\n`Pool` is in `big.ts:3`.\n")
    with open(tmp_path / "src" / "big.ts", "wb") as f:
        f.truncate(33 * 2**20)
    diags = _check(tmp_path)
    assert [(d.path, d.line) for d in diags] == [("docs/features/routing.md", 5)]
    assert diags[0].message == ("code reference big.ts:3: big.ts cannot be read (file is 33 MB, over the 32 MB limit)")
    assert diags[0].hint.startswith("cite a readable source file (one over 32 MB is not read)")


def test_index_reused_until_a_file_is_added(tmp_path):
    _tree(tmp_path, doc=DOC + "\n`Extra` is in `lib/extra.ts`.\n")
    cache = Cache()
    assert [d.message for d in _check(tmp_path, cache)] == ["code reference lib/extra.ts: no such file under source_root"]
    index = cache.entry("code-index", "")[1][0]
    _check(tmp_path, cache)
    assert cache.entry("code-index", "")[1][0] is index  # nothing changed: not walked again
    (tmp_path / "src" / "lib").mkdir()
    (tmp_path / "src" / "lib" / "extra.ts").write_text("export class Extra {}\n", encoding="utf-8")
    assert _check(tmp_path, cache) == []
    assert cache.entry("code-index", "")[1][0] is not index


def test_tree_sitter_missing_is_one_diagnostic(tmp_path):
    _tree(tmp_path, doc=DOC + "\n`Pool` in `pool.ts:1-7`, and `reassign()` again at `pool.ts:4`.\n")
    (tmp_path / "docs" / "features" / "other.md").write_text("# Feature: Other (R2)\n\n`Pool` is at `pool.ts:1`.\n")
    code = textwrap.dedent(f"""
        import sys
        sys.modules["tree_sitter"] = None  # import tree_sitter raises ImportError
        from mkdocs_reassign.engine import Project, validate, walk_docs
        from mkdocs_reassign.options import validate as options
        root = {str(tmp_path)!r}
        rep = validate(walk_docs(root + "/docs"), Project(root, root + "/docs", options({{"source_root": "src"}})))
        for d in rep.diagnostics:
            if d.rule == "code-ref":
                print(d.format())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    lines = out.stdout.splitlines()
    assert len(lines) == 1, out.stdout
    assert "parser package 'tree-sitter' is not installed" in lines[0]
    assert 'pip install "mkdocs-reassign[code]"' in lines[0]


def test_severity_override_and_off(tmp_path):
    _tree(tmp_path, pool="\n\n\n\n\n" + POOL)
    assert [d.severity for d in _check(tmp_path, severity={"code-ref": "warning"})] == ["warning"]
    assert [d.severity for d in _check(tmp_path, severity={"code-ref": "off"})] == ["off"]


# ------------------------------------------------------------------ freshness (git)


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd))
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True,
                          timeout=30).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git is needed for the freshness tests")
    _tree(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "doc and code")
    return tmp_path


def test_freshness_note_when_cited_code_changed_after_the_doc(repo):
    assert _check(repo) == []  # committed together: nothing changed since
    doc_sha = _git(repo, "rev-parse", "--short=7", "HEAD")
    (repo / "src" / "pool.ts").write_text(POOL.replace("return from.length;", "return from.length + 1;"))
    _git(repo, "commit", "-qam", "change reassign")
    sha = _git(repo, "rev-parse", "--short=7", "HEAD")
    diags = _check(repo)
    assert [(d.line, d.severity, d.message) for d in diags] == [
        (3, "info", f"cited code changed after this doc's last commit {doc_sha}: pool.ts (commit {sha}; touches reassign())")]
    assert _check(repo, code_freshness=False) == []
    assert [d.severity for d in _check(repo, severity={"code-ref": "off"})] == ["off"]
    # the doc is committed again: it is current
    (repo / "docs" / "features" / "routing.md").write_text(DOC + "\nReviewed.\n")
    _git(repo, "commit", "-qam", "review the doc")
    assert _check(repo) == []


def test_freshness_cached_across_rebuilds_and_uncommitted_edits(repo):
    cache = Cache()
    assert _check(repo, cache) == []
    (repo / "src" / "pool.ts").write_text(POOL + "\nexport const X = 1;\n")  # not committed
    diags = _check(repo, cache)
    assert len(diags) == 1 and "pool.ts (uncommitted edits)" in diags[0].message


def test_freshness_without_git_never_fails(repo, monkeypatch):
    (repo / "src" / "pool.ts").write_text(POOL + "\n")
    _git(repo, "commit", "-qam", "later")
    monkeypatch.setenv("PATH", "/nonexistent")  # git cannot be found
    assert _check(repo) == []


# ------------------------------------------------------------------ fix --code-refs


def _project(tmp_path: Path, doc: bytes) -> Path:
    _tree(tmp_path, pool="\n\n\n\n\n" + POOL)
    (tmp_path / "docs" / "features" / "routing.md").write_bytes(doc)
    return tmp_path


@pytest.mark.parametrize("variant", ["lf", "crlf-bom"])
def test_fix_code_refs_byte_preserving_and_idempotent(tmp_path, variant):
    doc = (DOC + "Also `pool.ts:4` (`reassign()`) and pool.ts:4-6 — déjà vu, no final newline").encode()
    if variant == "crlf-bom":
        doc = b"\xef\xbb\xbf" + doc.replace(b"\n", b"\r\n")
    root = _project(tmp_path, doc)
    r = cli("fix", "--code-refs", "--check", cwd=root)
    assert (r.returncode, r.stdout) == (1, "stale: docs/features/routing.md\n"), r.stderr
    assert (root / "docs/features/routing.md").read_bytes() == doc  # --check writes nothing
    r = cli("fix", "--code-refs", cwd=root)
    assert (r.returncode, r.stdout) == (0, "fixed: docs/features/routing.md\n"), r.stderr
    new = (root / "docs/features/routing.md").read_bytes()
    assert new == doc.replace(b"pool.ts:4-6", b"pool.ts:9-11").replace(b"pool.ts:4`", b"pool.ts:9`")
    r = cli("fix", "--code-refs", cwd=root)
    assert (r.returncode, r.stdout) == (0, "no moved code references\n")
    assert (root / "docs/features/routing.md").read_bytes() == new
    assert cli("fix", "--code-refs", "--check", cwd=root).returncode == 0
    assert [f for f in os.listdir(root / "docs/features") if f.startswith(".reassign-fix")] == []


def test_fix_code_refs_refuses_a_file_changed_since_it_was_checked(tmp_path, monkeypatch):
    from mkdocs_reassign.commands.fix import fix_code_refs

    root = _project(tmp_path, DOC.encode())
    cache = Cache()
    project = Project(str(root), str(root / "docs"), options({"source_root": "src"}))
    rep = validate(walk_docs(str(root / "docs")), project, cache)
    edited = DOC + "edited meanwhile\n"
    (root / "docs/features/routing.md").write_text(edited)
    changed, problems = fix_code_refs(project, cache, rep)
    assert changed == [] and problems == [
        "docs/features/routing.md: changed on disk since it was checked; nothing written (run fix again)"]
    assert (root / "docs/features/routing.md").read_text() == edited


def test_fix_code_refs_needs_source_root(tmp_path):
    root = _project(tmp_path, DOC.encode())
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - reassign\n")
    r = cli("fix", "--code-refs", cwd=root)
    assert r.returncode == 2 and "source_root" in r.stderr


def test_golden_failing_case_fixed(tmp_path):
    """fix --code-refs on the failing golden case: the moved references (doc and session File: line) are
    renumbered and only those; the check then reports what fix cannot decide."""
    root = tmp_path / "case"
    shutil.copytree(GOLDEN / "failing", root)
    before = {p: (root / p).read_text() for p in ("docs/features/routing.md", "docs/findings/session-2026-05-20.md")}
    assert cli("fix", "--code-refs", cwd=root).returncode == 0
    after = {p: (root / p).read_text() for p in before}
    assert after["docs/features/routing.md"] == before["docs/features/routing.md"].replace(
        "pool.ts:10-18", "pool.ts:15-23").replace("| 21-23 |", "| 26-28 |")
    assert after["docs/findings/session-2026-05-20.md"] == before["docs/findings/session-2026-05-20.md"].replace(
        "pool.ts:10-18", "pool.ts:15-23")
    out = cli("check", cwd=root).stdout
    assert "lines down" not in out and "drainPool() is not defined" in out


def test_absurd_line_number_is_not_a_reference(tmp_path):
    """int() refuses numbers of more than 4300 digits: such a "line" must not crash the check."""
    _tree(tmp_path, doc=DOC + "\nSee `pool.ts:" + "9" * 5000 + "` and | `pool.ts` | " + "1" * 5000 + " |\n")
    assert [d.message for d in _check(tmp_path)] == []
