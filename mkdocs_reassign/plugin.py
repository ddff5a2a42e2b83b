"""The MkDocs / ProperDocs adapter: events only. All logic lives in the core."""

from __future__ import annotations

import gc
import logging
import os
import sys

from mkdocs.config import base
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from . import options as core_options
from .output import html as render
from .output import overview as ov
from .output.pages import PLACEHOLDER, Pages
from . import engine, startup
from .cache import Cache
from .model.diagnostics import Diagnostic
from .memory import no_gc, release_for_render
from .model.diagnostics import one_line
from .output.site import Resolver, drop_unreadable, left_out_line, settle_files, toc

log = get_plugin_logger("reassign")


class _OneLine(logging.Filter):
    """Every record the plugin logs is one line (model.diagnostics.one_line): text from docs, paths and
    error messages can never start a line of the build log, such as a GitHub ``::error`` command."""

    def filter(self, record):
        msg = record.getMessage()
        safe = one_line(msg)
        if safe != msg:
            record.msg, record.args = safe, ()
        return True


if not any(isinstance(f, _OneLine) for f in log.logger.filters):
    log.logger.addFilter(_OneLine())


_MUTED = [False]  # set per page by _GuardedRead: a list item, not a class attribute (setting one of those costs more)


class _MuteFailedRead(logging.Filter):
    """While _GuardedRead tries MkDocs' own read, MkDocs' error line for a page it cannot read ("File not found",
    "Encoding error reading file") is held back: the plugin reports that page as a read-error instead."""

    def filter(self, record):
        return not (_MUTED[0] and isinstance(record.msg, str)
                    and record.msg.startswith(("File not found: ", "Encoding error reading file: ")))


for _name in ("mkdocs.structure.pages", "properdocs.structure.pages"):  # where Page.read_source logs them
    _pages_log = logging.getLogger(_name)
    if not any(isinstance(f, _MuteFailedRead) for f in _pages_log.filters):
        _pages_log.addFilter(_MuteFailedRead())


class _GuardedRead:
    """A page's ``read_source`` (set on the page in on_nav): MkDocs' own, and when that fails with the
    errors of a file edited or deleted mid-build, the plugin's read-error and a note instead. On a session
    page (``session``) it is followed by the plugin's Markdown step (Pages.markdown): the page's Markdown gets
    it before any plugin's on_page_markdown, and no other page pays a call for it."""

    __slots__ = ("plugin", "page", "read", "session")

    def __init__(self, plugin, page, read, session: bool = False):
        self.plugin, self.page, self.read, self.session = plugin, page, read, session

    def __call__(self, config):
        muted = _MUTED
        muted[0] = True
        try:
            self.read(config)
        except (OSError, ValueError):
            muted[0] = False
            self.plugin._read_failed(self.page)  # a note in place of the page, unless it is readable again
            self.read(config)  # of the note, or of the file as it is now (then MkDocs' own errors)
        finally:
            muted[0] = False
        if self.session:
            self.plugin._markdown_step(self.page)


class _Rendered:
    """A session page's ``render`` (set in on_nav): MkDocs' own, then the plugin's content step (the attention
    table, finding anchors and cards), before any plugin's on_page_content and the search plugins: the table is
    page text. Every other page's content step (gap anchors, markers) is in on_page_context, after the search
    plugins indexed the page: an anchor right before the H1 made Material index an empty extra section."""

    __slots__ = ("plugin", "page", "render")

    def __init__(self, plugin, page, render):
        self.plugin, self.page, self.render = plugin, page, render

    def __call__(self, config, files):
        self.render(config, files)
        page, plugin = self.page, self.plugin
        if page.file.src_uri in plugin.pages.sessions:
            page.content = plugin._page_step(page, page.content, files, False)


def _spill(buf: bytearray, data: bytes) -> tuple[int, int]:
    """Append ``data`` to what the check's process writes to its anonymous file: where it is (offset, length)."""
    at = len(buf)
    buf += data
    return at, len(data)


