"""The overview page: a coverage map of every feature doc against its contract.

Rows are features, grouped by area and sorted by ID; columns are requirements (short labels, the full name
and description in a tooltip on hover and keyboard focus), then the open findings by type, then "ready for
review" with its reason. Each cell holds a symbol as well as a colour (met, unmet, met elsewhere, waived), and
every cell that is not plainly met links to the gap's place on the feature page: ``Pages`` puts an anchor
``reassign-gap-<requirement>`` before the heading the gap is reported under (``gap_places``).

The stylesheet and the filter script are package data (``assets/overview.css``, ``assets/overview.js``),
served as files of their own; with scripts off the table shows everything and the filter controls stay hidden.
Every text taken from docs is escaped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..model.features import FeatureDoc
from ..model.findings import SEVERITY_ORDER, Finding
from .html import Resolver, _href, completion, e
from ..startup import rx

CSS_PATH = "assets/mkdocs-reassign-overview.css"
JS_PATH = "assets/mkdocs-reassign-overview.js"
# front matter of the generated page: Material hides its two sidebars, so the map gets the whole width
# Material's search leaves the page out: a matrix of "met" cells is noise in results (each cell names a
# requirement), and parsing its HTML for the index was about half of the plugin's cost on a 70-doc site
PAGE = "---\nhide:\n  - navigation\n  - toc\nsearch:\n  exclude: true\n---\n\n# Feature overview\n\n{marker}\n"

# verdict -> (symbol, words)
VERDICTS = {
    "met": ("✓", "met"),
    "unmet": ("✗", "unmet"),
    "elsewhere": ("↗", "met elsewhere"),
    "waived": ("~", "waived"),
}
LEGEND = {
    "met": "the doc covers it where the contract asks",
    "unmet": "missing: the link goes to the gap",
    "elsewhere": "covered, but not where the contract puts it",
    "waived": "missing, and waived (a waiver or the baseline)",
}
_SHORT = 18  # characters of a column label; the full name is in its tooltip
_ANCHOR_CHARS = rx(r"[^A-Za-z0-9_-]+")


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a file in ``output/assets`` (shipped in the wheel)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def gap_anchor(key: str) -> str:
    """The id of the anchor placed at a requirement's gap on its feature page."""
    return "reassign-gap-" + _ANCHOR_CHARS.sub("-", key).strip("-").lower()


# ------------------------------------------------------------------ verdicts


def feature_diags(report, fd: FeatureDoc) -> list:
    by_path = getattr(report, "by_path", None) or {}
    return by_path.get(getattr(report, "docs_prefix", "") + fd.rel, [])


def verdicts(fd: FeatureDoc, diags) -> dict[str, tuple[str, int]]:
    """Requirement key -> (verdict, line of its place; 0 when it has none). An unmet requirement is
    "waived" when every diagnostic about it is waived; a met one is "elsewhere" when a live diagnostic
    says it is out of place (covered outside its section, or a section out of order)."""
    by_req: dict[str, list] = {}
    fallback = 0
    for d in diags:
        if d.severity == "off":
            continue
        if d.requirement:
            by_req.setdefault(d.requirement, []).append(d)
        elif d.rule == "template" and not fallback:
            fallback = d.line
    if not fallback:
        h1 = fd.doc.h1
        fallback = h1.line if h1 is not None else 1
    out = {}
    for r in fd.results:
        ds = by_req.get(r.key, ())
        live = [d for d in ds if not d.waived]
        if r.met:
            out[r.key] = ("elsewhere", live[0].line or fallback) if live else ("met", 0)
        elif live or not ds:
            out[r.key] = ("unmet", (live[0].line if live else 0) or fallback)
        else:
            out[r.key] = ("waived", ds[0].line or fallback)
    return out


def gap_places(fd: FeatureDoc, diags) -> tuple:
    """(anchor id, plain text of the heading above the gap, its occurrence among headings of that text)
    for every requirement that is not plainly met; the heading is None when the gap is above them all.
    Read from the doc's headings, so call it while the doc still has them (before a build releases them)."""
    heads = []
    seen: dict[str, int] = {}
    for h in fd.doc.headings:
        p = plain(h.text)
        heads.append((h.line, p, seen.get(p, 0)))
        seen[p] = seen.get(p, 0) + 1
    out = []
    for key, (v, line) in verdicts(fd, diags).items():
        if v == "met":
            continue
        above = None
        for hl, p, k in heads:
            if hl > line:
                break
            above = (p, k)
        out.append((gap_anchor(key), *(above or (None, 0))))
    return tuple(out)


