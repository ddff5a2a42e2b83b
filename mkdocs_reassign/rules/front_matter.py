"""front-matter: a doc's front matter is not valid YAML, not a mapping, or fails the JSON Schema."""

from __future__ import annotations

from functools import lru_cache

from ..model.contracts import load_schema, validator
from ..model.diagnostics import Diagnostic
from . import Rule

RULE = Rule("front-matter", ("doc", "session"), "error", "front matter is not valid YAML or fails the JSON Schema")
_YAML_HINT = "fix the YAML between the --- lines; MkDocs would silently ignore it"


def check_doc(fd) -> list[Diagnostic]:
    doc = fd.doc
    rel = fd.rel
    if not doc.fm_present:
        return []
    if doc.fm_error:
        line, msg = doc.fm_error
        return [Diagnostic(rel, line, RULE.id, msg, _YAML_HINT)]
    fm = doc.front_matter
    if fm is None:
        return []
    if not isinstance(fm, dict):
        return [Diagnostic(rel, 2, RULE.id, f"front matter is a {type(fm).__name__}, not a mapping",
                           "write key: value pairs between the --- lines")]
    out = _misspelt_keys(fd)
    if _quick_valid(fm, "feature-doc.schema.json"):
        return out  # valid for sure: no need for jsonschema (its import and its validation cost more than the rest of a doc)
    seen: set[str] = set()
    id_line = {line for line, _m, _h in fd.id_problems}
    errors = sorted(validator("feature-doc.schema.json").iter_errors(fm), key=lambda e: ([str(p) for p in e.absolute_path], _rank(e)))
    for e in errors:
        path = list(e.absolute_path)
        key = str(path[0]) if path else ""
        line = doc.fm_lines.get(key, 2)
        # One value, one diagnostic: the first error of each key (`status: 3` is not a string AND not in the enum);
        # none for a value another rule reports (an invalid id is feature-id's, a waiver is the waiver rule's).
        if key in seen or key == "waive" or (key == "id" and line in id_line):
            continue
        seen.add(key)
        where = "/".join(str(p) for p in path) or "front matter"
        msg = e.message if len(e.message) < 160 else e.message[:157] + "..."
        out.append(Diagnostic(rel, line, RULE.id, f"{where}: {msg}", "see schemas/feature-doc.schema.json"))
    return out


def _rank(e) -> int:
    """Which of a value's errors to show: its type first (then an enum or a length means little)."""
    return 0 if e.validator == "type" else 1


def _misspelt_keys(fd) -> list[Diagnostic]:
    """A key the schema does not know but that is close to one it does (`contarct:`, `staus:`) is probably a typo:
    its value is silently ignored. The schema allows other keys (MkDocs and themes read their own), so a key close
    to none is not reported; a misspelt one is a warning, whatever the rule's severity (at most that severity)."""
    import difflib

    props = list(_schema_properties("feature-doc.schema.json"))
    fm = fd.doc.front_matter
    out = []
    for key in fm:
        if not isinstance(key, str) or key in props:
            continue
        close = difflib.get_close_matches(key.lower(), props, n=1, cutoff=0.75)
        if close:
            out.append(Diagnostic(fd.rel, fd.doc.fm_lines.get(key, 2), RULE.id,
                                  f"unknown key {key!r}: did you mean {close[0]!r}?",
                                  f"rename it to {close[0]}: as written, its value is ignored", extra={"at_most": "warning"}))
    return out


@lru_cache(maxsize=None)
def _schema_properties(schema_name: str) -> tuple[str, ...]:
    return tuple((load_schema(schema_name).get("properties") or {}))


def check_session(s, _registry) -> list[Diagnostic]:
    """A session file's front matter is only read as YAML: a syntax error is reported, nothing is validated."""
    err = s.doc.fm_error
    return [Diagnostic(s.rel, err[0], RULE.id, err[1], _YAML_HINT)] if err else []


def _quick_valid(fm: dict, schema_name: str) -> bool:
    """True when fm certainly passes the schema; False means "ask jsonschema" (it may still pass)."""
    rules = _quick_rules(schema_name)
    if rules is None:
        return False
    for key, value in fm.items():
        if key in rules:
            rule = rules[key]
            if rule is None or not rule(value):
                return False
    return True


@lru_cache(maxsize=None)
def _quick_rules(schema_name: str) -> dict | None:
    """Per property, a check for the simple rules of the schema (strings with minLength/enum, arrays of such with
    uniqueItems), None for a property with any other rule; None overall when the schema has more than
    properties with additionalProperties true. Derived from the schema file, so it follows its edits."""
    schema = load_schema(schema_name)
    if set(schema) - {"$schema", "$id", "title", "description", "type", "properties", "additionalProperties"}:
        return None
    if schema.get("type") != "object" or schema.get("additionalProperties", True) is not True:
        return None
    return {key: _quick_rule(spec) for key, spec in (schema.get("properties") or {}).items()}


def _quick_rule(spec):
    if not isinstance(spec, dict) or set(spec) - {"type", "minLength", "enum", "items", "uniqueItems", "description", "title"}:
        return None
    kind = spec.get("type")
    if kind == "string" and not {"items", "uniqueItems"} & set(spec):
        least = spec.get("minLength", 0)
        enum = spec.get("enum")
        if not isinstance(least, int) or (enum is not None and not (isinstance(enum, list) and all(isinstance(x, str) for x in enum))):
            return None
        allowed = frozenset(enum) if enum is not None else None
        return lambda v: type(v) is str and len(v) >= least and (allowed is None or v in allowed)
    if kind == "array" and not {"minLength", "enum"} & set(spec):
        item = _quick_rule(spec["items"]) if "items" in spec else (lambda v: True)
        unique = spec.get("uniqueItems", False)
        if item is None or not isinstance(unique, bool):
            return None
        return lambda v: type(v) is list and all(item(x) for x in v) and (not unique or len(set(v)) == len(v))
    return None


