"""The real docs tree beside the project (../shared/corpus): the results its README expects.

See the section "Expected results on this folder" of /work/shared/corpus/README.md.
The corpus is data, not ours: these tests only read it. When it is missing they
fail (never skip), so that a CI without it is noticed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_reassign.model.contracts import load_contracts
from mkdocs_reassign.options import Options
from mkdocs_reassign.engine import Project, validate, walk_docs

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FEATURES = "docs/features/"
SESSION = "docs/findings/session-2025-01-15.md"
FULL_DOCS = [
    "platform/agent-assignment.md",
    "platform/heartbeat-staleness.md",
    "admin/tiered-routing.md",
    "admin/geo-failure-handling.md",
    "agent/incoming-call.md",
    "billing/seat-management.md",
    "billing/billing-frequency.md",
    "visitor/call-reconnection.md",
]


@pytest.fixture(scope="module")
def report():
    assert (CORPUS / "docs").is_dir(), (
        f"the corpus is missing: expected the real docs tree at {CORPUS} (the shared folder beside the project); "
        "these tests never skip")
    return validate(walk_docs(str(CORPUS / "docs")), Project(str(CORPUS), str(CORPUS / "docs"), Options()))


def _diags(report, path: str, rule: str | None = None, line: int | None = None):
    return [d for d in report.active if d.path == path and (rule is None or d.rule == rule) and (line is None or d.line == line)]


def _dump(diags) -> str:
    return "\n".join(d.format() for d in diags)


def test_full_docs_exist():
    for rel in FULL_DOCS:
        assert (CORPUS / "docs" / "features" / rel).is_file(), rel


@pytest.mark.parametrize("rel, line", [
    ("agent/incoming-call.md", 359),
    ("agent/incoming-call.md", 361),
    ("billing/seat-management.md", 289),
    ("platform/heartbeat-staleness.md", 369),
])
def test_broken_links(report, rel, line):
    found = _diags(report, FEATURES + rel, "broken-link", line)
    assert len(found) == 1, _dump(_diags(report, FEATURES + rel))


def test_broken_links_are_only_those_in_full_docs(report):
    got = sorted((d.path, d.line) for d in report.active if d.rule == "broken-link" and d.path.removeprefix(FEATURES) in FULL_DOCS)
    assert got == [
        (FEATURES + "agent/incoming-call.md", 359),
        (FEATURES + "agent/incoming-call.md", 361),
        (FEATURES + "billing/seat-management.md", 289),
        (FEATURES + "platform/heartbeat-staleness.md", 369),
    ]


@pytest.mark.parametrize("rel, line, fid", [
    ("agent/incoming-call.md", 359, "V3"),
    ("agent/incoming-call.md", 361, "A4"),
    ("platform/heartbeat-staleness.md", 369, "A10"),
])
def test_broken_link_naming_an_id_is_one_diagnostic(report, rel, line, fid):
    # One defect, one diagnostic: the broken link, whose hint says where the ID its text names lives; no
    # link-id-mismatch besides it (it was reported on the same line before).
    assert not _diags(report, FEATURES + rel, "link-id-mismatch", line), _dump(_diags(report, FEATURES + rel))
    (d,) = _diags(report, FEATURES + rel, "broken-link", line)
    assert f"names {fid}" in d.hint, _dump([d])


def test_broken_link_cites_where_the_id_lives(report):
    (v3,) = _diags(report, FEATURES + "agent/incoming-call.md", "broken-link", 359)
    assert "visitor-call.md" in v3.hint  # V3 is declared by visitor/visitor-call.md
    (a4,) = _diags(report, FEATURES + "agent/incoming-call.md", "broken-link", 361)
    assert "agent-active-call.md" in a4.hint


def test_no_link_id_mismatch_for_a_doc_whose_h1_lacks_its_id(report):
    # admin/tiered-routing.md states D3 in its footer, not in its H1: its feature-id is the root and names the link
    assert not [d for d in report.active if d.rule == "link-id-mismatch" and "tiered-routing" in d.message]


def test_geo_failure_handling(report):
    path = FEATURES + "admin/geo-failure-handling.md"
    ticket = _diags(report, path, "feature-id")
    assert len(ticket) == 1 and "TKT-065" in ticket[0].message and ticket[0].line == 1, _dump(ticket)
    sections = _diags(report, path, "required-section")
    assert [d.requirement for d in sections] == ["section:first-principles-review"], _dump(sections)
    assert "FIRST PRINCIPLES REVIEW" in sections[0].message and "missing" in sections[0].message


def test_tiered_routing_has_no_feature_id(report):
    path = FEATURES + "admin/tiered-routing.md"
    found = _diags(report, path, "feature-id")
    assert len(found) == 1 and found[0].line == 1 and "no feature ID" in found[0].message, _dump(found)
    assert report.features["features/admin/tiered-routing.md"].id is None
    # it names what it breaks, and offers the ID its footer states as the fix
    assert "features/platform/agent-assignment.md:405 naming D3" in found[0].message, _dump(found)
    assert "states D3" in found[0].hint and "(D3)" in found[0].hint, _dump(found)


def test_unknown_findings_in_heartbeat_staleness(report):
    path = FEATURES + "platform/heartbeat-staleness.md"
    got = [(d.line, re.search(r"[A-Z]+-[A-Z0-9]+-\d{3}", d.message).group(0)) for d in _diags(report, path, "unknown-finding")]
    assert got == [(377, "Q-P6-002"), (379, "Q-P6-003"), (381, "Q-P6-004")]
    assert "Q-P6-001" in report.defined  # defined in the session file
    assert not any("Q-P6-001" in d.message for d in report.active if d.rule == "unknown-finding")


def test_session_open_critical(report):
    crits = [d for d in report.active if d.rule == "open-critical"]
    assert len(crits) == 1, _dump(crits)
    assert crits[0].path == SESSION and "CRIT-0115-001" in crits[0].message
    # the commented-out template finding does not exist
    assert "CRIT-0115-000" not in report.defined


def test_session_findings_state(report):
    (session,) = [s for s in report.sessions if s.rel == "findings/session-2025-01-15.md"]
    state = {f.id: f.decided for f in session.findings if not f.from_table}
    assert state["Q-0115-001"] is True
    assert state["Q-0115-002"] is False and state["Q-P6-001"] is False
    assert state["UX-0115-001"] is False


def test_session_attention_drift(report):
    drift = [d.message for d in _diags(report, SESSION, "attention-drift")]
    text = "\n".join(drift)
    assert any("Q-0115-002" in m and "missing" in m for m in drift), text
    assert any("Q-B2-001" in m and "no finding defines it" in m for m in drift), text
    assert any("UX-A2-001" in m and "no finding defines it" in m for m in drift), text
    assert any("Q-0115-001" in m and "decided" in m for m in drift), text
    assert any("Questions count is 3 but 2 are open" in m for m in drift), text
    assert any("UX Recommendations count is 2 but 1 is open" in m for m in drift), text
    # the CRITICAL row is right: nothing about it
    assert not any("CRIT-0115-001" in m or "CRITICAL" in m for m in drift), text
    assert len(drift) == 6, text


def test_duplicate_finding_only_m_0115_002(report):
    dups = [d for d in report.active if d.rule == "duplicate-finding"]
    assert len(dups) == 1, _dump(dups)
    assert dups[0].path == SESSION and "M-0115-002" in dups[0].message


# ------------------------------------------------------------------ sections by name

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _h2_names(path: Path) -> set[str]:
    """The doc's H2 headings, normalized: an independent, simple reader (no comments in these docs)."""
    names = set()
    fence = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):].strip():
                fence = None
            continue
        if fence is None and line.startswith("## "):
            names.add(_norm(line[3:]))
    return names


def _norm(text: str) -> str:
    t = re.sub(r"^\s*\d+\.\s*", "", text)
    t = re.sub(r"\s*\([^()]*\)\s*$", "", t)
    return re.sub(r"[^a-z0-9]+", " ", t.lower()).strip()


@pytest.mark.parametrize("rel", FULL_DOCS)
def test_no_required_section_for_a_section_the_doc_has(report, rel):
    contract = load_contracts().contracts["feature-doc"]
    specs = {"section:" + s.id: s for s in contract.sections}
    has = _h2_names(CORPUS / "docs" / "features" / rel)
    for d in _diags(report, FEATURES + rel, "required-section"):
        spec = specs.get(d.requirement)
        assert spec is not None, d.format()
        assert not any(_norm(n) in has for n in spec.names), f"{rel} has a section named {spec.names}: {d.format()}"


def test_stubs_lack_every_section(report):
    # a stub holds only its H1: the 12 template sections are missing, and that is right; one defect, one line
    stub = FEATURES + "agent/rna-timeout.md"
    assert _diags(report, stub, "required-section") == []
    (t,) = _diags(report, stub, "template")
    assert "has 0 of the 12 sections" in t.message
    assert [d.rule for d in report.diagnostics if d.path == stub] == ["template"]
