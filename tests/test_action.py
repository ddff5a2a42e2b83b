"""The composite GitHub Action (action.yml), run the way the runner runs it.

Each `run:` step is executed for real with bash (`bash --noprofile --norc -eo pipefail`, the runner's
`shell: bash`), after the runner's substitution of `${{ inputs.* }}`, `${{ github.action_path }}` and
`${{ steps.<id>.outputs.* }}` in its `run`, `env`, `working-directory` and `if`. `uses:` steps are not
run: actions/setup-python is stood in for by a fresh venv first on PATH, and the SARIF upload's input is
checked to name the SARIF file the step before wrote. The install step pip-installs this checkout into
that venv (network access to the package index is needed, as for tests/test_wheel.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli_support import REPO, copy_dogfood

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
USES = {"actions/setup-python", "github/codeql-action/upload-sarif"}


class Runner:
    """One job running the action: inputs, the venv that setup-python would provide, step outputs."""

    def __init__(self, venv: Path, workspace: Path, tmp: Path, **inputs: str):
        unknown = set(inputs) - set(ACTION["inputs"])
        assert not unknown, f"not inputs of action.yml: {unknown}"
        self.inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()} | inputs
        self.venv, self.workspace, self.tmp = venv, workspace, tmp
        self.outputs: dict[str, dict[str, str]] = {}
        self.results: dict[str, subprocess.CompletedProcess | None] = {}

    def value(self, ref: str) -> str:
        parts = ref.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts == ["github", "action_path"]:
            return str(REPO)
        if parts[0] == "steps" and parts[2] == "outputs" and len(parts) == 4:
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"the test runner does not know ${{{{ {ref} }}}}")

    def sub(self, text) -> str:
        return EXPR.sub(lambda m: self.value(m[1]), str(text))

    def condition(self, step: dict, ok: bool) -> bool:
        """The step's `if:` (default success()), for the few functions and operators the action uses."""
        expr = EXPR.sub(lambda m: m[1], str(step.get("if", "success()")))
        expr = re.sub(r"\binputs\.([\w-]+)", lambda m: repr(self.inputs[m[1]]), expr)
        expr = expr.replace("&&", " and ").replace("||", " or ").replace("!cancelled()", "True")
        expr = expr.replace("success()", repr(ok)).replace("always()", "True").replace("'", '"')
        assert re.fullmatch(r'[\w\s"().=-]*', expr) and "!" not in expr.replace("!=", ""), expr
        return bool(eval(expr))  # noqa: S307 - only literals and and/or/== are left

    def run_step(self, step: dict) -> subprocess.CompletedProcess:
        out = self.tmp / f"output-{len(self.results)}"
        out.write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env |= {"PATH": f"{self.venv / 'bin'}{os.pathsep}{env['PATH']}", "VIRTUAL_ENV": str(self.venv),
                "GITHUB_ACTION_PATH": str(REPO), "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_OUTPUT": str(out),
                "GITHUB_ACTIONS": "true", "NO_MKDOCS_2_WARNING": "1"}
        env |= {k: self.sub(v) for k, v in (step.get("env") or {}).items()}
        cwd = self.workspace / self.sub(step.get("working-directory", "."))
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", self.sub(step["run"])],
                              cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)
        if "id" in step:
            lines = out.read_text(encoding="utf-8").splitlines()
            self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
        return proc

    def run(self, only=lambda step: True) -> dict[str, subprocess.CompletedProcess | None]:
        """Run the steps in order; a skipped step (its `if` false, or a `uses:` step) maps to None."""
        ok = True
        for step in STEPS:
            name = step.get("name") or step["uses"]
            if "uses" in step or not only(step) or not self.condition(step, ok):
                self.results[name] = None
                continue
            proc = self.results[name] = self.run_step(step)
            ok = ok and proc.returncode == 0
        return self.results


def test_uses_steps_are_well_known_actions_at_a_pinned_major_version():
    uses = [s["uses"] for s in STEPS if "uses" in s]
    assert {u.split("@")[0] for u in uses} == USES
    assert all(re.fullmatch(r"[\w./-]+@v\d+", u) for u in uses), uses
    assert ACTION["runs"]["using"] == "composite"
    assert all(s.get("shell") == "bash" for s in STEPS if "run" in s), "composite run steps need shell: bash"


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """What actions/setup-python leaves on PATH, with the action's install step run in it (package empty:
    the action's own checkout, GITHUB_ACTION_PATH)."""
    path = tmp_path_factory.mktemp("action") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    runner = Runner(path, path.parent, path.parent)
    res = runner.run(only=lambda s: s.get("name") == "Install mkdocs-reassign")
    install = res["Install mkdocs-reassign"]
    assert install is not None and install.returncode == 0, install.stdout + install.stderr
    assert (path / "bin" / "mkdocs-reassign").exists()
    return path


def _failing_tree(root: Path) -> Path:
    (root / "site" / "docs" / "features").mkdir(parents=True)
    (root / "site" / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - reassign\n", encoding="utf-8")
    (root / "site" / "docs" / "features" / "thing.md").write_text(
        "# Feature: Thing (T1)\n\n## Quick Summary\n\nA thing.\n", encoding="utf-8")
    return root


def test_check_step_annotates_and_fails_on_errors(venv, tmp_path):
    ws = _failing_tree(tmp_path / "ws")
    res = Runner(venv, ws, tmp_path, **{"working-directory": "site"}).run()
    check = res["Check the docs"]
    assert check.returncode == 1, check.stderr
    errors = [ln for ln in check.stdout.splitlines() if ln.startswith("::error ")]
    # paths are relative to GITHUB_WORKSPACE, so the annotations land on the right file of the diff
    assert errors and all(ln.startswith("::error file=site/docs/features/thing.md,line=") for ln in errors), check.stdout
    assert res["Write SARIF"] is None and res["Upload SARIF"] is None  # sarif defaults to "false"


def test_sarif_is_written_after_a_failing_check_and_handed_to_the_upload(venv, tmp_path):
    ws = _failing_tree(tmp_path / "ws")
    runner = Runner(venv, ws, tmp_path, sarif="true", **{"working-directory": "site", "config-file": "mkdocs.yml",
                                                         "extra-args": "--strict --quiet"})
    res = runner.run()
    assert res["Check the docs"].returncode == 1
    write = res["Write SARIF"]
    assert write is not None and write.returncode == 0, write.stderr
    path = Path(runner.outputs["sarif"]["path"])
    assert path == ws / "site" / "reassign.sarif"
    sarif = json.loads(path.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    upload = next(s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert runner.condition(upload, ok=False)  # runs although the check failed
    assert runner.sub(upload["with"]["sarif_file"]) == str(path)


def test_clean_docs_pass(venv, tmp_path):
    ws = copy_dogfood(tmp_path / "ws")
    res = Runner(venv, ws, tmp_path, sarif="true", format="text").run()
    check = res["Check the docs"]
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 error(s)" in check.stdout
    assert res["Write SARIF"].returncode == 0
    assert json.loads((ws / "reassign.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []


def test_a_config_error_fails_the_sarif_step_too(venv, tmp_path):
    ws = _failing_tree(tmp_path / "ws")
    res = Runner(venv, ws, tmp_path, sarif="true", **{"config-file": "nope.yml"}).run()
    assert res["Check the docs"].returncode == 2
    assert "config file 'nope.yml' does not exist" in res["Check the docs"].stderr
    write = res["Write SARIF"]  # `|| test $? -eq 1` lets only "diagnostics found" (1) through, not 2
    assert write.returncode != 0 and "config file 'nope.yml' does not exist" in write.stderr
