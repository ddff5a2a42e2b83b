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


def test_the_compiled_shipped_contracts_are_current():
    """contracts/compiled.json holds the shipped contracts' data for the bytes it was compiled from (a build reads
    it instead of parsing their YAML): it must be written again whenever a shipped contract changes."""
    from mkdocs_reassign.model.contracts import SHIPPED_COMPILED, compile_shipped

    current = (schemas_dir() / "contracts" / SHIPPED_COMPILED).read_text(encoding="utf-8")
    assert current == compile_shipped(), "run: python -m mkdocs_reassign.model.contracts"


def test_a_shipped_contract_changed_since_compiling_is_read_from_its_yaml(tmp_path, monkeypatch):
    """The compiled data is what a load reads, and only for the exact bytes it came from: an edited shipped contract
    (a checkout edited by hand, an install patched in place) is parsed from its YAML, and its edit shows."""
    import shutil

    from mkdocs_reassign.model import contracts as mod

    (tmp_path / "contracts").mkdir()
    for p in SHIPPED:
        shutil.copy2(p, tmp_path / "contracts" / p.name)
    (tmp_path / "contracts" / mod.SHIPPED_COMPILED).write_text(mod.compile_shipped(tmp_path / "contracts"), encoding="utf-8")
    monkeypatch.setattr(mod, "schemas_dir", lambda: tmp_path)
    mod._compiled_text.cache_clear()
    try:
        same = load_contracts(None).contracts["feature-doc"]
        import json

        table = json.loads((tmp_path / "contracts" / mod.SHIPPED_COMPILED).read_text(encoding="utf-8"))
        table["feature-doc.yaml"]["data"]["name"] = "feature-doc-from-json"  # (to see which one a load reads)
        (tmp_path / "contracts" / mod.SHIPPED_COMPILED).write_text(json.dumps(table), encoding="utf-8")
        mod._compiled_text.cache_clear()
        assert "feature-doc-from-json" in load_contracts(None).contracts
        doc = tmp_path / "contracts" / "feature-doc.yaml"
        doc.write_text(doc.read_text(encoding="utf-8").replace("name: feature-doc", "name: feature-doc-edited", 1), encoding="utf-8")
        edited = load_contracts(None).contracts
    finally:
        mod._compiled_text.cache_clear()
    assert same.name == "feature-doc" and "feature-doc-edited" in edited and "feature-doc" not in edited
