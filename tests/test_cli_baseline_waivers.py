"""Baselines and waivers, honoured alike by `mkdocs-reassign check` and `mkdocs build`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import (
    A3,
    P4,
    P4_H1,
    cli,
    drop_logout,
    edit,
    line_of,
    minimal_project,
    mkdocs_build,
)



def _drop_logout(root: Path) -> int:
    """The logout trigger gone from P4: one required-topic at its H1 (where a waiver under the H1 covers it)."""
    return drop_logout(root)


def _add_front_matter(root: Path, yaml_lines: str) -> None:
    edit(root / P4, "related: [P2, A3, V8]\n", "related: [P2, A3, V8]\n" + yaml_lines)


def _check(root: Path, *args: str) -> tuple[int, list[dict], dict]:
    r = cli("check", "--format", "json", *args, cwd=root)
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(r.stdout)
    return r.returncode, data["diagnostics"], data["summary"]


def _rules(diags) -> list[tuple[str, str]]:
    return sorted((d["path"], d["rule"]) for d in diags)


BUILD_LINE = re.compile(r"^(?:WARNING|INFO)\s+-\s+reassign: (?P<msg>.*)$")


def _build_lines(root: Path, *args: str, tool: str = "mkdocs") -> tuple[int, set[str]]:
    config = "properdocs.yml" if tool == "properdocs" else "mkdocs.yml"
    r = mkdocs_build(root, *args, config=config, tool=tool)
    out = r.stdout + r.stderr
    assert "Traceback" not in out, out
    return r.returncode, {m["msg"] for m in map(BUILD_LINE.match, out.splitlines()) if m}


def _cli_lines(root: Path) -> set[str]:
    r = cli("check", cwd=root)
    return {ln for ln in r.stdout.splitlines()[:-1]}  # all but the summary line


@pytest.fixture
def project(tmp_path) -> Path:
    return minimal_project(tmp_path / "proj")


# ------------------------------------------------------------------ baselines


def test_baseline_then_check_passes_and_a_new_defect_fails(project):
    _drop_logout(project)
    edit(project / A3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\n[gone](gone.md)\n")
    rc, diags, _ = _check(project)
    assert rc == 1 and len(diags) == 2
    r = cli("baseline", cwd=project)
    assert r.returncode == 0, r.stderr
    assert "wrote 2 diagnostic(s)" in r.stdout
    base = project / ".reassign-baseline.json"
    data = json.loads(base.read_text(encoding="utf-8"))
    assert len(data["diagnostics"]) == 2 and data["version"] == 1
    assert not [p for p in project.iterdir() if p.name.startswith(".reassign-baseline.") and p != base]

    rc, diags, summary = _check(project, "--baseline", str(base))
    assert rc == 0 and diags == [] and summary["waived"] == 2
    assert cli("check", "--baseline", ".reassign-baseline.json", "--strict", cwd=project).returncode == 0

    # line moves do not break the baseline
    edit(project / A3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\n\nMoved down.\n")
    assert _check(project, "--baseline", str(base))[0] == 0

    # a new defect fails, and only it is reported
    edit(project / A3, "## 5. UI/UX REVIEW\n", "## 5. UI/UX REVIEW\n[also gone](other-gone.md)\n")
    rc, diags, summary = _check(project, "--baseline", str(base))
    assert rc == 1 and [d["message"] for d in diags] == ["link target 'other-gone.md' does not exist"]
    assert summary["waived"] == 2


def test_baseline_counts_repeated_diagnostics(project):
    """Two identical broken links after a baseline of one: the second is new."""
    edit(project / A3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\n[gone](gone.md)\n")
    assert cli("baseline", "-o", "b.json", cwd=project).returncode == 0
    edit(project / A3, "## 5. UI/UX REVIEW\n", "## 5. UI/UX REVIEW\n[gone](gone.md)\n")
    rc, diags, summary = _check(project, "--baseline", "b.json")
    assert rc == 1 and len(diags) == 1 and summary["waived"] == 1


def test_baseline_plugin_option_is_honoured_by_check_and_by_mkdocs_build(tmp_path):
    project = minimal_project(tmp_path / "proj", options="baseline: reassign-baseline.json")
    _drop_logout(project)
    # before the baseline exists: check says how to make it (usage error), build warns
    r = cli("check", cwd=project)
    assert r.returncode == 2 and "mkdocs-reassign baseline" in r.stderr
    r = cli("baseline", cwd=project)
    assert r.returncode == 0 and (project / "reassign-baseline.json").is_file()
    assert cli("check", cwd=project).returncode == 0
    rc, lines = _build_lines(project, "--strict")
    assert rc == 0 and lines == set(), lines
    # a new gap fails both
    edit(project / A3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\n[gone](gone.md)\n")
    rc, diags, _ = _check(project)
    assert rc == 1 and [(d["path"], d["rule"]) for d in diags] == [(A3, "broken-link")]
    rc, lines = _build_lines(project, "--strict")
    assert rc == 1 and lines == _cli_lines(project) and len(lines) == 1


# ------------------------------------------------------------------ waivers


def test_front_matter_waiver_with_reason(project):
    line = _drop_logout(project)
    rc, diags, _ = _check(project)
    assert rc == 1 and [(d["path"], d["line"], d["rule"]) for d in diags] == [(P4, line, "required-topic")]
    _add_front_matter(project, 'waive: {required-topic: "logout is the away path, documented in A3"}\n')
    rc, diags, summary = _check(project)
    assert rc == 0 and diags == [] and summary["waived"] == 1


def test_waiver_by_requirement_id_and_future_until(project):
    _drop_logout(project)
    _add_front_matter(project, "waive:\n  triggers: {reason: logout is covered by away, until: 2999-01-01}\n")
    rc, diags, summary = _check(project)
    assert rc == 0 and diags == [] and summary["waived"] == 1


def test_expired_waiver_is_reported_and_the_diagnostic_is_back(project):
    _drop_logout(project)
    _add_front_matter(project, "waive:\n  required-topic: {reason: until the logout rework, until: 2020-01-01}\n")
    line = line_of(project / P4, P4_H1.strip())
    rc, diags, _ = _check(project)
    assert rc == 1
    got = {(d["rule"], d["line"]) for d in diags}
    assert ("required-topic", line) in got
    expired = [d for d in diags if d["rule"] == "waiver"]
    assert len(expired) == 1 and "expired on 2020-01-01" in expired[0]["message"]
    assert expired[0]["line"] == line_of(project / P4, "waive:")


def test_inline_waiver_is_scoped_to_its_section(project):
    line = _drop_logout(project)
    # in another section: does not cover the diagnostic at the H1
    edit(project / P4, "### Accessibility\n", '### Accessibility\n<!-- reassign: waive required-topic "wrong place" -->\n')
    rc, diags, _ = _check(project)
    assert rc == 1 and [(d["rule"], d["line"]) for d in diags] == [("required-topic", line)]
    # under the H1 (before any section): covers the whole doc
    edit(project / P4, P4_H1, P4_H1 + '<!-- reassign: waive required-topic "logout follows the away path" -->\n')
    rc, diags, summary = _check(project)
    assert rc == 0 and diags == [] and summary["waived"] == 1


def test_waiver_without_reason_is_reported_and_waives_nothing(project):
    line = _drop_logout(project)
    edit(project / P4, P4_H1, P4_H1 + "<!-- reassign: waive required-topic -->\n")
    rc, diags, _ = _check(project)
    assert rc == 1
    assert ("required-topic", line) in {(d["rule"], d["line"]) for d in diags}
    w = [d for d in diags if d["rule"] == "waiver"]
    assert len(w) == 1 and "no reason" in w[0]["message"] and w[0]["line"] == line + 1


def test_front_matter_waiver_without_reason(project):
    _drop_logout(project)
    _add_front_matter(project, 'waive: {required-topic: ""}\n')
    rc, diags, _ = _check(project)
    rules = {d["rule"] for d in diags}
    assert rc == 1 and {"required-topic", "waiver"} <= rules <= {"required-topic", "waiver", "front-matter"}, diags


def test_waiver_of_an_unknown_rule_is_reported(project):
    _add_front_matter(project, 'waive: {requried-topic: "typo"}\n')
    rc, diags, _ = _check(project)
    assert rc == 1 and [d["rule"] for d in diags] == ["waiver"] and "requried-topic" in diags[0]["message"]


def test_waiver_severity_follows_the_option(tmp_path):
    project = minimal_project(tmp_path / "proj", options="severity: {waiver: warning}")
    _add_front_matter(project, 'waive: {requried-topic: "typo"}\n')
    rc, diags, _ = _check(project)
    assert rc == 0 and [(d["rule"], d["severity"]) for d in diags] == [("waiver", "warning")]


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_cli_and_mkdocs_build_report_the_same_lines(project, tool):
    """Waivers (kept, expired, reasonless, misplaced) and gaps: the same lines from both."""
    if tool == "properdocs":
        (project / "mkdocs.yml").rename(project / "properdocs.yml")
    _drop_logout(project)
    edit(project / P4, P4_H1, P4_H1 + '<!-- reassign: waive required-topic "covered by away" -->\n')
    edit(project / P4, "### Accessibility\n", "### Accessibility\n<!-- reassign: waive diagram -->\n")
    _add_front_matter(project, "waive:\n  broken-link: {reason: old link, until: 2020-01-01}\n")
    edit(project / P4, "## 4. EDGE CASES\n", "## 4. EDGE CASES\n[gone](gone.md)\n")
    edit(project / A3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\nSee Q-1124-099.\n")
    cli_lines = _cli_lines(project)
    assert len(cli_lines) == 4, cli_lines  # expired waiver, broken link, reasonless waiver, unknown finding
    rc, build_lines = _build_lines(project, tool=tool)
    assert rc == 0
    assert build_lines == cli_lines
    rc, _ = _build_lines(project, "--strict", tool=tool)
    assert rc == 1
