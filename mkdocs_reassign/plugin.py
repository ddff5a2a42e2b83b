"""The MkDocs / ProperDocs adapter: events only. All logic lives in the core."""

from __future__ import annotations

import gc
import os
import re
from contextlib import contextmanager
from dataclasses import fields as dataclass_fields
from operator import attrgetter

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from . import options as core_options
from . import render
from .diagnostics import Diagnostic
from .project import Checker, HeadLines, Report

log = get_plugin_logger("reassign")


def _option(kind: str, default):
    if kind == "globs":
        return c.ListOfItems(c.Type(str), default=list(default))
    if kind in ("path", "str?"):
        return c.Optional(c.Type(str)) if default is None else c.Type(str, default=default)
    if kind == "str":
        return c.Type(str, default=default)
    if kind == "bool":
        return c.Type(bool, default=default)
    if kind.startswith("choice:"):
        return c.Choice(tuple(kind[7:].split(",")), default=default)
    if kind == "severity":
        return c.Type(dict, default={})  # values checked by options.validate (a bare `off` is YAML false)
    if kind == "list":
        return c.Optional(c.ListOfItems(c.Type(dict)))
    raise AssertionError(kind)  # pragma: no cover


ReassignConfig = type("ReassignConfig", (base.Config,), {name: _option(kind, default) for name, (kind, default, _doc) in core_options.OPTIONS.items()})

_PLACEHOLDER = "<!-- reassign:{} -->"
_PH_RE = re.compile(r"<!-- reassign:(attention-render|findings-box|completion-box|anchor ([A-Za-z0-9_-]+)) -->")


