"""The overview page as a coverage map, checked in headless Chromium on a realistic site.

The site is the shared corpus (8 full feature docs, 60 one-line stubs, a findings session: ../shared/corpus,
never skipped when missing) copied into tmp_path, with three planted verdicts besides the corpus's own gaps:

- V4 (call reconnection): its Mermaid diagram moved out of HOW IT WORKS into the appendix: "met elsewhere";
- B3 (billing frequency): OPEN QUESTIONS renamed and waived under the H1: "waived";
- the geo-failure doc (no feature ID) lacks FIRST PRINCIPLES REVIEW as the corpus has it: "unmet", its gap
  reported before "8. CODE REFERENCES".

It is built with Material (light, and dark: ``palette: scheme: slate``) and with the plain ``mkdocs`` theme
(light, and dark: ``color_mode: dark``), and looked at in 1280x800 and 390x844 windows.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser_support import CONTRAST_JS, OVERFLOW_JS, StaticServer
from project_copy import REPO, block_external, build_site

pytestmark = pytest.mark.browser

CORPUS = REPO.parent / "shared" / "corpus" / "docs"
OVERVIEW_URL = "feature-overview/"
OVERVIEW = 'div[data-reassign="overview"]'
THEMES = {
    "material": "theme:\n  name: material\n",
    "slate": "theme:\n  name: material\n  palette:\n    scheme: slate\n",
    "mkdocs": "theme:\n  name: mkdocs\n",
    "mkdocs-dark": "theme:\n  name: mkdocs\n  color_mode: dark\n",
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# the Markdown extensions of this repository's own site (tables, admonitions, Mermaid fences, permalinks)
EXTENSIONS = re.search(r"^markdown_extensions:\n(?:[ \t]+.*\n)+", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(0)
CONFIG = "site_name: Product features\n{theme}" + EXTENSIONS + "plugins:\n  - search\n  - reassign:\n      source_root: null\n"
V4 = "features/visitor/call-reconnection.md"
B3 = "features/billing/billing-frequency.md"


# ------------------------------------------------------------------ the site


def plant(docs: Path) -> None:
    v4 = docs / V4
    text = v4.read_text(encoding="utf-8")
    fence = re.search(r"\n```mermaid\n.*?\n```\n", text, re.S)
    assert fence, "expected a Mermaid diagram in the V4 doc"
    v4.write_text(text[: fence.start()] + text[fence.end() - 1 :] + "\n" + fence.group(0), encoding="utf-8")
    b3 = docs / B3
    text = b3.read_text(encoding="utf-8")
    assert "## 10. OPEN QUESTIONS" in text
    text = text.replace("## 10. OPEN QUESTIONS", "## 10. PARKING LOT")
    head, _, rest = text.partition("\n")
    b3.write_text(head + '\n\n<!-- reassign: waive open-questions "kept in the issue tracker" -->\n' + rest, encoding="utf-8")


def corpus_project(dest: Path, theme: str) -> Path:
    assert CORPUS.is_dir(), f"the shared corpus is missing: {CORPUS} (browser tests fail, never skip)"
    shutil.copytree(CORPUS, dest / "docs")
    plant(dest / "docs")
    (dest / "mkdocs.yml").write_text(CONFIG.format(theme=THEMES[theme]), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """theme -> the base URL of the corpus site built with it."""
    servers, urls = [], {}
    try:
        for theme in THEMES:
            root = tmp_path_factory.mktemp(f"corpus-{theme}")
            project = corpus_project(root / "project", theme)
            build_site(project, root / "site")
            srv = StaticServer(root / "site").__enter__()
            servers.append(srv)
            urls[theme] = srv.url
        yield urls
    finally:
        for srv in servers:
            srv.__exit__(None, None, None)


def open_page(chromium_browser, url: str, viewport: str = "desktop", js: bool = True) -> Page:
    page = chromium_browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=js).new_page()
    block_external(page)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page


@pytest.fixture
def pages(chromium_browser):
    opened: list[Page] = []

    def make(url, viewport="desktop", js=True):
        opened.append(open_page(chromium_browser, url, viewport, js))
        return opened[-1]

    yield make
    for p in opened:
        p.context.close()


def rows(page: Page, visible_only: bool = False) -> list[dict]:
    return page.locator(f"{OVERVIEW} tbody tr[data-feature]").evaluate_all(
        """(rs, vis) => rs.filter(r => !vis || r.offsetParent !== null).map(r => ({
            id: r.dataset.feature, area: r.dataset.area, ready: r.dataset.ready,
            unmet: [...r.querySelectorAll('[data-verdict="unmet"]')].map(td => td.dataset.key)}))""",
        visible_only,
    )


# ------------------------------------------------------------------ layout


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_nothing_the_plugin_renders_widens_the_page(sites, pages, theme, viewport):
    for url in (OVERVIEW_URL, "features/visitor/call-reconnection/", "features/admin/geo-failure-handling/",
                "findings/session-2025-01-15/"):
        page = pages(sites[theme] + url, viewport)
        probe = page.evaluate(OVERFLOW_JS, '[data-reassign], [class*="reassign-"]')
        assert probe["bad"] == [], (url, probe)
        if url == OVERVIEW_URL:  # the whole page, not only the plugin's part
            assert probe["scroll"] <= probe["client"], (url, probe)


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_requirement_column_is_in_view_at_1280(sites, pages, theme):
    page = pages(sites[theme] + OVERVIEW_URL)
    box = page.locator(f"{OVERVIEW} .reassign-ov-scroll")
    expect(box).to_be_visible()
    widths = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert widths[0] <= widths[1], f"the map scrolls inside its box at 1280 px: {widths}"
    heads = page.locator(f"{OVERVIEW} thead th[data-key]")
    assert heads.count() >= 13  # the 12 template sections and the diagram, at least
    view = page.viewport_size["width"]
    for i in range(heads.count()):
        r = heads.nth(i).bounding_box()
        assert r and r["x"] >= 0 and r["x"] + r["width"] <= view, (i, r)
    # the totals row marks the requirement missed most
    most = page.locator(f"{OVERVIEW} tfoot .reassign-ov-most")
    assert most.count() >= 1
    counts = [int(t) for t in page.locator(f"{OVERVIEW} tfoot td.reassign-ov-total").all_inner_texts()[: heads.count()]]
    assert int(most.first.inner_text()) == max(counts) > 0


def test_on_a_phone_the_map_scrolls_in_its_box_with_the_feature_column_sticky(sites, pages):
    page = pages(sites["material"] + OVERVIEW_URL, "phone")
    box = page.locator(f"{OVERVIEW} .reassign-ov-scroll")
    sw, cw = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert sw > cw, "at 390 px the map is wider than its box"
    first = page.locator(f"{OVERVIEW} tbody tr[data-feature] th.reassign-ov-feat").first
    before = first.bounding_box()
    box.evaluate("b => b.scrollBy(400, 0)")
    page.wait_for_function("sel => document.querySelector(sel).scrollLeft > 0", arg=f"{OVERVIEW} .reassign-ov-scroll")
    after = first.bounding_box()
    assert abs(after["x"] - before["x"]) < 1, (before, after)
    cell = page.locator(f"{OVERVIEW} tbody tr[data-feature] td.reassign-v").first
    assert cell.bounding_box()["x"] < before["x"] + before["width"], "the cells scroll under the sticky column"
    # the ready column is off to the right: the sticky column says "Not ready" itself
    box.evaluate("b => b.scrollTo(0, 0)")
    badge = page.locator(f'{OVERVIEW} tr[data-feature="B3"] .reassign-ov-badge')
    expect(badge).to_have_text("Not ready")
    expect(badge).to_be_visible()
    expect(page.locator(f'{OVERVIEW} tr[data-ready="yes"] .reassign-ov-badge').first).to_be_hidden()


def test_on_a_desktop_the_ready_column_alone_says_it(sites, pages):
    page = pages(sites["material"] + OVERVIEW_URL)
    expect(page.locator(f'{OVERVIEW} tr[data-feature="B3"] .reassign-ov-badge')).to_be_hidden()
    expect(page.locator(f'{OVERVIEW} tr[data-feature="B3"] .reassign-ov-ready')).to_be_visible()


# ------------------------------------------------------------------ content and links


def test_rows_by_area_sorted_by_id_with_verdicts_findings_and_reasons(sites, pages):
    page = pages(sites["material"] + OVERVIEW_URL)
    rs = rows(page)
    assert len(rs) >= 60, len(rs)
    areas = [r["area"] for r in rs]
    assert areas == sorted(areas, key=lambda a: (a == "", a.lower())), "rows are grouped by area"
    for area in set(areas):
        ids = [r["id"] for r in rs if r["area"] == area and r["id"]]
        key = [(re.sub(r"\d+", "", i), int(re.sub(r"\D+", "", i) or 0)) for i in ids]
        assert key == sorted(key), (area, ids)
    ov = page.locator(OVERVIEW)
    assert ov.locator('tr[data-feature="V4"] td[data-verdict="elsewhere"][data-key="how-it-works-diagram"]').count() == 1
    assert ov.locator('tr[data-feature="B3"] td[data-verdict="waived"][data-key="section:open-questions"]').count() == 1
    b3 = ov.locator('tr[data-feature="B3"]')
    expect(b3.locator(".reassign-ov-ready")).to_contain_text("Not ready")
    expect(b3.locator(".reassign-ov-ready")).to_contain_text("1 unmet")
    # every cell has a symbol and an accessible name, never colour alone
    for verdict, symbol in (("met", "✓"), ("unmet", "✗"), ("elsewhere", "↗"), ("waived", "~")):
        cell = ov.locator(f'td[data-verdict="{verdict}"]').first
        assert symbol in cell.inner_text(), verdict
        name = cell.evaluate("td => (td.querySelector('a') || {}).ariaLabel || td.querySelector('.reassign-sr').textContent")
        assert name.endswith(("met", "unmet", "met elsewhere", "waived")) and verdict.replace("elsewhere", "met elsewhere") in name
    # open findings by type: the session's open findings are counted on their features' rows
    assert ov.locator("thead th[data-fcol]").count() >= 1
    assert sum(int(x) for x in ov.locator("tbody td[data-open]").evaluate_all("tds => tds.map(t => t.dataset.open)")) >= 1
    expect(ov.locator(".reassign-ov-legend")).to_contain_text("met elsewhere")


@pytest.mark.parametrize("verdict, key, feature_url, heading", [
    ("unmet", "section:first-principles-review", "features/admin/geo-failure-handling/", "CODE REFERENCES"),
    ("elsewhere", "how-it-works-diagram", "features/visitor/call-reconnection/", "Data Flow"),  # where it now is
    ("waived", "section:open-questions", "features/billing/billing-frequency/", "PARKING LOT"),
    ("unmet", "section:quick-summary", "features/admin/pool-management/", "Pool Management"),  # a stub: its H1
])
def test_cells_link_to_the_gap_on_the_feature_page(sites, pages, verdict, key, feature_url, heading):
    page = pages(sites["material"] + OVERVIEW_URL)
    link = page.locator(f'{OVERVIEW} td[data-verdict="{verdict}"][data-key="{key}"] a[href*="{feature_url}"]')
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    anchor = href.partition("#")[2]
    assert anchor.startswith("reassign-gap-"), href
    link.click()
    expect(page).to_have_url(re.compile(re.escape(feature_url) + "#" + re.escape(anchor) + "$"))
    target = page.locator(f'[id="{anchor}"]')
    expect(target).to_have_count(1)
    after = target.evaluate("a => { let n = a.nextElementSibling; while (n && n.classList.contains('reassign-gap')) n = n.nextElementSibling; return n ? n.tagName + ' ' + n.innerText : ''; }")
    assert re.match(r"H[1-6] ", after) and heading in after, after
    expect(page.locator(f'[id="{anchor}"] ~ h1, [id="{anchor}"] ~ h2').first).to_be_in_viewport()


def test_every_gap_link_lands_on_an_anchor_that_exists(sites, pages):
    page = pages(sites["material"] + OVERVIEW_URL)
    hrefs = page.locator(f"{OVERVIEW} td.reassign-v a").evaluate_all("as => as.map(a => a.href)")
    assert len(hrefs) > 700  # the stubs' 13 gaps each, and the full docs'
    by_page: dict[str, set[str]] = {}
    for h in hrefs:
        url, _, frag = h.partition("#")
        by_page.setdefault(url, set()).add(frag)
    for url, frags in by_page.items():
        page.goto(url)
        missing = [f for f in frags if page.locator(f'[id="{f}"]').count() != 1]
        assert not missing, (url, missing)


# ------------------------------------------------------------------ tooltips, filters, scripts off


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_full_requirement_name_on_hover_and_keyboard_focus(sites, pages, theme):
    page = pages(sites[theme] + OVERVIEW_URL)
    label = page.locator(f'{OVERVIEW} th[data-key="how-it-works-diagram"] .reassign-ov-label')
    tip = page.locator(f'{OVERVIEW} th[data-key="how-it-works-diagram"] .reassign-tip')
    expect(tip).to_be_hidden()
    label.focus()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("a state or flow diagram under HOW IT WORKS")
    assert label.get_attribute("aria-describedby") == tip.get_attribute("id")
    label.blur()
    expect(tip).to_be_hidden()
    page.locator(f'{OVERVIEW} th[data-key="section:quick-summary"]').hover()
    expect(page.locator(f'{OVERVIEW} th[data-key="section:quick-summary"] .reassign-tip')).to_be_visible()
    # reached with the Tab key, like any control
    page.locator(f"{OVERVIEW} .reassign-ov-scroll").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('reassign-ov-label')")


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_filters_by_area_and_not_ready_offline(sites, pages, theme):
    page = pages(sites[theme] + OVERVIEW_URL)
    ov = page.locator(OVERVIEW)
    all_rows = rows(page)
    tools = ov.locator(".reassign-ov-tools")
    expect(tools).to_be_visible()
    ov.locator('select[data-reassign-filter="area"]').select_option("billing")
    shown = rows(page, visible_only=True)
    assert shown and {r["area"] for r in shown} == {"billing"}
    assert len(shown) == sum(1 for r in all_rows if r["area"] == "billing")
    expect(tools.locator(".reassign-ov-shown")).to_have_text(f"Showing {len(shown)} of {len(all_rows)} features")
    expect(ov.locator('tbody[data-area="platform"]')).to_be_hidden()
    # the totals follow the filter
    keys = ov.locator("thead th[data-key]").evaluate_all("ths => ths.map(t => t.dataset.key)")
    totals = [int(x) for x in ov.locator("tfoot td.reassign-ov-total").all_inner_texts()[: len(keys)]]
    assert totals == [sum(k in r["unmet"] for r in shown) for k in keys]
    ov.locator('select[data-reassign-filter="area"]').select_option("*")
    ov.locator('input[data-reassign-filter="not-ready"]').check()
    shown = rows(page, visible_only=True)
    assert shown and all(r["ready"] == "no" for r in shown)
    assert len(shown) == sum(1 for r in all_rows if r["ready"] == "no") < len(all_rows)
    ov.locator('input[data-reassign-filter="not-ready"]').uncheck()
    assert len(rows(page, visible_only=True)) == len(all_rows)


def test_with_scripts_off_the_map_shows_everything(sites, pages):
    page = pages(sites["material"] + OVERVIEW_URL, js=False)
    ov = page.locator(OVERVIEW)
    expect(ov.locator(".reassign-ov-tools")).to_be_hidden()
    assert len(rows(page, visible_only=True)) == len(rows(page)) >= 60
    expect(ov.locator(".reassign-ov-legend")).to_be_visible()


# ------------------------------------------------------------------ contrast


CONTRASTED = ", ".join(f"{OVERVIEW} {s}" for s in (
    "td.reassign-v > a", "td.reassign-v > span[aria-hidden]", ".reassign-ov-legend .reassign-v:not(.reassign-v-none)",
    ".reassign-ov-ready strong", ".reassign-ov-ready span", "tfoot .reassign-ov-most", ".reassign-ov-sev-critical",
    ".reassign-ov-label", ".reassign-ov-feat a", ".reassign-ov-title", ".reassign-tip", ".reassign-ov-badge",
))


@pytest.mark.parametrize("theme", list(THEMES))
def test_verdict_colours_meet_wcag_aa(sites, pages, theme):
    page = pages(sites[theme] + OVERVIEW_URL)
    if theme == "slate":
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    if theme == "mkdocs-dark":
        assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark"
    found = page.evaluate(CONTRAST_JS, CONTRASTED)
    kinds = {f["what"] for f in found}
    for verdict in ("met", "unmet", "elsewhere", "waived"):
        assert any(f"reassign-v-{verdict}" in k for k in kinds), (verdict, sorted(kinds))
    low = sorted({(f["what"], f["text"], round(f["ratio"], 2)) for f in found if f["ratio"] < 4.5})
    assert not low, low
