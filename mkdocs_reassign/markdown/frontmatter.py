"""Front matter: the YAML block between --- lines at the top of a doc, read with the bounded loader."""

from __future__ import annotations


from .doc import ScannedDoc
from ..startup import rx

_FM_OPEN = rx(r"^-{3}[ \t]*$")
_FM_CLOSE = rx(r"^(?:-{3}|\.{3})[ \t]*$")


def split_front_matter(lines: list[str]) -> tuple[int, int]:
    """Return (first content line index, closing delimiter index) of a front matter block, or (0, -1)."""
    if not lines or not _FM_OPEN.match(lines[0]):
        return 0, -1
    for i in range(1, len(lines)):
        if _FM_CLOSE.match(lines[i]):
            return 1, i
    return 0, -1


def _parse_front_matter(doc: ScannedDoc, lines: list[str]) -> int:
    """Parse YAML front matter; return the index of the first body line."""
    start, close = split_front_matter(lines)
    if close < 0:
        return 0
    doc.fm_present = True
    doc.fm_end = close + 1
    from .yamlutil import load_front_matter

    data, error, key_lines = load_front_matter("\n".join(lines[start:close]), first_line=start + 1)
    doc.front_matter = data
    doc.fm_error = error
    doc.fm_lines = key_lines
    return close + 1


