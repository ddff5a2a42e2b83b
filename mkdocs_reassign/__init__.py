"""mkdocs-reassign: hold feature docs to a written contract at build time."""

__version__ = "0.1.0"
