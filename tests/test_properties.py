"""Property tests (hypothesis): arbitrary text in, only diagnostics out.

Each property runs twice: a quick variant with few examples (every run), and a variant
marked ``slow`` with many more (the slow variants add up to more than 10,000 examples;
``pytest`` runs them too unless told ``-m "not slow"``).

* the scanner, the session parser and the feature analysis never raise, and what they
  return is consistent (line numbers inside the document, sections well nested);
* the whole core, on a generated docs tree, returns only well-formed diagnostics;
* every renderer escapes text taken from docs: its output parses to the renderer's own
  elements and attributes only (no injected element, no attribute broken out of);
* ``fix.rewrite`` keeps every byte outside the attention table, and a fixed table
  checks clean and rewrites to itself (idempotent);
* the indexed waiver lookup answers exactly like trying every waiver in order;
* the concept matcher (postings, pruning, shared answers) gives the verdict its definition gives:
  the first alternative's earliest unit for a hit, every alternative scored on every unit for a miss.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mkdocs_reassign.model import features

from mkdocs_reassign.model import findings

from mkdocs_reassign.output import boxes, cards, html as render
from mkdocs_reassign.output import overview
from mkdocs_reassign.output.banner import banner as render_banner

from mkdocs_reassign import waivers
from mkdocs_reassign.model.contracts import Contract, load_contracts
from mkdocs_reassign.model.diagnostics import SEVERITIES, Diagnostic
from mkdocs_reassign import rules
from mkdocs_reassign.rules import RULES, attention_drift, duplicate_finding, unknown_feature
from mkdocs_reassign.commands.fix import _split, rewrite
from mkdocs_reassign.model.ids import Identity
from mkdocs_reassign.options import Options
from mkdocs_reassign.engine import Project, decode, validate, walk_docs
from mkdocs_reassign.markdown import scan

QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The slow variants: 3000 + 2000 + 1500 + 1000 + 1500 + 800 + 700 + 500 + 1000 + 1500 + 500 = 14,000 examples.
SLOW_N = {"scan": 3000, "session": 2000, "feature": 1500, "tree": 1000, "render": 1500, "fix": 800, "waivers": 700,
          "json": 500, "cites": 1000, "match": 1500, "limits": 500}


def slow(n: int):
    def deco(fn):
        return pytest.mark.slow(settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck))(fn))

    return deco


# ---------------------------------------------------------------------- strategies

# Lines that mean something to the scanner or the parsers, mixed with arbitrary text.
SNIPPETS = [
    "---", "...", "# Feature: Thing (P1)", "# Feature: P2 - Name", "# !!!", "#", "## Quick Summary", "## 2. HOW IT WORKS",
    "## NEEDS YOUR ATTENTION", "## 🔴 CRITICAL ISSUES", "## QUESTIONS FOR HUMAN", "## MINOR ISSUES", "## DECISIONS LOG",
    "### CRIT-1201-001: Loops", "### Q-1201-002: Wait?", "### Q-abc: odd", "### UX-P1-003: Overlay", "### TODO-1: x",
    "| Type | Count | IDs |", "|---|---|---|", "| 🔴 **CRITICAL** | 1 | CRIT-1201-001 |", "| 🟡 **Questions** | x | - |",
    "| ID | Feature | Issue |", "| M-1201-001 | P1 | thing |", "| M-<b>1</b> \\| x | | |",
    "**Found by:** agent", "**Feature:** P1", "**File:** `src/a.py:1-20`", "**Files:**", "- `b.py:3`",
    "**YOUR DECISION:**", "- [x] Yes", "- [ ] No", "```", "```mermaid", "~~~", "    indented code", "<!--", "-->",
    "<!-- reassign: waive broken-link \"ok\" -->", "<!-- reassign: waive diagram -->", "<div>", "</div>", "<script>",
    "> quote", "- item", "  - nested", "1. first", "[link](missing.md)", "[P2: Name](../p2.md)", "![img](x.png)",
    "[ref]: target.md", "[ref]", "id: P1", "title: [", "waive: {diagram: \"why\"}", "a: &a [x]", "b: *a", "- list",
    "\t", "", " ", "\r", "\ufeff", "\x00", "`code` **bold** _em_", "&amp; &#x3C; &bogus;", "CRIT-1201-001", "P1",
]
LINE = st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=40))
DOC = st.one_of(
    st.text(max_size=400),
    st.lists(LINE, max_size=40).map("\n".join),
    st.lists(LINE, max_size=40).map("\r\n".join),
    st.lists(LINE, max_size=25).map(lambda ls: "---\n" + "\n".join(ls[:5]) + "\n---\n" + "\n".join(ls[5:])),
)
RAW = st.one_of(st.binary(max_size=300), DOC.map(lambda s: s.encode("utf-8", "surrogatepass")))

DANGEROUS = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)", "</td></tr></table><script>x",
    "<svg/onload=alert(1)>", "javascript:alert(1)", "java\tscript:alert(1)", "<!-- x -->", "-->", "<style>*{}</style>",
    '<a href="x">y</a>', "&lt;script&gt;", "&amp;", "`x`", "| a | b |", "**bold**", "[x](javascript:alert(1))", "\u2028",
    "{{ config }}", "<iframe srcdoc='<script>alert(1)</script>'>", "\"", "'", "<", ">", "&", "<!--", "<p onclick=x>",
]
HOSTILE = st.one_of(
    st.sampled_from(DANGEROUS),
    st.text(max_size=30),
    st.tuples(st.sampled_from(DANGEROUS), st.text(max_size=12), st.sampled_from(DANGEROUS)).map("".join),
)


def _doc_invariants(doc, text):
    n = len(doc.lines)
    assert len(doc.prose) == n
    last = 0
    for h in doc.headings:
        assert 1 <= h.line <= max(n, 1) and 1 <= h.level <= 6 and h.line > last
        last = h.line
    for link in doc.links:
        assert 1 <= link.line <= n and link.col >= 1
    for f in doc.fences:
        assert 1 <= f.start <= f.end <= max(n, 1)
    for a, b, _ in doc.comments:
        assert 1 <= a <= b <= max(n, 1)
    for sec in doc.sections():
        assert sec.start <= sec.end <= max(n, 1)
        assert doc.section_at(sec.start) is sec
    if doc.fm_error:
        assert 1 <= doc.fm_error[0] <= max(n, 1)


# ---------------------------------------------------------------------- scanner


def _scan(text):
    doc = scan(text)
    _doc_invariants(doc, text)
    doc.has_content(1, len(doc.lines))
    for i in range(len(doc.lines)):
        doc._in_comment(i + 1)


test_scan_any_text = QUICK(given(DOC)(_scan))
test_scan_any_text_slow = slow(SLOW_N["scan"])(given(DOC)(_scan))


def _decode(data):
    src = decode(data, "features/x.md")
    assert (src.text is None) == (src.error is not None)
    if src.error:
        assert src.error[0] and src.error[1]
    else:
        _doc_invariants(scan(src.text), src.text)


test_decode_any_bytes = QUICK(given(RAW)(_decode))


# ---------------------------------------------------------------------- session parser and checks

REG, _ = findings.make_registry(None, Options().id_pattern)


def _session(text):
    doc = scan(text)
    s = findings.parse_session("findings/session-1.md", doc, REG, Options().id_pattern)
    diags = rules.check_session(s, REG)
    site = SimpleNamespace(sessions=[s], finding_registry=REG, defined=findings.truth([s], REG), registry={}, features={},
                           link_refs=[], link_refs_of=lambda rel: [], generation=0,
                           memo=lambda kind, path, key, compute: compute())
    for rule in (attention_drift, duplicate_finding, unknown_feature):
        diags += rule.check_site(site)
    for d in diags:
        assert isinstance(d, Diagnostic) and d.rule in RULES and d.hint
        assert 0 <= d.line <= max(len(doc.lines), 1)
    for f in s.findings:
        assert 1 <= f.line <= f.end_line <= max(len(doc.lines), 1) or f.from_table
    findings.expected_rows(s, REG)
    render.attention_table(s, REG, lambda rel, frag: rel + "#" + frag)
    render.attention_markdown(s, REG)


test_session_any_text = QUICK(given(DOC)(_session))


def test_session_finding_naming_an_undeclared_feature():
    """Found by the exploring run: a finding whose Feature names an ID no doc declares reaches the site rules'
    stated-ID lookup (which reads the site's features, link generation and memo)."""
    _session("---\n### CRIT-1201-001: Loops\n**Feature:** P1")
test_session_any_text_slow = slow(SLOW_N["session"])(given(DOC)(_session))


# ---------------------------------------------------------------------- feature analysis

CONTRACTS = load_contracts(None)


def _feature(text):
    doc = scan(text)
    opts = Options()
    fd = features.analyze("features/x.md", doc, CONTRACTS, opts)
    fd.diagnostics = rules.check_doc(fd)
    for d in fd.diagnostics:
        assert d.rule in RULES and d.hint and 0 <= d.line <= max(len(doc.lines), 1), d
    fd.results, fd.verdicts  # the coverage model is filled in
    boxes.completion_box(fd, [], [("P2", "<b>", None)], lambda rel, frag: rel, boxes.place_finder(boxes.box_facts(fd), []))
    boxes.findings_box(fd, [], lambda rel, frag: rel)


test_feature_any_text = QUICK(given(DOC)(_feature))
test_feature_any_text_slow = slow(SLOW_N["feature"])(given(DOC)(_feature))


# ---------------------------------------------------------------------- the whole core on a tree

TREE = st.fixed_dictionaries(
    {
        "features/a.md": RAW,
        "features/sub/b.md": DOC,
        "findings/session-1.md": RAW,
        "findings/session-2.md": DOC,
        "other.md": RAW,
    }
)


def _tree(files):
    root = Path(tempfile.mkdtemp(prefix="reassign-prop-"))
    try:
        for rel, body in files.items():
            p = root / "docs" / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))
        docs = str(root / "docs")
        rep = validate(walk_docs(docs), Project(str(root), docs, Options(source_root=".")))
        for d in rep.diagnostics:
            assert isinstance(d, Diagnostic)
            assert d.rule in RULES and d.severity in SEVERITIES and d.message and d.hint, d
            assert d.path and d.line >= 0 and d.column >= 1, d
            d.format()
            d.to_json()
        from mkdocs_reassign.output import formats as report

        for fmt in report.FORMATS.values():
            fmt(rep.diagnostics, 5)
        report.report_data(rep)
        overview.overview(rep, lambda rel, frag: rel)
    finally:
        shutil.rmtree(root, ignore_errors=True)


