"""Coverage by meaning: Unicode words and stems, units of prose, concepts.

``words``: tokenizer, stemmer, placeholder and question detection.
``units``: a doc's prose split into headings, table rows, list items and sentences.
``concepts``: concepts (phrases and proximity groups) matched against units, and
heading name families. Literal and deterministic: no user regexes, no models.
"""

from .concepts import Alternative, Concept, ConceptVerdict, DocIndex, heading_matches, heading_words
from .units import Unit, split_units
from .words import is_placeholder, is_question, stem, stems, tokens

__all__ = [
    "Alternative", "Concept", "ConceptVerdict", "DocIndex", "heading_matches", "heading_words",
    "Unit", "split_units", "is_placeholder", "is_question", "stem", "stems", "tokens",
]
