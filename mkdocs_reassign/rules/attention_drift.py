"""attention-drift: a session's hand-kept NEEDS YOUR ATTENTION table disagrees with the findings below it."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from ..model.findings import expected_rows
from . import Rule

RULE = Rule("attention-drift", ("site",), "error", "the hand-kept attention table disagrees with the findings")


def check_site(site) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for s in site.sessions:
        _check(s, site.finding_registry, site.defined, out)
    return out


def _check(s, reg, defined, d: list[Diagnostic]) -> None:
    t = s.attention
    if t is None or not t.start:
        return
    expected = {typ.prefix: ids for typ, ids in expected_rows(s, reg)}
    rows_by_type = {r.type.prefix: r for r in t.rows if r.type is not None}
    rows_ids = {fid for r in t.rows for fid in r.ids}
    for r in t.rows:
        if r.type is None:
            d.append(Diagnostic(s.rel, r.line, RULE.id, f"row {r.label!r} is not a finding type with an attention row",
                                f"rows are: {', '.join(x.label for x in reg.attention)}"))
    own = {}
    for x in s.findings:
        own.setdefault(x.id, x)
    # possibly decided under a short reference (decision-ref reports that once): listed or not, both are right
    # ... and so is a listed finding whose ID is malformed (Q-1124-1): its finding-format error is the one diagnostic
    maybe = {}
    for x in s.findings:
        if not x.decided and (x.maybe_decided is not None or x.id in rows_ids and not reg.id_re.match(x.id)):
            maybe.setdefault((x.type or x.section).prefix if (x.type or x.section) else "", []).append(x.id)
    for typ in reg.attention:
        want = expected[typ.prefix]
        want_set = set(want)
        row = rows_by_type.get(typ.prefix)
        if row is None:
            if want:
                d.append(Diagnostic(s.rel, t.start, RULE.id, f"no {typ.label} row, but {', '.join(want)} {'is' if len(want) == 1 else 'are'} open",
                                    f"add | {typ.emoji} **{typ.label}** | {len(want)} | {', '.join(want)} |, or run mkdocs-reassign fix"))
            continue
        listed = set(row.ids)
        for fid in want:
            if fid not in listed:
                d.append(Diagnostic(s.rel, row.line, RULE.id, f"{fid} is open but missing from the {typ.label} row",
                                    "add it, or run mkdocs-reassign fix"))
        maybe_here = set(maybe.get(typ.prefix, ()))
        for fid in row.ids:
            if fid in want_set or fid in maybe_here:
                continue
            f = own.get(fid) or defined.get(fid)
            if f is None:
                d.append(Diagnostic(s.rel, row.line, RULE.id, f"{fid} is listed in the {typ.label} row but no finding defines it",
                                    "remove it, or run mkdocs-reassign fix"))
            elif f.decided:
                d.append(Diagnostic(s.rel, row.line, RULE.id, f"{fid} is listed in the {typ.label} row but is decided",
                                    f"decided at line {f.decided_at}; remove it, or run mkdocs-reassign fix"))
            elif f.session != s.rel:
                d.append(Diagnostic(s.rel, row.line, RULE.id, f"{fid} is listed in the {typ.label} row but belongs to {f.session}",
                                    "list it in its own session's table"))
            else:
                d.append(Diagnostic(s.rel, row.line, RULE.id, f"{fid} is listed in the {typ.label} row but is not a {typ.label} finding",
                                    "move it to its own row, or run mkdocs-reassign fix"))
        if row.count is None or not len(want) <= row.count <= len(want) + len(maybe_here):
            shown = "missing" if row.count is None else str(row.count)
            d.append(Diagnostic(s.rel, row.line, RULE.id, f"{typ.label} count is {shown} but {len(want)} {'is' if len(want) == 1 else 'are'} open",
                                f"set it to {len(want)}, or run mkdocs-reassign fix"))
