"""Reads for passages and rencontres: the person page section, a person's full lists, the day's list of a team.

Dates, teams and persons are plaintext columns: lists filter, sort and paginate in SQL and open only the
comments they show. Person names come from the small encrypted cards, never from whole files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team, User
from mano.core.crypto import Keyring
from mano.core.raw import UtcText, as_uuid, moment_of, raw_values
from mano.core.records import record_data, records_data
from mano.persons.index import card_names, open_part
from mano.persons.models import Passage, Person, PersonIndex, Rencontre
from mano.persons.selectors.persons import PersonView
from mano.persons.text import fold, words

READ_ROLES = ("admin", "normal", "restricted")
DELETE_ROLES = ("admin", "normal")
KINDS = ("passage", "rencontre")
MODELS: dict[str, type[Passage] | type[Rencontre]] = {"passage": Passage, "rencontre": Rencontre}
LABELS = {"passage": _("Passages"), "rencontre": _("Rencontres")}
SECTION_SIZE = 10
PAGE_SIZE = 50
CHOICES_LIMIT = 300
DAY_LIMIT = 500


@dataclass(frozen=True)
class EncounterRow:
    kind: str
    record: Passage | Rencontre
    data: dict[str, Any]
    person_name: str = ""

    @property
    def comment(self) -> str:
        return str(self.data.get("comment") or "")


@dataclass(frozen=True)
class Choices:
    """Persons offered as checkboxes: (id, name, other names), and whether the filter cut the list."""

    rows: list[tuple[UUID, str, str]]
    truncated: bool


def _check_role(user: User) -> None:
    if user.role not in READ_ROLES:
        raise Http404


def enabled_kinds(organisation: Organisation) -> list[str]:
    """The kinds the organisation uses: both are hidden everywhere when switched off."""
    return [kind for kind in KINDS if getattr(organisation, f"{kind}s_enabled")]


def encounter_get(*, user: User, kind: str, record_id: UUID) -> Passage | Rencontre:
    """A live passage or rencontre of the user's organisation (of a live person, if any), or 404."""
    _check_role(user)
    if kind not in enabled_kinds(user.organisation):  # type: ignore[arg-type]
        raise Http404
    record = (
        MODELS[kind]
        .objects.filter(organisation_id=user.member_organisation_id, pk=record_id, deleted_at=None)
        .filter(Q(person=None) | Q(person__deleted_at=None))
        .select_related("team", "created_by")
        .first()
    )
    if record is None:
        raise Http404
    return record


def encounter_row(*, user: User, keyring: Keyring, kind: str, record: Passage | Rencontre) -> EncounterRow:
    names = person_names(user=user, keyring=keyring, person_ids=[record.person_id] if record.person_id else [])
    name = names.get(record.person_id, "") if record.person_id else ""
    return EncounterRow(kind, record, record_data(record, keyring), name)


