"""Diagnostics: what every rule produces, and how one is printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info", "off")
_RANK = {"error": 0, "warning": 1, "info": 2, "off": 3}


@dataclass(slots=True)
class Diagnostic:
    path: str  # relative to the project root, with forward slashes
    line: int  # 1-based; 0 = the file as a whole
    rule: str
    message: str
    hint: str = ""
    severity: str = "error"
    column: int = 1
    requirement: str | None = None
    contract: str | None = None
    waived: str | None = None  # reason, when a waiver or the baseline covers it
    extra: dict = field(default_factory=dict)

    def fresh(self) -> "Diagnostic":
        """A copy with an empty ``extra`` (what dataclasses.replace(d, extra={}) makes, ten times faster)."""
        return Diagnostic(self.path, self.line, self.rule, self.message, self.hint, self.severity, self.column,
                          self.requirement, self.contract, self.waived, {})

    def sort_key(self):
        return (self.path, self.line, self.column)

    def format(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        hint = f" ({self.hint})" if self.hint else ""
        return f"{loc}: {self.severity}: {self.rule}: {self.message}{hint}"

    def fingerprint(self) -> str:
        """Stable identity for baselines: path, rule, requirement and the message without what it says about
        neighbouring text (`expected before "X"`, what a root cause breaks elsewhere), so that fixing one gap
        does not change another's fingerprint. Survives line moves, not a change of the defect itself."""
        return f"{self.path}|{self.rule}|{self.requirement or ''}|{stable_message(self.message)}"

    def to_json(self) -> dict:
        d = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }
        if self.hint:
            d["hint"] = self.hint
        if self.requirement:
            d["requirement"] = self.requirement
        if self.contract:
            d["contract"] = self.contract
        return d


def at_least(severity: str, threshold: str) -> bool:
    return _RANK.get(severity, 3) <= _RANK.get(threshold, 3)


# Context in a message that depends on other text than the defect's own: left out of fingerprints.
_CONTEXT = re.compile(r' \(expected before "[^"]*"\)|; this breaks .*$')


def stable_message(message: str) -> str:
    return _CONTEXT.sub("", message)


def normalise_fingerprint(fp: str) -> str:
    """An older baseline's fingerprint (full message) as this version computes it: old baselines keep working."""
    parts = fp.split("|", 3)  # path|rule|requirement|message (a message may hold "|" itself)
    return "|".join(parts[:3] + [stable_message(parts[3])]) if len(parts) == 4 else fp
