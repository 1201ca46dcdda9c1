"""Writes on observations: what a team saw on a territory at a moment (the organisation's observation fields), and
the persons met there, each of whom gets a rencontre (through the persons' encounter service) that names the
observation. The observation keeps the ids of those persons and of their rencontres."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.dates import in_range
from mano.core.records import ConflictError, record_create, record_data, record_update
from mano.persons import history
from mano.persons.index import card_names
from mano.persons.models import Person, Rencontre
from mano.persons.services.passages import encounter_delete, encounter_update, encounters_create
from mano.persons.text import fold
from mano.territories import stats
from mano.territories.access import MANAGE_ROLES, READ_ROLES, check
from mano.territories.models import Observation, Territory
from mano.territories.selectors import persons_met

TERRITORY_REQUIRED = _("Le territoire est obligatoire")
TERRITORY_ARCHIVED = _("Ce territoire est archivé : restaurez-le avant d’y ajouter une observation.")
TEAM_REQUIRED = _("L'équipe est obligatoire")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
DATE_REQUIRED = _("La date de l’observation est obligatoire")
DATE_RANGE = _("Cette date est hors des années acceptées (1900 à 2100).")
PERSON_OUTSIDE = _(
    "Une des personnes choisies n’existe plus ou n’est pas de votre organisation : choisissez-la à nouveau."
)
RENCONTRES_OFF = _("Les rencontres sont désactivées dans votre organisation.")
REMOVE_FORBIDDEN = _(
    "Seuls les admins et les membres (accès normal) peuvent retirer une personne rencontrée : sa rencontre serait "
    "supprimée."
)


@dataclass
class ObservationInput:
    territory: Territory | None
    team: Team | None
    observed_at: datetime | None
    custom: dict[str, Any] = field(default_factory=dict)
    persons: list[Person] = field(default_factory=list)


def _check_territory(user: User, territory: Territory | None, current: Observation | None) -> str | None:
    """The problem with `territory` as read now (archived or deleted meanwhile), or None."""
    fresh = None
    if territory is not None:
        rows = Territory.objects.filter(pk=territory.pk, organisation_id=user.member_organisation_id, deleted_at=None)
        fresh = rows.first()
    if fresh is None:
        return str(TERRITORY_REQUIRED)
    moved = current is None or current.territory_id != fresh.pk
    return str(TERRITORY_ARCHIVED) if fresh.archived_at is not None and moved else None


def _checked(user: User, values: ObservationInput, current: Observation | None) -> tuple[Any, ...]:
    """The territory, team, aware moment and persons of `values`, or ValidationError with every error by field."""
    errors: dict[str, str] = {}
    if (problem := _check_territory(user, values.territory, current)) is not None:
        errors["territory"] = problem
    if values.team is None:
        errors["team"] = str(TEAM_REQUIRED)
    elif values.team.organisation_id != user.organisation_id:
        errors["team"] = str(TEAM_OUTSIDE)
    moment = values.observed_at
    if moment is None:
        errors["observed_at"] = str(DATE_REQUIRED)
    elif not in_range(moment):
        errors["observed_at"] = str(DATE_RANGE)
    persons = list(dict.fromkeys(values.persons))
    if any(p.organisation_id != user.organisation_id or p.deleted_at is not None for p in persons):
        errors["persons"] = str(PERSON_OUTSIDE)
    if errors:
        raise ValidationError(errors)
    assert moment is not None
    aware = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return values.territory, values.team, aware, persons


def _custom(user: User, custom: dict[str, Any]) -> dict[str, Any]:
    """Only the organisation's observation fields are kept."""
    groups = user.organisation.observation_field_groups  # type: ignore[union-attr]
    keys = {f["key"] for g in groups for f in g.get("fields", [])}
    return {k: v for k, v in custom.items() if k in keys}


def _meet(
    user: User, keyring: Keyring, persons: list[Person], team: Team, moment: datetime, observation_id: Any
) -> list[Rencontre]:
    if not persons:
        return []
    if not user.organisation.rencontres_enabled:  # type: ignore[union-attr]
        raise ValidationError({"persons": RENCONTRES_OFF})
    created = encounters_create(
        user=user,
        keyring=keyring,
        kind="rencontre",
        team=team,
        date=moment,
        persons=persons,
        observation=observation_id,
    )
    return created  # type: ignore[return-value]


@transaction.atomic
def observation_create(*, user: User, keyring: Keyring, values: ObservationInput) -> Observation:
    """A new observation, and one rencontre (team and moment of the observation) per person met."""
    check(user, READ_ROLES)
    territory, team, moment, persons = _checked(user, values, None)
    observation_id = uuid.uuid4()
    met = _meet(user, keyring, persons, team, moment, observation_id)
    data = {
        "custom": _custom(user, values.custom),
        "persons": [str(p.pk) for p in persons],
        "rencontres": [str(r.pk) for r in met],
        "history": [],
    }
    created = record_create(
        Observation,
        keyring=keyring,
        organisation=user.organisation,
        user=user,
        data=data,
        id=observation_id,
        territory=territory,
        team=team,
        observed_at=moment,
    )
    stats.refresh(created.organisation_id, keyring, [moment])
    return created


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _changes(
    user: User, keyring: Keyring, observation: Observation, stored: dict[str, Any], new: dict[str, Any]
) -> dict[str, list[Any]]:
    """{key: [old, new]} of what the edit changes, with names and dates as the page shows them."""
    old_custom, new_custom = stored.get("custom") or {}, new["custom"]
    keys = list(dict.fromkeys([*old_custom, *new_custom]))
    changes = {f"custom.{k}": v for k, v in history.diff(old_custom, new_custom, keys).items()}
    before = {
        "observed_at": _moment(observation.observed_at),
        "team": observation.team.name if observation.team else "",
        "territory": str(observation.territory_id),
    }
    after = {
        "observed_at": _moment(new["observed_at"]),
        "team": new["team"].name,
        "territory": str(new["territory"].pk),
    }
    changes.update(history.diff(before, after, list(before)))
    if "territory" in changes:
        changes["territory"] = [_territory_name(keyring, pk) for pk in changes["territory"]]
    old_persons, new_persons = set(stored.get("persons") or []), set(new["persons"])
    if old_persons != new_persons:
        names = card_names(user.organisation_id, [uuid.UUID(p) for p in old_persons | new_persons], keyring)
        changes["persons"] = [
            sorted((names.get(uuid.UUID(p), "?") for p in side), key=fold) for side in (old_persons, new_persons)
        ]
    return changes


