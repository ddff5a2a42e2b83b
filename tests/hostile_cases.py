"""The hostile corpus: one table of cases, each a docs tree built in tmp_path and the
diagnostics it must produce.  Used by tests/test_hostile.py.

Nothing here is committed data: binary, huge and special files (FIFOs, symlink loops)
are generated when a case runs.  Every expected diagnostic names its rule, its file and
(where the problem has one) its line; lines are computed from the generated text with
``line_of`` rather than written down as magic numbers.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# ---------------------------------------------------------------------- building blocks

SECTIONS = [
    "Quick Summary", "Affected Users", "What It Does", "How It Works", "Detailed Logic", "Edge Cases",
    "UI/UX Review", "Technical Concerns", "First Principles Review", "Code References", "Related Features",
    "Open Questions",
]

DIAGRAM = "```mermaid\nflowchart LR\n    A[Visitor] --> B{Agent free?}\n    B -- yes --> C[Assign]\n```\n"


def feature(fid: str = "P1", title: str = "Thing", *, front_matter: str | None = None, detail: str = "",
            omit: tuple[str, ...] = (), extra: str = "") -> str:
    """A feature doc that meets the shipped feature-doc contract; ``detail`` goes under DETAILED LOGIC."""
    out = []
    if front_matter is not None:
        out.append("---\n" + front_matter + ("" if front_matter.endswith("\n") or not front_matter else "\n") + "---\n")
    out.append(f"# Feature: {title} ({fid})\n\n")
    for name in SECTIONS:
        if name in omit:
            continue
        out.append(f"## {name}\n")
        if name == "How It Works":
            out.append(DIAGRAM)
        elif name == "Detailed Logic":
            out.append("The selector picks the least busy agent.\n" + detail)
        elif name == "Related Features":
            out.append("- [Home](../index.md)\n")
        else:
            out.append(f"Text about {name.lower()}.\n")
        out.append("\n")
    out.append(extra)
    return "".join(out)


CRIT = """### {id}: {title}
**Found by:** Doc Agent 1
**Feature:** {feature}
**File:** `{file}`

**Current Behavior:**
It loops.

**Why It's Critical:**
Visitors wait forever.

**YOUR DECISION:**
- [x] Confirmed as bug
"""

QUESTION = """### {id}: {title}
**Asked by:** Doc Agent 1
**Feature:** {feature}

**Current Behavior:**
It waits.

**Why I'm Asking:**
Nobody decided.

**YOUR ANSWER:**
- [ ] Option A
"""


def session(*, attention: str | None = None, critical: str = "", questions: str = "", minor_rows: str = "",
            front_matter: str | None = None) -> str:
    """A session file; ``attention`` None = the correct table for no open findings but those in ``questions``."""
    out = []
    if front_matter is not None:
        out.append("---\n" + front_matter + "\n---\n")
    out.append("# Documentation Session: December 1\n\n## NEEDS YOUR ATTENTION\n\n")
    if attention is None:
        qids = [ln.split(":")[0][4:] for ln in questions.splitlines() if ln.startswith("### ")]
        attention = (
            "| Type | Count | IDs |\n|------|-------|-----|\n"
            "| 🔴 **CRITICAL** | 0 | - |\n"
            f"| 🟡 **Questions** | {len(qids)} | {', '.join(qids) or '-'} |\n"
            "| 🎨 **UI Review** | 0 | - |\n"
            "| 🔑 **Credentials Needed** | 0 | - |\n"
            "| 💡 **UX Recommendations** | 0 | - |\n"
        )
    out.append(attention + "\n")
    out.append("## 🔴 CRITICAL ISSUES\n\n" + critical + "\n")
    out.append("## 🟡 QUESTIONS FOR HUMAN\n\n" + questions + "\n")
    out.append("## 🟢 MINOR ISSUES\n\n| ID | Feature | Issue |\n|----|---------|-------|\n" + minor_rows + "\n")
    return "".join(out)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth occurrence of needle (newlines: \\n, \\r\\n or a lone \\r)."""
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    head = text[:pos].replace("\r\n", "\n").replace("\r", "\n")
    return head.count("\n") + 1


def n_lines(text: str) -> int:
    t = text.replace("\r\n", "\n").replace("\r", "\n")
    return t.count("\n") + (0 if t.endswith("\n") else 1)


# ---------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Want:
    """One diagnostic that must be reported (the run may report others too)."""

    rule: str
    path: str  # as diagnostics print it: relative to the project root (docs/..., contracts/...)
    line: int  # 0 = the file as a whole (the problem has no line)
    contains: str = ""  # a fragment of the message
    column: int | None = None  # checked when given


@dataclass
class Tree:
    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write(self, rel: str, content: str | bytes, *, under: str = "docs") -> Path:
        p = self.root / under / rel if under else self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        p.write_bytes(content)
        return p

    def symlink(self, rel: str, target: str, *, under: str = "docs") -> None:
        p = self.root / under / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, p)


