"""One-pass line scanner for Markdown documents.

It finds what the checks need, each with a 1-based line number counted in the
source file (front matter included): front matter, ATX headings, fenced code,
HTML blocks and comments, inline and reference links, and the prose lines.
It never renders Markdown.  Block structure follows CommonMark 0.31.2 as
markdown-it-py parses it (tests/test_scan_oracle.py holds it to markdown-it-py
on every spec example and on generated documents):

* containers: block quotes and bullet/ordered list items, nested, with lazy
  paragraph continuation and the rules for when a list item may interrupt a
  paragraph;
* leaves: ATX headings, fenced code (``` and ~~~, up to 3 spaces of indent,
  also inside list items and block quotes), indented code, HTML blocks (the
  seven start conditions; comments are type 2), thematic breaks, setext
  underlines (they end a paragraph; setext headings are not reported: only
  ATX headings open sections), link reference definitions (also spanning
  lines) and paragraphs;
* inlines (in paragraphs and ATX headings): links and images, inline and
  full/collapsed/shortcut reference, with code spans, backslash escapes,
  autolinks and raw HTML taking precedence; link text may span lines and
  destinations may hold balanced parentheses.  Destinations are unescaped
  (backslash escapes, entity references) but not percent-decoded.

Where markdown-it departs from the spec the scanner follows markdown-it: a
block quote continues whatever the indentation before its ``>``; a line below
a list item paragraph ends it when it starts any block, whatever its
indentation (except a list marker indented 4+ columns), and an HTML block of
type 7 never does; a line a block quote takes lazily is checked again, its
indentation ignored, by the quotes nested in it.  Tabs count to tab stops of
4 from the start of the line.

Headings inside fenced code, indented code, HTML blocks or HTML comments do not
exist.  Any text is accepted; ``scan`` never raises.
"""

from __future__ import annotations

import re

from .doc import Fence, Heading, ScannedDoc, _MD_WS, normalize_heading, normalize_label
from .frontmatter import _parse_front_matter
from .inline import (_CLOSE_TAG, _MAYBE, _OPEN_TAG, _TITLE_LINE, _add_comments, _collect_links, _cut, _expand, _inline_comments,
                     _parse_dest, _parse_ref_def, _parse_title, _raw_idx, _valid_link)
from ..startup import rx