test_core_on_any_tree = QUICK(given(TREE)(_tree))
test_core_on_any_tree_slow = slow(SLOW_N["tree"])(given(TREE)(_tree))


# ---------------------------------------------------------------------- renderers escape

OWN_TAGS = {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "a", "strong", "em", "p", "div", "ul", "li", "code", "span",
            "details", "summary", "dl", "dt", "dd", "b", "h3",
            "small", "label", "select", "option", "input"}  # the last: the overview's coverage map and its filters
OWN_ATTRS = {"class", "href", "id", "title", "data-reassign", "data-rule", "data-feature", "data-search-exclude", "data-ready",
             "data-open", "data-status", "data-finding", "data-severity", "data-kind", "data-count", "data-group", "open",
             "aria-hidden",
             # the overview's coverage map
             "data-area", "data-verdict", "data-key", "data-met", "data-total", "data-fcol",
             "data-reassign-filter", "scope", "colspan", "tabindex", "role", "aria-label", "aria-describedby",
             "aria-live", "hidden", "value", "type"}


class _Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.text.append(data)

    def handle_decl(self, decl):
        self.comments.append(decl)

    def unknown_decl(self, data):
        self.comments.append(data)

    def handle_pi(self, data):
        self.comments.append(data)


def assert_only_own_markup(html: str, inputs: list[str]) -> None:
    p = _Structure()
    p.feed(html)
    p.close()
    for tag, attrs in p.tags:
        assert tag in OWN_TAGS, f"injected element <{tag}> in {html!r}"
        for name, value in attrs:
            assert name in OWN_ATTRS, f"injected attribute {name}= in {html!r}"
            if name == "href" and value:
                probe = value.replace("\t", "").replace("\n", "").replace("\r", "").lstrip("\x00 ").lower()
                assert not probe.startswith(("javascript:", "data:", "vbscript:")), value
    assert not p.comments, p.comments
    assert "<script" not in html.lower()
    body = html.split("</style>", 1)[-1]
    # the renderers' own tags out (a hostile text "<a" is in every page with a link); what is left is text
    body = re.sub(r"</?(?:%s)(?=[\s>/])[^<>]*>" % "|".join(sorted(OWN_TAGS, key=len, reverse=True)), "", body)
    for s in inputs:
        if "<" in s and any(c.isalpha() or c in "!/?" for c in s[s.index("<") + 1 : s.index("<") + 2]):
            assert s not in body, f"raw {s!r} in {html!r}"


