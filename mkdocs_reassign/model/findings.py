"""Findings session files: the finding-type registry and the parser (the rules are in rules/)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field
from functools import lru_cache

from .diagnostics import Diagnostic
from ..markdown import ScannedDoc, normalize_heading
from ..startup import dataclass, rx

# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class FindingType:
    prefix: str
    label: str  # the attention-table label ("Questions")
    emoji: str
    severity: str  # critical, question, ux, review, credentials, qa, minor
    sections: tuple[str, ...]  # words that identify its H2 section in a session file
    required: tuple[str, ...] = ()  # bold field keys a finding of this type must have
    attention: bool = False  # has a row in the NEEDS YOUR ATTENTION table
    stop: bool = False  # an open one stops CI (open-critical)
    aliases: tuple[str, ...] = ()

    @property
    def prefixes(self) -> tuple[str, ...]:
        return (self.prefix, *self.aliases)


def _load_default_types() -> list[dict]:
    """schemas/finding-types.yaml (shipped in the wheel), read once with the package's YAML loader."""
    from ..markdown import yamlutil
    from .contracts import schemas_dir

    with open(schemas_dir() / "finding-types.yaml", encoding="utf-8") as f:
        data, _lines = yamlutil.load(f.read())
    return data


# The default finding-type registry (the finding_types option replaces it): data, in schemas/finding-types.yaml.
DEFAULT_TYPES: list[dict] = _load_default_types()

SEVERITY_ORDER = ["critical", "question", "ux", "review", "credentials", "qa", "minor"]


_PREFIX = rx(r"[A-Z]{1,6}")


class Registry:
    def __init__(self, types: list[FindingType], id_pattern: str):
        self.types = types
        self.by_prefix = {p: t for t in types for p in t.prefixes}
        prefixes = "|".join(sorted((re.escape(p) for p in self.by_prefix), key=len, reverse=True))
        scope = rf"(?:[0-9]{{4}}|{id_pattern})"
        self.id_re = rx(rf"^(?P<type>{prefixes})-(?P<scope>{scope})-(?P<num>[0-9]{{3}})$")
        self.cite_re = rx(rf"(?<![A-Za-z0-9-])(?:{prefixes})-{scope}-[0-9]{{3}}(?![A-Za-z0-9-])")
        # anything that looks like an attempt at a finding ID
        self.loose_re = rx(r"^(?P<id>[A-Z]{1,6}-[A-Za-z0-9]{1,12}(?:-[A-Za-z0-9]{1,6})?)\s*:\s*(?P<title>.*)$")
        self.attention = [t for t in types if t.attention]

    def type_of(self, fid: str) -> FindingType | None:
        m = self.id_re.match(fid)
        return self.by_prefix.get(m.group("type")) if m else None

    def section_type(self, norm: str) -> FindingType | None:
        for t in self.types:
            if any(w in norm for w in t.sections):
                return t
        return None

    def label_type(self, label: str) -> FindingType | None:
        n = normalize_heading(label)
        for t in self.types:
            if normalize_heading(t.label) == n:
                return t
        for t in self.types:  # "Critical" vs "CRITICAL ISSUES"
            ln = normalize_heading(t.label)
            if n.startswith(ln) or ln.startswith(n):
                return t
        return None


def make_registry(config: list | None, id_pattern: str) -> tuple[Registry, list[str]]:
    """Build the registry from the finding_types option (None = defaults). Return (registry, problems)."""
    problems = []
    types = []
    for i, raw in enumerate(config if config is not None else DEFAULT_TYPES):
        if not isinstance(raw, dict):
            problems.append(f"finding_types[{i}]: expected a mapping")
            continue
        unknown = set(raw) - {"prefix", "label", "emoji", "severity", "sections", "required", "attention", "stop", "aliases"}
        if unknown:
            problems.append(f"finding_types[{i}]: unknown key(s) {', '.join(sorted(unknown))}")
            continue
        prefix = raw.get("prefix")
        if not isinstance(prefix, str) or _PREFIX.fullmatch(prefix) is None:
            problems.append(f"finding_types[{i}]: prefix must be 1-6 capital letters")
            continue
        try:
            types.append(FindingType(
                prefix=prefix, label=str(raw.get("label") or prefix), emoji=str(raw.get("emoji") or ""),
                severity=str(raw.get("severity") or "minor"),
                sections=tuple(normalize_heading(s) for s in (raw.get("sections") or [raw.get("label") or prefix])),
                required=tuple(str(r) for r in raw.get("required") or ()), attention=bool(raw.get("attention", False)),
                stop=bool(raw.get("stop", False)), aliases=tuple(str(a) for a in raw.get("aliases") or ()),
            ))
        except (TypeError, ValueError) as e:
            problems.append(f"finding_types[{i}]: {e}")
    return Registry(types, id_pattern), problems


