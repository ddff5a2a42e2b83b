"""`mkdocs-reassign new`: a feature doc that meets its contract's structure, with TODOs."""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata

from . import UsageError
from ..model.ids import is_feature_id


# Letters NFKD does not split into an ASCII letter and marks, and Cyrillic (a common script for these teams).
_TRANSLIT = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ŋ": "ng",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "є": "ie", "і": "i", "ї": "i", "ґ": "g",
}


def slugify(name: str) -> str:
    """A file name from a feature name: ASCII where the script allows (`Résumé` -> `resume`, `Ведение звонков` ->
    `vedenie-zvonkov`), else the name's own letters (`座席管理` stays readable), words joined by `-`."""

    out = []
    for ch in unicodedata.normalize("NFKD", name.casefold()):
        if unicodedata.category(ch).startswith("M"):
            continue  # the accent of an NFKD-split letter
        if ch.isascii():
            out.append(ch if ch.isalnum() else "-")
        elif ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
        elif ch.isalnum():
            out.append(ch)  # CJK and other scripts: kept, so the slug stays readable
        else:
            out.append("-")
    s = re.sub(r"-{2,}", "-", unicodedata.normalize("NFC", "".join(out))).strip("-")
    return s or "feature"


def _comment(text: str) -> str:
    """An HTML comment that cannot end early (comments do not count as content or as mentions)."""
    return "<!-- " + re.sub(r"-{2,}", "-", text).replace(">", ")") + " -->"


def _numbered(sections) -> bool:
    """The team template numbers every section after Quick Summary and Affected Users."""
    ids = [sp.id for sp in sections]
    return len(ids) > 2 and ids[:2] == ["quick-summary", "affected-users"]


def render_doc(fid: str, name: str, area: str, contract, rel: str, registry: dict, features: dict,
               write_contract: bool = False) -> str:
    """A doc with every section and requirement of the contract, TODO placeholders as content.

    Placeholders never mention a required term (the hints for those sit in HTML comments,
    which the checker ignores), so `check` keeps reporting the topics still to write.
    """
    sections = list(contract.sections) if contract else []
    reqs = list(contract.requirements) if contract else []
    related = [fid2 for r in reqs for fid2 in r.related]
    out = ["---", f"id: {fid}", f"title: {_yaml_str(name)}", f"area: {_yaml_str(area)}", "status: draft"]
    if related:
        out.append("related: [" + ", ".join(dict.fromkeys(related)) + "]")
    if write_contract and contract is not None:
        out.append(f"contract: {contract.name}")
    out += ["---", "", f"# Feature: {name} ({fid})", ""]

    def level_ok(r, sp):
        return r.section_level in (None, sp.level)

    by_section: dict[str, list] = {}
    own_heading: list = []  # requirements whose section is not a contract section: a sub-heading of their own
    anywhere: list = []  # requirements without a section: a hint in the host section
    for r in reqs:
        target = next((sp.id for sp in sections if r.section_norms and sp.norms & r.section_norms and level_ok(r, sp)), None)
        if target:
            by_section.setdefault(target, []).append(r)
        elif r.section_names:
            own_heading.append(r)
        else:
            anywhere.append(r)
    host = next((sp.id for sp in sections if sp.id == "detailed-logic"), sections[-1].id if sections else None)
    numbered = _numbered(sections)
    n = 0
    any_diagram = False  # a requirement that names no section is met by a diagram anywhere
    for i, sp in enumerate(sections):
        level = sp.level or 2
        label = sp.names[0]
        if numbered and i >= 2:
            n += 1
            title = f"{n}. {label.upper()}"
        else:
            title = label.upper() if level == 2 else label
        out += [f"{'#' * level} {title}", "", f"TODO: write the {label} section.", ""]
        diagram_done = False
        for r in by_section.get(sp.id, []):
            out += _requirement_body(r, rel, registry, features, diagram_done)
            diagram_done = diagram_done or r.diagram
        any_diagram = any_diagram or diagram_done
        if sp.id == host:
            for r in own_heading:
                out += [f"{'#' * (level + 1)} {r.section_names[0]}", "", "TODO: write this part.", ""]
                out += _requirement_body(r, rel, registry, features, False)
            for r in anywhere:
                out += _requirement_body(r, rel, registry, features, diagram_done or any_diagram)
                diagram_done = diagram_done or r.diagram
    if not sections:  # a contract without sections: the requirements, one after another
        for r in own_heading:
            out += [f"## {r.section_names[0]}", "", "TODO: write this part.", ""]
            out += _requirement_body(r, rel, registry, features, False)
        for r in anywhere:
            out += _requirement_body(r, rel, registry, features, False)
    return "\n".join(out).rstrip() + "\n"


