"""The overview's coverage map as HTML, from the real engine on copies of this repository's sample docs.

What a browser shows of it (layout, links followed, filters, contrast) is in test_browser_overview.py; this
checks what the map says: verdicts, grouping and order, totals, reasons, and where gap anchors go.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from mkdocs_reassign.engine import Project, validate, walk_docs
from mkdocs_reassign.options import Options
from mkdocs_reassign.output import overview as ov
from project_copy import P4_SRC, copy_project, plant_gaps


class _Cells(HTMLParser):
    """{feature ID: {requirement key: (verdict, href or None)}}, the row order, and the totals row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict] = {}
        self.order: list[tuple[str, str]] = []
        self.totals: dict[str, tuple[str, str]] = {}
        self._row = self._cell = None
        self._foot = False
        self._keys: list[str] = []
        self._i = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "th" and "data-key" in a:
            self._keys.append(a["data-key"])
        elif tag == "tfoot":
            self._foot, self._i = True, 0
        elif tag == "tr" and "data-feature" in a:
            self._row = a["data-feature"]
            self.rows[self._row] = {"ready": a["data-ready"]}
            self.order.append((a["data-area"], self._row))
        elif tag == "td" and self._row and "data-verdict" in a:
            self._cell = a["data-key"]
            self.rows[self._row][self._cell] = (a["data-verdict"], None)
        elif tag == "a" and self._cell:
            self.rows[self._row][self._cell] = (self.rows[self._row][self._cell][0], a["href"])
        elif tag == "td" and self._foot and "reassign-ov-total" in a.get("class", "") and "data-fcol" not in a:
            self._total = (self._keys[self._i], a["class"])
            self._i += 1

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._foot and getattr(self, "_total", None):
            key, cls = self._total
            self.totals[key] = (data, cls)
            self._total = None


def _map(tmp_path: Path, edit=None) -> tuple[_Cells, object]:
    project = copy_project(tmp_path / "project")
    if edit:
        edit(project)
    docs = str(project / "docs")
    rep = validate(walk_docs(docs), Project(str(project), docs, Options(source_root=None)))
    html = ov.overview(rep, lambda rel, frag: rel + ("#" + frag if frag else ""))
    p = _Cells()
    p.feed(html)
    return p, rep


def test_rows_grouped_by_area_and_sorted_by_id_all_met(tmp_path):
    m, _rep = _map(tmp_path)
    assert m.order == [("agent", "A3"), ("platform", "P2"), ("platform", "P4"), ("visitor", "V8")]
    for fid, cells in m.rows.items():
        assert cells.pop("ready") == "yes", fid
        assert {v for v, _h in cells.values()} == {"met"}, (fid, cells)
        assert all(h is None for _v, h in cells.values())  # a met cell is no link
    assert all(n == "0" and "most" not in cls for n, cls in m.totals.values()), m.totals


def test_unmet_cells_link_to_their_gap_and_the_totals_mark_the_most_missed(tmp_path):
    m, rep = _map(tmp_path, plant_gaps)
    p4 = m.rows["P4"]
    assert p4.pop("ready") == "no"
    unmet = {k: h for k, (v, h) in p4.items() if v == "unmet"}
    assert unmet == {"triggers": "features/platform/visitor-reassignment.md#reassign-gap-triggers",
                     "database-logging": "features/platform/visitor-reassignment.md#reassign-gap-database-logging"}
    assert m.totals["triggers"] == ("1", "reassign-ov-total reassign-ov-most")
    assert m.totals["section:quick-summary"][0] == "0"
    # the page gets those anchors, each before the heading its gap is reported under
    fd = rep.features[P4_SRC.removeprefix("docs/")]
    places = dict((a, (t, k)) for a, t, k in ov.gap_places(fd, ov.feature_diags(rep, fd)))
    assert set(places) == {"reassign-gap-triggers", "reassign-gap-database-logging"}
    line = {d.requirement: d.line for d in ov.feature_diags(rep, fd)}
    for key, anchor in (("triggers", "reassign-gap-triggers"), ("database-logging", "reassign-gap-database-logging")):
        heading = max((h for h in fd.doc.headings if h.line <= line[key]), key=lambda h: h.line)
        assert places[anchor][0] == ov.plain(heading.text), (key, heading.text)


