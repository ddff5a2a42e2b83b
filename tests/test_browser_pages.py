"""What a reader sees in the built site, checked in headless Chromium.

Every site is built with ``python -m mkdocs build -d <tmp>`` (never into the
repository) and served by StaticServer.  Checks are about visible things:
``is_visible()``, bounding boxes, anchors that resolve and scroll, and text
that shows up as text (never as markup).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser_support import StaticServer
from project_copy import (
    OVERVIEW_URL,
    P4_SRC,
    P2_SRC,
    P4_URL,
    REPO,
    SESSION_SRC,
    SESSION_URL,
    V8_URL,
    block_external,
    build_site,
    copy_project,
    remove_logout_row,
    set_plugin_options,
    set_theme,
)

pytestmark = pytest.mark.browser

ATTENTION = 'table[data-reassign="attention"]'
COMPLETION = 'details[data-reassign="completion"]'
FINDINGS = 'details[data-reassign="findings"]'
OVERVIEW = 'div[data-reassign="overview"]'
BANNER = 'div[data-reassign="banner"]'


@pytest.fixture(autouse=True)
def _offline(page):
    block_external(page)


# ------------------------------------------------------------------ helpers


def attention_rows(page: Page) -> dict[str, tuple[int, list[str], list[str]]]:
    """{label: (count, [IDs], [hrefs])} read from the rendered attention table."""
    table = page.locator(ATTENTION)
    expect(table).to_have_count(1)
    expect(table).to_be_visible()
    rows = table.evaluate(
        """t => [...t.tBodies[0].rows].map(r => ({
            label: r.cells[0].innerText,
            count: r.cells[1].innerText,
            ids: r.cells[2].innerText,
            hrefs: [...r.cells[2].querySelectorAll('a')].map(a => a.getAttribute('href')),
        }))"""
    )
    out = {}
    for r in rows:
        label = re.sub(r"^\W+", "", r["label"]).strip()
        ids = [] if r["ids"].strip() in ("-", "") else [x.strip() for x in r["ids"].split(",")]
        out[label] = (int(r["count"]), ids, r["hrefs"])
    return out


def assert_anchor_resolves(page: Page, fid: str) -> None:
    """The finding's anchor exists once, and the element right after it is its heading or row."""
    anchor_id = "finding-" + fid.lower()
    anchor = page.locator(f'[id="{anchor_id}"]')
    expect(anchor).to_have_count(1)
    # The anchor sits just before the finding's H3, or inside its table row.
    owner_text = anchor.evaluate(
        """a => {
            let n = a.nextElementSibling;
            if (n && /^H[1-6]$/.test(n.tagName)) return n.innerText;
            const row = a.closest('tr');
            return row ? row.innerText : (n ? n.innerText : '');
        }"""
    )
    assert owner_text.strip().startswith(fid), f"anchor #{anchor_id} is not attached to {fid}: {owner_text[:80]!r}"


def finding_target(page: Page, fid: str):
    """The visible element a reader lands on for a finding: its heading, else its table row."""
    heading = page.locator("h3", has_text=re.compile(rf"^{re.escape(fid)}\b"))
    if heading.count():
        return heading.first
    return page.locator("tr", has=page.locator(f'[id="finding-{fid.lower()}"]'))


def box_rows(page: Page) -> list[dict]:
    """The findings box's items (read from the DOM, folded or not)."""
    return page.locator(f"{FINDINGS} li[data-finding]").evaluate_all(
        """items => items.map(li => ({
            severity: li.querySelector('.reassign-badge').textContent.trim(),
            id: li.querySelector('a').textContent.trim(),
            href: li.querySelector('a').getAttribute('href'),
            title: li.querySelector('.reassign-finding-title').textContent.trim(),
            status: li.dataset.status,
            decided: li.dataset.status === 'decided',
        }))"""
    )


def open_box(page: Page, selector: str) -> None:
    """Unfold a box (a <details>) the way a reader does: a click on its one-line summary."""
    box = page.locator(selector)
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    expect(box).to_have_attribute("open", "")


def met_counts(page: Page) -> tuple[int, int, str]:
    summary = page.locator(f'{COMPLETION} summary [data-reassign="met"]').inner_text()
    m = re.fullmatch(r"(\d+)/(\d+)", summary.strip())
    assert m, summary
    detail = page.locator(f"{COMPLETION} dd").first.text_content()
    c = re.fullmatch(r"(\d+) of (\d+) \(contract ([\w-]+)\)", detail.strip())
    assert c and c.group(1, 2) == m.group(1, 2), (summary, detail)
    return int(m.group(1)), int(m.group(2)), c.group(3)


