"""Ranking for person search, on folded text: accent-, case- and word-order-insensitive.

A candidate's text is the tab-separated fields written by `index.search_fields`: name, other names, phone
digits, birth date (dd/mm/yyyy), then the distinct words of the description, of the comments and of other apps'
texts (`kind\\x1ewords` fields).
Every candidate gets a tier with a few substring tests (`scan` skips them for most lines); the field-by-field
reasons ("trouvé dans …") are worked out only for the rows a page shows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.persons.index import KIND_SEP, SEARCH_FIELDS
from mano.persons.index import QUICK_FIELDS as QUICK
from mano.persons.text import digits, fold, words

LABELS = {
    "name": _("nom"),
    "other_names": _("autres pseudos"),
    "phone": _("téléphone"),
    "birth_date": _("date de naissance"),
    "description": _("description"),
    "comments": _("commentaire"),
    "actions": _("action"),
    "action_details": _("description ou catégorie d'action"),
}
ORDER = {field: position for position, field in enumerate(LABELS)}


class Query:
    """A search, folded once: its words and, for each word, the digits it must find in a phone number."""

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self.terms = [(term, _phone_form(term)) for term in words(text)]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def _found(self, term: str, phone: str | None, text: str, phone_field: str) -> bool:
        return term in text or (phone is not None and phone in phone_field)

    def tier(self, text: str) -> int | None:
        """0: name starts with the query; 1: name has every word; 2: so have the name, other names, phone or
        birth date together; 3: the whole text has every word; None: no match."""
        fields = text.split("\t", QUICK)
        name = fields[0]
        if name.startswith(self.folded):
            return 0
        if all(term in name for term, _ in self.terms):
            return 1
        phone = fields[2] if len(fields) > 2 else ""
        quick = "\t".join(fields[:QUICK])
        if all(self._found(term, form, quick, phone) for term, form in self.terms):
            return 2
        if all(self._found(term, form, text, phone) for term, form in self.terms):
            return 3
        return None

    def reasons(self, text: str) -> list[str]:
        """Which fields hold the words, in display order ("nom", "commentaire", …)."""
        named = _named(text.split("\t"))
        found = {
            field
            for field, value in named
            for term, form in self.terms
            if (form is not None and form in value)
            if field == "phone"
        }
        found |= {field for field, value in named for term, _ in self.terms if field != "phone" and term in value}
        return [str(LABELS.get(f, f)) for f in sorted(found, key=lambda f: ORDER.get(f, len(ORDER)))]


def _phone_form(term: str) -> str | None:
    wanted = digits(term)
    return wanted if len(wanted) >= 2 and wanted == term.replace(".", "").replace("-", "") else None


def _named(fields: list[str]) -> list[tuple[str, str]]:
    named = list(zip(SEARCH_FIELDS, fields, strict=False))
    for extra in fields[len(SEARCH_FIELDS) :]:
        kind, _, text = extra.partition(KIND_SEP)
        named.append((kind, text))
    return named
