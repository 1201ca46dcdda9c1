"""Ranking for person search, on folded text: accent-, case- and word-order-insensitive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from mano.persons.text import digits, fold, words

REASON_LABELS = {
    "name": "nom",
    "other_names": "autres pseudos",
    "phone": "téléphone",
    "birth_date": "date de naissance",
    "description": "description",
    "comments": "commentaire",
    "actions": "action",
}


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def _word_in(word: str, field: str, value: Any) -> bool:
    if field == "phone":
        wanted = digits(word)
        return len(wanted) >= 2 and wanted == word.replace(".", "").replace("-", "") and wanted in str(value or "")
    return any(word in text for text in _texts(value))


def _tier(query: str, terms: list[str], text: dict[str, Any]) -> tuple[int, list[str]] | None:
    name = str(text.get("name") or "")
    if name.startswith(query):
        return 0, ["name"]
    if all(w in name for w in terms):
        return 1, ["name"]
    hits = {w: [f for f, v in text.items() if _word_in(w, f, v)] for w in terms}
    if not all(hits.values()):
        return None
    fields = sorted({f for found in hits.values() for f in found}, key=list(REASON_LABELS).index)
    quick = {"name", "other_names", "phone", "birth_date"}
    return (2 if set(fields) <= quick else 3), fields


def rank(query: str, items: Iterable[tuple[UUID, dict[str, Any]]]) -> list[tuple[UUID, list[str]]]:
    """Name starting with the query first, then name containing every word, then names/phone/birth date,
    then anything else (description, comments, actions). Returns (person id, reasons) in that order."""
    folded, terms = fold(query), words(query)
    if not terms:
        return []
    found = []
    for person_id, text in items:
        tier = _tier(folded, terms, text)
        if tier is not None:
            found.append(
                (
                    tier[0],
                    str(text.get("name") or ""),
                    person_id,
                    [REASON_LABELS[f] for f in tier[1] if f in REASON_LABELS],
                )
            )
    found.sort(key=lambda item: (item[0], item[1]))
    return [(person_id, reasons) for _, _, person_id, reasons in found]