def goto(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url


# ------------------------------------------------------------------ 1. the project's own site


@pytest.fixture(scope="module")
def own_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("own-site") / "site"
    build_site(REPO, site)
    with StaticServer(site) as srv:
        yield srv


def test_session_page_attention_table_and_anchors(own_site, page):
    goto(page, own_site.url + SESSION_URL)
    rows = attention_rows(page)
    assert list(rows) == ["CRITICAL", "Questions", "UI Review", "Credentials Needed", "UX Recommendations"]
    assert rows["CRITICAL"][:2] == (0, [])
    assert rows["Questions"][:2] == (1, ["Q-1124-001"])
    assert rows["UI Review"][:2] == (0, [])
    assert rows["Credentials Needed"][:2] == (0, [])
    assert rows["UX Recommendations"][:2] == (1, ["UX-1124-001"])

    # Exactly one attention table under the heading: the hand-kept one is gone.
    section = page.locator("h2", has_text="NEEDS YOUR ATTENTION")
    expect(section).to_be_visible()
    after_heading = section.evaluate("h => h.nextElementSibling && h.nextElementSibling.outerHTML.slice(0, 80)")
    assert after_heading.startswith('<div class="reassign-attention">'), after_heading
    # the table itself has no class: the theme styles it as its own tables (Material wraps it for scrolling)
    assert section.evaluate("h => h.nextElementSibling.querySelector('table').className") == ""
    expect(page.locator(f".reassign-attention .md-typeset__table {ATTENTION}")).to_have_count(1)
    assert page.locator("table", has_text=re.compile(r"Credentials Needed")).count() == 1

    for fid in ("Q-1124-001", "UX-1124-001"):
        hrefs = next(r[2] for r in rows.values() if fid in r[1])
        assert hrefs and hrefs[0].endswith("#finding-" + fid.lower()), hrefs
        assert_anchor_resolves(page, fid)
    # Anchors exist for every finding on the page, decided ones and table rows included.
    for fid in ("CRIT-1124-001", "Q-1124-002", "M-1124-001", "M-1124-002"):
        assert_anchor_resolves(page, fid)

    # Clicking an ID in the table jumps to the finding.
    link = page.locator(ATTENTION).get_by_role("link", name="UX-1124-001")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"#finding-ux-1124-001$"))
    expect(finding_target(page, "UX-1124-001")).to_be_in_viewport()


def test_p4_completion_and_findings_boxes(own_site, page):
    goto(page, own_site.url + P4_URL)
    completion = page.locator(COMPLETION)
    expect(completion).to_be_visible()
    met, total, contract = met_counts(page)
    assert total > 0 and met == total, (met, total)
    assert contract == "visitor-reassignment"
    # All is well: one line, folded, that says so; a click unfolds the details.
    expect(completion.locator("summary")).to_have_text(re.compile(r"P4 · 21/21 · 0 open critical · ready$"))
    expect(completion.locator('dd[data-reassign="ready"]')).to_be_hidden()
    open_box(page, COMPLETION)
    expect(completion.locator('dd[data-reassign="ready"]')).to_have_text("Yes")
    expect(completion.locator('dd[data-reassign="ready"]')).to_be_visible()
    open_text = completion.locator('dd[data-reassign="open"]').inner_text()
    assert "Questions: 1" in open_text and "CRITICAL" not in open_text, open_text
    # Related features are links that work.
    for rid in ("P2", "A3", "V8"):
        expect(completion.get_by_role("link", name=re.compile(rf"^{rid}:"))).to_be_visible()

    findings = page.locator(FINDINGS)
    expect(findings).to_be_visible()
    rows = {r["id"]: r for r in box_rows(page)}
    assert set(rows) == {"CRIT-1124-001", "Q-1124-001", "M-1124-001"}, rows
    assert rows["CRIT-1124-001"]["status"] == "decided" and rows["Q-1124-001"]["status"] == "open"
    expect(findings.locator('li[data-finding="CRIT-1124-001"]')).to_contain_text("decided")
    expect(findings).to_have_attribute("open", "")  # open items: unfolded
    assert rows["Q-1124-001"]["title"] == "Should a visitor waiting for a replacement agent ever time out?"
    # Ordered by severity: critical first, minor last.
    assert [r["id"] for r in box_rows(page)] == ["CRIT-1124-001", "Q-1124-001", "M-1124-001"]
    for fid, row in rows.items():
        assert row["href"].endswith(f"findings/session-2026-11-24/#finding-{fid.lower()}"), row

    # Every link lands on an anchor that exists, next to its finding.
    for fid in rows:
        goto(page, own_site.url + P4_URL)
        link = page.locator(FINDINGS).get_by_role("link", name=fid, exact=True)
        expect(link).to_be_visible()
        link.click()
        expect(page).to_have_url(re.compile(rf"/{re.escape(SESSION_URL)}#finding-{fid.lower()}$"))
        assert_anchor_resolves(page, fid)
        expect(finding_target(page, fid)).to_be_in_viewport()


