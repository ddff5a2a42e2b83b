"""Waivers (front matter and inline comments) and baselines."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import stat
from collections import Counter

from .model.diagnostics import Diagnostic, normalise_fingerprint
from .rules import RULES
from .rules import waiver as rule
from .startup import rx

_INLINE = rx(r"^\s*reassign:\s*waive\s+(?P<key>[A-Za-z0-9:_-]+)(?:\s+(?P<rest>.*))?$", re.S)
_REASON = rx(r'^"(?P<reason>[^"]*)"|^\'(?P<reason2>[^\']*)\'')
_UNTIL = rx(r"\buntil[=:]\s*(?P<date>\S+)")


class Waiver:
    __slots__ = ("key", "reason", "until", "line", "lo", "hi", "expired")

    def __init__(self, key, reason, until, line, lo, hi):
        self.key, self.reason, self.until, self.line, self.lo, self.hi = key, reason, until, line, lo, hi
        self.expired = False

    def covers(self, d: Diagnostic) -> bool:
        if not (self.lo <= d.line <= self.hi or (d.line == 0 and self.lo <= 1)):
            return False
        k = self.key
        return k == d.rule or (d.requirement is not None and (k == d.requirement or "section:" + k == d.requirement))


def _parse_date(value) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def collect(rel: str, doc, out: list[Diagnostic], today: _dt.date) -> list[Waiver]:
    """Waivers of one doc; problems with them become `waiver` diagnostics in out."""
    ws: list[Waiver] = []
    n = len(doc.lines) or 1
    fm = doc.front_matter if isinstance(doc.front_matter, dict) else {}
    raw = fm.get("waive")
    line = doc.fm_lines.get("waive", 1)
    if isinstance(raw, dict):
        for key, val in raw.items():
            reason, until = (val, None) if not isinstance(val, dict) else (val.get("reason"), val.get("until"))
            ws.append(_make(rel, str(key), reason, until, line, 1, n, out, today))
    elif raw is not None:
        out.append(rule.not_a_mapping(rel, line))
    for start, _end, inner in doc.comments:
        m = _INLINE.match(inner)
        if not m:
            continue
        rest = (m.group("rest") or "").strip()
        rm = _REASON.match(rest)
        reason = (rm.group("reason") if rm.group("reason") is not None else rm.group("reason2")) if rm else None
        um = _UNTIL.search(rest)
        sec = doc.section_at(start)
        lo, hi = (sec.start, sec.end) if sec is not None and sec.heading.level > 1 else (1, n)
        ws.append(_make(rel, m.group("key"), reason, um.group("date") if um else None, start, lo, hi, out, today))
    return [w for w in ws if w is not None and not w.expired]


def _make(rel, key, reason, until, line, lo, hi, out, today) -> Waiver | None:
    if not isinstance(reason, str) or not reason.strip():
        out.append(rule.no_reason(rel, line, key))
        return None
    w = Waiver(key, reason.strip(), None, line, lo, hi)
    if until is not None:
        d = _parse_date(until)
        if d is None:
            out.append(rule.bad_date(rel, line, key, until))
            return None
        w.until = d
        if d < today:
            w.expired = True
            out.append(rule.expired(rel, line, key, d, w.reason))
    return w


def _known_keys(fd) -> set[str] | None:
    """Rule IDs plus the requirement and section IDs of a feature doc's contract (None: unknown)."""
    c = getattr(fd, "contract", None)
    if c is None:
        return None
    keys = set(RULES)
    keys.update(r.id for r in c.requirements)
    keys.update(sp.id for sp in c.sections)
    return keys


class _Index:
    """The waivers of one doc, found for a diagnostic without trying each one (20,000 inline waivers
    times 20,000 diagnostics is quadratic). Same answer as the first w in ws with w.covers(d)."""

    def __init__(self, ws: list[Waiver], doc):
        self.ws = ws
        self.n = len(doc.lines) or 1
        secs = doc.sections()
        self.doc = doc
        spans = {(sec.start, sec.end) for sec in secs} | {(1, self.n)}
        self.linear = len(ws) <= 8 or any((w.lo, w.hi) not in spans for w in ws)
        self.first: dict[tuple, int] = {}  # (key, lo, hi) -> position of its first waiver
        self.first_at_top: dict[str, int] = {}  # key -> first waiver with lo <= 1 (covers line-0 diagnostics)
        for i, w in enumerate(ws):
            self.first.setdefault((w.key, w.lo, w.hi), i)
            if w.lo <= 1:
                self.first_at_top.setdefault(w.key, i)
        self.parent: list[int] = []  # section index -> enclosing section index (-1: none)
        stack: list[int] = []
        for i, sec in enumerate(secs):
            while stack and secs[stack[-1]].heading.level >= sec.heading.level:
                stack.pop()
            self.parent.append(stack[-1] if stack else -1)
            stack.append(i)

    def first_covering(self, d: Diagnostic) -> Waiver | None:
        if self.linear:
            return next((w for w in self.ws if w.covers(d)), None)
        keys = {d.rule}
        if d.requirement is not None:
            keys.add(d.requirement)
            if d.requirement.startswith("section:"):
                keys.add(d.requirement[8:])
        best = None
        if d.line == 0:
            for k in keys:
                i = self.first_at_top.get(k)
                if i is not None and (best is None or i < best):
                    best = i
        else:
            spans = [(1, self.n)]
            sec = self.doc.section_at(d.line)
            secs = self.doc.sections()
            j = sec.index if sec is not None else -1
            while j >= 0:
                spans.append((secs[j].start, secs[j].end))
                j = self.parent[j]
            for k in keys:
                for lo, hi in spans:
                    i = self.first.get((k, lo, hi))
                    if i is not None and (best is None or i < best):
                        best = i
        if best is None:
            return None
        w = self.ws[best]
        return w if w.covers(d) else next((w for w in self.ws if w.covers(d)), None)


