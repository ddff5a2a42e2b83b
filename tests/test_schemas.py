"""The published JSON Schemas: stable $ids, the options schema made from options.DECLARATION (the file
cannot drift from it), agreement with what the plugin accepts, and the shipped contracts' modelines."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

from cli_support import REPO, cli
from mkdocs_reassign import jsonschemas, options
from mkdocs_reassign.cli import _read_config
from mkdocs_reassign.markdown import yamlutil
from mkdocs_reassign.model import findings
from mkdocs_reassign.model.contracts import load_contracts, schemas_dir


def _schema(name: str) -> dict:
    return json.loads((schemas_dir() / jsonschemas.SCHEMAS[name][0]).read_text(encoding="utf-8"))


def _errors(name: str, instance) -> list[str]:
    return [e.message for e in Draft202012Validator(_schema(name)).iter_errors(instance)]


def test_the_runtime_reads_the_checkouts_schemas_folder():
    """One source of truth: in a checkout the package reads schemas/ at the top (the wheel ships it as
    mkdocs_reassign/schemas/, tests/test_wheel.py checks that copy); there is no second copy to keep in step."""
    assert schemas_dir() == REPO / "schemas"
    assert not (REPO / "mkdocs_reassign" / "schemas").exists()


def test_options_schema_file_is_generated_from_the_declaration():
    path = schemas_dir() / "options.schema.json"
    assert path.read_text(encoding="utf-8") == jsonschemas.render(jsonschemas.options_schema()), (
        "schemas/options.schema.json is stale: run python -m mkdocs_reassign.jsonschemas --write")


@pytest.mark.parametrize("name", sorted(jsonschemas.SCHEMAS))
def test_every_schema_has_a_stable_id_and_is_valid(name):
    schema = _schema(name)
    file = jsonschemas.SCHEMAS[name][0]
    assert schema["$id"] == f"https://mkdocs-reassign.dev/schemas/{file}"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_id_scheme_is_documented():
    editors = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    assert jsonschemas.ID_BASE in editors
    for name, (file, _) in jsonschemas.SCHEMAS.items():
        assert f"mkdocs-reassign schema {name}" in editors and file in editors


def _config(plugin_options) -> dict:
    return {"site_name": "x", "plugins": ["search", {"reassign": plugin_options}]}


def test_defaults_and_the_repos_own_config_pass():
    assert _errors("options", _config(None)) == []
    assert _errors("options", _config({o.name: o.default for o in options.DECLARATION})) == []
    assert _errors("options", {"plugins": {"search": {}, "reassign": {"banner": "always"}}}) == []
    assert _errors("options", _read_config(str(REPO / "mkdocs.yml"))[0]) == []


@pytest.mark.parametrize("opt", options.DECLARATION, ids=lambda o: o.name)
def test_the_schema_rejects_what_validate_rejects(opt):
    """A number is a wrong value for every option: both the plugin and the schema refuse it."""
    with pytest.raises(options.OptionError):
        options.validate({opt.name: 12345})
    assert _errors("options", _config({opt.name: 12345})), opt.name
    assert _errors("options", {"plugins": {"reassign": {opt.name: 12345}}}), opt.name


def test_unknown_options_and_bad_severities_fail_both_ways():
    for raw in ({"banners": "serve"}, {"severity": {"broken-links": "off"}}, {"severity": {"diagram": "loud"}},
                {"banner": "sometimes"}, {"enabled": "yes"}):
        with pytest.raises(options.OptionError):
            options.validate(raw)
        assert _errors("options", _config(raw)), raw
    ok = {"severity": {"diagram": False, "template": "warning"}, "features": "docs/*.md", "source_root": None}
    options.validate(ok)
    assert _errors("options", _config(ok)) == []


def test_finding_type_entries_match_the_registry():
    """The schema's finding_types keys are the keys findings.make_registry accepts, and the shipped
    defaults (schemas/finding-types.yaml) validate as a finding_types value."""
    keys = jsonschemas._FINDING_TYPE_KEYS
    for key in keys:
        _, problems = findings.make_registry([{"prefix": "XY", key: {"prefix": "XY"}[key] if key == "prefix" else []}], "[A-Z][0-9]+")
        assert not any("unknown key" in p for p in problems), (key, problems)
    _, problems = findings.make_registry([{"prefix": "XY", "colour": "red"}], "[A-Z][0-9]+")
    assert problems and "unknown key" in problems[0]
    assert _errors("options", _config({"finding_types": [{"prefix": "XY", "colour": "red"}]}))
    assert _errors("options", _config({"finding_types": findings.DEFAULT_TYPES})) == []


MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)$")


@pytest.mark.parametrize("path", sorted((schemas_dir() / "contracts").glob("*.y*ml")), ids=lambda p: p.name)
def test_shipped_contracts_carry_a_modeline_to_the_contract_schema(path):
    text = path.read_text(encoding="utf-8")
    m = MODELINE.match(text.splitlines()[0])
    assert m, f"{path.name}: the first line is not a yaml-language-server modeline"
    target = (path.parent / m["target"]).resolve()
    assert target == (schemas_dir() / "contract.schema.json").resolve()
    raw, _ = yamlutil.load(text)
    assert _errors("contract", raw) == []


def test_a_user_contract_with_a_modeline_loads(tmp_path):
    (tmp_path / "billing.yaml").write_text(
        "# yaml-language-server: $schema=https://mkdocs-reassign.dev/schemas/contract.schema.json\n"
        "name: billing\nextends: feature-doc\n", encoding="utf-8")
    cs = load_contracts(str(tmp_path))
    assert not cs.problems, cs.problems
    assert "billing" in cs.contracts


# ------------------------------------------------------------------ mkdocs-reassign schema


def test_schema_list_names_every_schema(tmp_path):
    r = cli("schema", "--list", cwd=tmp_path)  # an empty folder: no config file is read
    assert r.returncode == 0, r.stderr
    rows = [line.split()[:2] for line in r.stdout.splitlines()]
    assert rows == [[n, f] for n, (f, _) in jsonschemas.SCHEMAS.items()]


@pytest.mark.parametrize("name", sorted(jsonschemas.SCHEMAS))
def test_schema_prints_the_shipped_file(tmp_path, name):
    r = cli("schema", name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (schemas_dir() / jsonschemas.SCHEMAS[name][0]).read_text(encoding="utf-8")
    assert json.loads(r.stdout)["$id"].endswith(jsonschemas.SCHEMAS[name][0])


def test_schema_unknown_name_is_a_usage_error_with_a_suggestion(tmp_path):
    r = cli("schema", "contrakt", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (2, "")
    assert "unknown schema 'contrakt' (did you mean 'contract'? known: contract, front-matter, options)" in r.stderr
    r = cli("schema", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (2, "")
    assert "--list" in r.stderr


# ------------------------------------------------------------------ docs/editors.md, as a reader follows it


def _fenced(page: str, info: str) -> list[str]:
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{info}\n(.*?)^```$", text, re.S | re.M)


def test_the_vs_code_setup_of_the_editors_page_works(tmp_path):
    """The page's shell lines write the files its settings.json maps, and those validate what they should:
    the repository's mkdocs.yml (options) and a shipped contract (contract)."""
    import subprocess
    import sys

    from cli_support import env

    (script,) = [b for b in _fenced("editors.md", "sh") if "mkdocs-reassign schema" in b]
    shim = f'mkdocs-reassign() {{ "{sys.executable}" -m mkdocs_reassign.cli "$@"; }}\n'
    r = subprocess.run(["bash", "-eo", "pipefail", "-c", shim + script], cwd=tmp_path, env=env(),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    (settings,) = [json.loads(b) for b in _fenced("editors.md", "json") if "yaml.schemas" in b]
    mapped = settings["yaml.schemas"]
    for target in mapped:
        path = tmp_path / target
        assert path.is_file(), f"settings.json maps {target}, which the page's commands do not write"
        assert json.loads(path.read_text(encoding="utf-8"))["$id"].startswith(jsonschemas.ID_BASE)
    by_glob = {g: json.loads((tmp_path / t).read_text(encoding="utf-8")) for t, gs in mapped.items() for g in gs}
    assert Draft202012Validator(by_glob["mkdocs.yml"]).is_valid(_read_config(str(REPO / "mkdocs.yml"))[0])
    assert not Draft202012Validator(by_glob["mkdocs.yml"]).is_valid(_config({"banners": "serve"}))
    raw, _ = yamlutil.load((schemas_dir() / "contracts" / "feature-doc.yaml").read_text(encoding="utf-8"))
    assert Draft202012Validator(by_glob["contracts/*.yaml"]).is_valid(raw)
    assert (tmp_path / ".schemas" / "front-matter.schema.json").is_file()  # what the .remarkrc.mjs maps
