"""docs/getting-started.md, built as a reader would: its mkdocs.yml, feature doc, diagram and session file
are taken from the page's own code blocks (so the page and this test cannot drift), built with the real
MkDocs and Material, and the console output the page shows is compared with what the tools print."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli_support import REPO, cli, mkdocs_build

PAGE = REPO / "docs" / "getting-started.md"
FEATURE = "docs/features/billing/invoice-export.md"
SESSION = "docs/findings/session-2026-12-01.md"


def blocks() -> list[tuple[str, str, str]]:
    """(step heading, info string, content) of every fenced block of the page, fences nested in longer fences kept."""
    out, step, fence, info, body = [], "", None, "", []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if fence is None:
            m = re.match(r"^(`{3,})(.*)$", line)
            if m:
                fence, info, body = m[1], m[2].strip(), []
            elif line.startswith("## "):
                step = line[3:]
        elif re.fullmatch(re.escape(fence) + r"`*\s*", line):
            out.append((step, info, "\n".join(body) + "\n"))
            fence = None
        else:
            body.append(line)
    return out


def block(step: str, info: str) -> str:
    found = [text for s, i, text in blocks() if s.startswith(step) and i == info]
    assert len(found) == 1, f"expected one {info} block in step {step!r} of {PAGE.name}, found {len(found)}"
    return found[0]


def _project(root: Path, diagram: bool, session: bool) -> Path:
    root.mkdir()
    (root / "mkdocs.yml").write_text(block("2.", "yaml"), encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Billing docs\n", encoding="utf-8")
    doc = block("3.", "markdown")
    if diagram:  # step 6: the How It Works section with its Mermaid fence replaces the one of step 3
        how = block("6.", "markdown")
        doc = doc[: doc.index("## How It Works")] + how
    for rel, text in ((FEATURE, doc), (SESSION, block("9.", "markdown") if session else None)):
        if text is not None:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    return root


def _console(step: str, prompt: str) -> list[str]:
    """The lines a console block of the page shows after `$ <prompt>`, up to the next prompt."""
    found = [t.splitlines() for s, i, t in blocks() if s.startswith(step) and i == "console" and f"$ {prompt}\n" in t]
    assert len(found) == 1, f"expected one console block with $ {prompt} in step {step!r}"
    lines = found[0]
    start = lines.index(f"$ {prompt}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("$ ")), len(lines))
    return lines[start:end]


def test_strict_build_and_check_print_what_the_page_shows(tmp_path):
    project = _project(tmp_path / "billing", diagram=False, session=False)
    build = mkdocs_build(project, "--strict")
    assert build.returncode == 1
    shown = [ln for ln in _console("5.", "mkdocs build --strict") if ln.startswith("WARNING")]
    logged = [ln for ln in build.stderr.splitlines() if ln.startswith("WARNING")]
    assert logged == shown, build.stderr
    assert f"Aborted with {len(shown)} warnings in strict mode!" in build.stdout + build.stderr

    check = cli("check", cwd=project)
    assert check.returncode == 1
    assert check.stdout.splitlines() == _console("6.", "mkdocs-reassign check")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The whole example (steps 2, 3, the diagram of step 6 and the session file of step 9), built."""
    project = _project(tmp_path_factory.mktemp("gs") / "billing", diagram=True, session=True)
    build = mkdocs_build(project)
    assert build.returncode == 0, build.stderr
    assert "Traceback" not in build.stderr
    return project, project.parent / "billing-site"


def _main(html: str) -> str:
    m = re.search(r"<article\b.*?</article>", html, re.S)
    assert m, "no <article> in the page"
    return m[0]


def test_the_diagram_renders_as_mermaid_not_as_code(built):
    _, site = built
    html = _main((site / "features" / "billing" / "invoice-export" / "index.html").read_text(encoding="utf-8"))
    assert re.search(r'<pre class="mermaid"><code>flowchart LR', html), html[:2000]
    assert "language-mermaid" not in html


def test_the_session_renders_checkboxes_and_tables(built):
    _, site = built
    html = _main((site / "findings" / "session-2026-12-01" / "index.html").read_text(encoding="utf-8"))
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', html)
    assert len(boxes) == 4 and sum("checked" in b for b in boxes) == 1, boxes
    assert "[ ]" not in html and "[x]" not in html, "a decision shows as a literal checkbox"
    assert html.count("<table") >= 3  # attention table, minor issues, decisions log
    run_on = re.search(r"<p>(?:(?!</p>).)*<strong>Found by:</strong>(?:(?!</p>).)*<strong>Feature:</strong>", html, re.S)
    assert run_on is None, f"a finding's fields run on in one paragraph: {run_on[0][:200]}"


def test_the_session_example_is_valid(built):
    """The page's session file follows the format: check reports nothing on it, and the only gap left in
    the feature doc is the template (the page's doc has 2 of its 12 sections; the diagram is there)."""
    project, _ = built
    r = cli("check", "--format", "json", cwd=project)
    diags = json.loads(r.stdout)["diagnostics"]
    assert [d for d in diags if d["path"] == SESSION] == []
    assert {d["rule"] for d in diags if d["path"] == FEATURE} == {"template"}, diags
