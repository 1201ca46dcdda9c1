"""Ranking for person search, on folded text: accent-, case- and word-order-insensitive.

A candidate is a list of fields as written by `index.search_fields`: name, other names, phone digits,
birth date (dd/mm/yyyy), description, comments (joined), then `kind\\x1etexts` fields from other apps.
"""

from __future__ import annotations

from collections.abc import Iterable

from mano.persons.index import KIND_SEP, SEARCH_FIELDS
from mano.persons.text import digits, fold, words

LABELS = {
    "name": "nom",
    "other_names": "autres pseudos",
    "phone": "téléphone",
    "birth_date": "date de naissance",
    "description": "description",
    "comments": "commentaire",
    "actions": "action",
}
QUICK = {"name", "other_names", "phone", "birth_date"}
PHONE = SEARCH_FIELDS.index("phone")


def _named(fields: list[str]) -> list[tuple[str, str]]:
    named = list(zip(SEARCH_FIELDS, fields, strict=False))
    for extra in fields[len(SEARCH_FIELDS) :]:
        kind, _, text = extra.partition(KIND_SEP)
        named.append((kind, text))
    return named


def _hit(term: str, field: str, text: str) -> bool:
    if field == "phone":
        wanted = digits(term)
        return len(wanted) >= 2 and wanted == term.replace(".", "").replace("-", "") and wanted in text
    return term in text


def _tier(query: str, terms: list[str], fields: list[str]) -> tuple[int, list[str]] | None:
    name = fields[0] if fields else ""
    if name.startswith(query):
        return 0, ["name"]
    if all(t in name for t in terms):
        return 1, ["name"]
    named = _named(fields)
    found: list[str] = []
    for term in terms:
        hits = [f for f, text in named if _hit(term, f, text)]
        if not hits:
            return None
        found += [h for h in hits if h not in found]
    order = list(LABELS)
    found.sort(key=lambda f: order.index(f) if f in order else len(order))
    return (2 if set(found) <= QUICK else 3), found


def rank(query: str, items: Iterable[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Name starting with the query first, then name containing every word, then other names, phone or
    birth date, then anything else (description, comments, actions). Returns (person id, reasons)."""
    folded, terms = fold(query), words(query)
    if not terms:
        return []
    ranked = []
    for person_id, fields in items:
        tier = _tier(folded, terms, fields)
        if tier is not None:
            reasons = [LABELS.get(f, f) for f in tier[1]]
            ranked.append((tier[0], fields[0] if fields else "", person_id, reasons))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [(person_id, reasons) for _, _, person_id, reasons in ranked]
