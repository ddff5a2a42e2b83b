"""Evaluate draft concepts straight on a labelled set, without the CLI.

Applies mkdocs_reassign.text (units + concepts) to every doc of the key, whole-doc scope, and
scores the concept verdicts against the key's labels for the items that
``benchmarks/coverage_items.yaml`` maps to the draft's requirements.

    python benchmarks/draft_concepts_eval.py [--draft FILE] [--site DIR] [--key FILE] [--json] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mkdocs_reassign.markdown import scan  # noqa: E402
from mkdocs_reassign.text.concepts import Concept, DocIndex  # noqa: E402

DEFAULT_SITE = Path("/work/shared/paraphrase/site")
DEFAULT_KEY = Path("/work/shared/paraphrase/key.json")


def load_draft(path: Path) -> dict[str, list[Concept]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {r["id"]: [Concept.parse(c["name"], c["any"], c.get("unless", ())) for c in r["concepts"]]
            for r in data["requirements"]}


def evaluate(draft: dict[str, list[Concept]], site: Path, key: dict, items: dict) -> dict:
    counts = {"true_gap": 0, "false_alarm": 0, "miss": 0, "true_pass": 0}
    wrong, took = [], 0.0
    for doc, labels in key["docs"].items():
        sd = scan((site / doc).read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        idx = DocIndex.from_lines(sd.lines, sd.prose)
        for item, lab in labels.items():
            spec = items.get(item)
            if not spec or spec["requirement"] not in draft:
                continue
            concepts = draft[spec["requirement"]]
            if spec.get("term"):
                concepts = [c for c in concepts if c.name == spec["term"]]
            verdicts = [idx.match(c) for c in concepts]
            met = all(v.met for v in verdicts)
            short = doc.rsplit("/", 2)[-2]
            if lab["covered"] and not met:
                counts["false_alarm"] += 1
                v = next(v for v in verdicts if not v.met)
                wrong.append(("false alarm", short, item, v.explain(), f'key line {lab.get("line")}: {lab.get("quote")}'))
            elif lab["covered"]:
                counts["true_pass"] += 1
            elif met:
                counts["miss"] += 1
                v = verdicts[0]
                wrong.append(("miss", short, item, v.explain(), lab.get("why", "")))
            else:
                counts["true_gap"] += 1
        took += time.perf_counter() - t0
    return {"counts": counts, "total": sum(counts.values()), "wrong": wrong, "seconds": round(took, 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draft", type=Path, default=HERE / "draft-visitor-reassignment-concepts.yaml")
    ap.add_argument("--site", type=Path, default=DEFAULT_SITE)
    ap.add_argument("--key", type=Path, default=DEFAULT_KEY)
    ap.add_argument("--items", type=Path, default=HERE / "coverage_items.yaml")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print the key's quote or reason")
    a = ap.parse_args(argv)
    key = json.loads(a.key.read_text(encoding="utf-8"))
    items = yaml.safe_load(a.items.read_text(encoding="utf-8"))["items"]
    res = evaluate(load_draft(a.draft), a.site, key, items)
    if a.json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0
    c = res["counts"]
    print(f"{res['total']} verdicts: true gap {c['true_gap']}, false alarm {c['false_alarm']}, "
          f"miss {c['miss']}, true pass {c['true_pass']} ({res['seconds']} s)")
    for kind, doc, item, got, expected in res["wrong"]:
        print(f"  {kind:11} {doc}:{item}: {got[:200]}")
        if a.verbose:
            print(f"              key: {expected[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
