"""What the coverage rules (required-section, required-topic, diagram) say alike."""

from __future__ import annotations


def alts(names: list[str]) -> str:
    return " or ".join(f'"{n}"' for n in names)


def tag(gap) -> str:
    return f"contract {gap.contract}, requirement {gap.req.id}"


def gaps(fd, *kinds: str):
    """(index, gap) of the doc's gaps of these kinds; the index orders diagnostics as the contract does."""
    return [(i, g) for i, g in enumerate(fd.gaps) if g.kind in kinds]
