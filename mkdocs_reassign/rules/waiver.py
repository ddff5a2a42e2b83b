"""waiver: a waiver has no reason, a bad date, names nothing known, or has expired.

Waivers are read and applied by ``waivers.py`` when the engine builds the report (after every other rule);
this module says what each problem with a waiver reads like."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("waiver", ("report",), "error", "a waiver has no reason, or has expired")


def not_a_mapping(rel: str, line: int) -> Diagnostic:
    return Diagnostic(rel, line, RULE.id, "waive: must map a rule or requirement ID to a reason", 'write waive: {required-topic: "reason"}')


def no_reason(rel: str, line: int, key: str) -> Diagnostic:
    return Diagnostic(rel, line, RULE.id, f"waiver of {key} has no reason", 'give the reason in quotes: waive ' + key + ' "why"')


def bad_date(rel: str, line: int, key: str, until) -> Diagnostic:
    return Diagnostic(rel, line, RULE.id, f"waiver of {key}: until {until!r} is not a date", "write until: YYYY-MM-DD")


def expired(rel: str, line: int, key: str, day, reason: str) -> Diagnostic:
    return Diagnostic(rel, line, RULE.id, f"waiver of {key} expired on {day.isoformat()} ({reason})", "fix what it waived, or extend until:")


def unknown_key(rel: str, line: int, key: str) -> Diagnostic:
    return Diagnostic(rel, line, RULE.id, f"waiver of {key!r} names no rule, requirement or section",
                      "use a rule ID such as required-topic, or a requirement ID of the doc's contract")
