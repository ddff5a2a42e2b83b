"""`mkdocs-reassign explain PATH[:LINE]`: what decided each verdict, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import P4, cli, drop_logout, minimal_project


@pytest.fixture
def project(tmp_path) -> Path:
    return minimal_project(tmp_path / "proj")


def test_explain_lists_every_section_and_requirement_with_its_evidence(project):
    r = cli("explain", P4, cwd=project)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith(f"{P4}: contract visitor-reassignment (chosen by ID P4), feature P4\n")
    assert "  met    section Quick Summary (line " in out and "  met    section Open Questions (line " in out
    assert "  met    requirement triggers (every trigger that causes reassignment)" in out
    # a hit says where and which words decided it
    logout = next(ln for ln in out.splitlines() if ln.strip().startswith("met    'logout'"))
    assert "line " in logout and "matched " in logout and " by " in logout
    assert "unmet" not in out  # the dogfood doc is complete


def test_explain_a_miss_quotes_the_closest_passage(project):
    drop_logout(project)
    r = cli("explain", P4, cwd=project)
    assert r.returncode == 0, r.stderr
    assert "  unmet  requirement triggers (every trigger that causes reassignment)" in r.stdout
    miss = next(ln for ln in r.stdout.splitlines() if "'logout' in the doc" in ln)
    assert miss.strip().startswith("unmet") and ("closest line" in miss or "no passage comes close" in miss)
    # check agrees: the same requirement fails there
    c = cli("check", cwd=project)
    assert c.returncode == 1 and '"logout" is not covered in the doc' in c.stdout


def test_explain_with_a_line_shows_only_that_section(project):
    full = cli("explain", P4, cwd=project).stdout
    away = next(ln for ln in full.splitlines() if ln.strip().startswith("met    'away'"))
    line = int(away.split(": line ", 1)[1].split(",", 1)[0])  # where the doc first says it
    r = cli("explain", f"{P4}:{line}", cwd=project)
    assert r.returncode == 0, r.stderr
    body = r.stdout.splitlines()[1:]
    assert len([ln for ln in body if " section " in ln]) <= 1  # at most the section holding the line
    assert any("'away'" in ln for ln in body)
    assert not any("'database logging'" in ln for ln in body)


@pytest.mark.parametrize("target, message", [
    ("docs/index.md", "is not a feature doc"),
    ("docs/features/nope.md", "is not a feature doc"),
])
def test_explain_usage_errors(project, target, message):
    r = cli("explain", target, cwd=project)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
