"""Where does mkdocs-reassign spend its time? Phase timings and a cProfile listing.

    python benchmarks/hotspots.py SITE_DIR [--cprofile N] [--serve]

SITE_DIR is a site from generate.py (benchmarks/_work/site-1000 after a run).
Prints, for a cold `Checker.run` (what `mkdocs-reassign check` does after its
imports) and for a warm re-run after a one-file edit (what a serve rebuild
asks of the core): wall time per phase, then the top N functions by own time
under cProfile. --serve also profiles the plugin's per-page hooks over a real
in-process MkDocs build (slow: it renders every page).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from collections import defaultdict

T: dict[str, float] = defaultdict(float)
N: dict[str, int] = defaultdict(int)


def timed(mod, name, label=None):
    fn = getattr(mod, name)
    label = label or f"{mod.__name__.rsplit('.', 1)[-1]}.{name}"

    def wrapper(*a, **k):
        t0 = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            T[label] += time.perf_counter() - t0
            N[label] += 1

    setattr(mod, name, wrapper)


def instrument():
    from mkdocs_reassign import crossdoc
    from mkdocs_reassign.model import features
    from mkdocs_reassign.model import findings
    from mkdocs_reassign import engine as project
    from mkdocs_reassign.model import waivers

    for mod, names in ((project, ["scan", "read_source"]), (features, ["analyze"]),
                       (findings, ["parse_session", "check_session", "truth", "check_attention", "check_duplicates",
                                   "check_features_of_findings", "check_source_refs"]),
                       (crossdoc, ["build_registry", "check_links", "check_related", "reset_related"]),
                       (waivers, ["apply"])):
        for name in names:
            if hasattr(mod, name):
                timed(mod, name)


def report(title: str, total: float) -> None:
    print(f"\n== {title}: {1000 * total:.1f} ms")
    for k, v in sorted(T.items(), key=lambda kv: -kv[1]):
        print(f"  {1000 * v:9.1f} ms  {N[k]:6d}x  {k}")
    T.clear()
    N.clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--cprofile", type=int, default=25)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    site = os.path.abspath(a.site)
    os.chdir(site)

    # import cost of the CLI, in a fresh interpreter
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import mkdocs_reassign.cli as c; c.build_parser()"],
                         capture_output=True, text=True)
    rows = [line.split("|") for line in out.stderr.splitlines() if line.startswith("import time:")]
    total_us = sum(int(r[0].split(":")[1]) for r in rows[1:] if r[0].split(":")[1].strip().isdigit())
    print(f"CLI import (cli + build_parser): {total_us / 1000:.1f} ms in {len(rows) - 1} modules")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "mkdocs_reassign.cli", "check", "-q", "-f", "mkdocs-plugin.yml"],
                         capture_output=True, text=True)
    wall = time.perf_counter() - t0
    rows = [line.split("|") for line in out.stderr.splitlines() if line.startswith("import time:")]
    big = sorted(((int(r[1].strip()), r[2].rstrip()) for r in rows[1:] if r[1].strip().isdigit()), reverse=True)
    print(f"check: {wall:.2f} s wall; heaviest imports (cumulative): " + ", ".join(f"{n.strip()} {us / 1000:.0f} ms" for us, n in big[:8]))

    from mkdocs_reassign import cli

    instrument()

    def new_checker():
        """The CLI's own set-up; returns (checker, the file list check passes to Checker.run)."""
        args = argparse.Namespace(config_file="mkdocs-plugin.yml", quiet=True, command="check", baseline=None)
        checker = cli.make_checker(args)
        seen = []
        run = checker.run

        def capture(files, *a, **k):
            seen.append(list(files))
            return run(files, *a, **k)

        checker.run = capture
        return checker, seen

    checker, seen = new_checker()
    t0 = time.perf_counter()
    cli._run(checker)
    report("cold run (check)", time.perf_counter() - t0)
    files = seen[0]
    docs_dir = checker.docs_dir

    target = next(f for f in files if f.startswith("features/platform/") and not f.endswith("index.md"))
    path = os.path.join(docs_dir, target)
    with open(path, "rb") as f:
        original = f.read()
    try:
        with open(path, "wb") as f:
            f.write(original.replace(b"## Quick Summary\n", b"## Quick Summary\nEdited.\n", 1))
        t0 = time.perf_counter()
        checker.run(files)
        report(f"warm re-run after editing {target}", time.perf_counter() - t0)

        prof = cProfile.Profile()
        checker2, _ = new_checker()
        prof.enable()
        checker2.run(files)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(a.cprofile)
        print("\n== cProfile, cold run, by own time\n" + "\n".join(s.getvalue().splitlines()[4:]))

        with open(path, "wb") as f:
            f.write(original.replace(b"## Quick Summary\n", b"## Quick Summary\nEdited again.\n", 1))
        prof = cProfile.Profile()
        prof.enable()
        checker2.run(files)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(a.cprofile)
        print("\n== cProfile, warm re-run after a one-file edit, by own time\n" + "\n".join(s.getvalue().splitlines()[4:]))
    finally:
        with open(path, "wb") as f:
            f.write(original)

    if a.serve:
        serve_profile(a.cprofile)


def serve_profile(top: int) -> None:
    """cProfile the plugin's handlers only, during a serve rebuild after a one-file edit."""
    import tempfile

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from mkdocs_reassign import plugin as mod

    prof = cProfile.Profile()
    active = [False]
    for name, fn in list(vars(mod.ReassignPlugin).items()):
        if name.startswith("on_") and callable(fn) and name != "on_startup":
            def make(fn):
                import functools

                @functools.wraps(fn)
                def w(*a, **k):
                    if not active[0]:
                        return fn(*a, **k)
                    prof.enable()
                    try:
                        return fn(*a, **k)
                    finally:
                        prof.disable()
                return w
            setattr(mod.ReassignPlugin, name, make(fn))
    site_dir = tempfile.mkdtemp()
    cfg = load_config(config_file="mkdocs-plugin.yml", site_dir=site_dir)
    cfg.plugins.on_startup(command="serve", dirty=False)
    build(cfg, serve_url="http://127.0.0.1:8000/")
    docs = cfg.docs_dir
    target = os.path.join(docs, sorted(f for f in os.listdir(os.path.join(docs, "features", "agent")) if f != "index.md")[0])
    target = os.path.join(docs, "features", "agent", os.path.basename(target))
    with open(target, "rb") as f:
        original = f.read()
    try:
        with open(target, "wb") as f:
            f.write(original.replace(b"## Quick Summary\n", b"## Quick Summary\nEdited.\n", 1))
        cfg = load_config(config_file="mkdocs-plugin.yml", site_dir=site_dir)
        active[0] = True
        build(cfg, serve_url="http://127.0.0.1:8000/")
        active[0] = False
    finally:
        with open(target, "wb") as f:
            f.write(original)
    s = io.StringIO()
    pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(top)
    print("\n== cProfile, plugin handlers in a serve rebuild, by own time\n" + "\n".join(s.getvalue().splitlines()[4:]))


if __name__ == "__main__":
    main()
