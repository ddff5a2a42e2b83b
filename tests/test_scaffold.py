"""`mkdocs-reassign new`: a doc that meets its contract's structure, TODOs for the content."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
from cli_support import cli, copy_dogfood, tree_state

STRUCTURE_RULES = {"required-section", "diagram", "section-order", "feature-id", "front-matter",
                   "broken-link", "link-id-mismatch", "related-feature", "read-error", "contract"}


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_dogfood(tmp_path / "proj")


def _diags_of(project: Path, rel: str) -> list[dict]:
    r = cli("check", "--format", "json", cwd=project)
    assert r.returncode in (0, 1), r.stderr
    return [d for d in json.loads(r.stdout)["diagnostics"] if d["path"] == rel]


def test_new_with_the_default_contract(project):
    r = cli("new", "P9", "Queue Overflow", "--area", "platform", cwd=project)
    assert r.returncode == 0, r.stderr
    rel = "docs/features/platform/queue-overflow.md"
    assert f"created {rel}" in r.stdout
    text = (project / rel).read_text(encoding="utf-8")
    assert text.startswith("---\nid: P9\n") and "# Feature: Queue Overflow (P9)" in text
    assert "\ncontract:" not in text  # the default contract is picked anyway
    assert "TODO" in text and "```mermaid" in text
    h2 = re.findall(r"^## (.+)$", text, re.M)
    assert h2[:3] == ["QUICK SUMMARY", "AFFECTED USERS", "1. WHAT IT DOES"] and len(h2) == 12
    # a scaffold of TODOs fails its contract until it is written: every section is empty, the diagram a sketch
    diags = _diags_of(project, rel)
    empty = [d for d in diags if d["rule"] == "required-section"]
    assert len(empty) == 11 and all("is empty" in d["message"] for d in empty), diags  # all but HOW IT WORKS:
    assert not any("HOW IT WORKS" in d["message"] for d in empty)  # its diagram sketch is a fence (reported by diagram)
    assert {d["rule"] for d in diags} == {"required-section", "diagram"}, diags
    # written: every TODO replaced by a sentence, the sketch by a real flow; then the doc passes
    filled = re.sub(r"TODO: write the (.+?) section\.", lambda m: f"What the {m.group(1).lower()} says about queues.", text)
    filled = filled.replace("A[TODO: first step] --> B[TODO: next step]", "A[Queue full] --> B[Overflow to the next pool]")
    (project / rel).write_text(filled, encoding="utf-8")
    assert _diags_of(project, rel) == []
    # the rest of the tree is as clean as before
    assert cli("check", cwd=project).returncode == 0


def test_new_with_the_visitor_reassignment_contract(project):
    r = cli("new", "P10", "Queue Reassignment", "--area", "platform", "--contract", "visitor-reassignment", cwd=project)
    assert r.returncode == 0, r.stderr
    rel = "docs/features/platform/queue-reassignment.md"
    text = (project / rel).read_text(encoding="utf-8")
    assert "contract: visitor-reassignment" in text
    assert text.count("```mermaid") == 1  # one diagram placeholder even if two requirements want one
    # related features P2, A3 and V8 are linked, and the links resolve
    links = re.findall(r"\[(P2|A3|V8): [^\]]+\]\(([^)]+)\)", text)
    assert sorted(fid for fid, _ in links) == ["A3", "P2", "V8"]
    for _fid, href in links:
        assert (project / posixpath.dirname(rel) / href).is_file(), href
    diags = _diags_of(project, rel)
    rules = {d["rule"] for d in diags}
    assert rules == {"required-section", "required-topic", "diagram"}, diags  # TODOs are no content and no mention
    reqs = {d["requirement"] for d in diags if d["rule"] == "required-topic"}
    assert {"triggers", "pre-vs-mid-call", "no-agents-available", "database-logging", "critical-review", "visitor-ux"} <= reqs
    # written in the writer's own words (none of them copied from the contract's first phrases), it passes
    body = ("When the rep a visitor is paired with drops off the network, goes on break, declines the ring or signs off "
            "for the day, the visitor is handed to the next free rep. Before the call is answered the visitor only sees "
            "the new rep's video; during a live call the visitor sees a short message while the call is moved. If nobody "
            "is around to take the visitor, they wait in the queue. Every move writes a row to the call_logs table. "
            "We wait 10 seconds for a dropped rep to come back before moving anyone, and a move is capped at three hops "
            "so it cannot ping-pong between reps. The old peer connection is closed before the new one is set up, and "
            "the visitor does not have to click again: the new rep is rung automatically.")
    filled = re.sub(r"TODO: write the (.+?) section\.", body, text, count=1)
    filled = re.sub(r"TODO: write the (.+?) section\.", lambda m: f"What the {m.group(1).lower()} says about queues.", filled)
    filled = filled.replace("A[TODO: first step] --> B[TODO: next step]", "A[Rep leaves] --> B[Find the next rep]")
    (project / rel).write_text(filled, encoding="utf-8")
    assert _diags_of(project, rel) == []


def test_new_refuses_an_existing_id_or_file(project):
    before = tree_state(project)
    r = cli("new", "P4", "Another Reassignment", "--area", "platform", cwd=project)
    assert r.returncode == 2 and "P4 is already declared by docs/features/platform/visitor-reassignment.md" in r.stderr
    r = cli("new", "P42", "Visitor Reassignment", "--area", "platform", cwd=project)
    assert r.returncode == 2 and "already exists" in r.stderr
    assert tree_state(project) == before


@pytest.mark.parametrize("args, message", [
    (("TKT-1", "Name", "--area", "platform"), "not a feature ID"),
    (("p9", "Name", "--area", "platform"), "not a feature ID"),
    (("P9", "Name", "--area", "../outside"), "--area"),
    (("P9", "Name", "--area", "platform", "--slug", "../x"), "--slug"),
    (("P9", "Two\nlines", "--area", "platform"), "feature name"),
    (("P9", "Name", "--area", "platform", "--contract", "nope"), "unknown contract 'nope'"),
    (("P9", "Name"), "--area"),
])
def test_new_usage_errors(project, args, message):
    before = tree_state(project)
    r = cli("new", *args, cwd=project)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr
    assert tree_state(project) == before


def test_new_with_a_slug_and_nested_area(project):
    r = cli("new", "Q7", "Queue Seven", "--area", "platform/queues", "--slug", "q7", "-q", cwd=project)
    assert r.returncode == 0 and r.stderr == ""
    assert (project / "docs/features/platform/queues/q7.md").is_file()