def _finding_type():
    return REG.by_prefix["CRIT"], REG.by_prefix["Q"]


def _render(texts, decided):
    t_crit, t_q = _finding_type()
    texts = (texts * 12)[:12]
    doc = scan("# x\n")
    fs = [
        findings.Finding(texts[0], t_crit, texts[1], "findings/" + texts[2] + ".md", 1, 1, t_crit, decided=decided),
        findings.Finding("Q-1201-001", t_q, texts[3], "findings/s.md", 2, 2, t_q, feature_id=texts[4]),
    ]
    session = findings.Session("findings/" + texts[5] + ".md", doc, fs)
    resolve = lambda rel, frag: texts[6] + rel + ("#" + frag if frag else "")  # noqa: E731
    html = render.attention_table(session, REG, resolve)
    html += render.attention_table(session, REG, None)
    contract = Contract(texts[7], "c.yaml")
    fd = features.FeatureDoc(texts[8] + ".md", doc, Identity(texts[9], texts[10], "h1"), contract, "x",
                             {"title": texts[10], "confidence": texts[11]},
                             results=[features.ReqResult(texts[1], texts[2], False, texts[7]),
                                      features.ReqResult("k", texts[3] * 3, True, "c")])
    html += boxes.findings_box(fd, fs, resolve)
    html += boxes.completion_box(fd, fs, [(texts[4], texts[5], texts[6]), (texts[7], None, None)], resolve, lambda key: texts[8])
    diags = [Diagnostic(texts[0], 3, texts[1], texts[2], texts[3]), Diagnostic("p", 0, "rule", texts[4], ""),
             Diagnostic("p", 4, "required-section", f'section "{texts[9]}" is missing (expected before "{texts[10]}")',
                        f'add a heading "## {texts[11]}"'),
             Diagnostic("p", 5, "required-section", f'section "{texts[9]}" is empty', texts[11])]
    html += render_banner(diags, lambda line: (texts[5], texts[6]), title=texts[7])
    for f in fs:  # a card around the theme's (escaped) rendering of the finding
        f.maybe_decided = texts[3] if not f.decided else None
        inner = f"<h3>{render.e(texts[0])}</h3>\n<p><strong>{render.e(texts[1])}:</strong> {render.e(texts[2])}</p>"
        html += cards.card(f, inner, lambda fid: (texts[6], texts[10]))
    html += render.finding_anchor(texts[8])

    class Rep:
        features = {fd.rel: fd}
        docs_prefix = "docs/"
        by_path = {"docs/" + fd.rel: [Diagnostic("docs/" + fd.rel, 1, "required-topic", texts[2], texts[3], requirement=texts[1],
                                                 waived=texts[4] if decided else None)]}
        sessions = [session]
        finding_registry = REG

        @staticmethod
        def findings_of(fid):
            return fs

    html += overview.overview(Rep(), resolve)
    places = overview.gap_places(fd, Rep.by_path["docs/" + fd.rel])
    placed = overview.place_gap_anchors('<h1 id="x">x</h1>', places, [("x", "x"), (texts[5], texts[6])])
    assert placed.endswith('<h1 id="x">x</h1>') and placed.count('class="reassign-anchor reassign-gap"') == len(places) == 1, placed
    html += placed.replace('<h1 id="x">x</h1>', "")
    assert_only_own_markup(html, texts)


