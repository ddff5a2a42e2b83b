"""The core entry point: validate(project) -> Report. Imports nothing from MkDocs.

A ``Checker`` keeps parsed documents keyed by content hash, so that a serve
rebuild re-scans only the files that changed while cross-doc results (link
targets, IDs, findings on feature pages) are recomputed from the cache.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import crossdoc
from .markdown import scan, sub_comments
from .model import features, findings, waivers
from .model.contracts import ContractSet, load_contracts
from .model.diagnostics import DEFAULT_SEVERITY, Diagnostic
from .model.options import Options, matches_any

MAX_BYTES = 20 * 1024 * 1024
# What MkDocs reads as pages (mkdocs.utils.markdown_extensions): a page it cannot decode kills the build.
MARKDOWN_EXTENSIONS = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
_INLINE_COMMENT = re.compile(r"<!--.*?-->")
_CITE_HINT = re.compile(r"-[0-9]|<!--")


@dataclass
class Source:
    rel: str  # docs-relative, forward slashes
    abs: str
    text: str | None = None
    error: tuple[str, str] | None = None  # (message, hint)
    digest: str = ""
    error_line: int = 0  # where the error is, when it has a line (0 = the file as a whole)


def read_source(abs_path: str, rel: str) -> Source:
    """Read a Markdown file as UTF-8 (BOM allowed). Never raises, never blocks on a FIFO or device."""
    try:
        st = os.stat(abs_path)
        if not stat.S_ISREG(st.st_mode):
            return Source(rel, abs_path, error=(f"not a regular file ({_kind(st.st_mode)})", "replace it with a Markdown file"))
        if st.st_size > MAX_BYTES:
            return Source(rel, abs_path, error=(f"file is {st.st_size // (1024 * 1024)} MB, over the {MAX_BYTES // (1024 * 1024)} MB limit", "split the page"))
        with open(abs_path, "rb") as f:
            data = f.read()
    except OSError as e:
        return Source(rel, abs_path, error=(f"cannot read file: {e.strerror or e}", "check permissions and symlinks"))
    return decode(data, rel, abs_path)


def decode(data: bytes, rel: str, abs_path: str = "") -> Source:
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return Source(rel, abs_path, error=("file is UTF-16, not UTF-8", "re-save it as UTF-8"), digest=digest)
    if b"\x00" in data[:8192]:
        return Source(rel, abs_path, error=("file is binary (it contains NUL bytes), not Markdown", "remove it or rename it"), digest=digest)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return Source(rel, abs_path, error=(f"byte 0x{data[e.start]:02x} at offset {e.start} is not valid UTF-8", "re-save the file as UTF-8"),
                      digest=digest, error_line=line)
    if text.startswith("\ufeff"):
        text = text[1:]
    return Source(rel, abs_path, text=text, digest=digest)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: in ASCII-heavy text every other byte is NUL."""
    head = data[:512]
    if len(head) < 4:
        return False
    for zeros in (head[1::2], head[0::2]):  # little endian, big endian
        if zeros.count(0) >= 0.9 * len(zeros) and head.count(0) <= len(head) // 2 + 1:
            return True
    return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _is_markdown(rel: str) -> bool:
    return rel.endswith(MARKDOWN_EXTENSIONS)


def check_other_file(abs_path: str) -> str | None:
    """Why MkDocs could not copy a non-Markdown file (dangling link, FIFO, ...), or None. Never raises.

    A path that is not in docs_dir at all (a theme file MkDocs lists among the site's files) is fine.
    """
    try:
        os.lstat(abs_path)
    except (OSError, ValueError):
        return None
    try:
        st = os.stat(abs_path)
    except OSError as e:
        if os.path.islink(abs_path):
            try:
                target = os.readlink(abs_path)
            except OSError:
                target = "?"
            return f"dangling symbolic link to {target!r}: {e.strerror or e}"
        return f"cannot read file: {e.strerror or e}"
    if not stat.S_ISREG(st.st_mode):
        return f"not a regular file ({_kind(st.st_mode)})"
    return None


