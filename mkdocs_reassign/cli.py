"""mkdocs-reassign: the command-line twin of the plugin. It never builds the site.

Exit codes: 0 clean, 1 diagnostics at error level (or stale tables for fix --check),
2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- config


def _config_loader():
    import yaml

    from .yamlutil import _Base

    class Loader(_Base):  # tolerant of MkDocs' tags (!ENV, !relative, !!python/name:...)
        pass

    def any_tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", any_tag)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", any_tag)
    return Loader


def find_config(path: str | None) -> str:
    if path:
        if not os.path.isfile(path):
            raise UsageError(f"config file {path!r} does not exist")
        return path
    for name in CONFIG_NAMES:
        if os.path.isfile(name):
            return name
    raise UsageError("no mkdocs.yml (or properdocs.yml) here; pass -f PATH")


def load_project(config_path: str):
    """Read docs_dir and the reassign plugin options from mkdocs.yml without MkDocs."""
    import yaml

    from .options import OptionError, validate

    try:
        with open(config_path, encoding="utf-8-sig") as f:
            data = yaml.load(f, Loader=_config_loader())  # noqa: S506 - a SafeLoader subclass
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {config_path}: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise UsageError(f"{config_path}{line}: invalid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{config_path}: expected a mapping at the top level")
    root = os.path.dirname(os.path.abspath(config_path))
    docs_dir = os.path.join(root, str(data.get("docs_dir") or "docs"))
    raw_opts = None
    found = False
    plugins = data.get("plugins")
    items = plugins.items() if isinstance(plugins, dict) else ((p, None) if isinstance(p, str) else next(iter(p.items()), (None, None)) for p in plugins or [] if isinstance(p, (str, dict)))
    for name, opts in items:
        if isinstance(name, str) and name.lstrip("/").split("/")[-1] == "reassign":
            found = True
            raw_opts = opts
            break
    try:
        options = validate(raw_opts if isinstance(raw_opts, dict) else {})
    except OptionError as e:
        raise UsageError(f"{config_path}: plugin reassign: {e}") from None
    if not os.path.isdir(docs_dir):
        raise UsageError(f"{config_path}: docs_dir {docs_dir!r} is not a folder")
    return root, docs_dir, options, found


def make_checker(args):
    from .project import Checker

    config_path = find_config(args.config_file)
    root, docs_dir, options, found = load_project(config_path)
    if not found and not getattr(args, "quiet", False):
        print(f"note: plugin 'reassign' is not listed in {config_path}; using default options", file=sys.stderr)
    checker = Checker(root, docs_dir, options)
    checker.config_name = os.path.relpath(config_path, root).replace(os.sep, "/")
    baseline = getattr(args, "baseline", None) or (os.path.join(root, options.baseline) if options.baseline else None)
    if baseline and getattr(args, "command", "") == "check":
        from .waivers import read_baseline

        try:
            checker.baseline = read_baseline(baseline)
        except ValueError as e:
            raise UsageError(str(e)) from None
    return checker


def _run(checker):
    from .project import walk_docs

    return checker.run(walk_docs(checker.docs_dir))


# ---------------------------------------------------------------- commands


def cmd_check(args) -> int:
    from .diagnostics import at_least
    from .report import FORMATS

    checker = make_checker(args)
    rep = _run(checker)
    diags = rep.diagnostics
    if args.paths:
        wanted = [os.path.relpath(os.path.abspath(p), checker.root).replace(os.sep, "/").rstrip("/") for p in args.paths]
        diags = [d for d in diags if any(d.path == w or d.path.startswith(w + "/") or w == "." for w in wanted)]
    n_files = len(rep.features) + len(rep.sessions)
    out = FORMATS[args.format](diags, n_files)
    if args.output:
        from .report import atomic_write

        atomic_write(args.output, out)
    else:
        sys.stdout.write(out)
    threshold = "warning" if args.strict else "error"
    failing = [d for d in diags if not d.waived and d.severity != "off" and at_least(d.severity, threshold)]
    return 1 if failing else 0


def cmd_baseline(args) -> int:
    from .waivers import write_baseline

    checker = make_checker(args)
    rep = _run(checker)
    out = args.output or (os.path.join(checker.root, checker.options.baseline) if checker.options.baseline else os.path.join(checker.root, ".reassign-baseline.json"))
    n = write_baseline(out, rep.diagnostics)
    print(f"wrote {n} diagnostic(s) to {os.path.relpath(out)}")
    return 0


def cmd_fix(args) -> int:
    from .fix import fix_tables

    checker = make_checker(args)
    rep = _run(checker)
    changed, problems = fix_tables(checker, rep, check_only=args.check)
    for p in problems:
        print(p, file=sys.stderr)
    for path in changed:
        print(("stale: " if args.check else "fixed: ") + path)
    if not changed and not problems:
        print("all attention tables are up to date")
    if problems:
        return 2
    return 1 if (args.check and changed) else 0


def cmd_new(args) -> int:
    from .scaffold import scaffold

    checker = make_checker(args)
    rep = _run(checker)
    path = scaffold(checker, rep, args.id, args.name, args.area, args.contract, args.slug)
    print(f"created {os.path.relpath(path)}")
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
    c.add_argument("paths", nargs="*", metavar="PATH", help="only report on these files or folders (the whole site is still read)")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("baseline", help="record today's diagnostics so that only new ones fail")
    common(b)
    b.add_argument("-o", "--output", metavar="FILE", help="baseline file (default: the baseline option, else .reassign-baseline.json)")
    b.set_defaults(func=cmd_baseline)

    f = sub.add_parser("fix", help="rewrite stale NEEDS YOUR ATTENTION tables in session files")
    common(f)
    f.add_argument("--check", action="store_true", help="change nothing; exit 1 when a table is stale (for pre-commit)")
    f.set_defaults(func=cmd_fix)

    n = sub.add_parser("new", help="scaffold a feature doc that meets its contract's structure")
    common(n)
    n.add_argument("id", help="feature ID, e.g. P7")
    n.add_argument("name", help='feature name, e.g. "Queue Overflow"')
    n.add_argument("--area", required=True, help="folder under features/, e.g. platform")
    n.add_argument("--contract", help="contract name (default: the one the ID or path selects)")
    n.add_argument("--slug", help="file name without .md (default: from the name)")
    n.set_defaults(func=cmd_new)
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
        print(f"mkdocs-reassign: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
