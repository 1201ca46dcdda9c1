"""Reads of the statistics page. Everything comes from the statistics store (`mano.core.statstore`) of the
member's organisation: a few hundred envelopes, never a record decrypted one by one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team, User
from mano.core import statstore
from mano.core.crypto import Keyring
from mano.core.statlines import Counter, Window
from mano.persons.stats import ANONYMOUS, PersonLine
from mano.stats.filters import Filters
from mano.stats.indicators import Indicator, person_indicators


@dataclass(frozen=True)
class StatsScope:
    """The organisation, the period's days and the teams counted (None: the whole organisation)."""

    organisation_id: Any
    first: date
    last: date
    team_ids: frozenset[str] | None
    night_ids: frozenset[str]

    def counter(self) -> Counter:
        return Counter(Window.of(self.first, self.last), self.team_ids, self.night_ids)

    def chosen(self, team_ids: list[str]) -> bool:
        return self.team_ids is None or any(t in self.team_ids for t in team_ids)


def scope_of(*, user: User, filters: Filters) -> StatsScope:
    night = Team.objects.filter(organisation_id=user.member_organisation_id, night_team=True)
    return StatsScope(
        organisation_id=user.member_organisation_id,
        first=filters.first,
        last=filters.last,
        team_ids=frozenset(filters.team_ids) or None,
        night_ids=frozenset(str(pk) for pk in night.values_list("pk", flat=True)),
    )


def item_sources(organisation: Organisation) -> list[statstore.Source]:
    """The registered item sources whose feature the organisation has on, in registration order."""
    return [s for s in statstore.SOURCES.values() if s.width and getattr(organisation, s.switch, True) is not False]


@dataclass
class Activity:
    """Per item source: how many items fall in the period for the teams, and the persons they belong to."""

    counts: dict[str, int] = field(default_factory=dict)
    persons: dict[str, set[str]] = field(default_factory=dict)

    def followed(self) -> set[str]:
        found: set[str] = set()
        for name, persons in self.persons.items():
            if statstore.SOURCES[name].activity:
                found |= persons
        return found


def activity_of(*, organisation: Organisation, keyring: Keyring, scope: StatsScope) -> Activity:
    """Counts every item source's lines once: per line, a bisection per team (see `mano.core.statlines`)."""
    counter, found = scope.counter(), Activity()
    for source in item_sources(organisation):
        total, persons = 0, set()
        for raw in statstore.lines(scope.organisation_id, keyring, source.name):
            if n := counter.count(raw, source.width):
                total += n
                key = raw[: raw.index("\t")]
                if not key.startswith(ANONYMOUS):
                    persons.add(key)
        found.counts[source.name], found.persons[source.name] = total, persons
    return found


def person_lines(*, organisation_id: Any, keyring: Keyring) -> list[PersonLine]:
    return [PersonLine.of(raw) for raw in statstore.lines(organisation_id, keyring, "persons")]


def values_of(lines: list[PersonLine]) -> list[dict[str, Any]]:
    """The JSON values of these persons, parsed in one call."""
    parsed: list[dict[str, Any]] = json.loads("[" + ",".join(p.values_json for p in lines) + "]")
    return parsed


def _in_active_list(line: PersonLine, values: dict[str, Any], scope: StatsScope) -> bool:
    exits = values.get("out_of_active_list") or {}
    first = scope.first.isoformat()
    return any(
        scope.chosen([team]) and str((exits.get(team) or {}).get("date") or "9999")[:10] >= first
        for team in line.team_ids
    )


def population(
    lines: list[PersonLine], scope: StatsScope, activity: Activity, which: str
) -> list[tuple[PersonLine, dict[str, Any]]]:
    """The persons a tab counts, with their values. `which`: "creees" (created in the period by the teams),
    "activite" (created or with an item of the teams in the period), "file-active" (in one of the teams'
    active lists at some point of the period), "assignees" (followed by one of the teams, created by the end)."""
    first, last = scope.first.isoformat(), scope.last.isoformat()
    created = [p for p in lines if first <= p.created <= last and scope.chosen(p.team_ids)]
    if which == "creees":
        chosen = created
    elif which == "activite":
        active = activity.followed() | {p.person_id for p in created}
        chosen = [p for p in lines if p.person_id in active]
    else:
        chosen = [p for p in lines if p.created <= last and p.team_ids and scope.chosen(p.team_ids)]
    values = values_of(chosen)
    pairs = list(zip(chosen, values, strict=True))
    if which == "file-active":
        pairs = [(p, v) for p, v in pairs if _in_active_list(p, v, scope)]
    return pairs


@dataclass(frozen=True)
class Block:
    key: str
    label: Any
    count: int


def general_blocks(*, user: User, keyring: Keyring, scope: StatsScope) -> list[Block]:
    """The Général tab: persons created and followed, then each item source's count in the period."""
    organisation = user.organisation
    assert organisation is not None
    activity = activity_of(organisation=organisation, keyring=keyring, scope=scope)
    lines = person_lines(organisation_id=scope.organisation_id, keyring=keyring)
    live = {p.person_id for p in lines}
    first, last = scope.first.isoformat(), scope.last.isoformat()
    created = {p.person_id for p in lines if first <= p.created <= last and scope.chosen(p.team_ids)}
    blocks = [
        Block("persons_created", _("Personnes créées"), len(created)),
        Block("persons_followed", _("Personnes suivies"), len((activity.followed() | created) & live)),
    ]
    if "actions" in activity.persons:
        count = len(activity.persons["actions"] & live)
        blocks.append(Block("persons_with_actions", _("Personnes suivies concernées par une action"), count))
    for source in item_sources(organisation):
        blocks.append(Block(source.name, source.label, activity.counts[source.name]))
    return blocks


def org_teams(user: User) -> list[Team]:
    return list(Team.objects.filter(organisation_id=user.member_organisation_id).order_by("name"))


@dataclass(frozen=True)
class PersonsTab:
    count: int
    indicators: list[Indicator]


def persons_tab(*, user: User, keyring: Keyring, scope: StatsScope, filters: Filters) -> PersonsTab:
    """The Personnes tab: the persons of the chosen definition (see `population`) and their indicators at the
    end of the period."""
    organisation = user.organisation
    assert organisation is not None
    lines = person_lines(organisation_id=scope.organisation_id, keyring=keyring)
    activity = Activity()
    if filters.population == "activite":
        activity = activity_of(organisation=organisation, keyring=keyring, scope=scope)
    pairs = population(lines, scope, activity, filters.population)
    values = [v for _, v in pairs]
    indicators = person_indicators(
        values, end=scope.last, ages=filters.ages, groups=list(organisation.person_field_groups or [])
    )
    return PersonsTab(len(values), indicators)
