"""Reads of territories and observations, always scoped by organisation and role, returned decrypted.

Territories are few (dozens per organisation): the list opens them all and searches in Python. Observations can be
thousands: a territory's page opens only the page it shows, and the daily report only the period it covers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.pagination import counted_first, page_with_rows
from mano.core.records import record_data
from mano.persons import custom_fields
from mano.persons.index import card_names
from mano.persons.models import Person, Rencontre
from mano.persons.text import fold, words
from mano.territories.access import READ_ROLES, enabled_for
from mano.territories.models import Observation, Territory

PAGE_SIZE = 20
SEARCHED = ("name", "types", "perimeter", "description")


@dataclass(frozen=True)
class TerritoryRow:
    territory: Territory
    data: dict[str, Any]
    observation_count: int = 0

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @property
    def types(self) -> list[str]:
        return list(self.data.get("types") or [])


@dataclass(frozen=True)
class ObservationView:
    """One observation as a territory's page shows it: "<label> : <value>" for each filled field, persons met."""

    observation: Observation
    data: dict[str, Any]
    values: list[tuple[str, str]] = field(default_factory=list)
    persons: list[tuple[UUID, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ObservationRow:
    """One observation for the daily report: its territory's name, its moment (local time) and a link."""

    observation: Observation
    data: dict[str, Any]
    territory_name: str
    moment: datetime
    url: str


def territories_of(user: User) -> QuerySet[Territory]:
    """The live territories (archived too) of the user's organisation; 404 for other roles or when turned off."""
    if user.role not in READ_ROLES or not enabled_for(user):
        raise Http404
    return Territory.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)


def territory_get(*, user: User, keyring: Keyring, territory_id: UUID) -> TerritoryRow:
    territory = territories_of(user).filter(pk=territory_id).first()
    if territory is None:
        raise Http404
    return TerritoryRow(territory, record_data(territory, keyring))


def _matches(data: dict[str, Any], wanted: list[str]) -> bool:
    text = fold(" ".join(str(v) for key in SEARCHED for v in _as_list(data.get(key))))
    return all(word in text for word in wanted)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value or ""]


def territory_list(*, user: User, keyring: Keyring, query: str = "", archived: bool = False) -> list[TerritoryRow]:
    """The territories matching every word of `query` (case and accents ignored) in their name, types, perimeter
    or description, by name, with their count of live observations. Archived ones only when `archived`."""
    rows = territories_of(user)
    if not archived:
        rows = rows.filter(archived_at=None)
    counted = rows.annotate(live=Count("observations", filter=Q(observations__deleted_at=None)))
    wanted = words(query)
    found = [TerritoryRow(t, data, t.live) for t in counted for data in [record_data(t, keyring)]]
    found = [row for row in found if _matches(row.data, wanted)]
    return sorted(found, key=lambda row: fold(row.name))


def territories_named(*, user: User, keyring: Keyring, keep: Territory | None = None) -> list[tuple[Territory, str]]:
    """The territories an observation can go to, by name: the live, not archived ones, plus `keep`."""
    rows = territories_of(user).filter(Q(archived_at=None) | Q(pk=getattr(keep, "pk", None)))
    named = [(t, str(record_data(t, keyring).get("name") or "")) for t in rows]
    return sorted(named, key=lambda pair: fold(pair[1]))


def observations_of(user: User) -> QuerySet[Observation]:
    """Live observations of live territories of the user's organisation."""
    return Observation.objects.filter(
        organisation_id=user.member_organisation_id, deleted_at=None, territory__deleted_at=None
    )


def observation_get(*, user: User, keyring: Keyring, observation_id: UUID) -> tuple[Observation, dict[str, Any]]:
    territories_of(user)  # the role and switch checks
    observation = observations_of(user).select_related("team", "territory").filter(pk=observation_id).first()
    if observation is None:
        raise Http404
    return observation, record_data(observation, keyring)


def observation_count(territory: Territory) -> int:
    return Observation.objects.filter(territory=territory, deleted_at=None).count()


