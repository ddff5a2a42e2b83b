"""code-ref: a code reference in a feature doc or session file does not resolve under source_root, or the symbol
beside it is no longer where it is cited; and (info) the cited code changed after the doc's last commit.

Runs only when the ``source_root`` option is set: nothing of ``mkdocs_reassign.code`` (nor tree-sitter) is
imported otherwise. The references are found by the engine while a doc's text is at hand (cache kind
``code-refs``); the source index is kept in the run's cache while the source tree's folders are unchanged,
so serve does not walk the tree again on every rebuild.

Who owns what on a session file's ``**File:**`` line: ``source-ref`` owns the path and the line numbers there
(the path, exactly relative to source_root, exists and is inside it; the lines are inside the file);
``code-ref`` only adds what source-ref cannot see, a symbol that moved or is not defined there. Everywhere
else (feature docs, and the prose and tables of session files) code-ref reports every problem.
"""

from __future__ import annotations

import os

from ..model.diagnostics import Diagnostic
from ..safefs import stat_key
from . import Rule

RULE = Rule("code-ref", ("site",), "error",
            "a code reference does not resolve under source_root, or the symbol is no longer where it is cited")

# the kinds code-ref reports on a session File: line (source-ref reports the others there)
_ON_FILE_LINES = frozenset({"moved", "undefined", "parser-missing"})
GIT_TIMEOUT = 10.0


def check_site(site) -> list[Diagnostic]:
    if not site.source_root:
        return []
    from ..cache import Cache

    cache = site.cache if site.cache is not None else Cache()
    root = os.path.realpath(site.source_root)
    if not os.path.isdir(root):
        return [Diagnostic(site.config_name, 0, RULE.id, f"source_root {site.options.source_root!r} is not a folder",
                           "set source_root (relative to the config file) to the folder code references point into",
                           extra={"root_path": True})]
    index, symbols = source_index(root, cache)
    out: list[Diagnostic] = []
    parser_missing = False
    cited: list[tuple[str, list]] = []  # (doc, its references) for the freshness notes
    for rel, obj, file_lines in _docs(site):
        refs = doc_refs(rel, obj, cache)
        if not refs:
            continue
        cited.append((rel, refs))
        for p in problems_of(rel, obj, cache, index, symbols):
            if p.kind == "parser-missing":
                if parser_missing:
                    continue  # one for the whole run
                parser_missing = True
            if p.line in file_lines and p.kind not in _ON_FILE_LINES:
                continue  # source-ref reports the path and lines of a File: reference
            out.append(Diagnostic(rel, p.line, RULE.id, p.message, p.hint))
    if site.options.code_freshness and cited:
        out.extend(_freshness(site, root, index, cited, cache))
    return out


def _docs(site):
    for rel, fd in site.features.items():
        yield rel, fd, frozenset()
    for s in site.sessions:
        yield s.rel, s, frozenset(r.line for f in s.findings for r in f.files)


def source_index(root: str, cache):
    """(SourceIndex, SymbolTable) of a source root, reused while no file was added, removed or renamed."""
    from ..code import SourceIndex, SymbolTable

    entry = cache.entry("code-index", "")
    if entry is not None and entry[0][0] == root and entry[1][0].stamp() == entry[0][1]:
        return entry[1]
    index = SourceIndex(root)
    symbols = entry[1][1] if entry is not None and entry[0][0] == root else SymbolTable()
    return cache.put("code-index", "", (root, index.stamp()), (index, symbols))


def doc_refs(rel: str, obj, cache) -> list:
    refs = cache.get("code-refs", rel, (obj,))
    if refs is None:  # parsed before source_root was set, or by another caller: the doc's lines are at hand
        from ..code import find_code_refs

        refs = cache.put("code-refs", rel, (obj,), find_code_refs(obj.doc))
    return refs


def problems_of(rel: str, obj, cache, index, symbols) -> list:
    """The library's problems (``code.CodeRefProblem``) for one doc; ``fix --code-refs`` rewrites from them."""
    from ..code import check_code_refs

    problems = check_code_refs(doc_refs(rel, obj, cache), index, symbols)
    cache.put("code-problems", rel, (obj,), problems)
    return problems


# ------------------------------------------------------------------ freshness (git)


