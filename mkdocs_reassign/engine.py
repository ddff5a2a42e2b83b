"""The one engine: ``validate(files, project, cache=None) -> Report``. Imports nothing from MkDocs.

The pipeline: read each Markdown file (``sources``), scan it (``markdown``), build its model
(``model.features`` / ``model.findings``) and run the doc or session rules on it; then run the site rules
on the whole site (``rules``); then build the report, applying severities, waivers, the baseline and
display paths once. Per-file results live in a ``cache.Cache``: the plugin keeps one across serve
rebuilds, so a rebuild re-scans only the files whose content changed.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections import Counter
from dataclasses import field

from .cache import Cache
from .markdown import sub_comments
from .markdown import scan as _scan
from .memory import HeadLines
from .model import features, findings
from .model.contracts import ContractSet, load_contracts
from .model.diagnostics import Diagnostic, one_line
from .model.links import all_dirs, resolve_links
from .options import Options, matches_any
from .sources import (LINK_HINT, MARKDOWN_EXTENSIONS, Source, check_other_file, decode, is_markdown, is_racy, read_key, read_source,
                      symlink_loops, walk_docs)
from .startup import dataclass, rx

__all__ = ["Project", "Site", "Report", "validate", "MARKDOWN_EXTENSIONS", "Source", "decode", "read_source", "walk_docs",
           "check_other_file"]

@dataclass
class Project:
    """What the engine needs to know besides the list of files: where they are and how to check them."""

    root: str  # the folder of mkdocs.yml: diagnostic paths are relative to it
    docs_dir: str
    options: Options
    config_name: str = "mkdocs.yml"  # how contract diagnostics about options name the config file
    baseline: Counter | None = None  # fingerprint -> count (waivers.read_baseline)
    today: _dt.date | None = None  # for waiver expiry; None = today
    one_shot: bool = False  # a build checks once: a checked doc keeps only its first lines

    def __post_init__(self):
        self.root = os.path.abspath(self.root)
        self.docs_dir = os.path.abspath(self.docs_dir)

    @property
    def docs_prefix(self) -> str:
        """docs_dir relative to the root, with a trailing slash ('' when they are the same folder)."""
        prefix = os.path.relpath(self.docs_dir, self.root).replace(os.sep, "/")
        if prefix == ".":
            return ""
        return prefix + "/" if not prefix.startswith("..") else self.docs_dir.replace(os.sep, "/") + "/"

    def is_feature(self, rel: str) -> bool:
        o = self.options
        return matches_any(rel, o.features) and not matches_any(rel, o.exclude) and not matches_any(rel, o.sessions)

    def is_session(self, rel: str) -> bool:
        return matches_any(rel, self.options.sessions)


@dataclass
class Site:
    """Everything the site rules read (docs-relative paths)."""

    options: Options
    features: dict[str, features.FeatureDoc]
    sessions: list[findings.Session]
    registry: dict[str, str]  # feature ID -> the doc that declares it first
    duplicate_ids: list[Diagnostic]
    link_refs: list[tuple[str, list]]  # (doc, its model.links.LinkRef) for features, then sessions
    cites: list[tuple[str, list[tuple[int, str]]]]  # (feature doc, (line, finding ID) it cites)
    defined: dict[str, findings.Finding]
    finding_registry: findings.Registry
    contracts: ContractSet
    registry_problems: list[str]
    read_problems: list[tuple[str, int, str, str]]  # (path, line, message, hint)
    config_name: str
    source_root: str | None  # absolute, or None when File: references are not checked

    def link_refs_of(self, rel: str) -> list:
        idx = self.__dict__.get("_refs_by_doc")
        if idx is None:
            idx = self.__dict__["_refs_by_doc"] = dict(self.link_refs)
        return idx.get(rel, [])
    docs_dir: str = ""  # absolute (code-ref asks git about each doc's last commit)
    cache: Cache | None = None  # the run's cache: site rules may memo what outlives a rebuild (code-ref's index)

    def memo(self, kind: str, path: str, key, compute):
        """A site rule's result for one file (or "" for the site), reused across serve rebuilds while ``key``
        is the same; the key includes ``self.generation`` when the result depends on what links resolve against."""
        if self.cache is None:
            return compute()
        hit = self.cache.get(kind, path, key, _NONE)
        return self.cache.put(kind, path, key, compute()) if hit is _NONE else hit

    @property
    def generation(self) -> int:
        return self.cache.generation if self.cache is not None else 0


_NONE = object()

_CITE_TAIL = rx(r"-[0-9]{3}(?![A-Za-z0-9-])")  # how every cite ends (model.findings.Registry.cite_re)


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    features: dict[str, features.FeatureDoc]
    registry: dict[str, str]
    sessions: list[findings.Session]
    defined: dict[str, findings.Finding]
    unreadable: set[str]
    contracts: ContractSet
    finding_registry: findings.Registry
    docs_prefix: str = ""
    by_path: dict[str, list[Diagnostic]] = field(default_factory=dict)
    link_gen: int = 0  # changes whenever what links resolve against (files, folders, IDs) does

    def findings_of(self, feature_id: str) -> list[findings.Finding]:
        idx = self.__dict__.get("_findings_by_feature")
        if idx is None:  # built once: pages, the overview and the JSON report ask for every feature
            idx = {}
            for s in self.sessions:
                for f in s.findings:
                    idx.setdefault(f.feature_id, []).append(f)
            self.__dict__["_findings_by_feature"] = idx
        return list(idx.get(feature_id, ()))

    @property
    def active(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity != "off" and not d.waived]


# ------------------------------------------------------------------ the pipeline


def validate(files, project: Project, cache: Cache | None = None, sources: dict[str, Source] | None = None) -> Report:
    """Check a docs tree. ``files``: every docs-relative path of the site (link targets resolve against them);
    ``sources``: texts to use instead of reading some files; ``cache``: keep one across serve rebuilds."""
    cache = cache if cache is not None else Cache()
    opts = project.options
    contracts = load_contracts_cached(project, cache)
    reg, reg_problems = _finding_registry(opts, cache)
    files = set(files)
    dirs, md, unreadable, read_problems = _left_out(files, project, cache, sources)
    feats, sessions, diags = _read_docs(md, project, cache, contracts, reg, sources, unreadable, read_problems)
    for rel in cache.paths("doc"):
        if rel not in files:
            cache.forget(rel)
    registry, dup = _id_registry(feats, cache)
    readable = files - unreadable
    env = (readable, dirs, unreadable, registry, {rel: fd.id for rel, fd in feats.items()})
    entry = cache.entry("link-env", "")
    if entry is None or entry[0] != env:  # compared by value: sets and dicts (the cache would compare them by identity)
        cache.put("link-env", "", env, True)
        cache.generation += 1
    link_refs = [(rel, _links(rel, obj, readable, dirs, unreadable, project, cache)) for rel, obj in
                 [*feats.items(), *((s.rel, s) for s in sessions)]]
    site = Site(opts, feats, sessions, registry, dup, link_refs, [(rel, _cites(rel, fd, reg, cache)) for rel, fd in feats.items()],
                findings.truth(sessions, reg), reg, contracts, reg_problems, read_problems, project.config_name,
                os.path.join(project.root, opts.source_root) if opts.source_root else None, project.docs_dir, cache)
    from . import rules

    diags.extend(rules.check_site(site))
    rules.refine(diags, site)
    return _report(diags, site, project, unreadable, cache.generation)


_ORDER = ("error", "warning", "info", "off")


def _left_out(files: set[str], project: Project, cache: Cache, sources) -> tuple:
    """(folders, the Markdown files to read, the files left out so far, their problems): what validate leaves
    out of the site before it reads any Markdown (link loops, undecodable names, files MkDocs cannot copy)."""
    dirs, md, others = _file_lists(files, cache)
    unreadable: set[str] = set()
    read_problems: list[tuple[str, int, str, str]] = []
    _symlink_loops(project, files, dirs, unreadable, read_problems)
    _undecodable_names(files, unreadable, read_problems)
    if unreadable:
        md = [f for f in md if f not in unreadable]
    for rel in others:
        if rel in unreadable or (sources and rel in sources):
            continue
        problem = check_other_file(os.path.join(project.docs_dir, rel), project.docs_dir)
        if problem:
            unreadable.add(rel)
            read_problems.append((rel, 0, problem, LINK_HINT if problem.startswith("symbolic link") else "fix or remove it; the file is left out of the site"))
    return dirs, md, unreadable, read_problems


def read_ahead(files, project: Project) -> tuple[dict[str, Source], dict[str, str]]:
    """Read now what validate() reads first: every Markdown file's Source (``validate(..., sources=)`` takes them,
    so a check run later, in a second process (plugin._fork_check), judges the files as they were here), and
    every file validate() would find unreadable (the report's ``unreadable``: the site leaves them out), with
    its problem, found the same way."""
    files = set(files)
    _dirs, md, unreadable, read_problems = _left_out(files, project, Cache(), None)
    left_out = {rel: problem for rel, _line, problem, _hint in read_problems if rel in unreadable}
    for rel in unreadable:  # (a link loop reports its folder: each file under it is left out)
        left_out.setdefault(rel, "in a folder left out of the site")
    sources = {}
    for rel in md:
        src = sources[rel] = read_source(os.path.join(project.docs_dir, rel), rel, project.docs_dir)
        if src.error:
            left_out[rel] = src.error[0]
    return sources, left_out


def _severity(rule_severity: str, extra: dict) -> str:
    """The rule's severity, capped for a diagnostic that says how serious it can be: a misspelt front matter key
    is at most a warning (``at_most``), a note is at most what it says (``severity``: a contract's ``elsewhere``,
    code-ref's freshness notes); `off` stays off."""
    at_most = (extra.get("severity") or extra.get("at_most")) if extra else None
    if at_most is None or _ORDER.index(rule_severity) >= _ORDER.index(at_most):
        return rule_severity
    return at_most


def load_contracts_cached(project: Project, cache: Cache) -> ContractSet:
    """The shipped and user contracts, loaded again only when a file of contracts_dir changed (serve)."""
    opts = project.options
    folder = os.path.join(project.root, opts.contracts_dir) if opts.contracts_dir else None
    stamp: tuple | None = None
    if folder:
        try:
            stamp = tuple(sorted((e.name, read_key(e.stat())) for e in os.scandir(folder)))  # cp -p changes it too
        except OSError:
            stamp = ()
    entry = cache.entry("contracts", "")
    if entry is not None and entry[0] == (folder, stamp):
        return entry[1]
    if entry is not None:  # edited contracts: every doc is checked again (texts were released: read them again)
        cache.clear("doc")
        cache.clear("read")
    return cache.put("contracts", "", (folder, stamp), load_contracts(folder, project.root))


def _finding_registry(opts: Options, cache: Cache):
    key = (repr(opts.finding_types), opts.id_pattern)
    hit = cache.get("finding-types", "", key)
    return hit if hit is not None else cache.put("finding-types", "", key, findings.make_registry(opts.finding_types, opts.id_pattern))


def _file_lists(files: set[str], cache: Cache):
    """(folders, Markdown files, other files) of the site, reused while the files are the same."""
    entry = cache.entry("files", "")
    if entry is not None and entry[0] == files:
        return entry[1]
    lists = (all_dirs(files), sorted(f for f in files if is_markdown(f)), sorted(f for f in files if not is_markdown(f)))
    cache.put("files", "", files, lists)
    return lists


def _symlink_loops(project: Project, files, dirs, unreadable: set, read_problems: list) -> None:
    for d, message in sorted(symlink_loops(project.docs_dir, dirs).items()):
        unreadable |= {f for f in files if f.startswith(d + "/")}
        read_problems.append((d, 0, message, LINK_HINT if message.startswith("symbolic link leaving") else
                              "remove or retarget the link; the files reached through it are left out of the site"))


def _undecodable_names(files, unreadable: set, read_problems: list) -> None:
    """A file name that is not UTF-8 (os.fsdecode keeps its bytes as lone surrogates): MkDocs dies on it
    (it cannot quote the URL), so it is left out, and reported in an escaped form (diagnostics.one_line)."""
    for rel in sorted(files):
        if not rel.isascii():
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                unreadable.add(rel)
                read_problems.append((one_line(rel), 0, "the file name is not valid UTF-8",
                                      "rename it (MkDocs cannot publish it); the file is left out of the site"))


def _load(rel: str, project: Project, cache: Cache, sources) -> Source:
    """Read one Markdown file, or reuse the last read while its stat key is the same (``sources.read_key``:
    a rewrite that keeps mtime and size, as ``cp -p`` does, still changes it)."""
    if sources and rel in sources:
        return sources[rel]
    entry = cache.entry("read", rel)
    abs_path = entry[1].abs if entry is not None else os.path.join(project.docs_dir, rel)
    try:
        key = read_key(os.stat(abs_path))
    except OSError:
        key = None
    if key is not None and entry is not None and entry[0] == key and not entry[1].racy:
        return entry[1]
    src = read_source(abs_path, rel, project.docs_dir)
    if key is not None:
        if entry is not None and entry[1].digest == src.digest and entry[1].error == src.error:
            src = entry[1]  # the same bytes (read again as racy, or touched): keep the earlier read
        src.racy = is_racy(key)
        cache.put("read", rel, key, src)
    return src


def _read_docs(md, project: Project, cache: Cache, contracts, reg, sources, unreadable: set, read_problems: list):
    """Parse and check each feature doc and session, one file at a time (its text is dropped once parsed:
    a site's texts held at once cost ~4x its size)."""
    feats: dict[str, features.FeatureDoc] = {}
    sessions: list[findings.Session] = []
    diags: list[Diagnostic] = []
    for rel in md:
        src = _load(rel, project, cache, sources)
        if src.error:
            unreadable.add(rel)
            read_problems.append((rel, src.error_line, src.error[0], src.error[1] + "; the page is left out of the site"))
            continue
        kind = cache.get("kind", rel, None, 0)
        if kind == 0:
            kind = cache.put("kind", rel, None, "feature" if project.is_feature(rel) else "session" if project.is_session(rel) else None)
        read_entry = cache.entry("read", rel)
        if kind is None:  # read only to know that MkDocs can decode it
            if read_entry is not None and read_entry[1] is src:
                src.text = None
            continue
        obj = cache.get("doc", rel, (src.digest, kind))
        if obj is None:
            if src.text is None and src.error is None:  # released after an earlier scan; read it again
                src = read_source(os.path.join(project.docs_dir, rel), rel, project.docs_dir)
                cache.drop("read", rel)
            obj = _check_file(rel, src.text or "", kind, project, cache, contracts, reg)
            cache.put("doc", rel, (src.digest, kind), obj)
            if read_entry is not None and read_entry[1] is src:
                src.text = None  # the parsed doc is kept instead; the text would double the memory
        if kind == "feature":
            feats[rel] = obj
        else:
            sessions.append(obj)
        diags.extend(obj.diagnostics)
    return feats, sessions, diags


def _check_file(rel: str, text: str, kind: str, project: Project, cache: Cache, contracts, reg):
    """Scan one file, build its model and run the rules of its scope on it."""
    from . import rules

    doc = _scan(text)
    if kind == "session":
        s = findings.parse_session(rel, doc, reg, project.options.id_pattern)
        s.diagnostics = rules.check_session(s, reg)
        _code_refs(rel, s, project, cache)
        return s
    fd = features.analyze(rel, doc, contracts, project.options)
    fd.diagnostics = rules.check_doc(fd)
    _code_refs(rel, fd, project, cache)  # before a one-shot build drops the doc's lines
    if project.one_shot:
        _cites(rel, fd, reg, cache)  # the last reader of every line
        doc.lines = HeadLines(doc.lines, doc.fm_end + 8, os.path.join(project.docs_dir, rel))
        doc.prose = bytes(doc.prose)  # one byte per line, read the same way (truthy or not)
        for h in doc.headings:  # the same few names in every doc
            h.text, h.norm = sys.intern(h.text), sys.intern(h.norm)
    return fd


def _code_refs(rel: str, obj, project: Project, cache: Cache) -> None:
    """The code references of a parsed doc or session (rule code-ref), found while its text is at hand; only
    when source_root is set (the code package is not imported otherwise)."""
    if project.options.source_root:
        from .code.refs import find_code_refs

        cache.put("code-refs", rel, (obj,), find_code_refs(obj.doc))


def _id_registry(feats: dict, cache: Cache):
    """Feature ID -> doc, and the duplicate-ID diagnostics; reused while no ID changed, no doc came or went,
    and no doc with a duplicate ID changed (its diagnostic has a line)."""
    ids = {rel: fd.id for rel, fd in feats.items()}
    entry = cache.entry("ids", "")
    if entry is not None and entry[0] == ids and all(feats.get(d.path) is fd for d, fd in entry[1][1]):
        return entry[1][0], [d for d, _fd in entry[1][1]]
    from . import rules

    registry, dup = rules.MODULES["feature_id"].duplicates(feats)
    cache.put("ids", "", ids, (registry, [(d, feats[d.path]) for d in dup]))
    return registry, dup


def _links(rel: str, obj, readable, dirs, unreadable, project: Project, cache: Cache) -> list:
    key = (obj, cache.generation)
    hit = cache.get("links", rel, key)
    if hit is None:
        hit = cache.put("links", rel, key, resolve_links(rel, obj.doc, readable, dirs, project.options.id_pattern, unreadable))
    return hit


def _cites(rel: str, fd, reg, cache: Cache) -> list[tuple[int, str]]:
    """(line, finding ID) of every finding ID a feature doc cites in its prose; computed once per parsed doc."""
    hit = cache.get("cites", rel, (fd,))
    if hit is not None:
        return hit
    doc = fd.doc
    cite_re = reg.cite_re
    prose = doc.prose
    lines = [t if "-" in t and prose[i] else "" for i, t in enumerate(doc.lines)]
    # A cited ID ends as cite_re does (_CITE_TAIL), so only a line holding that end, or a comment (whose removal
    # could join one), can hold one: find those lines in one pass, not with a regex call per line. (One pattern
    # with a literal first character: "-NNN|<!--" is five times slower to search, "PREFIX-|<!--" fourteen.)
    blob = "\n".join(lines)
    found = []
    line = last = 0
    for m in _CITE_TAIL.finditer(blob):
        line += blob.count("\n", last, m.start())
        last = m.start()
        found.append(line)
    if "<!--" in blob:
        found.extend(i for i, t in enumerate(lines) if "<!--" in t)
    out = []
    for line in sorted(set(found)):
        text = lines[line]
        if "<!--" in text:  # an inline comment is not rendered: IDs in it are not cited
            text = sub_comments(text, "")
        for fid in (m.group() for m in cite_re.finditer(text)):
            out.append((line + 1, fid))
    return cache.put("cites", rel, (fd,), out)


# ------------------------------------------------------------------ the report


def _report(diags: list[Diagnostic], site: Site, project: Project, unreadable: set[str], link_gen: int) -> Report:
    """Severity, waivers, display paths and the baseline, applied once, to new diagnostics (the cached
    ones stay as the rules made them)."""
    from . import rules, waivers

    opts = project.options
    sev = dict(rules.DEFAULT_SEVERITY)
    sev.update(opts.severity)
    prefix = project.docs_prefix
    # a diagnostic may carry its own default severity (code-ref's freshness notes are info): "off" still wins
    out = [Diagnostic(d.path if d.extra.get("root_path") else prefix + d.path, d.line, d.rule, d.message, d.hint,
                      _severity(sev.get(d.rule, "error"), d.extra), d.column, d.requirement, d.contract)
            for d in diags]
    feats = site.features
    # only docs that can hold a waiver (waivers.apply's own test): it builds a set of keys for every doc it is given
    waivers.apply(out, {rel: fd for rel, fd in feats.items() if fd.doc.comments or (isinstance(fd.doc.front_matter, dict)
                                                                                   and "waive" in fd.doc.front_matter)},
                  site.sessions, project.today, sev["waiver"], prefix)
    if project.baseline is not None:
        waivers.apply_baseline(out, project.baseline)
    out.sort(key=Diagnostic.sort_key)
    by_path: dict[str, list[Diagnostic]] = {}
    for d in out:
        by_path.setdefault(d.path, []).append(d)
    return Report(out, feats, site.registry, site.sessions, site.defined, unreadable, site.contracts, site.finding_registry,
                  prefix, by_path, link_gen)
