"""mkdocs-reassign: the command-line twin of the plugin. It never builds the site.

Exit codes: 0 clean, 1 diagnostics at error level (or something to rewrite for fix --check),
2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys

from . import __version__
from .commands import UsageError
from .startup import dataclass

# Without -f, the first of these in the current folder: ProperDocs' own order (properdocs.yml before mkdocs.yml)
CONFIG_NAMES = ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")
FIX_TRIES = 5  # fix: how many times a file changed by someone else during the run is checked and fixed again


# ---------------------------------------------------------------- config


def _config_loader():
    """The mkdocs.yml loader: the bounded safe loader base of markdown.yamlutil, MkDocs' own ``!ENV``
    (pyyaml-env-tag, a dependency of MkDocs) and tolerance of its other tags (!relative, !!python/name:...)."""
    import yaml
    from yaml_env_tag import construct_env_tag

    from .markdown.yamlutil import _Base

    class Loader(_Base):
        pass

    def any_tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_constructor("!ENV", construct_env_tag)
    Loader.add_multi_constructor("!", any_tag)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", any_tag)
    return Loader


def _merge(parent, child):
    """mergedeep's REPLACE strategy, as MkDocs applies it to INHERIT: mappings merge, the rest is replaced."""
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for k, v in child.items():
            out[k] = _merge(parent[k], v) if k in parent else v
        return out
    return child


MAX_INHERIT = 10  # files in one INHERIT chain


