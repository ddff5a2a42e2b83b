"""Reading the docs tree safely: one file as UTF-8 (never blocking on a FIFO or device), the files MkDocs would
copy, symbolic link loops, and the walk of docs_dir as MkDocs sees it."""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024  # never read
# A page over either limit is reported (read-error) and left out of the check and the site, unscanned: MkDocs
# alone takes minutes to render such a page, and every per-heading step would grow with it.
PAGE_BYTES = 5 * 1024 * 1024
PAGE_HEADINGS = 60_000  # lines that start with "#" (an upper bound of the ATX headings, counted without a scan)
# What MkDocs reads as pages (mkdocs.utils.markdown_extensions): a page it cannot decode kills the build.
MARKDOWN_EXTENSIONS = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


@dataclass
class Source:
    rel: str  # docs-relative, forward slashes
    abs: str
    text: str | None = None
    error: tuple[str, str] | None = None  # (message, hint)
    digest: str = ""
    error_line: int = 0  # where the error is, when it has a line (0 = the file as a whole)


def read_source(abs_path: str, rel: str) -> Source:
    """Read a Markdown file as UTF-8 (BOM allowed). Never raises, never blocks on a FIFO or device."""
    try:
        st = os.stat(abs_path)
        if not stat.S_ISREG(st.st_mode):
            return Source(rel, abs_path, error=(f"not a regular file ({_kind(st.st_mode)})", "replace it with a Markdown file"))
        if st.st_size > MAX_BYTES:
            return Source(rel, abs_path, error=(f"file is {st.st_size // (1024 * 1024)} MB, over the {MAX_BYTES // (1024 * 1024)} MB limit", "split the page"))
        with open(abs_path, "rb") as f:
            data = f.read()
    except OSError as e:
        return Source(rel, abs_path, error=(f"cannot read file: {e.strerror or e}", "check permissions and symlinks"))
    return decode(data, rel, abs_path)


def decode(data: bytes, rel: str, abs_path: str = "") -> Source:
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return Source(rel, abs_path, error=("file is UTF-16, not UTF-8", "re-save it as UTF-8"), digest=digest)
    if b"\x00" in data[:8192]:
        return Source(rel, abs_path, error=("file is binary (it contains NUL bytes), not Markdown", "remove it or rename it"), digest=digest)
    over = _over_page_limits(data)
    if over:  # before decoding: the page is not checked
        return Source(rel, abs_path, error=(over, "split the page; it is not checked"), digest=digest)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return Source(rel, abs_path, error=(f"byte 0x{data[e.start]:02x} at offset {e.start} is not valid UTF-8", "re-save the file as UTF-8"),
                      digest=digest, error_line=line)
    if text.startswith("\ufeff"):
        text = text[1:]
    return Source(rel, abs_path, text=text, digest=digest)


def _over_page_limits(data: bytes) -> str:
    """Why a page is too big to check and render ("" when it is not)."""
    if len(data) > PAGE_BYTES:
        return f"page is {len(data) / 2**20:.1f} MB, over the {PAGE_BYTES // 2**20} MB page limit"
    n = data.count(b"\n#") + data.count(b"\r#") + data.startswith((b"#", b"\xef\xbb\xbf#"))
    if n > PAGE_HEADINGS:
        return f"page has {n:,} lines starting with '#', over the {PAGE_HEADINGS:,} heading limit"
    return ""


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: in ASCII-heavy text every other byte is NUL."""
    head = data[:512]
    if len(head) < 4:
        return False
    for zeros in (head[1::2], head[0::2]):  # little endian, big endian
        if zeros.count(0) >= 0.9 * len(zeros) and head.count(0) <= len(head) // 2 + 1:
            return True
    return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def is_markdown(rel: str) -> bool:
    return rel.endswith(MARKDOWN_EXTENSIONS)


def check_other_file(abs_path: str) -> str | None:
    """Why MkDocs could not copy a non-Markdown file (dangling link, FIFO, ...), or None. Never raises.

    A path that is not in docs_dir at all (a theme file MkDocs lists among the site's files) is fine.
    """
    try:
        os.lstat(abs_path)
    except (OSError, ValueError):
        return None
    try:
        st = os.stat(abs_path)
    except OSError as e:
        if os.path.islink(abs_path):
            try:
                target = os.readlink(abs_path)
            except OSError:
                target = "?"
            return f"dangling symbolic link to {target!r}: {e.strerror or e}"
        return f"cannot read file: {e.strerror or e}"
    if not stat.S_ISREG(st.st_mode):
        return f"not a regular file ({_kind(st.st_mode)})"
    return None


def symlink_loops(docs_dir: str, dirs) -> dict[str, str]:
    """Docs-relative folders that are symbolic links back to one of their own ancestors -> that ancestor ('' = docs_dir).

    MkDocs follows such a link until the path is too long, then dies copying a file; the
    folders (and every file under them) are left out instead. Never raises.
    """
    real: dict[str, str] = {"": os.path.realpath(docs_dir)}
    loops: dict[str, str] = {}
    for d in sorted((d for d in dirs if d), key=lambda d: (d.count("/"), d)):
        parent = posixpath.dirname(d)
        if parent not in real:  # under a loop (or its parent was not listed)
            if any(parent == lp or parent.startswith(lp + "/") for lp in loops):
                continue
            real[parent] = os.path.realpath(os.path.join(docs_dir, parent))
        abs_d = os.path.join(docs_dir, d)
        if os.path.islink(abs_d):
            r = os.path.realpath(abs_d)
            a = parent
            while True:
                if real.get(a) == r:
                    loops[d] = a
                    break
                if not a:
                    break
                a = posixpath.dirname(a)
            if d in loops:
                continue
            real[d] = r
        else:
            real[d] = real[parent].rstrip("/") + "/" + posixpath.basename(d)
    return loops




def walk_docs(docs_dir: str) -> list[str]:
    """Every file under docs_dir as MkDocs sees it (dot-files and dot-folders left out); symlink loops are safe.

    A folder that links back to one of its ancestors is not descended into, but its own files are
    listed (as MkDocs lists them), so that Checker.run reports the loop and leaves them out of the site.
    A folder reached twice through different links (no loop) is walked once.
    """
    out = []
    root = os.path.abspath(docs_dir)
    seen_dirs: set[str] = set()
    chains: dict[str, frozenset] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        parent = chains.get(os.path.dirname(dirpath), frozenset())
        looped = real in parent
        if not looped and real in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        chains[dirpath] = parent | {real}
        dirnames[:] = [] if looped else sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for fn in filenames:
            if fn.startswith("."):
                continue
            rel = fn if rel_dir == "." else posixpath.join(rel_dir, fn)
            out.append(rel)
    return sorted(out)