def place_gap_anchors(html: str, places, toc: list[tuple[str, str]]) -> str:
    """Put each place's anchor right before its heading in the built page (found through the page's table
    of contents, by text and occurrence); anchors with no heading go first."""
    ids: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for title, hid in toc:
        p = plain(title)
        ids.setdefault((p, seen.get(p, 0)), hid)
        seen[p] = seen.get(p, 0) + 1
    at: dict[int, list[str]] = {}
    for anchor, text, k in places:
        pos = 0
        hid = ids.get((text, k)) if text is not None else None
        if hid:
            i = html.find(f' id="{hid}"')
            j = html.rfind("<h", 0, i) if i >= 0 else -1
            pos = j if j >= 0 else 0
        at.setdefault(pos, []).append(f'<span id="{e(anchor)}" class="reassign-anchor reassign-gap"></span>')
    if not at:
        return html
    out, prev = [], 0
    for pos in sorted(at):
        out.append(html[prev:pos])
        out.extend(at[pos])
        prev = pos
    out.append(html[prev:])
    return "".join(out)


_TAGS = rx(r"<[^<>]+>")  # not <[^>]+>: that rescans the rest of a heading from every unclosed "<"
_NOT_ALNUM = rx(r"[^0-9a-z]+")


def plain(text: str) -> str:
    return _NOT_ALNUM.sub("", _TAGS.sub("", text).lower())


# ------------------------------------------------------------------ order and columns


def area_of(fd: FeatureDoc) -> str:
    """The feature's area: front matter ``area``, else the folder the doc sits in."""
    a = fd.front_matter.get("area") if isinstance(fd.front_matter, dict) else None
    if isinstance(a, str) and a.strip():
        return a.strip()
    folder = fd.rel.rpartition("/")[0]
    return folder.rpartition("/")[2]


def _natural(text: str) -> tuple:
    return tuple(int(p) if i % 2 else p.lower() for i, p in enumerate(re.split(r"(\d+)", text)))


def overview_order(feats, key=None) -> list[FeatureDoc]:
    """Grouped by area (docs with none last), then by ID in natural order (P2 before P10). ``key``: order_key,
    or one that keeps it per doc (serve)."""
    return sorted(feats, key=key or order_key)


def order_key(fd: FeatureDoc) -> tuple:
    area = area_of(fd)
    return (area == "", area.lower(), fd.id is None, _natural(fd.id or ""), fd.rel)


def overview_columns(feats: list[FeatureDoc]) -> tuple[tuple[str, str, str], ...]:
    """(key, short label, full description) of every requirement, in order of first appearance."""
    columns: list[tuple[str, str, str]] = []
    seen = set()
    for fd in feats:
        for r in fd.results:
            if r.key not in seen:
                seen.add(r.key)
                columns.append(_column(r))
    return tuple(columns)


def _column(r) -> tuple[str, str, str]:
    if r.key.startswith("section:"):
        return (r.key, _short(r.label), f"{r.label}: a required section (contract {r.contract})")
    name = r.key.replace("-", " ").replace("_", " ")
    name = name[:1].upper() + name[1:]
    return (r.key, _short(name), f"{name}: {r.label} (contract {r.contract})")


def _short(label: str) -> str:
    if len(label) <= _SHORT:
        return label
    cut = label[:_SHORT]
    if label[_SHORT] != " " and " " in cut[_SHORT // 2 :]:  # end on a whole word when one is long enough
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" -:/") + "…"


def finding_columns(report) -> tuple[tuple[str, str, str], ...]:
    """(label, emoji, severity) of every finding type with an open finding on the site, by severity;
    the types that stop CI always have a column."""
    reg = getattr(report, "finding_registry", None)
    open_labels = set()
    for s in getattr(report, "sessions", ()):
        for f in s.findings:
            t = f.type or f.section
            if t is not None and not f.decided:
                open_labels.add(t.label)
    types = [t for t in (reg.types if reg else ()) if t.stop or t.label in open_labels]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    types.sort(key=lambda t: rank.get(t.severity, len(rank)))
    return tuple(dict.fromkeys((t.label, t.emoji, t.severity) for t in types))


# ------------------------------------------------------------------ rendering


def overview(report, resolve: Resolver) -> str:
    feats = overview_order(report.features.values())
    columns = overview_columns(feats)
    fcols = finding_columns(report)
    rows = [overview_row(fd, report.findings_of(fd.id) if fd.id else [], columns, resolve,
                         feature_diags(report, fd), fcols) for fd in feats]
    return overview_table(columns, rows, fcols)


