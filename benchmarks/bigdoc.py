"""Size ladders for one huge page: many headings, many attr_list headings with the banner on, big docs.

    python benchmarks/bigdoc.py [--kinds headings,attr,mixed] [--sizes ...] [--quick] [--json FILE]

Each rung writes a one-feature site into benchmarks/_work/bigdoc/<kind>-<size> and times, as
subprocesses, ``mkdocs build`` (theme mkdocs, ``attr_list``, the plugin) and ``mkdocs-reassign check``.
Kinds:

* ``headings``: a feature doc of N ``###`` headings (N = 1,000 ... 100,000), one paragraph each;
* ``attr``: N ``### Step i {#step-i}`` headings, each followed by a broken link (one diagnostic per
  heading for the banner to point into), built with ``banner: always`` and ``banner: never``;
* ``mixed``: a doc of S MB (1 ... 20) mixing very long lines (64 KB) with a heading every few lines.

Growth is near-linear when each rung's time over the previous one's stays near the size ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "_work", "bigdoc")
PY = sys.executable
_SCRIPT = os.path.join(os.path.dirname(PY), "mkdocs-reassign")
CHECK = [_SCRIPT] if os.path.exists(_SCRIPT) else [PY, "-m", "mkdocs_reassign.cli"]
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
# the last rung of "headings" and of "mixed" is over a page limit (60,000 headings, 5 MB): a read-error, not rendered
SIZES = {"headings": [1_000, 10_000, 40_000, 100_000], "attr": [1_000, 2_000, 4_000, 8_000], "mixed": [1, 2, 4, 20]}
QUICK = {"headings": [1_000, 10_000, 100_000], "attr": [2_000, 8_000], "mixed": [1, 20]}
SECTIONS = ["Quick Summary", "Affected Users", "What It Does", "How It Works", "Detailed Logic", "Edge Cases",
            "UI/UX Review", "Technical Concerns", "First Principles Review", "Code References", "Related Features",
            "Open Questions"]


def feature(detail: str) -> str:
    """A feature doc meeting the shipped feature-doc contract, ``detail`` under DETAILED LOGIC."""
    special = {"How It Works": "```mermaid\nflowchart LR\n    A --> B\n```\n\n",
               "Detailed Logic": "The selector picks the least busy agent.\n\n" + detail,
               "Related Features": "- [Home](../index.md)\n\n"}
    return "# Feature: Big (P1)\n\n" + "".join(
        f"## {name}\n\n" + special.get(name, f"Text about {name.lower()}.\n\n") for name in SECTIONS)


def body(kind: str, n: int) -> str:
    if kind == "headings":
        return "".join(f"### Step {i}\n\nThe agent {i} takes the visitor.\n\n" for i in range(n))
    if kind == "attr":
        return "".join(f"### Step {i} {{#step-{i}}}\n\nSee [gone](gone-{i}.md).\n\n" for i in range(n))
    line = "the agent takes the visitor " * (65536 // 28) + "\n"  # one 64 KB line
    out, size, i = [], 0, 0
    while size < n * 1024 * 1024 - 70_000:
        chunk = f"### Part {i}\n\n{line}\n" if i % 4 == 0 else f"#### Note {i}\n\nShort line {i}.\n\n"
        out.append(chunk)
        size += len(chunk)
        i += 1
    return "".join(out)


def write_site(kind: str, n: int, banner: str) -> str:
    root = os.path.join(WORK, f"{kind}-{n}-{banner}")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "docs", "features"))
    with open(os.path.join(root, "docs", "index.md"), "w", encoding="utf-8") as fh:
        fh.write("# Home\n")
    with open(os.path.join(root, "docs", "features", "p1.md"), "w", encoding="utf-8") as fh:
        fh.write(feature(body(kind, n)))
    with open(os.path.join(root, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write(f"site_name: big\ntheme:\n  name: mkdocs\nmarkdown_extensions:\n  - attr_list\n"
                 f"plugins:\n  - reassign:\n      banner: {banner}\n")
    return root


def timed(cmd: list[str], cwd: str, limit: float) -> tuple[float, int, str]:
    start = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, errors="replace", timeout=limit)
    except subprocess.TimeoutExpired:
        return limit, -1, "timeout"
    return time.perf_counter() - start, r.returncode, r.stdout + r.stderr


def rung(kind: str, n: int, banner: str, limit: float) -> dict:
    root = write_site(kind, n, banner)
    size = os.path.getsize(os.path.join(root, "docs", "features", "p1.md"))
    b, brc, bout = timed([PY, "-m", "mkdocs", "build", "-q", "-d", os.path.join(root, "site")], root, limit)
    c, crc, cout = timed([*CHECK, "check", "-q"], root, limit)
    big = [ln for ln in (bout + cout).splitlines() if "read-error" in ln and "p1.md" in ln]
    return {"kind": kind, "n": n, "banner": banner, "bytes": size, "build_s": round(b, 2), "build_rc": brc,
            "check_s": round(c, 2), "check_rc": crc, "traceback": "Traceback" in bout + cout,
            "size_note": big[0].split("read-error:", 1)[1].strip() if big else ""}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kinds", default="headings,attr,mixed")
    ap.add_argument("--sizes", help="comma-separated sizes for every kind given")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds before a run counts as hung")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args(argv)
    out = []
    for kind in a.kinds.split(","):
        sizes = [int(s) for s in a.sizes.split(",")] if a.sizes else (QUICK if a.quick else SIZES)[kind]
        for n in sizes:
            for banner in (("always", "never") if kind == "attr" else ("always",)):
                r = rung(kind, n, banner, a.limit)
                out.append(r)
                print(f"{kind:9} {n:>7} banner={banner:6} {r['bytes'] / 2**20:6.1f} MB  build {r['build_s']:7.2f} s "
                      f"(exit {r['build_rc']})  check {r['check_s']:7.2f} s (exit {r['check_rc']})  {r['size_note']}", flush=True)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
