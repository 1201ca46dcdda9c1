"""`fold` takes a shortcut for ASCII text: it must fold every text exactly as the general path does."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from mano.persons.text import fold

_SPACES = re.compile(r"[\s\x00-\x1f\x7f]+")


def _general(text: str) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


@settings(max_examples=2000)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_before(text):
    assert fold(text) == _general(text)


@settings(max_examples=500)
@given(st.text())
def test_any_text_folds_as_before(text):
    assert fold(text) == _general(text)


def test_examples():
    assert fold("  Éloïse \t DUPONT ") == "eloise dupont"
    assert fold("RSA  demandé\x1f") == "rsa demande"
    assert fold("CCAS\nDomiciliation") == "ccas domiciliation"
