"""Builds the small encrypted projections of a person (card for lists, folded text for search)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from mano.core.crypto import KeyKind, Keyring, decrypt_record, encrypt_record
from mano.core.records import record_data
from mano.persons.models import Comment, Person, PersonIndex
from mano.persons.text import digits, fold

CARD_FIELDS = (
    "name",
    "other_names",
    "gender",
    "birth_date",
    "phone",
    "vulnerable",
    "followed_since",
    "out_of_active_list",
    "custom",
)
# Other apps add searchable text (action names, …): callables (person, keyring) → (kind, texts).
SEARCH_SOURCES: list[Callable[[Person, Keyring], tuple[str, list[str]]]] = []
# Other modules add card facts (family membership, …): callables (person, keyring) → dict.
CARD_SOURCES: list[Callable[[Person, Keyring], dict[str, Any]]] = []


def _table(part: str) -> str:
    return f"{PersonIndex._meta.db_table}.{part}"


def french_date(value: str | None) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y") if value else ""
    except ValueError:
        return ""


def _comment_texts(person: Person, keyring: Keyring) -> list[str]:
    rows = Comment.objects.filter(person=person, deleted_at=None).only("id", "organisation_id", "payload")
    return [fold(record_data(c, keyring).get("text")) for c in rows]


def build_search(person: Person, data: dict[str, Any], keyring: Keyring) -> dict[str, Any]:
    text: dict[str, Any] = {
        "name": fold(data.get("name")),
        "other_names": fold(data.get("other_names")),
        "phone": digits(data.get("phone")),
        "birth_date": french_date(data.get("birth_date")),
        "description": fold(data.get("description")),
        "comments": _comment_texts(person, keyring),
    }
    for source in SEARCH_SOURCES:
        kind, texts = source(person, keyring)
        text[kind] = [fold(t) for t in texts]
    return text


def index_refresh(person: Person, keyring: Keyring, data: dict[str, Any] | None = None) -> None:
    """Re-encrypt the card and the search text after any change to the person or what hangs off it."""
    data = data if data is not None else record_data(person, keyring)
    card = {key: data.get(key) for key in CARD_FIELDS}
    for source in CARD_SOURCES:
        card.update(source(person, keyring))
    sealed = {}
    for part, content in (("card", card), ("search", build_search(person, data, keyring))):
        sealed[part], _ = encrypt_record(
            keyring,
            kind=KeyKind.GENERAL,
            table=_table(part),
            row_id=person.pk,
            org_id=person.organisation_id,
            data=content,
        )
    PersonIndex.objects.update_or_create(person=person, defaults={"organisation_id": person.organisation_id, **sealed})


def open_part(index: PersonIndex, part: str, keyring: Keyring) -> dict[str, Any]:
    return decrypt_record(
        keyring, table=_table(part), row_id=index.person_id, org_id=index.organisation_id, envelope=getattr(index, part)
    )
