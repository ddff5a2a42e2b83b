"""The matcher's cost on a big contract: 5,000 alternatives (100 concepts of 50) over 300 docs.

    python benchmarks/big_contract.py

Matching must stay near-linear in docs x contract size: each alternative looks up the units holding its
rarest word in the doc's index instead of scanning the doc (issue target: under 5 s on this machine).
Timed here, never in the unit tests.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mkdocs_reassign.text.concepts import Concept, DocIndex  # noqa: E402


def main() -> int:
    para = ("The agent disconnects and the visitor is handed to another rep after a grace period of thirty seconds. "
            "If nobody is around the widget hides. The WebRTC peer connection is closed and released. ")
    docs = []
    for d in range(300):
        lines = [f"# Doc {d}", ""] + [f"Line {i} {para} token{d}x{i}" for i in range(40)]
        docs.append(DocIndex.from_lines(lines, [1] * len(lines)))
    # 100 concepts x 50 alternatives, as a contract's synonyms are: mostly phrases and groups of words a
    # given doc lacks, one in eight a proximity group of words every unit holds that never come close
    # (the worst case: every unit is a candidate); half the concepts match nothing at all (each doc
    # pays for all their alternatives and for quoting the closest passage)
    alts = []
    for k in range(5000):
        if k % 8 == 0:
            alts.append({"all": [[f"word{k}", "visitor"], ["rep", f"other{k}"]], "within": 2})
        elif k % 2:
            alts.append(f"synonym{k} phrase")
        else:
            alts.append({"all": [[f"word{k}", f"alt{k} form"], ["connection", "closed"]], "within": 3})
    concepts = []
    for k in range(100):
        chunk = alts[k * 50:(k + 1) * 50]
        if k % 2:  # met by its 26th alternative
            chunk[25] = {"all": [["grace period", f"hold{k}"], ["second", f"sec{k}"]], "within": 3}
        concepts.append(Concept.parse(f"c{k}", chunk))
    assert not docs[0].match(concepts[0]).met and docs[0].match(concepts[1]).met
    assert docs[0].match(Concept.parse("x", [{"all": ["visitor", "rep"], "within": 5}])).met
    t0 = time.perf_counter()
    for doc in docs:
        for c in concepts:
            doc.match(c)
    took = time.perf_counter() - t0
    print(f"5,000 alternatives x 300 docs: {took:.2f} s")
    return 0




if __name__ == "__main__":
    raise SystemExit(main())