@dataclass
class Case:
    id: str
    make: Callable[[Tree], list[Want]]  # builds the tree, returns the diagnostics it must produce
    options: dict = field(default_factory=dict)  # the plugin's options in mkdocs.yml
    raw_options: str = ""  # or: literal YAML lines under "- reassign:" (for options the table cannot express)
    cli_rc: int = 1  # mkdocs-reassign check: 0 clean, 1 errors, 2 configuration error
    config_error: str = ""  # the options are invalid: text the error must contain (core: OptionError)
    build: bool = False  # also run a real `mkdocs build`
    max_seconds: float = 10.0  # core Checker call: a hang bound, not a speed target (speed: benchmarks/)
    max_mb: int = 64  # tracemalloc peak of the core call
    build_seconds: float = 180.0  # the real `mkdocs build` (a hang, not a speed target)
    extensions: tuple[str, ...] = ()  # markdown_extensions in mkdocs.yml


CASES: list[Case] = []


def case(id: str, **kw):
    def deco(fn):
        CASES.append(Case(id, fn, **kw))
        return fn

    return deco


P1 = "docs/features/p1.md"
S1 = "docs/findings/session-1201.md"


def _home(t: Tree) -> None:
    t.write("index.md", "# Home\n\nWelcome.\n")


# ---- front matter ---------------------------------------------------------------------


@case("fm-invalid-yaml", build=True)
def _(t):
    _home(t)
    text = feature(front_matter="id: P1\ntitle: [unclosed\nstatus: draft")
    t.write("features/p1.md", text)
    return [Want("front-matter", P1, line_of(text, "status: draft"), "invalid YAML")]


@case("fm-is-a-list")
def _(t):
    _home(t)
    t.write("features/p1.md", feature(front_matter="- id\n- P1"))
    return [Want("front-matter", P1, 2, "is a list, not a mapping")]


@case("fm-is-a-scalar")
def _(t):
    _home(t)
    t.write("features/p1.md", feature(front_matter="just a sentence"))
    return [Want("front-matter", P1, 2, "not a mapping")]


@case("fm-alias-bomb")
def _(t):
    _home(t)
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    fm = "\n".join(levels)
    text = feature(front_matter=fm)
    t.write("features/p1.md", text)
    return [Want("front-matter", P1, line_of(text, "b: &b"), "aliases are not allowed")]


@case("fm-duplicate-keys")
def _(t):
    _home(t)
    text = feature(front_matter="id: P1\ntitle: One\nid: P2")
    t.write("features/p1.md", text)
    return [Want("front-matter", P1, line_of(text, "id: P2"), "duplicate key 'id'")]


@case("fm-deep-nesting")
def _(t):
    _home(t)
    text = feature(front_matter="x: " + "[" * 5000 + "]" * 5000)
    t.write("features/p1.md", text)
    return [Want("front-matter", P1, 2, "")]


@case("fm-python-tag-not-executed")
def _(t):
    _home(t)
    marker = t.root / "pwned"
    text = feature(front_matter=f'x: !!python/object/apply:os.system ["touch {marker}"]')
    t.write("features/p1.md", text)
    return [Want("front-matter", P1, 2, "invalid YAML")]


@case("fm-schema-violation")
def _(t):
    _home(t)
    text = feature(front_matter="id: P1\nstatus: shipped-yesterday\nrelated: P2")
    t.write("features/p1.md", text)
    return [Want("front-matter", P1, line_of(text, "status:"), "status"),
            Want("front-matter", P1, line_of(text, "related:"), "related")]


@case("fm-60k-keys")
def _(t):
    _home(t)
    fm = "\n".join(f"k{i}: v" for i in range(60_000))
    t.write("features/p1.md", feature(front_matter=fm))
    return [Want("front-matter", P1, 50_001, "too large")]  # the 100,001st node


@case("fm-invalid-in-session")
def _(t):
    _home(t)
    text = session(front_matter="date: [2026")
    t.write("findings/session-1201.md", text)
    return [Want("front-matter", S1, 3, "invalid YAML")]


@case("fm-bom-crlf")
def _(t):
    _home(t)
    text = feature(front_matter="id: P1\nstatus: nope").replace("\n", "\r\n")
    t.write("features/p1.md", b"\xef\xbb\xbf" + text.encode())
    return [Want("front-matter", P1, line_of(text, "status: nope"), "status")]


# ---- encodings and bytes --------------------------------------------------------------


@case("non-utf8-page", build=True)
def _(t):
    _home(t)
    good = feature()
    body = good.replace("Text about edge cases.", "Caf\u00e9 au lait.").encode("latin-1")
    t.write("features/p1.md", body)
    return [Want("read-error", P1, line_of(good, "Text about edge cases."), "not valid UTF-8")]


@case("non-utf8-mkd-page", build=True)
def _(t):
    # MkDocs reads .mkd/.mdown/.mkdn pages too; one it cannot decode kills a plain build
    _home(t)
    t.write("notes/old.mkd", "# Notes\n\nna\u00efve\n".encode("latin-1"))
    return [Want("read-error", "docs/notes/old.mkd", 3, "not valid UTF-8")]


@case("utf16-with-bom", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature().encode("utf-16"))
    return [Want("read-error", P1, 0, "UTF-16")]


