"""Score the checker's coverage verdicts against a labelled set.

Runs the real CLI (``python -m mkdocs_reassign.cli check -f <site>/mkdocs.yml --format json``; exit 1
is normal), maps every diagnostic to key items through ``benchmarks/coverage_items.yaml`` and prints
the confusion counts (true gap, false alarm, miss, true pass) and every wrong verdict.

    python benchmarks/coverage_eval.py [--site DIR] [--key FILE] [--items FILE] [--json]

Key format: ``{"docs": {"<path from site root>": {"<item>": {"covered": bool, "line", "quote" | "why"}}}}``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SITE = ROOT.parent / "shared" / "paraphrase" / "site"
DEFAULT_KEY = ROOT.parent / "shared" / "paraphrase" / "key.json"
_QUOTED = re.compile(r'"([^"]+)"')
_ID = re.compile(r"\b([A-Z]{1,3}\d{1,4})\b")


def run_cli(site: Path) -> list[dict]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run([sys.executable, "-m", "mkdocs_reassign.cli", "check", "-f", str(site / "mkdocs.yml"),
                           "--format", "json"], capture_output=True, text=True, env=env, cwd=str(ROOT))
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check exited {proc.returncode}:\n{proc.stderr}")
    return json.loads(proc.stdout)["diagnostics"]


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def items_for(diag: dict, items: dict[str, dict], doc_items: list[str]) -> list[str]:
    """Key items a diagnostic says are not covered."""
    req = diag.get("requirement") or ""
    rule = diag.get("rule", "")
    msg = diag.get("message", "")
    if rule == "template":
        return [i for i in doc_items if i.startswith("sec.")]
    if req.startswith("section:"):
        name = "sec." + req.split(":", 1)[1]
        return [name] if name in doc_items else []
    mine = {k: v for k, v in items.items() if req in (v["requirement"] if isinstance(v["requirement"], list)
                                                        else [v["requirement"]])}
    if not mine:
        return []
    named = diag.get("term") or diag.get("concept")
    if rule == "related-feature":
        ids = set(_ID.findall(msg)) | ({diag["feature"]} if diag.get("feature") else set())
        return [k for k, v in mine.items() if v.get("id") in ids]
    if rule == "required-topic" or named:
        names = {_norm(named)} if named else {_norm(q) for q in _QUOTED.findall(msg)}
        hit = [k for k, v in mine.items() if v.get("term") and _norm(v["term"]) in names]
        if hit:
            return hit
        if rule == "required-topic" and not any(v.get("term") for v in mine.values()):
            return list(mine)  # a requirement judged as one item (visitor-ux, no-agents, ...)
        return hit
    return list(mine)  # required-section / diagram / anything else of the requirement: all its items


def score(diags: list[dict], key: dict, items: dict) -> dict:
    flagged: dict[tuple[str, str], list[dict]] = {}
    for d in diags:
        if d.get("severity") == "info":
            continue  # a note (covered elsewhere than the contract prefers), not a gap
        path = d.get("path", "")
        doc = next((k for k in key["docs"] if path.endswith(k) or k.endswith(path)), None)
        if doc is None:
            continue
        for item in items_for(d, items, list(key["docs"][doc])):
            flagged.setdefault((doc, item), []).append(d)
    counts = {"true_gap": 0, "false_alarm": 0, "miss": 0, "true_pass": 0}
    wrong = []
    for doc, labels in key["docs"].items():
        for item, lab in labels.items():
            ds = flagged.get((doc, item), [])
            if lab["covered"] and ds:
                counts["false_alarm"] += 1
                wrong.append({"kind": "false alarm", "doc": doc, "item": item, "line": ds[0].get("line"),
                              "detail": ds[0].get("message", ""), "expected": f'line {lab.get("line")}: {lab.get("quote", "")}'})
            elif lab["covered"]:
                counts["true_pass"] += 1
            elif ds:
                counts["true_gap"] += 1
            else:
                counts["miss"] += 1
                wrong.append({"kind": "miss", "doc": doc, "item": item, "line": None, "detail": lab.get("why", ""),
                              "expected": "not covered"})
    return {"counts": counts, "total": sum(counts.values()), "wrong": wrong}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=DEFAULT_SITE)
    ap.add_argument("--key", type=Path, default=DEFAULT_KEY)
    ap.add_argument("--items", type=Path, default=HERE / "coverage_items.yaml")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    a = ap.parse_args(argv)
    key = json.loads(a.key.read_text(encoding="utf-8"))
    items = yaml.safe_load(a.items.read_text(encoding="utf-8"))["items"]
    res = score(run_cli(a.site), key, items)
    if a.json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0
    c = res["counts"]
    print(f"{res['total']} verdicts: true gap {c['true_gap']}, false alarm {c['false_alarm']}, "
          f"miss {c['miss']}, true pass {c['true_pass']}")
    for w in res["wrong"]:
        short = w["doc"].rsplit("/", 2)[-2] if "/" in w["doc"] else w["doc"]
        print(f"  {w['kind']:11} {short}:{w['item']}: {w['detail'][:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