def symlink_loops(docs_dir: str, dirs) -> dict[str, str]:
    """Docs-relative folders that are symbolic links back to one of their own ancestors -> that ancestor ('' = docs_dir).

    MkDocs follows such a link until the path is too long, then dies copying a file; the
    folders (and every file under them) are left out instead. Never raises.
    """
    real: dict[str, str] = {"": os.path.realpath(docs_dir)}
    loops: dict[str, str] = {}
    for d in sorted((d for d in dirs if d), key=lambda d: (d.count("/"), d)):
        parent = posixpath.dirname(d)
        if parent not in real:  # under a loop (or its parent was not listed)
            if any(parent == lp or parent.startswith(lp + "/") for lp in loops):
                continue
            real[parent] = os.path.realpath(os.path.join(docs_dir, parent))
        abs_d = os.path.join(docs_dir, d)
        if os.path.islink(abs_d):
            r = os.path.realpath(abs_d)
            a = parent
            while True:
                if real.get(a) == r:
                    loops[d] = a
                    break
                if not a:
                    break
                a = posixpath.dirname(a)
            if d in loops:
                continue
            real[d] = r
        else:
            real[d] = real[parent].rstrip("/") + "/" + posixpath.basename(d)
    return loops


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


class Checker:
    """Validates a docs tree; keep one across serve rebuilds."""

    def __init__(self, root: str, docs_dir: str, options: Options, contracts: ContractSet | None = None):
        self.root = os.path.abspath(root)
        self.docs_dir = os.path.abspath(docs_dir)
        self.options = options
        prefix = os.path.relpath(self.docs_dir, self.root).replace(os.sep, "/")
        self.docs_prefix = "" if prefix == "." else (prefix + "/" if not prefix.startswith("..") else self.docs_dir.replace(os.sep, "/") + "/")
        contracts_dir = os.path.join(self.root, options.contracts_dir) if options.contracts_dir else None
        self.contracts = contracts or load_contracts(contracts_dir, self.root)
        self.registry_types, self.registry_problems = findings.make_registry(options.finding_types, options.id_pattern)
        self._stamp = self._contracts_stamp()
        self.today = None  # datetime.date for waiver expiry; None = today
        self.config_name = "mkdocs.yml"
        self.baseline: set[str] | None = None
        self._cache: dict[str, tuple[str, object]] = {}  # rel -> (digest, FeatureDoc | Session | ScannedDoc)
        self._stat: dict[str, tuple[int, int, Source]] = {}
        # serve: per-file results reused while the file (and, for links, what they resolve against) is unchanged
        self._kinds: dict[str, str | None] = {}
        self._cites: dict[str, tuple[object, list[tuple[int, str]]]] = {}
        self._links: dict[str, tuple[object, int, list[Diagnostic]]] = {}
        self._link_env: tuple | None = None
        self._link_gen = 0
        self._dirs: tuple | None = None  # (files, their folders, Markdown files, other files) of the last run
        self._registry: tuple | None = None  # (rel -> ID, registry, its duplicate-ID diagnostics) of the last run
        # False for a one-shot run (mkdocs build): a feature doc's lines shrink to the first few once checked
        self.keep_lines = True

    def _contracts_stamp(self):
        d = self.options.contracts_dir
        if not d:
            return None
        folder = os.path.join(self.root, d)
        try:
            return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(folder)))
        except OSError:
            return ()

    def reload_contracts_if_changed(self) -> None:
        """Serve: pick up edited user contracts (and re-check every doc against them)."""
        stamp = self._contracts_stamp()
        if stamp != getattr(self, "_stamp", None):
            if hasattr(self, "_stamp"):
                contracts_dir = os.path.join(self.root, self.options.contracts_dir) if self.options.contracts_dir else None
                self.contracts = load_contracts(contracts_dir, self.root)
                self._cache.clear()
                self._stat.clear()  # the texts were released after scanning: read them again
            self._stamp = stamp

    # -------------------------------------------------------------- input

    def _load_one(self, rel: str, sources: dict[str, Source] | None) -> Source:
        """Read one Markdown file, or reuse the last read while its size and mtime are the same."""
        if sources and rel in sources:
            return sources[rel]
        cached = self._stat.get(rel)
        abs_path = cached[2].abs if cached is not None else os.path.join(self.docs_dir, rel)
        try:
            st = os.stat(abs_path)
            key = (st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        if key is not None and cached is not None and cached[:2] == key:
            return cached[2]
        src = read_source(abs_path, rel)
        if key is not None:
            self._stat[rel] = (key[0], key[1], src)
        return src

    def is_feature(self, rel: str) -> bool:
        o = self.options
        return matches_any(rel, o.features) and not matches_any(rel, o.exclude) and not matches_any(rel, o.sessions)

    def is_session(self, rel: str) -> bool:
        return matches_any(rel, self.options.sessions)

    # -------------------------------------------------------------- run

    def run(self, all_files, sources: dict[str, Source] | None = None) -> Report:
        """Validate. ``all_files``: every docs-relative path in the site (for link targets)."""
        opts = self.options
        files = set(all_files)
        diags: list[Diagnostic] = []
        unreadable: set[str] = set()
        if self._dirs is not None and self._dirs[0] == files:  # serve: the same files as last time
            _files, dirs, md_all, others = self._dirs
        else:
            dirs = crossdoc.all_dirs(files)
            md_all = sorted(f for f in files if _is_markdown(f))
            others = sorted(f for f in files if not _is_markdown(f))
            self._dirs = (files, dirs, md_all, others)
        loops = symlink_loops(self.docs_dir, dirs)
        if loops:
            for d, ancestor in sorted(loops.items()):
                inside = {f for f in files if f.startswith(d + "/")}
                unreadable |= inside
                diags.append(Diagnostic(d, 0, "read-error", f"symbolic link loop: {d} leads back to {ancestor or 'docs_dir'}",
                                        "remove or retarget the link; the files reached through it are left out of the site"))
        md = [f for f in md_all if f not in unreadable] if unreadable else md_all
        for rel in others:
            if rel in unreadable or (sources and rel in sources):
                continue
            problem = check_other_file(os.path.join(self.docs_dir, rel))
            if problem:
                unreadable.add(rel)
                diags.append(Diagnostic(rel, 0, "read-error", problem, "fix or remove it; the file is left out of the site"))
        feats: dict[str, features.FeatureDoc] = {}
        sessions: list[findings.Session] = []
        for rel in md:  # one file at a time: its text is dropped once parsed (a site's texts at once cost ~4x its size)
            src = self._load_one(rel, sources)
            if src.error:
                unreadable.add(rel)
                diags.append(Diagnostic(rel, src.error_line, "read-error", src.error[0], src.error[1] + "; the page is left out of the site"))
                continue
            kind = self._kinds.get(rel, 0)
            if kind == 0:
                kind = self._kinds[rel] = "feature" if self.is_feature(rel) else "session" if self.is_session(rel) else None
            if kind is None:  # read only to know that MkDocs can decode it
                if self._stat.get(rel, (0, 0, None))[2] is src:
                    src.text = None
                continue
            cached = self._cache.get(rel)
            if cached and cached[0] == src.digest and type(cached[1]).__name__ == ("FeatureDoc" if kind == "feature" else "Session"):
                obj = cached[1]
            else:
                if src.text is None and src.error is None:  # released after an earlier scan; read it again
                    src = read_source(os.path.join(self.docs_dir, rel), rel)
                    self._stat.pop(rel, None)
                doc = scan(src.text or "")
                if kind == "feature":
                    obj = features.analyze(rel, doc, self.contracts, opts)
                    if not self.keep_lines:
                        self._cites_of(rel, obj)  # the last reader of every line
                        doc.lines = HeadLines(doc.lines, doc.fm_end + 8, os.path.join(self.docs_dir, rel))
                        doc.prose = bytes(doc.prose)  # one byte per line, read the same way (truthy or not)
                        for h in doc.headings:  # the same few names in every doc
                            h.text, h.norm = sys.intern(h.text), sys.intern(h.norm)
                else:
                    obj = findings.parse_session(rel, doc, self.registry_types, opts.id_pattern)
                    findings.check_session(obj, self.registry_types)
                    if doc.fm_error:
                        obj.diagnostics.append(Diagnostic(rel, doc.fm_error[0], "front-matter", doc.fm_error[1],
                                                          "fix the YAML between the --- lines; MkDocs would silently ignore it"))
                self._cache[rel] = (src.digest, obj)
                st = self._stat.get(rel)
                if st is not None and st[2] is src:
                    src.text = None  # the parsed doc is kept instead; the text would double the memory
            if kind == "feature":
                feats[rel] = obj
                if obj.pending_related:
                    crossdoc.reset_related(obj)
            else:
                sessions.append(obj)
            if obj.diagnostics:
                diags.extend(d.fresh() for d in obj.diagnostics)
        # forget deleted files
        for rel in list(self._cache):
            if rel not in files:
                del self._cache[rel]
                self._stat.pop(rel, None)
                self._links.pop(rel, None)
                self._cites.pop(rel, None)

        ids = {rel: fd.id for rel, fd in feats.items()}
        memo = self._registry
        if memo is not None and memo[0] == ids and all(feats.get(d.path) is fd for d, fd in memo[2]):
            # serve: no ID changed, no doc came or went, no doc with a duplicate ID changed (its diagnostic has a line)
            registry, dup = memo[1], [d.fresh() for d, _fd in memo[2]]
        else:
            registry, dup = crossdoc.build_registry(feats)
            self._registry = (ids, registry, [(d.fresh(), feats[d.path]) for d in dup])
        diags.extend(dup)
        readable = files - unreadable
        link_env = (readable, dirs, unreadable, registry, ids)
        if link_env != self._link_env:
            self._link_env = link_env
            self._link_gen += 1
        for rel, fd in feats.items():
            self._check_links(rel, fd, readable, dirs, feats, registry, diags, unreadable)
            if fd.pending_related:
                crossdoc.check_related(fd, feats, registry, opts.id_pattern, diags)
        for s in sessions:
            self._check_links(s.rel, s, readable, dirs, feats, registry, diags, unreadable)

        reg = self.registry_types
        defined = findings.truth(sessions, reg)
        for s in sessions:
            findings.check_attention(s, reg, defined, diags)
        diags.extend(findings.check_duplicates(sessions))
        diags.extend(findings.check_features_of_findings(sessions, registry))
        src_root = os.path.join(self.root, opts.source_root) if opts.source_root else None
        diags.extend(findings.check_source_refs(sessions, src_root, opts.source_root or ""))
        for rel, fd in feats.items():
            for line, fid in self._cites_of(rel, fd):
                if fid not in defined:
                    diags.append(Diagnostic(rel, line, "unknown-finding", f"{fid} is cited but no session file defines it",
                                            "fix the ID, or add the finding to a session file"))

        # severities, waivers, paths
        sev = dict(DEFAULT_SEVERITY)
        sev.update(opts.severity)
        for d in diags:
            d.severity = sev.get(d.rule, "error")
        # only docs that can hold a waiver (waivers.apply's own test): it builds a set of keys for every doc it is given
        waivers.apply(diags, {rel: fd for rel, fd in feats.items() if fd.doc.comments or (isinstance(fd.doc.front_matter, dict)
                                                                                      and "waive" in fd.doc.front_matter)},
                      sessions, self.today, sev["waiver"])
        prefix = self.docs_prefix
        for d in diags:
            d.path = prefix + d.path
        for p in self.contracts.problems:
            diags.append(Diagnostic(p.file, p.line, "contract", p.message, p.hint, severity=sev["contract"]))
        for msg in self.registry_problems:
            diags.append(Diagnostic(self.config_name, 0, "contract", f"option 'finding_types': {msg}", "see the findings docs",
                                    severity=sev["contract"]))
        if self.baseline is not None:
            waivers.apply_baseline(diags, self.baseline)
        diags.sort(key=Diagnostic.sort_key)
        by_path: dict[str, list[Diagnostic]] = {}
        for d in diags:
            by_path.setdefault(d.path, []).append(d)
        return Report(diags, feats, registry, sessions, defined, unreadable, self.contracts, reg, prefix, by_path)


    @property
    def link_gen(self) -> int:
        """Changes whenever the files, folders, unreadable files or feature IDs that links resolve against do."""
        return self._link_gen

    def forget(self) -> None:
        """Drop the per-file caches (a one-shot build keeps no Checker state after its only run)."""
        self._cache.clear()
        self._stat.clear()
        self._links.clear()
        self._cites.clear()
        self._kinds.clear()
        self._link_env = None
        self._dirs = None
        self._registry = None

    def _check_links(self, rel, obj, readable, dirs, feats, registry, diags, unreadable) -> None:
        """crossdoc.check_links, reusing the last result while neither the doc nor anything its links resolve against changed."""
        hit = self._links.get(rel)
        if hit is not None and hit[0] is obj and hit[1] == self._link_gen:
            out = hit[2]
        else:
            out = []
            crossdoc.check_links(rel, obj.doc, readable, dirs, feats, registry, self.options.id_pattern, out, unreadable)
            self._links[rel] = (obj, self._link_gen, out)
        if out:
            diags.extend(d.fresh() for d in out)  # the cached ones stay pristine (run() sets severity and path)

    def _cites_of(self, rel: str, fd) -> list[tuple[int, str]]:
        """(line, finding ID) of every finding ID a feature doc cites in its prose; computed once per parsed doc."""
        hit = self._cites.get(rel)
        if hit is not None and hit[0] is fd:
            return hit[1]
        doc = fd.doc
        cite_re = self.registry_types.cite_re
        prose = doc.prose
        lines = [t if "-" in t and prose[i] else "" for i, t in enumerate(doc.lines)]
        # A cited ID ends in -NNN, so only a line with a dash before a digit (or a comment, whose removal
        # could join one) can hold one: find those lines in one pass, not with a regex call per line.
        blob = "\n".join(lines)
        out = []
        line = last = 0
        seen = -1
        for m in _CITE_HINT.finditer(blob):
            line += blob.count("\n", last, m.start())
            last = m.start()
            if line == seen:
                continue
            seen = line
            text = lines[line]
            if "<!--" in text:  # an inline comment is not rendered: IDs in it are not cited
                text = sub_comments(text, "")
            for fid in cite_re.findall(text):
                out.append((line + 1, fid))
        self._cites[rel] = (fd, out)
        return out


class HeadLines(Sequence):
    """A checked doc's lines, of which only the first ``keep`` stay in memory; reads as the list it replaces
    (the rest is read again from the file on demand). For one-shot runs, where nothing reads past the front."""

    __slots__ = ("_n", "_head", "_path")

    def __init__(self, lines, keep: int, path: str):
        self._n = len(lines)
        self._head = list(lines[:keep])
        self._path = path

    def _all(self) -> list[str]:
        lines = scan(read_source(self._path, "").text or "").lines
        return lines if len(lines) == self._n else self._head + [""] * (self._n - len(self._head))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        head = self._head
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            return head[start:stop] if step == 1 and stop <= len(head) else self._all()[i]
        if -self._n <= i < 0:
            i += self._n
        return head[i] if 0 <= i < len(head) else self._all()[i]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other):
        return self._all() == (other._all() if isinstance(other, HeadLines) else other)

    __hash__ = None  # type: ignore[assignment]


