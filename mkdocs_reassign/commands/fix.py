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

from ..engine import Report
from ..output.html import attention_markdown

_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _split(data: bytes) -> list[bytes]:
    return [m.group(0) for m in _LINE.finditer(data) if m.group(0)]


def _newline(line: bytes) -> bytes:
    for nl in (b"\r\n", b"\n", b"\r"):
        if line.endswith(nl):
            return nl
    return b""


def fix_tables(project, cache, rep: Report, check_only: bool = False) -> tuple[list[str], list[str]]:
    """Return (paths changed or stale, problems).

    Only session files the checker parsed, and only those with attention drift, are
    looked at; the bytes on disk must still be the bytes that were checked.
    """
    changed, problems = [], []
    stale = {d.path for d in rep.diagnostics if d.rule == "attention-drift"}
    for s in rep.sessions:
        display = rep.docs_prefix + s.rel
        if display not in stale or s.attention is None or not s.attention.start:
            continue
        path = os.path.join(project.docs_dir, s.rel)
        data = _read_as_checked(path, cache, s.rel, display, problems)
        if data is None:
            continue
        new = rewrite(data, s, rep)
        if new is None:
            problems.append(f"{display}: cannot locate the attention table safely; nothing written")
            continue
        if new == data:
            continue
        _write(path, data, new, display, check_only, changed, problems)
    return changed, problems


def _read_as_checked(path: str, cache, rel: str, display: str, problems: list[str], need_digest: bool = False) -> bytes | None:
    """The file's bytes, when they are still the bytes the check read (by content hash); else None, with the
    problem said. ``need_digest``: a file the check did not hash is refused too."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        problems.append(f"{display}: cannot read: {e.strerror or e}")
        return None
    checked = _checked_digest(cache, rel)
    if (checked is None and need_digest) or (checked is not None and hashlib.blake2b(data, digest_size=16).hexdigest() != checked):
        problems.append(f"{display}: changed on disk since it was checked; nothing written (run fix again)")
        return None
    return data


def _write(path: str, data: bytes, new: bytes, display: str, check_only: bool, changed: list[str], problems: list[str]) -> None:
    """Record a change and, unless only checking, write it atomically if the file is still ``data``."""
    changed.append(display)
    if check_only:
        return
    err = write_if_unchanged(path, data, new)
    if err:
        problems.append(f"{display}: {err}")
        changed.pop()


def _checked_digest(cache, rel: str) -> str | None:
    """The content hash of the file as it was checked (the cache keys a parsed doc by it)."""
    entry = cache.entry("doc", rel)
    return entry[0][0] if entry else None


def rewrite(data: bytes, s, rep: Report) -> bytes | None:
    """The file with its attention table replaced by the truth; None when the table is not where the scan saw it."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data[len(bom):]
    lines = _split(body)
    t = s.attention
    a, b = t.start - 1, t.end - 1
    if a < 0 or b < a or b >= len(lines):
        return None
    try:
        seen = [ln.decode("utf-8").rstrip("\r\n") for ln in lines[a : b + 1]]
    except UnicodeDecodeError:
        return None
    if seen != s.doc.lines[a : b + 1] or not seen[0].lstrip().startswith("|"):
        return None
    nl = _newline(lines[a]) or b"\n"
    rows = attention_markdown(s, rep.finding_registry, newline="\n").split("\n")
    if b > a and _SEP.match(seen[1]):  # keep the hand-kept header and separator as they are
        head, rows, old_rows = [lines[a], lines[a + 1]], rows[2:], lines[a + 2 : b + 1]
    else:
        head, old_rows = [], lines[a : b + 1]
    end_nl = _newline(lines[b])  # the table's last line ending (b"" at the end of a file without one)
    if not rows:
        return bom + b"".join(lines[:a] + head + lines[b + 1 :])
    if not old_rows and not _newline(head[-1]):
        head[-1] += nl  # the table ended at its separator with no newline
    table = nl.join(r.encode("utf-8") for r in rows) + end_nl
    return bom + b"".join(lines[:a] + head + [table] + lines[b + 1 :])


