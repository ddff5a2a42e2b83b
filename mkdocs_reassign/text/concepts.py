"""Concepts matched by meaning, and heading name families.

A concept is a name and a list of alternatives. An alternative is either

- a phrase: consecutive stemmed words (``"grace period"`` matches "grace periods"), or
- a proximity group ``{all: [group, group, ...], within: N}``: each group is a phrase or a
  list of phrases (any of them); every group must match inside ONE unit (a sentence, table
  row, list item or heading) with all matched words within N words of each other.

Units that count: not a placeholder, and not a question unless it is answered (the next
non-question unit of the same section is real content). Matching is literal over stems and
near-linear: a doc's stems are indexed once (stem -> postings), and each alternative only
visits the units holding its rarest word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .units import Unit, split_units
from .words import stem, tokens

__all__ = ["Alternative", "Concept", "ConceptVerdict", "DocIndex", "heading_matches", "heading_words",
           "phrase_stems"]

DEFAULT_WITHIN = 8


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """A phrase as the stems it must match. A one-word camelCase phrase (``WebRTC``) is its glued form."""
    toks = tokens(phrase)
    if toks and len(toks) > 1 and toks[0][3] and all(not t[3] for t in toks[1:]) and \
            toks[-1][2] - toks[0][1] == len(toks[0][3]) and len(phrase.split()) == 1:
        return (stem(toks[0][3]),)
    return tuple(stem(t[0]) for t in toks)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to say a concept: ``groups`` of phrases (stem tuples); one group + within None = a phrase."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    within: int | None
    source: str  # the alternative as written (for messages)
    labels: tuple[str, ...] = ()  # each group as written

    @classmethod
    def parse(cls, spec) -> "Alternative":
        """From contract data: a string (a phrase) or ``{all: [str | [str, ...], ...], within: N}``."""
        if isinstance(spec, str):
            st = phrase_stems(spec)
            if not st:
                raise ValueError(f"alternative {spec!r} has no words")
            return cls(((st,),), None, spec, (spec,))
        if isinstance(spec, dict) and "all" in spec:
            groups, labels = [], []
            for g in spec["all"]:
                phrases = [g] if isinstance(g, str) else list(g)
                sts = tuple(s for s in (phrase_stems(p) for p in phrases) if s)
                if not sts:
                    raise ValueError(f"group {g!r} has no words")
                groups.append(sts)
                labels.append(" / ".join(phrases))
            within = int(spec.get("within", DEFAULT_WITHIN))
            if within < 0:
                raise ValueError("within must be >= 0")
            src = " + ".join(f"[{l}]" for l in labels) + f" within {within}"
            return cls(tuple(groups), within, src, tuple(labels))
        raise ValueError(f"an alternative is a string or {{all: [...], within: N}}, not {spec!r}")


@dataclass(frozen=True, slots=True)
class Concept:
    name: str
    alternatives: tuple[Alternative, ...]

    @classmethod
    def parse(cls, name: str, alternatives: Iterable) -> "Concept":
        return cls(name, tuple(Alternative.parse(a) for a in alternatives))


@dataclass(slots=True)
class ConceptVerdict:
    concept: str
    met: bool
    line: int | None = None  # hit: line of the unit that matched; miss: line of the closest passage
    matched: tuple[str, ...] = ()  # hit: the words (as written) that matched
    alternative: str = ""  # hit: the alternative that matched
    text: str = ""  # hit: the unit; miss: the closest passage (trimmed to ~100 chars)
    lacking: tuple[str, ...] = ()  # miss: groups of the closest alternative that did not match

    def explain(self) -> str:
        if self.met:
            return f'"{self.concept}" covered at line {self.line} ({" ".join(self.matched)!r})'
        if self.line is None:
            return f'"{self.concept}" is not covered (no passage comes close)'
        return (f'"{self.concept}" is not covered; closest at line {self.line}: "{self.text}" '
                f'(lacks {", ".join(self.lacking)})')


def _trim(text: str, n: int = 100) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


class DocIndex:
    """A doc's units and their stems, indexed once: stem -> [(unit, position)]."""

    __slots__ = ("units", "stems", "raw", "alias", "postings", "counts")

    def __init__(self, units: Sequence[Unit]):
        self.units = list(units)
        self.stems: list[list[str]] = []
        self.raw: list[list[str]] = []
        self.alias: list[dict[int, tuple[str, int]]] = []  # unit -> {position: (glued stem, span)}
        postings: dict[str, list[tuple[int, int]]] = {}
        for ui, u in enumerate(self.units):
            toks = tokens(u.text)
            st = [stem(t[0]) for t in toks]
            al: dict[int, tuple[str, int]] = {}
            for p, t in enumerate(toks):
                postings.setdefault(st[p], []).append((ui, p))
                if t[3]:
                    span = 1
                    while p + span < len(toks) and not toks[p + span][3] and toks[p + span][2] <= t[1] + len(t[3]):
                        span += 1
                    g = stem(t[3])
                    al[p] = (g, span)
                    postings.setdefault(g, []).append((ui, p))
            self.stems.append(st)
            self.raw.append([t[0] for t in toks])
            self.alias.append(al)
        self.postings = postings
        self.counts = self._counting()

    @classmethod
    def from_lines(cls, lines: list[str], prose: Sequence[int]) -> "DocIndex":
        return cls(split_units(lines, prose))

    def _counting(self) -> list[bool]:
        """Per unit: does it count as content? Placeholders never; questions only when answered."""
        units = self.units
        out = [not u.is_placeholder for u in units]
        for i, u in enumerate(units):
            if u.is_placeholder or not u.is_question:
                continue
            out[i] = False
            for j in range(i + 1, len(units)):
                v = units[j]
                if v.kind == "heading" and (u.kind != "heading" or v.level <= u.level):
                    break  # the section ends
                if v.is_question and not v.is_placeholder:
                    continue  # a run of questions shares the answer that follows
                out[i] = not v.is_placeholder
                break
        return out

    # -- sections ---------------------------------------------------------------------------
    def has_content(self, lo: int, hi: int) -> bool:
        """Lines lo..hi (a section's body) hold a unit that counts (only placeholders = empty)."""
        return any(self.counts[i] for i, u in enumerate(self.units) if lo <= u.first_line <= hi)

    # -- matching ---------------------------------------------------------------------------
    def _phrase_at(self, ui: int, p: int, phrase: tuple[str, ...]) -> int:
        """End position (exclusive) when ``phrase`` matches unit ``ui`` at position p, else -1."""
        st = self.stems[ui]
        al = self.alias[ui]
        for w in phrase:
            if p < len(st) and st[p] == w:
                p += 1
            elif p in al and al[p][0] == w:
                p += al[p][1]
            else:
                return -1
        return p

    def _phrase_hits(self, ui: int, phrase: tuple[str, ...]) -> list[tuple[int, int]]:
        out = []
        st = self.stems[ui]
        first = phrase[0]
        al = self.alias[ui]
        for p in range(len(st)):
            if st[p] == first or (p in al and al[p][0] == first):
                e = self._phrase_at(ui, p, phrase)
                if e >= 0:
                    out.append((p, e))
        return out

    def _rare_units(self, phrases: tuple[tuple[str, ...], ...]) -> set[int]:
        """Units that may hold any of ``phrases`` (looked up by each phrase's rarest word)."""
        post = self.postings
        out: set[int] = set()
        for ph in phrases:
            key = min(ph, key=lambda w: len(post.get(w, ())))
            out.update(ui for ui, _ in post.get(key, ()))
        return out

    def _in_scope(self, ui: int, scope) -> bool:
        if scope is None:
            return True
        ln = self.units[ui].first_line
        return any(lo <= ln <= hi for lo, hi in scope)

    def match(self, concept: Concept, scope: Sequence[tuple[int, int]] | None = None) -> ConceptVerdict:
        """Verdict for ``concept`` over the units whose first line lies in ``scope`` (line ranges; None = all)."""
        best_hit = None  # (line, matched, alt, text)
        best_miss = None  # (-groups matched, line, text, lacking)
        for alt in concept.alternatives:
            if alt.within is None:
                ph = alt.groups[0][0]
                for ui in sorted(self._rare_units(alt.groups[0])):
                    if not self.counts[ui] or not self._in_scope(ui, scope):
                        continue
                    hits = self._phrase_hits(ui, ph)
                    if hits:
                        s, e = hits[0]
                        cand = (self.units[ui].first_line, tuple(self.raw[ui][s:e]), alt.source, self.units[ui].text)
                        if best_hit is None or cand[0] < best_hit[0]:
                            best_hit = cand
                        break
                continue
            cands = [self._rare_units(g) for g in alt.groups]
            order = sorted(range(len(cands)), key=lambda k: len(cands[k]))
            # full candidates: units holding the rarest group; misses: units holding any group
            for ui in sorted(set().union(*cands)):
                if not self.counts[ui] or not self._in_scope(ui, scope):
                    continue
                per = [self._group_hits(ui, g) if ui in cands[k] else [] for k, g in enumerate(alt.groups)]
                have = sum(1 for h in per if h)
                if have == len(per):
                    span = _window(per, alt.within)
                    if span is not None:
                        lo, hi = span
                        words = tuple(self.raw[ui][lo:hi])
                        cand = (self.units[ui].first_line, words, alt.source, self.units[ui].text)
                        if best_hit is None or cand[0] < best_hit[0]:
                            best_hit = cand
                        break
                    lacking = (f"all within {alt.within} words",)
                    key = (-(have - 0.5), self.units[ui].first_line)
                else:
                    lacking = tuple(alt.labels[k] for k, h in enumerate(per) if not h)
                    key = (-have, self.units[ui].first_line)
                if have and (best_miss is None or key < best_miss[0]):
                    best_miss = (key, self.units[ui].first_line, self.units[ui].text, lacking)
            del order
        if best_hit is not None:
            line, words, src, text = best_hit
            return ConceptVerdict(concept.name, True, line, words, src, _trim(text))
        if best_miss is not None:
            _, line, text, lacking = best_miss
            return ConceptVerdict(concept.name, False, line, (), "", _trim(text), lacking)
        # no proximity group came close: the first phrase alternative names what is lacking
        names = tuple(a.source for a in concept.alternatives[:3])
        return ConceptVerdict(concept.name, False, None, (), "", "", names)

    def _group_hits(self, ui: int, group: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
        out = []
        for ph in group:
            out.extend(self._phrase_hits(ui, ph))
        return out


def _window(per: list[list[tuple[int, int]]], within: int) -> tuple[int, int] | None:
    """Smallest window holding one hit of every group with max(start) - min(end - 1) <= within."""
    best = None

    def rec(k, chosen):
        nonlocal best
        if k == len(per):
            lo = min(s for s, _ in chosen)
            hi = max(e for _, e in chosen)
            gap = max(s for s, _ in chosen) - min(e - 1 for _, e in chosen)
            if gap <= within and (best is None or hi - lo < best[1] - best[0]):
                best = (lo, hi)
            return
        for h in per[k][:32]:
            rec(k + 1, chosen + [h])

    rec(0, [])
    return best


# -- heading name families -----------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*(?:(?:\d+(?:\.\d+)*|[IVXLCivxlc]+|[A-Za-z])[.)]|\d+(?:\.\d+)*(?=\s)|\d+(?:\.\d+)+)"
                        r"\s*[\u00b7\u2014\u2013:\-\u2022|]?\s*")