test_renderers_escape = QUICK(given(st.lists(HOSTILE, min_size=1, max_size=12), st.booleans())(_render))
test_renderers_escape_slow = slow(SLOW_N["render"])(given(st.lists(HOSTILE, min_size=1, max_size=12), st.booleans())(_render))


def test_the_markup_check_catches_injection():
    """The checker above would see an injected element or attribute (it is not vacuous)."""
    with pytest.raises(AssertionError):
        assert_only_own_markup('<td><img src=x onerror="alert(1)"></td>', [])
    with pytest.raises(AssertionError):
        assert_only_own_markup('<a href="x" onmouseover="y">', [])
    with pytest.raises(AssertionError):
        assert_only_own_markup('<a href="javascript:alert(1)">', [])
    assert_only_own_markup(render_banner([Diagnostic("p", 1, "r", "<script>alert(1)</script>", '" onclick="x')],
                                         lambda line: ("<x>", '"')), ["<script>alert(1)</script>"])


# ---------------------------------------------------------------------- fix.rewrite

ATT_ROWS = st.lists(
    st.sampled_from([
        "| 🔴 **CRITICAL** | 3 | CRIT-1201-009 |", "| 🟡 **Questions** | 0 | - |", "| 🎨 **UI Review** | 0 | - |",
        "| **Bogus** | 1 | x |", "| 💡 **UX Recommendations** | two | UX-1201-001, Q-abc |", "| 🟡 **Questions** |",
    ]),
    min_size=1, max_size=6,
)
FINDING_BLOCKS = st.lists(
    st.sampled_from([
        "## 🔴 CRITICAL ISSUES\n\n### CRIT-1201-001: Loops\n**Found by:** a\n",
        "## 🟡 QUESTIONS\n\n### Q-1201-001: Wait?\n**Asked by:** a\n\n**YOUR ANSWER:**\n- [x] A\n",
        "## 🟡 QUESTIONS\n\n### Q-1201-002: Wait more?\n",
        "## 🟡 QUESTIONS\n\n### Q-abc: Odd ID\n",
        "## 🎨 AWAITING YOUR REVIEW\n\n| ID | Feature | What to Review |\n|---|---|---|\n| UI-1201-001 | P1 | x |\n| UI-<b>2</b> | | y |\n",
        "## DECISIONS LOG\n\n| ID | Decision |\n|---|---|\n| Q-1201-002 | done |\n",
    ]),
    max_size=5,
)
NEWLINE = st.sampled_from(["\n", "\r\n"])


