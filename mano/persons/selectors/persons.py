"""Reads on persons: scoped by organisation and role; lists decrypt only small cards, pages only what they show."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from mano.accounts.models import Team, User
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.persons.filters import PersonFilters
from mano.persons.index import open_part
from mano.persons.models import Person, PersonIndex
from mano.persons.search import rank
from mano.persons.text import fold

PAGE_SIZE = 50
READ_ROLES = ("admin", "normal", "restricted")
SQL_SORTS = {"created": "-created_at", "interaction": "-last_interaction_at"}
CARD_SORTS = {"name": "name", "birth_date": "birth_date", "followed_since": "followed_since"}


@dataclass(frozen=True)
class PersonView:
    person: Person
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")


@dataclass
class Row:
    """One list or search row: the person, its decrypted card, and why it matched a search."""

    person: Person
    card: dict[str, Any]
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.card.get("name") or "")


def persons_of(user: User) -> QuerySet[Person]:
    if user.role not in READ_ROLES:
        raise Http404
    return Person.objects.filter(organisation_id=user.organisation_id, deleted_at=None)


def person_get(*, user: User, keyring: Keyring, person_id: UUID) -> PersonView:
    """A person of the user's organisation, or 404 (other organisations never learn it exists)."""
    person = persons_of(user).prefetch_related("teams").filter(pk=person_id).first()
    if person is None:
        raise Http404
    return PersonView(person, record_data(person, keyring))


def _indexes(user: User, team: Team | None) -> QuerySet[PersonIndex]:
    rows = PersonIndex.objects.filter(organisation_id=user.organisation_id, person__deleted_at=None)
    if user.role not in READ_ROLES:
        raise Http404
    return rows.filter(person__teams=team) if team is not None else rows


def _rows(indexes: list[PersonIndex], keyring: Keyring, part: str = "card") -> list[tuple[PersonIndex, dict]]:
    return [(ix, open_part(ix, part, keyring)) for ix in indexes]


def _with_persons(rows: list[Row]) -> list[Row]:
    persons = Person.objects.in_bulk([r.person.pk for r in rows])
    teams = {p.pk: p for p in Person.objects.filter(pk__in=persons).prefetch_related("teams")}
    for row in rows:
        row.person = teams[row.person.pk]
    return rows


def person_list(
    *, user: User, keyring: Keyring, team: Team | None, filters: PersonFilters, sort: str, page: str | int | None
) -> Page[Row]:
    """A page of persons. Plain sorts paginate in SQL and open 50 cards; name sorts and filters open all cards."""
    if sort in SQL_SORTS and not filters.is_set():
        persons = persons_of(user).order_by(SQL_SORTS[sort], "id").select_related("index").prefetch_related("teams")
        if team is not None:
            persons = persons.filter(teams=team)
        paginated = Paginator(persons, PAGE_SIZE).get_page(page)
        paginated.object_list = [Row(p, open_part(p.index, "card", keyring)) for p in paginated.object_list]
        return paginated
    indexes = list(_indexes(user, team).only("person_id", "organisation_id", "card"))
    rows = [Row(Person(pk=ix.person_id), card) for ix, card in _rows(indexes, keyring) if filters.match(card)]
    key = CARD_SORTS.get(sort, "name")
    rows.sort(key=lambda r: (r.card.get(key) is None, fold(str(r.card.get(key) or ""))), reverse=sort.startswith("-"))
    paginated = Paginator(rows, PAGE_SIZE).get_page(page)
    paginated.object_list = _with_persons(list(paginated.object_list))
    return paginated


def person_search(*, user: User, keyring: Keyring, query: str, page: str | int | None) -> Page[Row]:
    """Search the whole organisation: open each folded search text, rank, then open the cards of one page."""
    indexes = list(_indexes(user, None).only("person_id", "organisation_id", "search"))
    ranked = rank(query, ((ix.person_id, text) for ix, text in _rows(indexes, keyring, "search")))
    paginated = Paginator(ranked, PAGE_SIZE).get_page(page)
    shown = {ix.person_id: ix for ix in PersonIndex.objects.filter(pk__in=[pid for pid, _ in paginated.object_list])}
    rows = [
        Row(Person(pk=pid), open_part(shown[pid], "card", keyring), reasons) for pid, reasons in paginated.object_list
    ]
    paginated.object_list = _with_persons(rows)
    return paginated


def likely_duplicates(
    *, user: User, keyring: Keyring, name: str, birth_date: str | None, exclude: UUID | None = None
) -> list[Row]:
    """Persons with the same folded name, or the same birth date and a similar name."""
    target = fold(name)
    if not target:
        return []
    found = []
    for ix, card in _rows(list(_indexes(user, None).only("person_id", "organisation_id", "card")), keyring):
        if ix.person_id == exclude:
            continue
        other = fold(card.get("name"))
        same_birth = birth_date and card.get("birth_date") == birth_date
        if other == target or (same_birth and SequenceMatcher(None, other, target).ratio() >= 0.7):
            found.append(Row(Person(pk=ix.person_id), card))
    return _with_persons(found[:5])