class ReassignPlugin(BasePlugin[ReassignConfig]):
    """Holds feature docs to their contracts; see https://mkdocs-reassign docs."""

    def __init__(self):
        self.serving = False
        self.checker: Checker | None = None
        self.report: Report | None = None
        self._key = None
        self._baseline_stamp = None
        # serve: small per-page memos, so a rebuild costs little for the pages whose doc did not change
        self._derived_for: tuple | None = None  # (report, sessions by path, site-wide contract diagnostics)
        self._md_lines: dict[str, tuple] = {}  # path -> (parsed doc, len(markdown), first lines, line count)
        self._rel_urls: dict[tuple[str, str], str] = {}  # (url, page url) -> get_relative_url()
        self._sessions_seen: tuple = ((), 0)  # (the sessions, a number that changes when one of them does)
        self._boxes: dict[tuple[str, str], tuple] = {}  # (path, kind) -> (parsed doc, key, html)
        self._banners: dict[str, tuple] = {}  # path -> (parsed doc, key, html)
        self._sigs: dict[str, tuple] = {}  # path -> (parsed doc, results met, its JSON report entry)
        self._sigs_for: tuple | None = None  # (report, _feature_sigs of it)
        self._overview_memo: tuple | None = None  # (key, html)
        self._json_memo: tuple | None = None  # (key, text)

    # -- lifecycle: having on_startup keeps this instance across serve rebuilds
    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        try:
            opts = core_options.validate({k: v for k, v in self.config.items()})
        except core_options.OptionError as err:
            from mkdocs.exceptions import PluginError

            raise PluginError(f"reassign: {err}") from None
        root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        key = (root, config.docs_dir, repr(opts))
        if self.checker is None or key != self._key:
            self.checker = Checker(root, config.docs_dir, opts)
            self.checker.config_name = os.path.basename(config.config_file_path or "mkdocs.yml")
            self.checker.keep_lines = self.serving  # a build checks once; serve re-checks
            self._key = key
            self._baseline_stamp = None
        if opts.baseline:  # (re)read when it changed, so serve sees a new baseline
            from .waivers import read_baseline

            path = os.path.join(root, opts.baseline)
            try:
                stamp = os.stat(path).st_mtime_ns
            except OSError:
                stamp = -1
            if stamp != self._baseline_stamp:
                self._baseline_stamp = stamp
                try:
                    self.checker.baseline = read_baseline(path)
                except ValueError as err:
                    self.checker.baseline = None
                    log.warning(f"{opts.baseline}: error: contract: {err} (run mkdocs-reassign baseline to write it)")
        self.checker.reload_contracts_if_changed()
        self.opts = opts
        if opts.contracts_dir:  # serve: editing a contract rebuilds
            folder = os.path.join(root, opts.contracts_dir)
            if os.path.isdir(folder) and folder not in config.watch:
                config.watch.append(folder)

    @event_priority(-50)  # after plugins that add or remove files
    def on_files(self, files, config):
        docs = [f for f in files if f.generated_by is None and f.abs_src_path and f.inclusion is not InclusionLevel.EXCLUDED]
        try:
            with _no_gc():  # it builds a large acyclic model: collections would only re-walk it
                self.report = self.checker.run([f.src_uri for f in docs])
        except Exception as err:  # never abort serve; fail a strict build
            self.report = None
            log.error(f"mkdocs-reassign internal error: {type(err).__name__}: {err} (please report it)")
            _drop_unreadable(files, docs, config.docs_dir)
            return files
        rep = self.report
        if not self.serving:
            _release_for_render(self.checker, rep, keep_headings=self._banner_on())
        for f in docs:
            if f.src_uri in rep.unreadable:
                files.remove(f)
        for d in rep.active:
            msg = d.format()
            (log.info if d.severity == "info" else log.warning)(msg)
        if self.opts.overview_page and not files.get_file_from_path(self.opts.overview_page):
            files.append(File.generated(config, self.opts.overview_page, content="# Feature overview\n\n" + _PLACEHOLDER.format("overview") + "\n"))
        return files

    @event_priority(50)  # before other plugins reshape the Markdown
    def on_page_markdown(self, markdown, page, config, files):
        rep = self.report
        if rep is None:
            return markdown
        try:
            return self._markdown(markdown, page.file.src_uri, rep)
        except Exception as err:
            log.error(f"mkdocs-reassign internal error on {page.file.src_uri}: {type(err).__name__}: {err}")
            return markdown

    def _derived(self, rep: Report) -> tuple:
        """Per report: sessions by path (the first wins, as a scan would) and the site-wide contract diagnostics."""
        d = self._derived_for
        if d is None or d[0] is not rep:
            sessions: dict = {}
            for s in rep.sessions:
                sessions.setdefault(s.rel, s)
            site_wide = [x for x in rep.active if x.rule == "contract" and not x.path.startswith(rep.docs_prefix)]
            seen, n = self._sessions_seen
            if len(seen) != len(rep.sessions) or any(a is not b for a, b in zip(seen, rep.sessions)):
                self._sessions_seen = (tuple(rep.sessions), n + 1)
            d = self._derived_for = (rep, sessions, site_wide, self._sessions_seen[1])
        return d

    def _markdown(self, markdown: str, rel: str, rep: Report) -> str:
        session = self._derived(rep)[1].get(rel)
        fd = rep.features.get(rel)
        if session is None and fd is None:
            return markdown
        if session is None:
            return self._feature_markdown(markdown, rel, fd)
        lines = markdown.split("\n")
        src_lines = (session or fd).doc.lines
        offset = _offset(src_lines, lines)
        if offset is None:
            return markdown
        inserts: dict[int, list[str]] = {}  # markdown line index -> lines to put before it

        def put(src_line, text):
            inserts.setdefault(max(src_line - 1 - offset, 0), []).append(text)

        if session is not None:
            for f in session.findings:
                if not f.from_table:
                    put(f.line, _PLACEHOLDER.format("anchor " + f.anchor))
                elif 0 <= f.line - 1 - offset < len(lines):  # a table row: anchor inside its ID cell
                    i = f.line - 1 - offset
                    lines[i] = re.sub(rf"(?<![\w-]){re.escape(f.id)}(?![\w-])", lambda m: _PLACEHOLDER.format("anchor " + f.anchor) + m.group(0), lines[i], count=1)
            if self.opts.attention_table:
                t = session.attention
                if t is not None and t.start:
                    a, b = t.start - 1 - offset, t.end - 1 - offset
                    if 0 <= a <= b < len(lines):
                        lines[a : b + 1] = [_PLACEHOLDER.format("attention-render")] + [""] * (b - a)
                elif session.marker_line:
                    i = session.marker_line - 1 - offset
                    if 0 <= i < len(lines):
                        lines[i] = lines[i].replace("<!-- reassign:attention -->", _PLACEHOLDER.format("attention-render"))
                else:
                    h1 = session.doc.h1
                    put((h1.line + 1) if h1 else 1, "\n" + _PLACEHOLDER.format("attention-render") + "\n")
        if fd is not None and (self.opts.findings_box or self.opts.completion_box):
            h1 = fd.doc.h1
            at = (h1.line + 1) if h1 else offset + 1
            boxes = []
            if self.opts.completion_box:
                boxes.append(_PLACEHOLDER.format("completion-box"))
            if self.opts.findings_box and fd.id:
                boxes.append(_PLACEHOLDER.format("findings-box"))
            put(at, "\n" + "\n\n".join(boxes) + "\n")
        out = []
        for i, line in enumerate(lines):
            if i in inserts:
                for text in inserts[i]:
                    if text.startswith("<!-- reassign:anchor"):
                        out.extend(["", text, ""])
                    elif text:
                        out.append(text)
            out.append(line)
        return "\n".join(out)

    def _feature_markdown(self, markdown: str, rel: str, fd) -> str:
        """_markdown for a feature page, without splitting the page into lines (same result)."""
        head = _head(markdown, 3)
        hit = self._md_lines.get(rel)
        if hit is not None and hit[0] is fd and hit[1] == len(markdown) and hit[2] == head:
            n_md = hit[3]  # same file (same parsed doc), same length, same start: same line count
        else:
            n_md = markdown.count("\n") + 1
            if self.serving:
                self._md_lines[rel] = (fd, len(markdown), head, n_md)
        offset = _offset_n(fd.doc.lines, n_md, head)
        if offset is None or not (self.opts.findings_box or self.opts.completion_box):
            return markdown
        h1 = fd.doc.h1
        at = (h1.line + 1) if h1 else offset + 1
        boxes = []
        if self.opts.completion_box:
            boxes.append(_PLACEHOLDER.format("completion-box"))
        if self.opts.findings_box and fd.id:
            boxes.append(_PLACEHOLDER.format("findings-box"))
        i = max(at - 1 - offset, 0)
        if i >= n_md:
            return markdown
        p = 0
        for _ in range(i):  # start of line i
            p = markdown.index("\n", p) + 1
        head = markdown[:p]  # str.replace at the start copies the page once; slicing and joining copies it twice
        return markdown.replace(head, head + "\n" + "\n\n".join(boxes) + "\n\n", 1)

    def on_page_content(self, html, page, config, files):
        rep = self.report
        if rep is None:
            return html
        try:
            return self._content(html, page, files, rep)
        except Exception as err:
            log.error(f"mkdocs-reassign internal error on {page.file.src_uri}: {type(err).__name__}: {err}")
            return html

    def _content(self, html, page, files, rep: Report) -> str:
        rel = page.file.src_uri
        _rep, sessions, site_wide, sessions_n = self._derived(rep)
        uris = files.src_uris
        memo = self.serving  # a build renders each page once: nothing to reuse
        rel_urls = self._rel_urls if memo else {}
        if len(rel_urls) > 200_000:
            rel_urls.clear()

        def resolve(target_rel: str, fragment: str) -> str:
            f = uris.get(target_rel)
            if f is None:
                f = files.get_file_from_path(target_rel)
            if f is not None:
                key = (f.url, page.url)
                url = rel_urls.get(key)
                if url is None:
                    from mkdocs.utils import get_relative_url

                    url = rel_urls[key] = get_relative_url(f.url, page.url)
            else:
                url = target_rel
            return url + ("#" + fragment if fragment else "")

        used = False

        def sub(m):
            nonlocal used
            kind = m.group(1)
            if kind.startswith("anchor "):
                return render.finding_anchor(m.group(2).removeprefix("finding-").upper())
            used = True
            if kind == "attention-render":
                s = sessions.get(rel)
                if s is None:
                    raise StopIteration  # what next() over the sessions raised
                return render.attention_table(s, rep.finding_registry, resolve)
            fd = rep.features[rel]
            found = rep.findings_of(fd.id) if fd.id else []
            # a box is re-rendered only when what it shows may have changed: the parsed doc (same object = same
            # file), the findings (same session objects), related titles and every link it holds
            if kind == "findings-box":
                return self._box(rel, kind, fd, lambda: (sessions_n, page.url, tuple(resolve(f.session, "") for f in found)),
                                 lambda: render.findings_box(fd, found, resolve))
            related = []
            ids = list(dict.fromkeys([*(x for r in (fd.front_matter.get("related") or []) if isinstance(r, str) for x in [r]),
                                      *(fid for req, _ in fd.pending_related for fid in req.related)]))
            for rid in ids:
                target = rep.registry.get(rid)
                related.append((rid, rep.features[target].title if target else None, target))
            return self._box(rel, kind, fd,
                             lambda: (sessions_n, page.url, tuple(r.met for r in fd.results) if fd.pending_related else None,
                                      tuple(related), tuple(resolve(t, "") for _r, _t, t in related if t)),
                             lambda: render.completion_box(fd, found, related, resolve))

        overview_html = None

        def overview():
            nonlocal used, overview_html
            used = True
            if overview_html is None:
                overview_html = self._overview(rep, resolve, page.url, sessions_n)
            return overview_html

        parts = _fill_placeholders(html, sub, overview)
        banner = None
        if self._banner_on():
            diags = [d for d in rep.for_doc(rel) if not d.waived and d.severity != "off"]
            if rel in rep.features:
                diags += site_wide
            if diags:
                used = True
                banner = self._banner(page, rep, rel, diags)
        if parts is None and not used:
            return html
        out = [render.STYLE] if used else []
        if banner is not None:
            out.append(banner)
        if parts is None:
            out.append(html)
            return "".join(out)
        pieces, pos = parts
        out.extend(pieces)
        # html[:pos] is where the placeholders were; replacing that prefix copies the long rest of the page once
        return html.replace(html[:pos], "".join(out), 1)

    def _banner(self, page, rep: Report, rel: str, diags: list) -> str:
        if not self.serving:
            return render.banner(diags, _anchor_finder(page, rep, rel))
        obj = rep.features.get(rel) or self._derived(rep)[1].get(rel)
        toc: list = []

        def walk(items):
            for it in items:
                toc.append((it.title, it.id))
                walk(it.children)

        walk(page.toc.items if page.toc else [])
        key = (tuple(map(_DIAG_FIELDS, diags)), tuple(toc))
        hit = self._banners.get(rel)
        if hit is not None and hit[0] is obj and hit[1] == key:
            return hit[2]
        html = render.banner(diags, _anchor_finder(page, rep, rel))
        self._banners[rel] = (obj, key, html)
        return html

    def _box(self, rel: str, kind: str, fd, keyfn, make) -> str:
        if not self.serving:
            return make()
        key = keyfn()
        hit = self._boxes.get((rel, kind))
        if hit is not None and hit[0] is fd and hit[1] == key:
            return hit[2]
        html = make()
        self._boxes[(rel, kind)] = (fd, key, html)
        return html

    def _overview(self, rep: Report, resolve, page_url: str, sessions_n: int) -> str:
        """render.overview, reused while no feature's report entry, finding or link changed."""
        if not self.serving:
            return render.overview(rep, resolve)
        sigs = self._feature_sigs(rep)
        key = (sessions_n, page_url, sigs, tuple(resolve(rel, "") for rel in rep.features)) if sigs is not None else None
        memo = self._overview_memo
        if key is not None and memo is not None and memo[0] == key:
            return memo[1]
        html = render.overview(rep, resolve)
        self._overview_memo = (key, html) if key is not None else None
        return html

    def _feature_sigs(self, rep: Report) -> tuple | None:
        """Per feature, its entry in the JSON report (the data the overview and the report show), or None."""
        memo = self._sigs_for
        if memo is not None and memo[0] is rep:
            return memo[1]
        self._sigs_for = (rep, self._feature_sigs_of(rep))
        return self._sigs_for[1]

    def _feature_sigs_of(self, rep: Report) -> tuple | None:
        out = []
        sigs = self._sigs
        from . import report as report_mod

        try:
            for rel, fd in rep.features.items():
                mets = tuple(r.met for r in fd.results) if fd.pending_related else None
                hit = sigs.get(rel)
                if hit is None or hit[0] is not fd or hit[1] != mets:
                    one = _OneFeature(rep, rel, fd)
                    hit = sigs[rel] = (fd, mets, report_mod.report_data(one)["features"][0])
                out.append((rel, hit[2]))
        except Exception:  # report_data wants more than one feature's view: no memo
            return None
        return tuple(out)

    def _banner_on(self) -> bool:
        b = self.opts.banner
        return b == "always" or (b == "serve" and self.serving)

    def on_post_build(self, config):
        if self.report is None or not self.opts.report_file:
            return
        from . import report as report_mod  # here, not at import: it pulls in xml.sax (and with it urllib, ssl)

        path = os.path.join(config.site_dir, self.opts.report_file)
        try:
            rep = self.report
            sigs = self._feature_sigs(rep) if self.serving else None
            if sigs is None:  # a plain build writes it once: no memo
                with _no_gc():  # temporary dicts only; by now MkDocs' heap is large and a collection walks all of it
                    report_mod.write_json_report(path, rep)
                return
            # serve: reuse the text while no feature entry, session or diagnostic changed
            key = (self._derived(rep)[3], rep.docs_prefix, sigs, tuple(map(_DIAG_FIELDS, rep.diagnostics)))
            memo = self._json_memo
            if memo is not None and memo[0] == key:
                report_mod.atomic_write(path, memo[1])
                return
            self._json_memo = None
            report_mod.write_json_report(path, rep)
            with open(path, "rb") as f:
                self._json_memo = (key, f.read())
        except OSError as err:
            log.warning(f"mkdocs-reassign: cannot write {self.opts.report_file}: {err}")


