"""mkdocs_reassign.code: finding code references, checking them, renumbering, git freshness.

Small synthetic source trees written in tmp_path; the real corpus is in test_code_refs_corpus.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from mkdocs_reassign.code import SourceIndex, SymbolTable, check_code_refs, find_code_refs, rewrite_moved
from mkdocs_reassign.code.git import cited_file_changes
from mkdocs_reassign.code.refs import refs_from_text
from mkdocs_reassign.markdown import scan

POOL = textwrap.dedent("""\
    import { x } from "./x";

    export const MAX_AGENTS = 10;

    export interface AgentState {
      agentId: string;
    }

    export type PoolId = string;

    export enum Tier { Primary, Backup }

    export class PoolManager {
      private pools = new Map();

      reassignVisitors(agentId: string) {
        const n = 1;
        return this.findBestAgent(agentId) + n;
      }

      findBestAgent(poolId: string) {
        return poolId;
      }
    }

    export function startTimer() {
      return 1;
    }

    export const handlers = {
      onJoin: (v: string) => v,
      onLeave() { return 2; },
    };

    export function setup(socket: any) {
      socket.on("heartbeat" as never, () => {
        startTimer();
      });
    }
    """)
# lines: MAX_AGENTS 3, AgentState 5, PoolId 9, Tier 11, PoolManager 13, reassignVisitors 16-19,
# findBestAgent 21-23, startTimer 26-28, handlers 30, onJoin 31, onLeave 32, setup 35, heartbeat 36-38


def _tree(tmp_path, files: dict[str, str]):
    for rel, text in files.items():
        p = tmp_path / "src" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return SourceIndex(tmp_path / "src")


def _check(index, doc: str):
    return check_code_refs(find_code_refs(scan(doc)), index, SymbolTable())


@pytest.fixture
def index(tmp_path):
    return _tree(tmp_path, {
        "apps/server/src/routing/pool-manager.ts": POOL,
        "apps/server/src/lib/util.py": "import os\n\nLIMIT = 3\n\n\nclass Box:\n    def open(self):\n        return 1\n\n\n@cache\ndef compute_total(x):\n    return x\n",
        "apps/widget/src/constants.ts": "export const A = 1;\n",
        "packages/domain/src/constants.ts": "export const HEARTBEAT_INTERVAL = 25_000;\n",
        "apps/server/node_modules/dep/pool-manager.ts": "export function nope() {}\n",
    })


# --- extraction --------------------------------------------------------------------------------------

def test_extracts_every_form():
    doc = textwrap.dedent("""\
        # Doc

        The entry point is `reassignVisitors()` in `pool-manager.ts:767-806`. Other text `Foo`.

        | Function | Location | Purpose |
        |---|---|---|
        | `findBestAgent(poolId)` | `pool-manager.ts:588-635` | Main algorithm |

        | Purpose | File | Lines | Notes |
        |---|---|---|---|
        | Visitor reassignment | `apps/server/.../pool-manager.ts` | 767-806 | `reassignVisitors()` |
        | Heartbeat | `socket-handlers.ts` | 691 | the `heartbeat` handler |

        - `startRNATimeout` at socket-handlers.ts:1541
        - See Next.js docs and https://example.com/a/b.ts

        ```typescript:765:806:apps/server/src/features/routing/pool-manager.ts
        export function reassignVisitors() {}
        ```

        ```typescript
        // socket-handlers.ts:691-697
        socket.on("heartbeat" as never, () => {});
        ```
        """)
    refs = find_code_refs(scan(doc))
    got = [(r.line, r.where, r.path, r.start, r.end, tuple(s.label for s in r.symbols)) for r in refs]
    assert got == [
        (3, "text", "pool-manager.ts", 767, 806, ("reassignVisitors()",)),  # `Foo`: next sentence
        (7, "table", "pool-manager.ts", 588, 635, ("findBestAgent()",)),
        (11, "table", "apps/server/.../pool-manager.ts", 767, 806, ("reassignVisitors()",)),
        (12, "table", "socket-handlers.ts", 691, None, ("heartbeat handler",)),
        (14, "text", "socket-handlers.ts", 1541, None, ("startRNATimeout",)),
        (17, "fence-info", "apps/server/src/features/routing/pool-manager.ts", 765, 806, ("reassignVisitors",)),
        (22, "fence-comment", "socket-handlers.ts", 691, 697, ("heartbeat handler",)),
    ]
    lines = doc.split("\n")
    for r in refs:  # the columns address the digits
        assert lines[r.line - 1][r.start_col:].startswith(str(r.start))
        if r.end is not None:
            assert lines[r.line - 1][r.end_col:].startswith(str(r.end))


def test_lowercase_words_and_snake_fields_are_not_symbols():
    refs = refs_from_text(["| `status` | `agent_pool_members` | `a.ts:3` | `away` |"])
    assert [r.symbols for r in refs] == [()]


def test_refs_in_code_fences_and_front_matter_ignored():
    doc = "---\nsee: a.ts:3\n---\n\n```python\nx = 'b.ts:4'\n```\n"
    assert find_code_refs(scan(doc)) == []


# --- paths ----------------------------------------------------------------------------------------------

def test_partial_full_and_elided_paths(index):
    full = "apps/server/src/routing/pool-manager.ts"
    assert index.resolve("pool-manager.ts") == (full,)  # node_modules skipped
    assert index.resolve("routing/pool-manager.ts") == (full,)
    assert index.resolve(full) == (full,)
    assert index.resolve("apps/server/.../pool-manager.ts") == (full,)
    assert index.resolve("./apps/.../routing/pool-manager.ts") == (full,)
    assert index.resolve("repo/apps/server/src/routing/pool-manager.ts") == (full,)  # root above source_root
    assert index.resolve("apps/widget/.../pool-manager.ts") == ()
    assert index.resolve("constants.ts") == ("apps/widget/src/constants.ts", "packages/domain/src/constants.ts")


def test_missing_path_and_ambiguous_path(index):
    probs = _check(index, "`gone.ts:3`\n\n| `HEARTBEAT_INTERVAL` | `constants.ts:1` |\n")
    assert [p.kind for p in probs] == ["path-missing", "path-ambiguous"]
    amb = probs[1]
    assert amb.candidates == ("apps/widget/src/constants.ts", "packages/domain/src/constants.ts")
    assert "apps/widget/src/constants.ts, packages/domain/src/constants.ts" in amb.message
    assert "only packages/domain/src/constants.ts defines HEARTBEAT_INTERVAL" in amb.hint


def test_range_past_end(index):
    n = POOL.count("\n")
    probs = _check(index, f"See `pool-manager.ts:{n - 1}-{n + 5}` and `pool-manager.ts:{n}`.\n")
    assert [p.kind for p in probs] == ["past-end"]
    assert f"has only {n} lines" in probs[0].message


# --- symbols --------------------------------------------------------------------------------------------

def test_definitions_found_by_tree_sitter(index):
    fs = SymbolTable().for_file(index.abspath("apps/server/src/routing/pool-manager.ts"))
    got = {(d.name, d.kind, d.line) for d in fs.definitions}
    for want in [("MAX_AGENTS", "variable", 3), ("AgentState", "interface", 5), ("PoolId", "type", 9),
                 ("Tier", "enum", 11), ("PoolManager", "class", 13), ("reassignVisitors", "method", 16),
                 ("findBestAgent", "method", 21), ("startTimer", "function", 26), ("onJoin", "method", 31),
                 ("onLeave", "method", 32), ("heartbeat", "handler", 36), ("agentId", "property", 6)]:
        assert want in got
    py = SymbolTable().for_file(index.abspath("apps/server/src/lib/util.py"))
    assert {(d.name, d.kind, d.line, d.start) for d in py.definitions} >= {
        ("LIMIT", "variable", 3, 3), ("Box", "class", 6, 6), ("open", "method", 7, 7),
        ("compute_total", "function", 12, 11)}


def test_anchored_within_three_lines(index):
    doc = "".join(f"| `reassignVisitors()` | `pool-manager.ts:{s}-{s + 3}` |\n" for s in (13, 16, 19))
    assert _check(index, doc) == []


def test_moved_symbol(index):
    doc = "| `reassignVisitors()` | `pool-manager.ts:6-9` | Main |\n"
    (p,) = _check(index, doc)
    assert p.kind == "moved" and p.rule == "code-ref"
    assert p.message == ("reassignVisitors() is defined at apps/server/src/routing/pool-manager.ts:16, "
                         "cited 6-9: the code moved 10 lines down")
    assert (p.new_start, p.new_end) == (16, 19)
    doc = "`startTimer` is at `pool-manager.ts:33`.\n"
    (p,) = _check(index, doc)
    assert (p.kind, p.new_start, p.new_end) == ("moved", 26, None)
    assert "moved 7 lines up" in p.message


def test_moved_when_range_cuts_the_definition(index):
    # the range holds the definition line but not at its start, and cuts the definition: moved
    (p,) = _check(index, "| `reassignVisitors()` | `pool-manager.ts:10-17` |\n")
    assert (p.kind, p.new_start, p.new_end) == ("moved", 16, 23)
    # the same range with a call inside (line 18): a call site
    assert _check(index, "| `findBestAgent()` | `pool-manager.ts:15-22` |\n") == []


def test_call_site_left_alone(index):
    # line 18 calls findBestAgent: a call site, not a definition
    assert _check(index, "The loop calls `findBestAgent()` (`pool-manager.ts:17-18`).\n") == []
    # absent from the range: reported (as moved, since it is defined in the file)
    (p,) = _check(index, "The loop calls `findBestAgent()` (`pool-manager.ts:26-28`).\n")
    assert p.kind == "moved"


def test_container_range_left_alone(index):
    assert _check(index, "| Types | `pool-manager.ts` | 1-12 | `AgentState`, `PoolId` |\n") == []


def test_symbol_not_defined(index):
    (p,) = _check(index, "| `missingThing()` | `pool-manager.ts:16-19` |\n")
    assert p.kind == "undefined"
    assert p.message == ("missingThing() is not defined in apps/server/src/routing/pool-manager.ts, "
                         "and lines 16-19 do not use it")
    # a bare path beside a symbol: defined there, or used there
    assert _check(index, "| `findBestAgent()` | `pool-manager.ts` |\n") == []
    (p,) = _check(index, "| `missingThing()` | `pool-manager.ts` |\n")
    assert p.kind == "undefined"


def test_handler_and_fence_refs(index):
    ok = "| `heartbeat` handler | `pool-manager.ts:36-38` |\n"
    assert _check(index, ok) == []
    doc = "```ts:30:33:apps/server/.../pool-manager.ts\nexport function startTimer() {\n  return 1;\n}\n```\n"
    (p,) = _check(index, doc)
    assert (p.kind, p.line, p.new_start, p.new_end) == ("moved", 1, 26, 29)


def test_python_symbols(index):
    assert _check(index, "`compute_total()` in `util.py:11-13`, `Box` at `util.py:6`.\n") == []
    (p,) = _check(index, "`compute_total()` in `util.py:2-4`.\n")
    assert (p.kind, p.new_start) == ("moved", 12)


def test_parser_missing_is_one_clear_problem(index, monkeypatch):
    import mkdocs_reassign.code.symbols as symbols

    monkeypatch.setattr(symbols, "_PARSERS", {})
    monkeypatch.setattr(symbols, "_BY_HASH", {})
    monkeypatch.setitem(sys.modules, "tree_sitter", None)  # import fails
    doc = "| `findBestAgent()` | `pool-manager.ts:21` |\n| `startTimer()` | `pool-manager.ts:999` |\n"
    probs = _check(index, doc)
    assert [p.kind for p in probs] == ["parser-missing", "past-end"]
    assert 'pip install "mkdocs-reassign[code]"' in probs[0].message


def test_tree_sitter_imported_lazily():
    code = ("import sys; from mkdocs_reassign.code import find_code_refs, SourceIndex; "
            "from mkdocs_reassign.markdown import scan; find_code_refs(scan('`a.ts:1`')); "
            "print('tree_sitter' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- rewrite --------------------------------------------------------------------------------------------

def test_rewrite_moved_byte_preserving_and_idempotent(index):
    doc = ("# T\r\n"
           "| `reassignVisitors()` | `pool-manager.ts:6-9` | x |  \r\n"
           "| `findBestAgent()` | `pool-manager.ts:21-23` | ok |\r\n"
           "```ts:30:33:apps/server/.../pool-manager.ts\r\n"
           "export function startTimer() {\r\n"
           "```\r\n"
           "`startTimer` at `pool-manager.ts:6` and `reassignVisitors()` at `pool-manager.ts:9`.\n")
    probs = _check(index, doc)
    assert [p.kind for p in probs] == ["moved", "moved", "moved", "moved"]
    new = rewrite_moved(doc, probs)
    assert new == doc.replace(":6-9`", ":16-19`").replace("ts:30:33:", "ts:26:29:").replace(
        ":6` and", ":26` and").replace(":9`.", ":16`.")
    assert _check(index, new) == []
    assert rewrite_moved(new, probs) == new  # same problems again: nothing to do
    assert rewrite_moved(new, _check(index, new)) == new
    assert rewrite_moved(doc, []) == doc


# --- git ------------------------------------------------------------------------------------------------

def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin", "HOME": str(cwd)})
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_freshness(tmp_path):
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "a.ts").write_text("".join(f"line{i}\n" for i in range(1, 31)))
    (repo / "src" / "b.ts").write_text("b\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    base = _git(repo, "commit", "-qm", "first")
    lines = (repo / "src" / "a.ts").read_text().split("\n")
    lines[1:1] = ["new1", "new2", "new3"]  # 3 lines inserted after line 1
    lines[19] = "changed"  # old line 17 changed
    (repo / "src" / "a.ts").write_text("\n".join(lines))
    head = _git(repo, "commit", "-qam", "insert and change")
    cited = {"a.ts": [("f()", 5, 8), ("g()", 15, 20)], "b.ts": [("h", 1, 1)]}
    fr = cited_file_changes(repo / "src", cited, base)
    assert fr.available and fr.base == base
    assert list(fr.files) == ["a.ts"]  # b.ts unchanged
    fc = fr.files["a.ts"]
    assert [c[0] for c in fc.commits] == [head]
    assert [(r.label, r.touched, r.shift) for r in fc.ranges] == [("f()", False, 3), ("g()", True, 3)]
    assert [p for p, _ in fr.touched] == ["a.ts"]
    # by date: the last commit at or before now is HEAD: nothing changed since
    fr2 = cited_file_changes(repo / "src", ["a.ts", "b.ts"], "now")
    assert fr2.available and fr2.files == {}
    assert not cited_file_changes(repo / "src", ["a.ts"], "1990-01-01").available  # no commit before


def test_git_absent_or_not_a_repo(tmp_path, monkeypatch):
    assert not cited_file_changes(tmp_path, ["a.ts"], "HEAD").available
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    fr = cited_file_changes(tmp_path, ["a.ts"], "HEAD")
    assert not fr.available and "git" in fr.reason