def _pread(fd: int, offset: int, length: int) -> bytes:
    parts = []
    while length > 0:
        chunk = os.pread(fd, length, offset)
        if not chunk:
            raise OSError("the check's results end early")  # (an OSError: every reader handles those)
        parts.append(chunk)
        offset += len(chunk)
        length -= len(chunk)
    return b"".join(parts)


class _Spilled:
    """The check's anonymous file, kept open by the build's process until on_post_build: what it reads once, late
    (a page's boxes, the overview, the JSON report), it reads from there when it needs it, not at the join."""

    __slots__ = ("fd",)

    def __init__(self, fd: int):
        self.fd = fd

    def read(self, ref: tuple[int, int]) -> bytes:
        return _pread(self.fd, ref[0], ref[1])

    def load(self, ref: tuple[int, int]):
        import pickle

        return pickle.loads(self.read(ref))

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _log_lines(rep) -> list[tuple[bool, str]]:
    """(info?, line) of each diagnostic the build logs (the check's process makes them: plugin._child)."""
    return [(d.severity == "info", d.format()) for d in rep.active]


CSS_PATH = "assets/mkdocs-reassign.css"
FAILED_NOTE = "The check failed on this build (see the build log); the overview comes back with the next build that checks.\n"


ReassignConfig = type("ReassignConfig", (base.Config,), {o.name: o.config_option() for o in core_options.DECLARATION})


