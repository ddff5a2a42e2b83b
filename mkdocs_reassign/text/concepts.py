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
from dataclasses import field
from functools import lru_cache
from typing import Iterable, Sequence

from .units import Unit, split_units
from .words import stem, tokens
from ..startup import dataclass, rx

__all__ = ["Alternative", "Concept", "ConceptVerdict", "DocIndex", "heading_matches", "heading_words",
           "phrase_stems"]

DEFAULT_WITHIN = 8
_IDENT = rx(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+")
# words that make no passage "close" on their own (the closest-passage search skips them in phrases)
_STOP = frozenset({"the", "a", "an", "to", "of", "in", "on", "at", "and", "or", "is", "are", "be", "it", "for", "by", "with",
                   "as", "that", "this", "their", "they", "them", "its", "was", "were", "has", "have", "do", "doe", "not"})


@lru_cache(maxsize=65_536)  # (a third of the shipped contracts' phrases repeat: shared vocabularies)
def phrase_stems(phrase: str) -> tuple[str, ...]:
    """A phrase as the stems it must match. A one-word camelCase phrase (``WebRTC``) is its glued form."""
    toks = tokens(phrase)
    if toks and len(toks) > 1 and toks[0][3] and all(not t[3] for t in toks[1:]) and \
            toks[-1][2] - toks[0][1] == len(toks[0][3]) and len(phrase.split()) == 1:
        return (stem(toks[0][3]),)
    return tuple(stem(t[0]) for t in toks)


def _close_words(phrase: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a phrase that bring a passage close to it when the phrase misses (stop words do not)."""
    return tuple(w for w in phrase if w not in _STOP)


def _flat(items):
    """Phrases of a group; nested lists (a shared vocabulary spliced in) are flattened."""
    for x in items:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield str(x)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to say a concept: ``groups`` of phrases (stem tuples); one group + within None = a phrase."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    within: int | None
    source: str  # the alternative as written (for messages)
    labels: tuple[str, ...] = ()  # each group as written
    stemset: frozenset = frozenset()  # every stem it names (a doc holding none of them is skipped at once)
    groupsets: tuple = ()  # per group, the stems it names (a group none of whose stems the doc holds fails)
    ident: str = ""  # a phrase written as an identifier (call_logs): it matches only that identifier, in any case

    @classmethod
    def parse(cls, spec) -> "Alternative":
        """From contract data: a string (a phrase) or ``{all: [str | [str, ...], ...], within: N}``."""
        if isinstance(spec, str):
            st = phrase_stems(spec)
            if not st:
                raise ValueError(f"alternative {spec!r} has no words")
            ident = spec.casefold() if _IDENT.fullmatch(spec) else ""
            return cls(((st,),), None, spec, (spec,), frozenset(st), (frozenset(st),), ident)
        if isinstance(spec, dict) and "all" in spec:
            groups, labels = [], []
            for g in spec["all"]:
                phrases = [g] if isinstance(g, str) else list(_flat(g))
                sts = tuple(s for s in (phrase_stems(p) for p in phrases) if s)
                if not sts:
                    raise ValueError(f"group {g!r} has no words")
                groups.append(sts)
                labels.append(" / ".join(phrases))
            within = int(spec.get("within", DEFAULT_WITHIN))
            if within < 0:
                raise ValueError("within must be >= 0")
            src = " + ".join(f"[{l}]" for l in labels) + f" within {within}"
            return cls(tuple(groups), within, src, tuple(labels),
                       frozenset(w for g in groups for ph in g for w in ph),
                       tuple(frozenset(w for ph in g for w in ph) for g in groups))
        raise ValueError(f"an alternative is a string or {{all: [...], within: N}}, not {spec!r}")


@dataclass(frozen=True, slots=True)
class Concept:
    name: str
    alternatives: tuple[Alternative, ...]
    allstems: frozenset = field(default=frozenset(), compare=False)  # every stem of every alternative
    by_stem: dict = field(default_factory=dict, compare=False, hash=False)  # stem -> indices of alternatives naming it
    unless: tuple[tuple[str, ...], ...] = ()  # phrases that void a unit for this concept ("out of scope")
    top: float = field(default=0.0, compare=False)  # the best score a closest passage can have (see DocIndex._closest)

    def __post_init__(self):
        by: dict[str, list[int]] = {}
        top = 0.0
        for i, a in enumerate(self.alternatives):
            for w in a.stemset:
                by.setdefault(w, []).append(i)
            n = len(a.groups) if a.within is not None else len(_close_words(a.groups[0][0]))
            if n >= (1 if a.within is not None else 2):
                top = max(top, (n - 0.5) / n)
        object.__setattr__(self, "by_stem", {w: tuple(v) for w, v in by.items()})
        object.__setattr__(self, "allstems", frozenset(by))
        object.__setattr__(self, "top", top)

    @classmethod
    def parse(cls, name: str, alternatives: Iterable, unless: Iterable[str] = ()) -> "Concept":
        """From contract data: ``alternatives`` as in Alternative.parse; ``unless``: phrases that, in a
        unit, keep it from covering this concept (a writer saying the topic is out of scope)."""
        return cls(name, tuple(Alternative.parse(a) for a in alternatives),
                   unless=tuple(st for st in (phrase_stems(u) for u in unless) if st))

    def candidates(self, stems) -> list[int]:
        """Indices (in order) of the alternatives that name at least one of ``stems``."""
        present = self.allstems & stems
        if not present:
            return []
        by = self.by_stem
        if len(present) == 1:
            return list(by[next(iter(present))])
        out: set[int] = set()
        for w in present:
            out.update(by[w])
        return sorted(out)


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


def brief(label: str, n: int = 4) -> str:
    """An alternative or group as a reader takes it in: its first few phrases ("a / b / c / d / ...")."""
    parts = label.split(" / ")
    if len(parts) <= n:
        return label
    return " / ".join(parts[:n]) + " / ..."


def _trim(text: str, n: int = 100) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


class DocIndex:
    """A doc's units and their stems, indexed once: stem -> [(unit, position)]."""

    __slots__ = ("units", "stems", "raw", "alias", "postings", "vocab", "counts", "_phrases", "_prox")

    def __init__(self, units: Sequence[Unit]):
        self.units = list(units)
        self.stems: list[list[str]] = []
        self.raw: list[list[str]] = []
        self.alias: list[dict[int, tuple[str, int]]] = []  # unit -> {position: (glued stem, span)}
        postings: dict[str, dict[int, list[int]]] = {}  # stem -> {unit: [positions]}
        for ui, u in enumerate(self.units):
            toks = tokens(u.text)
            st = [stem(t[0]) for t in toks]
            al: dict[int, tuple[str, int]] = {}
            for p, t in enumerate(toks):
                postings.setdefault(st[p], {}).setdefault(ui, []).append(p)
                if t[3]:
                    span = 1
                    while p + span < len(toks) and not toks[p + span][3] and toks[p + span][2] <= t[1] + len(t[3]):
                        span += 1
                    g = stem(t[3])
                    al[p] = (g, span)
                    postings.setdefault(g, {}).setdefault(ui, []).append(p)
            self.stems.append(st)
            self.raw.append([t[0] for t in toks])
            self.alias.append(al)
        self.postings = postings
        self.vocab = frozenset(postings)
        self.counts = self._counting()
        self._phrases: dict[tuple[str, ...], dict[int, list[tuple[int, int]]]] = {}
        self._prox: dict = {}

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

    def phrase_units(self, phrase: tuple[str, ...]) -> dict[int, list[tuple[int, int]]]:
        """Counting units holding ``phrase``: {unit: [(start, end)]}, found through the phrase's rarest word."""
        got = self._phrases.get(phrase)
        if got is not None:
            return got
        post = self.postings
        got = {}
        rare = None
        for w in phrase:
            d = post.get(w)
            if d is None:
                rare = None
                break
            if rare is None or len(d) < len(rare):
                rare = d
        else:
            if rare is not None:
                firsts = post[phrase[0]]
                counts = self.counts
                for ui in rare:
                    if not counts[ui] or ui not in firsts:
                        continue
                    hits = []
                    for p in firsts[ui]:
                        e = self._phrase_at(ui, p, phrase)
                        if e >= 0:
                            hits.append((p, e))
                    if hits:
                        got[ui] = hits
        self._phrases[phrase] = got
        return got

    def _in_scope(self, ui: int, scope) -> bool:
        if scope is None:
            return True
        ln = self.units[ui].first_line
        return any(lo <= ln <= hi for lo, hi in scope)

    def match(self, concept: Concept, scope: Sequence[tuple[int, int]] | None = None) -> ConceptVerdict:
        """Verdict for ``concept`` over the units whose first line lies in ``scope`` (line ranges; None = all).

        A hit is the earliest unit of the first alternative (in the concept's order) that matches;
        a miss quotes the closest passage.
        """
        best_hit = None  # (unit, matched words, alternative)
        keys = self.postings.keys()
        alts = concept.alternatives
        void = self._void(concept)
        cands = concept.candidates(self.vocab)
        for ai in cands:
            if best_hit is not None:
                break
            alt = alts[ai]
            if alt.within is None:
                for ui, hits in self.phrase_units(alt.groups[0][0]).items():  # units in document order
                    if alt.ident and not _has_ident(self.units[ui].text, alt.ident):
                        continue
                    if self._in_scope(ui, scope) and ui not in void:
                        s, e = hits[0]
                        best_hit = (ui, tuple(self.raw[ui][s:e]), alt.source)
                        break
                continue
            eff = None
            for gs in alt.groupsets:
                if keys.isdisjoint(gs):
                    break
            else:
                eff = self._present(alt.groups)
            if eff is None or not all(eff):
                continue
            key = (eff, alt.within, None if scope is None else tuple(scope), void)
            got = self._prox.get(key, False)
            if got is False:  # alternatives that differ only in phrases this doc lacks share one answer
                got = self._prox[key] = self._proximity(eff, alt.within, scope, void)
            if got is not None:
                best_hit = (got[0], got[1], alt.source)
        if best_hit is not None:
            ui, words, src = best_hit
            u = self.units[ui]
            return ConceptVerdict(concept.name, True, u.first_line, words, src, _trim(u.text))
        return self._closest(concept, scope, cands)

    def _present(self, groups) -> tuple:
        """Per group, the phrases of it this doc holds (in counting units)."""
        pu = self.phrase_units
        known = self._phrases
        post = self.postings  # a phrase whose first word the doc lacks is not looked up
        return tuple([tuple([ph for ph in g if (known[ph] if ph in known else ph[0] in post and pu(ph))])
                      for g in groups])

    def _void(self, concept: Concept) -> frozenset:
        if not concept.unless:
            return frozenset()
        return frozenset(ui for ph in concept.unless for ui in self.phrase_units(ph))

    def _proximity(self, eff, within: int, scope, void=frozenset()):
        """(unit, words) of the first unit where every group of ``eff`` matches within ``within`` words."""
        found = [[self.phrase_units(ph) for ph in g] for g in eff]
        sizes = [sum(len(d) for d in f) for f in found]
        first = found[min(range(len(found)), key=sizes.__getitem__)]
        cands = first[0].keys() if len(first) == 1 else set().union(*first)
        for ui in sorted(cands):
            if ui in void or not all(any(ui in d for d in f) for f in found) or not self._in_scope(ui, scope):
                continue
            per = [[h for d in f if ui in d for h in d[ui]] for f in found]
            span = _window(per, within)
            if span is not None:
                return ui, tuple(self.raw[ui][span[0]:span[1]])
        return None

    def _closest(self, concept: Concept, scope, cands) -> ConceptVerdict:
        """A miss, quoting the passage that comes closest: most of an alternative's groups (or of a
        phrase's words) in one unit, then the first such alternative, then the earliest unit."""
        best = None  # (score, unit, lacking)
        seen: set = set()
        keys = self.postings.keys()
        alts = concept.alternatives
        for ai in cands:
            if best is not None and best[0] >= concept.top:
                break  # no later alternative can come closer
            alt = alts[ai]
            if alt.within is None:
                ph = _close_words(alt.groups[0][0])
                if len(ph) < 2:
                    continue
                parts = [((w,),) for w in ph]
                labels = list(ph)
            else:
                parts = alt.groups
                labels = alt.labels
                bound = 0
                for gs in alt.groupsets:
                    if not keys.isdisjoint(gs):
                        bound += 1
                if bound == len(parts):
                    bound -= 0.5  # the concept is missed: no unit holds them all close enough
                if bound == 0 or (best is not None and bound / len(parts) <= best[0]):
                    continue
            eff = self._present(parts)
            present = sum(1 for g in eff if g)
            # alternatives that differ only in phrases this doc lacks score alike (a phrase's words are
            # scored apart: it must have more than half of them)
            key = (eff, alt.within is None)
            if present == 0 or (best is not None and present / len(parts) <= best[0]) or key in seen:
                continue  # cannot beat what we have
            seen.add(key)
            found = [set().union(*(self.phrase_units(ph).keys() for ph in g)) if g else set() for g in eff]
            tally: dict[int, int] = {}
            for f in found:
                for ui in f:
                    tally[ui] = tally.get(ui, 0) + 1
            # the unit with the most groups (the earliest of them) is this alternative's closest passage
            if scope is not None:
                tally = {ui: have for ui, have in tally.items() if self._in_scope(ui, scope)}
                if not tally:
                    continue
            have = max(tally.values())
            n = len(parts)
            if have == n:
                score = (have - 0.5) / n
            elif alt.within is None and have * 2 <= n:
                continue  # a phrase only comes close with more than half its words
            else:
                score = have / n
            if best is not None and score <= best[0]:
                continue
            ui = min([u for u, h in tally.items() if h == have])
            if have == n:
                lacking = (f"{' + '.join(labels)} within {alt.within} words",) if alt.within is not None \
                    else (alt.source,)
            elif alt.within is None:
                lacking = (alt.source,)
            else:
                lacking = tuple(labels[k] for k, f in enumerate(found) if ui not in f)
            best = (score, ui, lacking)
        if best is None:
            names = tuple(a.source for a in concept.alternatives[:3])
            return ConceptVerdict(concept.name, False, None, (), "", "", names)
        _, ui, lacking = best
        u = self.units[ui]
        return ConceptVerdict(concept.name, False, u.first_line, (), "", _trim(u.text), lacking)


def _has_ident(text: str, ident: str) -> bool:
    t = text.casefold()
    i = t.find(ident)
    while i >= 0:
        j = i + len(ident)
        if (i == 0 or not (t[i - 1].isalnum() or t[i - 1] == "_")) and (j == len(t) or not (t[j].isalnum() or t[j] == "_")):
            return True
        i = t.find(ident, i + 1)
    return False


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

_NUMBERING = rx(r"^\s*(?:(?:\d+(?:\.\d+)*|[IVXLCivxlc]+|[A-Za-z])[.)]|\d+(?:\.\d+)*(?=\s)|\d+(?:\.\d+)+)"
                        r"\s*[\u00b7\u2014\u2013:\-\u2022|]?\s*")
_TRAILING_PAREN = rx(r"\s*(?:\([^()]*\)|\uff08[^\uff08\uff09]*\uff09)\s*$")
_COMMENT = rx(r"<!--.*?-->", re.S)
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