def test_waived_and_met_elsewhere(tmp_path):
    def edit(project):
        plant_gaps(project)
        p4 = project / P4_SRC
        text = p4.read_text(encoding="utf-8").replace("related: [P2, A3, V8]\n", 'related: [P2, A3, V8]\nwaive:\n  triggers: "logout is in the P7 doc"\n', 1)
        # the diagrams moved out of their sections, to the end of the doc
        fences = re.findall(r"\n```mermaid\n.*?\n```\n", text, re.S)
        assert fences
        for f in fences:
            text = text.replace(f, "\n", 1)
        p4.write_text(text + "".join(fences), encoding="utf-8")

    m, _rep = _map(tmp_path, edit)
    p4 = m.rows["P4"]
    assert p4["triggers"] == ("waived", "features/platform/visitor-reassignment.md#reassign-gap-triggers")
    assert p4["database-logging"][0] == "unmet"
    assert p4["how-it-works-diagram"] == ("elsewhere", "features/platform/visitor-reassignment.md#reassign-gap-how-it-works-diagram")
    assert m.totals["triggers"][0] == "0"  # waived is not counted as missed


def test_place_gap_anchors_before_the_heading_and_first_when_none():
    page = '<h1 id="p4">P4</h1><p>x</p><h2 id="edge">Edge</h2><h2 id="edge_1">Edge</h2>'
    toc = [("P4", "p4"), ("Edge", "edge"), ("Edge", "edge_1")]
    out = ov.place_gap_anchors(page, [("reassign-gap-a", "edge", 1), ("reassign-gap-b", None, 0),
                                      ("reassign-gap-c", "p4", 0)], toc)
    assert out == ('<span id="reassign-gap-b" class="reassign-anchor reassign-gap"></span>'
                   '<span id="reassign-gap-c" class="reassign-anchor reassign-gap"></span><h1 id="p4">P4</h1><p>x</p>'
                   '<h2 id="edge">Edge</h2><span id="reassign-gap-a" class="reassign-anchor reassign-gap"></span>'
                   '<h2 id="edge_1">Edge</h2>')


def test_short_labels_and_natural_order():
    assert ov._short("First Principles Review") == "First Principles…"
    assert ov._short("Quick Summary") == "Quick Summary"
    assert ov.gap_anchor("section:ui-ux-review") == "reassign-gap-section-ui-ux-review"
    assert sorted(["P10", "P2", "A3", "P1"], key=ov._natural) == ["A3", "P1", "P2", "P10"]


def test_the_map_is_ascii_whatever_the_docs_hold(tmp_path):
    """One emoji in a title would make the whole map (and the page it is copied into) 4 bytes a character:
    everything outside ASCII is a character reference, which a browser shows as the character."""
    import html as html_mod

    def edit(project):
        p4 = project / P4_SRC
        text = p4.read_text(encoding="utf-8")
        assert text.count("title: Visitor Reassignment\n") == 1
        p4.write_text(text.replace("title: Visitor Reassignment\n", "title: Visitor Reassignment 🟢 für Agenten\n"), encoding="utf-8")

    project = copy_project(tmp_path / "project")
    edit(project)
    docs = str(project / "docs")
    rep = validate(walk_docs(docs), Project(str(project), docs, Options(source_root=None)))
    out = ov.overview(rep, lambda rel, frag: rel + ("#" + frag if frag else ""))
    assert out.isascii()
    assert "Visitor Reassignment &#128994; f&#252;r Agenten" in out
    assert "Visitor Reassignment 🟢 für Agenten" in html_mod.unescape(out)
    assert "✓" in html_mod.unescape(out)  # the legend's symbols are references too


def test_a_cell_escapes_its_tip_as_one_string_would():
    """_cell escapes the feature ID once per row and each column's label once: the tip it writes is what
    escaping the whole tip gives (escaping maps each character on its own; the verdicts' words need none)."""
    from html import escape

    from mkdocs_reassign.output import overview as ov

    fid, key, label = "A<1>&\"'", "k&<x>", "Label \"quoted\" & <b>"
    for v, (_symbol, words) in ov.VERDICTS.items():
        assert escape(words, quote=True) == words
        cell = ov._cell(escape(fid, quote=True), key, label, (v, 3), lambda rel, frag: f"{rel}#{frag}", "f.md")
        tip = escape(f"{fid} · {label}: {words}", quote=True)
        assert f'title="{tip}"' in cell and f'data-key="{escape(key, quote=True)}"' in cell
        assert (f'aria-label="{tip}"' in cell) == (v != "met")
