"""Writes on passages (visits, possibly anonymous) and rencontres (street meetings): comment encrypted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core import statstore
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.persons.models import Passage, Person, Rencontre
from mano.persons.services.persons import person_touch
from mano.persons.stats import anonymous_key

DATE_REQUIRED = _("La date est obligatoire")
TEAM_REQUIRED = _("L'équipe est obligatoire")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
PERSON_REQUIRED = _("Veuillez spécifier une personne")
PERSON_OUTSIDE = _("Cette personne n'appartient pas à votre organisation.")
COUNT_REQUIRED = _("Veuillez spécifier le nombre de passages anonymes")
COUNT_RANGE = _("Le nombre de passages anonymes doit être compris entre 1 et 100.")
COMMENT_TOO_LONG = _("Ce commentaire est trop long (20 000 caractères au plus).")
MAX_ANONYMOUS = 100
MAX_COMMENT = 20_000
WRITE_ROLES = ("admin", "normal", "restricted")
DELETE_ROLES = ("admin", "normal")
MODELS: dict[str, type[Passage] | type[Rencontre]] = {"passage": Passage, "rencontre": Rencontre}

Encounter = Passage | Rencontre
SOURCES = {Passage: "passages", Rencontre: "rencontres"}


def stats_refresh(keyring: Keyring, records: Iterable[Encounter]) -> None:
    """Recompute the statistics lines these passages or rencontres belong to (their persons', or for
    anonymous passages the month they were recorded in)."""
    keys: dict[tuple[Any, str], set[str]] = {}
    for record in records:
        key = str(record.person_id) if record.person_id else anonymous_key(record.created_at)
        keys.setdefault((record.organisation_id, SOURCES[type(record)]), set()).add(key)
    for (org_id, source), found in keys.items():
        statstore.refresh(org_id, keyring, found, sources=[source])


def _check(user: User, roles: tuple[str, ...], organisation_id: Any) -> None:
    if user.role not in roles or user.organisation_id != organisation_id:
        raise PermissionDenied


def _clean(user: User, *, team: Team | None, date: datetime | None, comment: str | None) -> tuple[datetime, str]:
    errors: dict[str, Any] = {}
    if date is None:
        errors["date"] = DATE_REQUIRED
    if team is None:
        errors["team"] = TEAM_REQUIRED
    elif team.organisation_id != user.organisation_id:
        errors["team"] = TEAM_OUTSIDE
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = COMMENT_TOO_LONG
    if errors:
        raise ValidationError(errors)
    assert date is not None
    return (timezone.make_aware(date) if timezone.is_naive(date) else date), comment


def _check_persons(user: User, persons: Iterable[Person]) -> list[Person]:
    persons = list(persons)
    if any(p.organisation_id != user.organisation_id or p.deleted_at is not None for p in persons):
        raise ValidationError({"persons": PERSON_OUTSIDE})
    return persons


def _create(
    kind: str,
    *,
    user: User,
    keyring: Keyring,
    person: Person | None,
    team: Team,
    date: datetime,
    comment: str,
    observation: Any = None,
) -> Encounter:
    data = {"comment": comment} if observation is None else {"comment": comment, "observation": str(observation)}
    record = record_create(
        MODELS[kind],
        keyring=keyring,
        organisation=user.organisation,
        user=user,
        data=data,
        person=person,
        team=team,
        date=date,
    )
    if person is not None:
        person_touch(person)
    return record


@transaction.atomic
def encounters_create(
    *,
    user: User,
    keyring: Keyring,
    kind: str,
    team: Team | None,
    date: datetime | None,
    persons: Iterable[Person] = (),
    anonymous_count: int | None = None,
    comment: str = "",
    observation: Any = None,
) -> list[Encounter]:
    """One passage (or rencontre) per person, plus `anonymous_count` anonymous passages, all or nothing.

    A rencontre always has a person; anonymous passages carry no person at all. `observation`: the id of the
    territory observation the persons were met at, kept in each payload.
    """
    _check(user, WRITE_ROLES, user.organisation_id)
    moment, comment = _clean(user, team=team, date=date, comment=comment)
    persons = _check_persons(user, persons)
    if kind == "rencontre" and anonymous_count:
        raise ValidationError({"anonymous": PERSON_REQUIRED})
    if anonymous_count is not None and not (1 <= anonymous_count <= MAX_ANONYMOUS):
        raise ValidationError({"anonymous_count": COUNT_RANGE})
    if not persons and not anonymous_count:
        raise ValidationError({"persons": PERSON_REQUIRED})
    assert team is not None
    targets: list[Person | None] = [*persons, *([None] * (anonymous_count or 0))]
    created = [
        _create(
            kind, user=user, keyring=keyring, person=p, team=team, date=moment, comment=comment, observation=observation
        )
        for p in targets
    ]
    stats_refresh(keyring, created)
    return created


def passage_create(
    *,
    user: User,
    keyring: Keyring,
    team: Team | None,
    date: datetime | None,
    person: Person | None = None,
    comment: str = "",
) -> Passage:
    """One passage of `person`, or one anonymous passage when `person` is None."""
    persons, anonymous = ([person], None) if person is not None else ([], 1)
    created = encounters_create(
        user=user,
        keyring=keyring,
        kind="passage",
        team=team,
        date=date,
        persons=persons,
        anonymous_count=anonymous,
        comment=comment,
    )
    return created[0]  # type: ignore[return-value]


def rencontre_create(
    *, user: User, keyring: Keyring, team: Team | None, date: datetime | None, person: Person, comment: str = ""
) -> Rencontre:
    """One rencontre with `person` (a rencontre is never anonymous)."""
    created = encounters_create(
        user=user, keyring=keyring, kind="rencontre", team=team, date=date, persons=[person], comment=comment
    )
    return created[0]  # type: ignore[return-value]


@transaction.atomic
def encounter_update(
    *,
    user: User,
    keyring: Keyring,
    record: Encounter,
    expected_version: int,
    team: Team | None,
    date: datetime | None,
    comment: str,
) -> Encounter:
    """Change the date, team or comment of a passage or rencontre if nobody saved since `expected_version`
    (else ConflictError, nothing written)."""
    _check(user, WRITE_ROLES, record.organisation_id)
    moment, comment = _clean(user, team=team, date=date, comment=comment)
    data = {**record_data(record, keyring), "comment": comment}
    saved = record_update(
        record, keyring=keyring, user=user, data=data, expected_version=expected_version, team=team, date=moment
    )
    stats_refresh(keyring, [saved])
    return saved


@transaction.atomic
def encounter_delete(*, user: User, keyring: Keyring, record: Encounter, request: HttpRequest | None = None) -> None:
    """Soft-delete a passage or rencontre (admins and normal members only)."""
    _check(user, DELETE_ROLES, record.organisation_id)
    type(record).objects.filter(pk=record.pk, deleted_at=None).update(
        deleted_at=timezone.now(), updated_at=timezone.now(), updated_by=user
    )
    stats_refresh(keyring, [record])
    audit(
        AuditAction.RECORD_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=record,
        person=str(record.person_id or ""),
    )
