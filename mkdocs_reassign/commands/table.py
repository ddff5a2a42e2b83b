"""The cells `fix` owns in a NEEDS YOUR ATTENTION table, and nothing else.

Owned: the count cell and the IDs cell of each row whose label names a finding type with an attention row,
and a row added for such a type when it has open findings and no row. Each owned cell is edited only when
check finds it wrong: a right count stays as written (`**2**`), an IDs cell keeps every entry that is still
open, with its annotation (`UX-1124-001 (asked twice)`), its separators and its padding; only stale bare IDs
leave and missing IDs are appended. The header, the separator, extra columns (a Notes column), rows of other
labels, trailing whitespace and each line's own line ending stay byte for byte. When an entry to remove
carries text of its own, or a type has two rows, the table is refused with the reason.
"""

from __future__ import annotations

import re

from ..model.findings import _ROW_ID, _plain, expected_rows, split_row
from ..startup import rx

_PLACEHOLDERS = {"", "-", "–", "—", "none", "n/a", "no", "0"}
_LABEL_JUNK = rx(r"^[^\w*]+")


class Refuse(Exception):
    """The table cannot be fixed without touching text fix does not own; the message says where and why."""


def tolerated(s, reg) -> dict[str, set[str]]:
    """Per type prefix: IDs that may be listed or not (possibly decided under a short reference, or malformed
    and listed): attention-drift accepts both, so fix neither adds nor removes them."""
    listed = {fid for r in s.attention.rows for fid in r.ids}
    out: dict[str, set[str]] = {}
    for x in s.findings:
        typ = x.type or x.section
        if not x.decided and (x.maybe_decided is not None or x.id in listed and not reg.id_re.match(x.id)):
            out.setdefault(typ.prefix if typ else "", set()).add(x.id)
    return out


def cell_spans(text: str) -> tuple[list[tuple[int, int]], bool]:
    """(start, end) of each cell's raw text between pipes, as model.findings.split_row splits the row, and
    whether the row ends with a pipe."""
    left = len(text) - len(text.lstrip())
    right = len(text.rstrip())
    pipes = [i for i in range(left, right) if text[i] == "|" and (i == 0 or text[i - 1] != "\\")]
    lead = bool(pipes) and pipes[0] == left
    trail = bool(pipes) and pipes[-1] == right - 1 and (len(pipes) > 1 or not lead)
    bounds = ([] if lead else [left - 1]) + pipes + ([] if trail else [right])
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)], trail


def _set_cell(raw: str, content: str) -> str:
    """``raw`` with its text replaced by ``content``: the leading space kept, the padding kept where it fits."""
    body = raw.strip()
    lead = raw[: len(raw) - len(raw.lstrip())] if body else " "
    trail = raw[len(raw.rstrip()):] if body else " "
    if len(trail) > 1:  # a padded, aligned column: keep the cell's width where the new text fits
        trail = " " * max(1, len(raw) - len(lead) - len(content))
    return lead + content + trail


def _items(content: str) -> tuple[list[str], list[str]]:
    """The entries of an IDs cell, split at commas and semicolons outside (), [] and code spans, and the
    separator written before each entry ("" before the first)."""
    items, seps, depth, code, start = [], [""], 0, False, 0
    for i, ch in enumerate(content):
        if ch == "`":
            code = not code
        elif code:
            continue
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            items.append(content[start:i].strip())
            j = i + 1
            while j < len(content) and content[j] in " \t":
                j += 1
            seps.append(content[len(content[:i].rstrip()) : j])
            start = j
    items.append(content[start:].strip())
    return items, seps[: len(items)]