def _fix(prefix, rows, blocks, suffix, nl, bom):
    head = "# Session\n\n" + prefix.replace("\r", "") + "\n\n## NEEDS YOUR ATTENTION\n\n| Type | Count | IDs |\n|---|---|---|\n"
    text = head + "\n".join(rows) + "\n\n" + "\n".join(blocks) + "\n" + suffix.replace("\r", "")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", nl).encode("utf-8", "surrogatepass")
    root = Path(tempfile.mkdtemp(prefix="reassign-fix-"))
    try:
        path = root / "docs" / "findings" / "session-1.md"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        rep = validate(walk_docs(str(root / "docs")), Project(str(root), str(root / "docs"), Options()))
        assume(rep.sessions and rep.sessions[0].attention is not None and rep.sessions[0].attention.start)
        s = rep.sessions[0]
        new = rewrite(data, s, rep)
        if new is None:
            return
        bom_b = data[: 3 if bom else 0]
        lines = _split(data[len(bom_b):])
        a, b = s.attention.start - 1, s.attention.end - 1
        before = bom_b + b"".join(lines[:a])
        after = b"".join(lines[b + 1 :])
        assert new.startswith(before) and new.endswith(after), (data, new)
        # idempotent: the rewritten file checks clean and rewrites to itself
        path.write_bytes(new)
        rep2 = validate(walk_docs(str(root / "docs")), Project(str(root), str(root / "docs"), Options()))
        # a row of another label is the writer's: kept byte for byte (check still names it), never fix's
        drift = [d for d in rep2.diagnostics if d.rule == "attention-drift" and "is not a finding type" not in d.message]
        assert not drift, (new.decode("utf-8", "replace"), [d.format() for d in drift])
        for row in rows:
            if row.startswith("| **Bogus**"):
                assert (row + nl).encode() in new
        assert rewrite(new, rep2.sessions[0], rep2) == new
    finally:
        shutil.rmtree(root, ignore_errors=True)


