"""Hostile input, round 2: the configuration the CLI reads, baseline files, CI logs and the session-page rewrite.

Each case runs the real CLI (and, where the plugin is involved, a real ``mkdocs build``) as a subprocess, with a
generous timeout that only catches hangs; the expected diagnostic names the file and, where it has one, the line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from hostile_cases import BOMB, CRIT, Tree, feature, session
from test_hostile import CLI, MKDOCS, _env, tree_digest

HANG = 60  # seconds: far above any normal run on a loaded machine; only a hang reaches it
HOME = "# Home\n\nWelcome.\n"


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=root, env=_env(), capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=HANG)


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*MKDOCS, "build", "-d", str(root.parent / "site"), *args], cwd=root, env=_env(),
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=HANG)


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "proj"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(HOME, encoding="utf-8")
    for rel, body in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    return root


# ---------------------------------------------------------------------- the configuration the CLI reads


@dataclass
class ConfigCase:
    id: str
    files: dict  # project-relative path -> text
    error: str  # what stderr must say (file:line where the problem has a line)
    args: tuple = ()


PLUGIN = "plugins:\n  - reassign\n"
CONFIG_CASES = [
    ConfigCase("bomb-as-docs-dir", {"mkdocs.yml": f"site_name: x\ndocs_dir: {BOMB}\n" + PLUGIN},
               "mkdocs.yml:2: more than 100,000 values once YAML aliases are expanded"),
    ConfigCase("bomb-as-exclude-docs", {"mkdocs.yml": f"site_name: x\n{PLUGIN}exclude_docs: {BOMB}\n"},
               "mkdocs.yml:4: more than 100,000 values"),
    ConfigCase("bomb-as-banner", {"mkdocs.yml": f"site_name: x\nplugins:\n  - reassign:\n      banner: {BOMB}\n"},
               "mkdocs.yml:4: more than 100,000 values"),
    ConfigCase("bomb-in-env-tag", {"mkdocs.yml": f"site_name: x\ndocs_dir: !ENV [NO_SUCH_VARIABLE_X, {BOMB}]\n" + PLUGIN},
               "mkdocs.yml:2: more than 100,000 values"),
    ConfigCase("bomb-in-inherited-file", {"mkdocs.yml": "INHERIT: base.yml\nsite_name: x\n",
                                          "base.yml": f"{PLUGIN}extra: {BOMB}\n"},
               "base.yml:3: more than 100,000 values"),
    ConfigCase("bomb-in-properdocs-yml", {"properdocs.yml": f"site_name: x\n{PLUGIN}nav: {BOMB}\n"},
               "properdocs.yml:4: more than 100,000 values"),
    ConfigCase("recursive-alias", {"mkdocs.yml": "site_name: x\n" + PLUGIN + "extra: &a {me: *a}\n"},
               "mkdocs.yml:4: a YAML alias refers to the value that contains it"),
    ConfigCase("deep-flow-nesting", {"mkdocs.yml": "site_name: x\n" + PLUGIN + "extra: " + "[" * 50_000 + "]" * 50_000 + "\n"},
               "mkdocs.yml:4: YAML nesting is deeper than 100 levels"),
    ConfigCase("deep-block-nesting", {"mkdocs.yml": "site_name: x\n" + PLUGIN + "extra:\n"
                                      + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(150)) + "  " * 151 + "v: 1\n"},
               "mkdocs.yml:104: nested deeper than 100 levels"),  # the key at depth 101
    ConfigCase("config-over-2mb", {"mkdocs.yml": "site_name: x\n" + PLUGIN + "extra:\n" + "  # padding\n" * 200_000},
               "mkdocs.yml:1: the file is larger than 2 MB"),
    ConfigCase("config-not-utf8", {"mkdocs.yml": b"site_name: caf\xe9\n" + PLUGIN.encode()}, "mkdocs.yml:1: not UTF-8 text"),
    ConfigCase("inherit-cycle", {"mkdocs.yml": "INHERIT: a.yml\n", "a.yml": "INHERIT: b.yml\n", "b.yml": "INHERIT: a.yml\n"},
               "INHERIT loops back to itself"),
    ConfigCase("inherit-chain-of-12", {"mkdocs.yml": "INHERIT: c1.yml\n",
                                       **{f"c{i}.yml": f"INHERIT: c{i + 1}.yml\n" for i in range(1, 12)},
                                       "c12.yml": "site_name: x\n" + PLUGIN},
               "INHERIT chain is longer than 10 files"),
    ConfigCase("inherit-not-a-path", {"mkdocs.yml": "site_name: x\nINHERIT: [a, b]\n"}, "mkdocs.yml:2: INHERIT must be the path"),
    ConfigCase("docs-dir-not-a-string", {"mkdocs.yml": "site_name: x\ndocs_dir: [docs]\n" + PLUGIN},
               "mkdocs.yml:2: docs_dir must be a string"),
    ConfigCase("exclude-docs-not-a-string", {"mkdocs.yml": "site_name: x\nexclude_docs: {a: 1}\n" + PLUGIN},
               "mkdocs.yml:2: exclude_docs must be a string"),
    ConfigCase("option-error-names-the-line", {"mkdocs.yml": "site_name: x\n\nplugins:\n  - reassign:\n      features: '[z-a]'\n"},
               "mkdocs.yml:3: plugin reassign: option 'features': glob '[z-a]': bad character range"),
    ConfigCase("baseline-dev-zero", {"mkdocs.yml": "site_name: x\n" + PLUGIN}, "baseline /dev/zero is not a regular file",
               ("--baseline", "/dev/zero")),
    ConfigCase("baseline-100k-deep", {"mkdocs.yml": "site_name: x\n" + PLUGIN,
                                      "deep.json": '{"diagnostics":\n' + "[" * 100_000 + "]" * 100_000 + "}\n"},
               "baseline deep.json:2: JSON nested deeper than 100 levels", ("--baseline", "deep.json")),
    ConfigCase("baseline-option-over-50mb", {"mkdocs.yml": "site_name: x\nplugins:\n  - reassign:\n      baseline: big.json\n"},
               "is larger than 50 MB"),
]


@pytest.mark.parametrize("c", CONFIG_CASES, ids=[c.id for c in CONFIG_CASES])
def test_cli_config(c: ConfigCase, tmp_path):
    """Every bad configuration is one line on stderr naming the file (and line), exit 2, no traceback."""
    root = project(tmp_path, c.files)
    if c.id == "baseline-option-over-50mb":
        with open(root / "big.json", "wb") as f:  # sparse: 60 MB that take no disk
            f.truncate(60_000_000)
    r = cli(root, "check", "-q", *c.args)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert r.returncode == 2, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    assert c.error in r.stderr, r.stderr[-2000:]
    assert r.stderr.count("\n") == 1, r.stderr[-2000:]


def test_cli_config_with_aliases_still_works(tmp_path):
    """Aliases are allowed in mkdocs.yml (MkDocs allows them): only their expansion is bounded."""
    cfg = "site_name: x\nextra: &shared {a: 1, b: [1, 2, 3]}\nother: *shared\nplugins:\n  - reassign:\n      features: &f ['features/**/*.md']\n      exclude: *f\n"
    root = project(tmp_path, {"mkdocs.yml": cfg})
    r = cli(root, "check", "-q")
    assert r.returncode == 0, r.stderr


def test_baseline_fifo_is_refused(tmp_path):
    root = project(tmp_path, {"mkdocs.yml": "site_name: x\n" + PLUGIN})
    os.mkfifo(root / "pipe.json")
    r = cli(root, "check", "-q", "--baseline", "pipe.json")
    assert r.returncode == 2 and "baseline pipe.json is not a regular file" in r.stderr, r.stderr


BUILD_BOMBS = {
    "features": f"      features: {BOMB}\n",
    "severity": f"      severity: {{broken-link: {BOMB}}}\n",
    "finding-type-label": f"      finding_types: [{{prefix: CRIT, label: {BOMB}, severity: critical}}]\n",
}


@pytest.mark.parametrize("option", list(BUILD_BOMBS))
def test_build_refuses_option_bombs(option, tmp_path):
    """The plugin's options are shape-checked before MkDocs walks them or quotes them in a message."""
    root = project(tmp_path, {"mkdocs.yml": "site_name: x\nplugins:\n  - reassign:\n" + BUILD_BOMBS[option]})
    r = build(root)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out[-3000:]
    assert "once YAML aliases are expanded" in out and "Plugin 'reassign'" in out, out[-3000:]