@case("utf16-without-bom")
def _(t):
    _home(t)
    t.write("features/p1.md", feature().encode("utf-16-le"))
    return [Want("read-error", P1, 0, "UTF-16")]


@case("binary-named-md", build=True)
def _(t):
    _home(t)
    rnd = random.Random(7)
    t.write("features/p1.md", bytes(rnd.randrange(256) for _ in range(64 * 1024)) + b"\x00")
    return [Want("read-error", P1, 0, "binary")]


@case("bom-only-file")
def _(t):
    _home(t)
    t.write("features/p1.md", b"\xef\xbb\xbf")
    return [Want("feature-id", P1, 1, "no H1")]


@case("empty-file")
def _(t):
    _home(t)
    t.write("features/p1.md", b"")
    return [Want("feature-id", P1, 1, "no H1"), Want("template", P1, 1, "has 0 of the 12 sections")]


@case("whitespace-only-file")
def _(t):
    _home(t)
    t.write("features/p1.md", " \n\t\n\r\n" * 1000)
    return [Want("feature-id", P1, 1, "no H1")]


@case("crlf-line-numbers")
def _(t):
    _home(t)
    text = feature(detail="See [the spec](missing-spec.md).\n").replace("\n", "\r\n")
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "[the spec]"), "missing-spec.md")]


@case("mixed-newlines-line-numbers")
def _(t):
    _home(t)
    lines = feature(detail="one\ntwo\nthree\nSee [the spec](missing-spec.md).\n").split("\n")
    seps = ["\r\n", "\r", "\n"]
    text = "".join(ln + seps[i % 3] for i, ln in enumerate(lines))
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "[the spec]"), "missing-spec.md")]


@case("nul-after-8k-in-file-ref", options={"source_root": "src"})
def _(t):
    _home(t)
    t.write("app.py", "print(1)\n", under="src")
    crit = CRIT.format(id="CRIT-1201-001", title="Loops", feature="-", file="app\x00.py:1")
    text = session(critical=("<!-- " + "x" * 9000 + " -->\n\n") + crit)
    t.write("findings/session-1201.md", text)
    return [Want("source-ref", S1, line_of(text, "**File:**"), "not a valid path")]


# ---- size -------------------------------------------------------------------------------


def _paragraph(i: int) -> str:
    return (f"Step {i}: the selector reads the pool, skips agents that are away, and hands the visitor to the "
            f"least busy one; see [edge cases](#edge-cases) and [home](../index.md). `pool.pick({i})` returns "
            "**one** agent or none.\n\n")


@case("doc-5mb", max_mb=200)
def _(t):
    _home(t)
    parts, size, i = [], 0, 0
    while size < 5 * 1024 * 1024 - 40_000:  # just under the page limit (sources.PAGE_BYTES)
        chunk = _paragraph(i)
        if i % 500 == 0:
            chunk += f"### Step group {i}\n\n| Case | Result |\n|---|---|\n| a | b |\n\n```text\ncode {i}\n```\n\n"
        parts.append(chunk)
        size += len(chunk)
        i += 1
    detail = "".join(parts) + "Last: [gone](gone.md)\n"
    text = feature(detail=detail)
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "[gone](gone.md)"), "gone.md")]


def _long_lines_and_headings(mb: int) -> str:
    """``mb`` MB mixing 64 KB lines with a heading every few lines."""
    line = "the agent takes the visitor " * (65536 // 28) + "\n"
    out, size, i = [], 0, 0
    while size < mb * 1024 * 1024:
        chunk = f"### Part {i}\n\n{line}\n" if i % 4 == 0 else f"#### Note {i}\n\nShort line {i}.\n\n"
        out.append(chunk)
        size += len(chunk)
        i += 1
    return "".join(out)


@case("doc-over-5mb-long-lines", build=True, build_seconds=60)
def _(t):
    _home(t)
    t.write("features/p1.md", feature(detail=_long_lines_and_headings(19)))  # read, not scanned, not rendered
    return [Want("read-error", P1, 0, "over the 5 MB page limit")]


@case("headings-100k", build=True, build_seconds=60)
def _(t):
    _home(t)
    t.write("features/p1.md", feature(detail="".join(f"### Step {i}\n\nThe agent {i}.\n\n" for i in range(100_000))))
    return [Want("read-error", P1, 0, "over the 60,000 heading limit")]


@case("attr-list-headings-banner", build=True, build_seconds=60, max_seconds=10, options={"banner": "always"}, extensions=("attr_list",))
def _(t):
    _home(t)  # a banner entry per heading, each pointing at its heading: once a search over all headings per heading
    text = feature(detail="".join(f"### Step {i} {{#step-{i}}}\n\nSee [gone](gone-{i}.md).\n\n" for i in range(8_000)))
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "[gone](gone-7999.md)"), "gone-7999.md")]


@case("unclosed-lt-heading-with-gap", build=True, build_seconds=60)
def _(t):
    _home(t)  # the overview's gap anchors compare heading texts without tags: "<[^>]+>" rescanned from every "<"
    text = feature(detail="### " + "<" * 300_000 + "\n\ntext\n", omit=("Open Questions",))
    t.write("features/p1.md", text)
    return [Want("required-section", P1, n_lines(text), "OPEN QUESTIONS")]