def _territory_name(keyring: Keyring, territory_id: str) -> str:
    territory = Territory.objects.filter(pk=territory_id).first()
    return str(record_data(territory, keyring).get("name") or "") if territory else ""


def _follow(user: User, keyring: Keyring, rencontres: list[Rencontre], team: Team, moment: datetime) -> None:
    """The rencontres of the persons still met move with the observation's team and moment."""
    for rencontre in rencontres:
        if rencontre.team_id != team.pk or rencontre.date != moment:
            comment = str(record_data(rencontre, keyring).get("comment") or "")
            encounter_update(
                user=user,
                keyring=keyring,
                record=rencontre,
                expected_version=rencontre.version,
                team=team,
                date=moment,
                comment=comment,
            )


def _rencontres_follow(
    user: User,
    keyring: Keyring,
    observation: Observation,
    stored: dict[str, Any],
    persons: list[Person],
    team: Team,
    moment: datetime,
) -> list[Rencontre]:
    """Persons added get a rencontre, persons removed lose theirs (admins and normal members only), the others
    follow the observation's team and moment; returns the live rencontres of the observation."""
    met = persons_met(observation.organisation_id, [stored])[0]
    wanted = {p.pk for p in persons}
    removed = [r for pk, r in met.items() if pk not in wanted]
    if removed and user.role not in MANAGE_ROLES:
        raise ValidationError({"persons": REMOVE_FORBIDDEN})
    for rencontre in removed:
        if rencontre is not None:
            encounter_delete(user=user, keyring=keyring, record=rencontre)
    kept = [r for pk, r in met.items() if pk in wanted and r is not None]
    _follow(user, keyring, kept, team, moment)
    return [*kept, *_meet(user, keyring, [p for p in persons if p.pk not in met], team, moment, observation.pk)]


@transaction.atomic
def observation_update(
    *, user: User, keyring: Keyring, observation: Observation, values: ObservationInput, expected_version: int
) -> Observation:
    """Save the edit made on `expected_version` (else ConflictError, nothing written), with a history line; the
    rencontres of the persons met follow (see _rencontres_follow)."""
    check(user, READ_ROLES, observation.organisation_id)
    if observation.version != expected_version:
        raise ConflictError(observation.version)
    stored = record_data(observation, keyring)
    territory, team, moment, persons = _checked(user, values, observation)
    rencontres = _rencontres_follow(user, keyring, observation, stored, persons, team, moment)
    data = {
        **stored,
        "custom": {**(stored.get("custom") or {}), **_custom(user, values.custom)},
        "persons": [str(p.pk) for p in persons],
        "rencontres": [str(r.pk) for r in rencontres],
    }
    new = {**data, "observed_at": moment, "team": team, "territory": territory}
    if changes := _changes(user, keyring, observation, stored, new):
        history.append(data, history.entry(user, changes=changes))
    before = observation.observed_at
    saved = record_update(
        observation,
        keyring=keyring,
        user=user,
        data=data,
        expected_version=expected_version,
        territory=territory,
        team=team,
        observed_at=moment,
    )
    stats.refresh(saved.organisation_id, keyring, [before, moment])
    return saved


def observations_remove(*, user: User, keyring: Keyring, observations: list[Observation]) -> int:
    """Soft-delete these observations and the rencontres recorded with them (inside the caller's transaction)."""
    if not observations:
        return 0
    datas = [record_data(o, keyring) for o in observations]
    for met in persons_met(user.organisation_id, datas):
        for rencontre in met.values():
            if rencontre is not None:
                encounter_delete(user=user, keyring=keyring, record=rencontre)
    now = timezone.now()
    removed = Observation.objects.filter(pk__in=[o.pk for o in observations], deleted_at=None).update(
        deleted_at=now, updated_at=now, updated_by=user
    )
    stats.refresh(user.member_organisation_id, keyring, [o.observed_at for o in observations])
    return removed


@transaction.atomic
def observation_delete(
    *,
    user: User,
    keyring: Keyring,
    observation: Observation,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    """Delete an observation and its rencontres (admins and normal members); a stale version is a conflict."""
    check(user, MANAGE_ROLES, observation.organisation_id)
    locked = Observation.objects.select_for_update().filter(pk=observation.pk, deleted_at=None).first()
    if locked is None or locked.version != expected_version:
        raise ConflictError(locked.version if locked else None)
    observations_remove(user=user, keyring=keyring, observations=[locked])
    audit(AuditAction.RECORD_DELETE, organisation=user.organisation, actor=user, request=request, obj=locked)
