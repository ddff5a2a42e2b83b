"""Session pages: each finding written as a block renders as a card. The hand-written Markdown stays the
source: the page's Markdown only gains two HTML comments around each finding (``markers``), and the HTML
the theme's Markdown produced between them is wrapped and tidied here: a header with severity, status and
the linked feature; the bold ``**Key:** value`` lines as a definition list; ``- [ ]`` lines as task items.
Every text taken from docs is escaped (the finding's own HTML is Python-Markdown's, as on any page)."""

from __future__ import annotations

import re
from typing import Callable

from ..model.findings import Finding, Session
from .boxes import severity_of, status_of
from .html import _href, e
from ..startup import rx

START = "<!-- reassign:card {} {} -->"
END = "<!-- reassign:card-end {} {} -->"
_START = rx(r"<!-- reassign:card (finding-[a-z0-9_-]+) ([0-9a-f]+) -->")
_END = rx(r"<!-- reassign:card-end (finding-[a-z0-9_-]+) ([0-9a-f]+) -->")
_FIELD_P = rx(r"<p><strong>[^<]{1,60}?</strong>.*?</p>", re.S)
_FIELD_LINE = rx(r"^<strong>(?P<key>[^<]{1,60}?)\s*(?::\s*</strong>|</strong>\s*:)\s*(?P<value>.*)$", re.S)
_FIELD_UL = rx(r"<ul>\n?((?:<li><strong>(?:(?!</?(?:li|ul|ol|p|div)\b).)*</li>\n?)+)</ul>", re.S)
_FIELD_LI = rx(r"<li>(.*?)</li>", re.S)
_BLOCK_STOP = rx(r"<h[1-6][\s>]|<hr\b|<!--")
_TASK = rx(r"<li>(\s*<p>)?\s*\[([ xX✓✔])\]\s*")
_HEADING_END = rx(r"</h[1-6]>")
STATUS_WORDS = {"open": "Open", "decided": "Decided", "possibly-decided": "Possibly decided"}

# (feature ID) -> (href, title) of its doc from this page, or None
FeatureLink = Callable[[str], "tuple[str, str] | None"]


def markers(f: Finding, nonce: str) -> tuple[str, str]:
    """The comments markdown() puts before a finding's first line and after its last. ``nonce`` is the
    site's secret of pages.Pages: a marker typed into a doc lacks it and is never taken for one of ours."""
    return START.format(f.anchor, nonce), END.format(f.anchor, nonce)


def render_cards(html: str, session: Session, feature_link: FeatureLink, nonce: str) -> str:
    """Wrap each marked finding in its card; markers whose pair was lost are left for pages' fill step,
    which removes every ``reassign:`` comment. One pass over the markers (a start without its end costs
    nothing more)."""
    if "<!-- reassign:card " not in html:
        return html
    by_anchor = {f.anchor: f for f in session.findings if not f.from_table}
    ends: dict[str, list[int]] = {}
    for m in _END.finditer(html):
        if m.group(2) == nonce:
            ends.setdefault(m.group(1), []).append(m.start())
    out, pos = [], 0
    for m in _START.finditer(html):
        if m.start() < pos or m.group(2) != nonce:
            continue
        f = by_anchor.get(m.group(1))
        end = next((i for i in ends.get(m.group(1), ()) if i > m.end()), None)
        if f is None or end is None:
            continue
        close = html.index("-->", end) + 3
        out += [html[pos:m.start()], card(f, html[m.end():end], feature_link)]
        pos = close
    out.append(html[pos:])
    return "".join(out)


def card(f: Finding, inner: str, feature_link: FeatureLink) -> str:
    status = status_of(f)
    sev_key, sev = severity_of(f)
    meta = _meta(f, status, sev_key, sev, feature_link)
    body = tasks(fields_to_dl(inner))
    h = _HEADING_END.search(body)
    # the header goes under the finding's heading (its anchor stays right before the heading), or first
    body = body[: h.end()] + meta + body[h.end():] if h and "<p>" not in body[: h.start()] else meta + body
    return (f'<div class="reassign-card" data-reassign="card" data-finding="{e(f.id)}" data-status="{status}" '
            f'data-severity="{e(sev_key)}">{body}</div>')