def _requirement_body(r, rel, registry, features, diagram_done: bool) -> list[str]:
    out = []
    if r.terms:
        what = r.description or r.id
        names = ", ".join(t.name for t in r.terms)
        out += [_comment(f"TODO ({r.id}): {what}; mention {names}" + (f". {r.hint}" if r.hint else "")), ""]
    if r.diagram and not diagram_done:
        out += [_comment(f"TODO ({r.id}): {r.description or 'the diagram'}"),
                "```mermaid", "flowchart TD", "    A[TODO: first step] --> B[TODO: next step]", "```", ""]
    if r.related:
        for rid in r.related:
            target = registry.get(rid)
            if target:
                href = posixpath.relpath(target, posixpath.dirname(rel))
                out.append(f"- [{rid}: {features[target].title}]({href}) - TODO: how they interact")
            else:
                out.append(f"- {rid} - TODO: link it once its doc exists")
        out.append("")
    return out


def printable(name: str) -> str:
    """The name without the characters YAML refuses in a quoted string and a heading cannot show: control
    characters (ESC, BEL, NEL, ...), line and paragraph separators, lone surrogates, non-characters."""
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs")
                   and ch not in "\u2028\u2029\ufeff\ufffe\uffff")


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scaffold(project, rep, fid: str, name: str, area: str, contract_name: str | None, slug: str | None) -> str:
    opts = project.options
    if not is_feature_id(fid, opts.id_pattern):
        raise UsageError(f"{fid!r} is not a feature ID (pattern {opts.id_pattern})")
    if fid in rep.registry:
        raise UsageError(f"{fid} is already declared by {rep.docs_prefix}{rep.registry[fid]}")
    if not name.strip() or any(ch in name for ch in "\r\n\t\x00") or name != name.strip():
        raise UsageError(f"feature name {name!r}: give one line of text without leading or trailing spaces")
    if any("\udc80" <= ch <= "\udcff" for ch in name):  # bytes the command line could not decode
        raise UsageError("the feature name is not valid UTF-8: give it as UTF-8 text; nothing was created")
    name = printable(name)
    if not name.strip():
        raise UsageError("the feature name holds only control characters")
    if slug is not None:
        slug = slug.removesuffix(".md")
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", slug):
            raise UsageError(f"--slug {slug!r}: use a file name of letters, digits, ., - and _ (no folders)")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*", area):
        raise UsageError(f"--area {area!r}: use folder names of letters, digits, - and _")
    if not opts.features:
        raise UsageError("the features option lists no globs, so no doc would be checked as a feature doc "
                         "(list one, e.g. features: ['features/**/*.md'])")
    base = opts.features[0].split("*")[0].rstrip("/") or "features"
    rel = f"{base}/{area}/{slug or slugify(name)}.md"
    if not project.is_feature(rel):
        raise UsageError(f"{rel} would not be checked as a feature doc (features/exclude options)")
    path = os.path.join(project.docs_dir, rel)
    if os.path.lexists(path):
        raise UsageError(f"{os.path.relpath(path)} already exists")
    selected, _how = rep.contracts.select(None, fid, rel, opts.default_contract)
    if contract_name:
        contract = rep.contracts.get(contract_name)
        if contract is None:
            raise UsageError(f"unknown contract {contract_name!r} (known: {', '.join(sorted(rep.contracts.contracts))})")
    else:
        contract = selected
    if contract is None:
        raise UsageError(f"no contract applies to {rel}; pass --contract NAME")
    # name the contract in front matter unless it is the default one and would be picked anyway
    explicit = contract.name != opts.default_contract or selected is None or selected.name != contract.name
    text = render_doc(fid, name, area, contract, rel, rep.registry, rep.features, write_contract=explicit)
    write_doc(project.docs_dir, rel, text)
    return path


def write_doc(docs_dir: str, rel: str, text: str) -> None:
    """Create docs_dir/rel whole or not at all: the text is encoded before anything is created, every folder on
    the way is a real folder inside docs_dir (a symbolic link is refused, even one pointing inside), and the
    file appears by link(2), which never replaces an existing one."""
    from ..files import create_file

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("the feature name or area is not valid UTF-8 (the shell passed bytes that are not text); "
                         "nothing written") from None
    folder = os.path.realpath(docs_dir)
    for part in rel.split("/")[:-1]:
        folder = os.path.join(folder, part)
        if os.path.islink(folder):
            raise UsageError(f"{os.path.relpath(folder)} is a symbolic link (to {os.path.realpath(folder)}); "
                             "new writes only into real folders of docs_dir; nothing written")
        if not os.path.isdir(folder):
            if os.path.lexists(folder):
                raise UsageError(f"{os.path.relpath(folder)} is not a folder; nothing written")
            os.mkdir(folder)
    path = os.path.join(folder, rel.rsplit("/", 1)[-1])
    try:
        create_file(path, data)
    except FileExistsError:
        raise UsageError(f"{os.path.relpath(path)} already exists") from None
    except OSError as e:
        raise UsageError(f"cannot write {os.path.relpath(path)}: {e.strerror or e}; nothing written") from None
