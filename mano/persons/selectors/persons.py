"""Reads on persons: scoped by organisation and role; lists decrypt only small cards, pages only what they show."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, overload
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from mano.accounts.models import Team, User
from mano.core.crypto import Keyring
from mano.core.pagination import page_with_rows
from mano.core.records import record_data
from mano.persons import order
from mano.persons.filters import PersonFilters
from mano.persons.index import PERSON_SHARDS, Line, open_part, shard_lines
from mano.persons.models import Person
from mano.persons.scan import Hit, name_key, scan, searched_text
from mano.persons.search import Query
from mano.persons.text import fold

PAGE_SIZE = 50
READ_ROLES = ("admin", "normal", "restricted")
FULL_READ_ROLES = ("admin", "normal")
SQL_SORTS = {"created": "-created_at", "interaction": "-last_interaction_at"}


@dataclass(frozen=True)
class PersonView:
    person: Person
    data: dict[str, Any]
    # The person's live passages and rencontres by kind (passages.Encounters), read once for the page: its
    # comments' timeline and its passages section both show them (see passages.live_encounters).
    encounters: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")


@dataclass
class Row:
    """One list or search row: the person's id, its decrypted card, why it matched a search, and (for the
    rows a page shows) the person with its teams."""

    person_id: UUID
    card: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    person: Person | None = None
    line: Line | None = None

    @property
    def name(self) -> str:
        return str(self.card.get("name") or "")


def persons_of(user: User) -> QuerySet[Person]:
    if user.role not in READ_ROLES:
        raise Http404
    return Person.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)


def person_get(*, user: User, keyring: Keyring, person_id: UUID) -> PersonView:
    """A person of the user's organisation, or 404 (other organisations never learn it exists)."""
    person = persons_of(user).prefetch_related("teams").filter(pk=person_id).first()
    if person is None:
        raise Http404
    return PersonView(person, record_data(person, keyring))


def _deleted(user: User) -> set[str]:
    """The ids of the organisation's deleted persons (their lines may outlive them in the shards)."""
    if user.role not in READ_ROLES:
        raise Http404
    deleted = Person.objects.filter(organisation_id=user.member_organisation_id, deleted_at__isnull=False)
    return {str(pk) for pk in deleted.values_list("pk", flat=True)}


def _lines(user: User, keyring: Keyring) -> list[str]:
    """Every live person's shard line in the user's organisation."""
    return shard_lines(user.organisation_id, keyring, _deleted(user))


def _with_persons(rows: list[Row], organisation_id: Any) -> list[Row]:
    """Attach the persons (with their teams) to the rows of one page; a row whose person is gone is dropped."""
    persons = (
        Person.objects.filter(organisation_id=organisation_id, deleted_at=None)
        .only("id", "organisation_id", "created_at", "last_interaction_at")
        .prefetch_related("teams")
        .in_bulk([r.person_id for r in rows])
    )
    kept = []
    for row in rows:
        if row.person_id in persons:
            row.person = persons[row.person_id]
            if row.line is not None and not row.card:
                row.card = row.line.card()
            kept.append(row)
    return kept


def person_list(
    *, user: User, keyring: Keyring, team: Team | None, filters: PersonFilters, sort: str, page: str | int | None
) -> Page[Row]:
    """A page of persons. Plain sorts paginate in SQL and open 50 cards; name sorts and filters open all cards."""
    if sort in SQL_SORTS and not filters.is_set():
        persons = (
            persons_of(user)
            .order_by(SQL_SORTS[sort], "id")
            .only("id", "organisation_id", "created_at", "last_interaction_at", "index__card", "index__organisation_id")
            .select_related("index")
            .prefetch_related("teams")
        )
        if team is not None:
            persons = persons.filter(pk__in=Person.teams.through.objects.filter(team=team).values("person_id"))
        paginated = Paginator(persons, PAGE_SIZE).get_page(page)
        return page_with_rows(
            paginated, [Row(p.pk, open_part(p.index, "card", keyring), person=p) for p in paginated.object_list]
        )
    if not filters.is_set():
        return _ordered_page(user, keyring, team, sort, page)
    lines = _lines(user, keyring)
    if team is not None:
        team_id = str(team.pk)
        lines = [raw for raw in lines if team_id in raw.split("\t", 2)[1]]
    lines = [raw for raw in lines if filters.match(Line.of(raw).card())]
    lines.sort(key=order.SORT_KEYS[_sort_key(sort)], reverse=sort.startswith("-"))
    line_page = Paginator(lines, PAGE_SIZE).get_page(page)
    shown = [Line.of(raw) for raw in line_page.object_list]
    return page_with_rows(
        line_page, _with_persons([Row(UUID(ln.person_id), {}, line=ln) for ln in shown], user.organisation_id)
    )


def _sort_key(sort: str) -> str:
    return sort.lstrip("-") if sort.lstrip("-") in order.SORT_KEYS else "name"


