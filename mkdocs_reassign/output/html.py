"""HTML pieces the plugin places in pages. Every text taken from docs is escaped."""

from __future__ import annotations

import re
from html import escape
from typing import Callable

from ..model.diagnostics import Diagnostic
from ..model.features import FeatureDoc
from ..model.findings import SEVERITY_ORDER, Finding, Registry, Session, expected_rows

Resolver = Callable[[str, str], str]  # (docs-relative target, fragment) -> href from the current page

CSS = """.reassign-box{border:1px solid #d0d7de;border-left:4px solid #448aff;border-radius:4px;padding:.6em 1em;margin:1em 0;font-size:.9em}
.reassign-box h2,.reassign-box .reassign-title{font-size:1.05em;font-weight:700;margin:0 0 .4em}
.reassign-box table{border-collapse:collapse;margin:.3em 0;font-size:.95em}
.reassign-box td,.reassign-box th,.reassign-attention td,.reassign-attention th{border:1px solid #d0d7de;padding:.2em .6em;text-align:left}
.reassign-ready-yes{color:#1a7f37;font-weight:700}.reassign-ready-no{color:#cf222e;font-weight:700}
.reassign-decided{text-decoration:line-through;opacity:.75}
.reassign-banner{border:1px solid #ff9100;border-left:6px solid #ff9100;background:#fff8e6;color:#3b2a00;padding:.6em 1em;margin:0 0 1em;border-radius:4px}
.reassign-banner ul{margin:.3em 0 .2em 1.2em;padding:0}
.reassign-banner code{background:rgba(0,0,0,.06);padding:0 .2em}
"""
# Served once per site as a stylesheet (see plugin.CSS_PATH), not inlined into every page: a thousand pages
# would each hold a copy for the whole build.


def e(text) -> str:
    return escape(str(text), quote=True)


_SCHEME = re.compile(r"^[\x00-\x20]*([A-Za-z][A-Za-z0-9+.-]*):")


def _href(url) -> str:
    """An escaped href that can only be a relative link or http(s): a docs file named
    "javascript:alert(1).md" must not become a javascript: URL when a resolver hands back its path."""
    url = str(url)
    m = _SCHEME.match(url.replace("\t", "").replace("\n", "").replace("\r", ""))  # as a browser's URL parser reads it
    if m and m.group(1).lower() not in ("http", "https"):
        url = "./" + url.lstrip("\x00\x20\t\n\r\f")
    return e(url)


# ------------------------------------------------------------------ attention table


