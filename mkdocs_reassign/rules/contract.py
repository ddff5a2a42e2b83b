"""contract: a contract file, a doc's choice of contract, or a plugin option is invalid."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("contract", ("doc", "site"), "error", "a contract file or plugin option is invalid")


def check_doc(fd) -> list[Diagnostic]:
    """An unknown contract named in front matter, or a default contract that does not exist."""
    return [Diagnostic(fd.rel, line, RULE.id, msg, hint) for line, msg, hint in fd.contract_problems]


def check_site(site) -> list[Diagnostic]:
    """Problems of the contract files and of the finding_types option. Their paths are already
    relative to the project root (they are not in docs_dir): ``extra["root_path"]`` tells the engine."""
    out = [Diagnostic(p.file, p.line, RULE.id, p.message, p.hint, extra={"root_path": True}) for p in site.contracts.problems]
    for msg in site.registry_problems:
        out.append(Diagnostic(site.config_name, 0, RULE.id, f"option 'finding_types': {msg}", "see the findings docs",
                              extra={"root_path": True}))
    return out