def person_names(*, user: User, keyring: Keyring, person_ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """Names from the cards of these persons of the user's organisation (one query)."""
    wanted = {pk for pk in person_ids if pk is not None}
    return card_names(user.organisation_id, wanted, keyring) if wanted else {}


def person_rows(kind: str, person: Person) -> Any:
    """The person's live passages or rencontres of `kind`, newest first, with their team and author."""
    return (
        MODELS[kind]
        .objects.filter(person=person, deleted_at=None)
        .select_related("team", "created_by")
        .order_by("-date", "-id")
    )


class Encounters:
    """A person's live passages or rencontres of one kind, newest first (`person_rows`): the rows the person page
    shows (with their team and author) and every row's id and date read at once, the older rows only when a page
    opens them, a batch at a time. A heavy file holds ~900 of them: building them all cost ~55 ms of a ~125 ms
    page that shows ten."""

    BATCH = 50

    def __init__(self, kind: str, person: Person) -> None:
        self._query = person_rows(kind, person)
        newest = list(self._query[: SECTION_SIZE + 1])  # what the page shows; most files: every row
        self._rows: dict[UUID, Passage | Rencontre | None] = {row.pk: row for row in newest}
        self.keys: list[tuple[UUID, datetime]] = (
            [(row.pk, row.date) for row in newest]
            if len(newest) <= SECTION_SIZE
            else [(as_uuid(pk), moment_of(at)) for pk, at in raw_values(self._query.values_list("pk", UtcText("date")))]
        )
        self._positions = {pk: position for position, (pk, _) in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def row(self, pk: UUID) -> Passage | Rencontre | None:
        """The row of `pk` with the next ones not read yet (one query a batch, each as large as all the batches
        before it: a timeline looking for a comment among hundreds of rows reads them in a few queries); None when
        it was deleted since the ids were read."""
        if pk not in self._rows:
            start, size = self._positions[pk], max(self.BATCH, len(self._rows))
            batch = [key for key, _ in self.keys[start : start + size] if key not in self._rows]
            self._rows.update(dict.fromkeys(batch))
            self._rows.update((row.pk, row) for row in self._query.filter(pk__in=batch))
        return self._rows[pk]

    def newest(self, count: int) -> list[Passage | Rencontre]:
        return [row for pk, _ in self.keys[:count] if (row := self.row(pk)) is not None]


def live_encounters(view: PersonView, kind: str) -> Encounters:
    """The page's person's `Encounters` of `kind`, read once for the page (`view.encounters`)."""
    if kind not in view.encounters:
        view.encounters[kind] = Encounters(kind, view.person)
    return view.encounters[kind]


def person_encounters(
    *, user: User, keyring: Keyring, person: Person, kind: str, page: str | int | None
) -> Page[EncounterRow]:
    """One page of a person's passages or rencontres, newest first; opens only that page."""
    _check_role(user)
    if kind not in enabled_kinds(user.organisation):  # type: ignore[arg-type]
        raise Http404
    paginated = Paginator(person_rows(kind, person), PAGE_SIZE).get_page(page)
    paginated.object_list = [EncounterRow(kind, r, d) for r, d in records_data(paginated.object_list, keyring)]
    return paginated


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """Context for templates/persons/sections/passages.html: counts and the newest rows of each enabled kind."""
    user: User = request.user  # type: ignore[assignment]
    keyring: Keyring = request.keyring  # type: ignore[attr-defined]
    lists = []
    for kind in enabled_kinds(user.organisation):  # type: ignore[arg-type]
        every = live_encounters(view, kind)
        shown = [EncounterRow(kind, r, d) for r, d in records_data(every.newest(SECTION_SIZE), keyring)]
        lists.append(
            {"kind": kind, "label": LABELS[kind], "count": len(every), "rows": shown, "more": len(every) > len(shown)}
        )
    return {"person": view.person, "lists": lists, "can_delete": user.role in DELETE_ROLES}


def day_window(team: Team | None, now: datetime) -> tuple[datetime, datetime]:
    """Today for a day team (midnight to midnight); a night team's day runs noon to noon."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if team is not None and team.night_team:
        start = midnight + timedelta(hours=12) if local.hour >= 12 else midnight - timedelta(hours=12)
        return start, start + timedelta(days=1)
    return midnight, midnight + timedelta(days=1)


def day_encounters(
    *, user: User, keyring: Keyring, team: Team | None, now: datetime | None = None
) -> list[EncounterRow]:
    """Today's passages and rencontres of `team` (anonymous ones included), newest first, with person names."""
    _check_role(user)
    start, end = day_window(team, now or timezone.now())
    records: list[tuple[str, Passage | Rencontre]] = []
    for kind in enabled_kinds(user.organisation):  # type: ignore[arg-type]
        rows = MODELS[kind].objects.filter(
            organisation_id=user.member_organisation_id, deleted_at=None, date__gte=start, date__lt=end
        )
        rows = rows.filter(Q(person=None) | Q(person__deleted_at=None)).select_related("team", "created_by")
        if team is not None:
            rows = rows.filter(team=team)
        records += [(kind, r) for r in rows.order_by("-date")[:DAY_LIMIT]]
    records.sort(key=lambda item: item[1].date, reverse=True)
    names = person_names(user=user, keyring=keyring, person_ids=[r.person_id for _, r in records])
    return [
        EncounterRow(kind, r, record_data(r, keyring), names.get(r.person_id, "") if r.person_id else "")
        for kind, r in records
    ]


def team_person_choices(*, user: User, keyring: Keyring, team: Team | None, query: str = "") -> Choices:
    """The persons followed by `team` (whole organisation without a team) whose names match `query`,
    sorted by name; opens their cards only."""
    _check_role(user)
    indexes = PersonIndex.objects.filter(organisation_id=user.member_organisation_id, person__deleted_at=None)
    if team is not None:
        indexes = indexes.filter(person__teams=team)
    terms = words(query)
    rows = []
    for ix in indexes.only("person_id", "organisation_id", "card"):
        card = open_part(ix, "card", keyring)
        name, other = str(card.get("name") or ""), str(card.get("other_names") or "")
        haystack = fold(f"{name} {other}")
        if all(term in haystack for term in terms):
            rows.append((ix.person_id, name, other))
    rows.sort(key=lambda row: fold(row[1]))
    return Choices(rows[:CHOICES_LIMIT], len(rows) > CHOICES_LIMIT)