# ---------------------------------------------------------------- model


@dataclass
class FileRef:
    path: str
    start: int | None
    end: int | None
    line: int  # where in the session file


@dataclass
class Finding:
    id: str
    type: FindingType | None
    title: str
    session: str  # docs-relative path
    line: int
    end_line: int
    section: FindingType | None  # the type of the section it sits in
    feature_raw: str = ""
    feature_id: str | None = None
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    files: list[FileRef] = field(default_factory=list)
    decided: bool = False
    decided_at: int | None = None
    from_table: bool = False
    maybe_decided: str | None = None  # "Q1 at line 210": a short reference in the DECISIONS LOG or a status line probably names it

    @property
    def open(self) -> bool:
        """Open for the attention table: not decided, and not possibly decided under a short reference."""
        return not self.decided and self.maybe_decided is None

    @property
    def anchor(self) -> str:
        return "finding-" + self.id.lower()


@dataclass
class ShortRef:
    """A DECISIONS LOG row or status-line entry naming a finding by a short ordinal (`Q1`, `Q5-new`, `CRIT2`)."""

    ref: str
    type: FindingType
    number: int
    line: int
    source: str  # "log" or "status"
    text: str  # the row's words about the finding ("" on a status line)
    ticked: bool  # the entry records a decision (a log row; a status entry followed by a check mark)
    match: Finding | None = None
    how: str = ""  # "title" (by title similarity, unique) or "position" (the Nth finding of the type), "" when none
    score: float = 0.0
    others: list[Finding] = field(default_factory=list)  # as likely as match (then fix does not rewrite it)


@dataclass
class AttentionRow:
    label: str
    type: FindingType | None
    count: int | None
    ids: list[str]
    line: int


@dataclass
class AttentionTable:
    heading_line: int
    start: int  # first table line (1-based), 0 when the heading has no table
    end: int  # last table line
    rows: list[AttentionRow]


@dataclass
class Session:
    rel: str
    doc: ScannedDoc
    findings: list[Finding] = field(default_factory=list)
    attention: AttentionTable | None = None
    marker_line: int | None = None  # <!-- reassign:attention -->
    decisions: dict[str, int] = field(default_factory=dict)
    short_refs: list[ShortRef] = field(default_factory=list)
    malformed: list = field(default_factory=list)  # (line, text, type): looks like a finding of a stop type, is not one
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------- parser

_FIELD = rx(r"^\s*(?:[-*+]\s+)?\*\*(?P<key>[^*]{1,60}?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*)$")
_CHECKBOX = rx(r"^\s*[-*+]\s+\[(?P<mark>[ xX✓✔])\]\s*(?P<text>.*)$")
_FILE_REF = rx(r"^(?P<path>[^\s:`()]+?)(?::(?P<start>[0-9]+)(?:\s*-\s*(?P<end>[0-9]+))?)?$")
_TABLE_SEP = rx(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")
_MARKER = "reassign:attention"
# An ID in an attention-table cell: the shape of Registry.loose_re's IDs, so that every ID that
# expected_rows puts in a table (and `fix` writes) reads back (else fix and check disagree forever).
_ROW_ID = rx(r"(?<![A-Za-z0-9-])[A-Z]{1,6}-[A-Za-z0-9]{1,12}(?:-[A-Za-z0-9]{1,6})?(?![A-Za-z0-9-])")
_LISTABLE_ID = rx(r"[A-Z]{1,6}-[A-Za-z0-9]{1,12}(?:-[A-Za-z0-9]{1,6})?\Z")
_DECISION_KEYS = ("your decision", "your answer", "decision")


def norm_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", key.lower().replace("’", "'").replace("'", "")).strip()


def split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    if "\\" not in s:  # the common case, without a per-character loop
        return [c.strip() for c in s.split("|")]
    cells, cur, i = [], [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] == "|":
            cur.append("|")
            i += 2
            continue
        if c == "|":
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    cells.append("".join(cur).strip())
    return cells


def _tables(doc: ScannedDoc, start: int, end: int):
    """Yield (header cells, [(line, cells)], first line, last line) for pipe tables in lines start..end."""
    lines = doc.lines
    i = start
    while i <= end:
        text = lines[i - 1] if i - 1 < len(lines) else ""
        if doc.prose[i - 1] and "|" in text and i + 1 <= end and _TABLE_SEP.match(lines[i]) and "-" in lines[i]:
            header = split_row(text)
            rows = []
            j = i + 2
            while j <= end and doc.prose[j - 1] and "|" in lines[j - 1] and lines[j - 1].strip():
                rows.append((j, split_row(lines[j - 1])))
                j += 1
            yield header, rows, i, j - 1
            i = j
        else:
            i += 1


_EMPHASIS = rx(r"\*\*|__|(?<![\w*])[*_]|[*_](?![\w*])")
_CODE = rx(r"(`+)(.+?)\1")


_TICKS = rx(r"`+")


def _code_spans(cell: str):
    """(start, end, inner) of each code span: a backtick run closed by the next run of the same length.

    Linear in the cell (a regex such as (`+)(.+?)\\1 backtracks cubically on a run of backticks).
    """
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(cell)]
    by_len: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(runs):
        by_len.setdefault(b - a, []).append(k)
    k = 0
    while k < len(runs):
        a, b = runs[k]
        same = by_len[b - a]
        j = bisect_right(same, k)
        if j < len(same):
            c, d = runs[same[j]]
            yield a, d, cell[b:c]
            k = same[j] + 1
        else:
            k += 1


