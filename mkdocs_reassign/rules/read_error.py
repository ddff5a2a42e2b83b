"""read-error: a file in docs_dir cannot be read or decoded, or is reached through a symbolic link loop.

The engine finds these while it reads the site (``engine.read_source``, ``engine.symlink_loops``) and leaves
the files out; this rule reports what it found."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("read-error", ("site",), "error", "a file cannot be read or decoded")


def check_site(site) -> list[Diagnostic]:
    return [Diagnostic(rel, line, RULE.id, message, hint) for rel, line, message, hint in site.read_problems]