def overview_row(fd: FeatureDoc, found: list[Finding], columns, resolve: Resolver, diags=(), fcols=()) -> str:
    c = completion(fd, found)
    vs = verdicts(fd, diags)
    page = resolve(fd.rel, "")
    fid = fd.id or "(no ID)"
    efid = e(fid)
    cells = "".join(_cell(efid, key, label, vs.get(key), resolve, fd.rel) for key, label, _full in columns)
    fcells = "".join(_count_cell(c["open"].get(label, 0), label, sev) for label, _emoji, sev in fcols)
    ready, reason = _ready(c)
    return _ascii(
        f'<tr data-feature="{e(fd.id or "")}" data-area="{e(area_of(fd))}" data-ready="{"yes" if ready else "no"}">'
        f'<th scope="row" class="reassign-ov-feat"><a href="{_href(page)}">{e(fid)}</a> '
        f'<span class="reassign-ov-title">{e(fd.title)}</span>'
        f'<span class="reassign-ov-badge">{"Ready" if ready else "Not ready"}</span></th>'
        f'<td class="reassign-ov-num" data-met="{c["met"]}" data-total="{c["total"]}">{c["met"]}/{c["total"]}</td>'
        f"{cells}{fcells}"
        f'<td class="reassign-ov-ready reassign-ov-{"ready" if ready else "not-ready"}"><strong>{"Ready" if ready else "Not ready"}</strong>'
        f'{f"<span>: {e(reason)}</span>" if reason else ""}</td></tr>'
    )


@lru_cache(maxsize=4096)
def _esc(text: str) -> str:
    """e() of a column's key or label: the same few strings in every row of the map."""
    return e(text)


def _cell(efid: str, key: str, label: str, verdict, resolve: Resolver, rel: str) -> str:
    """One verdict cell; ``efid`` is the row's feature ID, escaped. (Escaping maps each character on its own, so the
    tip is escaped piece by piece; the verdicts' words need none.)"""
    if verdict is None:
        return '<td class="reassign-v reassign-v-none"><span class="reassign-sr">not in its contract</span></td>'
    v, _line = verdict
    symbol, words = VERDICTS[v]
    elabel = _esc(label)
    etip = f"{efid} · {elabel}: {words}"
    if v == "met":
        inner = f'<span aria-hidden="true">{symbol}</span><span class="reassign-sr">{elabel}: {words}</span>'
    else:
        href = resolve(rel, gap_anchor(key))
        inner = f'<a href="{_href(href)}" aria-label="{etip}">{symbol}</a>'
    return f'<td class="reassign-v reassign-v-{v}" data-verdict="{v}" data-key="{_esc(key)}" title="{etip}">{inner}</td>'


def _count_cell(n: int, label: str, severity: str) -> str:
    if not n:
        return f'<td class="reassign-ov-count" data-open="0"><span class="reassign-sr">no open {e(label)}</span></td>'
    return f'<td class="reassign-ov-count reassign-ov-sev-{e(severity)}" data-open="{n}" title="{n} open: {e(label)}">{n}</td>'


def _ready(c: dict) -> tuple[bool, str]:
    if c["ready"]:
        return True, ""
    why = []
    if c["total"] == 0:
        why.append("its contract has no requirements")
    elif c["met"] < c["total"]:
        why.append(f"{c['total'] - c['met']} unmet")
    if c["open_critical"]:
        why.append(f"{c['open_critical']} open critical")
    return False, " · ".join(why)


def overview_table(columns, rows: list[str], fcols=(), counts=None) -> str:
    """The map around its rows; ``counts(row)`` is row_counts of a row (serve passes one that keeps them)."""
    width = 3 + len(columns) + len(fcols)
    body = _grouped(rows, width)
    return (
        _ascii('<div class="reassign-overview" data-reassign="overview" data-search-exclude>'
               + _tools(body) + _legend()
               + '<div class="reassign-ov-scroll" tabindex="0" role="region" aria-label="Coverage map: features by requirement">'
               '<table class="reassign-ov">' + _head(columns, fcols))
        + "".join(b for _a, b in body)
        + _ascii(_totals(columns, fcols, rows, counts or (lambda row: row_counts(row, fcols))) + "</table></div></div>")
    )


def _ascii(html: str) -> str:
    """The HTML with every character outside ASCII as a character reference: the same page to a browser. One
    emoji in a title made the whole map 4 bytes a character (17.7 MB at 1,000 docs, copied into the page on every
    build); as ASCII it is 1 (4.4 MB). Rows are converted one by one (serve keeps them), so the joined map is ASCII."""
    return html if html.isascii() else html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _head(columns, fcols) -> str:
    n = len(columns) + len(fcols)
    ths = []
    for i, (key, short, full) in enumerate(columns):
        ths.append(_vertical_th(short, full, i, n, f' data-key="{e(key)}"'))
    for j, (label, emoji, _sev) in enumerate(fcols):
        ths.append(_vertical_th(label, f"Open findings: {emoji} {label}", len(columns) + j, n, ' data-fcol=""'))
    return ('<thead><tr><th scope="col" class="reassign-ov-feat">Feature</th>'
            '<th scope="col" class="reassign-ov-num"><span title="requirements met">Met</span></th>'
            + "".join(ths) + '<th scope="col" class="reassign-ov-ready">Ready for review</th></tr></thead>')