FIX_ARGS = (st.text(max_size=80), ATT_ROWS, FINDING_BLOCKS, st.text(max_size=80), NEWLINE, st.booleans())
test_fix_rewrite_keeps_other_bytes = QUICK(given(*FIX_ARGS)(_fix))
test_fix_rewrite_keeps_other_bytes_slow = slow(SLOW_N["fix"])(given(*FIX_ARGS)(_fix))


# ---------------------------------------------------------------------- waiver index


def _waivers(sections, waiver_specs, diag_specs):
    lines = []
    for level, n_body, waive in sections:
        lines.append("#" * level + " S")
        lines.extend(["text"] * n_body)
        if waive is not None:
            lines.append(f'<!-- reassign: waive {waive} "because" -->')
    for key in waiver_specs:
        lines.append(f'<!-- reassign: waive {key} "r{len(lines)}" -->')
    doc = scan("\n".join(lines))
    ws = waivers.collect("x.md", doc, [], __import__("datetime").date(2030, 1, 1))
    if not ws:
        return
    idx = waivers._Index(ws, doc)
    idx.linear = False
    n = len(doc.lines)
    for line, rule, req in diag_specs:
        d = Diagnostic("x.md", min(line, n), rule, "m", "h", requirement=req)
        expect = next((w for w in ws if w.covers(d)), None)
        assert idx.first_covering(d) is expect


KEYS = st.sampled_from(["broken-link", "diagram", "required-section", "how-it-works", "section:x", "x"])
WAIVER_ARGS = (
    st.lists(st.tuples(st.integers(1, 4), st.integers(0, 3), st.one_of(st.none(), KEYS)), max_size=8),
    st.lists(KEYS, max_size=4),
    st.lists(st.tuples(st.integers(0, 40), KEYS, st.one_of(st.none(), KEYS)), max_size=10),
)
test_waiver_index_matches_linear_scan = QUICK(given(*WAIVER_ARGS)(_waivers))
test_waiver_index_matches_linear_scan_slow = slow(SLOW_N["waivers"])(given(*WAIVER_ARGS)(_waivers))


# ---------------------------------------------------------------------- the report's JSON encoder

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    | st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none(), st.text(max_size=3)), inner, max_size=3),
    max_leaves=30)


def _indented_json(value, nl):
    from mkdocs_reassign.output.formats import indented_json

    assert indented_json(value, nl) == json.dumps(value, indent=1, ensure_ascii=False).replace("\n", nl)


JSON_ARGS = (JSON_VALUE, st.sampled_from(["\n", "\n  "]))
test_indented_json_is_json_dumps = QUICK(given(*JSON_ARGS)(_indented_json))
test_indented_json_is_json_dumps_slow = slow(SLOW_N["json"])(given(*JSON_ARGS)(_indented_json))


# ---------------------------------------------------------------------- cites (engine._cites)

