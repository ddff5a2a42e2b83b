"""Git freshness: which cited files (and which cited line ranges) changed since the doc was written.

``cited_file_changes(source_root, cited, since)`` runs a fixed number of git
commands whatever the number of references or files (not one per reference):

1. ``git rev-parse`` -- is ``source_root`` in a work tree, where is its top;
2. the base commit: ``since`` itself when it names a commit, else the last commit
   at or before ``since`` taken as a date (``git rev-list -1 --before=``);
3. one ``git log base..HEAD -- <cited files>`` listing, per file, the commits that touched it;
4. one ``git diff -U0 base -- <cited files>``: its hunks, in the base's line
   numbers (the numbers the doc cites), say which cited ranges were touched and
   how far each range's start has shifted in the working tree.

Every command has a timeout; git missing, not a work tree, an unknown ``since``
or a timeout give ``Freshness(available=False, reason=...)``, never an exception.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import field
from typing import Iterable, Mapping, Sequence

from ..startup import dataclass, rx

__all__ = ["Freshness", "FileChange", "RangeChange", "cited_file_changes", "last_commit"]

_HUNK = rx(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat", "PAGER": "cat"}


@dataclass(frozen=True, slots=True)
class RangeChange:
    label: str  # what the doc cites there (symbol label, or "start-end")
    start: int  # cited start (base commit's numbering)
    end: int  # cited end
    touched: bool  # a hunk changed, removed or inserted lines inside the range
    shift: int  # lines inserted minus removed above the range: where its start is now = start + shift


@dataclass(slots=True)
class FileChange:
    path: str  # relative to source_root
    commits: list[tuple[str, str, str]] = field(default_factory=list)  # (sha, ISO date, subject), newest first
    uncommitted: bool = False  # the working tree differs from HEAD for this file (edits not committed)
    hunks: list[tuple[int, int, int, int]] = field(default_factory=list)  # (old start, old count, new start, count)
    ranges: list[RangeChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.commits or self.hunks)


@dataclass(slots=True)
class Freshness:
    available: bool
    reason: str = ""  # why not available
    base: str = ""  # the base commit (sha)
    files: dict[str, FileChange] = field(default_factory=dict)  # only files changed since base

    @property
    def touched(self) -> list[tuple[str, RangeChange]]:
        return [(p, r) for p, fc in self.files.items() for r in fc.ranges if r.touched]


def _git(args: Sequence[str], cwd: str, timeout: float) -> tuple[int, str]:
    """(returncode, stdout); returncode -1 when git is missing or timed out."""
    env = dict(os.environ)
    env.update(_ENV)
    try:
        p = subprocess.run(["git", "--no-pager", "-c", "core.quotepath=off", *args], cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):  # FileNotFoundError, TimeoutExpired, PermissionError
        return -1, ""
    return p.returncode, p.stdout.decode("utf-8", errors="replace")


def last_commit(path: str | os.PathLike, timeout: float = 10.0) -> str | None:
    """The last commit (sha) that touched ``path`` (a doc), or None (no git, untracked, timeout)."""
    path = os.fspath(path)
    cwd = os.path.dirname(os.path.abspath(path)) or "."
    rc, out = _git(["log", "-1", "--format=%H", "--", os.path.basename(path)], cwd, timeout)
    sha = out.strip()
    return sha if rc == 0 and sha else None


def _touch(hunks: Sequence[tuple[int, int, int, int]], start: int, end: int) -> tuple[bool, int]:
    touched, shift = False, 0
    for os_, oc, ns, nc in hunks:
        if oc == 0:  # insertion after old line os_
            if start <= os_ < end:
                touched = True
            elif os_ < start:
                shift += nc
        else:
            old_last = os_ + oc - 1
            if os_ <= end and start <= old_last:
                touched = True
            elif old_last < start:
                shift += nc - oc
    return touched, shift


def cited_file_changes(
    source_root: str | os.PathLike,
    cited: Mapping[str, Iterable[tuple[str, int, int]]] | Iterable[str],
    since: str,
    timeout: float = 10.0,
) -> Freshness:
    """Cited files changed after ``since`` (a commit-ish or a date git understands).

    ``cited`` maps each path (relative to ``source_root``) to the ranges the docs cite there, as
    ``(label, start, end)`` in the numbering of ``since``; a plain iterable of paths checks files only."""
    root = os.path.abspath(os.fspath(source_root))
    if isinstance(cited, Mapping):
        ranges = {p: list(r) for p, r in cited.items()}
    else:
        ranges = {p: [] for p in cited}
    if not os.path.isdir(root):
        return Freshness(False, f"{root} is not a folder")
    rc, out = _git(["rev-parse", "--is-inside-work-tree"], root, timeout)
    if rc != 0 or out.strip() != "true":
        return Freshness(False, "git is not installed, timed out, or source_root is not in a git work tree")
    rc, out = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", since + "^{commit}"], root, timeout)
    base = out.strip() if rc == 0 else ""
    if not base:
        rc, out = _git(["rev-list", "-1", f"--before={since}", "HEAD"], root, timeout)
        base = out.strip() if rc == 0 else ""
    if not base:
        return Freshness(False, f"{since!r} is neither a commit nor a date with a commit before it")
    fr = Freshness(True, base=base)
    paths = sorted(ranges)
    if not paths:
        return fr
    # relative to source_root: --relative keeps diff and log paths in source_root's terms
    rc, out = _git(["log", "--relative", "--format=%x00%H%x09%cI%x09%s", "--name-only", f"{base}..HEAD",
                    "--", *paths], root, timeout)
    if rc == -1:
        return Freshness(False, "git log timed out")
    commit = None
    for line in out.split("\n"):
        if line.startswith("\x00"):
            sha, date, subject = (line[1:].split("\t", 2) + ["", ""])[:3]
            commit = (sha, date, subject)
        elif line.strip() and commit is not None and line in ranges:
            fr.files.setdefault(line, FileChange(line)).commits.append(commit)
    rc, out = _git(["diff", "--relative", "-U0", "--no-color", "--no-ext-diff", "--no-renames", base, "--",
                    *paths], root, timeout)
    if rc == -1:
        return Freshness(False, "git diff timed out")
    current = None
    for line in out.split("\n"):
        if line.startswith("+++ "):
            name = line[4:]
            name = name[2:] if name.startswith("b/") else name
            current = name if name in ranges else None
        elif line.startswith("--- ") and current is None:
            name = line[4:]
            name = name[2:] if name.startswith("a/") else name
            current = name if name in ranges else None  # a deleted file (+++ /dev/null follows)
        elif line.startswith("diff --git"):
            current = None
        elif current is not None:
            m = _HUNK.match(line)
            if m:
                hunk = (int(m.group(1)), int(m.group(2) or 1), int(m.group(3)), int(m.group(4) or 1))
                fr.files.setdefault(current, FileChange(current)).hunks.append(hunk)
    rc, out = _git(["diff", "--relative", "--name-only", "HEAD", "--", *paths], root, timeout)
    dirty = set(out.split("\n")) if rc == 0 else set()
    for p, fc in fr.files.items():
        fc.uncommitted = p in dirty
        for label, start, end in ranges.get(p, []):
            touched, shift = _touch(fc.hunks, start, end)
            fc.ranges.append(RangeChange(label, start, end, touched, shift))
    return fr
