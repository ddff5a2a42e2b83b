"""Feature identity: the ID a doc declares, from front matter or its H1."""

from __future__ import annotations

import re

from functools import lru_cache

from ..startup import dataclass, rx

TICKET = r"[A-Z][A-Z0-9]*-[0-9]+[A-Z]?"
_MARKS = rx(r"[*_`]")
_WS = rx(r"\s+")


@dataclass(slots=True)
class Identity:
    id: str | None
    title: str
    source: str  # "front-matter", "h1" or "none"
    ticket: str | None = None  # a ticket ID found where the feature ID belongs


@lru_cache(maxsize=32)
def _patterns(id_pattern: str):
    idp = f"(?:{id_pattern})"
    return {
        "prefix": rx(r"^\s*Feature\b\s*(?P<id>" + idp + r")?\s*[:\-–—]?\s*(?P<rest>.*)$", re.I),
        "lead": rx(r"^(?P<id>" + idp + r")\s*(?:[:\-–—]\s*|\s+)(?P<name>.+)$"),
        "trail": rx(r"^(?P<name>.*?)\s*\((?P<id>" + idp + r")\)\s*$"),
        "alone": rx(r"^(?P<id>" + idp + r")$"),
        "ticket_trail": rx(r"^(?P<name>.*?)\s*\((?P<id>" + TICKET + r")\)\s*$"),
        "ticket_lead": rx(r"^(?P<id>" + TICKET + r")\s*[:\-–—]\s*(?P<name>.+)$"),
        "full": rx(r"(?:" + id_pattern + r")\Z"),
        "mention": rx(r"(?<![A-Za-z0-9-])(" + id_pattern + r")(?![A-Za-z0-9-])"),
    }


def is_feature_id(value: str, id_pattern: str) -> bool:
    return bool(_patterns(id_pattern)["full"].match(value))


def from_h1(text: str, id_pattern: str) -> Identity:
    """`# Feature: Name (P3)`, `# Feature: P2 - Name`, `# Feature A3: Name`, ..."""
    p = _patterns(id_pattern)
    t = _WS.sub(" ", _MARKS.sub("", text)).strip()  # whitespace runs collapsed: \s* next to \s+ backtracks quadratically
    m = p["prefix"].match(t)
    if m:
        if m.group("id") and p["full"].match(m.group("id")):
            return Identity(m.group("id"), m.group("rest").strip() or t, "h1")
        t = m.group("rest").strip()
    for key in ("lead", "trail"):
        m = p[key].match(t)
        if m:
            return Identity(m.group("id"), m.group("name").strip(" -–—:"), "h1")
    m = p["alone"].match(t)
    if m:
        return Identity(m.group("id"), t, "h1")
    for key in ("ticket_trail", "ticket_lead"):
        m = p[key].match(t)
        if m:
            return Identity(None, m.group("name").strip(" -–—:"), "none", ticket=m.group("id"))
    return Identity(None, t, "none")


def ids_in_link_text(text: str, id_pattern: str) -> list[str]:
    """IDs that a link's text names: `[P2: Name]`, `[P2 - Name]`, `[Name (P2)]`, `[P2]`."""
    p = _patterns(id_pattern)
    t = _WS.sub(" ", _MARKS.sub("", text)).strip()  # whitespace runs collapsed: \s* next to \s+ backtracks quadratically
    for key in ("alone", "lead", "trail"):
        m = p[key].match(t)
        if m:
            return [m.group("id")]
    return []


def mentioned_ids(text: str, id_pattern: str) -> list[str]:
    return [m.group(1) for m in _patterns(id_pattern)["mention"].finditer(text)]  # (groups of id_pattern aside)