@case("doc-over-20mb", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature(detail=("x" * 1023 + "\n") * (21 * 1024)))  # never read: stat says 21 MB
    return [Want("read-error", P1, 0, "over the 20 MB limit")]


@case("table-100k-rows", max_mb=200)
def _(t):
    _home(t)
    rows = [f"| {i} | agent-{i} | ok |\n" for i in range(100_000)]
    rows[50_000] = "| 50000 | [agent](nowhere.md) | bad |\n"
    text = feature(detail="\n| # | Agent | State |\n|---|---|---|\n" + "".join(rows) + "\n")
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "[agent](nowhere.md)"), "nowhere.md")]


@case("session-table-100k-rows", max_mb=200)
def _(t):
    _home(t)
    rows = [f"| M-P{i}-001 |  | issue {i} |\n" for i in range(100_000)]
    rows[60_000] = "| M-12-1 |  | not an ID |\n"
    rows.append("| M-P7-001 |  | used twice |\n")
    text = session(minor_rows="".join(rows))
    t.write("findings/session-1201.md", text)
    return [Want("finding-format", S1, line_of(text, "| M-12-1 |"), "M-12-1"),
            Want("duplicate-finding", S1, line_of(text, "used twice"), "M-P7-001")]


@case("deeply-nested-list")
def _(t):
    _home(t)
    nest = "".join("  " * i + f"- level {i}\n" for i in range(1000))
    nest += "  " * 1000 + "- deepest [x](deep-missing.md)\n\n"
    text = feature(detail=nest)
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "deep-missing.md"), "deep-missing.md")]


@case("deeply-nested-blockquotes")
def _(t):
    _home(t)
    nest = "".join(">" * i + f" level {i}\n" for i in range(1, 1000))
    nest += ">" * 1000 + " deepest [x](quote-missing.md)\n\n"
    text = feature(detail=nest)
    t.write("features/p1.md", text)
    return [Want("broken-link", P1, line_of(text, "quote-missing.md"), "quote-missing.md")]


@case("line-of-200k-links", max_mb=200)  # 200,000 Link objects
def _(t):
    _home(t)
    line = "[home](../index.md) " * 200_000 + "[end](end-missing.md)\n"
    text = feature(detail=line)
    t.write("features/p1.md", text)
    col = line.index("[end]") + 1
    return [Want("broken-link", P1, line_of(text, "[end]"), "end-missing.md", column=col)]


@case("50k-headings")
def _(t):
    _home(t)
    heads = "".join(f"### Sub {i}\ntext\n" for i in range(50_000))
    text = feature(detail=heads, omit=("Open Questions",))
    t.write("features/p1.md", text)
    return [Want("required-section", P1, n_lines(text), "OPEN QUESTIONS")]


@case("20k-inline-waivers")
def _(t):
    _home(t)
    body = "".join(f"### Part {i}\n<!-- reassign: waive broken-link \"kept on purpose\" -->\n[x](missing-{i}.md)\n\n"
                   for i in range(20_000))
    body += "### Last\n<!-- reassign: waive broken-link -->\n"
    text = feature(detail=body)
    t.write("features/p1.md", text)
    return [Want("waiver", P1, line_of(text, "<!-- reassign: waive broken-link -->"), "has no reason")]


@case("attention-row-of-10k-ids")
def _(t):
    _home(t)
    ids = ", ".join(f"Q-1201-{i % 1000:03d}" for i in range(10_000))
    att = ("| Type | Count | IDs |\n|---|---|---|\n| 🔴 **CRITICAL** | 0 | - |\n"
           f"| 🟡 **Questions** | 10000 | {ids} |\n| 🎨 **UI Review** | 0 | - |\n"
           "| 🔑 **Credentials Needed** | 0 | - |\n| 💡 **UX Recommendations** | 0 | - |\n")
    text = session(attention=att)
    t.write("findings/session-1201.md", text)
    return [Want("attention-drift", S1, line_of(text, "| 🟡 **Questions**"), "Q-1201-000")]


# ---- structure ---------------------------------------------------------------------------


@case("unclosed-fence")
def _(t):
    _home(t)
    text = feature().replace("## Edge Cases\n", "```python\nnever closed\n## Edge Cases\n")
    t.write("features/p1.md", text)
    # the fence swallows Edge Cases and every heading after it: most of the template is gone
    return [Want("template", P1, line_of(text, "# Feature"), "has 5 of the 12 sections")]


@case("unclosed-comment")
def _(t):
    _home(t)
    text = feature().replace("## Edge Cases\n", "<!-- draft notes, never closed\n## Edge Cases\n")
    t.write("features/p1.md", text)
    return [Want("template", P1, line_of(text, "# Feature"), "has 5 of the 12 sections")]


@case("heading-of-punctuation")
def _(t):
    _home(t)
    text = feature().replace("# Feature: Thing (P1)", "# !!! ??? ... ---")
    t.write("features/p1.md", text.replace("## Open Questions", "## ()()()"))
    return [Want("feature-id", P1, 1, "no feature ID in the H1"),
            Want("required-section", P1, n_lines(text), "OPEN QUESTIONS")]


