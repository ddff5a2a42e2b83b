"""`mkdocs-reassign new` makes usable file names from any feature name."""

from __future__ import annotations

import pytest

from mkdocs_reassign.commands.new import slugify


@pytest.mark.parametrize("name, slug", [
    ("Visitor Reassignment", "visitor-reassignment"),
    ("Résumé Überprüfung straße", "resume-uberprufung-strasse"),  # accents dropped (NFKD), ß spelt out
    ("Gestión de Llamadas — Niño", "gestion-de-llamadas-nino"),
    ("Øresund Ærø", "oresund-aero"),  # letters NFKD leaves whole
    ("Ведение звонков", "vedenie-zvonkov"),  # Cyrillic transliterated
    ("座席管理", "座席管理"),  # CJK has no ASCII spelling: its own letters, readable
    ("한국어 기능", "한국어-기능"),  # Hangul: NFKD splits it into jamo; the slug is recomposed
    ("Agent 2FA (TOTP)", "agent-2fa-totp"),
    ("!!!", "feature"),
])
def test_slugify(name, slug):
    assert slugify(name) == slug