def _ordered_page(user: User, keyring: Keyring, team: Team | None, sort: str, page: str | int | None) -> Page[Row]:
    """A page of a list sorted on encrypted values without filters: the cached order of ids (see `order`), then
    the page's 50 small cards. The shards are opened only when one of them changed since the order was made."""
    deleted = _deleted(user)
    found = order.sorted_order(user.organisation_id, keyring, _sort_key(sort))
    team_id = str(team.pk) if team is not None else None
    ids = [
        person_id
        for person_id, teams in zip(found.ids, found.teams, strict=True)
        if person_id not in deleted and (team_id is None or team_id in teams)
    ]
    if sort.startswith("-"):
        ids.reverse()
    paginated = Paginator(ids, PAGE_SIZE).get_page(page)
    persons = (
        persons_of(user)
        .only("id", "organisation_id", "created_at", "last_interaction_at", "index__card", "index__organisation_id")
        .select_related("index")
        .prefetch_related("teams")
        .in_bulk([UUID(person_id) for person_id in paginated.object_list])
    )
    rows = [
        Row(person.pk, open_part(person.index, "card", keyring), person=person)
        for person in (persons.get(UUID(person_id)) for person_id in paginated.object_list)
        if person is not None
    ]
    return page_with_rows(paginated, rows)


# Other apps' searchable texts a member may read but that are not in the shards (the medical half, sealed with
# K_health): provider(user, keyring, query) -> {person id: ["kind\x1efolded text", ...]}. Called for full roles.
SEARCH_PROVIDERS: list[Callable[[User, Keyring, Query], dict[str, list[str]]]] = []


def _extra_texts(user: User, keyring: Keyring, search: Query) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for provider in SEARCH_PROVIDERS:
        for person_id, texts in provider(user, keyring, search).items():
            found.setdefault(person_id, []).extend(texts)
    return {person_id: "\t".join(texts) for person_id, texts in found.items()}


def person_search(*, user: User, keyring: Keyring, query: str, page: str | int | None) -> Page[Row]:
    """Search the whole organisation: scan the shards' texts, rank, then build the rows of one page.

    Ranking: by tier (see `search.Query.tier`), then by name and id. Restricted members search names, other
    names, phone and birth date only: they may not read the description, comments or custom fields, so a match
    there would tell them what they may not see.
    """
    search = Query(query)
    quick_only = user.role not in FULL_READ_ROLES
    deleted = _deleted(user)
    if not search:
        return page_with_rows(Paginator([], PAGE_SIZE).get_page(page), [])
    # The shards open on the pool's thread (libsodium without the GIL) while the other apps look for the words.
    stamp, texts = PERSON_SHARDS.blobs(user.organisation_id, keyring)
    extra = _extra_texts(user, keyring, search) if not quick_only else {}
    ranked = _ranked(scan(texts, search, quick_only=quick_only, extra=extra), texts, deleted, stamp, user)
    paginated = Paginator(ranked, PAGE_SIZE).get_page(page)
    rows = []
    for _, _, shard, start, end in paginated.object_list:
        raw = texts[shard][1][start:end].decode()
        line = Line.of(raw)
        text = searched_text(raw, quick_only, extra.get(line.person_id, ""))
        rows.append(Row(UUID(line.person_id), {}, search.reasons(text), line=line))
    return page_with_rows(paginated, _with_persons(rows, user.organisation_id))


class Ranked(Sequence[Hit]):
    """Hits in rank order (`keys[i]` ranks `hits[i]`), sorted only as far as a page read asks (`heapq.nsmallest`,
    which orders as a stable `sorted` does): a word found in most files hits ~20,000 lines at 30,000 persons,
    and a page shows fifty."""

    def __init__(self, hits: list[Hit], keys: list[Any]) -> None:
        self._hits, self._keys, self._sorted = hits, keys, list[Hit]()

    def __len__(self) -> int:
        return len(self._hits)

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        size = len(self._hits)
        stop = index.indices(size)[1] if isinstance(index, slice) else range(size)[index] + 1
        if len(self._sorted) < stop:
            hits = self._hits
            self._sorted = [hits[i] for i in heapq.nsmallest(stop, range(size), key=self._keys.__getitem__)]
        return self._sorted[index]


def _ranked(hits: list[Hit], texts: Sequence[tuple[int, bytes]], deleted: set[str], stamp: Any, user: User) -> Ranked:
    """The live persons' hits by tier, then by name and id: the cached rank by name when the shards have not
    changed since it was made, else the names read from the lines. Keys are worked out in one comprehension,
    not by a key function called per hit."""
    live = [hit for hit in hits if hit[1] not in deleted] if deleted else hits
    ranks = order.search_ranks(user.organisation_id, stamp)
    if ranks is not None:
        span = len(ranks)  # one integer a hit: tier first, then its rank by name
        try:
            return Ranked(live, [tier * span + ranks[person_id] for tier, person_id, _, _, _ in live])
        except KeyError:
            pass  # a person the cached order does not hold yet
    keys = [(tier, name_key(texts[shard][1], start), person_id) for tier, person_id, shard, start, _ in live]
    return Ranked(live, keys)


def likely_duplicates(
    *, user: User, keyring: Keyring, name: str, birth_date: str | None, exclude: UUID | None = None
) -> list[Row]:
    """Persons with the same folded name, or the same birth date and a similar name."""
    target = fold(name)
    if not target:
        return []
    found = []
    for line in map(Line.of, _lines(user, keyring)):
        if line.person_id == str(exclude):
            continue
        same_birth = birth_date and line.birth_date == birth_date
        if line.name_key == target or (same_birth and SequenceMatcher(None, line.name_key, target).ratio() >= 0.7):
            found.append(Row(UUID(line.person_id), {}, line=line))
    return _with_persons(found[:5], user.organisation_id)
