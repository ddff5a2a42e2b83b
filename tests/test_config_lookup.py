"""Without -f, the CLI reads the config file ProperDocs would: properdocs.yml before mkdocs.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import cli

DOC = "# Feature: Thing ({id})\n\n## Quick Summary\n\nA thing.\n"


def _project(root: Path, config: str, docs: str, fid: str) -> None:
    """A config file whose docs_dir holds one feature doc that fails its contract (so `check` names it)."""
    (root / config).write_text(f"site_name: {config}\ndocs_dir: {docs}\nplugins:\n  - reassign\n", encoding="utf-8")
    feature = root / docs / "features" / f"{fid.lower()}.md"
    feature.parent.mkdir(parents=True)
    feature.write_text(DOC.format(id=fid), encoding="utf-8")


def _checked(root: Path, *args: str) -> set[str]:
    r = cli("check", *args, cwd=root)
    assert r.returncode == 1, r.stdout + r.stderr
    return {line.split(":", 1)[0] for line in r.stdout.splitlines() if ": error: " in line}


@pytest.mark.parametrize("ext", ["yml", "yaml"])
def test_properdocs_config_wins_when_both_are_present(tmp_path, ext):
    _project(tmp_path, f"properdocs.{ext}", "pdocs", "P1")
    _project(tmp_path, "mkdocs.yml", "mdocs", "M1")
    assert _checked(tmp_path) == {"pdocs/features/p1.md"}
    assert _checked(tmp_path, "-f", "mkdocs.yml") == {"mdocs/features/m1.md"}  # -f still picks either


@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs.yaml", "properdocs.yml"])
def test_the_only_config_file_is_found(tmp_path, config):
    _project(tmp_path, config, "docs", "P1")
    assert _checked(tmp_path) == {"docs/features/p1.md"}


def test_no_config_file_is_a_usage_error(tmp_path):
    r = cli("check", cwd=tmp_path)
    assert r.returncode == 2
    assert "no mkdocs.yml (or properdocs.yml) here; pass -f PATH" in r.stderr
