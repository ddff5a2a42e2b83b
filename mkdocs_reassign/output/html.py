"""HTML pieces the plugin places in pages. Every text taken from docs is escaped."""

from __future__ import annotations

from html import escape
from typing import Callable

from ..model.features import FeatureDoc
from ..model.findings import Finding, Registry, Session, expected_rows
from ..startup import rx

Resolver = Callable[[str, str], str]  # (docs-relative target, fragment) -> href from the current page


def css() -> str:
    """The site's stylesheet (package data: output/assets/reassign.css). Served once per site (see
    plugin.CSS_PATH), not inlined into every page: a thousand pages would each hold a copy."""
    from importlib.resources import files

    return files(__package__).joinpath("assets", "reassign.css").read_text(encoding="utf-8")


def e(text) -> str:
    return escape(str(text), quote=True)


_SCHEME = rx(r"^[\x00-\x20]*([A-Za-z][A-Za-z0-9+.-]*):")


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
    # no class on the table: themes style classless tables as their own (Material wraps them for scrolling)
    return ('<div class="reassign-attention"><table data-reassign="attention"><thead><tr><th>Type</th><th>Count</th><th>IDs</th></tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table></div>")


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


# ------------------------------------------------------------------ feature boxes (rendered in boxes.py)


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