_THEMATIC = rx(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = rx(r"(?:=+|-+)[ \t]*$")
_ATX_OPEN = rx(r"#{1,6}(?=[ \t]|$)")
_FENCE_OPEN = rx(r"`{3,}|~{3,}")
_FENCE_CLOSE = {"`": rx(r"(`{3,})[ \t]*$"), "~": rx(r"(~{3,})[ \t]*$")}
_LIST_MARK = rx(r"(?:[-+*]|([0-9]{1,9})[.)])(?=[ \t]|$)")
_NONSPACE = rx(r"[^ ]")

# HTML block start conditions (CommonMark 0.31.2, 4.6), as markdown-it-py writes them
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|"
    "link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
# (start, end or None when the block ends at a blank line, may interrupt a paragraph)
_HTML_KINDS: list[tuple[re.Pattern, re.Pattern | None, bool]] = [
    (rx(r"<(?a:script|pre|style|textarea)(?=\s|>|$)", re.I), rx(r"</(?a:script|pre|style|textarea)>", re.I), True),
    (rx(r"<!--"), rx(r"-->"), True),
    (rx(r"<\?"), rx(r"\?>"), True),
    (rx(r"<![A-Za-z]"), rx(r">"), True),
    (rx(r"<!\[CDATA\["), rx(r"\]\]>"), True),
    (rx(r"</?(?a:" + _BLOCK_TAGS + r")(?=\s|/?>|$)", re.I), None, True),
    (rx(r"(?:" + _OPEN_TAG + "|" + _CLOSE_TAG + r")\s*$"), None, False),
]


_PARA, _FENCE, _HTML, _ICODE = 1, 2, 3, 4
_MAX_NEST = 32  # block quotes and list items (markdown-it's commonmark preset gives up at 20)
# a line starting with any other character continues a paragraph (lazily if need be)
_SPECIAL_START = " \t>#`~<-+*_=0123456789"


def scan(text: str, *, front_matter: bool = True) -> ScannedDoc:
    """Scan a whole document (front matter included). Never raises on any text.

    ``front_matter=False`` reads a leading ``---`` block as Markdown.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    doc = ScannedDoc(lines=lines)
    n_lines = len(lines)
    prose = [True] * n_lines
    doc.prose = prose
    body_start = _parse_front_matter(doc, lines) if front_matter else 0
    for i in range(body_start):
        prose[i] = False

    fences = doc.fences
    comments = doc.comments
    html_blocks = doc.html_blocks
    ref_defs = doc.ref_defs
    runs: list[list[tuple[int, int, str]]] = []  # inline runs holding a '[': [(line index, raw start, text)]

    containers: list[list] = []  # [kind (1 quote, 2 list item), width, has content]
    nc = 0
    blank_ok = True  # every open container is a list item with content (a blank line continues them all)
    empty_items = False  # an open list item began with a blank line and holds nothing yet
    leaf = 0
    para: list[tuple[int, int]] = []  # (line index, raw start) of the open paragraph
    bracket = False  # the open paragraph holds a '['
    pdef = False  # the open paragraph may begin with (multi-line) link reference definitions
    after_def = False  # the previous line was a definition without title (the title may follow)
    # open fence
    f_char = ""
    f_len = 0
    f_off = 0
    f_body: list[str] = []
    f_obj: Fence | None = None
    code_blanks: list[int] = []  # blank lines after the last line of an open indented code block
    # open HTML block
    h_end: re.Pattern | None = None
    h_start = 0
    h_comment = False

    for i in range(body_start, n_lines):
        raw = lines[i]

        # fast paths: the common lines at top level
        c0 = raw[:1]
        if leaf == _PARA:
            if not pdef and c0 and (c0 not in _SPECIAL_START or (c0 in "*`~_" and _plain_special(raw, 0, c0))):
                para.append((i, 0))
                if "[" in raw:
                    bracket = True
                if "<!--" in raw:
                    _inline_comments(comments, i, raw)
                continue
        elif leaf == 0:
            if (
                not nc
                and c0
                and not after_def
                and (
                    (c0 not in _SPECIAL_START and (c0 != "[" or type(rd := _parse_ref_def(raw)) is not tuple))
                    or (c0 in "*`~_" and _plain_special(raw, 0, c0))
                )
            ):
                leaf = _PARA
                pdef = c0 == "[" and rd is _MAYBE
                para.append((i, 0))
                if "[" in raw:
                    bracket = True
                if "<!--" in raw:
                    _inline_comments(comments, i, raw)
                continue
        elif leaf == _FENCE:
            if not nc and "\t" not in raw:
                # at top level: the closing fence, or a line of the body
                if raw[:4].lstrip(" ")[:1] == f_char:
                    k = len(raw) - len(raw.lstrip(" "))
                    fc = _FENCE_CLOSE[f_char].match(raw, k)
                    if fc and len(fc.group(1)) >= f_len:
                        f_obj.end = i + 1
                        f_obj.closed = True
                        prose[i] = False
                        leaf = 0
                        continue
                if f_off and raw[:1] == " ":
                    f_body.append(raw[min(f_off, len(raw) - len(raw.lstrip(" "))) :])
                else:
                    f_body.append(raw)
                prose[i] = False
                continue
        if leaf <= _PARA:
            if not raw:
                if not nc or blank_ok:  # a blank line; open list items (with content) continue
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                        leaf = 0
                    after_def = False
                    continue
            elif c0 == "`" or c0 == "~":
                # a fence at column 0 ends the paragraph and every open container
                fo = _FENCE_OPEN.match(raw)
                if fo is not None and not (c0 == "`" and "`" in raw[fo.end() :]):
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    if nc:
                        containers = []
                        nc = 0
                        blank_ok = True
                        empty_items = False
                    after_def = False
                    info = raw[fo.end() :].strip(" \t")
                    f_body = []
                    f_obj = Fence(info, _LANG_END.split(info, maxsplit=1)[0].lower() if info else "", i + 1, n_lines, False, f_body)
                    fences.append(f_obj)
                    f_char = c0
                    f_len = fo.end()
                    f_off = 0
                    leaf = _FENCE
                    prose[i] = False
                    continue
            elif c0 == "#":
                # an ATX heading at column 0 ends the paragraph and every open container
                t = raw.lstrip("#")
                h = len(raw) - len(t)
                if h <= 6 and (not t or t[0] == " " or t[0] == "\t"):
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                        leaf = 0
                    if nc:
                        containers = []
                        nc = 0
                        blank_ok = True
                        empty_items = False
                    after_def = False
                    _heading(doc, runs, i, raw, h, h)
                    continue
            elif (
                (c0 == "-" or c0 == "*" or c0 == "_")
                and (nc or not leaf or c0 != "-")
                and (raw[-1] == c0 or raw[-1] in " \t")
                and raw.count(c0) >= 3
                and _THEMATIC.match(raw)
            ):
                # a thematic break at column 0 (not a setext underline) likewise
                if leaf:
                    if pdef or bracket:
                        _flush_para(doc, runs, para, bracket, pdef)
                    para = []
                    bracket = pdef = False
                    leaf = 0
                if nc:
                    containers = []
                    nc = 0
                    blank_ok = True
                    empty_items = False
                after_def = False
                continue
            elif (c0 in "-+*" or "0" <= c0 <= "9") and "\t" not in raw:
                # a list item at column 0 whose text is plain: it closes every open container
                if c0 in "-+*":
                    if raw[1:2] == " ":
                        t = raw[2:].lstrip(" ")
                        ci = len(raw) - len(t)
                        ok = ci <= 5 and t != ""
                    else:
                        ok = False
                else:
                    im = _ITEM_FAST.match(raw)
                    ok = im is not None and (nc or leaf == 0 or int(im.group(1)) == 1)
                    if ok:
                        ci = im.end()
                if (
                    ok
                    and (
                        (
                            (cc := raw[ci]) not in _SPECIAL_START
                            and (cc != "[" or type(rd := _parse_ref_def(raw[ci:])) is not tuple)
                        )
                        or (cc in "*`~_" and _plain_special(raw, ci, cc))
                    )
                    and not ((raw[-1] == c0 or raw[-1] in " \t") and raw.count(c0) >= 3 and _THEMATIC.match(raw))
                ):
                    if leaf:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    pdef = cc == "[" and rd is _MAYBE
                    containers = [[2, ci, True]]
                    nc = 1
                    blank_ok = True
                    empty_items = False
                    after_def = False
                    leaf = _PARA
                    para.append((i, ci))
                    if "[" in raw:
                        bracket = True
                    if "<!--" in raw:
                        _inline_comments(comments, i, raw)
                    continue

        # the general path
        line = _expand(raw) if "\t" in raw else raw
        n = len(line)
        col = 0
        matched = 0
        p = p0 = n - len(line.lstrip(" "))
        if nc:
            for c in containers:
                if col > p0:
                    m = _NONSPACE.search(line, col)
                    p = m.start() if m else n
                if c[0] == 1:
                    # (markdown-it continues a quote whatever the indentation before '>')
                    if p < n and line[p] == ">":
                        col = p + 1
                        if col < n and line[col] == " ":
                            col += 1
                        matched += 1
                        continue
                    break
                if p >= n:
                    if not c[2]:
                        break
                    col = min(n, col + c[1])
                    matched += 1
                    continue
                if p - col >= c[1]:
                    col += c[1]
                    matched += 1
                    continue
                break
            else:
                if col > p0:
                    m = _NONSPACE.search(line, col)
                    p = m.start() if m else n
        blank = p >= n
        indent = p - col
        all_matched = matched == nc

        # continuation of an open fence, HTML block or indented code
        if leaf >= _FENCE:
            if leaf == _FENCE:
                if all_matched:
                    if not blank and indent <= 3 and line[p] == f_char:
                        fc = _FENCE_CLOSE[f_char].match(line, p)
                        if fc and len(fc.group(1)) >= f_len:
                            f_obj.end = i + 1
                            f_obj.closed = True
                            prose[i] = False
                            leaf = 0
                            continue
                    f_body.append(_cut(raw, line, col + min(indent, f_off)))
                    prose[i] = False
                    continue
                f_obj.end = i
                leaf = 0
            elif leaf == _HTML:
                if all_matched:
                    if h_end is None:
                        if not blank:
                            prose[i] = False
                            continue
                        html_blocks.append((h_start, i))
                        leaf = 0
                    else:
                        prose[i] = False
                        if not blank and h_end.search(raw, p if line is raw else _raw_idx(raw, line, p)):
                            html_blocks.append((h_start, i + 1))
                            if h_comment:
                                _add_comments(comments, lines, h_start - 1, i)
                            leaf = 0
                        continue
                else:
                    html_blocks.append((h_start, i))
                    if h_comment:
                        _add_comments(comments, lines, h_start - 1, i - 1)
                    leaf = 0
            else:  # indented code
                if all_matched and (blank or indent >= 4):
                    if blank:
                        code_blanks.append(i)
                    else:
                        prose[i] = False
                        for k in code_blanks:  # blank lines between code lines are code
                            prose[k] = False
                        code_blanks.clear()
                    continue
                code_blanks.clear()
                leaf = 0

        if after_def:
            after_def = False
            if not blank and _TITLE_LINE.match(raw, p if line is raw else _raw_idx(raw, line, p)):
                continue  # the title of the definition on the previous line

        if not all_matched:
            if leaf == _PARA and not blank and (line[p] not in _BLOCK_CHARS or not _lazy_breaks(containers, matched, line, p, indent)):
                # lazy continuation line
                para.append((i, p if line is raw else _raw_idx(raw, line, p)))
                if "[" in raw:
                    bracket = True
                if "<!--" in raw:
                    _inline_comments(comments, i, raw)
                if pdef:
                    st, para, titled = _defs_progress(doc, para)
                    if st:
                        pdef = False
                        if st == 1:
                            leaf = 0
                            bracket = False
                            after_def = not titled
                continue
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
            leaf = 0
            del containers[matched:]
            nc = matched
            blank_ok = all(c[0] == 2 and c[2] for c in containers)
            after_def = False

        # new containers (at most _MAX_NEST deep: deeper markers are text, and no line costs more)
        while not blank and indent <= 3 and nc < _MAX_NEST:
            ch = line[p]
            if ch == ">":
                containers.append([1, 0, True])
                col = p + 1
                if col < n and line[col] == " ":
                    col += 1
            elif ch in "-+*" or "0" <= ch <= "9":
                if (ch == "-" or ch == "*") and line.count(ch, p) >= 3 and _THEMATIC.match(line, p):
                    break
                lm = _LIST_MARK.match(line, p)
                if lm is None:
                    break
                q = lm.end()
                m = _NONSPACE.search(line, q)
                r = m.start() if m else n
                blank_item = r >= n
                if leaf == _PARA and (blank_item or (lm.group(1) is not None and int(lm.group(1)) != 1)):
                    break  # this list item may not interrupt a paragraph
                ci = q + 1 if (blank_item or r - q > 4) else r
                containers.append([2, ci - col, not blank_item])
                if blank_item:
                    empty_items = True
                    col = n
                else:
                    col = ci
            else:
                break
            nc += 1
            blank_ok = False if ch == ">" or blank_item else blank_ok
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
            leaf = 0
            after_def = False
            m = _NONSPACE.search(line, col)
            p = m.start() if m else n
            blank = p >= n
            indent = p - col

        if blank:
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
                leaf = 0
            after_def = False
            continue

        if empty_items:
            for c in containers:
                c[2] = True
            empty_items = False
            blank_ok = all(c[0] == 2 for c in containers)

        ri = p if line is raw else _raw_idx(raw, line, p)
        if indent >= 4:
            if leaf == _PARA:
                para.append((i, ri))
                if "[" in raw:
                    bracket = True
                if pdef:
                    st, para, titled = _defs_progress(doc, para)
                    if st:
                        pdef = False
                        if st == 1:
                            leaf = 0
                            bracket = False
                            after_def = not titled
                continue
            leaf = _ICODE
            prose[i] = False
            after_def = False
            continue

        ch = line[p]
        if ch == "#":
            hm = _ATX_OPEN.match(line, p)
            if hm:
                if leaf == _PARA:
                    if pdef or bracket:
                        _flush_para(doc, runs, para, bracket, pdef)
                    para = []
                    bracket = pdef = False
                leaf = 0
                after_def = False
                _heading(doc, runs, i, raw, ri + (hm.end() - p), hm.end() - p)
                continue
        elif ch == "`" or ch == "~":
            fo = _FENCE_OPEN.match(line, p)
            if fo:
                info = raw[ri + fo.end() - p :]
                if not (ch == "`" and "`" in info):
                    if leaf == _PARA:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    after_def = False
                    info = info.strip(" \t")
                    lang = _LANG_END.split(info, maxsplit=1)[0].lower() if info else ""
                    f_body = []
                    f_obj = Fence(info, lang, i + 1, n_lines, False, f_body)
                    fences.append(f_obj)
                    f_char = ch
                    f_len = fo.end() - p
                    f_off = indent
                    leaf = _FENCE
                    prose[i] = False
                    continue
        elif ch == "<":
            content = raw[ri:]
            started = False
            for k, (start_re, end_re, interrupts) in enumerate(_HTML_KINDS):
                if start_re.match(content):
                    if not interrupts and leaf == _PARA:
                        break
                    if leaf == _PARA:
                        if pdef or bracket:
                            _flush_para(doc, runs, para, bracket, pdef)
                        para = []
                        bracket = pdef = False
                    after_def = False
                    prose[i] = False
                    h_start = i + 1
                    h_end = end_re
                    h_comment = k == 1
                    if end_re is not None and end_re.search(content):
                        html_blocks.append((h_start, i + 1))
                        if h_comment:
                            _add_comments(comments, lines, i, i)
                        leaf = 0
                    else:
                        leaf = _HTML
                    started = True
                    break
            if started:
                continue
        if leaf == _PARA and (ch == "=" or ch == "-") and _SETEXT.match(line, p):
            # a setext underline: the paragraph becomes a heading (not reported) ...
            rest_para = para
            if pdef:
                if ch == "=" or not (_THEMATIC.match(line, p) or _LIST_MARK.match(line, p)):
                    # no block start: an open definition may take it (as its destination)
                    para.append((i, ri))
                    st, rest_para, titled = _defs_progress(doc, para)
                    if st == 0:
                        para = rest_para
                        continue
                    if st == 1:
                        para = []
                        bracket = pdef = False
                        leaf = 0
                        after_def = not titled
                        continue
                    rest_para = rest_para[:-1]
                else:
                    rest_para = _take_defs(doc, para)
            if rest_para:
                if bracket:
                    _flush_para(doc, runs, rest_para, bracket, False)
                para = []
                bracket = pdef = False
                leaf = 0
                continue
            # ... unless it held only link reference definitions: then this line is a new block
            para = []
            bracket = pdef = False
            leaf = 0
        if (ch == "-" or ch == "*" or ch == "_") and _THEMATIC.match(line, p):
            if leaf == _PARA:
                if pdef or bracket:
                    _flush_para(doc, runs, para, bracket, pdef)
                para = []
                bracket = pdef = False
            leaf = 0
            after_def = False
            continue
        if leaf != _PARA:
            if ch == "[":
                rd = _parse_ref_def(raw[ri:])
                if type(rd) is tuple:
                    label, dest, titled = rd
                    if label not in ref_defs:
                        ref_defs[label] = (dest, i + 1)
                    after_def = not titled
                    continue
                pdef = rd is _MAYBE
            leaf = _PARA
            para.append((i, ri))
        else:
            para.append((i, ri))
            if pdef:
                st, para, titled = _defs_progress(doc, para)
                if st:
                    pdef = False
                    if st == 1:
                        leaf = 0
                        bracket = False
                        after_def = not titled
                        continue
        if "[" in raw:
            bracket = True
        if "<!--" in raw:
            _inline_comments(comments, i, raw)

    # close what is still open
    if leaf == _PARA and (pdef or bracket):
        _flush_para(doc, runs, para, bracket, pdef)
    elif leaf == _HTML:
        html_blocks.append((h_start, n_lines))
        if h_comment:
            _add_comments(comments, lines, h_start - 1, n_lines - 1)

    if runs:
        _collect_links(doc, runs)
    comments.sort()
    if fences and n_lines > 1 and not text.endswith("\n"):
        # markdown-it leaves a final, newline-less line of bare block-quote markers out of an open fence in a quote,
        # when it holds no more markers than the quotes the fence is in (a further ">" is the fence's content)
        f = fences[-1]
        last = lines[-1]
        depth = _FENCE_PREFIX.match(lines[f.start - 1]).group(0).count(">") if f.start <= n_lines else 0
        if (not f.closed and f.end == n_lines and f.start < n_lines and ">" in last and _QUOTE_ONLY.fullmatch(last)
                and depth and last.count(">") <= depth):  # the fence is inside a quote
            f.end -= 1
            if f.body:
                f.body.pop()
            prose[n_lines - 1] = True
    return doc


_QUOTE_ONLY = rx(r"[ \t>]*")
_FENCE_PREFIX = rx(r"[^`~]*")  # container markers before an opening fence
_LANG_END = rx(r"[\s:{,]")
_ITEM_FAST = rx(r"(?:[-+*]|([0-9]{1,9})[.)])( {1,4})(?=[^ ])")


def _plain_special(raw: str, k: int, c: str) -> bool:
    """Is raw[k:] (c == raw[k], one of * ` ~ _) paragraph text rather than a block start?"""
    if c == "`" or c == "~":
        return not raw.startswith(c * 3, k)
    if c == "*" and raw[k + 1 : k + 2] in ("", " ", "\t"):
        return False  # a list item
    # a thematic break holds only c, spaces and tabs
    return not (raw[-1] in (c, " ", "\t") and raw.count(c, k) >= 3 and _THEMATIC.match(raw, k))


def _heading(doc: ScannedDoc, runs: list, i: int, raw: str, hi: int, level: int) -> None:
    """Record the ATX heading of line i whose opening #s end at raw[hi]."""
    rest = raw[hi:].rstrip(" \t")
    if rest[-1:] == "#":  # a closing sequence
        t = rest.rstrip("#")
        if not t or t[-1] in " \t":
            rest = t
    htext = rest.strip(_MD_WS)
    doc.headings.append(Heading(level, htext, i + 1, normalize_heading(htext)))
    if "[" in htext:
        runs.append([(i, hi + rest.find(htext), htext)])
    if "<!--" in raw:
        _inline_comments(doc.comments, i, raw)


def _flush_para(doc: ScannedDoc, runs: list, para: list[tuple[int, int]], bracket: bool, pdef: bool) -> None:
    """A paragraph ends: take its leading definitions, keep it for the link pass if it holds a '['."""
    lines = doc.lines
    if pdef:
        para = _take_defs(doc, para)
        if not para:
            return
        bracket = any("[" in lines[i] for i, _ in para)
    if bracket:
        runs.append([(i, ri, lines[i][ri:]) for i, ri in para])


def _take_defs(doc: ScannedDoc, para: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """At the end of a paragraph: take the link reference definitions that open it; return the other lines."""
    return _defs_progress(doc, para, True)[1]


def _defs_progress(doc: ScannedDoc, para: list[tuple[int, int]], final: bool = False) -> tuple[int, list, bool]:
    """Read the link reference definitions that open a paragraph whose first line may begin one.

    Return (state, remaining lines, last definition had a title): state 0 when
    the paragraph may still be a definition that goes on, 1 when all its lines
    are definitions (markdown-it then reads the next line afresh), 2 when the
    remaining lines are a paragraph.  ``final``: no more lines will come.
    """
    if not final and len(para) > 64:
        return 0, para, False  # decide at the end
    lines = doc.lines
    ref_defs = doc.ref_defs
    s = "\n".join([lines[i][ri:] for i, ri in para])
    n = len(s)
    pos = 0
    k = 0
    while pos < n and s[pos] == "[":
        rd = _ref_def_at(s, pos, n, final)
        if rd is _MAYBE:
            return 0, para[k:], False
        if rd is None:
            break
        label, dest, end, titled = rd
        if label not in ref_defs:
            ref_defs[label] = (dest, para[k][0] + 1)
        k += s.count("\n", pos, end) + 1
        pos = end + 1
        if pos >= n:
            return 1, [], titled
    return 2, para[k:], False


def _ref_def_at(s: str, start: int, n: int, final: bool = True):
    """A link reference definition at s[start] == '[' that may span lines (markdown-it's rules).

    Return (normalized label, destination, index of the line end after it,
    title seen), None, or ``_MAYBE`` (not ``final``: the text ends inside it).
    """
    pos = start + 1
    while pos < n:
        c = s[pos]
        if c == "[":
            return None
        if c == "]":
            break
        if c == "\\":
            pos += 1
        pos += 1
    else:
        return None if final else _MAYBE
    label_end = pos
    if label_end + 1 >= n or s[label_end + 1] != ":":
        return None
    pos = label_end + 2
    while pos < n and s[pos] in " \t\n":
        pos += 1
    if pos >= n and not final:
        return _MAYBE
    d = _parse_dest(s, pos, n)
    if d is None:
        return None
    dest, pos = d
    if not _valid_link(dest):
        return None
    dest_end = pos
    while pos < n and s[pos] in " \t\n":
        pos += 1
    titled = False
    if pos < n and pos != dest_end:
        e = _parse_title(s, pos, n)
        if e == -2 and not final:
            return _MAYBE
        if e >= 0:
            titled = e - pos > 2  # an empty title counts as none
            pos = e
        else:
            pos = dest_end
    else:
        pos = dest_end
    while pos < n and s[pos] in " \t":
        pos += 1
    if pos < n and s[pos] != "\n" and titled:
        titled = False
        pos = dest_end
        while pos < n and s[pos] in " \t":
            pos += 1
    if pos < n and s[pos] != "\n":
        return None
    label = normalize_label(s[start + 1 : label_end])
    if not label:
        return None
    return label, dest, pos, titled


_BLOCK_CHARS = ">#`~<-*_+0123456789"


def _lazy_breaks(containers: list, matched: int, line: str, p: int, indent: int) -> bool:
    """Does a line that fails container ``matched`` end the paragraph (rather than continue it lazily)?

    markdown-it's rules: below a list item a block start counts whatever its
    indentation (it is measured from the item's content column), except a list
    marker indented 4+ columns from the innermost list's own indentation; below
    a block quote the indentation counts, but a line the quote takes lazily is
    checked again, indentation ignored, by every quote nested inside it (also
    when that quote sits in a list item: ``1.   > > a`` then ``    - # b``).
    """
    if containers[matched][0] == 2:
        # the innermost list item (above any nested quote) gives the list indentation
        list_indent = 0
        width = 0
        quote = len(containers)
        for k in range(matched, len(containers)):
            c = containers[k]
            if c[0] == 1:
                quote = k
                break
            list_indent += width
            width = c[1]
        if _starts_block(line, p, indent - list_indent):
            return True
        # a quote in the item takes the line lazily; a quote nested in that one checks it again, indentation ignored
        return any(c[0] == 1 for c in containers[quote + 1 :]) and _starts_block(line, p, 0)
    if indent <= 3 and _starts_block(line, p, indent):
        return True
    for c in containers[matched + 1 :]:
        if c[0] == 1:
            return _starts_block(line, p, 0)
    return False


def _starts_block(line: str, p: int, indent: int) -> bool:
    """Would this line start a block, so it cannot continue a paragraph lazily?"""
    ch = line[p]
    if ch == ">":
        return True
    if ch == "#":
        return _ATX_OPEN.match(line, p) is not None
    if ch == "`" or ch == "~":
        fo = _FENCE_OPEN.match(line, p)
        return fo is not None and not (ch == "`" and "`" in line[fo.end() :])
    if ch == "<":
        content = line[p:]
        for start_re, _end, interrupts in _HTML_KINDS:
            if start_re.match(content):
                return interrupts
        return False
    if ch in "-*_" and _THEMATIC.match(line, p):
        return True
    if ch in "-+*" or "0" <= ch <= "9":
        return indent <= 3 and _LIST_MARK.match(line, p) is not None
    return False


