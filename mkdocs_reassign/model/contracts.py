"""Contracts: YAML data that says what a kind of feature doc must contain."""

from __future__ import annotations

import json
import os
from dataclasses import field
from functools import lru_cache
from pathlib import Path

from ..markdown import yamlutil
from ..safefs import ReadError, read_regular
from .globs import glob_problem, matches_any
from ..markdown import normalize_heading
from ..startup import dataclass

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def schemas_dir() -> Path:
    """The published schemas: inside the wheel, or beside the package in a checkout."""
    inside = PACKAGE_DIR / "schemas"
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / "schemas"


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    with open(schemas_dir() / name, encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=None)
def validator(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


@dataclass(slots=True)
class SectionSpec:
    id: str
    names: list[str]  # as written in the contract
    norms: frozenset
    level: int | None = None
    required: bool = True
    allow_empty: bool = False

    @property
    def title(self) -> str:
        return self.names[0].upper() if self.level == 2 else self.names[0]


@dataclass(slots=True)
class Term:
    """A concept the doc must cover: alternatives as written (phrases or {all: [...], within: N}), built into a
    ``text.Concept`` when its contract is resolved (word lists named ``@name`` come from the contract's ``words``)."""

    name: str
    any: list
    unless: list = field(default_factory=list)
    concept: object = None  # text.concepts.Concept
    line: int = 0  # where the contract declares it

    @property
    def phrases(self) -> list[str]:
        """The plain phrases among the alternatives (for hints)."""
        return [a for a in self.any if isinstance(a, str)]


@dataclass(slots=True)
class Requirement:
    id: str
    description: str = ""
    section_names: list[str] = field(default_factory=list)
    section_norms: frozenset = frozenset()
    section_level: int | None = None
    section_spec: str = ""  # the template section's id, when `section` names one
    terms: list[Term] = field(default_factory=list)
    diagram: bool = False
    related: list[str] = field(default_factory=list)
    hint: str = ""
    contract: str = ""  # the contract that declared it
    elsewhere: str = "info"  # covered outside its section: info/warning (counts, noted), silent (counts), no (does not count)


@dataclass
class Contract:
    name: str
    file: str
    description: str = ""
    extends: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    sections: list[SectionSpec] = field(default_factory=list)
    ordered: bool | None = None
    requirements: list[Requirement] = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    path: str = ""  # the file on disk
    words: dict = field(default_factory=dict)  # named word lists: "@name" in a concept's group


@dataclass
class ContractProblem:
    file: str
    line: int
    message: str
    hint: str = ""


class ContractSet:
    """All contracts (shipped defaults, then the user's folder), resolved."""

    def __init__(self, contracts: dict[str, Contract], problems: list[ContractProblem]):
        self.contracts = contracts
        self.problems = problems

    def get(self, name: str) -> Contract | None:
        return self.contracts.get(name)

    def select(self, fm_contract: str | None, feature_id: str | None, rel_path: str, default: str) -> tuple[Contract | None, str]:
        """Pick a doc's contract. Return (contract, how it was chosen)."""
        if fm_contract:
            return self.contracts.get(fm_contract), "front matter"
        if feature_id:
            for name in sorted(self.contracts):
                if feature_id in self.contracts[name].ids:
                    return self.contracts[name], f"ID {feature_id}"
        best = None
        for name in sorted(self.contracts):
            c = self.contracts[name]
            if name == default or not c.paths:
                continue
            if matches_any("x.md", c.paths) and matches_any("a/b/x.md", c.paths):
                continue  # a catch-all (the shipped feature-doc's **/*.md) would override default_contract
            if matches_any(rel_path, c.paths):
                spec = max(len(p.replace("*", "")) for p in c.paths)
                if best is None or spec > best[0]:
                    best = (spec, c)
        if best:
            return best[1], "path"
        return self.contracts.get(default), "default"


def _names(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _parse(raw: dict, file: str) -> Contract:
    c = Contract(name=raw["name"], file=file, description=raw.get("description", ""), raw=raw)
    c.extends = _names(raw.get("extends"))
    at = raw.get("applies_to") or {}
    c.ids = list(at.get("ids") or [])
    c.paths = list(at.get("paths") or [])
    for s in raw.get("sections") or []:
        names = _names(s["names"])
        c.sections.append(
            SectionSpec(
                s["id"], names, frozenset(normalize_heading(n) for n in names), s.get("level"),
                s.get("required", True), s.get("allow_empty", False),
            )
        )
    c.ordered = raw.get("ordered")
    c.words = {k: list(v) for k, v in (raw.get("words") or {}).items()}
    for r in raw.get("requirements") or []:
        terms = []
        for t in r.get("terms") or []:
            if isinstance(t, str):
                terms.append(Term(t, [t]))
            else:
                first = next((a for a in t["any"] if isinstance(a, str)), None)
                unless = t.get("unless") or []
                terms.append(Term(t.get("name") or first or r["id"], list(t["any"]), [unless] if isinstance(unless, str) else list(unless)))
        c.requirements.append(
            Requirement(
                id=r["id"], description=r.get("description", ""), section_names=_names(r.get("section")),
                terms=terms, diagram=bool(r.get("diagram")), related=list(r.get("related") or []),
                hint=r.get("hint", ""), contract=c.name, elsewhere=r.get("elsewhere", "info"),
            )
        )
    return c


def _expand(items, words: dict, seen: tuple = ()) -> list:
    """A group or an unless list with its "@name" word lists spelled out (KeyError names an unknown list)."""
    out = []
    for x in items if isinstance(items, list) else [items]:
        if isinstance(x, list):
            out.append(_expand(x, words, seen))
        elif isinstance(x, str) and x.startswith("@"):
            name = x[1:]
            if name in seen:
                raise KeyError(f"word list {name!r} names itself")
            if len(seen) >= MAX_EXTENDS:
                raise ValueError(f"word lists name each other more than {MAX_EXTENDS} deep")
            out.extend(_expand(words[name], words, seen + (name,)))
        else:
            out.append(x)
    return out


def build_concepts(c: Contract, words: dict, problems: list) -> None:
    """Turn the terms of c's own requirements into matchable concepts (text.Concept)."""
    from ..text.concepts import Concept

    for r in c.requirements:
        for t in r.terms:
            if t.concept is not None:
                continue
            try:
                alts = []
                for a in t.any:
                    if isinstance(a, dict):
                        a = dict(a, all=[_expand(g, words) if isinstance(g, list) or (isinstance(g, str) and g.startswith("@")) else g
                                         for g in a["all"]])
                    elif a.startswith("@"):
                        alts.extend(_expand(a, words))
                        continue
                    alts.append(a)
                t.concept = Concept.parse(t.name, alts, _expand(t.unless, words) if t.unless else ())
            except KeyError as e:
                problems.append(ContractProblem(c.file, yamlutil_line(c, "requirements"),
                                                f"requirement {r.id}, concept {t.name!r}: unknown word list {e.args[0]!r}",
                                                f"define it under words: (known: {', '.join(sorted(words)) or 'none'})"))
                t.concept = Concept.parse(t.name, [a for a in t.any if isinstance(a, str) and not a.startswith("@")] or [t.name])
            except ValueError as e:
                problems.append(ContractProblem(c.file, yamlutil_line(c, "requirements"), f"requirement {r.id}, concept {t.name!r}: {e}",
                                                "an alternative is a phrase or {all: [group, ...], within: N}"))
                t.concept = Concept.parse(t.name, [t.name])


def _read_contract(path: Path, display: str, problems: list[ContractProblem], compiled: dict | None = None) -> Contract | None:
    """One contract file. ``compiled`` (the shipped contracts only): the table of compiled.json, whose data is used
    for the file's exact bytes; a shipped contract is not validated against the schema here (the tests do)."""
    shipped = compiled is not None
    try:
        data = read_regular(str(path), 1_000_000, root=str(path.parent), root_name="contracts_dir")
        text = data.decode("utf-8")
    except ReadError as e:
        problems.append(ContractProblem(display, 0, f"contract {e.message}" if "limit" not in e.message else
                                        "contract file is larger than 1 MB", "split it with extends" if "limit" in e.message else
                                        e.hint))
        return None
    except (OSError, ValueError) as e:  # UnicodeDecodeError is a ValueError; its text names a byte, not the content
        problems.append(ContractProblem(display, 0, f"cannot read contract: {getattr(e, 'strerror', None) or e}", "save it as UTF-8 text"))
        return None
    if len(text) > 1_000_000:
        problems.append(ContractProblem(display, 0, "contract file is larger than 1 MB", "split it with extends"))
        return None
    raw = _compiled_data(compiled, path.name, data) if shipped else None
    if raw is None:
        try:
            raw, _ = yamlutil.load(text)
        except yamlutil.YamlProblem as p:
            problems.append(ContractProblem(display, p.line, p.message, "fix the YAML syntax"))
            return None
    if raw is None:
        problems.append(ContractProblem(display, 1, "contract file is empty", "give it at least a name:"))
        return None
    # the shipped contracts are validated by the test suite, not on every run (it costs more than checking a site)
    errors = [] if shipped else sorted(validator("contract.schema.json").iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        for e in errors[:20]:
            where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
            problems.append(
                ContractProblem(display, yamlutil.line_of(text, list(e.absolute_path)), f"{where}: {_schema_message(e)}",
                                "see schemas/contract.schema.json and the contract format docs")
            )
        return None
    c = _parse(raw, display)
    c.paths = _valid_globs(c.paths, text, display, problems)
    return c


SHIPPED_COMPILED = "compiled.json"  # beside the shipped contracts: their data, for the bytes they were compiled from


@lru_cache(maxsize=1)
def _compiled_text() -> str:
    try:
        return (schemas_dir() / "contracts" / SHIPPED_COMPILED).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return "{}"


def _compiled_table() -> dict:
    """Parsed once per load_contracts call: the contracts are built from the data (a fresh copy each load)."""
    try:
        table = json.loads(_compiled_text())
    except ValueError:
        return {}
    return table if isinstance(table, dict) else {}


def _compiled_data(table: dict, name: str, data: bytes):
    """A shipped contract's data from contracts/compiled.json (``table``), when it was compiled from these very
    bytes (their SHA-256); else None, and the YAML is parsed. JSON loads in a fraction of a millisecond; the YAML parse of the
    shipped contracts was 10 to 13 ms of every build."""
    import hashlib

    entry = table.get(name)
    if isinstance(entry, dict) and entry.get("sha256") == hashlib.sha256(data).hexdigest():
        return entry.get("data")
    return None


def compile_shipped(folder: Path | None = None) -> str:
    """The text of contracts/compiled.json for the shipped contracts as they are now (tests/test_contracts_shipped.py
    requires it to be current; write it with ``python -m mkdocs_reassign.model.contracts``)."""
    import hashlib

    folder = folder or schemas_dir() / "contracts"
    table = {}
    for path in sorted(folder.glob("*.y*ml")):
        data = path.read_bytes()
        raw, _ = yamlutil.load(data.decode("utf-8"))
        table[path.name] = {"sha256": hashlib.sha256(data).hexdigest(), "data": raw}
    return json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _valid_globs(globs: list, text: str, display: str, problems: list[ContractProblem]) -> list:
    """applies_to.paths without the globs glob_problem refuses (each one reported at its line)."""
    out = []
    for i, g in enumerate(globs):
        problem = glob_problem(g)
        if problem is None:
            out.append(g)
        else:
            problems.append(ContractProblem(display, yamlutil.line_of(text, ["applies_to", "paths", i]),
                                            f"applies_to/paths/{i}: {problem}", "fix the glob; this one selects no file"))
    return out


def _schema_message(e) -> str:
    """The schema error without the file's text: jsonschema quotes the whole offending value (a file parsed
    as one long string would be quoted whole); here a value is named by its first line, clipped."""
    inst = e.instance
    quoted = repr(inst)
    if len(quoted) <= 40:
        return _short(e.message)
    if isinstance(inst, str):
        first = inst.split("\n", 1)[0]
        short = repr(first[:30]) + " (clipped)"
    else:
        short = f"a {type(inst).__name__} of {len(inst)} item(s)" if isinstance(inst, (dict, list)) else type(inst).__name__
    return _short(e.message.replace(quoted, short))


def _short(msg: str) -> str:
    return msg if len(msg) <= 200 else msg[:197] + "..."


MAX_EXTENDS = 50


def _resolve(name: str, raw_contracts: dict[str, Contract], resolved: dict[str, Contract], stack: list[str], problems) -> Contract | None:
    if name in resolved:
        return resolved[name]
    c = raw_contracts.get(name)
    if c is None:
        return None
    if name in stack:
        cycle = " -> ".join(stack[stack.index(name):] + [name])
        problems.append(ContractProblem(c.file, yamlutil_line(c, "extends"), f"extends forms a cycle: {cycle}", "remove one extends"))
        return None
    if len(stack) >= MAX_EXTENDS:  # Python's recursion would end near 1,000; no real chain is this long
        top = raw_contracts[stack[0]]
        problems.append(ContractProblem(top.file, yamlutil_line(top, "extends"),
                                        f"extends chain is longer than {MAX_EXTENDS} contracts ({' -> '.join(stack[:3])} -> ... -> {name})",
                                        "flatten the chain: extend a shared base contract directly"))
        resolved.update(dict.fromkeys(stack))  # every contract on the chain fails with it, reported once
        return None
    stack.append(name)
    sections: list[SectionSpec] = []
    reqs: list[Requirement] = []
    ordered = None
    words: dict = {}
    for parent_name in c.extends:
        parent = _resolve(parent_name, raw_contracts, resolved, stack, problems)
        if parent is None:
            if parent_name not in raw_contracts:
                problems.append(ContractProblem(c.file, yamlutil_line(c, "extends"), f"extends unknown contract {parent_name!r}",
                                                f"known contracts: {', '.join(sorted(raw_contracts))}"))
            stack.pop()
            return None
        sections = _merge(sections, parent.sections)
        reqs = _merge(reqs, parent.requirements)
        words.update(parent.words)
        if parent.ordered is not None:
            ordered = parent.ordered
    stack.pop()
    words.update(c.words)
    build_concepts(c, words, problems)
    out = Contract(c.name, c.file, c.description, c.extends, c.ids, c.paths,
                   _merge(sections, c.sections), c.ordered if c.ordered is not None else ordered,
                   _merge(reqs, c.requirements), c.raw, c.path, words)
    by_id = {s.id: s for s in out.sections}
    for r in out.requirements:
        if len(r.section_names) == 1 and r.section_names[0] in by_id:
            s = by_id[r.section_names[0]]
            r.section_names = list(s.names)
            r.section_level = s.level
            r.section_spec = s.id
        r.section_norms = frozenset(normalize_heading(n) for n in r.section_names)
    resolved[name] = out
    return out


def yamlutil_line(c: Contract, key: str) -> int:
    return yamlutil_line_from_text(Path(c.path), key) if c.path else 1


def _merge(base: list, extra: list) -> list:
    out = list(base)
    index = {x.id: i for i, x in enumerate(out)}
    for x in extra:
        if x.id in index:
            out[index[x.id]] = x
        else:
            index[x.id] = len(out)
            out.append(x)
    return out


def load_contracts(user_dir: str | None = None, display_root: str | None = None) -> ContractSet:
    """Shipped defaults from schemas/contracts, then *.yaml/*.yml of user_dir (same name overrides)."""
    problems: list[ContractProblem] = []
    raw: dict[str, Contract] = {}
    folders = [(schemas_dir() / "contracts", True)]
    if user_dir:
        ud = Path(user_dir)
        if not ud.is_dir():
            problems.append(ContractProblem(_display(ud, display_root), 0, "contracts_dir is not a folder",
                                            "create it or fix the contracts_dir option"))
        else:
            folders.append((ud, False))
    for folder, shipped in folders:
        compiled = _compiled_table() if shipped else None
        seen_here: dict[str, str] = {}
        for path in sorted(folder.glob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            display = _display(path, display_root)
            c = _read_contract(path, display, problems, compiled)
            if c is None:
                continue
            if c.name in seen_here:
                problems.append(ContractProblem(display, yamlutil_line_from_text(path, "name"),
                                                f"contract {c.name!r} is also defined in {seen_here[c.name]}", "rename one"))
                continue
            seen_here[c.name] = display
            c.file = display
            c.path = str(path)
            raw[c.name] = c
    resolved: dict[str, Contract | None] = {}
    for name in sorted(raw):
        _resolve(name, raw, resolved, [], problems)
    return ContractSet({k: v for k, v in resolved.items() if v is not None}, problems)


def yamlutil_line_from_text(path: Path, key: str) -> int:
    try:
        return yamlutil.line_of(path.read_text(encoding="utf-8"), [key])
    except (OSError, UnicodeDecodeError):
        return 1


def _display(path: Path, root: str | None) -> str:
    if root:
        try:
            return Path(os.path.relpath(path, root)).as_posix()
        except ValueError:
            pass
    return path.as_posix()


if __name__ == "__main__":  # python -m mkdocs_reassign.model.contracts: write contracts/compiled.json
    from ..files import atomic_write

    target = schemas_dir() / "contracts" / SHIPPED_COMPILED
    atomic_write(str(target), compile_shipped())
    print(f"wrote {target}")