def _drop_unreadable(files, docs, docs_dir: str) -> None:
    """After an internal error: still leave out the files MkDocs itself would die on (undecodable
    pages, FIFOs, dangling links), so that the build and serve go on. Never raises."""
    from .project import MARKDOWN_EXTENSIONS, check_other_file, read_source

    for f in docs:
        try:
            rel = f.src_uri
            path = os.path.join(docs_dir, rel)
            if rel.endswith(MARKDOWN_EXTENSIONS):
                problem = read_source(path, rel).error
            else:
                problem = check_other_file(path)
            if problem:
                files.remove(f)
                log.warning(f"{rel}: read-error: {problem[0] if isinstance(problem, tuple) else problem} (left out of the site)")
        except Exception:  # noqa: BLE001 - this is the last line of defence
            continue


def _offset(src_lines: list[str], md_lines: list[str]) -> int | None:
    """How many source lines (front matter) precede page.markdown."""
    return _offset_n(src_lines, len(md_lines), md_lines[:3])


def _offset_n(src_lines: list[str], n_md: int, head: list[str]) -> int | None:
    """_offset from the Markdown's line count and its first three lines."""
    off = len(src_lines) - n_md
    for cand in (off, off - 1, off + 1):
        if 0 <= cand <= len(src_lines) and src_lines[cand : cand + 3] == head:
            return cand
    return None if off < 0 else off


