"""Commands that edit the docs tree: ``fix`` (attention tables), ``new`` (scaffold a doc from its contract)."""


class UsageError(Exception):
    """A command line that cannot be carried out (exit 2)."""
