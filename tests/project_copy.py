"""Throwaway copies of this project's dogfood site, for the browser tests.

``copy_project(tmp)`` copies ``docs/`` and ``mkdocs.yml`` (never builds into the
repository); ``build_site`` runs ``<python> -m mkdocs build`` into a tmp
directory; ``plant_gaps`` removes content from the P4 page so the
visitor-reassignment contract reports known gaps.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
P4_SRC = "docs/features/platform/visitor-reassignment.md"
P4_URL = "features/platform/visitor-reassignment/"
P2_SRC = "docs/features/platform/agent-assignment.md"
V8_URL = "features/visitor/agent-unavailable/"
SESSION_SRC = "docs/findings/session-2026-11-24.md"
SESSION_URL = "findings/session-2026-11-24/"
OVERVIEW_URL = "feature-overview/"

LOGOUT_ROW_START = "| Logout |"


def quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's end-of-life notice
    env["PYTHONUNBUFFERED"] = "1"
    return env


def copy_project(dest: Path) -> Path:
    """Copy docs/ and mkdocs.yml of the repository into ``dest``; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns("assets"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def set_plugin_options(project: Path, **options: str) -> None:
    """Add ``key: value`` lines under ``- reassign:`` in the copy's mkdocs.yml."""
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    lines = "".join(f"      {k}: {v}\n" for k, v in options.items())
    new, n = re.subn(r"^(  - reassign:\n)", lambda m: m.group(1) + lines, text, flags=re.M)
    assert n == 1, f"no '- reassign:' block in {cfg}:\n{text}"
    cfg.write_text(new, encoding="utf-8")


def set_theme(project: Path, name: str) -> None:
    """Replace the theme block of the copy's mkdocs.yml with ``theme: {name: ...}``."""
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    new, n = re.subn(r"^theme:\n(?:[ \t]+.*\n)*", f"theme:\n  name: {name}\n", text, flags=re.M)
    assert n == 1, text
    cfg.write_text(new, encoding="utf-8")


def build_site(project: Path, site_dir: Path, config: str = "mkdocs.yml", command: tuple[str, ...] | None = None) -> str:
    """Build ``project`` into ``site_dir``; return the build output (fails the test on error)."""
    argv = [*(command or (sys.executable, "-m", "mkdocs")), "build", "-f", config, "-d", str(site_dir)]
    proc = subprocess.run(argv, cwd=project, env=quiet_env(), capture_output=True, text=True, timeout=180)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(argv)} failed ({proc.returncode}):\n{out}"
    assert "Traceback" not in out, out
    return out


# ------------------------------------------------------------------ planted gaps


def remove_logout_row(text: str) -> str:
    """The logout trigger gone from P4 in every wording (its trigger row, "log out", "logout", "end their shift"):
    the contract accepts a trigger anywhere in the doc, so only this makes it a gap (reported at the H1)."""
    kept = "\n".join(ln for ln in text.split("\n") if not ln.startswith(LOGOUT_ROW_START))
    assert kept != text, "expected a logout row in All Reassignment Triggers"
    return re.sub(r"(?i)log(?:s|ged|ging)? ?out|end their shift", "leave", kept)


def restore_logout_row(text: str, original: str) -> str:
    """Undo remove_logout_row on a planted text (keeping the other planted gap, if any)."""
    return remove_database_logging(original) if "call_logs" not in text else original


def remove_database_logging(text: str) -> str:
    """Drop the '### Database Logging' section and every line mentioning call logs or the database."""
    start = text.index("### Database Logging")
    end = text.index("\n---\n", start)
    text = text[:start] + text[end + 1 :]
    return "\n".join(ln for ln in text.split("\n") if not re.search(r"(?i)call[_ -]?logs?|database", ln))


def plant_gaps(project: Path) -> tuple[str, str]:
    """Plant the logout + database-logging gaps in P4; return (original, planted) text."""
    path = project / P4_SRC
    original = path.read_text(encoding="utf-8")
    planted = remove_database_logging(remove_logout_row(original))
    assert "call_logs" not in planted and "### Database Logging" not in planted
    path.write_text(planted, encoding="utf-8")
    return original, planted


def block_external(page) -> None:
    """Abort every request that does not go to 127.0.0.1 (web fonts, CDN scripts): no DNS waits."""
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:)"), lambda route: route.abort())