def write_if_unchanged(path: str, expected: bytes, new: bytes) -> str | None:
    """Atomically replace path with new, unless its content is no longer `expected`."""
    digest = hashlib.sha256(expected).digest()
    path = os.path.realpath(path)  # through a symlink, never replacing the link itself
    folder = os.path.dirname(path)
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


# ---------------------------------------------------------------- fix --code-refs


def fix_code_refs(project, cache, rep: Report, check_only: bool = False) -> tuple[list[str], list[str]]:
    """Renumber moved code references (rule code-ref) in the feature docs and session files under docs_dir.

    Return (paths changed or that would change, problems). The same guarantees as ``fix_tables``: only the
    digits of moved references change (``code.rewrite_moved`` checks each one still reads the old number,
    so a second run changes nothing), the file must still be the bytes the check read (content hash), and
    the write is atomic."""
    from ..code.rewrite import edits_for, rewrite_moved

    changed, problems = [], []
    docs = [*rep.features.items(), *((s.rel, s) for s in rep.sessions)]
    for rel, obj in sorted(docs, key=lambda d: d[0]):
        found = cache.get("code-problems", rel, (obj,)) or []
        if not edits_for(found):
            continue
        display = rep.docs_prefix + rel
        path = os.path.join(project.docs_dir, rel)
        data = _read_as_checked(path, cache, rel, display, problems, need_digest=True)
        if data is None:
            continue
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        try:
            text = data[len(bom):].decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{display}: not UTF-8; nothing written")
            continue
        new = bom + rewrite_moved(text, found).encode("utf-8")
        if new == data:
            continue
        _write(path, data, new, display, check_only, changed, problems)
    return changed, problems


# ---------------------------------------------------------------- fix --decision-ids


def fix_decision_ids(project, cache, rep: Report, check_only: bool = False) -> tuple[list[str], list[str]]:
    """Write the finding ID in place of a short reference (`Q1`) in a DECISIONS LOG row, where exactly one finding
    matches it by title (decision-ref's "probably"). Return (changes, problems); a change reads "path:line: Q1 -> ID".

    Byte-preserving like fix: only the reference's characters change; the write is atomic and refused when the
    file changed since it was checked."""
    changes, problems = [], []
    for s in rep.sessions:
        refs = [r for r in s.short_refs if r.source == "log" and r.how == "title" and r.match is not None]
        if not refs:
            continue
        display = rep.docs_prefix + s.rel
        path = os.path.join(project.docs_dir, s.rel)
        data = _read_as_checked(path, cache, s.rel, display, problems)
        if data is None:
            continue
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        lines = _split(data[len(bom):])
        done = []
        for r in refs:
            i = r.line - 1
            try:
                seen = lines[i].decode("utf-8").rstrip("\r\n") if i < len(lines) else None
            except UnicodeDecodeError:
                seen = None
            if seen is None or seen != s.doc.lines[i]:
                problems.append(f"{display}:{r.line}: cannot locate {r.ref} safely; nothing written for it")
                continue
            token = re.compile(rb"(?<![A-Za-z0-9-])" + re.escape(r.ref.encode("utf-8")) + rb"(?![A-Za-z0-9-])")
            hits = token.findall(lines[i])
            if len(hits) != 1:
                problems.append(f"{display}:{r.line}: {r.ref} occurs {len(hits)} times in the row; nothing written for it")
                continue
            lines[i] = token.sub(r.match.id.encode("utf-8"), lines[i], count=1)
            done.append(f"{display}:{r.line}: {r.ref} -> {r.match.id}")
        if not done:
            continue
        new = bom + b"".join(lines)
        if not check_only:
            err = write_if_unchanged(path, data, new)
            if err:
                problems.append(f"{display}: {err}")
                continue
        changes.extend(done)
    return changes, problems
