"""Path globs as the options and contracts write them: ** crosses folders, * and ? stay within one."""

from __future__ import annotations

import re
from functools import lru_cache

from ..startup import rx


def glob_problem(pattern: str) -> str | None:
    """What is wrong with a glob (checked where options and contracts are loaded), or None."""
    if not pattern.strip("/"):
        return "a glob cannot be empty"
    if pattern.startswith("!"):
        return f"glob {pattern!r}: a leading ! (negation) is not supported; list the files under exclude instead"
    for m in re.finditer(r"\[(!?)([^\]]*)(\]?)", pattern):
        if m.group(3) and not m.group(2):
            return f"glob {pattern!r}: empty character class {m.group()!r} (a class needs at least one character)"
    try:
        _compile(pattern)
    except re.error as e:
        return f"glob {pattern!r}: {e.msg}"
    return None


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern:
    """Compile a path glob: ** crosses folders, * and ? stay within one. A glob glob_problem refuses
    matches only its own text, literally (it never raises)."""
    try:
        return _compile(pattern)
    except re.error:
        return re.compile(re.escape(pattern.strip("/")) + r"\Z")


def _compile(pattern: str) -> re.Pattern:
    out = []
    i = 0
    p = pattern.strip("/")
    while i < len(p):
        c = p[i]
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = p.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
                i += 1
            else:
                body = p[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return rx("".join(out) + r"\Z")


def matches_any(path: str, globs) -> bool:
    return any(glob_regex(g).match(path) for g in globs)