def test_overview_page_lists_every_feature(own_site, page):
    goto(page, own_site.url + OVERVIEW_URL)
    overview = page.locator(OVERVIEW)
    expect(overview).to_be_visible()
    for fid in ("P2", "P4", "A3", "V8"):
        row = overview.locator(f'tr[data-feature="{fid}"]')
        expect(row).to_have_count(1)
        expect(row).to_be_visible()
        expect(row.get_by_role("link", name=fid, exact=True)).to_be_visible()
    p4 = overview.locator('tr[data-feature="P4"]')
    expect(p4).to_contain_text("Visitor Reassignment")
    p4.get_by_role("link", name="P4", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(P4_URL) + "$"))
    expect(page.locator(COMPLETION)).to_be_visible()


# ------------------------------------------------------------------ 2. a stale hand-kept table

STALE_TABLE = """\
| Type | Count | IDs |
|------|-------|-----|
| 🔴 **CRITICAL** | 0 | - |
| 🟡 **Questions** | 3 | Q-1124-001, Q-1124-002, Q-1124-099 |
| 🎨 **UI Review** | 0 | - |
| 🔑 **Credentials Needed** | 0 | - |
| 💡 **UX Recommendations** | 1 | UX-1124-001 |
"""


def test_stale_attention_table_is_replaced_and_open_critical_blocks_ready(tmp_path, page):
    project = copy_project(tmp_path / "project")
    session = project / SESSION_SRC
    text = session.read_text(encoding="utf-8")
    # Replace the hand-kept table with a stale one: a phantom ID, a decided question, wrong counts.
    text = re.sub(r"\| Type \| Count \| IDs \|\n(?:\|.*\|\n)+", STALE_TABLE, text, count=1)
    # Re-open the critical: untick its decision and drop it from the decisions log.
    text = text.replace("- [x] Confirmed as bug - create fix ticket", "- [ ] Confirmed as bug - create fix ticket")
    text = "\n".join(ln for ln in text.split("\n") if not ln.startswith("| 11:05 | CRIT-1124-001 |"))
    assert "Q-1124-099" in text and "[x] Confirmed as bug" not in text
    session.write_text(text, encoding="utf-8")

    out = build_site(project, tmp_path / "site")
    assert "attention-drift" in out, out
    assert "open-critical" in out, out
    assert session.read_text(encoding="utf-8") == text, "the build must not touch sources"

    with StaticServer(tmp_path / "site") as srv:
        goto(page, srv.url + SESSION_URL)
        rows = attention_rows(page)
        assert rows["CRITICAL"][:2] == (1, ["CRIT-1124-001"])
        assert rows["Questions"][:2] == (1, ["Q-1124-001"])  # not the stale 3 / phantom / decided
        assert rows["UX Recommendations"][:2] == (1, ["UX-1124-001"])
        table_text = page.locator(ATTENTION).inner_text()
        assert "Q-1124-099" not in table_text and "Q-1124-002" not in table_text
        expect(page.get_by_text("Q-1124-099")).to_have_count(0)  # the stale table is not shown at all
        assert_anchor_resolves(page, "CRIT-1124-001")
        page.locator(ATTENTION).get_by_role("link", name="CRIT-1124-001").click()
        expect(page).to_have_url(re.compile(r"#finding-crit-1124-001$"))
        expect(finding_target(page, "CRIT-1124-001")).to_be_in_viewport()

        goto(page, srv.url + P4_URL)
        completion = page.locator(COMPLETION)
        expect(completion).to_be_visible()
        met, total, _ = met_counts(page)
        assert met == total  # the doc is complete; only the open critical blocks review
        ready = completion.locator('dd[data-reassign="ready"]')
        expect(ready).to_have_text("No: 1 open critical finding")  # not ready, and why
        expect(ready).to_be_visible()  # not ready: unfolded
        expect(completion.locator("summary")).to_contain_text("1 open critical · not ready: 1 open critical finding")
        expect(completion.locator('dd[data-reassign="open"]')).to_contain_text("CRITICAL: 1")
        crit = next(r for r in box_rows(page) if r["id"] == "CRIT-1124-001")
        assert crit["status"] == "open", crit

        goto(page, srv.url + OVERVIEW_URL)
        p4 = page.locator(f'{OVERVIEW} tr[data-feature="P4"]')
        expect(p4).to_be_visible()
        fcols = page.locator(f"{OVERVIEW} thead th[data-fcol]").all_inner_texts()
        crit = p4.locator("td[data-open]").nth(fcols.index("CRITICAL"))
        expect(crit).to_have_text("1")  # open critical
        expect(p4.locator(".reassign-ov-ready")).to_have_text("Not ready: 1 open critical")


