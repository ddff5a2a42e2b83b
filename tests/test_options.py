"""The options' one declaration (options.DECLARATION) drives the dataclass, MkDocs' config scheme,
validation and the docs' options table: each of them is checked against it here."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_reassign import options
from mkdocs_reassign.options import DECLARATION, OPTIONS, OptionError, Options, markdown_table, validate

REPO = Path(__file__).resolve().parent.parent
TABLE = re.compile(r"<!-- options-table:start -->\n(.*?)<!-- options-table:end -->", re.S)


def test_docs_options_table_matches_the_declaration():
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    m = TABLE.search(text)
    assert m, "docs/configuration.md has no <!-- options-table:start --> ... <!-- options-table:end --> block"
    assert m.group(1) == markdown_table(), "regenerate it with: python -m mkdocs_reassign.options --markdown"
    for o in DECLARATION:  # and every option has its own section, which the table links to
        assert f"\n### {o.name}\n" in text, o.name


def test_markdown_script_prints_the_table():
    r = subprocess.run([sys.executable, "-m", "mkdocs_reassign.options", "--markdown"], capture_output=True, text=True,
                       encoding="utf-8", cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert r.stdout == markdown_table()


def test_dataclass_defaults_come_from_the_declaration():
    assert [f.name for f in dataclasses.fields(Options)] == [o.name for o in DECLARATION]
    opts = Options()
    for o in DECLARATION:
        assert getattr(opts, o.name) == o.default, o.name
    a, b = Options(), Options()
    a.features.append("x/*.md")
    a.severity["diagram"] = "off"
    assert b.features == OPTIONS["features"].default and b.severity == {}  # defaults are never shared
    assert validate({}) == Options()


def test_mkdocs_scheme_comes_from_the_declaration():
    from mkdocs_reassign.plugin import ReassignConfig, ReassignPlugin

    assert [name for name, _ in ReassignConfig._schema] == [o.name for o in DECLARATION]
    plugin = ReassignPlugin()
    errors, warnings = plugin.load_config({})
    assert errors == [] and warnings == []
    assert validate({k: v for k, v in plugin.config.items()}) == Options()


def test_plugin_scheme_accepts_what_validate_accepts():
    from mkdocs_reassign.plugin import ReassignPlugin

    raw = {"features": ["docs/*.md"], "banner": "always", "severity": {"diagram": False}, "overview_page": "",
           "finding_types": [{"prefix": "X", "name": "Extra"}], "attention_table": False}
    plugin = ReassignPlugin()
    errors, _ = plugin.load_config(dict(raw))
    assert errors == []
    opts = validate({k: v for k, v in plugin.config.items()})
    assert opts.banner == "always" and opts.severity == {"diagram": "off"} and opts.overview_page is None


def test_plugin_accepts_a_single_glob_string():
    """The CLI, the docs and the plugin agree: one glob string is a list of one."""
    from mkdocs_reassign.plugin import ReassignPlugin

    assert validate({"features": "docs/*.md"}).features == ["docs/*.md"]
    plugin = ReassignPlugin()
    errors, _ = plugin.load_config({"features": "docs/*.md"})
    assert errors == [] and plugin.config["features"] == ["docs/*.md"]


@pytest.mark.parametrize(("raw", "fragment"), [
    ({"banners": "serve"}, "option 'banners': unknown option (did you mean 'banner'? known: features,"),
    ({"contract_dir": "c"}, "did you mean 'contracts_dir'?"),
    ({"zzzz": 1}, "option 'zzzz': unknown option (known: features,"),
    ({"severity": {"broken-links": "off"}}, "unknown rule 'broken-links' (did you mean 'broken-link'? known:"),
    ({"banner": "sometimes"}, "expected one of serve, always, never, got 'sometimes'"),
])
def test_validate_explains(raw, fragment):
    with pytest.raises(OptionError) as err:
        validate(raw)
    assert fragment in str(err.value)


def test_plugin_suggests_a_name_for_an_unknown_option():
    from mkdocs.exceptions import PluginError

    from mkdocs_reassign.plugin import ReassignPlugin

    plugin = ReassignPlugin()
    plugin.load_config({"banners": "serve"})
    with pytest.raises(PluginError, match=r"reassign: option 'banners': unknown option \(did you mean 'banner'\?"):
        plugin.on_config(None)


def test_every_kind_is_declared():
    assert {o.kind for o in DECLARATION} <= set(options.KINDS)


def test_default_finding_types_are_data():
    """schemas/finding-types.yaml is the default registry: valid as a finding_types value, shipped beside the
    other schemas, and named in docs/findings.md."""
    from mkdocs_reassign.markdown import yamlutil
    from mkdocs_reassign.model import findings
    from mkdocs_reassign.model.contracts import schemas_dir

    path = schemas_dir() / "finding-types.yaml"
    data, _ = yamlutil.load(path.read_text(encoding="utf-8"))
    assert data == findings.DEFAULT_TYPES
    registry, problems = findings.make_registry(data, Options().id_pattern)
    assert problems == []
    assert [t.prefix for t in registry.types] == ["CRIT", "Q", "UI", "CRED", "UX", "QA", "M"]
    assert "schemas/finding-types.yaml" in (REPO / "docs" / "findings.md").read_text(encoding="utf-8")
