"""`mkdocs-reassign fix`: rewrite stale hand-kept attention tables in session files.

Only the table rows under NEEDS YOUR ATTENTION are replaced; every other byte of
the file (encoding, BOM, newline style, trailing text) stays as it was. The
write is atomic and refused when the file changed since it was read.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile

from .project import Report
from .render import attention_markdown

_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _split(data: bytes) -> list[bytes]:
    return [m.group(0) for m in _LINE.finditer(data) if m.group(0)]


def _newline(line: bytes) -> bytes:
    for nl in (b"\r\n", b"\n", b"\r"):
        if line.endswith(nl):
            return nl
    return b""


def fix_tables(checker, rep: Report, check_only: bool = False) -> tuple[list[str], list[str]]:
    """Return (paths changed or stale, problems)."""
    changed, problems = [], []
    stale = {d.path for d in rep.diagnostics if d.rule == "attention-drift"}
    for s in rep.sessions:
        display = rep.docs_prefix + s.rel
        if display not in stale or s.attention is None or not s.attention.start:
            continue
        path = os.path.join(checker.docs_dir, s.rel)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            problems.append(f"{display}: cannot read: {e.strerror or e}")
            continue
        new = rewrite(data, s, rep)
        if new is None:
            problems.append(f"{display}: the table moved while reading; run fix again")
            continue
        if new == data:
            continue
        changed.append(display)
        if check_only:
            continue
        err = write_if_unchanged(path, data, new)
        if err:
            problems.append(f"{display}: {err}")
            changed.pop()
    return changed, problems


def rewrite(data: bytes, s, rep: Report) -> bytes | None:
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data[len(bom):]
    lines = _split(body)
    t = s.attention
    a, b = t.start - 1, t.end - 1
    if b >= len(lines) or not lines[a].lstrip().startswith(b"|"):
        return None
    nl = _newline(lines[a]) or b"\n"
    last_nl = _newline(lines[b])
    table = attention_markdown(s, rep.finding_registry, newline=nl.decode()).encode("utf-8")
    new_lines = lines[:a] + [table + last_nl] + lines[b + 1 :]
    return bom + b"".join(new_lines)


def write_if_unchanged(path: str, expected: bytes, new: bytes) -> str | None:
    """Atomically replace path with new, unless its content is no longer `expected`."""
    digest = hashlib.sha256(expected).digest()
    folder = os.path.dirname(os.path.abspath(path))
    try:
        st = os.stat(path)
        fd, tmp = tempfile.mkstemp(prefix=".reassign-fix.", dir=folder)
    except OSError as e:
        return f"cannot write: {e.strerror or e}"
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(new)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        with open(path, "rb") as f:
            if hashlib.sha256(f.read()).digest() != digest:
                os.unlink(tmp)
                return "changed on disk since it was read; nothing written (run fix again)"
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        return f"cannot write: {e.strerror or e}"
    return None
