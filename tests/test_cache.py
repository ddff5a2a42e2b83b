"""The serve cache's keys: values compare by value, other objects by identity, Flat parts by value in one go."""

from __future__ import annotations

from mkdocs_reassign.cache import Cache, Flat


class _Doc:
    def __eq__(self, other):  # a parsed doc equal to another is still another doc to the cache
        return True

    __hash__ = object.__hash__


def test_keys_compare_values_by_value_and_objects_by_identity():
    c = Cache()
    doc = _Doc()
    c.put("banner", "a.md", (doc, ("x", 1, (2, None))), "html")
    assert c.get("banner", "a.md", (doc, ("x", 1, (2, None)))) == "html"
    assert c.get("banner", "a.md", (_Doc(), ("x", 1, (2, None)))) is None  # equal, not the same
    assert c.get("banner", "a.md", (doc, ("x", 1, (3, None)))) is None


def test_flat_parts_compare_by_value_and_only_with_flat():
    c = Cache()
    doc = _Doc()
    pairs = [("Triggers", "triggers"), ("No agents", "no-agents")]
    c.put("banner", "a.md", (doc, Flat(pairs)), "html")
    assert c.get("banner", "a.md", (doc, Flat(list(pairs)))) == "html"  # another Flat, the same values
    assert c.get("banner", "a.md", (doc, Flat(pairs[:1]))) is None
    assert c.get("banner", "a.md", (doc, Flat([("Triggers", "triggers"), ("No agents", "none")]))) is None
    assert c.get("banner", "a.md", (doc, tuple(pairs))) is None  # a plain tuple is another kind of key
    assert c.get("banner", "a.md", Flat(pairs)) is None