def _freshness(site, root: str, index, cited, cache) -> list[Diagnostic]:
    """One info diagnostic per doc whose cited code changed after the doc's own last commit. A fixed number
    of git calls per doc (its last commit) and per set of docs sharing that commit (``cited_file_changes``);
    nothing when git is missing, times out, or either folder is not in a work tree."""
    from ..code import git

    rc, top = git._git(["rev-parse", "--show-toplevel"], root, GIT_TIMEOUT)
    if rc != 0 or not top.strip():
        return []
    src_top = top.strip()
    rc, head = git._git(["rev-parse", "HEAD"], root, GIT_TIMEOUT)
    head = head.strip() if rc == 0 else ""
    docs_top: str | None = None
    groups: dict[str, list] = {}  # since -> [(doc, its cited ranges, first line per path, doc commit)]
    out: list[Diagnostic] = []
    for rel, refs in cited:
        per_path: dict[str, list[tuple[str, int, int]]] = {}
        first: dict[str, int] = {}
        for r in refs:
            found = index.resolve(r.path)
            if len(found) != 1:
                continue
            p = found[0]
            first.setdefault(p, r.line)
            rng = per_path.setdefault(p, [])
            if r.start is not None:
                rng.append((r.symbols[0].label if r.symbols else f"{r.start}-{r.last}", r.start, r.last))
        if not per_path:
            continue
        abs_doc = os.path.join(site.docs_dir, rel)
        stamp = tuple(_mtime(os.path.join(root, p)) for p in sorted(per_path)) + (_mtime(abs_doc),)
        key = (head, stamp)
        hit = cache.get("code-fresh", rel, key)
        if hit is not None:
            out.extend(hit)
            continue
        if docs_top is None:
            rc, t = git._git(["rev-parse", "--show-toplevel"], os.path.dirname(abs_doc), GIT_TIMEOUT)
            docs_top = t.strip() if rc == 0 else ""
        rc, line = git._git(["log", "-1", "--format=%H%x09%cI", "--", os.path.basename(abs_doc)],
                            os.path.dirname(abs_doc), GIT_TIMEOUT)
        sha, _, date = line.strip().partition("\t")
        if rc != 0 or not sha:
            cache.put("code-fresh", rel, key, [])
            continue  # not committed (or no git): nothing to compare with
        since = sha if docs_top == src_top else date  # another repository: compare by the doc's commit date
        groups.setdefault(since, []).append((rel, per_path, first, sha, key))
    for since, docs in groups.items():
        union: dict[str, set] = {}
        for _rel, per_path, _first, _sha, _key in docs:
            for p, rng in per_path.items():
                union.setdefault(p, set()).update(rng)
        fr = git.cited_file_changes(root, {p: sorted(r) for p, r in union.items()}, since, GIT_TIMEOUT)
        for rel, per_path, first, sha, key in docs:
            diags = []
            if fr.available:
                d = _note(rel, per_path, first, sha, fr)
                diags = [d] if d is not None else []
            cache.put("code-fresh", rel, key, diags)
            out.extend(diags)
    return out


def _note(rel: str, per_path, first, sha: str, fr) -> Diagnostic | None:
    parts = []
    line = None
    for p in sorted(per_path, key=lambda p: first[p]):
        fc = fr.files.get(p)
        if fc is None or not fc.changed:
            continue
        line = first[p] if line is None else min(line, first[p])
        mine = set(per_path[p])
        touched = []
        for r in fc.ranges:
            if r.touched and (r.label, r.start, r.end) in mine and r.label not in touched:
                touched.append(r.label)
        commits = ", ".join(c[0][:7] for c in fc.commits[:5]) + (f" and {len(fc.commits) - 5} more" if len(fc.commits) > 5 else "")
        what = f"commit{'s' if len(fc.commits) != 1 else ''} {commits}" if fc.commits else ""
        if fc.uncommitted:
            what = (what + " and " if what else "") + "uncommitted edits"
        parts.append(f"{p} ({what}" + (f"; touches {', '.join(touched)}" if touched else "") + ")")
    if not parts:
        return None
    return Diagnostic(rel, line or 1, RULE.id,
                      f"cited code changed after this doc's last commit {sha[:7]}: " + "; ".join(parts),
                      "re-read the cited code and update the doc; committing the doc marks it as current",
                      extra={"severity": "info"})


def _mtime(path: str) -> int:
    try:
        return hash(stat_key(os.stat(path)))
    except OSError:
        return -1