def _head(text: str, n: int) -> list[str]:
    """text.split("\\n")[:n], without splitting the rest."""
    out = []
    p = 0
    for _ in range(n):
        q = text.find("\n", p)
        if q < 0:
            out.append(text[p:])
            break
        out.append(text[p:q])
        p = q + 1
    return out


_OVERVIEW = "<!-- reassign:overview -->"
_DIAG_FIELDS = attrgetter(*(f.name for f in dataclass_fields(Diagnostic)))


@contextmanager
def _no_gc():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fill_placeholders(html: str, sub, overview) -> tuple[list[str], int] | None:
    """``_PH_RE.sub(sub, html).replace(_OVERVIEW, overview())`` in one pass, as (the pieces that replace
    html[:pos], pos), or None when nothing matched. (sub's output never holds a marker: render escapes
    what it takes from docs.)"""
    out = []
    pos = 0
    i = _next_marker(html, 0)
    while i >= 0:
        m = _PH_RE.match(html, i)
        if m is not None:
            out.append(html[pos:i])
            out.append(sub(m))
            pos = m.end()
        elif html.startswith(_OVERVIEW, i):
            out.append(html[pos:i])
            out.append(overview())
            pos = i + len(_OVERVIEW)
        else:
            i = _next_marker(html, i + 1)
            continue
        i = _next_marker(html, pos)
    if not out:
        return None
    return out, pos


