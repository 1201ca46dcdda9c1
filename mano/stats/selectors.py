"""Reads of the statistics page. Everything comes from the statistics store (`mano.core.statstore`) of the
member's organisation: a few hundred envelopes, never a record decrypted one by one."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mano.accounts.models import Organisation, Team, User
from mano.core import statstore
from mano.core.crypto import Keyring
from mano.core.statlines import Counter, Window
from mano.persons.stats import ANONYMOUS, PersonLine
from mano.stats.filters import Filters


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


def activity_of(
    *, organisation: Organisation, keyring: Keyring, scope: StatsScope, persons: frozenset[str] | None = None
) -> Activity:
    """Counts every item source's lines once: per line, a bisection per team (see `mano.core.statlines`).
    `persons`: only the items of these persons count (the person filters; anonymous items then do not)."""
    counter, found = scope.counter(), Activity()
    for source in item_sources(organisation):
        total, followed = 0, set()
        for raw in statstore.lines(scope.organisation_id, keyring, source.name):
            key = raw[: raw.index("\t")]
            if persons is not None and key not in persons:
                continue
            if n := counter.count(raw, source.width):
                total += n
                if not key.startswith(ANONYMOUS):
                    followed.add(key)
        found.counts[source.name], found.persons[source.name] = total, followed
    return found


def person_lines(*, organisation_id: Any, keyring: Keyring) -> list[PersonLine]:
    return [PersonLine.of(raw) for raw in statstore.lines(organisation_id, keyring, "persons")]


def values_of(lines: list[PersonLine]) -> list[dict[str, Any]]:
    """The JSON values of these persons, parsed in one call."""
    parsed: list[dict[str, Any]] = json.loads("[" + ",".join(p.values_json for p in lines) + "]")
    for line, values in zip(lines, parsed, strict=True):
        values["id"] = line.person_id
    return parsed


def _in_active_list(line: PersonLine, values: dict[str, Any], scope: StatsScope) -> bool:
    exits = values.get("out_of_active_list") or {}
    first = scope.first.isoformat()
    return any(
        scope.chosen([team]) and str((exits.get(team) or {}).get("date") or "9999")[:10] >= first
        for team in line.team_ids
    )


def population(
    lines: list[PersonLine],
    scope: StatsScope,
    activity: Activity,
    which: str,
    values: Callable[[list[PersonLine]], list[dict[str, Any]]] = values_of,
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
    pairs = list(zip(chosen, values(chosen), strict=True))
    if which == "file-active":
        pairs = [(p, v) for p, v in pairs if _in_active_list(p, v, scope)]
    return pairs


def org_teams(user: User) -> list[Team]:
    return list(Team.objects.filter(organisation_id=user.member_organisation_id).order_by("name"))
