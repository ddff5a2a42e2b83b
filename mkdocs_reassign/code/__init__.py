"""Code references in feature docs, checked against the real source code.

Phase 1: the library.  Nothing here imports MkDocs, and tree-sitter is only
imported when a symbol has to be looked up (``symbols.py``), so a project
without ``source_root`` pays nothing.

* ``refs.find_code_refs(doc)``     -- the references a document makes (``path:line``, tables, fences)
* ``tree.SourceIndex(root)``       -- the source files under ``source_root``; resolves partial paths
* ``symbols.SymbolTable()``        -- definitions per file (tree-sitter), cached by content hash
* ``check.check_code_refs(...)``   -- references + index -> problems (missing, past end, undefined, moved)
* ``rewrite.rewrite_moved(...)``   -- the doc text with moved references renumbered
* ``git.cited_file_changes(...)``  -- cited files changed in git since the doc's own commit
"""

from __future__ import annotations

from .check import CodeRefProblem, Verdict, check_code_refs, classify
from .refs import CodeRef, find_code_refs, refs_from_text
from .rewrite import rewrite_moved
from .symbols import CodeParserMissing, Definition, FileSymbols, SymbolTable
from .tree import SourceIndex

__all__ = [
    "CodeRef",
    "CodeRefProblem",
    "CodeParserMissing",
    "Definition",
    "FileSymbols",
    "SourceIndex",
    "SymbolTable",
    "Verdict",
    "check_code_refs",
    "classify",
    "find_code_refs",
    "refs_from_text",
    "rewrite_moved",
]
