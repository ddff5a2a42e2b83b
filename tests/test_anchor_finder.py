"""The banner's anchor lookup (output.pages.anchor_finder): same pairing as the plain document-order
search it replaced, attr_list's "{#id}" left out of the text compared, linear in the headings."""

from __future__ import annotations

import random
import re

from mkdocs_reassign.markdown.doc import Heading
from mkdocs_reassign.output.pages import _attr_list_free, anchor_finder


def _plain(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", re.sub(r"<[^<>]+>", "", text).lower())


def reference(headings, toc):
    """The search per heading over the rest of the toc, and per line over all headings (quadratic)."""
    pairs = {}
    j = 0
    for h in headings:
        for k in range(j, len(toc)):
            if _plain(toc[k][0]) == _plain(_attr_list_free(h.text)):
                pairs[h.line] = (toc[k][1], _attr_list_free(h.text))
                j = k + 1
                break

    def find(line):
        best = None
        for h in headings:
            if h.line <= line and h.line in pairs:
                best = pairs[h.line]
            elif h.line > line:
                break
        return best

    return find


def test_same_answers_as_the_search_it_replaced():
    rng = random.Random(7)
    words = ["Setup", "Edge cases", "Edge  Cases", "Notes", "<b>Notes</b>", "Step 1", "Step 2"]
    for _ in range(300):
        headings, line = [], 1
        for _ in range(rng.randint(0, 12)):
            line += rng.randint(1, 4)
            text = rng.choice(words) + rng.choice(["", "", " {#x}", " { .c }", " {}"])
            headings.append(Heading(2, text, line, text.lower()))
        toc = [(rng.choice(words), f"a{k}") for k in range(rng.randint(0, 12))]
        got, want = anchor_finder(headings, toc), reference(headings, toc)
        for probe in range(0, line + 3):
            assert got(probe) == want(probe), (headings, toc, probe)


def test_attr_list_headings_point_at_their_own_anchor():
    headings = [Heading(3, f"Step {i} {{#step-{i}}}", 10 + 4 * i, f"step {i}") for i in range(5)]
    toc = [(f"Step {i}", f"step-{i}") for i in range(5)]
    find = anchor_finder(headings, toc)
    assert find(9) is None
    assert find(10) == ("step-0", "Step 0")
    assert find(13) == ("step-0", "Step 0")
    assert find(27) == ("step-4", "Step 4")


def test_attr_list_suffix_as_python_markdown_strips_it():
    assert _attr_list_free("Step 1 {#step-1}") == "Step 1"
    assert _attr_list_free("Step 1 {: .cls #id }  ") == "Step 1"
    assert _attr_list_free("a {b} c {#d}") == "a"  # the first " {" that opens one: [^\n]* runs to the last "}"
    assert _attr_list_free("Step {}") == "Step {}"  # nothing inside: not an attr list
    assert _attr_list_free("Step{#x}") == "Step{#x}"  # no blank before "{"
    assert _attr_list_free("Set {x} here") == "Set {x} here"  # not at the end
