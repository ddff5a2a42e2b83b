"""What boxes, cards and the banner are made of, on real checks and real Python-Markdown output (the browser
tests in test_browser_boxes.py show them in the themes)."""

from __future__ import annotations

import re
from pathlib import Path

import markdown

from mkdocs_reassign.engine import Project, walk_docs
from mkdocs_reassign.engine import validate as validate_tree
from mkdocs_reassign.model import findings
from mkdocs_reassign.markdown import scan
from mkdocs_reassign.options import Options
from mkdocs_reassign.output import boxes, cards
from mkdocs_reassign.output.banner import banner

GOLDEN = Path(__file__).parent / "golden"
REG, _ = findings.make_registry(None, Options().id_pattern)


def _check(root: Path):
    docs = root / "docs"
    return validate_tree(walk_docs(str(docs)), Project(str(root), str(docs), Options()))


def _write(root: Path, rel: str, text: str) -> None:
    path = root / "docs" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_related_features_include_the_docs_links(tmp_path):
    _write(tmp_path, "features/a.md", "# Feature: Alpha (A1)\n\n## Summary\n\nSee [the beta page](b.md#top) and [it again](./b.md).\n")
    _write(tmp_path, "features/b.md", "---\nrelated: [A1]\n---\n# Feature: Beta (B2)\n\n## Summary\n\nNo links here.\n")
    rep = _check(tmp_path)
    a, b = rep.features["features/a.md"], rep.features["features/b.md"]
    related_a = boxes.related_of(a, boxes.box_facts(a), rep.features, rep.registry)
    assert related_a == [("B2", "Beta", "features/b.md")]  # from its link, once
    related_b = boxes.related_of(b, boxes.box_facts(b), rep.features, rep.registry)
    assert related_b == [("A1", "Alpha", "features/a.md")]  # from front matter
    html = boxes.completion_box(a, [], related_a, lambda rel, frag: "../" + rel)
    assert '<a href="../features/b.md">B2: Beta</a>' in html


def test_not_ready_says_why():
    c = {"met": 3, "total": 5, "open_critical": 1}
    assert boxes.ready_reasons(c) == ["2 requirements unmet", "1 open critical finding"]
    assert boxes.ready_reasons({"met": 0, "total": 0, "open_critical": 0}) == ["its contract asks for nothing to check"]
    assert boxes.ready_reasons({"met": 4, "total": 4, "open_critical": 0}) == []


def test_banner_groups_sections_by_kind_and_place():
    rep = _check(GOLDEN / "required-section" / "gaps")
    diags = rep.by_path["docs/features/gaps.md"]
    heads = {1: ("h1", "Feature"), 33: ("six", "6. TECHNICAL CONCERNS")}
    html = banner(diags, lambda line: heads.get(line, ("other", "Other")))
    items = re.findall(r"<li data-rule=\"required-section\"[^>]*>(.*?)</li>", html)
    assert len(items) == 2, html  # four diagnostics, two lines: the missing ones together, the empty ones together
    missing = re.sub(r"<[^>]+>", "", items[0])
    assert missing == "Missing sections: EDGE CASES, UI/UX REVIEW (add them before 6. TECHNICAL CONCERNS)"
    assert '<a href="#six">6. TECHNICAL CONCERNS</a>' in items[0]
    assert re.sub(r"<[^>]+>", "", items[1]) == \
        "Empty sections: 1. WHAT IT DOES, 9. RELATED FEATURES (write their content or remove the headings)"
    assert 'gaps on this page' in html and not re.search(r"\([^()<]*\(", re.sub(r"<[^>]+>", "", html))


SESSION = """# Session

## 🟡 QUESTIONS

### Q-1124-001: Should a waiting visitor ever time out?
**Asked by:** Doc Agent 5
**Feature:** P4
**Files:**
- `routing/pool.ts:42`

**Current Behavior:**
The visitor waits with no limit.

**Why I'm Asking:** Outside business hours the wait is long.

**YOUR ANSWER:**
- [ ] Time out after 2 minutes
- [x] Keep waiting

---

## DECISIONS LOG
"""


NONCE = "5eed5eed"


def _card_html(extensions: list[str], text: str = SESSION) -> str:
    s = findings.parse_session("findings/s.md", scan(text), REG, Options().id_pattern)
    (f,) = s.findings
    start, end = cards.markers(f, NONCE)
    lines = text.split("\n")
    lines[f.end_line:f.end_line] = ["", end, ""]
    lines[f.line - 1:f.line - 1] = ["", start, ""]
    html = markdown.markdown("\n".join(lines), extensions=extensions)
    return cards.render_cards(html, s, lambda fid: ("../p4/", "Visitor Reassignment"), NONCE)


# the same finding with its fields written as list items, as getting-started.md shows them
LIST_FIELDS = SESSION.replace("""**Asked by:** Doc Agent 5
**Feature:** P4
**Files:**
- `routing/pool.ts:42`

**Current Behavior:**
The visitor waits with no limit.

**Why I'm Asking:** Outside""", """- **Asked by:** Doc Agent 5
- **Feature:** P4
- **Files:** `routing/pool.ts:42`
- **Current Behavior:** The visitor waits with no limit.
- **Why I'm Asking:** Outside""")


def test_a_finding_renders_as_a_card():
    assert LIST_FIELDS.count("- **") == 5
    for extensions, text in (([], SESSION), (["pymdownx.tasklist"], SESSION), ([], LIST_FIELDS)):
        html = _card_html(extensions, text)
        card = re.search(r'<div class="reassign-card"[^>]*>.*?</dl>', html, re.S)
        assert card, html
        card = card.group(0)
        assert 'data-status="decided"' in card and "Decided</span>" in card
        assert 'reassign-sev-question' in card and "Question</span>" in card
        assert '<a href="../p4/" data-reassign="feature">P4 · Visitor Reassignment</a>' in card
        dts = re.findall(r"<dt>(.*?)</dt>", card)
        assert dts == ["Asked by", "Feature", "Files", "Current Behavior", "Why I&#x27;m Asking", "YOUR ANSWER"] or \
            dts == ["Asked by", "Feature", "Files", "Current Behavior", "Why I'm Asking", "YOUR ANSWER"], dts
        assert "<code>routing/pool.ts:42</code>" in re.findall(r"<dd>(.*?)</dd>", card, re.S)[2]
        assert len(re.findall(r'<input[^>]*type="checkbox"', card)) == 2 and "[ ]" not in card and "[x]" not in card
        assert "<hr" not in card  # the rule before the next section is not part of a field


def test_a_card_keeps_its_anchor_and_unpaired_markers_stay_comments():
    s = findings.parse_session("findings/s.md", scan(SESSION), REG, Options().id_pattern)
    start, _end = cards.markers(s.findings[0], NONCE)
    html = start + "\n<h3>Q-1124-001: x</h3>\n"  # the end marker was lost: nothing is wrapped
    assert cards.render_cards(html, s, lambda fid: None, NONCE) == html


def test_card_markers_without_the_sites_nonce_wrap_nothing():
    s = findings.parse_session("findings/s.md", scan(SESSION), REG, Options().id_pattern)
    start, end = cards.markers(s.findings[0], "0badc0de")  # typed into a doc: not this site's secret
    html = start + "\n<h3>Q-1124-001: x</h3>\n" + end
    assert cards.render_cards(html, s, lambda fid: None, NONCE) == html