def _next_marker(html: str, start: int) -> int:
    """html.find("<!-- reassign:", start), by way of its "!": a one-character search runs twice as fast
    as this needle's (and a regex scan of the whole page several times slower)."""
    k = html.find("!", start + 1)
    while k >= 0:
        if html.startswith("<!-- reassign:", k - 1):
            return k - 1
        k = html.find("!", k + 1)
    return -1


def _release_for_render(checker: Checker, rep: Report, keep_headings: bool) -> None:
    """A build checks once: free what rendering never reads, before MkDocs fills memory with pages.

    Feature docs keep their identity, results and H1 (all their headings when a banner needs them); their
    lines shrink to the first few (the rest is read again from the file if anything asks); links, fences,
    comments, prose and sections go. Serve keeps it all."""
    checker.forget()
    for rel, fd in rep.features.items():
        doc = fd.doc
        if not isinstance(doc.lines, HeadLines):
            doc.lines = HeadLines(doc.lines, doc.fm_end + 8, os.path.join(checker.docs_dir, rel))
        for name in ("fences", "links", "comments", "prose", "ref_defs", "html_blocks"):
            if hasattr(doc, name):
                setattr(doc, name, _Released(name))
        doc._sections = _Released("sections")
        if not keep_headings:
            h1 = doc.h1
            doc.headings = [h1] if h1 is not None else []  # doc.h1 still answers


