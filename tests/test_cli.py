"""`mkdocs-reassign check` end to end: the real CLI in a subprocess on throwaway trees.

Exit codes 0 clean / 1 error-level diagnostics / 2 usage or configuration error; every
format (text, json, github, sarif, junit) carries every diagnostic with its file and line;
paths are relative to the project root; no site is built.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from cli_support import (
    A3,
    CLI,
    P4,
    REPO,
    SESSION,
    V8,
    assert_planted,
    cli,
    copy_dogfood,
    edit,
    env,
    json_diags,
    key,
    line_of,
    plant_defects,
    text_diags,
)

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
GH_LINE = re.compile(r"^::(?P<kind>error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),title=(?P<title>[a-z-]+)::(?P<msg>.+)$")


@pytest.fixture
def clean(tmp_path) -> Path:
    return copy_dogfood(tmp_path / "clean")


@pytest.fixture
def defects(tmp_path):
    root = copy_dogfood(tmp_path / "defects")
    return root, plant_defects(root)


def _no_site(root: Path) -> None:
    assert not (root / "site").exists(), "check must never build the site"


# ------------------------------------------------------------------ exit codes


def test_clean_tree_exits_0_in_every_format(clean):
    for fmt in ("text", "json", "github", "sarif", "junit"):
        r = cli("check", "--format", fmt, cwd=clean)
        assert r.returncode == 0, (fmt, r.stdout, r.stderr)
    r = cli("check", "--format", "json", cwd=clean)
    data = json.loads(r.stdout)
    assert data["diagnostics"] == []
    assert data["summary"]["errors"] == 0 and data["summary"]["files_checked"] >= 5
    assert cli("check", "--strict", cwd=clean).returncode == 0
    _no_site(clean)


def test_defects_exit_1_and_text_lists_each_with_file_and_line(defects):
    root, planted = defects
    r = cli("check", cwd=root)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = text_diags(r.stdout)
    found = set()
    for ln in lines:
        m = re.match(r"^(?P<path>[^:]+):(?P<line>\d+): (?:error|warning|info): (?P<rule>[a-z-]+): ", ln)
        assert m, ln
        found.add((m["path"], int(m["line"]), m["rule"]))
    assert_planted(found, planted)
    assert re.search(r"^\d+ error\(s\), \d+ warning\(s\), \d+ info\(s\) in \d+ file\(s\)$", r.stdout, re.M)
    _no_site(root)


# ------------------------------------------------------------------ formats


def _json(root: Path, *extra: str) -> list[dict]:
    r = cli("check", "--format", "json", *extra, cwd=root)
    assert r.returncode in (0, 1), r.stderr
    return json_diags(r.stdout)


def test_json_shape_and_project_relative_paths(defects):
    root, planted = defects
    r = cli("check", "--format", "json", cwd=root)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert set(data) == {"diagnostics", "summary"}
    diags = data["diagnostics"]
    assert diags
    for d in diags:
        assert {"path", "line", "column", "severity", "rule", "message"} <= set(d)
        assert d["severity"] in ("error", "warning", "info")
        assert isinstance(d["line"], int) and isinstance(d["column"], int)
        assert not Path(d["path"]).is_absolute() and d["path"].startswith("docs/") and "\\" not in d["path"]
        assert (root / d["path"]).is_file(), d["path"]
    assert any("requirement" in d for d in diags)  # contract diagnostics name their requirement
    s = data["summary"]
    assert s["errors"] == sum(d["severity"] == "error" for d in diags)
    assert s["warnings"] == sum(d["severity"] == "warning" for d in diags)
    assert_planted({key(d) for d in diags}, planted)


def test_sarif_is_valid_against_the_official_schema(defects):
    root, planted = defects
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    r = cli("check", "--format", "sarif", cwd=root)
    assert r.returncode == 1, r.stderr
    sarif = json.loads(r.stdout)
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    # the validator is not a rubber stamp
    broken = json.loads(r.stdout)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken))
    assert list(validator.iter_errors({"runs": []}))

    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    found = set()
    for res in run["results"]:
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        path = loc["artifactLocation"]["uri"]
        assert (root / path).is_file(), path
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        found.add((path, loc["region"]["startLine"], res["ruleId"]))
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
    expected = {(p, max(n, 1), rule) for p, n, rule in map(key, _json(root))}
    assert found == expected
    assert len(run["results"]) == len(_json(root))
    assert_planted(found, planted)


def test_sarif_rule_metadata_comes_from_the_registry(clean):
    from mkdocs_reassign.rules import REGISTRY

    r = cli("check", "--format", "sarif", cwd=clean)
    rules = json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert [x["id"] for x in rules] == list(REGISTRY)
    level = {"error": "error", "warning": "warning", "info": "note"}
    for x in rules:
        rule = REGISTRY[x["id"]]
        assert x["shortDescription"]["text"] == rule.summary
        assert x["defaultConfiguration"]["level"] == level[rule.severity]
        page, _, anchor = rule.anchor.partition("#")
        assert x["helpUri"].endswith(f"/{page.removesuffix('.md')}/#{anchor}") and anchor == rule.id


def test_list_rules_needs_no_config(tmp_path):
    from mkdocs_reassign.rules import REGISTRY

    r = cli("check", "--list-rules", cwd=tmp_path)  # no mkdocs.yml here
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["ID", "SCOPES", "SEVERITY", "SUMMARY", "DOCS"]
    assert len(lines) == 1 + len(REGISTRY)
    for line, rule in zip(lines[1:], REGISTRY.values()):
        assert line.startswith(rule.id + " ") and line.endswith("  " + rule.anchor), line
        assert f"  {','.join(rule.scopes)}  " in line and f"  {rule.severity}  " in line and rule.summary in line

    r = cli("check", "--list-rules", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)["rules"]
    assert [x["id"] for x in listed] == list(REGISTRY)
    for x in listed:
        rule = REGISTRY[x["id"]]
        assert (x["scopes"], x["severity"], x["summary"], x["anchor"]) == (list(rule.scopes), rule.severity, rule.summary,
                                                                          f"rules.md#{rule.id}")
    _usage(cli("check", "--list-rules", "--format", "sarif", cwd=tmp_path), "--list-rules")
    assert not list(tmp_path.iterdir()), "--list-rules writes nothing"


def test_sarif_percent_encodes_paths(tmp_path):
    root = copy_dogfood(tmp_path / "enc")
    weird = root / "docs/features/platform/queue ä#1.md"
    weird.write_text("# Feature: Weird (Q1)\n", encoding="utf-8")
    r = cli("check", "--format", "sarif", cwd=root)
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in json.loads(r.stdout)["runs"][0]["results"]}
    assert "docs/features/platform/queue%20%C3%A4%231.md" in uris


def test_github_annotations(defects):
    root, planted = defects
    r = cli("check", "--format", "github", cwd=root)
    assert r.returncode == 1
    found = set()
    lines = r.stdout.splitlines()
    for ln in lines:
        m = GH_LINE.match(ln)
        assert m, ln
        assert "\n" not in m["msg"]
        found.add((m["file"], int(m["line"]), m["title"]))
    diags = _json(root)
    assert len(lines) == len(diags)
    assert found == {key(d) for d in diags}
    kinds = {m["kind"] for m in map(GH_LINE.match, lines)}
    assert kinds == {"error", "warning"}  # unknown-finding is a warning by default
    assert_planted(found, planted)


def test_github_paths_are_relative_to_the_workspace(defects, monkeypatch):
    """Under GitHub Actions a project in a subfolder of the repository gets that folder in front."""
    root, _ = defects
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root.parent))
    r = cli("check", "--format", "github", cwd=root)
    files = {GH_LINE.match(ln)["file"] for ln in r.stdout.splitlines()}
    assert files and all(f.startswith(root.name + "/docs/") for f in files), files
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    r = cli("check", "--format", "github", cwd=root)
    assert all(GH_LINE.match(ln)["file"].startswith("docs/") for ln in r.stdout.splitlines())


def test_github_escapes_property_and_message_text():
    from mkdocs_reassign.model.diagnostics import Diagnostic
    from mkdocs_reassign.output.formats import fmt_github

    out = fmt_github([Diagnostic("docs/a,b:c.md", 3, "broken-link", "50% of\nit", severity="warning")])
    assert out == "::warning file=docs/a%2Cb%3Ac.md,line=3,col=1,title=broken-link::50%25 of%0Ait\n"


def test_junit_xml(defects):
    root, planted = defects
    r = cli("check", "--format", "junit", cwd=root)
    assert r.returncode == 1
    tree = ET.fromstring(r.stdout)
    assert tree.tag == "testsuites"
    cases = tree.findall("./testsuite/testcase")
    diags = _json(root)
    assert len(cases) == len(diags) == int(tree.get("tests"))
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(tree.get("failures")) == len(failures) == sum(d["severity"] in ("error", "warning") for d in diags)
    found = set()
    for c in cases:
        f = c.find("failure")
        assert f is not None
        found.add((c.get("file"), int(c.get("line")), f.get("type")))
        assert c.get("classname") == c.get("file")
        assert f"{c.get('file')}:{c.get('line')}:" in f.text
    for suite in tree.findall("testsuite"):
        names = [c.get("name") for c in suite.findall("testcase")]
        assert int(suite.get("tests")) == len(names)
    assert found == {key(d) for d in diags}
    assert_planted(found, planted)


def test_junit_clean_is_one_passing_case(clean):
    r = cli("check", "--format", "junit", cwd=clean)
    assert r.returncode == 0
    tree = ET.fromstring(r.stdout)
    assert tree.get("failures") == "0" and len(tree.findall(".//testcase")) == 1


def test_junit_survives_control_characters():
    from mkdocs_reassign.model.diagnostics import Diagnostic
    from mkdocs_reassign.output.formats import fmt_junit

    out = fmt_junit([Diagnostic("docs/a.md", 1, "feature-id", 'bad \x1b[31m "H1" <&>')])
    ET.fromstring(out)


def test_output_file(defects, tmp_path):
    root, _ = defects
    out = tmp_path / "reports" / "r.sarif"
    r = cli("check", "--format", "sarif", "-o", str(out), cwd=root)
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert not [p for p in out.parent.iterdir() if p.name != "r.sarif"]


# ------------------------------------------------------------------ usage errors (exit 2)


def _usage(r: subprocess.CompletedProcess, fragment: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert fragment in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_missing_config_is_a_usage_error(tmp_path):
    _usage(cli("check", cwd=tmp_path), "no mkdocs.yml")
    _usage(cli("check", "-f", "nope.yml", cwd=tmp_path), "does not exist")


def test_bad_options_are_usage_errors(clean):
    _usage(cli("check", "--format", "xml", cwd=clean), "invalid choice")
    _usage(cli("check", "--no-such-flag", cwd=clean), "unrecognized arguments")
    _usage(cli(cwd=clean), "")  # no command
    _usage(cli("check", "docs/no-such-file.md", cwd=clean), "does not exist")


def test_bad_plugin_options_are_usage_errors(clean):
    cfg = clean / "mkdocs.yml"
    original = cfg.read_text(encoding="utf-8")
    cfg.write_text(original.replace("source_root: null", "source_root: null\n      no_such_option: 1"), encoding="utf-8")
    _usage(cli("check", cwd=clean), "no_such_option")
    cfg.write_text(original.replace("source_root: null", "source_roots: src"), encoding="utf-8")
    _usage(cli("check", cwd=clean), "option 'source_roots': unknown option (did you mean 'source_root'?")
    cfg.write_text(original.replace("source_root: null", "severity: {broken-link: loud}"), encoding="utf-8")
    _usage(cli("check", cwd=clean), "loud")
    cfg.write_text(original + "\nnav: [unclosed\n", encoding="utf-8")
    _usage(cli("check", cwd=clean), "invalid YAML")
    cfg.write_text(original.replace("docs_dir: docs", "docs_dir: missing"), encoding="utf-8")
    _usage(cli("check", cwd=clean), "docs_dir")


def test_bad_baseline_is_a_usage_error(clean):
    _usage(cli("check", "--baseline", "missing.json", cwd=clean), "cannot read baseline")
    (clean / "b.json").write_text("{not json", encoding="utf-8")
    _usage(cli("check", "--baseline", "b.json", cwd=clean), "not valid JSON")
    (clean / "b.json").write_text('{"diagnostics": 3}', encoding="utf-8")
    _usage(cli("check", "--baseline", "b.json", cwd=clean), "mkdocs-reassign baseline")


# ------------------------------------------------------------------ config discovery, paths


def test_properdocs_yml_is_found(defects):
    root, planted = defects
    before = _json(root)
    (root / "mkdocs.yml").rename(root / "properdocs.yml")
    r = cli("check", "--format", "json", cwd=root)
    assert r.returncode == 1, r.stderr
    assert json_diags(r.stdout) == before
    assert cli("check", "-f", "properdocs.yml", cwd=root).returncode == 1


def test_paths_are_relative_to_the_project_root_not_the_cwd(defects):
    root, _ = defects
    here = _json(root)
    r = cli("check", "--format", "json", "-f", str(root / "mkdocs.yml"), cwd=root.parent)
    assert json_diags(r.stdout) == here
    r = cli("check", "--format", "json", "-f", "../mkdocs.yml", cwd=root / "docs")
    assert json_diags(r.stdout) == here


def test_path_arguments_filter_the_report(defects):
    root, _ = defects
    everything = _json(root)
    only_a3 = [d for d in everything if d["path"] == A3]
    assert only_a3
    r = cli("check", "--format", "json", A3, cwd=root)
    assert r.returncode == 1 and json_diags(r.stdout) == only_a3
    r = cli("check", "--format", "json", "docs/features/agent/", cwd=root)
    assert json_diags(r.stdout) == only_a3
    # PATH is relative to the current folder: from inside docs/features, "agent" is docs/features/agent
    r = cli("check", "--format", "json", "-f", "../../mkdocs.yml", "agent", cwd=root / "docs" / "features")
    assert r.returncode == 1 and json_diags(r.stdout) == only_a3
    # a clean file: exit 0 even though the tree has errors elsewhere
    r = cli("check", V8, cwd=root)
    assert r.returncode == 0, r.stdout
    r = cli("check", "--format", "json", A3, SESSION, cwd=root)
    assert {d["path"] for d in json_diags(r.stdout)} == {A3, SESSION}
    r = cli("check", "--format", "json", ".", cwd=root)
    assert json_diags(r.stdout) == everything


def test_strict_fails_on_warnings(tmp_path):
    root = copy_dogfood(tmp_path / "warn")
    edit(root / A3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\nSee Q-1124-099.\n")
    r = cli("check", "--format", "json", cwd=root)
    diags = json_diags(r.stdout)
    assert [d["rule"] for d in diags] == ["unknown-finding"] and diags[0]["severity"] == "warning"
    assert r.returncode == 0
    assert cli("check", "--strict", cwd=root).returncode == 1
    # and severities come from the plugin options
    edit(root / "mkdocs.yml", "source_root: null", "source_root: null\n      severity: {unknown-finding: error}")
    assert cli("check", cwd=root).returncode == 1
    edit(root / "mkdocs.yml", "unknown-finding: error", "unknown-finding: 'off'")
    r = cli("check", "--strict", "--format", "json", cwd=root)
    assert r.returncode == 0 and json_diags(r.stdout) == []


def test_inherit_and_env_tags_in_the_config(tmp_path):
    root = copy_dogfood(tmp_path / "inh")
    plant_defects(root)
    (root / "base.yml").write_text("site_name: base\nplugins:\n  - reassign:\n      severity: !ENV [REASSIGN_LEVEL, error]\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("INHERIT: base.yml\ndocs_dir: !ENV [NO_SUCH_VAR_XYZ, docs]\n", encoding="utf-8")
    r = cli("check", cwd=root)
    _usage(r, "severity")  # the default 'error' is not a mapping: the option really is read from base.yml
    (root / "base.yml").write_text("site_name: base\nplugins:\n  - reassign:\n      exclude: !ENV [REASSIGN_EXCLUDE, ['**/index.md']]\n"
                                   "      severity: {required-section: 'off', template: 'off', feature-id: 'off', required-topic: 'off', front-matter: 'off',"
                                   " broken-link: 'off', attention-drift: 'off', unknown-finding: 'off'}\n", encoding="utf-8")
    r = cli("check", "--format", "json", cwd=root)
    assert r.returncode == 0 and json_diags(r.stdout) == [], r.stdout + r.stderr
    (root / "mkdocs.yml").write_text("INHERIT: base.yml\ndocs_dir: !ENV {a: b}\n", encoding="utf-8")
    _usage(cli("check", cwd=root), "mkdocs.yml:2: invalid YAML")  # !ENV of a mapping: as MkDocs, refused


def test_mkdocs_default_exclusions_are_honoured(tmp_path):
    """docs/templates/ and exclude_docs are not part of the site, so not checked (as under MkDocs)."""
    root = copy_dogfood(tmp_path / "excl")
    for rel in ("docs/templates/features/x.md", "docs/features/drafts/y.md"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("# Feature: no id\n", encoding="utf-8")
    r = cli("check", "--format", "json", cwd=root)
    assert {d["path"] for d in json_diags(r.stdout)} == {"docs/features/drafts/y.md"}
    cfg = root / "mkdocs.yml"  # the dogfood config may already exclude something: add to its block
    if "exclude_docs: |\n" in cfg.read_text(encoding="utf-8"):
        edit(cfg, "exclude_docs: |\n", "exclude_docs: |\n  drafts/\n")
    else:
        edit(cfg, "docs_dir: docs\n", "docs_dir: docs\nexclude_docs: |\n  drafts/\n")
    r = cli("check", "--format", "json", cwd=root)
    assert r.returncode == 0 and json_diags(r.stdout) == []


def test_plugin_not_listed_uses_defaults_with_a_note(tmp_path):
    root = copy_dogfood(tmp_path / "np")
    cfg = root / "mkdocs.yml"
    cfg.write_text(re.sub(r"  - reassign:\n      source_root: null\n", "", cfg.read_text(encoding="utf-8")), encoding="utf-8")
    r = cli("check", cwd=root)
    assert r.returncode == 0 and "not listed" in r.stderr
    assert "not listed" not in cli("check", "-q", cwd=root).stderr


# ------------------------------------------------------------------ packaging and cheap imports


def test_console_script_and_version(clean):
    script = Path(sys.executable).with_name("mkdocs-reassign")
    assert script.exists(), f"console script missing next to {sys.executable}: pip install -e . first"
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=env())
    assert r.returncode == 0 and r.stdout.startswith("mkdocs-reassign ")
    r = subprocess.run([str(script), "check"], cwd=clean, capture_output=True, text=True, env=env())
    assert r.returncode == 0, r.stderr


def test_cli_imports_neither_mkdocs_nor_markdown_nor_jinja(clean):
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "mkdocs_reassign.cli", "check", "-q"],
                       cwd=clean, capture_output=True, text=True, env=env())
    assert r.returncode == 0, r.stderr[-2000:]
    modules = [ln.rsplit("|", 1)[1].strip() for ln in r.stderr.splitlines() if ln.startswith("import time:") and "|" in ln]
    assert "mkdocs_reassign.engine" in modules  # the check really ran
    heavy = [m for m in modules if m.split(".")[0] in ("mkdocs", "markdown", "jinja2", "pymdownx", "material", "properdocs")]
    assert not heavy, heavy


def test_pre_commit_hooks_file():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"mkdocs-reassign-check", "mkdocs-reassign-fix"}
    assert by_id["mkdocs-reassign-check"]["entry"] == "mkdocs-reassign check"
    assert by_id["mkdocs-reassign-fix"]["entry"] == "mkdocs-reassign fix --check"
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    from mkdocs_reassign.cli import build_parser

    for h in hooks:
        assert h["language"] == "python" and h["pass_filenames"] is False
        assert {"name", "entry"} <= set(h)
        rx = re.compile(h["files"])
        assert all(rx.search(p) for p in ("docs/features/a.md", "mkdocs.yml", "properdocs.yaml"))
        assert not any(rx.search(p) for p in ("src/app.py", "docs/img.png", "README.mdx"))
        prog, *args = h["entry"].split()
        assert prog in scripts
        build_parser().parse_args(args)  # the entry's arguments are valid


def test_python_dash_m_and_help():
    r = subprocess.run([*CLI, "--help"], capture_output=True, text=True, env=env())
    assert r.returncode == 0
    for command in ("check", "baseline", "fix", "new"):
        assert command in r.stdout
    r = subprocess.run([*CLI, "check", "--help"], capture_output=True, text=True, env=env())
    assert "--format" in r.stdout and "--baseline" in r.stdout and "PATH" in r.stdout


def test_p4_line_numbers_match_the_source(defects):
    root, _ = defects
    d = next(d for d in _json(root) if d["path"] == P4 and d["rule"] == "required-topic")
    assert d["line"] == line_of(root / P4, "# Feature: P4")  # the contract accepts a trigger anywhere: the H1
    assert "logout" in d["message"] and d["requirement"] == "triggers"


@pytest.mark.parametrize("value, rc, said", [
    ("'yes please'", 2, "option 'enabled': expected true or false"),
    ("false", 0, "enabled: false"),
])
def test_enabled_is_validated_as_mkdocs_does(tmp_path, value, rc, said):
    from cli_support import minimal_project

    project = minimal_project(tmp_path / "proj", options=f"enabled: {value}")
    r = cli("check", cwd=project)
    assert r.returncode == rc and said in r.stderr, (r.returncode, r.stdout, r.stderr)
