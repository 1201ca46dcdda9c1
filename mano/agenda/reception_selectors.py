"""Reads for the reception desk: services offered by a team, its counts of the day, today's passages, persons.

Counts are plain numbers; person names come from the small encrypted cards of the rows a page shows only.
Restricted members never get passage comments: they are not decrypted for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.utils import timezone

from mano.accounts.models import Organisation, Team, User
from mano.agenda.days import agenda_day_of, day_window
from mano.agenda.models import ServiceCount
from mano.core import grouped
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.persons.index import card_names
from mano.persons.models import Passage
from mano.persons.selectors.persons import person_search, persons_of

READ_ROLES = ("admin", "normal", "restricted")
COMMENT_ROLES = ("admin", "normal")
PASSAGE_LIMIT = 200
MATCH_LIMIT = 20


@dataclass(frozen=True)
class Counter:
    service: str
    count: int


@dataclass(frozen=True)
class CounterGroup:
    group: str
    counters: list[Counter]


@dataclass(frozen=True)
class PassageRow:
    passage: Passage
    person_name: str
    comment: str


@dataclass(frozen=True)
class PassageDay:
    count: int
    rows: list[PassageRow]


@dataclass
class SettingsService:
    name: str
    teams: list[Team] | None  # None: every team
    first: bool = False
    last: bool = False


@dataclass
class SettingsGroup:
    group: str
    services: list[SettingsService] = field(default_factory=list)
    first: bool = False
    last: bool = False


def reception_check(user: User) -> Organisation:
    """The user's organisation when it uses the reception desk and the user may work at it, else 404."""
    organisation = user.organisation
    if user.role not in READ_ROLES or organisation is None or not organisation.reception_enabled:
        raise Http404
    return organisation


def reception_day(team: Team, now: Any = None) -> date:
    """Today for the team (a night team's day runs noon to noon)."""
    return agenda_day_of(now or timezone.now(), night=team.night_team)


def offers(organisation: Organisation, team: Team, service: str) -> bool:
    """Is `service` configured and offered by `team` (a service without a team list is offered by all)?"""
    if service not in grouped.all_items(organisation.services):
        return False
    teams = organisation.service_teams.get(service)
    return teams is None or str(team.pk) in teams


def team_counters(*, organisation: Organisation, team: Team, day: date) -> list[CounterGroup]:
    """The groups of services `team` offers, each service with the team's count for `day` (one query)."""
    if team.organisation_id != organisation.pk:
        raise Http404
    counts = dict(
        ServiceCount.objects.filter(organisation=organisation, team=team, date=day).values_list("service", "count")
    )
    result = []
    for group in organisation.services:
        counters = [Counter(s, counts.get(s, 0)) for s in group["items"] if offers(organisation, team, s)]
        if counters:
            result.append(CounterGroup(group["group"], counters))
    return result


def service_usage(*, organisation: Organisation, name: str) -> tuple[int, int]:
    """How many counts (one per team and day) are recorded under `name`, and their total."""
    usage = ServiceCount.objects.filter(organisation=organisation, service=name).aggregate(
        rows=Count("id"), total=Sum("count")
    )
    return usage["rows"] or 0, usage["total"] or 0


def settings_groups(organisation: Organisation) -> list[SettingsGroup]:
    """The configured groups for the settings page, with the teams of each service (None: every team)."""
    teams = {str(t.pk): t for t in Team.objects.filter(organisation=organisation)}
    result = []
    for group in organisation.services:
        services = []
        for name in group["items"]:
            chosen = organisation.service_teams.get(name)
            services.append(SettingsService(name, None if chosen is None else [teams[t] for t in chosen if t in teams]))
        if services:
            services[0].first, services[-1].last = True, True
        result.append(SettingsGroup(group["group"], services))
    if result:
        result[0].first, result[-1].last = True, True
    return result


def today_passages(*, user: User, keyring: Keyring, team: Team, day: date) -> PassageDay:
    """The team's passages of `day` (anonymous included), newest first, with names; comments for full roles."""
    if user.role not in READ_ROLES or team.organisation_id != user.organisation_id:
        raise Http404
    start, end = day_window(day, night=team.night_team)
    rows = Passage.objects.filter(
        organisation_id=user.organisation_id, team=team, deleted_at=None, date__gte=start, date__lt=end
    ).filter(Q(person=None) | Q(person__deleted_at=None))
    shown = list(rows.select_related("created_by").order_by("-date", "-id")[:PASSAGE_LIMIT])
    count = len(shown) if len(shown) < PASSAGE_LIMIT else rows.count()
    names = card_names(user.organisation_id, {p.person_id for p in shown if p.person_id}, keyring)
    comments = user.role in COMMENT_ROLES
    return PassageDay(
        count,
        [
            PassageRow(
                p,
                names.get(p.person_id, "") if p.person_id else "",
                str(record_data(p, keyring).get("comment") or "") if comments else "",
            )
            for p in shown
        ],
    )


def selected_persons(*, user: User, keyring: Keyring, ids: list[UUID]) -> list[tuple[UUID, str]]:
    """The live persons of the user's organisation among `ids`, with their names, in the given order."""
    found = set(persons_of(user).filter(pk__in=ids).values_list("pk", flat=True))
    names = card_names(user.organisation_id, found, keyring)
    return [(pk, names.get(pk, "")) for pk in dict.fromkeys(ids) if pk in found]


@dataclass(frozen=True)
class PersonMatch:
    pk: UUID
    name: str
    other_names: str
    last_passage: datetime | None


def person_matches(*, user: User, keyring: Keyring, query: str, exclude: set[UUID]) -> list[PersonMatch]:
    """The best matches of the person search (two letters are enough), each with its last passage, so the
    receptionist tells two namesakes apart."""
    if not query.strip():
        return []
    page = person_search(user=user, keyring=keyring, query=query, page=1)
    rows = [row for row in page.object_list if row.person_id not in exclude][:MATCH_LIMIT]
    last = dict(
        Passage.objects.filter(
            organisation_id=user.member_organisation_id, deleted_at=None, person_id__in=[r.person_id for r in rows]
        )
        .values("person_id")
        .annotate(last=Max("date"))
        .values_list("person_id", "last")
    )
    return [
        PersonMatch(row.person_id, row.name, str(row.card.get("other_names") or ""), last.get(row.person_id))
        for row in rows
    ]