def _plain(cell: str) -> str:
    """Inline Markdown as the reader sees it: emphasis marks go, code spans keep their text."""
    if "`" not in cell:
        return _EMPHASIS.sub("", cell).strip()
    out, pos = [], 0
    for start, end, inner in _code_spans(cell):
        out.append(_EMPHASIS.sub("", cell[pos:start]))
        out.append(inner.strip() if inner.strip() else inner)
        pos = end
    out.append(_EMPHASIS.sub("", cell[pos:]).replace("`", ""))
    return "".join(out).strip()


@lru_cache(maxsize=32)
def _feature_id_re(id_pattern: str) -> re.Pattern:
    return rx(rf"(?<![A-Za-z0-9-])({id_pattern})(?![A-Za-z0-9-])")


def _feature_id(raw: str, id_pattern: str) -> str | None:
    m = _feature_id_re(id_pattern).search(raw)
    return m.group(1) if m else None


def parse_session(rel: str, doc: ScannedDoc, reg: Registry, id_pattern: str) -> Session:
    s = Session(rel, doc)
    headings = doc.headings
    nlines = len(doc.lines)
    for _a, _b, inner in doc.comments:
        if inner.strip() == _MARKER:
            s.marker_line = _a
            break
    # H2 (or H1-H2) sections and their type
    sections = [sec for sec in doc.sections() if sec.heading.level == 2]
    hlines = [h.line for h in headings]
    for sec in sections:
        norm = sec.heading.norm
        own_end = sec.end
        if "needs your attention" in norm:
            s.attention = _parse_attention(doc, sec.start, own_end, reg)
            continue
        if "decisions log" in norm or norm == "decisions":
            for header, rows, _f, _l in _tables(doc, sec.start + 1, own_end):
                for line, cells in rows:
                    named = False
                    for cell in cells:
                        for fid in (m.group() for m in reg.cite_re.finditer(_plain(cell))):
                            s.decisions.setdefault(fid, line)
                            named = True
                    if not named:
                        _log_short_ref(s, header, line, cells, reg)
            continue
        stype = reg.section_type(norm) if sec.heading.level == 2 else None
        _parse_blocks(s, doc, sec.start, own_end, stype, reg, id_pattern, hlines)
        if stype is not None:
            _parse_table_findings(s, doc, sec.start + 1, own_end, stype, reg, id_pattern)
    if not sections:
        _parse_blocks(s, doc, 1, nlines, None, reg, id_pattern)
    for f in s.findings:
        if not f.decided and f.id in s.decisions:
            f.decided = True
            f.decided_at = s.decisions[f.id]
    _status_short_refs(s, doc, reg)
    _match_short_refs(s)
    return s


# ---------------------------------------------------------------- decisions as teams record them

_SHORT_CACHE: dict = {}
_STOP = frozenset("""a an the of to in on for is are be should we it its this that by from at as and or with during when
what how does do not no yes will can if than then into via per vs""".split())
_TEXT_COLS = ("question/issue", "question", "issue", "item", "topic", "title", "subject", "what", "question issue")
_TICK = rx(r"^\s*(?:✅|✔️?|☑️?|\[[xX]\]|done\b|decided\b|answered\b)", re.I)


