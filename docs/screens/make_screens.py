"""Screenshots of what the plugin adds to a site: the overview page, a feature page and a session page.

Rerun it whenever the rendering changes; it takes whatever the current checkout renders:

    python docs/screens/make_screens.py                 # this repository's own docs site
    python docs/screens/make_screens.py --project DIR   # any MkDocs project with the plugin

It copies the project (docs_dir and mkdocs.yml) into a temporary folder, builds it three times with this
checkout's plugin (Material light, Material dark (``palette: scheme: slate``), the plain ``mkdocs`` theme),
serves each build on 127.0.0.1 and photographs the pages in headless Chromium (Debian's ``/usr/bin/chromium``
or ``$CHROMIUM``, through Playwright; nothing is fetched from the network). The PNGs go to ``--out``
(default: this folder): ``overview.png``, ``overview-dark.png``, ``overview-plain.png``, ``feature.png``,
``feature-dark.png``, ``session.png``, ``session-cards.png`` (scrolled to the first finding card),
``overview-phone.png``, and for this repository ``overview-gaps.png``
(its P4 doc with two gaps planted, as the browser tests plant them, to show unmet cells). The feature page is the first feature doc with
the most findings in ``reassign-report.json`` (or ``--feature``), the session page the session of its first
finding (or ``--session``). Nothing is written into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser_support import StaticServer, browser  # noqa: E402

THEMES = {
    "material": "theme:\n  name: material\n  features:\n    - navigation.sections\n",
    "slate": "theme:\n  name: material\n  palette:\n    scheme: slate\n  features:\n    - navigation.sections\n",
    "mkdocs": "theme:\n  name: mkdocs\n",
    "gaps": "theme:\n  name: material\n  features:\n    - navigation.sections\n",  # this repository, P4 with planted gaps
}
# (file, theme, page: overview/feature/session, viewport)
SHOTS = [
    ("overview.png", "material", "overview", (1280, 800)),
    ("overview-dark.png", "slate", "overview", (1280, 800)),
    ("overview-plain.png", "mkdocs", "overview", (1280, 800)),
    ("overview-phone.png", "material", "overview", (390, 844)),
    ("feature.png", "material", "feature", (1280, 800)),
    ("feature-dark.png", "slate", "feature", (1280, 800)),
    ("session.png", "material", "session", (1280, 800)),
    ("session-cards.png", "material", "session", (1280, 800)),  # scrolled to its first finding card
    ("overview-gaps.png", "gaps", "overview", (1280, 800)),
]


def copy_project(src: Path, dest: Path, theme: str) -> str:
    """The project's mkdocs.yml (its theme block replaced) and docs_dir, copied under ``dest``; returns the
    docs_dir's name."""
    config = (src / "mkdocs.yml").read_text(encoding="utf-8")
    m = re.search(r"^docs_dir:\s*(\S+)", config, re.M)
    docs = m.group(1).strip("'\"") if m else "docs"
    shutil.copytree(src / docs, dest / docs, ignore=shutil.ignore_patterns("screens"))
    config, n = re.subn(r"^theme:\n(?:[ \t]+.*\n)*", THEMES[theme], config, flags=re.M)
    if not n:
        config += "\n" + THEMES[theme]
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return docs.rstrip("/")


def build(project: Path, site: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit(f"mkdocs build failed in {project}:\n{proc.stdout}{proc.stderr}")


def page_urls(site: Path, docs: str, feature: str | None, session: str | None, overview: str) -> dict[str, str]:
    """Site-relative URLs of the three pages (directory URLs, as MkDocs' default)."""
    report = json.loads((site / "reassign-report.json").read_text(encoding="utf-8"))

    def url(path: str) -> str:
        rel = path[len(docs) + 1 :] if path.startswith(docs + "/") else path
        rel = re.sub(r"(?:^|/)(?:index|README)\.md$", "", rel)
        return re.sub(r"\.md$", "/", rel)

    if feature is None:
        weight = {f["path"]: (sum(f.get("open_findings", {}).values()), f.get("total", 0)) for f in report["features"]}
        feature = max(report["features"], key=lambda f: weight[f["path"]])["path"] if weight else ""
    if session is None:
        session = report["findings"][0]["session"] if report.get("findings") else ""
    return {"overview": re.sub(r"\.md$", "/", overview), "feature": url(feature), "session": url(session)}


def shoot(site: Path, urls: dict[str, str], shots, out: Path) -> None:
    with StaticServer(site) as srv, browser() as b:
        for name, _theme, what, (w, h) in shots:
            ctx = b.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
            page = ctx.new_page()
            page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:)"), lambda r: r.abort())
            page.goto(srv.url + urls[what])
            page.wait_for_load_state("load")
            if name.endswith("-cards.png"):
                card = page.locator('[data-reassign="card"]')
                if not card.count():
                    print(f"{name}: no finding card on /{urls[what]}; not taken")
                    ctx.close()
                    continue
                card.first.evaluate("c => window.scrollTo(0, c.getBoundingClientRect().top + window.scrollY - 70)")
                page.wait_for_timeout(800)  # Material's header swaps its title on scroll, with a transition
            page.screenshot(path=str(out / name), full_page=False)
            ctx.close()
            print(f"{out / name}: {what} page /{urls[what]} at {w}x{h}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", type=Path, default=REPO, help="folder holding mkdocs.yml (default: this repository)")
    ap.add_argument("--out", type=Path, default=HERE, help="where the PNGs go (default: docs/screens)")
    ap.add_argument("--feature", help="docs path of the feature doc to show, e.g. docs/features/platform/p4.md")
    ap.add_argument("--session", help="docs path of the session file to show")
    ap.add_argument("--overview", default="feature-overview.md", help="the overview page's path in the site")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reassign-screens-") as tmp:
        for theme in THEMES:
            shots = [s for s in SHOTS if s[1] == theme]
            if theme == "gaps" and args.project.resolve() != REPO:
                continue
            project = Path(tmp) / theme
            docs = copy_project(args.project.resolve(), project, theme)
            if theme == "gaps":  # the P4 doc without its logout trigger and its database logging (as the tests plant them)
                from project_copy import plant_gaps

                plant_gaps(project)
            site = Path(tmp) / f"site-{theme}"
            build(project, site)
            shoot(site, page_urls(site, docs, args.feature, args.session, args.overview), shots, args.out)


if __name__ == "__main__":
    main()
