"""Writes on persons: validation, encryption with K_general, version check, audit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from mano.accounts.models import Team, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.persons.models import Person

NAME_REQUIRED = "Le nom, prénom ou pseudonyme est obligatoire."
TEAM_REQUIRED = "Choisissez au moins une équipe en charge."
TEAM_OUTSIDE = "Cette équipe n'appartient pas à votre organisation."
PAYLOAD_FIELDS = (
    "name",
    "other_names",
    "gender",
    "birth_date",
    "phone",
    "email",
    "description",
    "vulnerable",
    "in_street_since",
    "followed_since",
)


def _payload(fields: dict[str, Any]) -> dict[str, Any]:
    data = {key: fields.get(key) for key in PAYLOAD_FIELDS}
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        raise ValidationError({"name": NAME_REQUIRED})
    return data


def _check_teams(user: User, teams: Iterable[Team]) -> list[Team]:
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": TEAM_REQUIRED})
    if any(t.organisation_id != user.organisation_id for t in teams):
        raise ValidationError({"teams": TEAM_OUTSIDE})
    return teams


@transaction.atomic
def person_create(
    *, user: User, keyring: Keyring, teams: Iterable[Team], request: HttpRequest | None = None, **fields: Any
) -> Person:
    """Create a person followed by `teams`; the payload is encrypted before it reaches the database."""
    teams = _check_teams(user, teams)
    person = record_create(Person, keyring=keyring, organisation=user.organisation, user=user, data=_payload(fields))
    person.teams.set(teams)
    audit(AuditAction.PERSON_CREATE, organisation=user.organisation, actor=user, request=request, obj=person)
    return person


@transaction.atomic
def person_update(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    expected_version: int,
    teams: Iterable[Team],
    request: HttpRequest | None = None,
    **fields: Any,
) -> Person:
    """Save a new state of the person only if nobody saved since `expected_version` (ConflictError)."""
    teams = _check_teams(user, teams)
    data = {**record_data(person, keyring), **_payload(fields)}
    person = record_update(person, keyring=keyring, user=user, data=data, expected_version=expected_version)
    person.teams.set(teams)
    audit(AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=person)
    return person