@case("heading-of-hashes-only")
def _(t):
    _home(t)
    text = feature().replace("# Feature: Thing (P1)", "#")
    t.write("features/p1.md", text)
    return [Want("feature-id", P1, 1, "no feature ID")]


@case("ticket-id-in-h1")
def _(t):
    _home(t)
    text = feature().replace("# Feature: Thing (P1)", "# Feature: Thing (TKT-065)")
    t.write("features/p1.md", text)
    return [Want("feature-id", P1, 1, "TKT-065")]


# ---- hostile text in IDs and titles -----------------------------------------------------------


@case("html-pipe-backtick-in-title")
def _(t):
    _home(t)
    title = "<script>alert(1)</script> | `rm -rf` **bold** [x](javascript:alert(2)) \" onmouseover=\"x"
    crit = CRIT.format(id="CRIT-1201-001", title=title, feature="-", file="a.py").replace("- [x] Confirmed", "- [ ] Confirmed")
    text = session(critical=crit)
    t.write("findings/session-1201.md", text)
    return [Want("open-critical", S1, line_of(text, "### CRIT-1201-001"), "<script>alert(1)</script>")]


@case("html-in-id-cell")
def _(t):
    _home(t)
    text = session(minor_rows="| M-<img src=x onerror=alert(1)>-001 |  | x |\n")
    t.write("findings/session-1201.md", text)
    return [Want("finding-format", S1, line_of(text, "onerror"), "<img src=x onerror=alert(1)>")]


@case("pipe-in-id-cell")
def _(t):
    _home(t)
    text = session(minor_rows="| M-1201-001 \\| M-1201-002 |  | x |\n")
    t.write("findings/session-1201.md", text)
    return [Want("finding-format", S1, line_of(text, "M-1201-001 \\|"), "M-1201-001 | M-1201-002")]


@case("markdown-and-html-in-feature-field", cli_rc=0)  # unknown-feature is a warning
def _(t):
    _home(t)
    q = QUESTION.format(id="Q-1201-001", title="**Why** `x`?", feature="<b onclick=alert(1)>nobody</b>")
    text = session(questions=q)
    t.write("findings/session-1201.md", text)
    return [Want("unknown-feature", S1, line_of(text, "**Feature:**"), "names no feature ID")]


@case("duplicate-ids-across-sessions")
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    q = QUESTION.format(id="Q-1201-001", title="Wait limit?", feature="P1")
    t.write("findings/session-1201.md", session(questions=q))
    text2 = session(questions=q)
    t.write("findings/session-1202.md", text2)
    return [Want("duplicate-finding", "docs/findings/session-1202.md", line_of(text2, "### Q-1201-001"), "already used")]


@case("duplicate-feature-ids")
def _(t):
    _home(t)
    t.write("features/a.md", feature())
    t.write("features/b.md", feature())
    return [Want("feature-id", "docs/features/b.md", 1, "also declared by features/a.md")]


@case("attention-table-lies")
def _(t):
    _home(t)
    att = ("| Type | Count | IDs |\n|---|---|---|\n| 🔴 **CRITICAL** | 7 | <script>x</script> |\n"
           "| 🟡 **Questions** | two | Q-1201-009 |\n| <b>Bogus</b> | 1 | - |\n")
    text = session(attention=att)
    t.write("findings/session-1201.md", text)
    return [Want("attention-drift", S1, line_of(text, "| 🔴 **CRITICAL** | 7"), "count is 7"),
            Want("attention-drift", S1, line_of(text, "| 🟡 **Questions** | two"), "no finding defines it"),
            Want("attention-drift", S1, line_of(text, "<b>Bogus</b>"), "not a finding type")]


# ---- links, symlinks, special files ------------------------------------------------------------


@case("link-escaping-docs-dir")
def _(t):
    _home(t)
    text = feature(detail="Secrets: [passwd](../../../../etc/passwd) and ![img](../../../x.png)\n")
    t.write("features/p1.md", text)
    line = line_of(text, "[passwd]")
    return [Want("broken-link", P1, line, "points outside docs_dir")]


