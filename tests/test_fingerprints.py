"""Baseline fingerprints do not depend on neighbouring text: fixing one gap leaves the others' fingerprints alone."""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs_reassign.engine import Project, validate, walk_docs
from mkdocs_reassign.model.diagnostics import Diagnostic, normalise_fingerprint
from mkdocs_reassign.options import validate as options
from mkdocs_reassign.waivers import apply_baseline, read_baseline

CONTRACT = """name: three
applies_to:
  paths: ["features/**"]
sections:
  - {id: summary, names: [Summary], level: 2}
  - {id: how, names: [How It Works], level: 2}
  - {id: related, names: [Related Features], level: 2}
"""


def _tree(root: Path, body: str) -> list[Diagnostic]:
    (root / "contracts").mkdir(parents=True, exist_ok=True)
    (root / "contracts" / "three.yaml").write_text(CONTRACT, encoding="utf-8")
    (root / "docs" / "features").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "features" / "kiosk.md").write_text(body, encoding="utf-8")
    rep = validate(walk_docs(str(root / "docs")), Project(str(root), str(root / "docs"), options({"contracts_dir": "contracts"})))
    return [d for d in rep.active if d.rule == "required-section"]


def test_fixing_one_gap_keeps_the_others_fingerprints(tmp_path):
    before = _tree(tmp_path, "# Feature: Kiosk (K1)\n\n## Related Features\n\nNone.\n")
    assert [d.message for d in before] == ['section "SUMMARY" is missing (expected before "Related Features")',
                                           'section "HOW IT WORKS" is missing (expected before "Related Features")']
    after = _tree(tmp_path, "# Feature: Kiosk (K1)\n\n## How It Works\n\nIt works.\n\n## Related Features\n\nNone.\n")
    assert [d.message for d in after] == ['section "SUMMARY" is missing (expected before "How It Works")']
    assert after[0].fingerprint() == before[0].fingerprint()  # the message changed, its fingerprint did not
    assert "expected before" not in after[0].fingerprint()


def test_an_old_baseline_still_matches(tmp_path):
    (d,) = _tree(tmp_path, "# Feature: Kiosk (K1)\n\n## How It Works\n\nIt works.\n\n## Related Features\n\nNone.\n")
    old = f"{d.path}|{d.rule}|{d.requirement}|{d.message}"  # what earlier versions wrote: the whole message
    assert normalise_fingerprint(old) == d.fingerprint()
    path = tmp_path / "old-baseline.json"
    path.write_text(json.dumps({"version": 1, "tool": "mkdocs-reassign", "diagnostics": [old]}), encoding="utf-8")
    apply_baseline([d], read_baseline(str(path)))
    assert d.waived == "baseline"


def test_a_message_holding_a_pipe_is_left_whole():
    fp = "docs/a.md|broken-link||link target 'a|b.md' does not exist"
    assert normalise_fingerprint(fp) == fp