def attention_table(s: Session, reg: Registry, resolve: Resolver | None = None) -> str:
    rows = []
    for typ, ids in expected_rows(s, reg):
        if resolve:
            cell = ", ".join(f'<a href="{_href(resolve(s.rel, _anchor(i)))}">{e(i)}</a>' for i in ids) or "-"
        else:
            cell = ", ".join(e(i) for i in ids) or "-"
        rows.append(f"<tr><td>{e(typ.emoji)} <strong>{e(typ.label)}</strong></td><td>{len(ids)}</td><td>{cell}</td></tr>")
    return ('<table class="reassign-attention" data-reassign="attention"><thead><tr><th>Type</th><th>Count</th><th>IDs</th></tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table>")


def attention_markdown(s: Session, reg: Registry, newline: str = "\n") -> str:
    """The table as Markdown, in the hand-kept format (for `mkdocs-reassign fix`)."""
    out = ["| Type | Count | IDs |", "|------|-------|-----|"]
    for typ, ids in expected_rows(s, reg):
        label = f"{typ.emoji} **{typ.label}**" if typ.emoji else f"**{typ.label}**"
        out.append(f"| {label} | {len(ids)} | {', '.join(ids) if ids else '-'} |")
    return newline.join(out)


def _anchor(fid: str) -> str:
    return "finding-" + fid.lower()


def finding_anchor(fid: str) -> str:
    return f'<a id="{e(_anchor(fid))}" class="reassign-anchor"></a>'


# ------------------------------------------------------------------ feature boxes


def _sev_rank(f: Finding) -> int:
    t = f.type or f.section
    return SEVERITY_ORDER.index(t.severity) if t and t.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def findings_box(fd: FeatureDoc, found: list[Finding], resolve: Resolver) -> str:
    if not found:
        body = "<p>No findings recorded for this feature.</p>"
    else:
        items = []
        for f in sorted(found, key=lambda f: (_sev_rank(f), f.id)):
            t = f.type or f.section
            label = f"{t.emoji} {t.label}" if t else "Finding"
            state = " <em>(decided)</em>" if f.decided else ""
            cls = ' class="reassign-decided"' if f.decided else ""
            href = resolve(f.session, _anchor(f.id))
            items.append(f'<tr{cls}><td>{e(label)}</td><td><a href="{_href(href)}">{e(f.id)}</a></td><td>{e(f.title)}{state}</td></tr>')
        body = "<table><thead><tr><th>Severity</th><th>ID</th><th>Title</th></tr></thead><tbody>" + "".join(items) + "</tbody></table>"
    fid = e(fd.id or "?")
    return f'<div class="reassign-box reassign-findings" data-reassign="findings" data-search-exclude><p class="reassign-title">Findings for {fid}</p>{body}</div>'


def completion(fd: FeatureDoc, found: list[Finding]) -> dict:
    met = sum(1 for r in fd.results if r.met)
    total = len(fd.results)
    open_by: dict[str, int] = {}
    open_critical = 0
    for f in found:
        if f.decided:
            continue
        t = f.type or f.section
        if t is None:
            continue
        open_by[t.label] = open_by.get(t.label, 0) + 1
        if t.stop:
            open_critical += 1
    return {"met": met, "total": total, "open": open_by, "open_critical": open_critical,
            "ready": total > 0 and met == total and open_critical == 0,
            "unmet": [r.label for r in fd.results if not r.met]}


def completion_box(fd: FeatureDoc, found: list[Finding], related: list[tuple[str, str | None, str | None]], resolve: Resolver) -> str:
    c = completion(fd, found)
    opened = ", ".join(f"{e(k)}: {v}" for k, v in c["open"].items()) or "none"
    rel_items = []
    for rid, title, target in related:
        if target:
            rel_items.append(f'<a href="{_href(resolve(target, ""))}">{e(rid)}: {e(title or "")}</a>')
        else:
            rel_items.append(f"{e(rid)} <em>(no doc)</em>")
    ready = '<span class="reassign-ready-yes">Yes</span>' if c["ready"] else '<span class="reassign-ready-no">No</span>'
    unmet = ""
    if c["unmet"]:
        unmet = "<tr><th>Unmet</th><td>" + ", ".join(e(u) for u in c["unmet"]) + "</td></tr>"
    contract = e(fd.contract.name) if fd.contract else "none"
    return (
        f'<div class="reassign-box reassign-completion" data-reassign="completion" data-search-exclude><p class="reassign-title">Completion: {e(fd.id or "?")}</p>'
        f"<table><tbody>"
        f'<tr><th>Requirements met</th><td data-reassign="met">{c["met"]} of {c["total"]} (contract {contract})</td></tr>{unmet}'
        f'<tr><th>Open findings</th><td data-reassign="open">{opened}</td></tr>'
        f"<tr><th>Confidence</th><td>{e(fd.confidence or 'not stated')}</td></tr>"
        f"<tr><th>Related features</th><td>{', '.join(rel_items) or 'none'}</td></tr>"
        f'<tr><th>Ready for review</th><td data-reassign="ready">{ready}</td></tr>'
        "</tbody></table></div>"
    )


# ------------------------------------------------------------------ banner


def banner(diags: list[Diagnostic], anchor_for: Callable[[int], tuple[str, str] | None], title: str = "mkdocs-reassign") -> str:
    items = []
    for d in diags:
        where = anchor_for(d.line) if d.line else None
        loc = f'<a href="#{e(where[0])}">{e(where[1])}</a>' if where else "page"
        hint = f" <em>({e(d.hint)})</em>" if d.hint else ""
        items.append(f'<li data-rule="{e(d.rule)}"><code>{e(d.rule)}</code> line {d.line} ({loc}): {e(d.message)}{hint}</li>')
    n = len(diags)
    return (f'<div class="admonition warning reassign-banner" data-reassign="banner" data-search-exclude><p class="admonition-title">'
            f"{e(title)}: {n} gap{'s' if n != 1 else ''} on this page</p><ul>" + "".join(items) + "</ul></div>")
