"""The rules: one module per rule ID, and the registry that lists them.

A rule module declares ``RULE`` (its ID, the scopes it checks, default severity, a one-line summary) and one
``check_<scope>`` function per scope, each returning the rule's diagnostics:

* ``check_doc(fd)``: one feature doc and its contract (``model.features.FeatureDoc``);
* ``check_session(session, registry)``: one findings session file (``model.findings.Session``);
* ``check_site(site)``: what needs the whole site (``engine.Site``: every doc, session, ID and file);
* optionally ``refine(diags, site)``: complete, in place, diagnostics that need the whole site (feature-id names
  the links and findings that a doc without an ID breaks).

Doc and session results are cached per file content during serve; site rules run on every check.
Severity, waivers, the baseline and display paths are not a rule's business: the engine applies them
once, when it builds the report. To add a rule: add a module here, list it in ``_MODULES``, write its
section in docs/rules.md and its golden cases under tests/golden/<rule-id>/.
"""

from __future__ import annotations


from importlib import import_module

from ..model.diagnostics import SEVERITIES  # noqa: F401 (re-exported: one definition)
from ..startup import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    scopes: tuple[str, ...]  # "doc", "session", "site"; "report": applied while the report is built (waiver)
    severity: str  # default severity
    summary: str

    @property
    def module(self) -> str:
        return self.id.replace("-", "_")

    @property
    def anchor(self) -> str:
        """Where the rule is documented, relative to the docs site root."""
        return f"rules.md#{self.id}"


# The order is the catalogue's (docs, --list-rules, SARIF) and the order rules run in.
_MODULES = (
    "feature_id", "front_matter", "template", "required_section", "section_order", "required_topic", "diagram",
    "related_feature", "broken_link", "link_id_mismatch", "unknown_finding", "finding_format", "duplicate_finding",
    "unknown_feature", "source_ref", "code_ref", "attention_drift", "decision_ref", "open_critical", "contract", "read_error",
    "waiver",
)

# The order rules run in, where it differs: a doc's own problems (front matter, then its ID, then its choice of
# contract) come before its coverage, whose diagnostics follow the contract's order (see check_doc).
_RUN_FIRST = ("front_matter", "feature_id", "contract")

MODULES = {name: import_module(f"{__name__}.{name}") for name in _MODULES}
_RUN = [MODULES[n] for n in _RUN_FIRST] + [m for n, m in MODULES.items() if n not in _RUN_FIRST]
REGISTRY: dict[str, Rule] = {m.RULE.id: m.RULE for m in MODULES.values()}
RULES: dict[str, str] = {r.id: r.summary for r in REGISTRY.values()}  # rule ID -> one-line summary
DEFAULT_SEVERITY: dict[str, str] = {r.id: r.severity for r in REGISTRY.values()}

DOC_CHECKS = tuple(m.check_doc for m in _RUN if "doc" in m.RULE.scopes)
SESSION_CHECKS = tuple(m.check_session for m in _RUN if "session" in m.RULE.scopes)
SITE_CHECKS = tuple(m.check_site for m in MODULES.values() if "site" in m.RULE.scopes)


def check_doc(fd) -> list:
    """Every doc-scope rule on one feature doc, in registry order."""
    out: list = []
    for check in DOC_CHECKS:
        out.extend(check(fd))
    if fd.gaps:  # coverage diagnostics in the contract's order (sections, then each requirement), whatever their rule
        out.sort(key=lambda d: d.extra.get("gap", -1))
    return out


def check_session(session, registry) -> list:
    out: list = []
    for check in SESSION_CHECKS:
        out.extend(check(session, registry))
    return out


def check_site(site) -> list:
    out: list = []
    for check in SITE_CHECKS:
        out.extend(check(site))
    return out


REFINES = tuple(m.refine for m in MODULES.values() if hasattr(m, "refine"))


def refine(diags: list, site) -> None:
    """Let a rule complete, in place, diagnostics that need the whole site (a root cause naming its dependents),
    keeping their place in the report (replacing entries with copies: never mutating cached ones)."""
    for r in REFINES:
        r(diags, site)


def table() -> list[tuple[str, str, str, str]]:
    """(ID, scopes, default severity, summary) of every rule, in catalogue order."""
    return [(r.id, ", ".join(r.scopes), r.severity, r.summary) for r in REGISTRY.values()]