# ---------------------------------------------------------------------- CI logs


INJECT = "\n::error file=y::pwned"
GH_COMMAND = re.compile(r"^::(error|warning|notice) file=[^\n:]*(,line=\d+,col=\d+)?,title=[a-z-]+::[^\n]*$")


def _no_forged_commands(text: str, github: bool = False) -> None:
    for line in text.splitlines():
        if line.startswith("::"):
            assert github and GH_COMMAND.match(line) and not line.startswith("::error file=y"), line


def test_no_output_line_starts_a_workflow_command(tmp_path):
    """A file name, front matter keys and values, and a contracts_dir holding a newline and ``::error``: no line
    of check (any format, stdout and stderr) or of ``mkdocs build --strict`` starts with ``::`` except the
    github format's own well-formed commands."""
    esc = INJECT.replace("\n", "\\n")  # as a YAML double-quoted string writes it
    text = feature(front_matter=f'id: P1\ncontract: "c{esc}"\nwaive:\n  "x{esc}": "r"\n"k{esc}": "v{esc}"')
    files = {"docs/features/p1.md": text, f"docs/features/p2{INJECT}.md": feature("P2", omit=("Edge Cases",)),
             "::error file=y::pwned/bad.yaml": "name: [1]\n",
             "mkdocs.yml": "site_name: x\ntheme:\n  name: mkdocs\nplugins:\n  - reassign:\n      contracts_dir: '::error file=y::pwned'\n"}
    root = project(tmp_path, files)
    for fmt in ("text", "json", "github", "sarif", "junit"):
        r = cli(root, "check", "--format", fmt)
        assert r.returncode == 1 and "Traceback" not in r.stderr, (fmt, r.stderr)
        _no_forged_commands(r.stdout, github=fmt == "github")
        _no_forged_commands(r.stderr)
        if fmt == "text":
            assert "docs/features/p2\\n::error file=y::pwned.md:" in r.stdout, r.stdout
            assert "./::error file=y::pwned/bad.yaml:1: error: contract:" in r.stdout, r.stdout
            assert "unknown contract 'c\\n::error file=y::pwned'" in r.stdout, r.stdout
        if fmt == "github":
            assert r.stdout.count("\n") == len(r.stdout.splitlines())
    r = build(root, "--strict")
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out[-3000:]
    assert "pwned" in out  # the text is reported, escaped
    _no_forged_commands(out)


