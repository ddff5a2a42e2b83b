"""Helpers for browser tests: headless Chromium, a static file server, `mkdocs serve`.

Plain importable module (no pytest magic in here), used by ``tests/conftest.py``
and usable from scripts::

    from browser_support import MkdocsServe, StaticServer, browser

    with MkdocsServe("path/to/project") as srv, browser() as b:
        page = b.new_page()
        page.goto(srv.url)

Machine notes (see the README / .ci/run):

* Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``).
  ``playwright install`` cannot download browsers here, so Playwright is always
  pointed at that binary with ``executable_path``.  A missing Chromium is an
  error, never a skip.
* Playwright refuses ``--user-data-dir`` in ``args``; it already starts every
  ``launch()`` with a fresh, empty temporary profile directory of its own.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = [
    "CHROMIUM_ARGS",
    "DEFAULT_CHROMIUM",
    "MkdocsServe",
    "StaticServer",
    "browser",
    "find_chromium",
    "free_port",
]

DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: Flags Chromium needs on this machine (root, no sandbox, closed network).
#: ``--headless`` itself is added by Playwright when ``headless=True``.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

_INSTALL_HINT = "Install it with `apt-get update && apt-get install -y chromium`"


# --------------------------------------------------------------------------- #
# Chromium / Playwright
# --------------------------------------------------------------------------- #


def find_chromium() -> str:
    """Path of the Chromium binary: ``$CHROMIUM`` if set, else /usr/bin/chromium.

    Raises RuntimeError (never skips) when it is not there.
    """
    env_value = os.environ.get("CHROMIUM")
    candidate = env_value or DEFAULT_CHROMIUM
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    source = f"$CHROMIUM={env_value!r}" if env_value else DEFAULT_CHROMIUM
    raise RuntimeError(
        f"Chromium not found or not executable at {source}. "
        f"Browser tests need Debian's Chromium: {_INSTALL_HINT} "
        "(or point $CHROMIUM at a Chromium binary). "
        "`playwright install` does not work on this machine."
    )


@contextlib.contextmanager
def browser(
    *,
    headless: bool = True,
    extra_args: Sequence[str] = (),
    launch_timeout_ms: float = 60_000,
) -> Iterator[Browser]:
    """Launch Debian's Chromium through Playwright (sync API); close it on exit."""
    executable = find_chromium()
    # Imported lazily so StaticServer / MkdocsServe work without Playwright.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=executable,
            headless=headless,
            args=[*CHROMIUM_ARGS, *extra_args],
            timeout=launch_timeout_ms,
        )
        try:
            yield chromium
        finally:
            with contextlib.suppress(Exception):
                chromium.close()


