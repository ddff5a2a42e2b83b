"""The compact boxes, the finding cards and the grouped banner, seen in headless Chromium.

Four sites built from a copy of the project's own docs (Material light and dark, the plain ``mkdocs``
theme light and dark), each with planted states: P2 has all it needs and no open finding (the boxes are one line
each), P4 lacks two adjacent sections (its completion box unfolds and says why; the banner groups them), the
session has a finding a status line probably decides (a "possibly decided" card). Checked at 1280x800 and
390x844: nothing the plugin renders overflows the page; the text of boxes, cards and banner meets WCAG AA.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser_support import StaticServer
from project_copy import P4_SRC, P4_URL, SESSION_SRC, SESSION_URL, block_external, build_site, copy_project, set_plugin_options
from test_browser_pages import _contrast, goto, open_box

pytestmark = pytest.mark.browser

P2_URL = "features/platform/agent-assignment/"
COMPLETION = 'details[data-reassign="completion"]'
FINDINGS = 'details[data-reassign="findings"]'
BANNER = 'div[data-reassign="banner"]'
CARD = 'div[data-reassign="card"]'
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
THEMES = {
    "material": "theme:\n  name: material\n",
    "material-dark": "theme:\n  name: material\n  palette:\n    scheme: slate\n",
    "mkdocs": "theme:\n  name: mkdocs\n",
    "mkdocs-dark": "theme:\n  name: mkdocs\n  color_mode: dark\n",
}
# how far the two boxes may push the doc's text down when all is well: two one-line boxes (the old ones: ~380 px)
COMPACT_PX = 80


def _plant(project: Path, theme: str) -> None:
    cfg = project / "mkdocs.yml"
    text, n = re.subn(r"^theme:\n(?:[ \t]+.*\n)*", THEMES[theme], cfg.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert n == 1
    cfg.write_text(text, encoding="utf-8")
    set_plugin_options(project, banner="always")
    p4 = project / P4_SRC
    text = p4.read_text(encoding="utf-8")
    assert text.count("related: [P2, A3, V8]\n") == 1  # the related features then come from the doc's links only
    text = text.replace("related: [P2, A3, V8]\n", "")
    for heading in ("## 6. TECHNICAL CONCERNS\n", "## 7. FIRST PRINCIPLES REVIEW\n"):
        assert text.count(heading) == 1
        text = text.replace(heading, "")
    p4.write_text(text, encoding="utf-8")
    session = project / SESSION_SRC
    text = session.read_text(encoding="utf-8")
    status = "**Status:** CRIT-1124-001 decided (fix ticket), Q-1124-002 answered.\n"
    assert text.count(status) == 1
    session.write_text(text.replace(status, status + "\n**Status:** UX1 ✅\n"), encoding="utf-8")


@pytest.fixture(scope="module", params=list(THEMES))
def site(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"boxes-{request.param}")
    project = copy_project(root / "project")
    _plant(project, request.param)
    out = build_site(project, root / "site")
    assert "required-section" in out, out
    with StaticServer(root / "site") as srv:
        srv.theme = request.param
        yield srv


@pytest.fixture(autouse=True)
def _offline(page):
    block_external(page)


def _visit(page: Page, site, url: str, viewport: str = "desktop") -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    goto(page, site.url + url)


# ------------------------------------------------------------------ compact boxes


def test_boxes_are_one_line_each_when_all_is_well(site, page):
    _visit(page, site, P2_URL)
    completion, findings = page.locator(COMPLETION), page.locator(FINDINGS)
    expect(completion.locator("summary")).to_have_text(re.compile(r"^P2 · (\d+)/\1 · 0 open critical · ready$"))
    expect(findings.locator("summary")).to_have_text("Findings for P2: none recorded")
    for box in (completion, findings):
        expect(box).not_to_have_attribute("open", "")  # folded
        assert box.bounding_box()["height"] < 40, box.bounding_box()
    # how far the boxes push the doc's first own element down: measured with them, then with them hidden
    added = page.evaluate(
        """() => {
            let next = document.querySelector('.reassign-boxes').nextElementSibling;
            while (next && !next.getClientRects().length) next = next.nextElementSibling;
            const top = () => next.getBoundingClientRect().top + window.scrollY;
            const shown = top();
            document.querySelector('.reassign-boxes').style.display = 'none';
            const hidden = top();
            document.querySelector('.reassign-boxes').style.display = '';
            return shown - hidden;
        }"""
    )
    assert 0 < added <= COMPACT_PX, added
    # a click unfolds the details: related features with their titles, the reason it is ready
    open_box(page, COMPLETION)
    expect(completion.locator('dd[data-reassign="ready"]')).to_have_text("Yes")
    expect(completion.locator('dd[data-reassign="ready"]')).to_be_visible()
    related = completion.locator('dd[data-reassign="related"] a')
    assert related.count() >= 1
    for i in range(related.count()):
        expect(related.nth(i)).to_have_text(re.compile(r"^[A-Z]+\d+: \S"))


def test_not_ready_box_is_open_and_says_why(site, page):
    _visit(page, site, P4_URL)
    completion = page.locator(COMPLETION)
    expect(completion).to_have_attribute("open", "")
    expect(completion).to_have_attribute("data-ready", "no")
    summary = completion.locator("summary").inner_text()
    m = re.search(r"P4 · (\d+)/(\d+) · 0 open critical · not ready: (\d+) requirements unmet", summary)
    assert m and int(m.group(2)) - int(m.group(1)) == int(m.group(3)) >= 2, summary
    expect(completion.locator('dd[data-reassign="ready"]')).to_have_text(f"No: {m.group(3)} requirements unmet")
    # each unmet requirement links to its place on the page, an anchor that exists
    links = completion.locator('dd[data-reassign="unmet"] a')
    labels = completion.locator('dd[data-reassign="unmet"] li').all_inner_texts()
    assert any("Technical Concerns" in t for t in labels) and any("First Principles" in t for t in labels), labels
    assert links.count() == len(labels), labels
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        assert href.startswith("#") and page.locator(f'[id="{href[1:]}"]').count() == 1, href
    links.first.click()
    expect(page.locator(f'[id="{links.first.get_attribute("href")[1:]}"]')).to_be_in_viewport()


def test_related_features_come_from_links_too(site, page):
    """P4's front matter names no related feature here: those its text links to are listed, each once, titled,
    each link working."""
    _visit(page, site, P4_URL)
    open_box(page, COMPLETION)
    related = page.locator(f'{COMPLETION} dd[data-reassign="related"] a')
    names = related.all_inner_texts()
    assert sorted(n.split(":")[0] for n in names) == ["A3", "P2", "V8"], names
    assert all(re.match(r"^[A-Z]+\d+: \S", n) for n in names), names
    for i in range(related.count()):
        href = related.nth(i).get_attribute("href")
        assert page.request.get(site.url + P4_URL + href).status == 200, href


# ------------------------------------------------------------------ cards


def _card(page: Page, fid: str):
    card = page.locator(f'{CARD}[data-finding="{fid}"]')
    expect(card).to_have_count(1)
    return card


@pytest.mark.parametrize("fid,status,words", [
    ("CRIT-1124-001", "decided", "Decided"),
    ("Q-1124-001", "open", "Open"),
    ("Q-1124-002", "decided", "Decided"),
    ("UX-1124-001", "possibly-decided", "Possibly decided"),
])
def test_session_findings_are_cards_with_their_status(site, page, fid, status, words):
    _visit(page, site, SESSION_URL)
    card = _card(page, fid)
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-status", status)
    expect(card.locator('[data-reassign="status"]')).to_have_text(words)
    expect(card.locator('[data-reassign="severity"]')).to_be_visible()
    expect(card.locator("h3")).to_have_text(re.compile(rf"^{re.escape(fid)}: \S"))
    # the anchor the boxes and the attention table link to sits right before the card's heading
    assert card.locator(f'[id="finding-{fid.lower()}"]').evaluate("a => a.nextElementSibling.tagName") == "H3"
    # fields as a definition list, decisions as checkboxes (no literal "[ ]" left)
    dts = card.locator("dl.reassign-fields > dt").all_inner_texts()
    assert "Feature" in dts and len(dts) >= 2, dts
    text = card.inner_text()
    assert "[ ]" not in text and "[x]" not in text and "**" not in text, text
    boxes = card.locator('input[type="checkbox"]')
    assert boxes.count() >= 1
    checked = card.locator('input[type="checkbox"]:checked').count()
    assert (checked >= 1) == (status == "decided"), (fid, checked)  # these are decided by a ticked box
    # the linked feature, titled, and the link works
    feature = card.locator('a[data-reassign="feature"]')
    expect(feature).to_have_text(re.compile(r"^[A-Z]+\d+ · \S"))
    feature.click()
    expect(page.locator(COMPLETION)).to_be_visible()


# ------------------------------------------------------------------ banner


def test_banner_groups_missing_sections(site, page):
    _visit(page, site, P4_URL)
    banner = page.locator(BANNER)
    expect(banner).to_be_visible()
    missing = banner.locator('li[data-rule="required-section"][data-kind="missing"]')
    expect(missing).to_have_count(1)  # one line for both, not one each
    expect(missing).to_have_text(
        re.compile(r"^Missing sections: TECHNICAL CONCERNS, FIRST PRINCIPLES REVIEW \(add them before 8\. CODE REFERENCES\)$"))
    link = missing.locator("a")
    href = link.get_attribute("href")
    assert page.locator(f'[id="{href[1:]}"]').count() == 1, href
    link.click()
    expect(page.locator(f'[id="{href[1:]}"]')).to_be_in_viewport()
    for text in banner.locator("li").all_inner_texts():
        assert not re.search(r"\([^()]*\(", text), text  # no nested parentheses


# ------------------------------------------------------------------ every theme, both sizes


_OVERFLOW = """() => {
    document.querySelectorAll('details.reassign-box').forEach(d => { d.open = true; });
    const W = document.documentElement.clientWidth;
    const els = [...document.querySelectorAll('details[data-reassign], div[data-reassign], .reassign-attention')];
    return els.filter(el => el.getClientRects().length).map(el => {
        const r = el.getBoundingClientRect();
        return {what: el.className, left: r.left, right: r.right, scroll: el.scrollWidth, client: el.clientWidth, W};
    }).filter(x => x.left < -1 || x.right > x.W + 1 || (!x.what.includes('reassign-attention') && x.scroll > x.client + 1));
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("url", [P4_URL, P2_URL, SESSION_URL])
def test_nothing_overflows(site, page, viewport, url):
    _visit(page, site, url, viewport)
    assert page.locator("details[data-reassign], div[data-reassign]").count() >= 1
    assert page.evaluate(_OVERFLOW) == [], (site.theme, viewport, url)


CONTRAST = {
    P4_URL: [f"{BANNER} li", f"{BANNER} a", f"{COMPLETION} summary", f"{COMPLETION} summary .reassign-ready-no",
             f"{COMPLETION} dt", f"{COMPLETION} dd", f"{FINDINGS} summary", f"{FINDINGS} .reassign-badge",
             f"{FINDINGS} .reassign-finding-title", f"{FINDINGS} a", f"{COMPLETION} a"],
    SESSION_URL: [f"{CARD} .reassign-badge", f"{CARD} dt", f"{CARD} dd", f"{CARD} .reassign-card-meta a"],
    P2_URL: [f"{COMPLETION} summary .reassign-ready-yes", f"{COMPLETION} summary"],
}


@pytest.mark.parametrize("url", list(CONTRAST))
def test_text_contrast_meets_aa(site, page, url):
    _visit(page, site, url)
    page.evaluate("() => document.querySelectorAll('details.reassign-box').forEach(d => { d.open = true; })")
    for sel in CONTRAST[url]:
        n = page.locator(sel).count()
        assert n >= 1, (sel, site.theme)
        for i in range(min(n, 8)):
            ratio = _contrast(page, f"{sel} >> nth={i}")
            assert ratio >= 4.5, (site.theme, sel, i, round(ratio, 2))
