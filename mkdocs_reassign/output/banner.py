"""The banner over a page with gaps: grouped by kind ("Missing sections: A, B (add them before C)"), one
line per other rule, hints in plain words. Every text taken from docs or diagnostics is escaped."""

from __future__ import annotations

from typing import Callable

from ..model.diagnostics import Diagnostic
from .html import e

AnchorFor = Callable[[int], "tuple[str, str] | None"]  # source line -> (anchor id, heading text) of its heading


def banner(diags: list[Diagnostic], anchor_for: AnchorFor, title: str = "mkdocs-reassign") -> str:
    # the rule's wording, read here: a build without banners never imports the rules (its check may run elsewhere)
    from ..rules.required_section import EMPTY, MISSING

    missing: dict[str, list[Diagnostic]] = {}  # "before" heading -> its missing sections
    empty: list[Diagnostic] = []
    by_rule: dict[str, list[Diagnostic]] = {}
    for d in diags:
        m = MISSING.match(d.message) if d.rule == "required-section" else None
        if m:
            missing.setdefault(m.group("before") or "", []).append(d)
        elif d.rule == "required-section" and EMPTY.match(d.message):
            empty.append(d)
        else:
            by_rule.setdefault(d.rule, []).append(d)
    items = [_missing_item(before, ds, anchor_for) for before, ds in missing.items()]
    if empty:
        items.append(_empty_item(empty, anchor_for))
    items += [_rule_item(rule, ds, anchor_for) for rule, ds in by_rule.items()]
    n = len(diags)
    return (f'<div class="admonition warning reassign-banner" data-reassign="banner" data-search-exclude><p class="admonition-title">'
            f"{e(title)}: {n} gap{'s' if n != 1 else ''} on this page</p><ul>" + "".join(items) + "</ul></div>")


def _link(d: Diagnostic, anchor_for: AnchorFor, text: str | None = None) -> str:
    where = anchor_for(d.line) if d.line else None
    if where is None:
        return e(text) if text is not None else f"line {d.line}" if d.line else "this page"
    return f'<a href="#{e(where[0])}">{e(text if text is not None else where[1])}</a>'


def _missing_item(before: str, ds: list[Diagnostic], anchor_for: AnchorFor) -> str:
    """The sections as the hints suggest them: in the case the doc's headings use."""
    from ..rules.required_section import ADD_HEADING, MISSING

    names = []
    for d in ds:
        h = ADD_HEADING.match(d.hint or "")
        names.append(f"<strong>{e(h.group('heading') if h else MISSING.match(d.message).group('name'))}</strong>")
    plural = len(ds) != 1
    where = f"add {'them' if plural else 'it'} before {_link(ds[0], anchor_for, before)}" if before else \
        f"add {'them' if plural else 'it'} at the end of the page"
    return (f'<li data-rule="required-section" data-kind="missing" data-count="{len(ds)}">Missing section{"s" if plural else ""}: '
            f'{", ".join(names)} ({where})</li>')


def _empty_item(ds: list[Diagnostic], anchor_for: AnchorFor) -> str:
    from ..rules.required_section import EMPTY

    names = ", ".join(_link(d, anchor_for, EMPTY.match(d.message).group("name")) for d in ds)
    plural = len(ds) != 1
    what = "write their content or remove the headings" if plural else "write its content or remove the heading"
    return (f'<li data-rule="required-section" data-kind="empty" data-count="{len(ds)}">Empty section{"s" if plural else ""}: '
            f"{names} ({what})</li>")


def _rule_item(rule: str, ds: list[Diagnostic], anchor_for: AnchorFor) -> str:
    def one(d: Diagnostic) -> str:
        hint = f' <span class="reassign-hint">{e(d.hint)}</span>' if d.hint else ""
        return f"{_link(d, anchor_for)}, line {d.line}: {e(d.message)}.{hint}" if d.line else f"{e(d.message)}.{hint}"

    if len(ds) == 1:
        return f'<li data-rule="{e(rule)}"><code>{e(rule)}</code> {one(ds[0])}</li>'
    # one item per gap (each its own line and link), under one line for the rule
    return (f'<li data-group="{e(rule)}" data-count="{len(ds)}"><code>{e(rule)}</code> {len(ds)} gaps<ul>'
            + "".join(f'<li data-rule="{e(rule)}">{one(d)}</li>' for d in ds) + "</ul></li>")