def _meta(f: Finding, status: str, sev_key: str, sev: str, feature_link: FeatureLink) -> str:
    why = ""
    if status == "decided" and f.decided_at:
        why = f' title="decided at line {f.decided_at}"'
    elif status == "possibly-decided":
        why = f' title="{e("probably named by " + str(f.maybe_decided))}"'
    parts = [f'<span class="reassign-badge reassign-sev-{e(sev_key)}" data-reassign="severity">{e(sev)}</span>',
             f'<span class="reassign-badge reassign-status-{status}" data-reassign="status"{why}>{STATUS_WORDS[status]}</span>']
    if f.feature_id:
        link = feature_link(f.feature_id)
        if link is not None:
            parts.append(f'<span>Feature: <a href="{_href(link[0])}" data-reassign="feature">{e(f.feature_id)} · {e(link[1])}</a></span>')
        else:
            parts.append(f"<span>Feature: {e(f.feature_id)}</span>")
    return '<div class="reassign-card-meta">' + "".join(parts) + "</div>"


# ------------------------------------------------------------------ fields and tasks


def _list_fields(inner: str) -> str:
    """Fields written as list items (``- **Key:** value``, each a plain item) read as a field paragraph."""
    def sub(m) -> str:
        items = _FIELD_LI.findall(m.group(1))
        if not all(_FIELD_LINE.match(i) for i in items):
            return m.group(0)
        return "<p>" + "\n".join(items) + "</p>"

    return _FIELD_UL.sub(sub, inner) if "<li><strong>" in inner else inner


def fields_to_dl(inner: str) -> str:
    """Paragraphs of ``<strong>Key:</strong> value`` lines become one definition list; what follows a field
    (its list of files, its checkboxes, its paragraphs) becomes its value, up to a heading or rule."""
    inner = _list_fields(inner)
    out: list[str] = []
    dl: list[list[str]] | None = None
    pos = 0
    for m in _FIELD_P.finditer(inner):
        fields = _fields(m.group(0)[3:-4])
        if fields is None:
            continue
        between = inner[pos : m.start()]
        if dl is not None and not _BLOCK_STOP.search(between):
            dl[-1][1] += between
        else:
            if dl is not None:
                out.append(_dl(dl))
            out.append(between)
            dl = []
        dl.extend(fields)
        pos = m.end()
    tail = inner[pos:]
    if dl is None:
        return inner
    stop = _BLOCK_STOP.search(tail)
    cut = stop.start() if stop else len(tail)
    if dl[-1][1].strip():  # a field with its value on its line: what follows is not its value
        cut = 0
    dl[-1][1] += tail[:cut]
    out.append(_dl(dl))
    out.append(tail[cut:])
    return "".join(out)


def _fields(content: str) -> list[list[str]] | None:
    fields: list[list[str]] = []
    for line in content.split("\n"):
        m = _FIELD_LINE.match(line)
        if m:
            fields.append([m.group("key").strip(), m.group("value").strip()])
        elif fields:
            fields[-1][1] += "\n" + line
        else:
            return None
    return fields or None


_BULLET = rx(r"^\s*[-*+]\s+(.*)$")


def _dl(fields: list[list[str]]) -> str:
    # keys and values are the theme's own rendering of the Markdown (already escaped HTML)
    return '<dl class="reassign-fields">' + "".join(f"<dt>{k}</dt><dd>{_value(v)}</dd>" for k, v in fields) + "</dl>"


def _value(v: str) -> str:
    """A field's value; a list written right under its key (no blank line, so Markdown kept it in the
    paragraph as lines of text) becomes a list."""
    out, items = [], []
    for line in v.strip().split("\n"):
        m = _BULLET.match(line) if not line.lstrip().startswith("<") else None
        if m:
            items.append(f"<li>{m.group(1)}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        out.append(line)
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def tasks(html: str) -> str:
    """``<li>[ ] text`` as Python-Markdown leaves it without a task-list extension: a disabled checkbox."""
    def sub(m) -> str:
        checked = " checked" if m.group(2) != " " else ""
        return f'<li class="task-list-item reassign-task">{m.group(1) or ""}<input type="checkbox" disabled{checked}> '

    return _TASK.sub(sub, html)