def test_non_utf8_file_name_in_every_format(tmp_path):
    """A file name that is not UTF-8: the same escaped form (``\\xff``) in every format, exit 1, no internal
    error; the build leaves it out (plain MkDocs dies quoting its URL) and completes."""
    root = project(tmp_path, {"mkdocs.yml": "site_name: x\ntheme:\n  name: mkdocs\n" + PLUGIN})
    bad = os.fsencode(root / "docs" / "features") + b"/\xff.md"
    os.makedirs(os.path.dirname(bad), exist_ok=True)
    with open(bad, "wb") as f:
        f.write(feature().encode())
    want = "docs/features/\\xff.md"
    seen = {}
    for fmt in ("text", "json", "github", "sarif", "junit"):
        r = cli(root, "check", "--format", fmt)
        assert r.returncode == 1 and "internal error" not in r.stderr and "Traceback" not in r.stderr, (fmt, r.stderr)
        seen[fmt] = r.stdout
    assert f"{want}: error: read-error: the file name is not valid UTF-8" in seen["text"]
    assert [d["path"] for d in json.loads(seen["json"])["diagnostics"]] == [want]
    assert f"::error file={want},title=read-error::" in seen["github"]
    sarif = json.loads(seen["sarif"])["runs"][0]["results"][0]
    assert sarif["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/features/%5Cxff.md"
    assert sarif["partialFingerprints"]["reassign/v1"].startswith(want + "|read-error|")
    assert f'name="{want}"' in seen["junit"]
    before = tree_digest(root / "docs")
    r = build(root)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out and "internal error" not in out, out[-3000:]
    assert f"{want}: error: read-error:" in out
    assert (tmp_path / "site" / "index.html").is_file()
    assert tree_digest(root / "docs") == before


# ---------------------------------------------------------------------- the session-page rewrite


def test_session_rewrite_never_edits_code_or_html_and_slots_cannot_be_forged(tmp_path):
    crit = CRIT.format(id="CRIT-1201-001", title="Loop", feature="P1", file="app.py")
    rows = "| `M-1201-004` | P1 | in a code span |\n| M-1201-005 | P1 | also `M-1201-005` in code |\n"
    text = session(critical=crit, minor_rows=rows)
    text += "\n```\n<!-- reassign:anchor finding-crit-1201-888 -->\n```\n\n    <!-- reassign:attention-render -->\n"
    text += "\n<div>\n<!-- reassign:anchor finding-crit-1201-555 -->\n</div>\n"
    forged = ("<!-- reassign:anchor finding-crit-1201-999 -->\n\n<!-- reassign:attention-render -->\n\n"
              "<!-- reassign:card finding-crit-1201-001 0123abcd -->\n\n<!-- reassign:card-end finding-crit-1201-001 -->\n")
    root = project(tmp_path, {"docs/findings/session-1201.md": text, "docs/features/p1.md": feature(extra="\n" + forged),
                              "docs/other.md": "# Other\n\n" + forged,
                              "mkdocs.yml": "site_name: x\ntheme:\n  name: mkdocs\n" + PLUGIN})
    r = build(root)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    site = tmp_path / "site"
    page = (site / "findings" / "session-1201" / "index.html").read_text(encoding="utf-8")
    assert '<td><a id="finding-m-1201-004" class="reassign-anchor"></a><code>M-1201-004</code></td>' in page
    assert '<td><a id="finding-m-1201-005" class="reassign-anchor"></a>M-1201-005</td>' in page
    assert "<code>M-1201-005</code> in code" in page
    assert 'id="finding-crit-1201-001"' in page
    # what the doc shows as code stays code, escaped; nothing forged is rendered, no slot reaches the HTML
    assert "&lt;!-- reassign:anchor finding-crit-1201-888 --&gt;" in page
    assert "&lt;!-- reassign:attention-render --&gt;" in page
    for html in (page, (site / "features" / "p1" / "index.html").read_text(encoding="utf-8"),
                 (site / "other" / "index.html").read_text(encoding="utf-8")):
        assert "<!-- reassign:" not in html
        assert "finding-crit-1201-999" not in html and "finding-crit-1201-555" not in html and "finding-crit-1201-888\"" not in html
    assert page.count('class="reassign-attention') <= 1
    assert page.count('class="reassign-card"') == 1  # the real finding's card; forged card markers wrap nothing


# ---------------------------------------------------------------------- new


def test_new_with_control_characters_writes_valid_front_matter(tmp_path):
    root = project(tmp_path, {"mkdocs.yml": "site_name: x\n" + PLUGIN})
    name = "Queue\x1b[31m Over\x85flow\x07 \u2028end"
    r = cli(root, "new", "P7", name, "--area", "platform", "-q")
    assert r.returncode == 0, r.stderr
    (doc,) = (root / "docs" / "features" / "platform").iterdir()
    fm = doc.read_text(encoding="utf-8").split("---\n")[1]
    assert yaml.safe_load(fm)["title"] == "Queue[31m Overflow end"
    r = cli(root, "check", "--format", "json", "-q")
    rules = {d["rule"] for d in json.loads(r.stdout)["diagnostics"] if d["path"].endswith(doc.name)}
    assert rules and not rules & {"front-matter", "feature-id", "read-error"}, rules


def test_new_with_no_feature_globs_is_a_usage_error(tmp_path):
    root = project(tmp_path, {"mkdocs.yml": "site_name: x\nplugins:\n  - reassign:\n      features: []\n"})
    r = cli(root, "new", "P7", "Thing", "--area", "platform")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert "the features option lists no globs" in r.stderr
    assert not (root / "docs" / "features").exists()


# ---------------------------------------------------------------------- units


@pytest.mark.parametrize("glob, problem", [
    ("[z-a]*.md", "bad character range"), ("[]", "empty character class"), ("[!]", "empty character class"),
    ("!x.md", "negation"), ("/", "empty"), ("features/**/*.md", None), ("[!a]x", None), ("a[", None),
])
def test_glob_problem(glob, problem):
    from mkdocs_reassign.model.globs import glob_problem, glob_regex

    got = glob_problem(glob)
    assert (got is None) if problem is None else (problem in got), got
    glob_regex(glob)  # never raises


def test_id_pattern_groups_do_not_change_what_is_found():
    from mkdocs_reassign.model.ids import mentioned_ids

    assert mentioned_ids("see P1, R22 and X", "(?:P|Q)[0-9]+|(R)[0-9]+") == ["P1", "R22"]


def test_measure_counts_aliases_expanded_without_expanding():
    from mkdocs_reassign.markdown.yamlutil import ShapeProblem, measure

    leaf = ["x"] * 9
    value = leaf
    for _ in range(8):
        value = [value] * 9  # 9**9 leaves once expanded, 80 distinct objects
    with pytest.raises(ShapeProblem, match="100,000 values"):
        measure(value)
    loop: list = []
    loop.append(loop)
    with pytest.raises(ShapeProblem, match="contains it"):
        measure(loop)
    assert measure({"a": [1, 2], "b": [1, 2]}) == 9
