"""Helpers for the command-line tests: throwaway project trees and the real CLI as a subprocess.

The CLI always runs as ``<python> -m mkdocs_reassign.cli`` (the interpreter running the
tests), and MkDocs as ``<python> -m mkdocs``; nothing here builds into the repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = (sys.executable, "-m", "mkdocs_reassign.cli")

P4 = "docs/features/platform/visitor-reassignment.md"
P2 = "docs/features/platform/agent-assignment.md"
A3 = "docs/features/agent/rna-timeout.md"
V8 = "docs/features/visitor/agent-unavailable.md"
SESSION = "docs/findings/session-2026-11-24.md"

STALE_ROW = "| 🟡 **Questions** | 2 | Q-1124-001, Q-1124-002 |"
TRUE_ROW = "| 🟡 **Questions** | 1 | Q-1124-001 |"


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["NO_MKDOCS_2_WARNING"] = "1"
    e["PYTHONUNBUFFERED"] = "1"
    e.pop("PYTHONWARNINGS", None)
    return e


def cli(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=cwd, env=env(), capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


def mkdocs_build(project: Path, *args: str, config: str = "mkdocs.yml", tool: str = "mkdocs") -> subprocess.CompletedProcess:
    """``mkdocs build`` (or ``properdocs build``) into a folder beside the project (never into the repository)."""
    site = project.parent / (project.name + "-site")
    return subprocess.run([sys.executable, "-m", tool, "build", "-f", config, "-d", str(site), *args],
                          cwd=project, env=env(), capture_output=True, text=True, encoding="utf-8", timeout=300)


# ------------------------------------------------------------------ trees


def copy_dogfood(dest: Path) -> Path:
    """The project's own docs/ and mkdocs.yml (the clean tree)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns("assets"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


MINIMAL_CONFIG = """\
site_name: reassign test
docs_dir: docs
theme:
  name: mkdocs
markdown_extensions:
  - tables
plugins:
  - reassign:
      overview_page: ''
{options}"""


def minimal_project(dest: Path, options: str = "") -> Path:
    """Only the feature docs and the session file of the dogfood site, with a plain-theme config
    (so that a strict build warns about nothing but what the plugin reports)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs" / "features", dest / "docs" / "features")
    shutil.copytree(REPO / "docs" / "findings", dest / "docs" / "findings")
    (dest / "docs" / "index.md").write_text("# Test site\n", encoding="utf-8")
    write_config(dest, options)
    return dest


def write_config(dest: Path, options: str = "", name: str = "mkdocs.yml") -> None:
    opts = "".join(f"      {line}\n" for line in options.splitlines() if line.strip())
    (dest / name).write_text(MINIMAL_CONFIG.format(options=opts), encoding="utf-8")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


P4_H1 = "# Feature: P4 - Visitor Reassignment\n"


def drop_logout(root: Path) -> int:
    """Remove the logout trigger from P4 in every wording (its trigger row, "log out", "logout", "end their
    shift"): one required-topic, at the H1 (the contract accepts a trigger anywhere in the doc). Return its line."""
    p4 = root / P4
    text = p4.read_text(encoding="utf-8")
    text = "\n".join(ln for ln in text.split("\n") if not ln.startswith("| Logout |"))
    text = re.sub(r"(?i)log(?:s|ged|ging)? ?out|end their shift", "leave", text)
    p4.write_text(text, encoding="utf-8")
    return line_of(p4, P4_H1.strip())


@dataclass(frozen=True)
class Planted:
    path: str
    line: int | None  # None: any line
    rule: str


def plant_defects(root: Path) -> list[Planted]:
    """Plant one defect of several rules; return what check must report."""
    out = []
    # a doc with a ticket ID instead of a feature ID, missing most of the template
    bad = root / "docs/features/platform/bad-ticket.md"
    bad.write_text("# Feature: TKT-065 Widget Toggle\n\n## Quick Summary\nA toggle.\n", encoding="utf-8")
    out += [Planted("docs/features/platform/bad-ticket.md", 1, "feature-id"),
            Planted("docs/features/platform/bad-ticket.md", None, "template")]
    # a broken link and a cited finding nobody defines, in A3
    a3 = root / A3
    edit(a3, "## 4. EDGE CASES\n", "## 4. EDGE CASES\nSee [the gone doc](../platform/gone.md) and Q-1124-099.\n")
    n = line_of(a3, "the gone doc")
    out += [Planted(A3, n, "broken-link"), Planted(A3, n, "unknown-finding")]
    # front matter that is not YAML
    fm = root / "docs/features/visitor/broken-front-matter.md"
    fm.write_text("---\nid: [unclosed\n---\n# Feature: Broken Front (B1)\n\n## Quick Summary\nText.\n", encoding="utf-8")
    out.append(Planted("docs/features/visitor/broken-front-matter.md", None, "front-matter"))
    # the logout trigger removed from P4, in every wording
    out.append(Planted(P4, drop_logout(root), "required-topic"))
    # a stale attention table
    sess = root / SESSION
    edit(sess, TRUE_ROW, STALE_ROW)
    out.append(Planted(SESSION, line_of(sess, STALE_ROW), "attention-drift"))
    return out


# ------------------------------------------------------------------ parsing outputs

TEXT_LINE = re.compile(r"^(?P<path>[^\s:][^:]*?):(?:(?P<line>\d+):)? (?P<sev>error|warning|info): (?P<rule>[a-z-]+): (?P<msg>.*)$")


def text_diags(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if TEXT_LINE.match(ln)]


def json_diags(out: str) -> list[dict]:
    return json.loads(out)["diagnostics"]


def key(d: dict) -> tuple[str, int, str]:
    return (d["path"], d["line"], d["rule"])


def assert_planted(found: set[tuple[str, int, str]], planted: list[Planted]) -> None:
    for p in planted:
        if p.line is None:
            assert any(f[0] == p.path and f[2] == p.rule for f in found), (p, sorted(found))
        else:
            assert (p.path, p.line, p.rule) in found, (p, sorted(found))


def tree_state(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root: (bytes, mtime_ns)."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for fn in files:
            p = Path(dirpath) / fn
            out[p.relative_to(root).as_posix()] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out