def apply(diags: list[Diagnostic], feats: dict, sessions: list, today: _dt.date | None,
          severity: str | dict[str, str] | None = None, prefix: str = "") -> None:
    """Mark diagnostics covered by a waiver; add `waiver` diagnostics for bad or expired waivers."""
    today = today or _dt.date.today()
    extra: list[Diagnostic] = []
    docs = [(rel, fd.doc, _known_keys(fd)) for rel, fd in feats.items()] + [(s.rel, s.doc, set(RULES)) for s in sessions]
    by_rel: dict[str, list[Waiver]] = {}
    for rel, doc, known in docs:
        if doc.comments or (isinstance(doc.front_matter, dict) and "waive" in doc.front_matter):
            ws = collect(prefix + rel, doc, extra, today)
            if known is not None:
                for w in ws:
                    if w.key not in known:
                        extra.append(rule.unknown_key(prefix + rel, w.line, w.key))
            if ws:
                by_rel[prefix + rel] = _Index(ws, doc)
    for d in diags:
        idx = by_rel.get(d.path)
        if idx is not None and d.rule != "waiver":
            w = idx.first_covering(d)
            if w is not None:
                d.waived = w.reason
    level = severity if isinstance(severity, str) else (severity or {}).get("waiver", "error")
    for d in extra:
        d.severity = level
    diags.extend(extra)


def fingerprints(diags: list[Diagnostic]) -> list[str]:
    """Fingerprints of the diagnostics that count, sorted, one per diagnostic (duplicates kept)."""
    return sorted(d.fingerprint() for d in diags if not d.waived and d.severity != "off")


def write_baseline(path: str, diags: list[Diagnostic]) -> int:
    """Write the baseline file (files.write_output: replaced atomically, never partial). Raise OSError."""
    from .files import Refused, write_output

    fps = fingerprints(diags)
    data = json.dumps({"version": 1, "tool": "mkdocs-reassign", "diagnostics": fps}, indent=1, ensure_ascii=False) + "\n"
    try:
        write_output(path, data.encode("utf-8"), make_dirs=False)
    except Refused as e:
        raise OSError(str(e)) from None
    return len(fps)


def file_stamp(path: str) -> int:
    """The file's modification time in nanoseconds, -1 when it cannot be read: to re-read a baseline only when it changed."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


MAX_BASELINE_BYTES = 50_000_000
MAX_JSON_DEPTH = 100
_JSON_TOKENS = rx(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')


class _TooLarge(Exception):
    pass


def _bounded_read(path: str) -> bytes:
    """A regular file's bytes, at most the cap plus one (a device such as /dev/zero, or a FIFO, is refused)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _TooLarge(" is not a regular file")
        data = f.read(MAX_BASELINE_BYTES + 1)
    if len(data) > MAX_BASELINE_BYTES:
        raise _TooLarge(f" is larger than {MAX_BASELINE_BYTES // 1_000_000} MB")
    return data


def _refuse_deep_json(text: str) -> None:
    """JSON nested deeper than MAX_JSON_DEPTH (the json module recurses: 100,000 levels raise RecursionError)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise _TooLarge(f":{line}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        elif tok in "]}":
            depth -= 1


def read_baseline(path: str) -> Counter:
    """Fingerprint -> how many diagnostics of it the baseline accepts. Raise ValueError with a readable message."""
    hint = "write it with: mkdocs-reassign baseline"
    try:
        text = _bounded_read(path).decode("utf-8-sig")
        _refuse_deep_json(text)
        data = json.loads(text)
    except OSError as e:
        raise ValueError(f"cannot read baseline {path}: {e.strerror or e} ({hint})") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise ValueError(f"baseline {path} is not valid JSON: {e} ({hint})") from None
    except _TooLarge as e:
        raise ValueError(f"baseline {path}{e} ({hint})") from None
    if not isinstance(data, dict) or not isinstance(data.get("diagnostics"), list) \
            or not all(isinstance(x, str) for x in data["diagnostics"]):
        raise ValueError(f"baseline {path} has no list of diagnostic fingerprints ({hint})")
    if data.get("version", 1) != 1:
        raise ValueError(f"baseline {path} has version {data.get('version')!r}; this mkdocs-reassign reads version 1")
    return Counter(normalise_fingerprint(fp) for fp in data["diagnostics"])


def apply_baseline(diags: list[Diagnostic], baseline) -> None:
    """Mark as waived the diagnostics the baseline accepts: as many of each fingerprint as it recorded."""
    left = Counter(baseline)
    for d in diags:
        if d.waived or d.severity == "off":
            continue
        fp = d.fingerprint()
        if left[fp] > 0:
            left[fp] -= 1
            d.waived = "baseline"