# ------------------------------------------------------------------ 3. escaping


EVIL_FEATURE_TITLE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> a|b *c* `d`'
EVIL_FINDING_HEADING = (
    "### Q-1124-003: `<script>window.__pwned=3</script>` and "
    '`<img src=x onerror="window.__pwned=4">` pipe a|b star *s* tick `t`'
)
EVIL_MINOR_ROW = (
    '| M-1124-003 | P4 | `<img src=x onerror="window.__pwned=5">` a \\| b *c* | 🟢 Low | - |'
)


def _write_evil_project(project: Path) -> None:
    # The evil feature title goes on P2: a theme prints a page's own front-matter
    # title unescaped in its header (Material does), which is not the plugin's
    # doing; the plugin shows P2's title on other pages (P4, V8, overview).
    p2 = project / P2_SRC
    text = p2.read_text(encoding="utf-8")
    yaml_title = EVIL_FEATURE_TITLE.replace("\\", "\\\\").replace('"', '\\"')
    text, n = re.subn(r"^title: .*$", f'title: "{yaml_title}"', text, count=1, flags=re.M)
    assert n == 1
    p2.write_text(text, encoding="utf-8")

    session = project / SESSION_SRC
    text = session.read_text(encoding="utf-8")
    question = (
        f"{EVIL_FINDING_HEADING}\n**Asked by:** Doc Agent 9\n**Feature:** P4\n"
        "**File:** `apps/server/src/x.ts:1`\n\n**Current Behavior:**\nSomething.\n\n"
        "**Why I'm Asking:**\nEscaping.\n\n**YOUR ANSWER:**\n- [ ] Option A\n\n---\n\n"
    )
    text = text.replace("## 🎨 AWAITING YOUR REVIEW", question + "## 🎨 AWAITING YOUR REVIEW", 1)
    text = text.replace("| M-1124-002 |", EVIL_MINOR_ROW + "\n| M-1124-002 |", 1)
    session.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil")
    project = copy_project(root / "project")
    _write_evil_project(project)
    build_site(project, root / "site")
    with StaticServer(root / "site") as srv:
        yield srv


def _assert_not_pwned(page: Page) -> None:
    # Titles lose '_' in the finding parser, so the payload may say window.pwned instead.
    assert page.evaluate("() => [typeof window.__pwned, typeof window.pwned]") == ["undefined", "undefined"]
    for box in (ATTENTION, COMPLETION, FINDINGS, OVERVIEW, BANNER):
        assert page.locator(f"{box} img").count() == 0, f"an <img> got into {box}"
        assert page.locator(f"{box} script").count() == 0, f"a <script> got into {box}"
    assert page.locator('img[src="x"]').count() == 0


@pytest.mark.parametrize("url", [SESSION_URL, P4_URL, OVERVIEW_URL, V8_URL])
def test_titles_are_escaped(evil_site, page, url):
    goto(page, evil_site.url + url)
    page.wait_for_load_state("load")
    _assert_not_pwned(page)
    if url == SESSION_URL:
        rows = attention_rows(page)
        assert rows["Questions"][:2] == (2, ["Q-1124-001", "Q-1124-003"])
        assert_anchor_resolves(page, "Q-1124-003")
        assert_anchor_resolves(page, "M-1124-003")
        return
    if url == OVERVIEW_URL:
        cell = page.locator(f'{OVERVIEW} tr[data-feature="P2"] .reassign-ov-title')
        expect(cell).to_be_visible()
        expect(cell).to_have_text(EVIL_FEATURE_TITLE)  # literally, as text
        return
    # Feature pages: P2's title in the completion box's related features, literally.
    open_box(page, COMPLETION)
    link = page.locator(COMPLETION).get_by_role("link", name=re.compile(r"^P2:"))
    expect(link).to_be_visible()
    expect(link).to_have_text("P2: " + EVIL_FEATURE_TITLE)
    if url == P4_URL:
        rows = {r["id"]: r for r in box_rows(page)}
        assert {"Q-1124-003", "M-1124-003"} <= set(rows), rows
        q = rows["Q-1124-003"]["title"]
        assert "<script>window." in q and "</script>" in q and '<img src=x onerror="window.' in q, q
        assert "pipe a|b" in q, q
        m = rows["M-1124-003"]["title"]
        assert '<img src=x onerror="window.' in m and "a | b" in m, m
        expect(page.locator(FINDINGS).get_by_role("link", name="Q-1124-003", exact=True)).to_be_visible()


