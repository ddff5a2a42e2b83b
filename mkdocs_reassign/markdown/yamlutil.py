"""Safe YAML loading with line numbers, for front matter, contracts and config.

Anchors/aliases are refused (no alias bombs), duplicate keys are reported,
timestamps stay strings, and every error carries a 1-based line number.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..startup import rx

try:  # the C loader when PyYAML was built with libyaml
    _Base = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc,valid-type]
    pass


def _str_timestamp(loader, node):
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _str_timestamp)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _check_node(node: yaml.Node, to_line, budget: list[int], depth: int = 0) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(to_line(node.start_mark.line), f"YAML document is too large (more than {MAX_NODES:,} nodes)")
    if depth > MAX_DEPTH:
        raise YamlProblem(to_line(node.start_mark.line), f"YAML nesting is deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                line = to_line(k.start_mark.line)
                if k.value in seen:
                    raise YamlProblem(line, f"duplicate key {k.value!r} (first at line {seen[k.value]})")
                seen[k.value] = line
            _check_node(k, to_line, budget, depth + 1)
            _check_node(v, to_line, budget, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _check_node(v, to_line, budget, depth + 1)


_BRACKETS = rx(r"[\[\]{}]")
MAX_DEPTH = 100


def _refuse_deep_flow(text: str, first_line: int) -> None:
    """Refuse flow collections nested deeper than MAX_DEPTH before libyaml sees them.

    libyaml before PyYAML 6.0.4 takes quadratic time on ``[[[[...`` and crashes the
    interpreter (segmentation fault) at a few ten thousand levels, so depth cannot be
    left to the parser. Brackets are counted without regard to quoting: a false alarm
    needs more than 100 unclosed ``[``/``{`` in one front matter block.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + first_line
                raise YamlProblem(line, f"YAML nesting is deeper than {MAX_DEPTH} levels")
        elif depth:
            depth -= 1


MAX_NODES = 100_000
_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _refuse_huge(text: str, to_line) -> None:
    """Count nodes on the event stream and stop at MAX_NODES, before anything is composed.

    Composing a huge document first keeps every node alive at once (and lets the
    garbage collector walk them repeatedly); the event stream is dropped as it goes.
    A node takes at least two characters (``a,``), so shorter texts skip this pass.
    """
    if len(text) <= 2 * MAX_NODES:
        return
    loader = _Loader(text)
    try:
        count = 0
        while (event := loader.get_event()) is not None:
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_NODES:
                    raise YamlProblem(to_line(event.start_mark.line),
                                      f"YAML document is too large (more than {MAX_NODES:,} nodes)")
    except yaml.YAMLError:
        return  # the real parse below reports it with its line
    finally:
        loader.dispose()


_YAML_ONLY_BREAKS = rx("[\x85\u2028\u2029]")
_YAML_BREAKS = rx("\r\n|[\n\r\x85\u2028\u2029]")


def load(text: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """Load one YAML document. Return (data, top-level key -> line). Raise YamlProblem."""
    if _YAML_ONLY_BREAKS.search(text) is None:
        return _load(text, lambda line: line + first_line)
    # YAML also breaks lines at NEL, LS and PS, which are no line breaks in Markdown: map its line numbers
    ours = [first_line]  # YAML line index -> our line number
    newlines = 0
    for m in _YAML_BREAKS.finditer(text):
        newlines += m.group(0).endswith("\n")
        ours.append(first_line + newlines)
    return _load(text, lambda line: ours[min(max(line, 0), len(ours) - 1)])


def _load(text: str, to_line) -> tuple[Any, dict[str, int]]:
    """load(), with ``to_line(YAML's 0-based line)`` giving the file's line number."""
    _refuse_deep_flow(text, to_line(0))
    _refuse_huge(text, to_line)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.composer.ComposerError as e:  # aliases, several documents
            mark = e.problem_mark or e.context_mark
            msg = e.problem or "invalid YAML"
            if "found undefined alias" in msg or "alias" in (e.context or ""):
                msg = "YAML aliases are not allowed"
            raise YamlProblem(to_line(mark.line if mark else 0), msg) from None
        except yaml.MarkedYAMLError as e:
            raise _marked(e, to_line) from None
        except yaml.YAMLError as e:
            raise YamlProblem(to_line(0), f"invalid YAML: {e}") from None
        if node is None:
            return None, {}
        _refuse_aliases(text, node, to_line)
        _check_node(node, to_line, [MAX_NODES])
        return _construct(loader, node, to_line), _key_lines(node, to_line)
    finally:
        loader.dispose()


def _key_lines(node, to_line) -> dict[str, int]:
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            if isinstance(k, yaml.ScalarNode):
                key_lines[str(k.value)] = to_line(k.start_mark.line)
    return key_lines


def _marked(e: yaml.MarkedYAMLError, to_line) -> YamlProblem:
    mark = e.problem_mark or e.context_mark
    parts = [p for p in (e.context, e.problem) if p]
    return YamlProblem(to_line(mark.line if mark else 0), "invalid YAML: " + ", ".join(parts))


def _construct(loader, node, to_line):
    try:
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlProblem(to_line(mark.line if mark else 0), "invalid YAML: " + (e.problem or str(e))) from None
    except (yaml.YAMLError, TypeError, ValueError, RecursionError) as e:
        raise YamlProblem(to_line(0), f"invalid YAML: {e}") from None


def _refuse_aliases(text: str, node, to_line) -> None:
    # The composer resolves aliases to the anchored node object, so a node seen twice is an alias.
    seen: set[int] = set()
    stack = [node]
    while stack:
        cur = stack.pop()
        if id(cur) in seen:
            raise YamlProblem(_alias_line(text, to_line, to_line(cur.start_mark.line)), "YAML anchors and aliases are not allowed")
        seen.add(id(cur))
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(cur, yaml.SequenceNode):
            stack.extend(cur.value)


def _alias_line(text: str, to_line, default: int) -> int:
    """Line of the first alias (``*name``) in ``text``; the composed node only knows its anchor's line."""
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, yaml.AliasToken):
                return to_line(token.start_mark.line)
    except yaml.YAMLError:  # pragma: no cover - the text was already composed
        pass
    return default


def load_front_matter(text: str, first_line: int) -> tuple[Any, tuple[int, str] | None, dict[str, int]]:
    """Front matter text -> (data or None, (line, message) or None, key lines). Never raises."""
    try:
        data, key_lines = load(text, first_line)
    except YamlProblem as p:
        return None, (p.line, p.message), {}
    except RecursionError:
        return None, (first_line, "YAML nesting is too deep"), {}
    return data, None, key_lines


def line_of(text: str, path, first_line: int = 1) -> int:
    """Line of the YAML node at ``path`` (keys and indexes), best effort; first_line on failure."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return first_line
    line = node.start_mark.line if node is not None else 0
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    line = k.start_mark.line
                    node = v
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return min(line, text.count("\n")) + first_line  # (YAML also counts NEL, LS, PS as line breaks)


# ---------------------------------------------------------------- configuration (aliases allowed, bounded)


class ShapeProblem(ValueError):
    """A value too large or too deep once its YAML aliases are expanded, or one that contains itself."""

    def __init__(self, message: str, node=None):
        super().__init__(message)
        self.node = node


def _yaml_children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [x for kv in node.value for x in kv]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def _py_children(value) -> list:
    if isinstance(value, dict):
        return [x for kv in value.items() for x in kv]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return []


def measure(root, children=_py_children, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> int:
    """The node count of ``root`` with every shared node (a YAML alias) counted each time it is used, found
    without expanding it: each distinct node is visited once, iteratively. Raise ShapeProblem past
    ``max_nodes`` or ``max_depth``, or on a node that contains itself (a recursive alias)."""
    size: dict[int, tuple[int, int]] = {}  # id -> (expanded nodes, height)
    on_path: set[int] = set()
    keep = []  # the nodes measured stay alive, so that no id is reused meanwhile
    stack = [(root, False, 1)]
    while stack:
        node, done, depth = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = [size[id(k)] for k in children(node)]
            total, height = 1 + sum(k[0] for k in kids), 1 + max((k[1] for k in kids), default=0)
            if total > max_nodes:
                raise ShapeProblem(f"more than {max_nodes:,} values once YAML aliases are expanded", node)
            size[key] = (total, height)
        elif key in on_path:
            raise ShapeProblem("a YAML alias refers to the value that contains it", node)
        elif depth > max_depth or (key in size and depth + size[key][1] - 1 > max_depth):
            raise ShapeProblem(f"nested deeper than {max_depth} levels", node)
        elif key not in size:
            kids = children(node)
            if not kids:
                size[key] = (1, 1)
                continue
            keep.append(node)
            on_path.add(key)
            stack.append((node, True, depth))
            stack.extend((k, False, depth + 1) for k in kids)
    return size[id(root)][0]


MAX_CONFIG_BYTES = 2_000_000


def _next(line: int) -> int:
    return line + 1


def load_config(text: str, loader_cls) -> tuple[Any, dict[str, int]]:
    """A configuration file (mkdocs.yml) -> (data, top-level key -> line): aliases allowed, but the document
    bounded as front matter is (size, nesting, nodes counted with each alias expanded). Raise YamlProblem."""
    if len(text) > MAX_CONFIG_BYTES:
        raise YamlProblem(1, f"the file is larger than {MAX_CONFIG_BYTES // 1_000_000} MB")
    _refuse_deep_flow(text, 1)
    _refuse_huge(text, _next)
    loader = loader_cls(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            raise _marked(e, _next) from None
        except yaml.YAMLError as e:
            raise YamlProblem(1, f"invalid YAML: {e}") from None
        if node is None:
            return None, {}
        try:
            measure(node, _yaml_children)
        except ShapeProblem as p:
            raise YamlProblem(p.node.start_mark.line + 1, str(p)) from None
        return _construct(loader, node, _next), _key_lines(node, _next)
    finally:
        loader.dispose()