CITE_ATOMS = ["CRIT-1201-001", "Q-2026-002", "UX-P4-003", "M-1201-001", "-", "<!-- x -->", "<!--", "-->", " ", "\n", "a",
              "1", "-12", "-123", "-1234", "CRIT", "Q-", "2026-01-01", "`", "```", "| ", "- item ", "1201", "001", "P4"]
CITE_DOC = st.one_of(st.lists(st.sampled_from(CITE_ATOMS), max_size=50).map("".join), DOC)


def _cites(text):
    """engine._cites (lines found in one search of the whole doc) gives what its definition gives: every match of
    cite_re in each prose line, with the line's comments removed, in order."""
    from mkdocs_reassign.cache import Cache
    from mkdocs_reassign.engine import _cites as cites, _finding_registry
    from mkdocs_reassign.markdown import sub_comments

    doc = scan(text)
    reg = _finding_registry(Options(), Cache())[0]
    want = [(i + 1, m.group()) for i, t in enumerate(doc.lines) if doc.prose[i]
            for m in reg.cite_re.finditer(sub_comments(t, "") if "<!--" in t else t)]
    assert cites("x.md", SimpleNamespace(doc=doc), reg, Cache()) == want


test_cites_are_the_prose_lines_matches = QUICK(given(CITE_DOC)(_cites))
test_cites_are_the_prose_lines_matches_slow = slow(SLOW_N["cites"])(given(CITE_DOC)(_cites))


# A small vocabulary, so that phrases and proximity groups meet in units, miss by a word, or are out of scope.
MATCH_WORDS = ["grace", "period", "periods", "the", "agent", "visitor", "waits", "wait", "second", "seconds", "of",
               "hold", "rep", "closed", "connection", "WebRTC", "web", "RTC", "call_logs", "call", "logs", "no"]
MATCH_LINE = st.one_of(
    st.lists(st.sampled_from(MATCH_WORDS), min_size=1, max_size=12).map(" ".join),
    st.lists(st.sampled_from(MATCH_WORDS), min_size=1, max_size=6).map(lambda ws: " ".join(ws) + "?"),
    st.lists(st.sampled_from(MATCH_WORDS), min_size=1, max_size=4).map(lambda ws: "## " + " ".join(ws)),
    st.sampled_from(["", "TODO", "- " + "grace period. Agent waits", "| hold | 30 seconds |", "TBD."]),
)
MATCH_PHRASE = st.lists(st.sampled_from(MATCH_WORDS), min_size=1, max_size=3).map(" ".join)
MATCH_ALT = st.one_of(
    MATCH_PHRASE,
    st.builds(lambda groups, within: {"all": groups, "within": within},
              st.lists(st.one_of(MATCH_PHRASE, st.lists(MATCH_PHRASE, min_size=1, max_size=3)), min_size=1, max_size=3),
              st.integers(0, 6)),
)
MATCH_CASE = st.tuples(
    st.lists(MATCH_LINE, max_size=30).map("\n".join),
    st.lists(MATCH_ALT, min_size=1, max_size=8),
    st.lists(MATCH_PHRASE, max_size=2),
    st.one_of(st.none(), st.lists(st.tuples(st.integers(1, 30), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1])),
                                  min_size=1, max_size=2)),
)


