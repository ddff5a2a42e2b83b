"""feature-id: a feature doc has no feature ID (or a ticket ID instead), or two docs declare the same ID."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("feature-id", ("doc", "site"), "error", "no feature ID, a ticket ID instead, or two docs declare the same ID")


def check_doc(fd) -> list[Diagnostic]:
    """The doc's own identity problems (model.features.identity_of found them). When the doc ends up with no ID,
    the diagnostic is the root of what that breaks elsewhere: ``refine`` names those dependents once the site is read."""
    root = {"id-root": True} if fd.id is None else {}
    out = [Diagnostic(fd.rel, line, RULE.id, msg, hint, extra=dict(root)) for line, msg, hint in fd.id_problems]
    if fd.id is None and fd.stated_id and out:
        line, fid, text = fd.stated_id
        title = fd.identity.title or "Name"
        out[0].hint = (f'line {line} states {fid} ("{text}"): put it in the H1, "# Feature: {title} ({fid})", '
                       f"or add id: {fid} to the front matter")
    return out


def check_site(site) -> list[Diagnostic]:
    """Duplicates: the first doc by path keeps the ID (site.registry), every other one is reported."""
    return list(site.duplicate_ids)


def duplicates(features: dict) -> tuple[dict[str, str], list[Diagnostic]]:
    """ID -> docs-relative path of its first doc (sorted by path), and a diagnostic for each other doc."""
    registry: dict[str, str] = {}
    diags = []
    for rel in sorted(features):
        fd = features[rel]
        fid = fd.id
        if not fid:
            continue
        if fid in registry:
            first = registry[fid]
            line = fd.doc.fm_lines.get("id") if fd.identity.source == "front-matter" else (fd.doc.h1.line if fd.doc.h1 else 1)
            diags.append(Diagnostic(rel, line or 1, RULE.id, f"feature ID {fid} is also declared by {first}",
                                    "give one of them another ID"))
        else:
            registry[fid] = rel
    return registry, diags


def stated(site) -> dict[str, str]:
    """ID -> doc, for the IDs that a doc without an ID in its H1 states elsewhere ("Feature ID: D3"), or, when it
    states none, the one ID that every link to it names; only IDs that no doc declares. That is what the links and
    findings naming the ID mean, once the doc's H1 is fixed."""
    cached = site.__dict__.get("_stated")
    if cached is not None:
        return cached
    features = site.features
    key = (site.generation, tuple(fd for fd in features.values() if fd.id is None))  # links and IDs; ID-less docs
    out = site.memo("stated-ids", "", key, lambda: _stated(site, features))
    site.__dict__["_stated"] = out
    return out


def _stated(site, features) -> dict[str, str]:
    named: dict[str, set[str]] = {}
    for _rel, refs in site.link_refs:
        for r in refs:
            if r.status == "ok" and r.named and r.target in features and features[r.target].id is None:
                named.setdefault(r.target, set()).update(r.named)
    out: dict[str, str] = {}
    for rel in sorted(features):
        fd = features[rel]
        if fd.id is not None:
            continue
        if fd.stated_id:
            fid = fd.stated_id[1]
        elif len(named.get(rel, ())) == 1:
            fid = next(iter(named[rel]))
        else:
            continue
        if fid not in site.registry:
            out.setdefault(fid, rel)
    return out


def dependents(site) -> dict[str, list[str]]:
    """Doc without an ID -> what its missing ID breaks elsewhere: links whose text names an ID and point at it,
    findings whose Feature names the ID it states. Those are reported here, at the root, and by no other rule."""
    out: dict[str, list[str]] = {}
    no_id = {rel for rel, fd in site.features.items() if fd.id is None}
    if no_id:  # (a serve re-check runs this over every link of the site: a set lookup first, the rest only on a hit)
        for rel, refs in site.link_refs:
            for r in refs:
                if r.target in no_id and r.status == "ok" and r.named:
                    out.setdefault(r.target, []).append(f"the link at {rel}:{r.link.line} naming {', '.join(r.named)}")
    for fid, rel in stated(site).items():
        for s in site.sessions:
            for f in s.findings:
                if f.feature_id == fid:
                    out.setdefault(rel, []).append(f"finding {f.id} (Feature: {fid}) at {s.rel}:{f.line}")
    return out


def refine(diags: list[Diagnostic], site) -> None:
    """Name, in the root diagnostic of a doc without an ID, what that breaks elsewhere (copies: doc diagnostics
    are cached across serve rebuilds and must stay as check_doc made them)."""
    deps = None
    for i, d in enumerate(diags):
        if d.rule != RULE.id or not d.extra.get("id-root"):
            continue
        if deps is None:
            deps = dependents(site)
        broken = deps.get(d.path)
        if not broken:
            continue
        shown = "; ".join(broken[:5]) + (f"; and {len(broken) - 5} more" if len(broken) > 5 else "")
        hint = d.hint
        fd = site.features.get(d.path)
        if fd is not None and not fd.stated_id:
            named = {n for r in broken if r.startswith("the link") for n in r.rsplit(" naming ", 1)[1].split(", ")}
            if len(named) == 1 and next(iter(named)) not in site.registry:
                fid = next(iter(named))
                hint = f'links name it {fid}: put it in the H1, "# Feature: {fd.identity.title or "Name"} ({fid})", or add id: {fid} to the front matter'
        diags[i] = Diagnostic(d.path, d.line, d.rule, f"{d.message}; this breaks {shown}", hint, d.severity, d.column,
                              d.requirement, d.contract, d.waived, dict(d.extra))