def _vertical_th(short: str, full: str, i: int, n: int, attrs: str) -> str:
    """A narrow header: its short label written upwards, focusable, with the full name in a tooltip that
    shows on hover and on keyboard focus (and is the label's description for screen readers)."""
    side = " reassign-tip-end" if i >= n / 2 else ""
    tip = f"reassign-tip-{i}"
    return (f'<th scope="col"{attrs} class="reassign-ov-col{side}"><span class="reassign-ov-label" tabindex="0" '
            f'aria-describedby="{tip}">{e(short)}</span><span class="reassign-tip" role="tooltip" id="{tip}">{e(full)}</span></th>')


_AREA_OF_ROW = rx(r'^<tr data-feature="[^"]*" data-area="([^"]*)" data-ready="(yes|no)"')


def _grouped(rows: list[str], width: int) -> list[tuple[str, str]]:
    """One tbody per area, headed by the area's name and how many of its features are ready."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        m = _AREA_OF_ROW.match(row)
        groups.setdefault(m.group(1) if m else "", []).append(row)
    out = []
    for area, rs in groups.items():
        ready = sum(1 for r in rs if _is_ready(r))
        name = area or "no area"  # already escaped: taken from the rendered row
        head = (f'<tr class="reassign-ov-area"><th colspan="{width}" scope="rowgroup"><span>{name}</span> '
                f'<small>{len(rs)} feature{"s" if len(rs) != 1 else ""}, {ready} ready</small></th></tr>')
        out.append((area, f'<tbody data-area="{area}">' + head + "".join(rs) + "</tbody>"))
    return out


def _is_ready(row: str) -> bool:
    m = _AREA_OF_ROW.match(row)
    return m is not None and m.group(2) == "yes"


def _tools(body) -> str:
    options = "".join(f'<option value="{a}">{a or "no area"}</option>' for a, _b in body)
    return ('<div class="reassign-ov-tools" hidden>'
            f'<label>Area <select data-reassign-filter="area"><option value="*">All areas</option>{options}</select></label>'
            '<label><input type="checkbox" data-reassign-filter="not-ready"> Only features not ready</label>'
            '<span class="reassign-ov-shown" aria-live="polite"></span></div>')


def _legend() -> str:
    items = "".join(f'<span class="reassign-ov-key"><span class="reassign-v reassign-v-{v}" aria-hidden="true">{s}</span> '
                    f"<strong>{w}</strong>: {LEGEND[v]}</span>" for v, (s, w) in VERDICTS.items())
    return ('<p class="reassign-ov-legend"><strong class="reassign-sr">Legend: </strong>' + items
            + '<span class="reassign-ov-key"><span class="reassign-v reassign-v-none" aria-hidden="true"></span> '
            "blank: not in the feature's contract</span></p>")


_UNMET_KEY = rx(r'data-verdict="unmet" data-key="([^"]*)"')


def row_counts(row: str, fcols) -> tuple[tuple[str, ...], tuple[int, ...], bool]:
    """What a row adds to the totals, read from its HTML (so the totals say what the rows show): the keys of its
    unmet cells, its open findings per finding column, and whether it is ready."""
    unmet = tuple(_UNMET_KEY.findall(row))
    opened = tuple(sum(int(x) for x in rx(rf'data-open="(\d+)" title="\d+ open: {re.escape(e(label))}"').findall(row))
                   for label, _emoji, _sev in fcols)
    return unmet, opened, _is_ready(row)


def _totals(columns, fcols, rows: list[str], counts) -> str:
    """Unmet per requirement (the most missed marked), open findings per type, features ready."""
    unmet = [0] * len(columns)
    opened = [0] * len(fcols)
    ready = 0
    index = {e(key): i for i, (key, _s, _f) in enumerate(columns)}
    for row in rows:
        keys, per_col, is_ready = counts(row)
        for key in keys:
            i = index.get(key)
            if i is not None:
                unmet[i] += 1
        for j, n in enumerate(per_col):
            opened[j] += n
        ready += is_ready
    most = max(unmet, default=0)
    tds = []
    for n, (_key, short, _full) in zip(unmet, columns):
        mark = " reassign-ov-most" if n and n == most else ""
        tds.append(f'<td class="reassign-ov-total{mark}" title="{n} unmet: {e(short)}">{n}</td>')
    for n in opened:
        tds.append(f'<td class="reassign-ov-total" data-fcol="">{n}</td>')
    return ('<tfoot><tr><th scope="row" class="reassign-ov-feat">Unmet, per requirement</th><td class="reassign-ov-num"></td>'
            + "".join(tds) + f'<td class="reassign-ov-ready">{ready} of {len(rows)} ready</td></tr></tfoot>')
