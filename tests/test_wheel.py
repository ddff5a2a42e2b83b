"""The built wheel works on its own: the schemas and default contracts ship inside it.

Builds the wheel, installs it (with its dependencies, from PyPI) into a fresh venv
without this environment's site-packages, and loads the default contracts there.
Slow (30-60 s) and needs network access to PyPI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(cmd, **kw):
    # without PYTHONPATH: a checkout on it (as when testing a worktree) would shadow the installed wheel
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_wheel_installs_and_loads_default_contracts(tmp_path):
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], cwd=tmp_path)
    wheels = list(dist.glob("mkdocs_reassign-*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]

    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "mkdocs_reassign/schemas/contract.schema.json",
        "mkdocs_reassign/schemas/feature-doc.schema.json",
        "mkdocs_reassign/schemas/options.schema.json",
        "mkdocs_reassign/schemas/finding-types.yaml",
        "mkdocs_reassign/schemas/contracts/feature-doc.yaml",
        "mkdocs_reassign/schemas/contracts/visitor-reassignment.yaml",
        "mkdocs_reassign/plugin.py",
        "mkdocs_reassign/output/assets/reassign.css",  # the site's stylesheet, package data
        "mkdocs_reassign/output/assets/overview.css",  # the overview's stylesheet and filter script (package data)
        "mkdocs_reassign/output/assets/overview.js",
    ):
        assert required in names, f"{required} is not in {wheel.name}"
    assert not any(n.startswith(("tests/", "docs/")) for n in names), "tests or docs leaked into the wheel"

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    _run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])

    probe = r"""
import sys
from importlib.metadata import entry_points
import mkdocs_reassign
from mkdocs_reassign.model.contracts import load_contracts, schemas_dir
assert 'site-packages' in mkdocs_reassign.__file__, mkdocs_reassign.__file__
assert 'site-packages' in str(schemas_dir()), schemas_dir()
cs = load_contracts()
assert not cs.problems, cs.problems
assert 'visitor-reassignment' in cs.contracts, sorted(cs.contracts)
assert 'feature-doc' in cs.contracts, sorted(cs.contracts)
assert [s.id for s in cs.contracts['visitor-reassignment'].sections][:2] == ['quick-summary', 'affected-users']
eps = {ep.name: ep.value for ep in entry_points(group='mkdocs.plugins')}
assert eps.get('reassign') == 'mkdocs_reassign.plugin:ReassignPlugin', eps
eps = {ep.name: ep.value for ep in entry_points(group='properdocs.plugins')}
assert eps.get('reassign') == 'mkdocs_reassign.plugin:ReassignPlugin', eps
from mkdocs_reassign.output.html import css
assert '.reassign-card' in css() and '.reassign-box' in css(), css()[:200]
from mkdocs_reassign.output.overview import asset
assert '.reassign-ov' in asset('overview.css') and 'data-reassign-filter' in asset('overview.js')
print('ok')
"""
    # run from tmp_path so the checkout (on sys.path via cwd) cannot shadow the installed package
    out = _run([str(py), "-c", probe], cwd=tmp_path)
    assert out.stdout.strip() == "ok"

    # `mkdocs-reassign schema NAME` prints the copy inside the wheel, byte for byte the checkout's schemas/
    exe = venv / ("Scripts/mkdocs-reassign.exe" if sys.platform == "win32" else "bin/mkdocs-reassign")
    for name in ("contract", "front-matter", "options"):
        printed = _run([str(exe), "schema", name], cwd=tmp_path).stdout
        file = {"contract": "contract.schema.json", "front-matter": "feature-doc.schema.json", "options": "options.schema.json"}[name]
        assert printed == (REPO / "schemas" / file).read_text(encoding="utf-8"), name
