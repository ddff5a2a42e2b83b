"""Plugin options, shared by the MkDocs adapter and the CLI.

``DECLARATION`` holds one typed ``Option`` per option (name, kind, default, description). It drives
everything else: the ``Options`` dataclass and its defaults, MkDocs' config scheme (``Option.config_option``,
used by plugin.py), validation (``validate``, used by the plugin and by the CLI's mkdocs.yml reader) and
the options table in docs/configuration.md (``markdown_table``, also printed by
``python -m mkdocs_reassign.options --markdown``).
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
import sys
from dataclasses import field

from .model.globs import glob_problem, glob_regex, matches_any  # noqa: F401 (re-exported)
from .model.diagnostics import SEVERITIES
from .startup import dataclass, make_dataclass

# kind -> (Python type of the value, how the docs name the type)
KINDS: dict[str, tuple[object, str]] = {
    "globs": ("list[str]", "list of globs"),
    "path": ("str | None", "path"),
    "str": ("str", "string"),
    "str?": ("str | None", "string or empty"),
    "bool": ("bool", "boolean"),
    "choice": ("str", "one of"),
    "severity": ("dict[str, str]", "mapping of rule ID to severity"),
    "list": ("list | None", "list of mappings"),
}


@dataclass(frozen=True)
class Option:
    """One plugin option: the single place its name, kind, default and description are written."""

    name: str
    kind: str  # a key of KINDS
    default: object
    description: str
    choices: tuple[str, ...] = ()  # kind "choice" only

    def __post_init__(self):
        assert self.kind in KINDS, self.kind
        assert (self.kind == "choice") == bool(self.choices), self.name

    def new_default(self):
        """A fresh copy of the default (lists and mappings are never shared between Options)."""
        return copy.deepcopy(self.default)

    @property
    def type_name(self) -> str:
        name = KINDS[self.kind][1]
        return f"{name} {', '.join(f'`{c}`' for c in self.choices)}" if self.choices else name

    def config_option(self):
        """This option as an MkDocs config option (imports MkDocs: the plugin's business, never the CLI's)."""
        from mkdocs.config import config_options as c

        return _bounded(self._mkdocs_option(c), c)

    def _mkdocs_option(self, c):
        kind, default = self.kind, self.new_default()
        if kind == "globs":
            return _globs_option(c)(c.Type(str), default=default)
        if kind in ("path", "str?"):
            return c.Optional(c.Type(str)) if default is None else c.Type(str, default=default)
        if kind == "str":
            return c.Type(str, default=default)
        if kind == "bool":
            return c.Type(bool, default=default)
        if kind == "choice":
            return c.Choice(self.choices, default=default)
        if kind == "severity":
            return c.Type(dict, default=default)  # values checked by validate (a bare `off` is YAML false)
        if kind == "list":
            return c.Optional(c.ListOfItems(c.Type(dict)))
        raise AssertionError(kind)  # pragma: no cover


def shape_problem(value) -> str | None:
    """Why a value read from YAML is too large or deep to look at (an alias bomb), or None. Bounded time:
    shared values are measured once, never expanded."""
    from .markdown.yamlutil import ShapeProblem, measure

    try:
        measure(value)
    except ShapeProblem as p:
        return f"{p} (write the values out instead of repeating YAML aliases)"
    return None


def _bounded(option, c):
    """MkDocs' option with the shape checked first: MkDocs' own checks walk a list and put repr(value) in
    their messages, which never ends for a billion-laughs value."""
    base = type(option)

    def run_validation(self, value):
        problem = shape_problem(value)
        if problem:
            raise c.ValidationError(problem)
        return base.run_validation(self, value)

    option.__class__ = type(base.__name__, (base,), {"run_validation": run_validation})
    return option


def _globs_option(c):
    """ListOfItems that also takes one glob string, as the CLI and the docs do (``features: "docs/*.md"``)."""

    class Globs(c.ListOfItems):
        def run_validation(self, value):
            return super().run_validation([value] if isinstance(value, str) else value)

    return Globs


DECLARATION: tuple[Option, ...] = (
    Option("features", "globs", ["features/**/*.md"], "Globs (relative to docs_dir) of the feature docs to check."),
    Option("exclude", "globs", ["**/index.md", "**/README.md"], "Globs of docs never treated as feature docs."),
    Option("sessions", "globs", ["findings/session-*.md"], "Globs of findings session files."),
    Option("contracts_dir", "path", None, "Folder (relative to the config file) of your own contract YAML files."),
    Option("default_contract", "str", "feature-doc", "Contract for feature docs that no other selection picks."),
    Option("id_pattern", "str", r"[A-Z]{1,5}[0-9]+", "Regular expression of a feature ID (P4, A10, API2, STATS3)."),
    Option("severity", "severity", {}, "Severity per rule ID: error, warning, info or off."),
    Option("finding_types", "list", None, "Finding-type registry replacing the defaults (see the findings docs)."),
    Option("source_root", "path", None, "Folder (relative to the config file) that code references (File: lines, path:line in docs) point into; unset = not checked."),
    Option("code_freshness", "bool", True, "With source_root in a git work tree: note (info) docs whose cited code changed after the doc's last commit."),
    Option("banner", "choice", "serve", "When pages get a banner listing their gaps.", ("serve", "always", "never")),
    Option("overview_page", "str?", "feature-overview.md", "Path (in the site) of the generated overview page; empty to disable."),
    Option("report_file", "str?", "reassign-report.json", "File written to site_dir with every feature, finding and diagnostic; empty to disable."),
    Option("baseline", "path", None, "Baseline file (from `mkdocs-reassign baseline`): diagnostics it lists do not fail."),
    Option("attention_table", "bool", True, "Render the correct NEEDS YOUR ATTENTION table in session pages."),
    Option("findings_box", "bool", True, "Show each feature's findings on its page."),
    Option("completion_box", "bool", True, "Show each feature's completion status on its page."),
)
OPTIONS: dict[str, Option] = {o.name: o for o in DECLARATION}

# The options' values, with the declared defaults: Options(), Options(source_root="src"), ...
Options = make_dataclass(
    "Options",
    [(o.name, KINDS[o.kind][0], field(default_factory=o.new_default)) for o in DECLARATION],
    namespace={"__module__": __name__, "__doc__": "Validated plugin options (see DECLARATION)."},
)

# Options naming a file in site_dir: the plugin never writes outside it.
SITE_PATHS = ("overview_page", "report_file")


class OptionError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(f"option '{name}': {message}")
        self.name = name


def did_you_mean(name: str, known) -> str:
    """' (did you mean 'x'?)'-style hint for a misspelt name, or ''."""
    import difflib  # (here: a build whose options are right never needs it)

    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


# Files MkDocs (or this plugin) writes to site_dir whatever the docs: a site path option must not name one
# (a docs page's output path is checked when the files are known: plugin.on_files).
RESERVED_SITE_FILES = ("index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json",
                       "assets/mkdocs-reassign.css", "assets/mkdocs-reassign-overview.css", "assets/mkdocs-reassign-overview.js")


def _check_site_path(name: str, value: str) -> None:
    norm = posixpath.normpath(value.replace("\\", "/"))
    if posixpath.isabs(norm) or norm == ".." or norm.startswith("../") or re.match(r"^[A-Za-z]:", norm):
        raise OptionError(name, f"{value!r} must be a path inside the site (relative, without ..)")
    if norm == "." or value.endswith("/"):
        raise OptionError(name, f"{value!r} must name a file, not a folder")
    if name == "overview_page" and not norm.endswith(".md"):
        raise OptionError(name, f"{value!r} must end in .md: it is a Markdown page MkDocs renders "
                                f"(e.g. {posixpath.splitext(norm)[0]}.md)")
    if name == "report_file" and norm.lower() in RESERVED_SITE_FILES:
        raise OptionError(name, f"{value!r} would replace a file MkDocs writes to the site; choose another name "
                                "(e.g. reassign-report.json)")


def id_pattern_problem(value: str) -> str | None:
    """Why id_pattern cannot be used where the checks embed it (``(?:...)`` inside larger patterns, with
    groups of their own), or None."""
    if len(value) > 200:
        return "longer than 200 characters (an ID pattern is short, e.g. [A-Z]{1,5}[0-9]+)"
    try:
        rx = re.compile(value)
    except re.error as e:
        return f"not a valid regular expression: {e}"
    if rx.groupindex:
        return f"named group {next(iter(rx.groupindex))!r}: the checks name their own groups; write (?:...) instead"
    if re.search(r"\\[1-9]", value) and rx.groups:
        return "a numbered back-reference (\\1) changes meaning inside the checks' patterns; write the group out"
    try:
        re.compile(f"x(?:{value})")
    except re.error as e:
        return f"cannot be embedded in a larger pattern ({e}); write a flag for a group only, e.g. (?i:[a-z]+[0-9]+)"
    if rx.fullmatch(""):
        return "matches the empty string; an ID needs at least one character"
    return None


def _check(opt: Option, value):
    name, kind = opt.name, opt.kind
    if kind == "globs":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise OptionError(name, "expected a list of glob strings")
        for v in value:
            problem = glob_problem(v)
            if problem:
                raise OptionError(name, problem)
        return value
    if kind == "path" or kind == "str?":
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise OptionError(name, f"expected a string, got {type(value).__name__}")
        if "\x00" in value:
            raise OptionError(name, "a path cannot contain a NUL character")
        if name in SITE_PATHS:
            _check_site_path(name, value)
        return value
    if kind == "str":
        if not isinstance(value, str) or not value:
            raise OptionError(name, "expected a non-empty string")
        problem = id_pattern_problem(value) if name == "id_pattern" else None
        if problem:
            raise OptionError(name, problem)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise OptionError(name, "expected true or false")
        return value
    if kind == "choice":
        if value not in opt.choices:
            raise OptionError(name, f"expected one of {', '.join(opt.choices)}, got {value!r}")
        return value
    if kind == "severity":
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise OptionError(name, "expected a mapping of rule ID to error|warning|info|off")
        out = {}
        for rule, sev in value.items():
            from .rules import RULES  # (here: the check's, which a build may run in another process)

            if rule not in RULES:
                raise OptionError(name, f"unknown rule {rule!r} ({did_you_mean(rule, RULES)}known: {', '.join(sorted(RULES))})")
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
    enabled = raw.pop("enabled", True)
    if not isinstance(enabled, bool):  # MkDocs' own check of every plugin's `enabled`
        raise OptionError("enabled", f"expected true or false, got {enabled!r}")
    unknown = sorted(set(raw) - set(OPTIONS), key=str)
    if unknown:
        name = unknown[0]
        raise OptionError(name, f"unknown option ({did_you_mean(name, OPTIONS)}known: {', '.join(OPTIONS)})")
    opts = Options()
    for name, value in raw.items():
        problem = shape_problem(value)
        if problem:
            raise OptionError(name, problem)
        setattr(opts, name, _check(OPTIONS[name], value))
    return opts


def _default_text(value) -> str:
    return "none" if value is None else json.dumps(value) if isinstance(value, (list, dict, bool)) else str(value)


def markdown_table() -> str:
    """The options table of docs/configuration.md, from DECLARATION (tests/test_options_table.py compares)."""
    rows = ["| Option | Type | Default | Description |", "|--------|------|---------|-------------|"]
    for o in DECLARATION:
        desc = o.description.replace("|", "\\|")
        rows.append(f"| [`{o.name}`](#{o.name}) | {o.type_name} | `{_default_text(o.default)}` | {desc} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # python -m mkdocs_reassign.options --markdown
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m mkdocs_reassign.options --markdown")
    sys.stdout.write(markdown_table())
