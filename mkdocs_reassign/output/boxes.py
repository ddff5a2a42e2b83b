"""The completion and findings boxes of a feature page: one line each when all is well (a native
``<details>``), the details open when not. Every text taken from docs is escaped."""

from __future__ import annotations

from bisect import bisect_right


from ..model.features import FeatureDoc
from ..model.findings import SEVERITY_ORDER, Finding
from .html import Resolver, _anchor, _href, completion, e
from ..startup import dataclass

# what a box shows of a feature: (ID, title or None, docs-relative target or None)
Related = tuple[str, "str | None", "str | None"]
_CARET = '<span class="reassign-caret" aria-hidden="true"></span>'
SEVERITY_NAMES = {"critical": "Critical", "question": "Question", "ux": "UX", "review": "Review",
                  "credentials": "Credentials", "qa": "QA", "minor": "Minor"}


@dataclass(frozen=True, slots=True)
class BoxFacts:
    """What the boxes need of a feature doc's text, read while it is whole (a build frees links and
    headings before pages render): the docs-relative targets of its links, and for each requirement
    the heading text of its place (the section it sits in or belongs before)."""

    link_targets: tuple[str, ...] = ()
    places: tuple[tuple[str, str], ...] = ()  # (requirement key, heading text)


def box_facts(fd: FeatureDoc) -> BoxFacts:
    from ..model.links import resolve

    targets = []
    for link in fd.doc.links:
        if link.image:
            continue
        t = resolve(fd.rel, link.dest)
        if t and t.rstrip("/") != fd.rel:
            targets.append(t.rstrip("/"))
    places: dict[str, str] = {}
    heads = fd.doc.headings
    lines = [h.line for h in heads]
    for g in fd.gaps:
        key = f"section:{g.spec.id}" if g.spec is not None else (g.req.id if g.req is not None else None)
        if key is None or key in places or not heads:
            continue
        # the heading at or above the gap's line; above the first heading, the first
        places[key] = heads[max(bisect_right(lines, g.line) - 1, 0)].text
    return BoxFacts(tuple(dict.fromkeys(targets)), tuple(places.items()))


def related_of(fd: FeatureDoc, facts: BoxFacts | None, features: dict, registry: dict) -> list[Related]:
    """Related features: front matter's ``related``, the requirement sections' IDs, then the features the
    doc links to (each once, in that order)."""
    ids = [r for r in (fd.front_matter.get("related") or []) if isinstance(r, str)]
    ids += [fid for req, _ in fd.pending_related for fid in req.related]
    for target in facts.link_targets if facts else ():
        t = features.get(target)
        if t is not None and t.id and t.id != fd.id:
            ids.append(t.id)
    out = []
    for rid in dict.fromkeys(ids):
        target = registry.get(rid)
        out.append((rid, features[target].title if target in features else None, target))
    return out


def wrap(pieces: list[str]) -> str:
    """The boxes side by side while they fit (one line for both when all is well), stacked when not."""
    return '\n<div class="reassign-boxes" data-search-exclude>' + "".join(pieces) + "</div>\n" if pieces else "\n"


def ready_reasons(c: dict) -> list[str]:
    """Why a feature is not ready for review, in words (empty when it is)."""
    reasons = []
    if c["total"] == 0:
        reasons.append("its contract asks for nothing to check")
    unmet = c["total"] - c["met"]
    if unmet:
        reasons.append(f"{unmet} requirement{'s' if unmet != 1 else ''} unmet")
    n = c["open_critical"]
    if n:
        reasons.append(f"{n} open critical finding{'s' if n != 1 else ''}")
    return reasons


def completion_box(fd: FeatureDoc, found: list[Finding], related: list[Related], resolve: Resolver,
                   place_of=None) -> str:
    """``place_of(requirement key)`` gives the anchor id of the requirement's place on this page, or None."""
    c = completion(fd, found)
    reasons = ready_reasons(c)
    ready = not reasons
    fid = e(fd.id or "?")
    crit = c["open_critical"]
    verdict = ('<span class="reassign-ready-yes">ready</span>' if ready else
               '<span class="reassign-ready-no">not ready</span>: ' + e(", ".join(reasons)))
    summary = (f'<b>{fid}</b> · <span data-reassign="met">{c["met"]}/{c["total"]}</span> · '
               f'<span data-reassign="critical">{crit} open critical</span> · <span data-reassign="verdict">{verdict}</span>')
    rows = [("Requirements met", f'{c["met"]} of {c["total"]} (contract {e(fd.contract.name) if fd.contract else "none"})', "")]
    if c["unmet"]:
        rows.append(("Unmet", _unmet_list(fd, place_of), "unmet"))
    opened = ", ".join(f"{e(k)}: {v}" for k, v in c["open"].items()) or "none"
    rows += [("Open findings", opened, "open"), ("Confidence", e(fd.confidence or "not stated"), ""),
             ("Related features", _related_list(related, resolve), "related"),
             ("Ready for review", "Yes" if ready else "No: " + e("; ".join(reasons)), "ready")]
    state = "reassign-ready" if ready else "reassign-not-ready"
    return (f'<details class="reassign-box reassign-completion {state}" data-reassign="completion" '
            f'data-ready="{"yes" if ready else "no"}" data-search-exclude{"" if ready else " open"}>'
            f'<summary>{_CARET}{summary}</summary><div class="reassign-body">{_dl(rows)}</div></details>')