def _config_text(config_path: str) -> str:
    """The file's text, read only when it is a regular file and at most the size cap plus one byte."""
    from .markdown.yamlutil import MAX_CONFIG_BYTES

    try:
        fd = os.open(config_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise UsageError(f"{config_path}: not a regular file")
            data = f.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise UsageError(f"{config_path}:1: the file is larger than {MAX_CONFIG_BYTES // 1_000_000} MB")
        return data.decode("utf-8-sig")
    except OSError as e:
        raise UsageError(f"cannot read {config_path}: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UsageError(f"{config_path}:{line}: not UTF-8 text (byte {data[e.start]:#04x})") from None


def _read_config(config_path: str, seen: tuple = ()) -> tuple[dict, dict[str, str]]:
    """(the merged configuration, top-level key -> "file:line" where its value was written)."""
    from .markdown import yamlutil

    real = os.path.realpath(config_path)
    if real in seen:
        raise UsageError(f"{config_path}: INHERIT loops back to itself")
    if len(seen) >= MAX_INHERIT:
        raise UsageError(f"{config_path}: INHERIT chain is longer than {MAX_INHERIT} files (shorten it)")
    text = _config_text(config_path)
    try:
        data, lines = yamlutil.load_config(text, _config_loader())
    except yamlutil.YamlProblem as p:
        raise UsageError(f"{config_path}:{p.line}: {p.message}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{config_path}:1: expected a mapping at the top level")
    where = {str(k): f"{config_path}:{lines.get(str(k), 1)}" for k in data}
    parent = data.pop("INHERIT", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise UsageError(f"{where['INHERIT']}: INHERIT must be the path of a file")
        parent_path = os.path.normpath(os.path.join(os.path.dirname(config_path), parent))
        if not os.path.isfile(parent_path):
            raise UsageError(f"{where['INHERIT']}: INHERIT file {parent!r} does not exist")
        base, base_where = _read_config(parent_path, (*seen, real))
        data, where = _merge(base, data), {**base_where, **where}
    return data, where


def find_config(path: str | None) -> str:
    if path:
        if not os.path.isfile(path):
            raise UsageError(f"config file {path!r} does not exist")
        return path
    for name in CONFIG_NAMES:
        if os.path.isfile(name):
            return name
    raise UsageError("no mkdocs.yml (or properdocs.yml) here; pass -f PATH")


@dataclass
class ConfigFile:
    """What the CLI reads from mkdocs.yml (or properdocs.yml): no MkDocs involved."""

    config_path: str
    root: str
    docs_dir: str
    options: object  # options.Options
    plugin_listed: bool
    exclude_docs: str | None = None
    plugin_enabled: bool = True  # the plugin's `enabled:` (false: MkDocs skips it; check still runs, with a note)


def load_project(config_path: str) -> ConfigFile:
    """Read docs_dir and the reassign plugin options from mkdocs.yml without MkDocs."""
    from .options import OptionError, validate

    data, where = _read_config(config_path)
    for key in ("docs_dir", "exclude_docs"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise UsageError(f"{where[key]}: {key} must be a string, got {type(data[key]).__name__}")
    root = os.path.dirname(os.path.abspath(config_path))
    docs_dir = os.path.join(root, data.get("docs_dir") or "docs")
    raw_opts = None
    found = False
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        items = list(plugins.items())
    elif isinstance(plugins, list):
        items = []
        for p in plugins:
            if isinstance(p, str):
                items.append((p, None))
            elif isinstance(p, dict) and p:
                items.append(next(iter(p.items())))
    else:
        items = []
    for name, opts in items:
        if isinstance(name, str) and name.lstrip("/").split("/")[-1] == "reassign":
            found = True
            raw_opts = opts
            break
    at = where.get("plugins", config_path)
    if raw_opts is not None and not isinstance(raw_opts, dict):
        raise UsageError(f"{at}: plugin reassign: expected a mapping of options, got {type(raw_opts).__name__}")
    try:
        options = validate(raw_opts or {})
    except OptionError as e:
        raise UsageError(f"{at}: plugin reassign: {e}") from None
    if not os.path.isdir(docs_dir):
        raise UsageError(f"{config_path}: docs_dir {docs_dir!r} is not a folder")
    enabled = (raw_opts or {}).get("enabled", True) is not False
    return ConfigFile(config_path, root, docs_dir, options, found, data.get("exclude_docs"), enabled)


def site_files(docs_dir: str, exclude_docs=None) -> list[str]:
    """The docs files MkDocs would put in the site: its default exclusions (dot-files,
    /templates/), the config's exclude_docs, and README.md when index.md sits beside it."""
    from .sources import walk_docs

    files = walk_docs(docs_dir)
    lines = [".*", "/templates/"] + (str(exclude_docs).splitlines() if exclude_docs else [])
    try:
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        files = [f for f in files if not spec.match_file(f)]
    except ImportError:  # pragma: no cover - pathspec comes with MkDocs
        files = [f for f in files if not f.startswith("templates/")]
    present = set(files)
    out = []
    for f in files:
        folder, _, name = f.rpartition("/")
        if name == "README.md" and ((folder + "/index.md") if folder else "index.md") in present:
            continue
        out.append(f)
    return out


@dataclass
class Run:
    """One command's project, its cache (fix asks which content was checked) and its files."""

    project: object  # engine.Project
    cache: object  # cache.Cache
    exclude_docs: str | None

    def validate(self):
        from .engine import validate

        return validate(site_files(self.project.docs_dir, self.exclude_docs), self.project, self.cache)


def make_run(args) -> Run:
    from .cache import Cache
    from .engine import Project

    config_path = find_config(args.config_file)
    conf = load_project(config_path)
    root, options = conf.root, conf.options
    if not conf.plugin_listed and not getattr(args, "quiet", False):
        _say(f"note: plugin 'reassign' is not listed in {config_path}; using default options")
    if not conf.plugin_enabled and not getattr(args, "quiet", False):
        _say(f"note: plugin 'reassign' has enabled: false in {config_path} (MkDocs skips it); checking anyway")
    baseline = None
    if getattr(args, "command", "") == "check":
        path = getattr(args, "baseline", None) or (os.path.join(root, options.baseline) if options.baseline else None)
        if path:
            from .waivers import read_baseline

            try:
                baseline = read_baseline(path)
            except ValueError as e:
                raise UsageError(str(e)) from None
    project = Project(root, conf.docs_dir, options, os.path.relpath(config_path, root).replace(os.sep, "/"), baseline)
    return Run(project, Cache(), conf.exclude_docs)


# ---------------------------------------------------------------- commands


def _path_filter(root: str, paths: list[str]):
    """Project-relative prefixes for PATH arguments (relative to the current folder)."""
    wanted = []
    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"PATH {p!r} does not exist")
        rel = os.path.relpath(os.path.abspath(p), root).replace(os.sep, "/")
        if rel == ".":
            return None  # the whole project
        if rel.startswith("../"):
            rel = os.path.abspath(p).replace(os.sep, "/")
        wanted.append(rel.rstrip("/"))
    return wanted


def _say(text: str, stream=None) -> None:
    """One line for a person or a CI log: nothing from a file or a path can break it, start a new one
    (a GitHub ``::error`` workflow command) or fail to encode."""
    from .model.diagnostics import one_line

    line = one_line(str(text))
    print(("./" if line.startswith("::") else "") + line, file=stream or sys.stderr)


def _emit(out: str, fmt: str) -> None:
    """Machine formats are UTF-8 whatever the console's encoding; text degrades gracefully."""
    buf = getattr(sys.stdout, "buffer", None)
    if fmt != "text" and buf is not None:
        sys.stdout.flush()
        buf.write(out.encode("utf-8"))
        buf.flush()
        return
    try:
        sys.stdout.write(out)
    except UnicodeEncodeError:
        enc = sys.stdout.encoding or "ascii"
        sys.stdout.write(out.encode(enc, "replace").decode(enc))
    sys.stdout.flush()


def cmd_check(args) -> int:
    from .model.diagnostics import at_least
    from .output.formats import FORMATS

    if args.list_rules:  # the catalogue needs no project: no config file is read
        if args.format not in ("text", "json"):
            raise UsageError("--list-rules prints --format text or json")
        from .output.formats import rules_table

        out = rules_table(args.format)
        if args.output:
            _write_output(args.output, out)
        else:
            _emit(out, args.format)
        return 0
    run = make_run(args)
    wanted = _path_filter(run.project.root, args.paths) if args.paths else None
    rep = run.validate()
    diags = rep.diagnostics
    if wanted is not None:
        diags = [d for d in diags if any(d.path == w or d.path.startswith(w + "/") for w in wanted)]
    n_files = len(rep.features) + len(rep.sessions)
    out = FORMATS[args.format](diags, n_files, root=run.project.root)
    if args.output:
        _write_output(args.output, out)
    else:
        _emit(out, args.format)
    threshold = "warning" if args.strict else "error"
    failing = [d for d in diags if not d.waived and d.severity != "off" and at_least(d.severity, threshold)]
    return 1 if failing else 0


def _write_output(path: str, text: str) -> None:
    """``-o FILE``: see files.write_output; a refusal or a failed write is a usage error (exit 2)."""
    from .files import Refused, write_output

    try:
        write_output(path, text.encode("utf-8"))
    except Refused as e:
        raise UsageError(f"cannot write {path}: {e}") from None
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


def cmd_baseline(args) -> int:
    from .files import Refused, inside
    from .waivers import write_baseline

    run = make_run(args)
    opt = run.project.options.baseline
    out = args.output or os.path.join(run.project.root, opt or ".reassign-baseline.json")
    try:  # the baseline belongs to the project: never written outside the config file's folder
        real = inside(out, run.project.root, "the config file's folder")
    except Refused as e:
        raise UsageError(f"cannot write {out}: {e}") from None
    rep = run.validate()
    try:
        n = write_baseline(real, rep.diagnostics)
    except OSError as e:
        raise UsageError(f"cannot write {out}: {e.strerror or e}") from None
    _say(f"wrote {n} diagnostic(s) to {os.path.relpath(out)}", sys.stdout)
    if not opt and not args.output:
        _say(f"note: add 'baseline: {os.path.relpath(out, run.project.root)}' to the reassign plugin options, "
             "or pass --baseline to check")
    return 0


def cmd_fix(args) -> int:
    from .commands.fix import Retry, fix_code_refs, fix_decision_ids, fix_tables

    run = make_run(args)
    if args.code_refs and not run.project.options.source_root:
        raise UsageError("fix --code-refs needs the source_root option (the folder code references point into)")
    if getattr(args, "decision_ids", False):  # short references (Q1) in DECISIONS LOG rows -> finding IDs
        fix, nothing = fix_decision_ids, "no DECISIONS LOG row names a finding by a short reference that one finding matches"
    elif args.code_refs:
        fix, nothing = fix_code_refs, "no moved code references"
    else:
        fix, nothing = fix_tables, "all attention tables are up to date"
    done: list[str] = []
    for _ in range(FIX_TRIES):  # a file edited while fix ran: check again (the cache re-reads only what changed)
        rep = run.validate()
        changed, problems = fix(run.project, run.cache, rep, check_only=args.check)
        done += changed
        if args.check or not any(isinstance(p, Retry) for p in problems):
            break
    changed = done
    # a file the check could not read (a link out of docs_dir, a special file, bad UTF-8) was not looked at:
    # say so, or "up to date" would be claimed of a table nobody read
    problems = [*problems, *(f"{d.path}:{d.line}: not fixed: {d.message} ({d.hint})"
                             for d in rep.diagnostics if d.rule == "read-error" and run.project.is_session(d.path.removeprefix(run.project.docs_prefix)))]
    for p in problems:
        _say(p)
    for path in changed:
        _say(("stale: " if args.check else "fixed: ") + path, sys.stdout)
    if not changed and not problems:
        print(nothing)
    if problems:
        return 2
    return 1 if (args.check and changed) else 0


def cmd_new(args) -> int:
    from .commands.new import scaffold

    run = make_run(args)
    rep = run.validate()
    path = scaffold(run.project, rep, args.id, args.name, args.area, args.contract, args.slug)
    _say(f"created {os.path.relpath(path)}", sys.stdout)
    if not args.quiet:
        print("next: replace the TODOs, then run mkdocs-reassign check to see what the contract still asks for", file=sys.stderr)
    return 0


def cmd_explain(args) -> int:
    from .commands.explain import explain, find_doc, parse_target

    path, line = parse_target(args.target)
    run = make_run(args)
    rep = run.validate()
    fd = find_doc(run.project, rep, path)
    from .model.diagnostics import one_line

    text = explain(run.project, rep, fd, line)  # it quotes doc lines: each kept on its own line
    _emit("\n".join(one_line(ln) for ln in text.split("\n")), "text")
    return 0


def cmd_schema(args) -> int:
    """Print a shipped JSON Schema (no config file is read)."""
    from .jsonschemas import SCHEMAS, schema_text
    from .options import did_you_mean

    if args.list:
        width = max(map(len, SCHEMAS))
        _emit("".join(f"{n:<{width}}  {f:<24}  {what}\n" for n, (f, what) in SCHEMAS.items()), "text")
        return 0
    if not args.name:
        raise UsageError(f"schema: name one of {', '.join(SCHEMAS)} (or pass --list)")
    if args.name not in SCHEMAS:
        raise UsageError(f"unknown schema {args.name!r} ({did_you_mean(args.name, SCHEMAS)}known: {', '.join(SCHEMAS)})")
    _emit(schema_text(args.name), "json")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mkdocs-reassign", description="Check feature docs against their contracts without building the site.")
    p.add_argument("--version", action="version", version=f"mkdocs-reassign {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp):
        sp.add_argument("-f", "--config-file", metavar="FILE", help="mkdocs.yml or properdocs.yml (default: found in the current folder)")
        sp.add_argument("-q", "--quiet", action="store_true", help="no notes on stderr")

    c = sub.add_parser("check", help="check the docs; exit 1 on error-level diagnostics")
    common(c)
    c.add_argument("--format", choices=("text", "json", "github", "sarif", "junit"), default="text")
    c.add_argument("--baseline", metavar="FILE", help="diagnostics listed in this baseline file do not fail")
    c.add_argument("--strict", action="store_true", help="warnings fail too (like mkdocs build --strict)")
    c.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    c.add_argument("--list-rules", action="store_true",
                   help="print the rules (ID, scopes, default severity, summary, docs anchor) and exit; text or json")
    c.add_argument("paths", nargs="*", metavar="PATH", help="only report on these files or folders (the whole site is still read)")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("baseline", help="record today's diagnostics so that only new ones fail")
    common(b)
    b.add_argument("-o", "--output", metavar="FILE", help="baseline file (default: the baseline option, else .reassign-baseline.json)")
    b.set_defaults(func=cmd_baseline)

    f = sub.add_parser("fix", help="rewrite stale NEEDS YOUR ATTENTION tables in session files (--code-refs: moved code references)")
    common(f)
    f.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would change (for pre-commit)")
    f.add_argument("--code-refs", action="store_true",
                   help="renumber moved code references (rule code-ref) instead of attention tables; needs source_root")
    f.add_argument("--decision-ids", action="store_true",
                   help="instead of the tables: write the finding ID for a short reference (Q1) in a DECISIONS LOG row "
                        "when exactly one finding matches it")
    f.set_defaults(func=cmd_fix)

    n = sub.add_parser("new", help="scaffold a feature doc that meets its contract's structure")
    common(n)
    n.add_argument("id", help="feature ID, e.g. P7")
    n.add_argument("name", help='feature name, e.g. "Queue Overflow"')
    n.add_argument("--area", required=True, help="folder under features/, e.g. platform")
    n.add_argument("--contract", help="contract name (default: the one the ID or path selects)")
    n.add_argument("--slug", help="file name without .md (default: from the name)")
    n.set_defaults(func=cmd_new)

    e = sub.add_parser("explain", help="show, for each section and requirement of a doc's contract, what decided it")
    common(e)
    e.add_argument("target", metavar="PATH[:LINE]", help="a feature doc; with :LINE, only what the section holding that line decides")
    e.set_defaults(func=cmd_explain)

    s = sub.add_parser("schema", help="print a shipped JSON Schema (contract, front-matter, options) for editors and CI")
    s.add_argument("name", nargs="?", metavar="NAME", help="the schema to print; --list names them")
    s.add_argument("--list", action="store_true", help="list the schemas (name, file, what it validates)")
    s.set_defaults(func=cmd_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except UsageError as e:
        _say(f"mkdocs-reassign: error: {e}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # e.g. -o into a folder that does not exist
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        _say(f"mkdocs-reassign: error:{where}: {e.strerror or e}")
        return 2
    except Exception as e:  # no traceback reaches the user (MKDOCS_REASSIGN_DEBUG=1 shows it)
        if os.environ.get("MKDOCS_REASSIGN_DEBUG"):
            raise
        _say(f"mkdocs-reassign: internal error: {type(e).__name__}: {e} "
             "(please report it; MKDOCS_REASSIGN_DEBUG=1 shows the traceback)")
        return 2


if __name__ == "__main__":  # pragma: no cover
    # `python -m mkdocs_reassign.cli`: run the imported module's main, so that the
    # UsageError raised by the other modules (which import mkdocs_reassign.cli) is caught
    from mkdocs_reassign.cli import main as _main

    sys.exit(_main())
