"""The shipped contracts are trusted at run time (not validated on every check): valid against the schema here."""

from __future__ import annotations

import pytest

from mkdocs_reassign.markdown import yamlutil
from mkdocs_reassign.model.contracts import load_contracts, schemas_dir, validator

SHIPPED = sorted((schemas_dir() / "contracts").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_contract_is_valid(path):
    raw, _ = yamlutil.load(path.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator("contract.schema.json").iter_errors(raw)]
    assert errors == []


def test_shipped_contracts_load_without_problems():
    cs = load_contracts(None)
    assert cs.problems == [] and {"feature-doc", "visitor-reassignment"} <= set(cs.contracts)
    for c in cs.contracts.values():
        for r in c.requirements:
            for t in r.terms:
                assert t.concept is not None and t.concept.alternatives, (c.name, r.id, t.name)


def test_a_user_contract_is_still_validated(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\nrequirements:\n  - id: x\n    terms: [{any: [{all: []}]}]\n", encoding="utf-8")
    cs = load_contracts(str(tmp_path), str(tmp_path))
    assert [p.file for p in cs.problems] == ["bad.yaml"] and "requirements/0/terms/0" in cs.problems[0].message