class ReassignPlugin(BasePlugin[ReassignConfig]):
    """Holds feature docs to their contracts. Events only: the checks live in engine.validate, what pages
    show in output.pages.Pages."""

    def __init__(self):
        self.serving = self.dirty = False
        self.project: engine.Project | None = None
        self.cache = Cache()  # per-file results, kept across serve rebuilds
        self.report = None
        self.pages: Pages | None = None
        self._key = None
        self._baseline_stamp = None
        self._rel_urls: dict[tuple[str, str], str] = {}  # serve: (url, page url) -> get_relative_url()
        self._files = None  # the site's files, for links from the boxes placed in on_page_context
        self._undo_page = self._undo_content = None  # the last page given a banner or boxes, and its content before
        self._report_clash: str | None = None  # report_file names a file MkDocs writes (on_files): not written

    # -- lifecycle: having on_startup keeps this instance across serve rebuilds
    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config):
        try:
            opts = core_options.validate({k: v for k, v in self.config.items()})
        except core_options.OptionError as err:
            from mkdocs.exceptions import PluginError

            raise PluginError(f"reassign: {err}") from None
        root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        key = (root, config.docs_dir, repr(opts))
        if self.project is None or key != self._key:
            self.project = engine.Project(root, config.docs_dir, opts, os.path.basename(config.config_file_path or "mkdocs.yml"),
                                          one_shot=not self.serving)  # a build checks once; serve re-checks
            self.cache = Cache()
            self.pages = Pages(opts, memo=self.serving, banner_on=self._banner_on(opts))
            self._rel_urls = {}
            self._key = key
            self._baseline_stamp = None
        if opts.baseline:  # (re)read when it changed, so serve sees a new baseline
            from .waivers import file_stamp, read_baseline

            path = os.path.join(root, opts.baseline)
            stamp = file_stamp(path)
            if stamp != self._baseline_stamp:
                self._baseline_stamp = stamp
                try:
                    self.project.baseline = read_baseline(path)
                except ValueError as err:
                    self.project.baseline = None
                    log.warning(f"{opts.baseline}: error: contract: {err} (run mkdocs-reassign baseline to write it)")
        self.opts = opts
        if CSS_PATH not in config.extra_css:  # boxes, banner and tables are styled by one stylesheet for the site
            config.extra_css.append(CSS_PATH)
        # the coverage map's own stylesheet and filter script (package data, no CDN; a page of the site's own
        # may hold the overview marker, so they are there whether or not the plugin generates the page)
        if ov.CSS_PATH not in config.extra_css:
            config.extra_css.append(ov.CSS_PATH)
        if ov.JS_PATH not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(ov.JS_PATH)
        self._url_style = config.use_directory_urls
        if opts.contracts_dir:  # serve: editing a contract rebuilds
            folder = os.path.join(root, opts.contracts_dir)
            if os.path.isdir(folder) and folder not in config.watch:
                config.watch.append(folder)

    def on_pre_build(self, config):
        """MkDocs lists docs_dir next, following every link, before any plugin sees a file: a link to ``/``, to a
        folder holding docs_dir or into /proc would make it walk the whole disk. Stop the build instead, naming them."""
        from .sources import unwalkable_links

        bad = unwalkable_links(config.docs_dir)
        if bad:
            from mkdocs.exceptions import PluginError

            prefix = self.project.docs_prefix if self.project else ""
            for rel, real in bad:  # one line each, escaped as every diagnostic is
                log.error(Diagnostic(prefix + rel, 0, "read-error", f"symbolic link leaving docs_dir (to {real}); MkDocs would "
                                     "walk all of it before any plugin runs", "remove the link or copy what it links to into docs_dir").format())
            raise PluginError(f"reassign: {len(bad)} symbolic link(s) in docs_dir lead to / or a folder MkDocs cannot walk "
                              f"(first: {one_line(prefix + bad[0][0])}); the build is stopped before MkDocs walks them")

    @event_priority(-50)  # after plugins that add or remove files
    def on_files(self, files, config):
        # src_dir, not abs_src_path: the latter is computed (a path join) per file on every rebuild
        docs = [f for f in files if f.generated_by is None and f.src_dir and f.inclusion is not InclusionLevel.EXCLUDED]
        uris = [f.src_uri for f in docs]
        self._undo_page = self._undo_content = None
        self._check_failed = False
        self._json_ref = None
        self._close_spilled()
        if self._forkable() and self._fork_check(uris, files, config):
            self.report = None  # until _join()
            for f in docs:
                if f.src_uri in self._left_out:
                    files.remove(f)
        else:
            rep = self._check(uris)
            if rep is None:
                drop_unreadable(files, docs, config.docs_dir, log.warning)
                self._add_generated(files, config, FAILED_NOTE)  # serve: the overview URL never 404s
                return files
            settle_files(files, docs, rep, self.dirty, self.pages)
            self._log(rep)
        self._add_generated(files, config, PLACEHOLDER.format("overview"))
        self._report_clash = self._clash(files, config)
        if self._report_clash:
            log.warning(self._report_clash)
        return files

    def _run_check(self, uris: list[str], sources: dict | None = None):
        """The check and what pages need of it (self.pages); a build then lets go of what only the check needs."""
        with no_gc():  # it builds a large acyclic model: collections would only re-walk it
            rep = engine.validate(uris, self.project, self.cache, sources)
            self.pages.update(rep, (rep.link_gen, self._url_style))  # reads headings, comments: before the release below
        if not self.serving:
            release_for_render(self.cache, self.project.docs_dir, rep, keep_headings=self.pages.banner_on)
        return rep

    def _check(self, uris: list[str]):
        """The check in this process: the report (also self.report), or None after logging an internal error."""
        try:
            rep = self._run_check(uris)
        except Exception as err:  # never abort serve; fail a strict build
            self.report = None
            log.error(f"mkdocs-reassign internal error: {type(err).__name__}: {err} (please report it)")
            return None
        self.report = rep
        self.checked_in = "this process"
        startup.forget_functions()
        return rep

    @staticmethod
    def _log(rep) -> None:
        for info, msg in _log_lines(rep):
            (log.info if info else log.warning)(msg)

    # -- a one-shot build checks in a second process, while MkDocs reads and renders the pages in this one
    _pending = None  # (pid, fd, uris) of the check running in a child process
    _left_out: dict = {}
    _check_failed = False
    _json_ref = None  # where the JSON report is in the check's anonymous file (_Spilled), when it made it
    _spilled = None
    checked_in = ""  # where the last check ran: "this process" or "second process" (tests read it)

    def _forkable(self) -> bool:
        """A build (not serve, not --dirty: their steps in on_files need the results) on Linux, with no other
        thread in this process (a fork copies only the calling thread; /proc counts threads started from C too),
        unless MKDOCS_REASSIGN_FORK=0."""
        if self.serving or self.dirty or not sys.platform.startswith("linux") or not hasattr(os, "memfd_create"):
            return False
        if os.environ.get("MKDOCS_REASSIGN_FORK", "1").strip() == "0":
            return False
        try:
            return len(os.listdir("/proc/self/task")) == 1
        except OSError:
            return False

    def _fork_check(self, uris: list[str], files, config) -> bool:
        """Start the check in a child process; False when it cannot start (the caller checks here instead).

        The build needs nothing of the check before the first session page is read, or before on_env (after
        MkDocs has read and rendered every page): the check's wall time leaves the build on a machine with a
        second core. What the site leaves out as unreadable is found first, here (on_files must remove those
        files); the child sends back the report and the pages' state, pickled, through an anonymous file and
        exits at once (a pipe would keep it alive, and every page this process writes to copied, until read).
        The files are read here, before the fork: the check judges them as they were at on_files, as it does in
        this process (a plugin's on_files after this one, or an editor, may change them while MkDocs builds)."""
        try:
            sources, left_out = engine.read_ahead(uris, self.project)
            fd = os.memfd_create("mkdocs-reassign-check", os.MFD_CLOEXEC)
        except Exception:  # noqa: BLE001 - an OSError, or a bug the check in this process reports
            return False
        try:
            pid = os.fork()
        except OSError:
            os.close(fd)
            return False
        if pid == 0:  # the child: never returns
            self._child(fd, uris, sources, files, config, left_out)
        self._pending = (pid, fd, uris)
        self._left_out = left_out
        self.cache = Cache()  # (a build has no use for a cache after the check)
        return True

    def _child(self, fd: int, uris: list[str], sources: dict, files, config, left_out: dict) -> None:
        code = 1
        try:
            import pickle

            try:
                rep = self._run_check(uris, sources)
                pages = self.pages
                with no_gc():  # the log's lines, the JSON report and the boxes are made here too (see Pages.prerender)
                    self._prerender(files, config, left_out)
                    lines = _log_lines(rep)
                    # what the build's process reads once, late, stays in the anonymous file until then (_Spilled):
                    # the JSON report, the overview, each page's boxes (10 MiB at 1,000 docs, which it would hold
                    # from the join on, as str of 4 bytes a character once a box holds an emoji)
                    spill = bytearray()

                    def put(obj) -> tuple[int, int]:
                        return _spill(spill, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))

                    json_ref = _spill(spill, pages.json_text().encode("utf-8")) if self.opts.report_file else None
                    pages.drafts = {rel: (url, put(parts)) for rel, (url, parts) in pages.drafts.items()}
                    if pages.map_draft is not None:
                        pages.map_draft = (pages.map_draft[0], put(pages.map_draft[1]))
                    main = len(spill)
                    spill += pickle.dumps((rep, pages, json_ref, lines), protocol=pickle.HIGHEST_PROTOCOL)
                    spill += main.to_bytes(8, "little")
                data = spill
                code = 0
            except BaseException as err:  # noqa: BLE001 - the parent checks again in its own process
                data = f"{type(err).__name__}: {err}".encode("utf-8", "replace")
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os._exit(code)  # no atexit handlers, no flush of buffers the parent also holds

    def _prerender(self, files, config, left_out: dict) -> None:
        """The boxes and the overview drawn here, against the files as the build's process has them after on_files
        (without the left-out ones; the overview page is added after the fork). Never fails the check: without
        drafts, the build's process draws them."""
        try:
            for f in [f for f in files if f.src_uri in left_out and f.generated_by is None]:
                files.remove(f)
            name = self.opts.overview_page
            page = files.get_file_from_path(name) if name else None
            url = page.url if page is not None else File.generated(config, name, content="").url if name else None
            self.pages.prerender(files, url)
        except Exception:  # noqa: BLE001 - a bug here costs time, not the boxes
            self.pages.drafts, self.pages.draft_urls, self.pages.map_draft = {}, {}, None

    def _join(self) -> None:
        """The results of the check started by _fork_check; when it failed for any reason, the check runs here."""
        pid, fd, uris = self._pending
        self._pending = None
        rep = why = None
        try:
            _, status = os.waitpid(pid, 0)
            size = os.fstat(fd).st_size
            if os.waitstatus_to_exitcode(status) == 0:
                import pickle

                main = int.from_bytes(_pread(fd, size - 8, 8), "little")
                rep, pages, json_ref, lines = pickle.loads(_pread(fd, main, size - 8 - main))
                pages.spilled = self._spilled = _Spilled(fd)
                fd = None  # (open until on_post_build: the boxes, the overview and the report are read from it)
            else:
                why = _pread(fd, 0, size).decode("utf-8", "replace") or f"exit status {os.waitstatus_to_exitcode(status)}"
        except Exception as err:  # noqa: BLE001 - checked again below
            rep, why = None, f"{type(err).__name__}: {err}"
        finally:
            if fd is not None:
                os.close(fd)
        if rep is None:
            log.debug(f"the check in a second process failed ({why}); checking in this one")
            if self._check(uris) is None:
                self._check_failed = True
                for rel, problem in sorted(self._left_out.items()):
                    log.warning(left_out_line(rel, problem))
                return
        else:
            self.report, self.pages, self._json_ref = rep, pages, json_ref
            if (pages.drafts or pages.map_draft is not None) and (self._files is None or not pages.drafts_hold(self._files)):
                pages.drafts, pages.map_draft = {}, None
                log.debug("a file the boxes link to moved after the check's on_files: the boxes are drawn here")
            self.checked_in = "second process"
            log.debug("checked in a second process")
            startup.forget_functions()
            for info, msg in lines:
                (log.info if info else log.warning)(msg)
            return
        self._log(self.report)

    def on_env(self, env, config, files):
        if self._pending is not None:
            self._join()
        return env

    def _close_spilled(self) -> None:
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None

    def on_build_error(self, error):
        """The build stopped: the check in a child process is not waited for."""
        self._close_spilled()
        if self._pending is not None:
            pid, fd, _ = self._pending
            self._pending = None
            try:
                import signal

                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
            os.close(fd)

    def _add_generated(self, files, config, overview_body: str) -> None:
        """The stylesheets, the overview's script and the overview page (a file of the user's at a path wins)."""
        if not files.get_file_from_path(CSS_PATH):
            files.append(File.generated(config, CSS_PATH, content=render.css()))
        for path, name in ((ov.CSS_PATH, "overview.css"), (ov.JS_PATH, "overview.js")):
            if not files.get_file_from_path(path):
                files.append(File.generated(config, path, content=ov.asset(name)))
        if self.opts.overview_page and not files.get_file_from_path(self.opts.overview_page):
            files.append(File.generated(config, self.opts.overview_page, content=ov.PAGE.format(marker=overview_body)))

    @event_priority(-100)  # after plugins that add pages to the navigation
    def on_nav(self, nav, config, files):
        """MkDocs reads each page after on_pre_page: a page edited since the check into something undecodable, or
        deleted, must be a read-error for that page on this rebuild (the page shows a note), never MkDocs'
        UnicodeDecodeError or FileNotFoundError stopping the build; the watcher's next rebuild shows it again.
        So each page's own ``read_source`` is wrapped (_GuardedRead), here in one loop: nothing is read or
        stat'ed twice, and there is no window between a look at the file and MkDocs' read. (Not
        on_page_read_source: MkDocs takes one such handler per site and warns, failing --strict, when a second
        plugin registers one.)"""
        if self.project is None:
            return nav
        self._files = files
        if self._pending is not None:  # the check runs in a second process: its sessions are the glob's
            sessions = {f.src_uri for f in files if f.page is not None and self.project.is_session(f.src_uri)}
        else:
            sessions = self.pages.sessions if self.report is not None else {}
        late = False  # a session page MkDocs makes only after this event needs the plugin's events
        enabled = gc.isenabled()  # a wrapper per page: a collection of MkDocs' heap falling due waits for MkDocs
        gc.disable()  # (inline, as in _page_step)
        try:
            for f in files:  # (not documentation_pages(): two calls a file, 1.3 ms at 1,000 docs)
                page = f.page  # only a page of the site has one
                if page is None:  # a draft in serve: MkDocs makes its page after on_nav
                    if self.serving and f.is_documentation_page() and f.inclusion.is_in_serve():
                        late = late or f.src_uri in sessions
                    continue
                rel = f.src_uri
                page_vars = vars(page)  # (a method another plugin set on the page is wrapped as MkDocs' own is)
                if f.generated_by is None and f.src_dir and not isinstance(page_vars.get("read_source"), _GuardedRead):
                    page.read_source = _GuardedRead(self, page, page.read_source, rel in sessions)
                if rel in sessions and not isinstance(page_vars.get("render"), _Rendered):
                    page.render = _Rendered(self, page, page.render)
        finally:
            if enabled:
                gc.enable()
        # Every session page has its Markdown and content steps in its own read_source and render: the plugin's
        # on_page_markdown and on_page_content would be one call per page for nothing (about 5 µs each, between
        # two pages' rendering), so they leave this build's event lists. (Kept when a draft session needs them.)
        events = getattr(config.plugins, "events", None)
        for name in ("page_markdown", "page_content"):
            handler = getattr(self, "on_" + name)
            if not late and isinstance(events, dict) and handler in events.get(name, ()):
                events[name].remove(handler)
        return nav

    def _read_failed(self, page) -> None:
        """The page could not be read: if it still cannot, log a read-error and give it a note to show."""
        from .sources import read_source

        f = page.file
        src = read_source(os.path.join(f.src_dir, f.src_uri), f.src_uri, self.project.docs_dir)
        if src.error is None:
            return  # readable again (a second save): MkDocs reads it as usual
        import html

        log.warning(Diagnostic(self.project.docs_prefix + f.src_uri, src.error_line, "read-error", src.error[0],
                               "it changed after this rebuild checked it; the page shows a note until the next rebuild").format())
        f.content_string = (f"# This page could not be read\n\n{html.escape(one_line(f.src_uri))}: {html.escape(src.error[0])}. "
                            "It changed while the site was being built; the next rebuild shows it again.\n")

    def _clash(self, files, config) -> str | None:
        """The report_file option names a file MkDocs writes to site_dir (a page, a theme file): say so; not written."""
        import posixpath

        name = self.opts.report_file
        if not name:
            return None
        dest = posixpath.normpath(name.replace("\\", "/"))
        owner = next((f.src_uri for f in files if f.dest_uri == dest), None)
        if owner is None and dest not in set(config.theme.static_templates):
            return None
        what = f"the output of {owner}" if owner else "a page of the theme"
        return (f"{os.path.basename(config.config_file_path or 'mkdocs.yml')}: error: option 'report_file': {name!r} is {what}, "
                "which MkDocs writes to the site; the report is not written (choose another name, e.g. reassign-report.json)")

    @event_priority(50)  # before other plugins reshape the Markdown
    def on_page_markdown(self, markdown, page, config, files):
        """Only for a page on_nav could not give the step (a draft in serve); on_nav drops it otherwise."""
        if isinstance(vars(page).get("read_source"), _GuardedRead):
            return markdown
        page.markdown = markdown
        self._markdown_step(page)
        return page.markdown

    def _markdown_step(self, page) -> None:
        """A session page's Markdown with the slots for its attention table and anchors for its findings."""
        rel = page.file.src_uri
        if self._pending is not None:  # the first session page: its attention table needs the results
            self._join()
        if self.report is None or rel not in self.pages.sessions:
            return
        try:
            page.markdown = self.pages.markdown(rel, page.markdown)
        except Exception as err:
            log.error(f"mkdocs-reassign internal error on {rel}: {type(err).__name__}: {err}")

    def on_page_content(self, html, page, config, files):
        """Only for a page on_nav could not give the step (a draft in serve); on_nav drops it otherwise."""
        if self.report is None or isinstance(vars(page).get("render"), _Rendered) or page.file.src_uri not in self.pages.sessions:
            return html
        return self._page_step(page, html, files, False)

    @event_priority(-100)  # after the search plugins (priority 0), which index page.content here
    def on_page_context(self, context, page, config, nav):
        """The banner and the boxes go into the content after the search plugins indexed it: their indexer
        never parses them. (Here, not in the finished page: the content is a fraction of a page that holds
        the site's navigation, and the page is not copied once more.)

        The page rendered before this one gets its content without them back first (what the search index
        holds; the last page's in on_post_build). MkDocs keeps every page's content to the end of the build;
        keeping the copies with the boxes cost 2.5 MB of peak RSS at 70 docs (the allocator's holes, not the
        boxes' bytes). Here rather than in on_post_page: one call per page fewer."""
        done = self._undo_page
        if done is not None:  # (inline: a call costs about 2 µs here)
            done.content = self._undo_content
            self._undo_page = self._undo_content = None
        if self.report is None or self._files is None:
            if self._check_failed and page.file.src_uri == self.opts.overview_page and page.file.generated_by:
                page.content = page.content.replace(PLACEHOLDER.format("overview"), f"<p>{FAILED_NOTE.strip()}</p>", 1)
            return context
        pages, rel = self.pages, page.file.src_uri
        before = page.content  # as the search plugins indexed it
        if rel not in pages.plain and rel not in pages.sessions:  # gap anchors, markers (a session's: at render)
            page.content = self._page_step(page, before, self._files, False)
        ready = pages.ready.pop(rel, None)  # serve: the page's boxes as the last rebuild drew them
        if ready is not None and ready[0] == page.url:
            pages.placed.pop(rel, None)
            content = page.content
            head = content[:pages.boxes_at(rel, content)]
            page.content = content.replace(head, head + ready[1], 1)
        elif rel in pages.placed or rel in pages.maps:
            page.content = self._page_step(page, page.content, self._files, True)
        if page.content is not before:  # (no tuple: nothing here allocates an object the collector tracks)
            self._undo_page, self._undo_content = page, before
        return context

    def _restore(self) -> None:
        """Put back the content without the banner and the boxes on the page that had them last."""
        if self._undo_page is not None:
            self._undo_page.content = self._undo_content
            self._undo_page = self._undo_content = None

    def _page_step(self, page, html: str, files, place: bool) -> str:
        """Pages.content (or, with ``place``, Pages.place) of one page's HTML; an internal error is one line in the
        log and leaves the HTML as it was. Nothing here makes a cycle: a collection of MkDocs' heap falling due
        waits for MkDocs' next allocation. So the collector is paused before anything here allocates (the
        callers pass no closure; an allocation before the pause ran a collection of the whole heap here, 16 ms
        at 1,000 docs), and inline, not with no_gc(): a context manager's exit allocates after enabling."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            resolve = Resolver(page, files, self._rel_urls if self.serving else {})
            rel = page.file.src_uri
            if place:
                return self.pages.place(rel, html, page.url, resolve, lambda: toc(page))
            return self.pages.content(rel, html, lambda: toc(page), resolve, page.url)
        except Exception as err:
            log.error(f"mkdocs-reassign internal error on {page.file.src_uri}: {type(err).__name__}: {err}")
            return html
        finally:
            if enabled:
                gc.enable()

    def _banner_on(self, opts) -> bool:
        """Do pages list their diagnostics in a banner (option banner, and whether this is serve)?"""
        return opts.banner == "always" or (opts.banner == "serve" and self.serving)

    @event_priority(100)  # before plugins that read the pages' content once they are all built
    def on_post_build(self, config):
        self._restore()  # (the last page's)
        try:
            self._write_report(config)
        finally:
            self._close_spilled()

    def _write_report(self, config) -> None:
        if self.report is None or not self.opts.report_file or getattr(self, "_report_clash", None):
            return
        from .files import atomic_write  # (not output.formats: the report's text came from the check)

        path = os.path.join(config.site_dir, self.opts.report_file)
        try:
            ref, self._json_ref = self._json_ref, None
            if ref is not None and self._spilled is not None:
                text = self._spilled.read(ref)
            else:
                with no_gc():  # temporary dicts only; by now MkDocs' heap is large and a collection walks all of it
                    text = self.pages.json_text()
            atomic_write(path, text)
        except OSError as err:
            log.warning(f"mkdocs-reassign: cannot write {self.opts.report_file}: {err}")