def persons_met(organisation_id: Any, datas: list[dict[str, Any]]) -> list[dict[UUID, Rencontre | None]]:
    """For each observation payload: its live persons met, in the order chosen, each with its live rencontre
    (None when that rencontre was deleted from the person's page). A person merged into another since is found
    through the rencontre, which the merge moved. Two queries for any number of observations."""
    rencontre_ids = [UUID(r) for data in datas for r in data.get("rencontres") or []]
    rencontres = Rencontre.objects.filter(organisation_id=organisation_id, pk__in=rencontre_ids, deleted_at=None)
    by_id = {str(r.pk): r for r in rencontres}
    person_ids = {UUID(p) for data in datas for p in data.get("persons") or []} | {r.person_id for r in by_id.values()}
    live = set(
        Person.objects.filter(organisation_id=organisation_id, pk__in=person_ids, deleted_at=None).values_list(
            "pk", flat=True
        )
    )
    result = []
    for data in datas:
        found = [by_id[r] for r in data.get("rencontres") or [] if r in by_id]
        by_person = {r.person_id: r for r in found if r.person_id in live}
        met: dict[UUID, Rencontre | None] = {}
        for person_id in [UUID(p) for p in data.get("persons") or []]:
            if person_id in live:
                met[person_id] = by_person.pop(person_id, None)
        met.update(by_person)
        result.append(met)
    return result


def observation_values(groups: list[dict[str, Any]], data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value as read) of every filled observation field, in the configured order."""
    custom = data.get("custom") or {}
    shown = [(f["label"], custom_fields.display(f, custom.get(f["key"]))) for g in groups for f in g.get("fields", [])]
    return [(label, value) for label, value in shown if value]


def _named(met: dict[UUID, Rencontre | None], names: dict[UUID, str]) -> list[tuple[UUID, str]]:
    return sorted(((p, names.get(p, "?")) for p in met), key=lambda pair: fold(pair[1]))


def observations_page(
    *, user: User, keyring: Keyring, territory: Territory, number: str | int | None
) -> Page[ObservationView]:
    """One page (PAGE_SIZE) of the territory's live observations, newest first; only that page is decrypted."""
    rows = observations_of(user).filter(territory=territory).select_related("team").order_by("-observed_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    observations = list(page.object_list)
    datas = [record_data(o, keyring) for o in observations]
    mets = persons_met(territory.organisation_id, datas)
    names = card_names(territory.organisation_id, {p for met in mets for p in met}, keyring)
    groups = user.organisation.observation_field_groups  # type: ignore[union-attr]
    views = [
        ObservationView(o, data, observation_values(groups, data), _named(met, names))
        for o, data, met in zip(observations, datas, mets, strict=True)
    ]
    return page_with_rows(page, views)


def _names(keyring: Keyring, territory_ids: Iterable[Any]) -> dict[Any, str]:
    rows = Territory.objects.filter(pk__in=list(territory_ids))
    return {t.pk: str(record_data(t, keyring).get("name") or "") for t in rows}


def observations_in(
    *, user: User, keyring: Keyring, moments: Q, team_ids: list[Any] | None, limit: int
) -> tuple[int, list[ObservationRow]]:
    """Live observations of live territories of the user's organisation whose `observed_at` matches `moments`, of
    these teams (every team when None): their count and the first `limit` of them by moment, the only ones
    decrypted. Nothing for a role that cannot read territories."""
    if user.role not in READ_ROLES or user.organisation_id is None:
        return 0, []
    rows = observations_of(user).filter(moments)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    count, observations = counted_first(rows, ("observed_at", "pk"), limit)
    names = _names(keyring, {o.territory_id for o in observations})
    return count, [
        ObservationRow(
            o,
            record_data(o, keyring),
            names.get(o.territory_id, ""),
            timezone.localtime(o.observed_at),
            reverse("territories:detail", args=[o.territory_id]) + f"#observation-{o.pk}",
        )
        for o in observations
    ]
