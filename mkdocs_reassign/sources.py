"""Reading the docs tree safely: one file as UTF-8 (never blocking on a FIFO or device), the files MkDocs would
copy, symbolic link loops, and the walk of docs_dir as MkDocs sees it."""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
import time


from .safefs import _PSEUDO_ROOTS, ReadError, _kind, _pseudo_dev, inside, leaves_root, read_regular
from .safefs import stat_key as read_key  # noqa: F401 (the engine's and the plugin's name for it)
from .startup import dataclass

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
    racy: bool = False  # changed so shortly before it was read that a same-key rewrite could follow (read_key)


RACY_NS = 2_000_000_000  # a file changed less than this before it was read is read again on the next rebuild


def is_racy(key: tuple) -> bool:
    """Was the file changed so recently that a rewrite within the clock's granularity would keep its key? Then
    the next rebuild reads it again and compares the content's hash (the racy-git rule)."""
    return time.time_ns() - key[3] < RACY_NS


def read_source(abs_path: str, rel: str, root: str | None = None) -> Source:
    """Read a Markdown file as UTF-8 (BOM allowed). Never raises, never blocks on a FIFO or device;
    with ``root`` (docs_dir), a symbolic link that leaves it is refused."""
    try:
        data = read_regular(abs_path, MAX_BYTES, root=root)
    except ReadError as e:
        hint = "split the page" if "limit" in e.message else e.hint
        return Source(rel, abs_path, error=(e.message, hint))
    except (OSError, ValueError) as e:
        return Source(rel, abs_path, error=(f"cannot read file: {getattr(e, 'strerror', None) or e}", "check permissions and symlinks"))
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
    if len(data) // 2 + 1 <= PAGE_HEADINGS:  # each such line takes two bytes of its own ("\n#", "\r#"): no count needed
        return ""
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


def is_markdown(rel: str) -> bool:
    return rel.endswith(MARKDOWN_EXTENSIONS)


def check_other_file(abs_path: str, root: str | None = None) -> str | None:
    """Why MkDocs could not copy a non-Markdown file (dangling link, FIFO, a link leaving ``root``, ...), or None.
    Never raises.

    A path that is not in docs_dir at all (a theme file MkDocs lists among the site's files) is fine.
    """
    try:
        lst = os.lstat(abs_path)
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
    if stat.S_ISLNK(lst.st_mode) and root is not None:
        real = leaves_root(abs_path, root)
        if real is not None:
            return link_leaves(real)
    if not stat.S_ISREG(st.st_mode):
        return f"not a regular file ({_kind(st.st_mode)})"
    if _pseudo_dev(st.st_dev):
        return "a kernel file (/proc or /sys), not a regular file"
    return None


def link_leaves(real: str) -> str:
    return f"symbolic link leaving docs_dir (to {real})"


LINK_HINT = "copy what it links to into docs_dir, or remove the link; what is reached through it is left out of the site"


def symlink_loops(docs_dir: str, dirs) -> dict[str, str]:
    """Docs-relative folders that are symbolic links back to one of their own ancestors, or out of docs_dir
    -> what is wrong with them (a message). Folders under one of them are not listed.

    MkDocs follows a loop until the path is too long, then dies copying a file; the folders (and every
    file under them) are left out instead. Never raises.
    """
    real: dict[str, str] = {"": os.path.realpath(docs_dir)}
    bad: dict[str, str] = {}
    for d in sorted((d for d in dirs if d), key=lambda d: (d.count("/"), d)):
        parent = posixpath.dirname(d)
        if parent not in real:  # under a bad link (or its parent was not listed)
            if any(parent == lp or parent.startswith(lp + "/") for lp in bad):
                continue
            real[parent] = os.path.realpath(os.path.join(docs_dir, parent))
        abs_d = os.path.join(docs_dir, d)
        if os.path.islink(abs_d):
            problem = _dir_link_problem(d, os.path.realpath(abs_d), parent, real)
            if problem:
                bad[d] = problem
                continue
            real[d] = os.path.realpath(abs_d)
        else:
            real[d] = real[parent].rstrip("/") + "/" + posixpath.basename(d)
    return bad


def _dir_link_problem(d: str, r: str, parent: str, real: dict[str, str]) -> str | None:
    a = parent
    while True:
        if real.get(a) == r:
            return f"symbolic link loop: {d} leads back to {a or 'docs_dir'}"
        if not a:
            break
        a = posixpath.dirname(a)
    if not inside(r, real[""]):
        return link_leaves(r)
    return None


def walk_docs(docs_dir: str) -> list[str]:
    """Every file under docs_dir as MkDocs sees it (dot-files and dot-folders left out); symbolic links are safe.

    A folder that links back to one of its ancestors is not descended into, but its own files are
    listed (as MkDocs lists them), so that the engine reports the loop and leaves them out of the site.
    A folder linked from outside docs_dir (``/``, ``/proc``, a sibling project) is never walked: the link
    itself is listed, so that the engine reports it once. A folder reached twice through different links
    (no loop) is walked once.
    """
    out = []
    root = os.path.abspath(docs_dir)
    root_real = os.path.realpath(root)
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
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        keep = []
        for d in ([] if looped else sorted(d for d in dirnames if not d.startswith("."))):
            if os.path.islink(os.path.join(dirpath, d)) and not inside(os.path.realpath(os.path.join(dirpath, d)), root_real):
                filenames.append(d)  # never walked: listed, so that it is reported as a link leaving docs_dir
            else:
                keep.append(d)
        dirnames[:] = keep
        for fn in filenames:
            if fn.startswith("."):
                continue
            out.append(fn if rel_dir == "." else posixpath.join(rel_dir, fn))
    return sorted(out)


def unwalkable_links(docs_dir: str, limit: int = 20) -> list[tuple[str, str]]:
    """(docs-relative path, real target) of folder links in docs_dir that MkDocs must not walk: to ``/``, to a
    folder holding docs_dir, or into /proc, /sys or /dev (MkDocs follows every link while it lists the files,
    before any plugin runs, and would walk the whole disk or the kernel's endless trees). Never raises."""
    out: list[tuple[str, str]] = []
    root = os.path.abspath(docs_dir)
    try:
        root_real = os.path.realpath(root)
    except (OSError, ValueError):
        return out
    for dirpath, dirnames, _files in os.walk(root):  # links to folders are listed in dirnames, not followed
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p):
                continue
            r = os.path.realpath(p)
            if r == "/" or inside(root_real, r) and not inside(r, root_real) or any(inside(r, q) for q in _PSEUDO_ROOTS):
                out.append((os.path.relpath(p, root).replace(os.sep, "/"), r))
                if len(out) >= limit:
                    return out
    return out
