"""In-process probes that run.py starts as child processes (one per measurement).

    python benchmarks/probe.py build CONFIG SITE_DIR [--time-plugin OUT.json]
        `mkdocs build -q -f CONFIG -d SITE_DIR`, exactly as `python -m mkdocs`
        runs it; with --time-plugin, the reassign plugin's event handlers are
        wrapped with timers and their total is written to OUT.json.

    python benchmarks/probe.py serve CONFIG --edits K [--dirty-edits D] [--out OUT.json]
        What `mkdocs serve` does, without the HTTP server: load the config,
        run on_startup(command="serve") once, build; then K times: edit one
        feature doc (a sentence added; every other edit renames its RELATED
        FEATURES heading, which breaks a requirement), reload the config (MkDocs keeps the plugin instance,
        because it has on_startup) and rebuild. Reports the time spent in the
        plugin's own event handlers during each rebuild. Then D more edits
        rebuilt with dirty=True (`mkdocs serve --dirty`: only changed pages are
        rendered). Edited files are restored at the end.

The parent (run.py) measures wall time and peak RSS of these processes with
os.wait4, so each run's maxrss is its own.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import runpy
import shutil
import sys
import tempfile
import time

TIMES: dict[str, float] = {}
CALLS: dict[str, int] = {}
GC = {"n": 0, "s": 0.0, "t0": 0.0}


def _gc_cb(phase, info):
    if phase == "start":
        GC["t0"] = time.perf_counter()
    else:
        GC["n"] += 1
        GC["s"] += time.perf_counter() - GC["t0"]


def install_timers() -> None:
    """Wrap every on_* handler the plugin class defines (MkDocs registers them per instance)."""
    import gc

    gc.callbacks.append(_gc_cb)
    from mkdocs_reassign import plugin as mod

    cls = mod.ReassignPlugin
    for name, fn in list(vars(cls).items()):
        if not (name.startswith("on_") and callable(fn)):
            continue

        def make(fn, name):
            @functools.wraps(fn)  # keeps mkdocs_priority (event_priority)
            def timed(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    dt = time.perf_counter() - t0
                    TIMES[name] = TIMES.get(name, 0.0) + dt
                    CALLS[name] = CALLS.get(name, 0) + 1

            return timed

        setattr(cls, name, make(fn, name))
    _time_page_steps(mod)


INNER = [0.0]  # time spent in MkDocs' own read_source / render inside the plugin's per-page wrappers


def _time_page_steps(mod) -> None:
    """The plugin also works inside two per-page wrappers it sets in on_nav (plugin._GuardedRead around a page's
    read_source, plugin._Rendered around its render): their time, less MkDocs' own read and render inside
    them, is plugin time too, reported as "read_source (per page)" and "render (per page)"."""
    import importlib

    def inner(fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                INNER[0] += time.perf_counter() - t0
        return timed

    for name in ("mkdocs.structure.pages", "properdocs.structure.pages"):
        try:
            page_cls = importlib.import_module(name).Page
        except ImportError:
            continue
        for attr in ("read_source", "render"):
            setattr(page_cls, attr, inner(getattr(page_cls, attr)))

    def own(cls, label):
        fn = cls.__call__

        def timed(*args, **kwargs):
            before = INNER[0]
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0 - (INNER[0] - before)
                TIMES[label] = TIMES.get(label, 0.0) + dt
                CALLS[label] = CALLS.get(label, 0) + 1
        cls.__call__ = timed

    own(mod._GuardedRead, "read_source (per page)")
    own(mod._Rendered, "render (per page)")


def reset() -> None:
    TIMES.clear()
    CALLS.clear()
    GC.update(n=0, s=0.0)


def snapshot() -> dict:
    return {"total_ms": 1000 * sum(v for k, v in TIMES.items() if k != "on_startup"),
            "events_ms": {k: round(1000 * v, 3) for k, v in sorted(TIMES.items())}, "calls": dict(CALLS),
            "gc": {"collections": GC["n"], "ms": round(1000 * GC["s"], 1)}}


def cmd_build(a) -> int:
    if a.time_plugin:
        install_timers()
    sys.argv = ["mkdocs", "build", "-q", "-f", a.config, "-d", a.site_dir]
    t0 = time.perf_counter()
    code = 0
    try:
        runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    wall = time.perf_counter() - t0
    if a.time_plugin:
        with open(a.time_plugin, "w") as f:
            json.dump({"build_s": wall, **snapshot()}, f)
    return code


def cmd_serve(a) -> int:
    import logging

    install_timers()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)  # serve's console level; output goes to the parent's log file
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    serve_url = "http://127.0.0.1:8000/"
    docs_dir = os.path.join(os.path.dirname(os.path.abspath(a.config)), "docs")
    targets = sorted(os.path.join(dp, f) for dp, _d, fs in os.walk(os.path.join(docs_dir, "features"))
                     for f in fs if f.endswith(".md") and f != "index.md")
    originals: dict[str, bytes] = {}
    out = {"rebuilds": [], "dirty_rebuilds": []}
    try:
        def get_config():
            c = load_config(config_file=a.config, site_dir=site_dir)
            c.site_url = serve_url
            return c

        config = get_config()
        config.plugins.on_startup(command="serve", dirty=False)
        reset()
        t0 = time.perf_counter()
        build(config, serve_url=serve_url)
        out["first_build"] = {"build_s": time.perf_counter() - t0, **snapshot()}
        plan = [(k, False) for k in range(a.edits)] + [(a.edits + k, True) for k in range(a.dirty_edits)]
        for k, dirty in plan:
            path = targets[(k * 7919 + 13) % len(targets)]
            with open(path, "rb") as f:
                data = f.read()
            originals.setdefault(path, data)
            text = data.decode("utf-8")
            kind = "text"
            if k % 2 == 1:  # every other edit breaks a requirement: results, boxes, overview row and report entry change
                broken = re.sub(r"(?m)^(##+ (?:\d+\. )?)RELATED FEATURES\s*$", r"\1SEE ALSO", text, count=1)
                if broken != text:
                    text, kind = broken, "requirement"
            if kind == "text":
                marker = "## Quick Summary\n"
                text = text.replace(marker, marker + f"Edited while serving (edit {k + 1}): the summary gains a sentence.\n", 1)
            time.sleep(0.01)  # a distinct mtime, as an editor save would give
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            config = get_config()
            reset()
            t0 = time.perf_counter()
            build(config, serve_url=serve_url, dirty=dirty)
            out["dirty_rebuilds" if dirty else "rebuilds"].append(
                {"edited": os.path.relpath(path, docs_dir), "kind": kind, "build_s": time.perf_counter() - t0, **snapshot()})
    finally:
        for path, data in originals.items():
            with open(path, "wb") as f:
                f.write(data)
        shutil.rmtree(site_dir, ignore_errors=True)
    with open(a.out, "w") as f:
        json.dump(out, f)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("config")
    b.add_argument("site_dir")
    b.add_argument("--time-plugin")
    s = sub.add_parser("serve")
    s.add_argument("config")
    s.add_argument("--edits", type=int, default=3)
    s.add_argument("--dirty-edits", type=int, default=0, help="then this many edits rebuilt as `mkdocs serve --dirty` does")
    s.add_argument("--out", required=True)
    a = ap.parse_args()
    return cmd_build(a) if a.cmd == "build" else cmd_serve(a)


if __name__ == "__main__":
    sys.exit(main())
