"""Outputs: the site report file and the CLI formats (text, json, github, sarif, junit)."""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring as _encode_str  # C, as json.dumps(ensure_ascii=False) uses

from .. import __version__
from ..model.diagnostics import Diagnostic, at_least, one_line, safe
from ..rules import REGISTRY, Rule
from ..startup import rx

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def summary(diags: list[Diagnostic], files_checked: int | None = None) -> dict:
    active = [d for d in diags if d.severity != "off" and not d.waived]
    out = {
        "errors": sum(1 for d in active if d.severity == "error"),
        "warnings": sum(1 for d in active if d.severity == "warning"),
        "infos": sum(1 for d in active if d.severity == "info"),
        "waived": sum(1 for d in diags if d.waived),
    }
    if files_checked is not None:
        out["files_checked"] = files_checked
    return out


def active(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity != "off" and not d.waived]


def shown(diags: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics a format shows, each path, message and hint on one line (model.diagnostics.safe)."""
    return [safe(d) for d in active(diags)]


def fmt_text(diags, files_checked=None, **_kw) -> str:
    lines = [d.format() for d in active(diags)]
    s = summary(diags, files_checked)
    lines.append(f"{s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info(s)"
                 + (f", {s['waived']} waived" if s["waived"] else "")
                 + (f" in {files_checked} file(s)" if files_checked is not None else ""))
    return "\n".join(lines) + "\n"


def fmt_json(diags, files_checked=None, **_kw) -> str:
    return json.dumps({"diagnostics": [d.to_json() for d in active(diags)], "summary": summary(diags, files_checked)},
                      indent=2, ensure_ascii=False) + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    """The workflow-command escapes; then what is left that could break the line (other control
    characters, the bytes of a non-UTF-8 file name) as visible escapes."""
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return one_line(s)


def _workspace_prefix(root: str | None) -> str:
    """GitHub resolves ``file=`` against the workspace (the repository root); when the project
    root (the config file's folder) is a subfolder of it, its paths need that folder in front."""
    ws = os.environ.get("GITHUB_WORKSPACE")
    if not root or not ws:
        return ""
    try:
        rel = os.path.relpath(os.path.realpath(root), os.path.realpath(ws)).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return ""
    return "" if rel == "." or rel.startswith("../") or rel == ".." else rel + "/"


def fmt_github(diags, files_checked=None, root: str | None = None, **_kw) -> str:
    """GitHub Actions workflow commands: ``::error file=PATH,line=N,col=N,title=RULE::message``."""
    kind = {"error": "error", "warning": "warning", "info": "notice"}
    prefix = _workspace_prefix(root)
    out = []
    for d in active(diags):
        path = d.path if d.path.startswith("/") else prefix + d.path
        props = f"file={_gh_escape(path, True)}"
        if d.line:
            props += f",line={d.line},col={max(d.column, 1)}"
        props += f",title={_gh_escape(d.rule, True)}"
        msg = d.message + (f" ({d.hint})" if d.hint else "")
        out.append(f"::{kind[d.severity]} {props}::{_gh_escape(msg)}")
    return "\n".join(out) + ("\n" if out else "")


def _uri(path: str) -> tuple[str, bool]:
    """(URI reference, relative?) of a diagnostic path, percent-encoded as RFC 3986 wants."""
    from urllib.parse import quote

    if path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] == "/"):
        return "file://" + ("" if path.startswith("/") else "/") + quote(path, safe="/:"), False
    return quote(path, safe="/"), True


# Where the docs site is published: a rule's help is DOCS_URL + its page (directory URLs) + its anchor.
DOCS_URL = "https://mkdocs-reassign.invalid/"


def help_uri(rule: Rule) -> str:
    """The rule's documentation as an absolute URL, from ``Rule.anchor`` ("rules.md#broken-link")."""
    page, _, fragment = rule.anchor.partition("#")
    page = page.removesuffix(".md")
    page = "" if page == "index" else page + "/"
    return DOCS_URL + page + ("#" + fragment if fragment else "")