class _Released:
    """Stands for a part of a parsed doc freed by _release_for_render: any use fails loudly, never silently."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def _fail(self, *_a, **_k):
        raise RuntimeError(f"ScannedDoc.{self.name} is released after the check of a build (read it in on_files)")

    __iter__ = __len__ = __getitem__ = __contains__ = __bool__ = _fail


class _OneFeature:
    """What report_data reads of a Report, narrowed to one feature (its entry is that feature's memo key)."""

    def __init__(self, rep: Report, rel: str, fd):
        self.features = {rel: fd}
        self.sessions = []
        self.diagnostics = []
        self.docs_prefix = rep.docs_prefix
        self.findings_of = rep.findings_of


def _anchor_finder(page, rep: Report, rel: str):
    """Map a source line to (anchor id, heading text) of its nearest heading in the built page."""
    obj = rep.features.get(rel) or next((s for s in rep.sessions if s.rel == rel), None)
    toc = []

    def walk(items):
        for it in items:
            toc.append((it.title, it.id))
            walk(it.children)

    walk(page.toc.items if page.toc else [])
    if obj is None:
        return lambda line: None
    heads = obj.doc.headings
    # pair source headings with toc entries in document order, by text
    pairs: dict[int, tuple[str, str]] = {}
    j = 0
    for h in heads:
        for k in range(j, len(toc)):
            if _plain(toc[k][0]) == _plain(h.text):
                pairs[h.line] = (toc[k][1], h.text)
                j = k + 1
                break

    def find(line: int):
        best = None
        for h in heads:
            if h.line <= line and h.line in pairs:
                best = pairs[h.line]
            elif h.line > line:
                break
        return best

    return find


def _plain(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", re.sub(r"<[^>]+>", "", text).lower())
