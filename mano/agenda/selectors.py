"""Reads on actions: scoped by organisation and role; only the rows a page shows are decrypted."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from mano.accounts.models import Team, User
from mano.agenda import words
from mano.agenda.days import day_index, day_window, firsts_by_day
from mano.agenda.filters import DECRYPTED_SORTS, AgendaFilters, lacking
from mano.agenda.models import Action, Status
from mano.agenda.rows import ActionRow, teams_of
from mano.agenda.search import TextPersons, text_persons
from mano.core.crypto import Envelope, Keyring, decrypt_record_texts
from mano.core.day_words import days_of
from mano.core.pagination import page_with_rows
from mano.core.raw import as_uuid, hex_of, raw_values
from mano.core.records import record_data
from mano.persons.index import card_names, folded_names
from mano.persons.models import Person
from mano.persons.text import fold

READ_ROLES = ("admin", "normal", "restricted")
PAGE_SIZE, CHUNK = 50, 500
# A day shows its rows fifty at a time (as the list, PAGE_SIZE), its consultations too; a week shows ten a day
# (urgent first, then by due time) and links to the day for the rest: pages are read on a phone, and every row
# shown costs its opening.
DAY_PAGE, WEEK_DAY_ROWS = 50, 10
DAY_TABS = (("yesterday", -1), ("today", 0), ("tomorrow", 1))
# Day and week order: urgent first, then by due time.
ORDERED = ("-urgent", "due_at", "id")
Pair = tuple[Action, dict[str, Any]]
# The most candidates a list page decrypts for an encrypted filter or a sort by name or person.
SCAN_CAP = 5000
# The most rows a day's tabs or a week decrypt for an encrypted filter (a text: only when read row by row, see
# mano.agenda.words); past it the page says its counts are partial.
WINDOW_CAP = 12_000
IN_LIST = 5_000  # ids in one IN list, at most (SQLite takes 32,766 parameters, PostgreSQL 65,535)
# What a day's or a week's rows read of an action (`ActionRow.shown`): a day shows up to fifty, and the other
# columns (four more moments, two more ids) cost their conversion for nothing.
LIST_FIELDS = (
    "id",
    "organisation_id",
    "person_id",
    "status",
    "due_at",
    "with_time",
    "completed_at",
    "urgent",
    "recurrence_id",
    "version",
    "payload",
)


@dataclass
class ScanPage:
    """A page built from decrypted candidates; `total` is None when the scan stopped as soon as the page was full."""

    object_list: list[ActionRow]
    number: int
    more: bool
    total: int | None
    capped: bool

    def __iter__(self) -> Iterator[ActionRow]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // PAGE_SIZE))

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.more or self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def actions_of(user: User) -> QuerySet[Action]:
    if user.role not in READ_ROLES:
        raise Http404
    return Action.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)


def _in_day(rows: QuerySet[Action], day: date, night: bool) -> QuerySet[Action]:
    """An action belongs to the day it was done or cancelled, else to the day it is due."""
    start, end = day_window(day, night=night)
    return rows.filter(agenda_at__gte=start, agenda_at__lt=end)


def _scoped(
    user: User, teams: list[Team], statuses: list[str], without_team: bool = False, *, ranged: bool = True
) -> QuerySet[Action]:
    """Plaintext filters in SQL: organisation, status, teams (and/or the actions linked to no team).

    On a day or week range (`ranged`) team membership is a correlated EXISTS: the database walks the agenda_at
    index and checks each row's link. A whole list reads the team's action ids first instead (its count would
    otherwise check every action of the organisation)."""
    rows = actions_of(user).filter(status__in=statuses)
    links = Action.teams.through.objects
    of_teams = (
        Exists(links.filter(action_id=OuterRef("pk"), team__in=teams))
        if ranged
        else Q(pk__in=links.filter(team__in=teams).values("action_id"))
    )
    no_team = ~Exists(links.filter(action_id=OuterRef("pk")))
    if teams and without_team:
        return rows.filter(of_teams | no_team)
    if teams:
        return rows.filter(of_teams)
    return rows.filter(no_team) if without_team else rows


def _night(teams: list[Team], without_team: bool) -> bool:
    return bool(teams) and not without_team and all(t.night_team for t in teams)


def _matching(
    user: User, keyring: Keyring, actions: Iterable[Action], filters: AgendaFilters | None
) -> list[tuple[Action, dict[str, Any]]]:
    """Decrypt candidate rows and keep those the encrypted filters (categories, text) accept."""
    pairs = [(a, record_data(a, keyring)) for a in actions]
    return pairs if filters is None else _accepted(user, keyring, pairs, filters)


class Lean(NamedTuple):
    """An action row read without building its model: what the encrypted filters need."""

    pk: UUID
    person_id: UUID
    payload: Envelope


def _lean_accepted(
    user: User, keyring: Keyring, lean: list[Lean], filters: AgendaFilters, names: dict[UUID, str] | None = None
) -> list[tuple[Lean, dict[str, Any]]]:
    """The rows that pass the encrypted filters, their payloads opened in one batch from plain values (a week
    holds thousands of rows: building a model for each cost more than decrypting it)."""
    texts = decrypt_record_texts(
        keyring, table=Action._meta.db_table, org_id=user.member_organisation_id, rows=[(r.pk, r.payload) for r in lean]
    )
    pairs = [(row, json.loads(text)) for row, (_, text) in zip(lean, texts, strict=True)]
    return _accepted(user, keyring, pairs, filters, names)


def _in_order(user: User, ids: list[UUID]) -> list[Action]:
    """The models of the rows a page shows, in their order."""
    models = Action.objects.filter(organisation_id=user.member_organisation_id).only(*LIST_FIELDS).in_bulk(ids)
    return [models[pk] for pk in ids]


def _with_models(user: User, pairs: list[tuple[Lean, dict[str, Any]]]) -> list[Pair]:
    """Models for the rows a page shows, in their order, with the data already opened."""
    models = _in_order(user, [row.pk for row, _ in pairs])
    return [(model, data) for model, (_, data) in zip(models, pairs, strict=True)]


def _lean_matching(
    user: User, keyring: Keyring, lean: list[Lean], filters: AgendaFilters, names: dict[UUID, str] | None = None
) -> list[Pair]:
    return _with_models(user, _lean_accepted(user, keyring, lean, filters, names))


class Matched(NamedTuple):
    """The rows of consecutive days that pass the encrypted filters, by day, in the day's order; `capped` when
    the days held more than WINDOW_CAP rows (the last days' rows past it were not read)."""

    days: dict[date, list[UUID]]
    capped: bool


def _days_matching(
    user: User,
    keyring: Keyring,
    scoped: QuerySet[Action],
    windows: dict[date, tuple[datetime, datetime]],
    filters: AgendaFilters,
) -> Matched:
    """Every row of the days' range, read as plain values with its day worked out by SQL, and filtered: the
    counts are exact however busy the days (up to WINDOW_CAP rows; a week of a 20,000-person organisation holds
    ~6,000). A free text alone is looked for in the days' word shards (`mano.agenda.words`), from the index
    alone; categories need the rows opened, in one batch."""
    days = list(windows)
    ranged = scoped.filter(agenda_at__gte=windows[days[0]][0], agenda_at__lt=windows[days[-1]][1])
    values = ranged.annotate(day=day_index(windows)).order_by("day", *ORDERED)
    found: dict[date, list[UUID]] = {day: [] for day in days}
    if filters.text and not (filters.categories or filters.without_category):
        span = days_of(windows[days[0]][0], windows[days[-1]][1])
        matched = words.window_matches(user, keyring, filters.words, span)
        if matched is not None:
            # Only the matching rows of the range, when they are few enough for an IN list (a word found in most
            # lines: the whole range, tested here).
            kept = values.filter(pk__in=[as_uuid(pk) for pk in matched]) if len(matched) <= IN_LIST else values
            for index, pk in raw_values(kept.values_list("day", "id")):  # ids only: no cap
                if hex_of(pk) in matched:
                    found[days[index]].append(as_uuid(pk))
            return Matched(found, False)
        raw = raw_values(words.annotated(values).values_list("day", *words.COLUMNS)[: WINDOW_CAP + 1])
        rows = [words.Row(*stamped) for _, *stamped in raw[:WINDOW_CAP]]
        accepted = words.matching(user, keyring, rows, filters.words, span)
        for index, pk, *_ in raw[:WINDOW_CAP]:
            if pk in accepted:
                found[days[index]].append(as_uuid(pk))
        return Matched(found, len(raw) > WINDOW_CAP)
    raw = raw_values(values.values_list("id", "person_id", "payload", "day")[: WINDOW_CAP + 1])
    lean = [Lean(as_uuid(pk), as_uuid(person_id), payload) for pk, person_id, payload, _ in raw[:WINDOW_CAP]]
    day_of = {row.pk: days[index] for row, (*_, index) in zip(lean, raw, strict=False)}
    for row, _ in _lean_accepted(user, keyring, lean, filters):
        found[day_of[row.pk]].append(row.pk)
    return Matched(found, len(raw) > WINDOW_CAP)


def _accepted(
    user: User,
    keyring: Keyring,
    pairs: list[tuple[Any, dict[str, Any]]],
    filters: AgendaFilters,
    names: dict[UUID, str] | None = None,
) -> list[Any]:
    """The decrypted pairs (row with pk and person_id, data) that the category and text filters accept, as
    `AgendaFilters.matches` does. The words are looked for in the action's own text first, then in the names
    of the persons of the rows still lacking some, then in those rows' comments: each row reads only what it
    still needs. `names` keeps the folded names already opened (a scan reads several windows)."""
    restricted = user.role == "restricted"
    pairs = [(a, d) for a, d in pairs if filters.in_categories(d)]
    if not filters.text:
        return pairs
    missing = {a.pk: filters.missing(d, restricted=restricted) for a, d in pairs}
    undecided = [a for a, _ in pairs if missing[a.pk]]
    folded = _folded_names(user, keyring, {a.person_id for a in undecided}, {} if names is None else names)
    for a in undecided:
        missing[a.pk] = lacking(missing[a.pk], folded[a.person_id])
    undecided = [a for a in undecided if missing[a.pk]]
    if undecided and not restricted:
        comments = words.comment_texts(user, keyring, [a.pk for a in undecided])
        for a in undecided:
            missing[a.pk] = lacking(missing[a.pk], fold(comments.get(a.pk, "")))
    return [(a, d) for a, d in pairs if not missing[a.pk]]


def _folded_names(user: User, keyring: Keyring, person_ids: set[UUID], known: dict[UUID, str]) -> dict[UUID, str]:
    """`known` completed with the folded names of `person_ids` ("" for a person without a card)."""
    wanted = person_ids - known.keys()
    if wanted:
        known.update(folded_names(user.organisation_id, wanted, keyring))
    return known


def _window_counts(rows: QuerySet[Action], windows: dict[Any, tuple[datetime, datetime]]) -> dict[Any, int]:
    """How many of `rows` fall in each window (keyed as given), in one query over their whole span."""
    keys = list(windows)
    spans = list(windows.values())
    totals = (
        rows.filter(agenda_at__gte=min(s for s, _ in spans), agenda_at__lt=max(e for _, e in spans))
        .order_by()
        .aggregate(
            **{f"w{i}": Count("id", filter=Q(agenda_at__gte=s, agenda_at__lt=e)) for i, (s, e) in enumerate(spans)}
        )
    )
    return {key: totals[f"w{i}"] or 0 for i, key in enumerate(keys)}


def day_agenda_counts(
    *, user: User, teams: list[Team], day: date, statuses: list[str], without_team: bool = False
) -> dict[str, int]:
    """The three tabs' counts in one query over the three days' range."""
    night = _night(teams, without_team)
    windows = {key: day_window(day + timedelta(days=offset), night=night) for key, offset in DAY_TABS}
    return _window_counts(_scoped(user, teams, statuses, without_team), windows)


def _day_rows(scoped: QuerySet[Action], keyring: Keyring, day: date, night: bool, first: int) -> list[ActionRow]:
    """One page of the day's rows from one indexed range on agenda_at; only these rows are decrypted."""
    rows = _in_day(scoped, day, night).order_by(*ORDERED).only(*LIST_FIELDS)
    return action_rows(list(rows[first : first + DAY_PAGE]), keyring)


def day_actions(*, user: User, keyring: Keyring, teams: list[Team], day: date, statuses: list[str]) -> list[ActionRow]:
    """The day's first rows for the teams, urgent first then by due time, without the tabs' counts."""
    return _day_rows(_scoped(user, teams, statuses), keyring, day, _night(teams, False), 0)


class DayAgenda(NamedTuple):
    counts: dict[str, int]  # the three tabs'
    rows: list[ActionRow]
    capped: bool  # an encrypted filter read only the first WINDOW_CAP rows of the three days


def day_agenda(
    *,
    user: User,
    keyring: Keyring,
    teams: list[Team],
    day: date,
    statuses: list[str],
    without_team: bool = False,
    filters: AgendaFilters | None = None,
    page: int = 1,
) -> DayAgenda:
    """The day tabs' counts and one page of the day's rows (DAY_PAGE a page), urgent first then by due time.

    Without an encrypted filter: one counting query and one indexed range on agenda_at, only the page's rows
    decrypted. With one: every row from yesterday to tomorrow decrypted and filtered, so the counts are exact."""
    night = _night(teams, without_team)
    scoped = _scoped(user, teams, statuses, without_team)
    first = (max(1, page) - 1) * DAY_PAGE
    if filters is None or not filters.encrypted:
        counts = day_agenda_counts(user=user, teams=teams, day=day, statuses=statuses, without_team=without_team)
        return DayAgenda(counts, _day_rows(scoped, keyring, day, night, first), False)
    tabs = {day + timedelta(days=offset): key for key, offset in DAY_TABS}
    matched = _days_matching(user, keyring, scoped, {tab: day_window(tab, night=night) for tab in tabs}, filters)
    counts = {key: len(matched.days[tab]) for tab, key in tabs.items()}
    shown = matched.days[day][first : first + DAY_PAGE]
    return DayAgenda(counts, action_rows(_in_order(user, shown), keyring), matched.capped)


def action_rows(actions: list[Action], keyring: Keyring, names: dict[UUID, str] | None = None) -> list[ActionRow]:
    return rows_of([(a, record_data(a, keyring)) for a in actions], keyring, names)


def rows_of(
    pairs: list[tuple[Action, dict[str, Any]]], keyring: Keyring, names: dict[UUID, str] | None = None
) -> list[ActionRow]:
    """Rows already decrypted, with their persons' names opened from the small search cards (unless the caller
    knows them all: `names`)."""
    if not pairs:
        return []
    if names is None:
        names = card_names(pairs[0][0].organisation_id, {a.person_id for a, _ in pairs}, keyring)
    teams = teams_of([a for a, _ in pairs])
    return [ActionRow(a, data, names.get(a.person_id, ""), teams[a.pk]) for a, data in pairs]


def person_actions(*, user: User, keyring: Keyring, person: Person, name: str | None = None) -> list[ActionRow]:
    """A person's actions, to do first (by due date), then the 20 latest done or cancelled. `name`: the person's,
    when the caller has opened it (the person page), so that no card is read for it."""
    rows = actions_of(user).filter(person=person)
    todo = list(rows.filter(status=Status.TODO).order_by("due_at")[:100])
    closed = list(rows.exclude(status=Status.TODO).order_by("-completed_at")[:20])
    return action_rows(todo + closed, keyring, None if name is None else {person.pk: name})


def action_get(*, user: User, keyring: Keyring, action_id: UUID) -> ActionRow:
    """An action of the user's organisation, or 404."""
    action = actions_of(user).select_related("person").prefetch_related("teams").filter(pk=action_id).first()
    if action is None:
        raise Http404
    return action_rows([action], keyring)[0]


@dataclass(frozen=True)
class WeekDay:
    day: date
    rows: list[ActionRow]
    count: int
    capped: bool = False  # an encrypted filter read only the week's first WINDOW_CAP rows

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


def week_actions(
    *,
    user: User,
    keyring: Keyring,
    teams: list[Team],
    monday: date,
    statuses: list[str],
    without_team: bool = False,
    filters: AgendaFilters | None = None,
) -> list[WeekDay]:
    """Seven days from `monday` (same day rule as the day view), each with its count and its first
    WEEK_DAY_ROWS rows. Without an encrypted filter: one counting query and one indexed range per day."""
    night = _night(teams, without_team)
    days = [monday + timedelta(days=i) for i in range(7)]
    windows = {day: day_window(day, night=night) for day in days}
    scoped = _scoped(user, teams, statuses, without_team)
    capped = False
    if filters is not None and filters.encrypted:
        matched = _days_matching(user, keyring, scoped, windows, filters)
        counts = {day: len(matched.days[day]) for day in days}
        firsts = {day: matched.days[day][:WEEK_DAY_ROWS] for day in days}
        capped = matched.capped
    else:
        counts, firsts = _firsts(scoped, windows, WEEK_DAY_ROWS)
    rows = iter(action_rows(_in_order(user, [pk for day in days for pk in firsts[day]]), keyring))
    return [WeekDay(day, [next(rows) for _ in firsts[day]], counts[day], capped) for day in days]


def _firsts(
    scoped: QuerySet[Action], windows: dict[date, tuple[datetime, datetime]], per_day: int
) -> tuple[dict[date, int], dict[date, list[UUID]]]:
    """How many rows each day (window) holds and the ids of its first `per_day` in ORDERED order, from one query
    (converting thousands of ids into UUIDs, or numbering them with a window function, cost more than the query)."""
    counts, firsts = firsts_by_day(scoped, windows, per_day, ORDERED, "id")
    return counts, {day: [as_uuid(pk) for (pk,) in values] for day, values in firsts.items()}


def _order(sort: str) -> tuple[Any, ...]:
    if sort == "recentes":
        return ("-due_at", "-id")
    if sort == "statut":
        rank = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(Status.values)), output_field=IntegerField())
        return (rank, "due_at", "id")
    return ("due_at", "id")