def _short_res(reg: Registry):
    key = tuple(sorted(reg.by_prefix))
    hit = _SHORT_CACHE.get(key)
    if hit is None:
        prefixes = "|".join(sorted((re.escape(p) for p in reg.by_prefix), key=len, reverse=True))
        whole = rx(rf"^(?P<p>{prefixes})(?P<n>[0-9]{{1,3}})(?P<suf>-[A-Za-z]{{1,8}})?$")
        token = rx(rf"(?<![A-Za-z0-9-])(?P<p>{prefixes})(?P<n>[0-9]{{1,3}})(?P<suf>-[A-Za-z]{{1,8}})?(?![A-Za-z0-9-])")
        hit = _SHORT_CACHE[key] = (whole, token)
    return hit


def _log_short_ref(s: Session, header: list[str], line: int, cells: list[str], reg: Registry) -> None:
    whole, _token = _short_res(reg)
    plain = [_plain(c) for c in cells]
    for k, cell in enumerate(plain):
        m = whole.match(cell)
        if not m:
            continue
        cols = [norm_key(_plain(h)).replace(" ", "/") for h in header]
        text_cols = [i for i, c in enumerate(cols) if c in _TEXT_COLS or c.replace("/", " ") in _TEXT_COLS]
        words = [plain[i] for i in text_cols if i < len(plain) and i != k] or \
                [c for i, c in enumerate(plain) if i != k and not re.fullmatch(r"[0-9:.\s/-]*", c)]
        s.short_refs.append(ShortRef(cell, reg.by_prefix[m.group("p")], int(m.group("n")), line, "log", " ".join(words), True))
        return


def _status_short_refs(s: Session, doc: ScannedDoc, reg: Registry) -> None:
    """`**Status:** Q1 ✅ Q2 ✅ ...`: each short reference on a status line (one not already in the log)."""
    _whole, token = _short_res(reg)
    seen = {r.ref for r in s.short_refs}
    for i, text in enumerate(doc.lines):
        if "tatus" not in text or not doc.prose[i] or text.lstrip().startswith("|"):
            continue
        plain = _plain(text)
        m = re.match(r"^\W*status\s*:\s*", plain, re.I)
        if not m:
            continue
        rest = plain[m.end():]
        for t in token.finditer(rest):
            ref = t.group(0)
            if ref in seen:
                continue
            seen.add(ref)
            ticked = bool(_TICK.match(rest[t.end():]))
            s.short_refs.append(ShortRef(ref, reg.by_prefix[t.group("p")], int(t.group("n")), i + 1, "status", "", ticked))


def title_words(text: str) -> set[str]:
    from ..text.words import stem, tokens

    return {stem(t[0]) for t in tokens(text) if t[0].casefold() not in _STOP and not t[0].isdigit()}


def similarity(a: str, b: str) -> float:
    """How alike two titles are: the Dice coefficient of their word stems (stop words left out), where two
    stems count as the same word when difflib finds them close (a typo, a suffix the stemmer left)."""
    import difflib

    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return 0.0
    common = sum(1 for w in wa if w in wb or difflib.get_close_matches(w, wb, n=1, cutoff=0.85))
    return 2 * common / (len(wa) + len(wb))


LIKELY = 0.3  # a title this similar to a short reference's words is "probably" the finding it names
_MARGIN = 0.1  # ... when no other finding of the type comes within this of it


def _match_short_refs(s: Session) -> None:
    for r in s.short_refs:
        cands = [f for f in s.findings if (f.type or f.section) is r.type and _LISTABLE_ID.match(f.id)]
        if not cands:
            continue
        if r.text:
            scored = sorted(((similarity(r.text, f.title), k, f) for k, f in enumerate(cands)), key=lambda x: (-x[0], x[1]))
            best = scored[0]
            if best[0] >= LIKELY:
                r.match, r.how, r.score = best[2], "title", best[0]
                r.others = [f for sc, _k, f in scored[1:] if sc > best[0] - _MARGIN]
                if r.others:
                    r.how = "title-tie"
        if r.match is None and not r.text:  # a bare "Q1 ✅": the Nth finding of the type, by position only
            blocks = [f for f in cands if not f.from_table] or cands
            if 1 <= r.number <= len(blocks):
                r.match, r.how = blocks[r.number - 1], "position"
        if r.match is not None and r.ticked and r.how != "title-tie" and not r.match.decided and r.match.maybe_decided is None:
            r.match.maybe_decided = f"{r.ref} at line {r.line}"


