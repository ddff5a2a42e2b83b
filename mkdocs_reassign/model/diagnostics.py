"""Diagnostics: what every rule produces, and how one is printed."""

from __future__ import annotations

import re
from dataclasses import field

from ..startup import dataclass, rx

SEVERITIES = ("error", "warning", "info", "off")

# What can break a line or a log: control characters (tab aside), line and paragraph separators,
# and lone surrogates (a file name that is not UTF-8, as os.fsdecode gives it: b"\xff" -> "\udcff").
_UNSAFE = rx("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match) -> str:
    c = m.group()
    o = ord(c)
    if c in _NAMED:
        return _NAMED[c]
    if 0xDC80 <= o <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{o - 0xDC00:02x}"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def one_line(text: str) -> str:
    """``text`` on one line, printable in any encoding: newlines, other control characters and the bytes of a
    file name that is not UTF-8 become visible escapes (``\\n``, ``\\x1b``, ``\\xff``). Nothing else changes."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def safe(d: "Diagnostic") -> "Diagnostic":
    """The diagnostic as every output shows it: path, message and hint one line each (see one_line)."""
    p, m, h = one_line(d.path), one_line(d.message), one_line(d.hint)
    if (p, m, h) == (d.path, d.message, d.hint):
        return d
    return Diagnostic(p, d.line, d.rule, m, h, d.severity, d.column, d.requirement, d.contract, d.waived, d.extra)
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
        """One line (whatever the path, message or hint hold) that never starts with ``::``, a GitHub
        workflow command."""
        path = one_line(self.path)
        loc = f"{path}:{self.line}" if self.line else path
        hint = f" ({one_line(self.hint)})" if self.hint else ""
        return f"{'./' if loc.startswith('::') else ''}{loc}: {self.severity}: {self.rule}: {one_line(self.message)}{hint}"

    def fingerprint(self) -> str:
        """Stable identity for baselines: path, rule, requirement and the message without what it says about
        neighbouring text (`expected before "X"`, what a root cause breaks elsewhere), so that fixing one gap
        does not change another's fingerprint. Survives line moves, not a change of the defect itself."""
        return one_line(f"{self.path}|{self.rule}|{self.requirement or ''}|{stable_message(self.message)}")

    def to_json(self) -> dict:
        d = {
            "path": one_line(self.path),
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "rule": self.rule,
            "message": one_line(self.message),
        }
        if self.hint:
            d["hint"] = one_line(self.hint)
        if self.requirement:
            d["requirement"] = self.requirement
        if self.contract:
            d["contract"] = self.contract
        return d


def at_least(severity: str, threshold: str) -> bool:
    return _RANK.get(severity, 3) <= _RANK.get(threshold, 3)


# Context in a message that depends on other text than the defect's own: left out of fingerprints.
_CONTEXT = rx(r' \(expected before "[^"]*"\)|; this breaks .*$')


def stable_message(message: str) -> str:
    return _CONTEXT.sub("", message)


def normalise_fingerprint(fp: str) -> str:
    """An older baseline's fingerprint (full message) as this version computes it: old baselines keep working."""
    parts = fp.split("|", 3)  # path|rule|requirement|message (a message may hold "|" itself)
    return "|".join(parts[:3] + [stable_message(parts[3])]) if len(parts) == 4 else fp
