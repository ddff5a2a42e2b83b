"""finding-format: a finding's ID is malformed or of another type than its section, or a required field is missing."""

from __future__ import annotations

from ..model.diagnostics import Diagnostic
from ..model.findings import alias_present, norm_key
from . import Rule

RULE = Rule("finding-format", ("session",), "error", "bad ID, ID type not matching its section, missing required field")


def check_session(s, reg) -> list[Diagnostic]:
    d = []
    for f in s.findings:
        if not reg.id_re.match(f.id):
            d.append(Diagnostic(s.rel, f.line, RULE.id, f"finding ID {f.id!r} is not <TYPE>-<SCOPE>-<NNN>",
                                f"TYPE one of {', '.join(sorted(reg.by_prefix))}, SCOPE a session date MMDD or a feature ID, NNN three digits, e.g. CRIT-1202-001"))
        elif f.section is not None and f.type is not None and f.type is not f.section:
            d.append(Diagnostic(s.rel, f.line, RULE.id, f"{f.id} is a {f.type.label} ID but sits in the {f.section.label} section",
                                f"move it, or renumber it as {f.section.prefix}-..."))
        ftype = f.type or f.section
        if ftype is None or f.from_table:
            continue
        for k in ftype.required:
            if norm_key(k) not in f.fields and not alias_present(k, f.fields):
                d.append(Diagnostic(s.rel, f.line, RULE.id, f"{f.id} lacks the **{k}:** field",
                                    f"{ftype.label} findings need {', '.join('**' + r + ':**' for r in ftype.required)}"))
    for line, text, stype in s.malformed:  # under CRITICAL: never silent on something that reads like a critical
        title = text.split(":", 1)[1].strip() if ":" in text else text
        d.append(Diagnostic(s.rel, line, RULE.id, f"{text!r} looks like a {stype.label} finding but has no <TYPE>-<SCOPE>-<NNN> ID",
                            f"write it as ### {stype.prefix}-<MMDD>-<NNN>: {title[:60]}"))
    d.sort(key=lambda x: x.line)
    return d