@case("symlink-loop", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    t.symlink("features/loop", "..")
    return [Want("read-error", "docs/features/loop", 0, "symbolic link loop")]


@case("dangling-symlinks", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    t.symlink("img/logo.png", str(t.root / "nowhere.png"))
    t.symlink("features/gone.md", str(t.root / "nowhere.md"))
    return [Want("read-error", "docs/img/logo.png", 0, "dangling symbolic link"),
            Want("read-error", "docs/features/gone.md", 0, "cannot read")]


@case("fifo-named-md", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    (t.docs / "features").mkdir(parents=True, exist_ok=True)
    os.mkfifo(t.docs / "features" / "pipe.md")
    os.mkfifo(t.docs / "stream.bin")
    return [Want("read-error", "docs/features/pipe.md", 0, "not a regular file"),
            Want("read-error", "docs/stream.bin", 0, "not a regular file")]


def _links_out(t: Tree) -> None:
    """A page, a folder and an image linked from outside docs_dir; an in-root link (fine, not reported)."""
    _home(t)
    t.write("features/p1.md", feature())
    t.write("notes.md", "# Notes\n\nShared.\n", under="outside")
    t.write("logo.png", b"\x89PNG\r\n", under="outside")
    t.symlink("shared", str(t.root / "outside"))
    t.symlink("img/logo.png", str(t.root / "outside" / "logo.png"))
    t.symlink("alias.md", "index.md")  # stays inside docs_dir: a page like any other


@case("symlinks-leaving-docs-dir", build=True)
def _(t):
    _links_out(t)
    wants = [Want("read-error", "docs/shared", 0, "symbolic link leaving docs_dir"),
             Want("read-error", "docs/img/logo.png", 0, "symbolic link leaving docs_dir")]
    for name, target in (("passwd.md", "/etc/passwd"), ("kmsg.md", "/proc/kmsg"), ("status.md", "/proc/self/status"),
                         ("null.md", "/dev/null")):
        if os.path.exists(target):  # /proc/kmsg looks like an empty regular file and blocks forever when read
            t.symlink(name, target)
            wants.append(Want("read-error", f"docs/{name}", 0, "symbolic link leaving docs_dir"))
    return wants


@case("symlink-to-root-proc-and-parent", max_seconds=5.0)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    t.symlink("root", "/")  # walked, it is the whole disk (and /proc's links back to /)
    t.symlink("features/kernel", "/proc")
    t.symlink("up", "..")  # the project folder, which holds docs_dir: a loop through outside
    return [Want("read-error", "docs/root", 0, "symbolic link leaving docs_dir (to /)"),
            Want("read-error", "docs/features/kernel", 0, "symbolic link leaving docs_dir (to /proc)"),
            Want("read-error", "docs/up", 0, "symbolic link leaving docs_dir")]


@case("contract-symlink-to-etc-passwd", options={"contracts_dir": "contracts"}, build=True)
def _(t):
    _contract_case(t, {"ok.yaml": "name: ok\n"})
    t.write("secret.yaml", "name: [root:x:0:0:secret-text\n", under="outside")
    t.symlink("secret.yaml", str(t.root / "outside" / "secret.yaml"), under="contracts")
    wants = [Want("contract", "contracts/secret.yaml", 0, "symbolic link leaving contracts_dir")]
    if os.path.exists("/etc/passwd"):
        t.symlink("passwd.yaml", "/etc/passwd", under="contracts")
        wants.append(Want("contract", "contracts/passwd.yaml", 0, "symbolic link leaving contracts_dir"))
    return wants


@case("file-ref-huge-sparse-file", options={"source_root": "src"})
def _(t):
    _home(t)
    big = t.write("big.log", "line one\nline two\n", under="src")
    os.truncate(big, 3 * 1024**3)  # 3 GB, sparse: counting all its lines reads 3 GB
    t.write("app.py", "x = 1\n", under="src")
    crits = "".join(CRIT.format(id=f"CRIT-1201-00{i}", title=f"T{i}", feature="-", file=f) + "\n"
                    for i, f in enumerate(("big.log:2", "big.log:1-2", "app.py:3"), 1))
    text = session(critical=crits)
    t.write("findings/session-1201.md", text)
    return [Want("source-ref", S1, line_of(text, "`app.py:3`"), "past the end of the file")]


@case("file-ref-escaping-source-root", options={"source_root": "src"})
def _(t):
    _home(t)
    t.write("app.py", "x = 1\n", under="src")
    crit = CRIT.format(id="CRIT-1201-001", title="Up", feature="-", file="../../../../etc/passwd:1")
    text = session(critical=crit)
    t.write("findings/session-1201.md", text)
    return [Want("source-ref", S1, line_of(text, "**File:**"), "points outside the source root")]


@case("file-ref-absolute", options={"source_root": "src"})
def _(t):
    _home(t)
    t.write("app.py", "x = 1\n", under="src")
    crit = CRIT.format(id="CRIT-1201-001", title="Abs", feature="-", file="/etc/hostname")
    text = session(critical=crit)
    t.write("findings/session-1201.md", text)
    return [Want("source-ref", S1, line_of(text, "**File:**"), "points outside the source root")]


@case("file-ref-symlink-out-of-source-root", options={"source_root": "src"})
def _(t):
    _home(t)
    t.write("secret.txt", "s3cret\n", under="outside")
    t.symlink("link.txt", str(t.root / "outside" / "secret.txt"), under="src")
    crit = CRIT.format(id="CRIT-1201-001", title="Link", feature="-", file="link.txt:1")
    text = session(critical=crit)
    t.write("findings/session-1201.md", text)
    return [Want("source-ref", S1, line_of(text, "**File:**"), "points outside the source root")]


@case("file-ref-huge-line-number", options={"source_root": "src"})
def _(t):
    _home(t)
    t.write("app.py", "x = 1\n", under="src")
    crit = CRIT.format(id="CRIT-1201-001", title="Far", feature="-", file="app.py:" + "9" * 5000)
    text = session(critical=crit)
    t.write("findings/session-1201.md", text)
    return [Want("source-ref", S1, line_of(text, "**File:**"), "past the end of the file")]


# ---- contracts ---------------------------------------------------------------------------------


def _contract_case(t: Tree, files: dict[str, str | bytes]) -> None:
    _home(t)
    t.write("features/p1.md", feature())
    for name, body in files.items():
        t.write(name, body, under="contracts")


@case("contract-invalid-yaml", options={"contracts_dir": "contracts"}, build=True)
def _(t):
    body = "name: broken\nsections:\n  - {id: a, names: [A\n  - {id: b}\n"
    _contract_case(t, {"broken.yaml": body})
    return [Want("contract", "contracts/broken.yaml", 4, "invalid YAML")]


@case("contract-empty", options={"contracts_dir": "contracts"})
def _(t):
    _contract_case(t, {"empty.yaml": ""})
    return [Want("contract", "contracts/empty.yaml", 1, "empty")]


@case("contract-cyclic-extends", options={"contracts_dir": "contracts"})
def _(t):
    _contract_case(t, {"a.yaml": "name: a\nextends: b\n", "b.yaml": "name: b\nextends: [c]\n", "c.yaml": "name: c\nextends: a\n"})
    return [Want("contract", "contracts/a.yaml", 2, "extends forms a cycle")]


@case("contract-extends-itself", options={"contracts_dir": "contracts"})
def _(t):
    _contract_case(t, {"self.yaml": "name: self\ndescription: me\nextends: self\n"})
    return [Want("contract", "contracts/self.yaml", 3, "cycle")]


@case("contract-huge", options={"contracts_dir": "contracts"})
def _(t):
    reqs = "".join(f"  - id: r{i}\n    description: requirement number {i} with some words\n" for i in range(30_000))
    _contract_case(t, {"huge.yaml": "name: huge\nrequirements:\n" + reqs})
    return [Want("contract", "contracts/huge.yaml", 0, "larger than 1 MB")]


@case("contract-10k-terms", options={"contracts_dir": "contracts"})
def _(t):
    terms = ", ".join(f"term{i}" for i in range(10_000))
    body = f"name: many\napplies_to: {{ids: [P1]}}\nextends: feature-doc\nrequirements:\n  - id: words\n    terms: [{terms}, selector]\n"
    _contract_case(t, {"many.yaml": body})
    return [Want("required-topic", P1, 1, '"term0" is not covered')]


@case("contract-schema-violation", options={"contracts_dir": "contracts"}, build=True)
def _(t):
    body = "name: Bad Name\nsections:\n  - {id: a, names: [A], level: 9}\nsurprise: true\n"
    _contract_case(t, {"bad.yaml": body})
    return [Want("contract", "contracts/bad.yaml", 1, "name"), Want("contract", "contracts/bad.yaml", 3, "level"),
            Want("contract", "contracts/bad.yaml", 1, "surprise")]


@case("contract-alias-bomb", options={"contracts_dir": "contracts"})
def _(t):
    body = "name: bomb\ndescription: &d x\nx-a: &a [*d, *d, *d, *d]\n"
    _contract_case(t, {"bomb.yaml": body})
    return [Want("contract", "contracts/bomb.yaml", 3, "aliases are not allowed")]


@case("contract-not-utf8", options={"contracts_dir": "contracts"})
def _(t):
    _contract_case(t, {"latin.yaml": "name: latin\ndescription: caf\u00e9\n".encode("latin-1")})
    return [Want("contract", "contracts/latin.yaml", 0, "cannot read contract")]


@case("contract-fifo-and-dev-zero", options={"contracts_dir": "contracts"}, build=True)
def _(t):
    _contract_case(t, {"ok.yaml": "name: ok\n"})
    os.mkfifo(t.root / "contracts" / "pipe.yaml")  # reading it would block forever
    if os.path.exists("/dev/zero"):
        t.symlink("zero.yaml", "/dev/zero", under="contracts")  # reading it would never end
    return [Want("contract", "contracts/pipe.yaml", 0, "not a regular file")]


@case("contract-bad-globs", options={"contracts_dir": "contracts"}, build=True)
def _(t):
    body = "name: globs\napplies_to:\n  paths:\n    - 'features/[z-a]*.md'\n    - 'features/[].md'\n    - '[!]'\n    - features/ok/*.md\n"
    _contract_case(t, {"globs.yaml": body})
    return [Want("contract", "contracts/globs.yaml", line_of(body, "[z-a]"), "bad character range"),
            Want("contract", "contracts/globs.yaml", line_of(body, "[]"), "empty character class"),
            Want("contract", "contracts/globs.yaml", line_of(body, "[!]"), "empty character class")]


@case("contract-extends-1200-deep", options={"contracts_dir": "contracts"}, build=True, max_seconds=10.0)
def _(t):
    files = {f"c{i:04}.yaml": f"name: c{i:04}\n" + (f"extends: c{i + 1:04}\n" if i < 1199 else "") for i in range(1200)}
    _contract_case(t, files)
    return [Want("contract", "contracts/c0000.yaml", 2, "extends chain is longer than 50 contracts")]


@case("contract-word-lists-1200-deep", options={"contracts_dir": "contracts"})
def _(t):
    words = "".join(f"  w{i}: ['@w{i + 1}']\n" for i in range(1200)) + "  w1200: [selector]\n"
    body = ("name: words\napplies_to: {ids: [P1]}\nextends: feature-doc\nwords:\n" + words
            + "requirements:\n  - id: deep\n    terms: [{name: deep, any: ['@w0']}]\n")
    _contract_case(t, {"words.yaml": body})
    return [Want("contract", "contracts/words.yaml", line_of(body, "requirements:"), "more than 50 deep")]


@case("contract-schema-error-quotes-one-line", options={"contracts_dir": "contracts"})
def _(t):
    body = "".join(f"user{i}:x:{i}:{i}:secret-{i}:/home/user{i}:/bin/sh\n" for i in range(40))  # a passwd-like file
    _contract_case(t, {"passwd.yaml": body})
    return [Want("contract", "contracts/passwd.yaml", 1, "'user0:x:0:0:secret-0:/home/use' (clipped) is not of type")]


@case("contracts-dir-missing", options={"contracts_dir": "no-such-folder"})
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    return [Want("contract", "no-such-folder", 0, "not a folder")]


@case("unknown-contract-in-front-matter")
def _(t):
    _home(t)
    text = feature(front_matter="id: P1\ncontract: <script>nope</script>")
    t.write("features/p1.md", text)
    return [Want("contract", P1, line_of(text, "contract:"), "unknown contract")]


# ---- plugin options ------------------------------------------------------------------------------


@case("unknown-plugin-option", raw_options="      bogus_option: 1\n", cli_rc=2, config_error="bogus_option", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    return []


@case("option-wrong-type", raw_options="      features: 42\n", cli_rc=2, config_error="features")
def _(t):
    _home(t)
    return []


@case("option-bad-regex", raw_options="      id_pattern: '([A-Z'\n", cli_rc=2, config_error="id_pattern")
def _(t):
    _home(t)
    return []


BOMB = "[" + ", ".join(["&l0 [x, x, x, x, x, x, x, x, x]"] + [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]) + "]"


@case("option-alias-bomb-banner", raw_options=f"      banner: {BOMB}\n", cli_rc=2, config_error="once YAML aliases are expanded",
      build=True)
def _(t):
    _home(t)
    return []


@case("option-alias-bomb-severity", raw_options=f"      severity: {{broken-link: {BOMB}}}\n", cli_rc=2,
      config_error="once YAML aliases are expanded", build=True)
def _(t):
    _home(t)
    return []


@case("option-alias-bomb-finding-type-label", cli_rc=2, config_error="once YAML aliases are expanded", build=True,
      raw_options=f"      finding_types: [{{prefix: CRIT, label: {BOMB}, severity: critical}}]\n")
def _(t):
    _home(t)
    return []


@case("option-recursive-alias", raw_options="      features: &a [*a]\n", cli_rc=2, config_error="refers to the value that contains it",
      build=True)
def _(t):
    _home(t)
    return []


@case("option-glob-bad-range", raw_options="      features: 'features/[z-a]*.md'\n", cli_rc=2, config_error="bad character range",
      build=True)
def _(t):
    _home(t)
    return []


@case("option-glob-empty-class", raw_options="      sessions: ['findings/[].md']\n", cli_rc=2, config_error="empty character class",
      build=True)
def _(t):
    _home(t)
    return []


@case("option-glob-negation", raw_options="      exclude: ['!features/keep.md']\n", cli_rc=2, config_error="negation")
def _(t):
    _home(t)
    return []


@case("option-id-pattern-inline-flag", raw_options="      id_pattern: '(?i)[a-z]{1,5}[0-9]+'\n", cli_rc=2,
      config_error="(?i:", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    return []


@case("option-id-pattern-named-group", raw_options="      id_pattern: '(?P<id>[A-Z]+[0-9]+)'\n", cli_rc=2,
      config_error="named group 'id'", build=True)
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    return []


@case("option-id-pattern-back-reference", raw_options="      id_pattern: '([A-Z])\\1[0-9]+'\n", cli_rc=2, config_error="back-reference")
def _(t):
    _home(t)
    return []


@case("option-id-pattern-matches-nothing", raw_options="      id_pattern: '[A-Z]*'\n", cli_rc=2, config_error="empty string")
def _(t):
    _home(t)
    return []


@case("option-unknown-rule-severity", raw_options="      severity: {no-such-rule: error}\n", cli_rc=2, config_error="no-such-rule")
def _(t):
    _home(t)
    return []


@case("option-report-file-escapes-site", raw_options="      report_file: ../../escaped.json\n", cli_rc=2,
      config_error="must be a path inside the site", build=True)
def _(t):
    _home(t)
    return []


@case("option-path-with-nul", raw_options='      contracts_dir: "con\\0tracts"\n', cli_rc=2, config_error="NUL", build=True)
def _(t):
    _home(t)
    return []


@case("option-finding-types-invalid", options={"finding_types": [{"prefix": "lower"}, {"prefix": "OK", "surprise": 1}, "x"]})
def _(t):
    _home(t)
    t.write("features/p1.md", feature())
    return [Want("contract", "mkdocs.yml", 0, "finding_types[0]"), Want("contract", "mkdocs.yml", 0, "finding_types[2]")]
