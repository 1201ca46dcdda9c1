"""Reads on persons: scoped by organisation and role; lists decrypt only small cards, pages only what they show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from mano.accounts.models import Team, User
from mano.core.crypto import Keyring
from mano.core.pagination import page_with_rows
from mano.core.records import record_data
from mano.persons.filters import PersonFilters
from mano.persons.index import Line, open_part, shard_lines
from mano.persons.models import Person
from mano.persons.search import Query, rank
from mano.persons.text import fold

PAGE_SIZE = 50
READ_ROLES = ("admin", "normal", "restricted")
FULL_READ_ROLES = ("admin", "normal")
QUICK_FIELDS = 4  # name, other names, phone, birth date: the first search fields (index.SEARCH_FIELDS)
SQL_SORTS = {"created": "-created_at", "interaction": "-last_interaction_at"}


def _by_name(raw: str) -> tuple[bool, str]:
    name = raw.split("\t", 3)[2]
    return (not name, name)


def _by_field(position: int) -> Callable[[str], tuple[bool, str, str]]:
    """Sort raw shard lines on one of their leading fields (birth date, followed since), then by name."""

    def key(raw: str) -> tuple[bool, str, str]:
        fields = raw.split("\t", position + 1)
        return (not fields[position], fields[position], fields[2])

    return key


# Raw lines are sorted without being split into records: at 20,000 persons that is most of the list's cost.
SORT_KEYS = {"name": _by_name, "birth_date": _by_field(3), "followed_since": _by_field(4)}


@dataclass(frozen=True)
class PersonView:
    person: Person
    data: dict[str, Any]

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


def _lines(user: User, keyring: Keyring) -> list[str]:
    """Every live person's shard line in the user's organisation."""
    if user.role not in READ_ROLES:
        raise Http404
    deleted = Person.objects.filter(organisation_id=user.member_organisation_id, deleted_at__isnull=False)
    excluded = {str(pk) for pk in deleted.values_list("pk", flat=True)}
    return shard_lines(user.organisation_id, keyring, excluded)


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
    lines = _lines(user, keyring)
    if team is not None:
        team_id = str(team.pk)
        lines = [raw for raw in lines if team_id in raw.split("\t", 2)[1]]
    if filters.is_set():
        lines = [raw for raw in lines if filters.match(Line.of(raw).card())]
    lines.sort(key=SORT_KEYS.get(sort.lstrip("-"), _by_name), reverse=sort.startswith("-"))
    line_page = Paginator(lines, PAGE_SIZE).get_page(page)
    shown = [Line.of(raw) for raw in line_page.object_list]
    return page_with_rows(
        line_page, _with_persons([Row(UUID(ln.person_id), {}, line=ln) for ln in shown], user.organisation_id)
    )


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
    """Search the whole organisation: scan the shard lines, rank, then build the rows of one page.

    A raw line lacking one of the words is dropped before it is even split (most lines, for most queries).
    Restricted members search names, other names, phone and birth date only: they may not read the
    description, comments or custom fields, so a match there would tell them what they may not see.
    """
    search = Query(query)
    quick_only = user.role not in FULL_READ_ROLES
    terms = [term for term, _ in search.terms]
    extra = _extra_texts(user, keyring, search) if search and not quick_only else {}

    def wanted(raw: str) -> bool:
        if all(t in raw for t in terms):
            return True
        more = extra.get(raw.split("\t", 1)[0]) if extra else None
        return more is not None and all(t in raw or t in more for t in terms)

    lines = {ln.person_id: ln for ln in map(Line.of, (raw for raw in _lines(user, keyring) if search and wanted(raw)))}
    texts = (
        (
            pid,
            "\t".join(ln.search.split("\t", QUICK_FIELDS)[:QUICK_FIELDS])
            if quick_only
            else "\t".join(filter(None, [ln.search, extra.get(pid)])),
        )
        for pid, ln in lines.items()
    )
    paginated = Paginator(rank(search, texts), PAGE_SIZE).get_page(page)
    rows = [Row(UUID(pid), {}, search.reasons(text), line=lines[pid]) for pid, text in paginated.object_list]
    return page_with_rows(paginated, _with_persons(rows, user.organisation_id))


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