def _match(case):
    """DocIndex.match gives, for any doc, concept and scope, what the matcher's definition gives."""
    from mkdocs_reassign.text import concepts as C

    text, alts, unless, scope = case
    try:
        concept = C.Concept.parse("c", alts, unless)
    except ValueError:
        assume(False)
    lines = text.split("\n")
    ix = C.DocIndex.from_lines(lines, [1] * len(lines))
    n_units = len(ix.units)

    def units_of(phrase):  # counting units holding phrase: every position tried
        out = {}
        for ui in range(n_units):
            if ix.counts[ui]:
                hits = [(p, e) for p in range(len(ix.stems[ui]) + 1) if (e := ix._phrase_at(ui, p, phrase)) >= 0 and e > p]
                if hits:
                    out[ui] = hits
        return out

    def in_scope(ui):
        return scope is None or any(lo <= ix.units[ui].first_line <= hi for lo, hi in scope)

    def hit(ui, s, e, source):
        u = ix.units[ui]
        return C.ConceptVerdict("c", True, u.first_line, tuple(ix.raw[ui][s:e]), source, C._trim(u.text))

    def want():
        void = {ui for ph in concept.unless for ui in units_of(ph)}
        for alt in concept.alternatives:  # a hit: the first alternative that matches, at its earliest unit
            if alt.within is None:
                for ui, hits in sorted(units_of(alt.groups[0][0]).items()):
                    if (not alt.ident or C._has_ident(ix.units[ui].text, alt.ident)) and in_scope(ui) and ui not in void:
                        return hit(ui, *hits[0], alt.source)
                continue
            for ui in range(n_units):
                if ui in void or not in_scope(ui):
                    continue
                per = [[h for ph in g for h in units_of(ph).get(ui, [])] for g in alt.groups]
                if all(per) and (span := C._window(per, alt.within)) is not None:
                    return hit(ui, *span, alt.source)
        best = None  # a miss: the unit holding most of an alternative's parts, first alternative, then first unit
        for alt in concept.alternatives:
            if alt.within is None:
                words = [w for w in alt.groups[0][0] if w not in C._STOP]
                if len(words) < 2:
                    continue
                parts, labels = [((w,),) for w in words], words
            else:
                parts, labels = alt.groups, alt.labels
            n = len(parts)
            for ui in range(n_units):
                if not in_scope(ui):
                    continue
                held = [any(ui in units_of(ph) for ph in g) for g in parts]
                have = sum(held)
                if have == 0 or (alt.within is None and have < n and have * 2 <= n):
                    continue
                score = (have - 0.5) / n if have == n else have / n
                if alt.within is None:
                    lacking = (alt.source,)
                elif have == n:
                    lacking = (f"{' + '.join(labels)} within {alt.within} words",)
                else:
                    lacking = tuple(labels[k] for k in range(n) if not held[k])
                if best is None or score > best[0]:
                    best = (score, ui, lacking)
        if best is None:
            return C.ConceptVerdict("c", False, None, (), "", "", tuple(a.source for a in concept.alternatives[:3]))
        u = ix.units[best[1]]
        return C.ConceptVerdict("c", False, u.first_line, (), "", C._trim(u.text), best[2])

    assert ix.match(concept, scope) == want()


test_match_is_its_definition = QUICK(given(MATCH_CASE)(_match))
test_match_is_its_definition_slow = slow(SLOW_N["match"])(given(MATCH_CASE)(_match))


# ---------------------------------------------------------------------- the page limits read before a scan


def _page_limits(case):
    """sources._over_page_limits skips its count of heading lines when the page is too short to exceed the limit:
    its verdict is still the count's (a small limit, so that short pages reach it)."""
    from mkdocs_reassign import sources

    data, limit = case
    old = sources.PAGE_HEADINGS
    sources.PAGE_HEADINGS = limit
    try:
        got = sources._over_page_limits(data)
    finally:
        sources.PAGE_HEADINGS = old
    n = data.count(b"\n#") + data.count(b"\r#") + data.startswith((b"#", b"\xef\xbb\xbf#"))
    assert (got != "") == (n > limit), (data, limit, got)


LIMIT_CASE = st.tuples(st.lists(st.sampled_from([b"#", b"\n", b"\r", b"\r\n#", b"a", b"\xef\xbb\xbf", b"\n#"]), max_size=80)
                       .map(b"".join), st.integers(0, 50))
test_page_heading_limit_is_the_count = QUICK(given(LIMIT_CASE)(_page_limits))
test_page_heading_limit_is_the_count_slow = slow(SLOW_N["limits"])(given(LIMIT_CASE)(_page_limits))


def test_slow_variants_add_up_to_10000_examples():
    assert sum(SLOW_N.values()) >= 10_000