class TableEdit:
    """The table's lines (text without line ending, ending bytes), header and separator first."""

    def __init__(self, s, reg, table: list[tuple[str, bytes]], first_line: int):
        self.s, self.reg, self.table, self.first = s, reg, table, first_line
        self.want = {typ.prefix: ids for typ, ids in expected_rows(s, reg)}
        self.ok = tolerated(s, reg)

    def apply(self) -> bytes:
        lines = [list(x) for x in self.table]
        by_type = {}
        for r in self.s.attention.rows:
            if r.type is None:
                continue  # a row of another label: not fix's (check reports it)
            if r.type.prefix in by_type:
                raise Refuse(f"{r.line}: a second {r.type.label} row (the first is at line {by_type[r.type.prefix].line}); "
                             "merge them by hand, then run fix again")
            by_type[r.type.prefix] = r
            k = r.line - self.first
            lines[k][0] = self._row(lines[k][0], r)
        self._add_rows(lines, by_type)
        return b"".join(text.encode("utf-8") + nl for text, nl in lines)

    def _row(self, text: str, r) -> str:
        want, ok = self.want[r.type.prefix], self.ok.get(r.type.prefix, set())
        spans, trail = cell_spans(text)
        if len(spans) < 3:  # `| 🟡 **Questions** |`: the missing count and IDs cells added after the last cell
            add = "| - " * (3 - len(spans))
            at = spans[-1][1]
            text = text[:at] + (add if trail else " " + add.rstrip()) + text[at:]
            spans, trail = cell_spans(text)
        count_ok = r.count is not None and len(want) <= r.count <= len(want) + len(ok)
        ids_ok = set(want) <= set(r.ids) and all(i in want or i in ok for i in r.ids)
        (c0, c1), (i0, i1) = spans[1], spans[2]
        new_ids = text[i0:i1] if ids_ok else _set_cell(text[i0:i1], self._ids(text[i0:i1], r, want, ok))
        new_count = text[c0:c1] if count_ok else _set_cell(text[c0:c1], self._count(text[c0:c1].strip(), len(want)))
        return text[:c0] + new_count + text[c1:i0] + new_ids + text[i1:]

    @staticmethod
    def _count(old: str, n: int) -> str:
        m = re.search(r"[0-9]+", old)
        return old[: m.start()] + str(n) + old[m.end():] if m else str(n)

    def _ids(self, raw: str, r, want: list[str], ok: set[str]) -> str:
        items, seps = _items(raw.strip())
        keep, listed = [], set()
        for item, sep in zip(items, seps):
            plain = _plain(item)
            ids = _ROW_ID.findall(plain)
            if not ids:
                if plain.lower() not in _PLACEHOLDERS:
                    keep.append((item, sep))  # a note of the writer's: stays
                continue
            if all(i in want or i in ok for i in ids):
                keep.append((item, sep))
                listed.update(ids)
            elif len(ids) > 1 or plain != ids[0]:
                stale = ", ".join(i for i in ids if i not in want and i not in ok)
                raise Refuse(f"{r.line}: the entry {item!r} lists {stale}, which does not belong in the {r.type.label} row, "
                             "with words of its own (fix does not delete them); edit that entry by hand, then run fix again")
        default = next((sp for sp in seps if sp), ", ")
        keep += [(i, default) for i in want if i not in listed]
        if not keep:
            return "-"
        return keep[0][0] + "".join((sep or default) + item for item, sep in keep[1:])

    def _add_rows(self, lines: list[list], by_type: dict) -> None:
        order = [t.prefix for t in self.reg.attention]
        extra = max(0, len(split_row(self.table[0][0])) - 3)
        default_nl = self.table[0][1] or b"\n"
        for typ in self.reg.attention:
            ids = self.want[typ.prefix]
            if typ.prefix in by_type or not ids:
                continue
            before = [by_type[p].line - self.first for p in order[: order.index(typ.prefix)] if p in by_type]
            at = max(before) if before else 1
            label = f"{typ.emoji} **{typ.label}**" if typ.emoji else f"**{typ.label}**"
            row = f"| {label} | {len(ids)} | {', '.join(ids)} |" + "  |" * extra
            nl = lines[at][1]
            if not nl:  # the table ended the file without a newline: so does the added row
                lines[at][1] = default_nl
            lines.insert(at + 1, [row, nl])
            by_type[typ.prefix] = _Added(self.first + at + 1)
            for p, r in by_type.items():  # rows below the insertion moved down by one
                if p != typ.prefix and r.line - self.first > at:
                    by_type[p] = _Added(r.line + 1)


class _Added:
    def __init__(self, line: int):
        self.line = line