def _parse_attention(doc: ScannedDoc, start: int, end: int, reg: Registry) -> AttentionTable:
    for header, rows, first, last in _tables(doc, start + 1, end):
        out = []
        for line, cells in rows:
            if not cells:
                continue
            label = _plain(re.sub(r"^[^\w*]+", "", cells[0]))
            count = None
            if len(cells) > 1:
                c = _plain(cells[1])
                count = int(c) if c.isascii() and c.isdigit() and len(c) <= 18 else None  # int("²") raises
            ids = []
            if len(cells) > 2:
                ids = _ROW_ID.findall(_plain(cells[2]))  # IDs only: "(asked twice)" or "none" are not IDs
            out.append(AttentionRow(label, reg.label_type(label), count, ids, line))
        return AttentionTable(start, first, last, out)
    return AttentionTable(start, 0, 0, [])


_BOLD_FINDING = rx(r"^\s*\*\*(?P<inner>[A-Z]{1,6}-[A-Za-z0-9]{1,12}(?:-[A-Za-z0-9]{1,6})?\s*:?[^*]*)\*\*\s*:?\s*(?P<rest>.*)$")


def _parse_blocks(s: Session, doc: ScannedDoc, start: int, end: int, stype: FindingType | None, reg: Registry, id_pattern: str,
                  hlines: list[int] | None = None) -> None:
    """Findings written as `### ID: Title` blocks; under a findings section also at any deeper heading level
    (`#### CRIT-...`) and, under a section of a type that stops CI (CRITICAL), as a bold line
    (`**CRIT-1124-004**: Title`): a critical is a finding or a finding-format error, never ignored."""
    # headings are in line order: bisect to this section's (a scan per section is quadratic)
    if hlines is None:
        hlines = [h.line for h in doc.headings]
    hs = [h for h in doc.headings[bisect_right(hlines, start) : bisect_right(hlines, end)] if h.level >= 3]
    starts = []  # (line, level, text): level 0 for a bold line
    for h in hs:
        if h.level == 3 or stype is not None:
            starts.append((h.line, h.level, h.text))
    if stype is not None and stype.stop:
        for ln in range(start + 1, end + 1):
            text = doc.lines[ln - 1] if ln - 1 < len(doc.lines) else ""
            if not text.lstrip().startswith("**") or not doc.prose[ln - 1]:
                continue
            m = _BOLD_FINDING.match(text)
            if m and any(m.group("inner").startswith(p + "-") for p in reg.by_prefix):
                inner, rest = m.group("inner").strip(), m.group("rest").strip()
                if ":" not in inner:  # **CRIT-1124-004**: Title
                    inner = f"{inner}: {rest}"
                elif inner.endswith(":") or rest:  # **CRIT-1124-004:** Title
                    inner = f"{inner} {rest}"
                starts.append((ln, 0, inner))
        starts.sort()
    found = []
    for line, level, text in starts:
        m = reg.loose_re.match(re.sub(r"^[^A-Za-z0-9]+", "", re.sub(r"[*_`]", "", text)).strip())
        if not m:
            if stype is not None and stype.stop and level != 3 and re.match(rf"^\W*{re.escape(stype.prefix)}\b", _plain(text)):
                s.malformed.append((line, _plain(text), stype))
            continue
        found.append((line, level, text, m))
    for k, (line, level, text, m) in enumerate(found):
        fid = m.group("id")
        raw = text.strip()
        title = _plain(raw.split(":", 1)[1]) if ":" in raw else m.group("title").strip()
        block_end = end
        for h in hs:  # the next heading at this level or above ends it (a bold line: any heading)
            if h.line > line and (level == 0 or h.level <= level):
                block_end = h.line - 1
                break
        if k + 1 < len(found):
            block_end = min(block_end, found[k + 1][0] - 1)
        ftype = reg.type_of(fid)
        f = Finding(fid, ftype, title, s.rel, line, block_end, stype)
        _parse_fields(f, doc, line + 1, block_end, id_pattern)
        if not reg.id_re.match(fid) and stype is None and not any(fid.startswith(p + "-") for p in reg.by_prefix):
            continue  # an H3 such as "### TODO-1: ..." outside any findings section is not ours
        s.findings.append(f)