# --------------------------------------------------------------------------- #
# Servers
# --------------------------------------------------------------------------- #


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (another process may still take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        # Browsers drop connections all the time; don't spray tracebacks.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class StaticServer:
    """Serve ``root`` over HTTP on 127.0.0.1 (free port) from a background thread.

    >>> with StaticServer("site") as srv:
    ...     srv.url   # 'http://127.0.0.1:PORT/'
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(f"StaticServer root is not a directory: {self.root}")
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None
        self.url: str = ""

    def __enter__(self) -> "StaticServer":
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        # Port 0: the kernel picks a free port atomically, no race.
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"StaticServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None


_SERVING_ON = re.compile(r"Serving on (https?://\S+)")
_PORT_IN_USE = re.compile(r"Address already in use|Errno 98")
# Talk to 127.0.0.1 directly even if *_proxy variables are set.
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class MkdocsServe:
    """Run ``<command> serve`` for a project on 127.0.0.1 with live reload.

    ``command`` is ``("mkdocs",)`` or ``("properdocs",)`` (or a full argv prefix
    such as ``(sys.executable, "-m", "mkdocs")``).  A bare name is looked up
    first next to the running interpreter (the same virtualenv), then on PATH.

    Entering waits until the server answers HTTP (``timeout`` seconds, default
    60) and raises RuntimeError with everything the process printed if it does
    not.  Exiting stops the whole process group: SIGINT first (so mkdocs
    removes its temporary site dir), then SIGTERM, then SIGKILL.  The process
    runs with a private $TMPDIR that is deleted afterwards, because mkdocs 1.6
    leaks its ``mkdocs_*`` site dir when the config fails to load.

    Attributes: ``url`` (the "Serving on" URL, including any mount path taken
    from ``site_url``), ``port``, ``process``; methods ``output()`` and
    ``wait_for_output()``.
    """

    def __init__(
        self,
        project_dir: str | os.PathLike[str],
        config_file: str | os.PathLike[str] = "mkdocs.yml",
        command: Sequence[str] = ("mkdocs",),
        *,
        timeout: float = 60.0,
        extra_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.project_dir = Path(project_dir).resolve()
        self.config_file = str(config_file)
        self.command = tuple(command)
        self.timeout = timeout
        self.extra_args = tuple(extra_args)
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen[str] | None = None
        self.port: int | None = None
        self.url: str = ""
        self._lines: list[str] = []
        self._cond = threading.Condition()
        self._reader: threading.Thread | None = None
        self._tmpdir: str | None = None

    # -- output ----------------------------------------------------------- #

    def output(self) -> str:
        """Everything the server process has printed so far (stdout + stderr)."""
        with self._cond:
            return "".join(self._lines)

    def wait_for_output(
        self, pattern: str | re.Pattern[str], timeout: float = 20.0, *, start: int = 0
    ) -> re.Match[str]:
        """Block until ``pattern`` (regex) matches ``output()[start:]``; return the match.

        Pass ``start=len(srv.output())`` taken *before* an action to only see
        output produced after it.  Raises TimeoutError with the output.
        """
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                match = regex.search("".join(self._lines), start)
                if match:
                    return match
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        raise TimeoutError(
            f"{regex.pattern!r} did not appear in the server output within {timeout}s.\n"
            + self._describe()
        )

    def _read_output(self, stream) -> None:
        try:
            for line in iter(stream.readline, ""):
                with self._cond:
                    self._lines.append(line)
                    self._cond.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                stream.close()
            with self._cond:
                self._cond.notify_all()

    def _describe(self) -> str:
        argv = " ".join(self.process.args) if self.process else " ".join(self.command)
        rc = self.process.poll() if self.process else None
        status = "still running" if rc is None else f"exit code {rc}"
        return (
            f"command: {argv}\ncwd: {self.project_dir}\nstatus: {status}\n"
            f"--- server output ---\n{self.output()}--- end of output ---"
        )

    # -- lifecycle -------------------------------------------------------- #

    def _argv_prefix(self) -> list[str]:
        if not self.command:
            raise ValueError("MkdocsServe: empty command")
        first, rest = self.command[0], list(self.command[1:])
        if os.sep in first:
            return [first, *rest]
        beside_python = Path(sys.executable).parent / first
        if beside_python.is_file() and os.access(beside_python, os.X_OK):
            return [str(beside_python), *rest]
        found = shutil.which(first)
        if found:
            return [found, *rest]
        raise RuntimeError(
            f"{first!r} not found next to {sys.executable} nor on PATH; "
            'install the test dependencies: python -m pip install -e ".[test]"'
        )

    def _name(self) -> str:
        cmd = list(self.command)
        if "-m" in cmd[:-1]:  # (python, -m, mkdocs)
            return cmd[cmd.index("-m") + 1]
        return os.path.basename(cmd[0])

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        bindir = str(Path(sys.executable).parent)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        env["PYTHONUNBUFFERED"] = "1"
        if self._tmpdir is not None:
            env["TMPDIR"] = self._tmpdir
        env.update(self.extra_env)
        return env

    def __enter__(self) -> "MkdocsServe":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        prefix = self._argv_prefix()
        deadline = time.monotonic() + self.timeout
        attempts = 3  # free_port() can race with another process grabbing the port
        for attempt in range(1, attempts + 1):
            try:
                self._launch(prefix)
                self._wait_ready(deadline)
                return
            except _PortTaken:
                self.stop()
                if attempt == attempts:
                    raise RuntimeError(
                        f"{self._name()} serve could not bind a port after {attempts} tries.\n"
                        + self._describe()
                    ) from None
            except BaseException:
                self.stop()
                raise

    def _launch(self, prefix: list[str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        argv = [
            *prefix,
            "serve",
            "-f",
            self.config_file,
            "-a",
            f"127.0.0.1:{self.port}",
            "--livereload",
            *self.extra_args,
        ]
        with self._cond:
            self._lines = []
        self._tmpdir = tempfile.mkdtemp(prefix="mkdocs-serve-harness-")
        self.process = subprocess.Popen(
            argv,
            cwd=self.project_dir,
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,  # own process group, so stop() gets every child
        )
        self._reader = threading.Thread(
            target=self._read_output,
            args=(self.process.stdout,),
            name=f"MkdocsServe-output:{self.port}",
            daemon=True,
        )
        self._reader.start()

    def _wait_ready(self, deadline: float) -> None:
        assert self.process is not None
        while True:
            if self.process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(timeout=5)  # collect the last words
                if _PORT_IN_USE.search(self.output()):
                    raise _PortTaken()
                raise RuntimeError(
                    f"{self._name()} serve exited before it answered HTTP.\n" + self._describe()
                )
            if self._answers_http():
                match = _SERVING_ON.search(self.output())
                if match:
                    self.url = match.group(1)
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(
                    f"{self._name()} serve did not answer HTTP on {self.url} within "
                    f"{self.timeout}s.\n" + self._describe()
                )
            # Wake up early on new output (e.g. "Serving on ..."), else re-poll soon.
            with self._cond:
                self._cond.wait(min(0.2, remaining))

    def _answers_http(self) -> bool:
        try:
            with _NO_PROXY_OPENER.open(self.url, timeout=5) as response:
                response.read()
            return True
        except urllib.error.HTTPError:
            return True  # any HTTP status means the server is up
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        """Stop the process group (idempotent)."""
        proc = self.process
        if proc is not None:
            for sig, grace in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                if proc.poll() is not None:
                    break
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=grace)
            # The leader is gone; make sure nothing it started lingers.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None


class _PortTaken(Exception):
    """mkdocs serve lost the race for its port; retry with another one."""


# --------------------------------------------------------------------------- #
# Layout and colour probes (page.evaluate snippets)
# --------------------------------------------------------------------------- #

#: ``page.evaluate(OVERFLOW_JS, selector)``: the page's scroll and client widths, and every element matching
#: ``selector`` whose right edge lies beyond the viewport (elements inside a scroll box of their own, one
#: with ``overflow-x: auto|scroll``, are left out: they scroll inside it).
OVERFLOW_JS = """(sel) => {
  const W = document.documentElement.clientWidth;
  const inScroller = el => { for (let n = el.parentElement; n; n = n.parentElement) {
      const o = getComputedStyle(n).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const bad = [...document.querySelectorAll(sel)].filter(el => {
      const r = el.getBoundingClientRect(); return r.width > 0 && r.right > W + 0.5 && !inScroller(el);
  }).map(el => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`);
  return {scroll: document.documentElement.scrollWidth, client: W, bad: bad.slice(0, 10)};
}"""

#: ``page.evaluate(CONTRAST_JS, selector)``: for each element matching ``selector``, its text and the WCAG
#: contrast ratio of its computed text colour against the background it is drawn on (the ancestors'
#: computed backgrounds composited up to the first opaque one; the canvas is white if none is).
CONTRAST_JS = """(sel) => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
      const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const bgOf = el => { const layers = [];
      for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor);
          if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
      let out = [255, 255, 255]; for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out); return out; };
  const lum = rgb => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
      return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]); };
  return [...document.querySelectorAll(sel)].map(el => {
      const bg = bgOf(el), fg = over(parse(getComputedStyle(el).color), bg), a = lum(fg), b = lum(bg);
      return {what: `${el.tagName.toLowerCase()}.${el.className || el.parentElement.className}`, text: el.textContent.trim().slice(0, 30),
              ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
  });
}"""
