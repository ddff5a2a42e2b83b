"""Golden tests: every case under tests/golden/ is checked twice.

1. Through the core (``validate(walk_docs(...), Project(...))``): the formatted active
   diagnostics must equal ``expected.txt`` line for line, in report order, and the
   waived ones must equal ``waived.txt`` (absent = none).
2. Through a real ``mkdocs build --strict`` (cases with a ``mkdocs.yml``): the
   plugin's log lines must equal ``expected.txt`` (warnings = error and warning
   lines, infos = info lines), and the build fails exactly when one of them is an
   error or a warning.

Cases live under the rule they exercise: ``tests/golden/<rule-id>/<case>/``. Every registered rule has
a failing case (its expected.txt has a line of the rule) and a passing one (``pass-*``, or any case of the
folder with no line of the rule); ``test_every_rule_has_goldens_docs_and_sarif`` holds that.

A case directory holds an input tree: ``docs/``, optional ``mkdocs.yml`` (its
``reassign`` plugin block is the case's options), optional ``options.yml`` (the
options of a case without ``mkdocs.yml``), optional ``contracts/`` and ``src/``.

Regenerate the expected files with ``REASSIGN_UPDATE_GOLDEN=1 pytest
tests/test_golden.py`` (or only new cases: ``pytest "tests/test_golden.py::test_core[<rule-id>/<case>]"``)
-- then read every changed line: a golden file that
encodes a bug is worse than none.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_reassign.options import validate
from mkdocs_reassign.engine import Project, walk_docs
from mkdocs_reassign.engine import validate as validate_tree

GOLDEN = Path(__file__).resolve().parent / "golden"
# A case is any folder holding a docs/ folder, at any depth: tests/golden/<rule-id>/<case>/ (its ID, e.g.
# "required-topic/p4-gaps", is its path under tests/golden).
CASES = sorted(p.parent.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("docs") if p.is_dir()
               and not any(q.name == "docs" for q in p.relative_to(GOLDEN).parents if q.name)) if GOLDEN.is_dir() else []
UPDATE = os.environ.get("REASSIGN_UPDATE_GOLDEN") == "1"
# Waiver expiry is judged against this date in the core run; the fixtures use dates
# far from it (2020 expired, 2999 valid) so the build (which uses the real date) agrees.
TODAY = datetime.date(2026, 6, 1)
PLUGIN_LINE = re.compile(r"^(?P<level>WARNING|INFO|ERROR|DEBUG)\s+-\s+reassign: (?P<msg>.*)$")


def _plugin_block(cfg: dict) -> dict:
    plugins = cfg.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    for entry in plugins:
        if entry == "reassign":
            return {}
        if isinstance(entry, dict) and "reassign" in entry:
            return dict(entry["reassign"] or {})
    raise AssertionError("mkdocs.yml of a golden case must enable the reassign plugin")


def load_case(case: Path) -> tuple[Path, dict]:
    """(docs_dir, raw plugin options) of a case."""
    mk = case / "mkdocs.yml"
    if mk.exists():
        assert not (case / "options.yml").exists(), f"{case.name}: options belong in mkdocs.yml when it exists"
        cfg = yaml.safe_load(mk.read_text(encoding="utf-8")) or {}
        return case / cfg.get("docs_dir", "docs"), _plugin_block(cfg)
    opt = case / "options.yml"
    raw = yaml.safe_load(opt.read_text(encoding="utf-8")) if opt.exists() else {}
    return case / "docs", raw or {}


def run_core(case: Path) -> tuple[list[str], list[str]]:
    docs, raw = load_case(case)
    report = validate_tree(walk_docs(str(docs)), Project(str(case), str(docs), validate(raw), today=TODAY))
    active = [d.format() for d in report.active]
    waived = [f"{d.format()} [waived: {d.waived}]" for d in report.diagnostics if d.waived and d.severity != "off"]
    return active, waived


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def _write_lines(path: Path, lines: list[str]) -> None:
    if lines or path.name == "expected.txt":
        path.write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
    elif path.exists():
        path.unlink()


def _severity(line: str) -> str:
    m = re.match(r"^[^:]+(?::\d+)?: (error|warning|info): ", line)
    assert m, f"not a diagnostic line: {line}"
    return m.group(1)


def test_cases_exist():
    assert len(CASES) >= 15, "the golden cases are missing"
    for name in CASES:
        assert (GOLDEN / name / "docs").is_dir(), f"{name}: no docs/ folder"
        if not UPDATE:
            assert (GOLDEN / name / "expected.txt").exists(), f"{name}: no expected.txt"


@pytest.mark.parametrize("name", CASES)
def test_core(name):
    case = GOLDEN / name
    active, waived = run_core(case)
    if UPDATE:
        _write_lines(case / "expected.txt", active)
        _write_lines(case / "waived.txt", waived)
    assert active == _read_lines(case / "expected.txt")
    assert waived == _read_lines(case / "waived.txt")


@pytest.mark.parametrize("name", [n for n in CASES if (GOLDEN / n / "mkdocs.yml").exists()])
def test_mkdocs_build(name, tmp_path):
    case = GOLDEN / name
    expected = _read_lines(case / "expected.txt")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
    env.pop("REASSIGN_UPDATE_GOLDEN", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(case / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=case, env=env, capture_output=True, text=True, timeout=120,
    )
    out = proc.stdout + proc.stderr
    warnings, infos = [], []
    for line in out.splitlines():
        m = PLUGIN_LINE.match(line.rstrip())
        if m:
            (infos if m.group("level") == "INFO" else warnings).append(m.group("msg"))
    assert warnings == [ln for ln in expected if _severity(ln) != "info"], out
    assert infos == [ln for ln in expected if _severity(ln) == "info"], out
    failing = any(_severity(ln) != "info" for ln in expected)
    assert (proc.returncode != 0) == failing, out
    if not failing:
        assert (tmp_path / "site" / "reassign-report.json").is_file()


RULES_MD = GOLDEN.parent.parent / "docs" / "rules.md"
_RULE_SECTION = re.compile(r"^## (?P<id>[a-z-]+) \{#(?P=id)\}$", re.M)


def _rule_lines(case: str, rule: str) -> list[str]:
    return [ln for ln in _read_lines(GOLDEN / case / "expected.txt") if re.match(rf"^[^:]+(?::\d+)?: \w+: {re.escape(rule)}: ", ln)]


def test_every_rule_has_goldens_docs_and_sarif():
    """One home per rule: each registered rule has golden cases under its own folder (one failing, one
    passing), a section in docs/rules.md with a failing and a passing example, and SARIF metadata."""
    import json

    from mkdocs_reassign.output.formats import fmt_sarif, help_uri
    from mkdocs_reassign.rules import REGISTRY

    text = RULES_MD.read_text(encoding="utf-8")
    heads = list(_RULE_SECTION.finditer(text))
    sections = {m.group("id"): text[m.end():(heads[i + 1].start() if i + 1 < len(heads) else len(text))]
                for i, m in enumerate(heads)}
    sarif_rules = {r["id"]: r for r in json.loads(fmt_sarif([], 0))["runs"][0]["tool"]["driver"]["rules"]}
    problems = []
    for rule in REGISTRY.values():
        cases = [c for c in CASES if c.startswith(rule.id + "/")]
        if not any(_rule_lines(c, rule.id) for c in cases):
            problems.append(f"{rule.id}: no failing golden case under tests/golden/{rule.id}/")
        if not any(not _rule_lines(c, rule.id) for c in cases):
            problems.append(f"{rule.id}: no passing golden case under tests/golden/{rule.id}/ (e.g. pass-*)")
        body = sections.get(rule.id)
        if body is None:
            problems.append(f"{rule.id}: no '## {rule.id} {{#{rule.id}}}' section in docs/rules.md")
        else:
            if not re.search(r"^Failing\b", body, re.M) or f": {rule.id}: " not in body:
                problems.append(f"{rule.id}: docs/rules.md has no failing example with its diagnostic")
            if not re.search(r"^Passing\b", body, re.M):
                problems.append(f"{rule.id}: docs/rules.md has no passing example")
        meta = sarif_rules.get(rule.id)
        if meta is None or meta["shortDescription"]["text"] != rule.summary or meta["helpUri"] != help_uri(rule) \
                or not meta["helpUri"].endswith("#" + rule.id):
            problems.append(f"{rule.id}: SARIF metadata missing or not from the registry: {meta}")
    assert sorted(sections) == sorted(REGISTRY), "docs/rules.md sections and the registry differ"
    assert not problems, "\n".join(problems)
    folders = {c.split("/")[0] for c in CASES}
    assert folders <= set(REGISTRY), f"golden folders that name no rule: {sorted(folders - set(REGISTRY))}"
