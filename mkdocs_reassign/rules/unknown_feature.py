"""unknown-feature: a finding's **Feature:** names no feature ID, or an ID no feature doc declares."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule
from .link_id_mismatch import _stated

RULE = Rule("unknown-feature", ("site",), "warning", "a finding's Feature names no known feature doc")


def check_site(site) -> list[Diagnostic]:
    sessions, registry = site.sessions, site.registry
    out = []
    stated = None
    for s in sessions:
        for f in s.findings:
            if not f.feature_raw:
                continue
            if f.feature_id is None:
                out.append(Diagnostic(s.rel, f.fields.get("feature", ("", f.line))[1], RULE.id,
                                      f"{f.id}: Feature {f.feature_raw!r} names no feature ID", "write the feature ID, e.g. **Feature:** P4"))
            elif f.feature_id not in registry:
                if stated is None:
                    stated = _stated(site)
                if f.feature_id in stated:
                    continue  # a doc states the ID but its H1 lacks it: that doc's feature-id names this finding
                out.append(Diagnostic(s.rel, f.fields.get("feature", ("", f.line))[1], RULE.id,
                                      f"{f.id}: Feature {f.feature_id} has no feature doc", "fix the ID, or document the feature"))
    return out
