"""Rule code-ref through the real CLI on the corpus docs, against the product's source at two commits.

Nothing is copied into the project: a mkdocs.yml written into tmp_path points docs_dir at the corpus docs
by absolute path and source_root at /work/shared/coderefs/src-<commit>. When the shared data is missing
these tests fail, never skip. The expected moved references are the library's (tests/test_code_refs_corpus.py).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from cli_support import cli
from test_code_refs_corpus import DOCS, MOVED_AT_88B7E7B, MOVED_AT_C342276, SRC_NEW, SRC_OLD

pytestmark = pytest.mark.corpus

MOVED = re.compile(r"^docs/(?P<doc>\S+\.md):(?P<line>\d+): error: code-ref: (?P<sym>.+?) is defined at \S+:\d+, "
                   r"cited (?P<cited>[\d-]+): the code moved \d+ lines? (?:up|down) \(cite (?P<new>[\d-]+)[ ;]")


def _config(tmp_path: Path, docs: Path, src: Path) -> Path:
    for p in (docs, src):
        assert p.is_dir(), f"the shared data is missing: {p} (these tests never skip)"
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(f"site_name: corpus\ndocs_dir: {docs}\nplugins:\n  - reassign:\n      source_root: {src}\n",
                   encoding="utf-8")
    return cfg


def _span(s: str) -> str:
    return s if "-" in s else f"{s}-{s}"


def _moved(out: str) -> set[tuple]:
    found = set()
    for line in out.splitlines():
        m = MOVED.match(line)
        if m:
            found.add((m["doc"], int(m["line"]), m["sym"], _span(m["cited"]), _span(m["new"])))
    return found


@pytest.mark.parametrize("src, expected", [(SRC_OLD, MOVED_AT_88B7E7B), (SRC_NEW, MOVED_AT_C342276)],
                         ids=["88b7e7b", "c342276"])
def test_moved_references_reported_with_their_new_lines(tmp_path, src, expected):
    cfg = _config(tmp_path, DOCS, src)
    r = cli("check", "-q", "-f", str(cfg), cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    code_ref = [ln for ln in r.stdout.splitlines() if ": code-ref: " in ln]
    # docs_dir is outside the config's folder: report paths are absolute; make them docs/-relative
    out = r.stdout.replace(str(DOCS) + "/", "docs/")
    print(f"\n{src.name}: {len(code_ref)} code-ref diagnostics, {len(_moved(out))} moved")
    assert _moved(out) == expected
    # the session file's File: lines belong to source-ref: no code-ref diagnostic repeats them
    session = [ln for ln in out.splitlines() if ln.startswith("docs/findings/") and "staleness.ts" in ln]
    assert session and all(": source-ref: " in ln for ln in session)


def test_fix_code_refs_on_a_copy_of_a_corpus_doc(tmp_path):
    doc = "features/platform/agent-assignment.md"
    docs = tmp_path / "docs"
    (docs / "features" / "platform").mkdir(parents=True)
    shutil.copyfile(DOCS / doc, docs / doc)
    cfg = _config(tmp_path, docs, SRC_NEW)
    moved = {m for m in MOVED_AT_C342276 if m[0] == doc}
    assert moved
    before = (docs / doc).read_bytes()
    assert cli("fix", "--code-refs", "--check", "-q", "-f", str(cfg), cwd=tmp_path).returncode == 1
    r = cli("fix", "--code-refs", "-q", "-f", str(cfg), cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == f"fixed: docs/{doc}\n", r.stdout + r.stderr
    after = (docs / doc).read_bytes()
    assert after != before and len(after.splitlines()) == len(before.splitlines())
    # only the moved references' lines changed
    changed = {i + 1 for i, (a, b) in enumerate(zip(before.splitlines(), after.splitlines())) if a != b}
    assert changed == {m[1] for m in moved}
    check = cli("check", "-q", "-f", str(cfg), cwd=tmp_path)
    assert _moved(check.stdout) == set(), check.stdout
    r = cli("fix", "--code-refs", "-q", "-f", str(cfg), cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "no moved code references\n"
    assert (docs / doc).read_bytes() == after
    assert cli("fix", "--code-refs", "--check", "-q", "-f", str(cfg), cwd=tmp_path).returncode == 0