def _page_number(page: str | None) -> int:
    return max(1, min(SCAN_CAP // PAGE_SIZE, int(page))) if page and page.isdigit() and len(page) < 6 else 1


def actions_page(
    *,
    user: User,
    keyring: Keyring,
    teams: list[Team],
    statuses: list[str],
    newest_first: bool,
    page: str | None,
    without_team: bool = False,
    filters: AgendaFilters | None = None,
) -> Page[ActionRow] | ScanPage:
    """Actions of the teams, 50 a page. Plaintext sort and filters: SQL paging, only the page is decrypted.

    An encrypted filter decrypts candidates in the SQL order, chunk by chunk, until the page is full; a sort by
    name or person decrypts and sorts the candidates. Both stop after SCAN_CAP candidates and say so."""
    sort = filters.sort if filters is not None else ("recentes" if newest_first else "echeance")
    rows = _scoped(user, teams, statuses, without_team, ranged=False).order_by(*_order(sort))
    words = filters.words if filters is not None else []

    def persons_of() -> TextPersons | None:
        return text_persons(user.member_organisation_id, keyring, words) if words else None

    if sort in DECRYPTED_SORTS:
        persons = persons_of()
        narrowed = rows if persons is None else persons.narrow(rows)
        return _sorted_scan(user, keyring, narrowed, filters, sort, _page_number(page), persons)
    if filters is not None and filters.encrypted:
        return _filtered_scan(user, keyring, rows, filters, _page_number(page), text_persons_of=persons_of)
    paginated = Paginator(rows, PAGE_SIZE).get_page(page)
    return page_with_rows(paginated, action_rows(list(paginated.object_list), keyring))


def _scan_page(
    user: User, keyring: Keyring, found: list[tuple[Action, dict[str, Any]]], number: int, **page: Any
) -> ScanPage:
    shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return ScanPage(rows_of(shown, keyring), number, more=len(found) > number * PAGE_SIZE, **page)


def _filtered_scan(
    user: User,
    keyring: Keyring,
    rows: QuerySet[Action],
    filters: AgendaFilters,
    number: int,
    persons: TextPersons | None = None,
    text_persons_of: Callable[[], TextPersons | None] | None = None,
) -> ScanPage:
    """Candidates in the SQL order, opened chunk by chunk until the page is full, at most SCAN_CAP. They are
    read as the first chunk (most pages fill from it), then all the others up to SCAN_CAP in one query, instead
    of an OFFSET query a chunk re-walking the rows already seen; each person's name is opened once.

    A free text that the first chunk does not satisfy asks `text_persons_of` which persons may match (from the
    search lines, ~50 ms at 20,000 persons): when they are few the scan starts again on their actions only,
    otherwise the others' rows are dropped before being decrypted."""
    need, scanned, exhausted = number * PAGE_SIZE + 1, 0, False
    ids = rows.values_list("id", "person_id", "payload")
    order = raw_values(ids[:CHUNK])
    complete = len(order) < CHUNK  # every row up to SCAN_CAP + 1 is in `order`
    found: list[tuple[Action, dict[str, Any]]] = []
    names: dict[UUID, str] = {}
    while scanned < SCAN_CAP and len(found) < need:
        if scanned and persons is None and text_persons_of is not None:
            persons, text_persons_of = text_persons_of(), None
            if persons is not None and persons.narrows:
                return _filtered_scan(user, keyring, persons.narrow(rows), filters, number, persons)
        want = min(CHUNK, SCAN_CAP - scanned)
        if not complete and scanned + want > len(order):
            order, complete = order + raw_values(ids[len(order) : SCAN_CAP + 1]), True
        chunk = order[scanned : scanned + want]
        scanned += len(chunk)
        lean = [Lean(as_uuid(pk), as_uuid(person_id), payload) for pk, person_id, payload in chunk]
        lean = lean if persons is None else [row for row in lean if persons.allows(row.person_id)]
        found += _lean_matching(user, keyring, lean, filters, names) if lean else []
        if len(chunk) < want:
            exhausted = True
            break
    if not exhausted and len(found) < need and not complete:
        order += raw_values(ids[len(order) : SCAN_CAP + 1])
    capped = not exhausted and len(found) < need and len(order) > SCAN_CAP
    total = len(found) if exhausted or capped else None
    return _scan_page(user, keyring, found, number, total=total, capped=capped)


def _sorted_scan(
    user: User,
    keyring: Keyring,
    rows: QuerySet[Action],
    filters: AgendaFilters | None,
    sort: str,
    number: int,
    persons: TextPersons | None = None,
) -> ScanPage:
    candidates = list(rows[: SCAN_CAP + 1])
    capped = len(candidates) > SCAN_CAP
    encrypted = filters if filters is not None and filters.encrypted else None
    allowed = [a for a in candidates[:SCAN_CAP] if persons is None or persons.allows(a.person_id)]
    found = _matching(user, keyring, allowed, encrypted)
    if sort == "personne" and found:
        names = card_names(found[0][0].organisation_id, {a.person_id for a, _ in found}, keyring)
        found.sort(key=lambda pair: (fold(names.get(pair[0].person_id, "")), pair[0].due_at))
    else:
        found.sort(key=lambda pair: (fold(str(pair[1].get("name") or "")), pair[0].due_at))
    return _scan_page(user, keyring, found, number, total=len(found), capped=capped)
