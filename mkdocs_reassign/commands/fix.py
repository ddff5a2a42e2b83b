"""`mkdocs-reassign fix`: rewrite stale hand-kept attention tables in session files.

Only the count and ID cells of the rows under NEEDS YOUR ATTENTION are fix's (commands/table.py says
exactly what it owns); every other byte of the file (encoding, BOM, each line's own line ending, trailing
whitespace, notes, trailing text) stays as it was. The write (files.edit_file) is refused when the file
changed since it was checked, when it resolves outside docs_dir, is read-only or is not a regular file.
"""

from __future__ import annotations

import hashlib
import os
import re

from ..engine import Report
from .table import Refuse, TableEdit
from ..startup import rx

_SEP = rx(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_LINE = rx(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


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
        data = _read_as_checked(path, cache, s.rel, display, problems, root=project.docs_dir)
        if data is None:
            continue
        new, why = rewrite_table(data, s, rep)
        if new is None:
            problems.append(f"{display}{':' if why[:1].isdigit() else ': '}{why}; nothing written")  # why: "LINE: ..." or words
            continue
        if new == data:  # the drift is in what fix does not own (a row of no finding type): a person's edit
            problems.extend(f"{d.path}:{d.line}: not fixed: {d.message} (fix changes only the cells it owns; edit this by hand)"
                            for d in rep.diagnostics if d.rule == "attention-drift" and d.path == display)
            continue
        _write(path, data, new, display, check_only, changed, problems, project.docs_dir)
    return changed, problems


def _read_as_checked(path: str, cache, rel: str, display: str, problems: list[str], need_digest: bool = False,
                     root: str | None = None) -> bytes | None:
    """The file's bytes, when they are still the bytes the check read (by content hash); else None, with the
    problem said. ``need_digest``: a file the check did not hash is refused too; with ``root``, a file that
    resolves outside it (a symbolic link) is refused before it is read."""
    from ..files import Refused, inside

    try:
        if root:
            inside(path, root)
    except Refused as e:
        problems.append(f"{display}: {e}")
        return None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        problems.append(f"{display}: cannot read: {e.strerror or e}")
        return None
    checked = _checked_digest(cache, rel)
    if (checked is None and need_digest) or (checked is not None and hashlib.blake2b(data, digest_size=16).hexdigest() != checked):
        problems.append(Retry(f"{display}: changed on disk since it was checked; nothing written (run fix again)"))
        return None
    return data


def _write(path: str, data: bytes, new: bytes, display: str, check_only: bool, changed: list[str], problems: list[str],
           root: str | None = None) -> None:
    """Record a change and, unless only checking, write it atomically if the file is still ``data``."""
    changed.append(display)
    if check_only:
        return
    err = write_if_unchanged(path, data, new, root)
    if err:
        problems.append(type(err)(f"{display}: {err}"))
        changed.pop()


def _checked_digest(cache, rel: str) -> str | None:
    """The content hash of the file as it was checked (the cache keys a parsed doc by it)."""
    entry = cache.entry("doc", rel)
    return entry[0][0] if entry else None


def rewrite(data: bytes, s, rep: Report) -> bytes | None:
    """The file with its attention table's count and ID cells set to the truth; None when it cannot be done safely."""
    new, _why = rewrite_table(data, s, rep)
    return new


def rewrite_table(data: bytes, s, rep: Report) -> tuple[bytes | None, str]:
    """(the new bytes, "") or (None, why not). What fix owns: the count and ID cells of the rows of known
    finding types, and rows it adds for a type with open findings; everything else stays byte for byte."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    lines = _split(data[len(bom):])
    t = s.attention
    a, b = t.start - 1, t.end - 1
    if a < 0 or b < a + 1 or b >= len(lines):
        return None, "cannot locate the attention table safely"
    try:
        seen = [ln.decode("utf-8") for ln in lines[a : b + 1]]
    except UnicodeDecodeError:
        return None, "cannot locate the attention table safely"
    if [x.rstrip("\r\n") for x in seen] != s.doc.lines[a : b + 1] or not _SEP.match(seen[1].rstrip("\r\n")):
        return None, "cannot locate the attention table safely"
    table = [(ln.rstrip("\r\n"), _newline(raw)) for ln, raw in zip(seen, lines[a : b + 1])]
    try:
        body = TableEdit(s, rep.finding_registry, table, a + 1).apply()
    except Refuse as e:
        return None, str(e)
    return bom + b"".join(lines[:a]) + body + b"".join(lines[b + 1 :]), ""


def write_if_unchanged(path: str, expected: bytes, new: bytes, root: str | None = None, use_lease: bool = True) -> str | None:
    """Write ``new`` over ``path`` unless its content is no longer ``expected`` (files.edit_file: in place under a
    lease, else an atomic rename after a last check); None when written, else why not. With ``root``, a path
    that resolves (through symbolic links) outside it is refused."""
    from ..files import Changed, Refused, edit_file, inside

    try:
        real = inside(path, root) if root else os.path.realpath(path)
        edit_file(real, expected, new, use_lease=use_lease)
    except Changed as e:
        return Retry(str(e))
    except Refused as e:
        return str(e)
    return None


class Retry(str):
    """A problem that a fresh check may clear (the file changed after it was read): cmd_fix runs again."""


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
        data = _read_as_checked(path, cache, rel, display, problems, need_digest=True, root=project.docs_dir)
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
        _write(path, data, new, display, check_only, changed, problems, project.docs_dir)
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
        data = _read_as_checked(path, cache, s.rel, display, problems, root=project.docs_dir)
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
            err = write_if_unchanged(path, data, new, project.docs_dir)
            if err:
                problems.append(type(err)(f"{display}: {err}"))
                continue
        changes.extend(done)
    return changes, problems
