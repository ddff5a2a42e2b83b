"""Code references in the real corpus docs, checked against the product's source at two commits.

See /work/shared/coderefs/README.md.  The data is read in place (never copied); when it is
missing these tests fail, never skip.  Counts are printed (``-s``) and recorded below.

Measured (161 references in the feature docs and the session file, 87 with a symbol beside them):

* vs src-88b7e7b (when most docs were written): 71 anchored, 9 moved, 2 call sites, 1 undefined.
  The moved ones are the heartbeat handler cited 6 lines low (the README's known case) and two docs
  whose numbers match neither commit, checked by reading the source: ``call-reconnection.md``
  (``CALL_RECONNECT`` handler at 933, cited 947; ``startReconnectTimeout`` at 1779, cited 1794;
  ``onCallReconnected`` at 392, cited 356 where the handoff handler is) and the staleness constants
  of ``heartbeat-staleness.md`` (defined at 1502-1503, cited 1516-1517, inside the loop body).
  ``geoFailureHandling`` is not in ``country-blocklist.ts`` yet at 88b7e7b (the feature came later).
* vs src-c342276 (ten days later): 53 anchored, 25 moved (4 to 47 lines), 3 call sites, 2 container
  ranges; no path disappeared and no line is past the end of a file.
* both: 5 ambiguous partial paths (``constants.ts``: apps/widget and packages/domain), 3 supabase
  migrations outside the source folders, and the session file's ``features/agents/staleness.ts``,
  which exists at neither commit.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from mkdocs_reassign.code import SourceIndex, SymbolTable, check_code_refs, classify, find_code_refs, rewrite_moved
from mkdocs_reassign.markdown import scan

pytestmark = pytest.mark.corpus

SHARED = Path(__file__).resolve().parents[2] / "shared"
DOCS = SHARED / "corpus" / "docs"
SRC_OLD = SHARED / "coderefs" / "src-88b7e7b"
SRC_NEW = SHARED / "coderefs" / "src-c342276"

# (doc, doc line, symbol, cited lines, where the symbol's definition puts them now)
MOVED_AT_88B7E7B = {
    ("features/platform/heartbeat-staleness.md", 98, "heartbeat handler", "691-697", "685-691"),
    ("features/platform/heartbeat-staleness.md", 153, "STALENESS_CHECK_INTERVAL", "1516-1516", "1502-1502"),
    ("features/platform/heartbeat-staleness.md", 154, "STALENESS_THRESHOLD", "1517-1517", "1503-1503"),
    ("features/platform/heartbeat-staleness.md", 297, "heartbeat handler", "691-697", "685-691"),
    ("features/platform/heartbeat-staleness.md", 308, "STALENESS_CHECK_INTERVAL", "1516-1547", "1502-1533"),
    ("features/visitor/call-reconnection.md", 128, "CALL_RECONNECT handler", "947-1249", "933-1235"),
    ("features/visitor/call-reconnection.md", 131, "startReconnectTimeout()", "1794-1853", "1779-1838"),
    ("features/visitor/call-reconnection.md", 273, "onCallReconnected", "356-375", "392-411"),
    ("features/visitor/call-reconnection.md", 274, "CALL_RECONNECT handler", "947-1249", "933-1235"),
}
MOVED_AT_C342276 = {
    ("features/admin/tiered-routing.md", 276, "findBestAgentInTier()", "641-678", "645-682"),
    ("features/agent/incoming-call.md", 116, "startRNATimeout()", "1541-1684", "1579-1722"),
    ("features/agent/incoming-call.md", 117, "clearRNATimeout()", "1689-1696", "1727-1734"),
    ("features/agent/incoming-call.md", 347, "CALL_REQUEST handler", "283-384", "295-396"),
    ("features/agent/incoming-call.md", 349, "CALL_ACCEPT handler", "692-773", "730-811"),
    ("features/agent/incoming-call.md", 350, "CALL_REJECT handler", "775-866", "813-904"),
    ("features/platform/agent-assignment.md", 169, "findBestAgentInTier()", "641-678", "645-682"),
    ("features/platform/agent-assignment.md", 170, "findBestAgentForVisitor()", "688-709", "696-717"),
    ("features/platform/agent-assignment.md", 172, "assignVisitorToAgent()", "714-745", "721-752"),
    ("features/platform/agent-assignment.md", 314, "reassignVisitors", "765-806", "786-827"),
    ("features/platform/agent-assignment.md", 382, "findBestAgentInTier()", "641-678", "645-682"),
    ("features/platform/agent-assignment.md", 384, "findBestAgentForVisitor()", "688-709", "696-717"),
    ("features/platform/agent-assignment.md", 386, "assignVisitorToAgent()", "714-745", "721-752"),
    ("features/platform/agent-assignment.md", 388, "reassignVisitors()", "767-806", "786-825"),
    ("features/platform/heartbeat-staleness.md", 98, "heartbeat handler", "691-697", "723-729"),
    ("features/platform/heartbeat-staleness.md", 153, "STALENESS_CHECK_INTERVAL", "1516-1516", "1540-1540"),
    ("features/platform/heartbeat-staleness.md", 154, "STALENESS_THRESHOLD", "1517-1517", "1541-1541"),
    ("features/platform/heartbeat-staleness.md", 297, "heartbeat handler", "691-697", "723-729"),
    ("features/platform/heartbeat-staleness.md", 308, "STALENESS_CHECK_INTERVAL", "1516-1547", "1540-1571"),
    ("features/visitor/call-reconnection.md", 128, "CALL_RECONNECT handler", "947-1249", "971-1273"),
    ("features/visitor/call-reconnection.md", 129, "getCallByReconnectToken()", "409-434", "424-449"),
    ("features/visitor/call-reconnection.md", 130, "markCallReconnected()", "441-468", "456-483"),
    ("features/visitor/call-reconnection.md", 131, "startReconnectTimeout()", "1794-1853", "1817-1876"),
    ("features/visitor/call-reconnection.md", 273, "onCallReconnected", "356-375", "403-422"),
    ("features/visitor/call-reconnection.md", 274, "CALL_RECONNECT handler", "947-1249", "971-1273"),
}
# supabase/ is not part of the source folders (only apps/ and packages/ are); the session file cites
# a staleness.ts that exists at neither commit
MISSING_PATHS = {"apps/server/src/features/agents/staleness.ts",
                 "supabase/migrations/20251129500000_agent_priority_ranking.sql",
                 "supabase/migrations/20251201100000_billing_frequency.sql",
                 "supabase/migrations/20251127800000_soft_delete_and_billing.sql"}


def _docs() -> list[Path]:
    assert DOCS.is_dir() and SRC_OLD.is_dir() and SRC_NEW.is_dir(), (
        f"the shared data is missing: expected {DOCS}, {SRC_OLD} and {SRC_NEW} (the shared folder beside the "
        "project); these tests never skip")
    docs = sorted((DOCS / "features").rglob("*.md")) + sorted((DOCS / "findings").glob("session-*.md"))
    assert len(docs) >= 9
    return docs


def _run(src: Path):
    index, table = SourceIndex(src), SymbolTable()
    out = []
    for p in _docs():
        rel = p.relative_to(DOCS).as_posix()
        text = p.read_text(encoding="utf-8")
        for ref in find_code_refs(scan(text)):
            out.append((rel, ref, classify(ref, index, table)))
    return out


def _moved(results) -> set[tuple]:
    return {(rel, v.ref.line, v.symbol.label, f"{v.ref.start}-{v.ref.last}",
             f"{v.definition.line}-{v.ref.last + v.offset}")
            for rel, _, v in results if v.status == "moved"}


@pytest.fixture(scope="module")
def old():
    return _run(SRC_OLD)


@pytest.fixture(scope="module")
def new():
    return _run(SRC_NEW)


def _report(name, results):
    c = Counter(v.status for _, _, v in results)
    with_sym = sum(1 for _, r, _ in results if r.symbols)
    print(f"\n{name}: {len(results)} refs, {with_sym} with a symbol: {dict(sorted(c.items()))}")
    return c


def test_extraction_counts(old):
    refs = [r for _, r, _ in old]
    assert len(refs) == 161
    assert sum(1 for r in refs if r.symbols) == 87
    assert Counter(r.where for r in refs) == Counter({"table": 146, "text": 11, "fence-comment": 3, "fence-info": 1})
    fence = next(r for r in refs if r.where == "fence-info")
    assert (fence.path, fence.start, fence.end, fence.symbols[0].name) == (
        "apps/server/src/features/routing/pool-manager.ts", 765, 806, "reassignVisitors")


def test_anchored_when_written(old):
    c = _report("src-88b7e7b", old)
    assert c["anchored"] == 71
    assert _moved(old) == MOVED_AT_88B7E7B
    heartbeat = [m for m in MOVED_AT_88B7E7B if m[2] == "heartbeat handler"]
    assert [m[3:] for m in heartbeat] == [("691-697", "685-691")] * 2  # the README's "6 lines low"
    # the doc was right when written: the symbol references of the other six full docs all anchor
    drifted_docs = {m[0] for m in MOVED_AT_88B7E7B}
    assert drifted_docs == {"features/platform/heartbeat-staleness.md", "features/visitor/call-reconnection.md"}
    for rel, ref, v in old:
        if rel == "features/platform/agent-assignment.md" and ref.symbols and ref.start is not None:
            assert v.status in ("anchored", "callsite"), (ref, v)


def test_drift_reported_ten_days_later(new):
    c = _report("src-c342276", new)
    assert c["anchored"] == 53 and c["moved"] == 25
    assert _moved(new) == MOVED_AT_C342276
    assert ("features/platform/agent-assignment.md", 388, "reassignVisitors()", "767-806", "786-825") in _moved(new)
    # "every path still exists and every line number is still inside the file"
    assert c["past-end"] == 0
    assert not [v for rel, _, v in new if v.status == "path-missing" and rel.startswith("features/")
                and not v.ref.path.startswith("supabase/")]
    missing = {v.ref.path for _, _, v in new if v.status == "path-missing"}
    assert missing == MISSING_PATHS


def test_messages_and_rewrite_on_a_real_doc():
    _docs()
    index, table = SourceIndex(SRC_NEW), SymbolTable()
    text = (DOCS / "features/platform/agent-assignment.md").read_text(encoding="utf-8")
    problems = check_code_refs(find_code_refs(scan(text)), index, table)
    moved = [p for p in problems if p.kind == "moved"]
    assert len(moved) == 8
    p388 = next(p for p in moved if p.line == 388)
    assert p388.message == ("reassignVisitors() is defined at apps/server/src/features/routing/pool-manager.ts:786, "
                            "cited 767-806: the code moved 19 lines down")
    fixed = rewrite_moved(text, problems)
    assert "| 786-825 | `reassignVisitors()`" in fixed.split("\n")[387]
    assert fixed.split("\n")[313] == "```typescript:786:827:apps/server/src/features/routing/pool-manager.ts"
    assert not [p for p in check_code_refs(find_code_refs(scan(fixed)), index, table) if p.kind == "moved"]
    assert rewrite_moved(fixed, problems) == fixed
    changed = [i for i, (a, b) in enumerate(zip(text.split("\n"), fixed.split("\n"))) if a != b]
    assert [i + 1 for i in changed] == sorted(p.line for p in moved)


def test_timing_cold_and_warm():
    docs = _docs()
    texts = [p.read_text(encoding="utf-8") for p in docs]

    def once():
        index, table = SourceIndex(SRC_NEW), SymbolTable()
        t = time.perf_counter()
        n = sum(len(check_code_refs(find_code_refs(scan(tx)), index, table)) for tx in texts)
        return time.perf_counter() - t, n

    first, n1 = once()  # cold unless another test of this process parsed these files already
    warm, n2 = once()  # definitions cached by content hash; the tree walked again
    print(f"\ncode-ref check of {len(texts)} docs: first {first:.3f}s, warm {warm:.3f}s, {n2} problems")
    assert n1 == n2
    assert warm < 1.0