def release_for_render(checker: Checker, rep: Report, keep_headings: bool) -> None:
    """A build checks once: free what rendering never reads, before MkDocs fills memory with pages.

    Feature docs keep their identity, results and H1 (all their headings when a banner needs them); their
    lines shrink to the first few (the rest is read again from the file if anything asks); links, fences,
    comments, prose and sections go. Serve keeps it all."""
    checker.forget()
    for rel, fd in rep.features.items():
        doc = fd.doc
        if not isinstance(doc.lines, HeadLines):
            doc.lines = HeadLines(doc.lines, doc.fm_end + 8, os.path.join(checker.docs_dir, rel))
        for name in ("fences", "links", "comments", "prose", "ref_defs", "html_blocks"):
            if hasattr(doc, name):
                setattr(doc, name, _Released(name))
        doc._sections = _Released("sections")
        if not keep_headings:
            h1 = doc.h1
            doc.headings = [h1] if h1 is not None else []  # doc.h1 still answers


class _Released:
    """Stands for a part of a parsed doc freed by _release_for_render: any use fails loudly, never silently."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def _fail(self, *_a, **_k):
        raise RuntimeError(f"ScannedDoc.{self.name} is released after the check of a build (read it in on_files)")

    __iter__ = __len__ = __getitem__ = __contains__ = __bool__ = _fail



def walk_docs(docs_dir: str) -> list[str]:
    """Every file under docs_dir as MkDocs sees it (dot-files and dot-folders left out); symlink loops are safe.

    A folder that links back to one of its ancestors is not descended into, but its own files are
    listed (as MkDocs lists them), so that Checker.run reports the loop and leaves them out of the site.
    A folder reached twice through different links (no loop) is walked once.
    """
    out = []
    root = os.path.abspath(docs_dir)
    seen_dirs: set[str] = set()
    chains: dict[str, frozenset] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        parent = chains.get(os.path.dirname(dirpath), frozenset())
        looped = real in parent
        if not looped and real in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        chains[dirpath] = parent | {real}
        dirnames[:] = [] if looped else sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for fn in filenames:
            if fn.startswith("."):
                continue
            rel = fn if rel_dir == "." else posixpath.join(rel_dir, fn)
            out.append(rel)
    return sorted(out)
