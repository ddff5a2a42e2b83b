"""Reading Markdown: a one-pass block scanner (block.py), inline links and comments (inline.py), front matter
with a bounded YAML loader (frontmatter.py, yamlutil.py), and the parsed document (doc.py). Nothing here
knows about features, findings or MkDocs."""

from .block import scan
from .doc import Fence, Heading, Link, ScannedDoc, Section, comment_spans, normalize_heading, normalize_label, sub_comments
from .frontmatter import split_front_matter

__all__ = ["Heading", "Fence", "Link", "Section", "ScannedDoc", "scan", "normalize_heading", "normalize_label",
           "split_front_matter", "sub_comments", "comment_spans"]
