"""The published JSON Schemas: their names, their ``$id``s, and the plugin options schema made from
``options.DECLARATION``.

The schema files live in ``schemas/`` of a checkout, shipped in the wheel as ``mkdocs_reassign/schemas/``
(``model.contracts.schemas_dir`` finds whichever this installation has). ``options.schema.json`` is
generated: ``python -m mkdocs_reassign.jsonschemas --write`` rewrites it, and tests/test_schemas.py fails
when the file and ``options_schema()`` differ.

Every ``$id`` is ``ID_BASE`` + the file name. It names the schema and never changes between versions;
a change that would reject files the previous version accepted gets a new file name instead.
"""

from __future__ import annotations

import json
import sys

ID_BASE = "https://mkdocs-reassign.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# name (for `mkdocs-reassign schema NAME`) -> (file in schemas/, what it validates)
SCHEMAS: dict[str, tuple[str, str]] = {
    "contract": ("contract.schema.json", "a contract YAML file"),
    "front-matter": ("feature-doc.schema.json", "the front matter of a feature doc"),
    "options": ("options.schema.json", "mkdocs.yml / properdocs.yml: the options of the reassign plugin"),
}

# finding_types entries: key -> schema (findings.make_registry accepts exactly these keys)
_FINDING_TYPE_KEYS = {
    "prefix": {"type": "string", "pattern": "^[A-Z]{1,6}$", "description": "The TYPE of a finding ID (<TYPE>-<SCOPE>-<NNN>)."},
    "aliases": {"type": "array", "items": {"type": "string"}, "description": "Other prefixes of the same type."},
    "label": {"type": "string", "description": "Its row in the NEEDS YOUR ATTENTION table."},
    "emoji": {"type": "string", "description": "Shown before the label."},
    "severity": {"type": "string", "description": "critical, question, ux, review, credentials, qa or minor."},
    "sections": {"type": "array", "items": {"type": "string"}, "description": "Words that identify its H2 section in a session file."},
    "required": {"type": "array", "items": {"type": "string"}, "description": "Bold field keys every finding of this type must have."},
    "attention": {"type": "boolean", "description": "Has a row in the NEEDS YOUR ATTENTION table."},
    "stop": {"type": "boolean", "description": "An open finding of this type stops CI (open-critical)."},
}


def _kind_schema(opt) -> dict:
    """The JSON Schema of one option's value, as options.validate checks it."""
    from .rules import RULES, SEVERITIES

    kind = opt.kind
    if kind == "globs":
        glob = {"type": "string", "minLength": 1}
        return {"anyOf": [glob, {"type": "array", "items": glob}]}
    if kind in ("path", "str?"):
        return {"type": ["string", "null"]}
    if kind == "str":
        return {"type": "string", "minLength": 1, **({"format": "regex"} if opt.name == "id_pattern" else {})}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "choice":
        return {"enum": list(opt.choices)}
    if kind == "severity":  # YAML reads a bare `off` as false
        return {"type": ["object", "null"], "propertyNames": {"enum": sorted(RULES)},
                "additionalProperties": {"enum": [*SEVERITIES, False]}}
    if kind == "list":
        item = {"type": "object", "required": ["prefix"], "additionalProperties": False, "properties": _FINDING_TYPE_KEYS}
        return {"type": ["array", "null"], "items": item}
    raise AssertionError(kind)  # pragma: no cover


def options_block_schema() -> dict:
    """The value of `reassign:` under `plugins` (options.validate's input)."""
    from .options import DECLARATION

    props = {"enabled": {"type": "boolean", "default": True, "description": "MkDocs' own switch of every plugin."}}
    for o in DECLARATION:
        props[o.name] = {**_kind_schema(o), "default": o.default, "description": o.description}
    return {"type": ["object", "null"], "additionalProperties": False, "properties": props}


def options_schema() -> dict:
    """options.schema.json: applies to the whole config file and checks only the reassign plugin's entry,
    in either form `plugins` takes (a list of names and one-key mappings, or a mapping of name to options)."""
    entry = {"reassign": {"$ref": "#/$defs/options"}}
    return {
        "$schema": DRAFT,
        "$id": ID_BASE + SCHEMAS["options"][0],
        "title": "mkdocs-reassign plugin options",
        "description": "mkdocs.yml or properdocs.yml: the options of the reassign plugin under plugins. "
                       "Every other key is left to MkDocs (or your theme's schema). The options mapping itself is "
                       "#/$defs/options.",
        "type": "object",
        "properties": {"plugins": {"properties": entry, "items": {"properties": entry}}},
        "$defs": {"options": options_block_schema()},
    }


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema_text(name: str) -> str:
    """The shipped file of schema NAME (a key of SCHEMAS), as installed."""
    from .model.contracts import schemas_dir

    return (schemas_dir() / SCHEMAS[name][0]).read_text(encoding="utf-8")


if __name__ == "__main__":  # python -m mkdocs_reassign.jsonschemas --write
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m mkdocs_reassign.jsonschemas --write   (rewrites schemas/options.schema.json)")
    from .model.contracts import schemas_dir

    out = schemas_dir() / SCHEMAS["options"][0]
    out.write_text(render(options_schema()), encoding="utf-8")
    print(f"wrote {out}")