def _parse_fields(f: Finding, doc: ScannedDoc, start: int, end: int, id_pattern: str) -> None:
    lines = doc.lines
    in_decision = False
    in_files = False
    for ln in range(start, end + 1):
        if not doc.prose[ln - 1]:
            continue
        text = lines[ln - 1]
        m = _FIELD.match(text)
        if m:
            key = norm_key(m.group("key"))
            value = m.group("value").strip()
            f.fields.setdefault(key, (value, ln))
            in_decision = key in _DECISION_KEYS or key.startswith("your ")
            in_files = key in ("files", "file") and not value
            if key == "feature":
                f.feature_raw = value
                f.feature_id = _feature_id(_plain(value), id_pattern)
            elif key in ("file", "files") and value:
                for part in re.split(r",\s*|\s+and\s+", value):
                    _add_ref(f, part, ln)
            continue
        cb = _CHECKBOX.match(text)
        if cb:
            if in_decision and cb.group("mark") != " " and not f.decided:
                f.decided = True
                f.decided_at = ln
            continue
        if in_files:
            bullet = re.match(r"^\s*[-*+]\s+(.*)$", text)
            if bullet:
                _add_ref(f, bullet.group(1), ln)
                continue
            if text.strip():
                in_files = False


def _line_number(digits: str) -> int:
    # int() refuses more than 4300 digits; any such line is past the end of every file anyway
    return int(digits) if len(digits) <= 18 else 10**18


def _add_ref(f: Finding, part: str, line: int) -> None:
    m = re.search(r"`([^`]+)`", part)
    token = m.group(1) if m else part.strip().split(" ")[0] if part.strip() else ""
    token = token.strip().strip("`")
    rm = _FILE_REF.match(token)
    if not rm or ("/" not in rm.group("path") and "." not in rm.group("path")):
        return
    start = _line_number(rm.group("start")) if rm.group("start") else None
    end = _line_number(rm.group("end")) if rm.group("end") else start
    f.files.append(FileRef(rm.group("path"), start, end, line))


def _parse_table_findings(s: Session, doc: ScannedDoc, start: int, end: int, stype: FindingType, reg: Registry, id_pattern: str) -> None:
    for header, rows, _first, _last in _tables(doc, start, end):
        cols = [norm_key(_plain(h)) for h in header]
        if not cols or cols[0] not in ("id", "ids", "finding"):
            continue
        fcol = next((i for i, c in enumerate(cols) if c == "feature"), None)
        tcol = next((i for i, c in enumerate(cols) if c in ("issue", "title", "what to review", "why needed", "what", "service")), None)
        for line, cells in rows:
            fid = _plain(cells[0]) if cells else ""
            if not fid or fid in ("-", "—", "–"):
                continue
            title = _plain(cells[tcol]) if tcol is not None and tcol < len(cells) else ""
            f = Finding(fid, reg.type_of(fid), title, s.rel, line, line, stype, from_table=True)
            if fcol is not None and fcol < len(cells):
                f.feature_raw = _plain(cells[fcol])
                f.feature_id = _feature_id(f.feature_raw, id_pattern)
            s.findings.append(f)


# ---------------------------------------------------------------- what rules and pages share


_ALIASES = {"found by": ("asked by", "reported by"), "asked by": ("found by",), "file": ("files",),
            "why its critical": ("why it is critical",), "current behavior": ("current behaviour", "current")}


def alias_present(key: str, fields: dict) -> bool:
    return any(a in fields for a in _ALIASES.get(norm_key(key), ()))


def truth(sessions: list[Session], reg: Registry) -> dict[str, Finding]:
    """Every defined finding by ID (the first definition wins)."""
    out: dict[str, Finding] = {}
    for s in sessions:
        for f in s.findings:
            out.setdefault(f.id, f)
    return out


def expected_rows(s: Session, reg: Registry) -> list[tuple[FindingType, list[str]]]:
    """The correct attention table of a session: open findings per type with a row (a finding possibly decided
    under a short reference is left out: `fix` does not add it; attention-drift accepts it listed or not)."""
    rows = []
    seen = set()
    for t in reg.attention:
        ids = []
        for f in s.findings:
            if (f.type or f.section) is t and f.open and f.id not in seen and reg.id_re.match(f.id):
                # (a malformed ID, Q-1124-1, or a table-row "ID" of free text is not listed: its finding-format error says why)
                ids.append(f.id)
                seen.add(f.id)
        rows.append((t, ids))
    return rows