_TRAILING_PAREN = re.compile(r"\s*(?:\([^()]*\)|\uff08[^\uff08\uff09]*\uff09)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_VS = frozenset({"vs", "versus", "v"})


def heading_words(text: str) -> list[tuple[str, ...]]:
    """A heading (or a section name) as stems, each position a tuple of alternatives:
    numbering, emoji, decorations and trailing parentheticals dropped; ``&`` reads ``and``;
    ``vs``/``vs.``/``versus`` read ``vs``; "UI/UX" is one position holding ``ui`` or ``ux``.
    """
    t = _COMMENT.sub(" ", text)
    t = _NUMBERING.sub("", t, count=1)
    prev = None
    while prev != t:
        prev = t
        t = _TRAILING_PAREN.sub("", t)
    if not t.strip():
        t = text
    t = t.replace("&", " and ").replace("+", " and ")
    out: list[tuple[str, ...]] = []
    for chunk in t.split():
        parts = [p for p in re.split(r"/", chunk) if p]
        alts = []
        for p in parts:
            ws = [stem(x[0]) for x in tokens(p)]
            ws = ["vs" if w in _VS else w for w in ws]
            alts.append(ws)
        alts = [a for a in alts if a]
        if not alts:
            continue
        if len(alts) > 1 and all(len(a) == 1 for a in alts):
            out.append(tuple(a[0] for a in alts))
        else:
            for a in alts:
                out.extend((w,) for w in a)
    return out


def heading_matches(heading_text: str, name: str) -> bool:
    """True when the heading's words start with or contain the name's words contiguously
    ("Pre-Call vs Mid-Call: Key Difference" ~ "Pre-Call vs Mid-Call"; "Edge Cases & Race
    Conditions" ~ "Edge Cases"; "UI/UX Review" ~ "UX Review" and ~ "UI/UX Review").
    """
    h = heading_words(heading_text)
    n = heading_words(name)
    if not n or len(n) > len(h):
        return False
    for i in range(len(h) - len(n) + 1):
        if all(set(h[i + k]) & set(n[k]) for k in range(len(n))):
            return True
    return False