def rules_table(fmt: str = "text") -> str:
    """The rules catalogue (``check --list-rules``): ID, scopes, default severity, summary, docs anchor."""
    rules = list(REGISTRY.values())
    if fmt == "json":
        return json.dumps({"rules": [{"id": r.id, "scopes": list(r.scopes), "severity": r.severity, "summary": r.summary,
                                      "anchor": r.anchor, "help_uri": help_uri(r)} for r in rules]},
                          indent=2, ensure_ascii=False) + "\n"
    head = ("ID", "SCOPES", "SEVERITY", "SUMMARY", "DOCS")
    rows = [head] + [(r.id, ",".join(r.scopes), r.severity, r.summary, r.anchor) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head) - 1)]
    return "".join("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1] + "\n" for row in rows)


def fmt_sarif(diags, files_checked=None, root: str | None = None, **_kw) -> str:
    """SARIF 2.1.0, valid against the OASIS schema; paths relative to %SRCROOT% (the project root)."""
    from pathlib import Path

    rules = [{"id": r.id, "name": "".join(w.capitalize() for w in r.id.split("-")), "shortDescription": {"text": r.summary},
              "helpUri": help_uri(r), "defaultConfiguration": {"level": _SARIF_LEVEL.get(r.severity, "error")}}
             for r in REGISTRY.values()]
    index = {r: i for i, r in enumerate(REGISTRY)}
    results = []
    for d in shown(diags):
        uri, relative = _uri(d.path)
        loc = {"uri": uri}
        if relative:
            loc["uriBaseId"] = "%SRCROOT%"
        res = {
            "ruleId": d.rule,
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" ({d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": {"artifactLocation": loc,
                                                "region": {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)}}}],
            "partialFingerprints": {"reassign/v1": d.fingerprint()},
        }
        if d.rule in index:
            res["ruleIndex"] = index[d.rule]
        props = {k: v for k, v in (("requirement", d.requirement), ("contract", d.contract)) if v}
        if props:
            res["properties"] = props
        results.append(res)
    run = {
        "tool": {"driver": {"name": "mkdocs-reassign", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://pypi.org/project/mkdocs-reassign/", "rules": rules}},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": Path(root).resolve().as_uri().rstrip("/") + "/"}}
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_XML_BAD = rx("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    from xml.sax.saxutils import escape  # (here: the JSON report a build writes needs none of xml)

    return escape(_XML_BAD.sub("\ufffd", text))


def _xa(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(_XML_BAD.sub("\ufffd", text))


def fmt_junit(diags, files_checked=None, **_kw) -> str:
    """JUnit XML: one testsuite per file, one testcase per diagnostic (warnings and errors fail)."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in shown(diags):
        by_file.setdefault(d.path, []).append(d)
    suites = []
    total = sum(len(v) for v in by_file.values())
    failures = sum(1 for v in by_file.values() for d in v if at_least(d.severity, "warning"))
    for path, ds in sorted(by_file.items()):
        cases = []
        for d in ds:
            attrs = (f"classname={_xa(path)} name={_xa(f'{d.rule} (line {d.line}): {d.message}')} "
                     f"file={_xa(path)} line=\"{d.line}\"")
            body = _x(d.format())
            if at_least(d.severity, "warning"):
                cases.append(f"    <testcase {attrs}><failure type={_xa(d.rule)} message={_xa(d.message)}>{body}</failure></testcase>")
            else:
                cases.append(f"    <testcase {attrs}><system-out>{body}</system-out></testcase>")
        nf = sum(1 for d in ds if at_least(d.severity, "warning"))
        suites.append(f"  <testsuite name={_xa(path)} tests=\"{len(ds)}\" failures=\"{nf}\" errors=\"0\" skipped=\"0\">\n"
                      + "\n".join(cases) + "\n  </testsuite>")
    if not suites:
        suites.append('  <testsuite name="mkdocs-reassign" tests="1" failures="0" errors="0" skipped="0">\n'
                      '    <testcase classname="mkdocs-reassign" name="all docs meet their contracts"/>\n  </testsuite>')
        total = 1
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mkdocs-reassign" tests="{total}" failures="{failures}" errors="0">\n'
            + "\n".join(suites) + "\n</testsuites>\n")


FORMATS = {"text": fmt_text, "json": fmt_json, "github": fmt_github, "sarif": fmt_sarif, "junit": fmt_junit}


def feature_entry(rep, rel: str, fd) -> dict:
    """One feature's entry in the JSON report."""
    from .html import completion

    found = rep.findings_of(fd.id) if fd.id else []
    c = completion(fd, found)
    return {
        "path": rep.docs_prefix + rel, "id": fd.id, "title": fd.title,
        "contract": fd.contract.name if fd.contract else None,
        "requirements": [{"id": r.key, "label": r.label, "met": r.met} for r in fd.results],
        "met": c["met"], "total": c["total"], "open_findings": c["open"], "ready_for_review": c["ready"],
        "confidence": fd.confidence,
    }


def report_data(rep, with_features: bool = True) -> dict:
    feats = [feature_entry(rep, rel, fd) for rel, fd in sorted(rep.features.items())] if with_features else []
    finds = []
    for s in rep.sessions:
        for f in s.findings:
            t = f.type or f.section
            finds.append({"id": f.id, "type": t.label if t else None, "severity": t.severity if t else None,
                          "title": f.title, "session": rep.docs_prefix + s.rel, "line": f.line,
                          "feature": f.feature_id, "decided": f.decided,
                          "files": [{"path": r.path, "start": r.start, "end": r.end} for r in f.files]})
    return {"version": __version__, "features": feats, "findings": finds,
            "diagnostics": [dict(d.to_json(), waived=d.waived) if d.waived else d.to_json() for d in rep.diagnostics if d.severity != "off"],
            "summary": summary(rep.diagnostics)}


def indented_json(obj, nl: str = "\n") -> str:
    """``json.dumps(obj, indent=1, ensure_ascii=False)``, byte for byte (each new line starts with ``nl``), about
    4x faster: with an indent, the json module encodes in pure Python, one generator per container (7 of the
    report's 8 ms at 70 docs); here a list of pieces with the C string encoder. Any value other than str, int,
    bool, None, list, tuple or a dict with str keys is encoded by json itself."""
    out: list[str] = []
    _put(obj, nl, out)
    return "".join(out)


def _put(o, nl: str, out: list) -> None:
    t = type(o)
    if t is str:
        out.append(_encode_str(o))
    elif t is dict:
        if not o:
            out.append("{}")
            return
        if not all(type(k) is str for k in o):  # json's own rules for other keys (no report has one)
            out.append(json.dumps(o, indent=1, ensure_ascii=False).replace("\n", nl))
            return
        inner = nl + " "
        sep = "{" + inner
        for k, v in o.items():
            out.append(sep)
            out.append(_encode_str(k))
            out.append(": ")
            _put(v, inner, out)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list or t is tuple:
        if not o:
            out.append("[]")
            return
        inner = nl + " "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _put(v, inner, out)
            sep = "," + inner
        out.append(nl + "]")
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(o))
    else:
        out.append(json.dumps(o, ensure_ascii=False))


def entry_text(entry: dict) -> str:
    """A feature entry as it appears, indented, in the report file."""
    return indented_json(entry, "\n  ")


_FEATURES_SLOT = "\x00features\x00"


def json_report_text(rep, entry_text_of=None) -> str:
    """``json.dumps(report_data(rep), indent=1, ensure_ascii=False) + "\\n"``, with the feature entries
    taken from ``entry_text_of(rel, fd)`` (serve reuses the text of features that did not change)."""
    if entry_text_of is None:
        def entry_text_of(rel, fd):
            return entry_text(feature_entry(rep, rel, fd))
    data = report_data(rep, with_features=False)
    data["features"] = _FEATURES_SLOT
    texts = [entry_text_of(rel, fd) for rel, fd in sorted(rep.features.items())]
    listing = "[\n  " + ",\n  ".join(texts) + "\n ]" if texts else "[]"
    # the slot is the second key (after "version"): no text from a doc comes before it
    return indented_json(data).replace(json.dumps(_FEATURES_SLOT), listing, 1) + "\n"