def test_finding_titles_read_as_in_the_session(evil_site, page):
    """A finding's title in the findings box reads exactly as its heading / row does on the session page."""
    goto(page, evil_site.url + SESSION_URL)
    heading = page.locator("h3", has_text="Q-1124-003").inner_text()
    expected_q = heading.split(":", 1)[1].strip().rstrip("¶").strip()
    goto(page, evil_site.url + P4_URL)
    rows = {r["id"]: r for r in box_rows(page)}
    assert rows["Q-1124-003"]["title"] == expected_q
    assert "call_logs" in rows["M-1124-001"]["title"]


# ------------------------------------------------------------------ 4. themes


def _contrast(page: Page, selector: str) -> float:
    """WCAG contrast ratio of the element's text against the first opaque background behind it."""
    return page.locator(selector).first.evaluate(
        """el => {
            const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
            const lum = ([r, g, b]) => {
                const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            const fg = rgb(getComputedStyle(el).color);
            let n = el, bg = [255, 255, 255];
            while (n && n.nodeType === 1) {
                const c = rgb(getComputedStyle(n).backgroundColor);
                if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c.slice(0, 3); break; }
                n = n.parentElement;
            }
            const [a, b] = [lum(fg.slice(0, 3)), lum(bg)].sort((x, y) => y - x);
            return (a + 0.05) / (b + 0.05);
        }"""
    )


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_boxes_and_banner_readable_in_theme(tmp_path, page, theme):
    project = copy_project(tmp_path / "project")
    set_theme(project, theme)
    set_plugin_options(project, banner="always")
    p4 = project / P4_SRC
    p4.write_text(remove_logout_row(p4.read_text(encoding="utf-8")), encoding="utf-8")
    build_site(project, tmp_path / "site")

    page.set_viewport_size({"width": 1280, "height": 900})
    with StaticServer(tmp_path / "site") as srv:
        goto(page, srv.url + P4_URL)
        shot = tmp_path / f"p4-{theme}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000

        banner = page.locator(BANNER)
        expect(banner).to_have_count(1)
        for sel in (BANNER, COMPLETION, FINDINGS):
            loc = page.locator(sel)
            expect(loc).to_be_visible()
            box = loc.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 20, (sel, box)
        item = banner.locator('li[data-rule="required-topic"]')
        expect(item).to_have_count(1)
        expect(item).to_be_visible()
        expect(item).to_contain_text('"logout" is not covered in the doc')
        expect(item).to_contain_text("required-topic")
        # The item links to the heading nearest to its line, which exists on the page.
        link = item.locator("a")
        href = link.get_attribute("href")
        assert href == "#feature-p4-visitor-reassignment", href  # a whole-doc gap: the H1
        expect(page.locator(f'[id="{href[1:]}"]')).to_be_visible()
        link.click()
        expect(page.locator("#feature-p4-visitor-reassignment")).to_be_in_viewport()
        page.evaluate("window.scrollTo(0, 0)")

        # Banner first, above the H1; boxes right below the H1.
        h1 = page.locator("h1").filter(has_text="Visitor Reassignment").first
        assert banner.bounding_box()["y"] < h1.bounding_box()["y"] < page.locator(COMPLETION).bounding_box()["y"]
        # The boxes fit the content column.
        content_width = page.evaluate("() => document.documentElement.clientWidth")
        for sel in (BANNER, COMPLETION, FINDINGS):
            b = page.locator(sel).bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= content_width, (sel, b)
        # Readable: text contrast at least WCAG AA.
        for sel in (f"{BANNER} li", f"{COMPLETION} dd", f"{FINDINGS} li", f"{COMPLETION} summary .reassign-ready-no"):
            ratio = _contrast(page, sel)
            assert ratio >= 4.5, (theme, sel, ratio)
        # Font size not shrunk to unreadable.
        size = page.locator(f"{BANNER} li").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 11, size
