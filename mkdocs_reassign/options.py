"""Plugin options, shared by the MkDocs adapter and the CLI.

One table describes every option; the plugin builds its MkDocs config scheme
from it, and the CLI validates mkdocs.yml's plugin block with `validate()`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .model.globs import glob_regex, matches_any  # noqa: F401 (re-exported)
from .rules import RULES, SEVERITIES

# name: (type, default, description)
OPTIONS: dict[str, tuple[str, object, str]] = {
    "features": ("globs", ["features/**/*.md"], "Globs (relative to docs_dir) of the feature docs to check."),
    "exclude": ("globs", ["**/index.md", "**/README.md"], "Globs of docs never treated as feature docs."),
    "sessions": ("globs", ["findings/session-*.md"], "Globs of findings session files."),
    "contracts_dir": ("path", None, "Folder (relative to the config file) of your own contract YAML files."),
    "default_contract": ("str", "feature-doc", "Contract for feature docs that no other selection picks."),
    "id_pattern": ("str", r"[A-Z]{1,5}[0-9]+", "Regular expression of a feature ID (P4, A10, API2, STATS3)."),
    "severity": ("severity", {}, "Severity per rule ID: error, warning, info or off."),
    "finding_types": ("list", None, "Finding-type registry replacing the defaults (see the findings docs)."),
    "source_root": ("path", None, "Folder (relative to the config file) that File: references point into; unset = not checked."),
    "code_freshness": ("bool", True, "With source_root in a git work tree: note (info) docs whose cited code changed after the doc's last commit."),
    "banner": ("choice:serve,always,never", "serve", "When pages get a banner listing their gaps."),
    "overview_page": ("str?", "feature-overview.md", "Path (in the site) of the generated overview page; empty to disable."),
    "report_file": ("str?", "reassign-report.json", "File written to site_dir with every feature, finding and diagnostic; empty to disable."),
    "baseline": ("path", None, "Baseline file (from `mkdocs-reassign baseline`): diagnostics it lists do not fail."),
    "attention_table": ("bool", True, "Render the correct NEEDS YOUR ATTENTION table in session pages."),
    "findings_box": ("bool", True, "Show each feature's findings on its page."),
    "completion_box": ("bool", True, "Show each feature's completion status on its page."),
}


@dataclass
class Options:
    features: list[str] = field(default_factory=lambda: ["features/**/*.md"])
    exclude: list[str] = field(default_factory=lambda: ["**/index.md", "**/README.md"])
    sessions: list[str] = field(default_factory=lambda: ["findings/session-*.md"])
    contracts_dir: str | None = None
    default_contract: str = "feature-doc"
    id_pattern: str = r"[A-Z]{1,5}[0-9]+"
    severity: dict[str, str] = field(default_factory=dict)
    finding_types: list | None = None
    source_root: str | None = None
    code_freshness: bool = True
    banner: str = "serve"
    overview_page: str | None = "feature-overview.md"
    report_file: str | None = "reassign-report.json"
    baseline: str | None = None
    attention_table: bool = True
    findings_box: bool = True
    completion_box: bool = True


# Options naming a file in site_dir: the plugin never writes outside it.
SITE_PATHS = ("overview_page", "report_file")


class OptionError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(f"option '{name}': {message}")
        self.name = name


def _check(name: str, kind: str, value):
    if kind == "globs":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise OptionError(name, "expected a list of glob strings")
        return value
    if kind == "path" or kind == "str?":
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise OptionError(name, f"expected a string, got {type(value).__name__}")
        if "\x00" in value:
            raise OptionError(name, "a path cannot contain a NUL character")
        if name in SITE_PATHS:
            norm = posixpath.normpath(value.replace("\\", "/"))
            if posixpath.isabs(norm) or norm == ".." or norm.startswith("../") or re.match(r"^[A-Za-z]:", norm):
                raise OptionError(name, f"{value!r} must be a path inside the site (relative, without ..)")
        return value
    if kind == "str":
        if not isinstance(value, str) or not value:
            raise OptionError(name, "expected a non-empty string")
        if name == "id_pattern":
            try:
                re.compile(value)
            except re.error as e:
                raise OptionError(name, f"not a valid regular expression: {e}") from None
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise OptionError(name, "expected true or false")
        return value
    if kind.startswith("choice:"):
        choices = kind[7:].split(",")
        if value not in choices:
            raise OptionError(name, f"expected one of {', '.join(choices)}, got {value!r}")
        return value
    if kind == "severity":
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise OptionError(name, "expected a mapping of rule ID to error|warning|info|off")
        out = {}
        for rule, sev in value.items():
            if rule not in RULES:
                raise OptionError(name, f"unknown rule {rule!r} (known: {', '.join(sorted(RULES))})")
            if sev is False:  # YAML reads a bare `off` as false
                sev = "off"
            if sev not in SEVERITIES:
                raise OptionError(name, f"rule {rule!r}: severity must be one of {', '.join(SEVERITIES)}, got {sev!r}")
            out[rule] = sev
        return out
    if kind == "list":
        if value is None:
            return None
        if not isinstance(value, list):
            raise OptionError(name, "expected a list")
        return value
    raise AssertionError(kind)  # pragma: no cover


def validate(raw: dict | None) -> Options:
    """Validate a plugin option mapping (from mkdocs.yml). Raise OptionError."""
    raw = dict(raw or {})
    raw.pop("enabled", None)
    unknown = sorted(set(raw) - set(OPTIONS))
    if unknown:
        raise OptionError(unknown[0], f"unknown option (known: {', '.join(OPTIONS)})")
    opts = Options()
    for name, value in raw.items():
        setattr(opts, name, _check(name, OPTIONS[name][0], value))
    return opts