def _dl(rows) -> str:
    out = []
    for term, value, name in rows:
        attr = f' data-reassign="{name}"' if name else ""
        out.append(f"<dt>{e(term)}</dt><dd{attr}>{value}</dd>")
    return "<dl>" + "".join(out) + "</dl>"


def _unmet_list(fd: FeatureDoc, place_of) -> str:
    items = []
    for r in fd.results:
        if not r.met:
            items.append(unmet_item(e(r.label), place_of(r.key) if place_of else None))
    return "<ul>" + "".join(items) + "</ul>"


def unmet_item(label: str, anchor: str | None) -> str:
    """An unmet requirement (its label, escaped) in the completion box: a link to its place when the page has it."""
    return f'<li><a href="#{e(anchor)}">{label}</a></li>' if anchor else f"<li>{label}</li>"


def _related_list(related: list[Related], resolve: Resolver) -> str:
    items = []
    for rid, title, target in related:
        if target:
            items.append(f'<a href="{_href(resolve(target, ""))}">{e(rid)}: {e(title or "")}</a>')
        else:
            items.append(f"{e(rid)} (no doc)")
    return ", ".join(items) or "none"


# ------------------------------------------------------------------ findings box


def status_of(f: Finding) -> str:
    """open, decided or possibly-decided (a short reference in the log or a status line probably names it)."""
    return "decided" if f.decided else "possibly-decided" if f.maybe_decided else "open"


def severity_of(f: Finding) -> tuple[str, str]:
    """(severity key, its words with the type's emoji) of a finding."""
    t = f.type or f.section
    if t is None:
        return "minor", "Finding"
    return t.severity, f"{t.emoji} {SEVERITY_NAMES.get(t.severity, t.label)}".strip()


def _status_badge(status: str) -> str:
    if status == "open":
        return ""
    return f' <span class="reassign-badge reassign-status-{status}">{status.replace("-", " ")}</span>'


def _sev_rank(f: Finding) -> int:
    t = f.type or f.section
    return SEVERITY_ORDER.index(t.severity) if t and t.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def findings_box(fd: FeatureDoc, found: list[Finding], resolve: Resolver) -> str:
    fid = e(fd.id or "?")
    n_open = sum(1 for f in found if status_of(f) == "open")
    n_other = len(found) - n_open
    if not found:
        summary, body = f"Findings for <b>{fid}</b>: none recorded", "<p>No findings recorded for this feature.</p>"
    else:
        summary = f'Findings for <b>{fid}</b>: <span data-reassign="open-count">{n_open} open</span>'
        if n_other:
            summary += f" · {n_other} decided or possibly decided"
        items = []
        for f in sorted(found, key=lambda f: (_sev_rank(f), f.id)):
            status = status_of(f)
            key, sev = severity_of(f)
            href = resolve(f.session, _anchor(f.id))
            items.append(f'<li data-status="{status}" data-finding="{e(f.id)}"><span class="reassign-badge reassign-sev-{e(key)}">{e(sev)}</span> '
                         f'<a href="{_href(href)}">{e(f.id)}</a> <span class="reassign-finding-title{" reassign-decided" if status == "decided" else ""}">'
                         f'{e(f.title)}</span>{_status_badge(status)}</li>')
        body = '<ul class="reassign-findings-list">' + "".join(items) + "</ul>"
    return (f'<details class="reassign-box reassign-findings" data-reassign="findings" data-open="{n_open}" '
            f'data-search-exclude{" open" if n_open else ""}><summary>{_CARET}{summary}</summary><div class="reassign-body">{body}</div></details>')


def place_finder(facts: BoxFacts | None, toc: list[tuple[str, str]]):
    """requirement key -> the anchor id, on the built page, of the heading of its place (or None)."""
    from .pages import _plain

    ids = {}
    for title, anchor in toc:
        ids.setdefault(_plain(title), anchor)
    places = dict(facts.places) if facts else {}

    def place_of(key: str) -> str | None:
        text = places.get(key)
        return ids.get(_plain(text)) if text else None

    return place_of
