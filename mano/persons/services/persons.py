"""Writes on persons: validation, encryption with K_general, history, version check, search index, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.persons import history
from mano.persons.index import index_refresh
from mano.persons.models import NameChange, NamesEpoch, Person

NAME_REQUIRED = _("Le nom, prénom ou pseudonyme est obligatoire.")
TEAM_REQUIRED = _("Choisissez au moins une équipe en charge.")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
FIXED_FIELDS = (
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


# Apps that keep a person's name elsewhere register here (the agenda's words of the person's actions): each is
# called with every person whose name changed (edited, or taken in a merge), in the same transaction.
RENAMED_HANDLERS: list[Callable[[Person], None]] = []


def renamed(person: Person) -> None:
    for handler in RENAMED_HANDLERS:
        handler(person)


def names_moved(*persons: Person) -> None:
    """These persons' names changed or left (renamed, deleted, merged into another file): the organisation's names
    epoch moves on and marks them (see `NamesEpoch`). Called last in the transaction: the epoch's row lock, which
    orders the epochs as they commit, is then the last lock it takes and never part of a wait cycle (a merge takes
    shard rows that a rename takes too)."""
    organisation_id = persons[0].organisation_id
    NamesEpoch.objects.get_or_create(organisation_id=organisation_id)
    epochs = NamesEpoch.objects.filter(organisation_id=organisation_id)
    epochs.update(version=F("version") + 1)
    epoch = epochs.values_list("version", flat=True).get()
    for person in persons:
        NameChange.objects.update_or_create(
            person=person, defaults={"organisation_id": organisation_id, "epoch": epoch}
        )


def _clean_fixed(fields: dict[str, Any]) -> dict[str, Any]:
    data = {key: fields[key] for key in FIXED_FIELDS if key in fields}
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
        elif isinstance(value, str):
            data[key] = value.strip()
    if "name" in fields and not data.get("name"):
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
    *,
    user: User,
    keyring: Keyring,
    teams: Iterable[Team],
    request: HttpRequest | None = None,
    custom: dict[str, Any] | None = None,
    **fields: Any,
) -> Person:
    """Create a person followed by `teams`; everything personal is encrypted before it reaches the database."""
    teams = _check_teams(user, teams)
    data = _clean_fixed({"name": "", **fields})
    if not data.get("followed_since"):
        data["followed_since"] = timezone.localdate().isoformat()
    data["custom"] = {k: v for k, v in (custom or {}).items() if v is not None}
    data["out_of_active_list"] = {}
    data["history"] = [history.entry(user, kind="creation")]
    person = record_create(
        Person,
        keyring=keyring,
        organisation=user.organisation,
        user=user,
        data=data,
        last_interaction_at=timezone.now(),
    )
    person.teams.set(teams)
    index_refresh(person, keyring, data)
    audit(AuditAction.PERSON_CREATE, organisation=user.organisation, actor=user, request=request, obj=person)
    return person


@transaction.atomic
def person_update(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    expected_version: int,
    teams: Iterable[Team] | None = None,
    custom: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Person:
    """Save the given fields only if nobody saved since `expected_version` (else ConflictError).

    Fields not given keep their value; every change is written to the history as old → new.
    """
    if user.organisation_id != person.organisation_id:
        raise PermissionDenied
    if user.role not in ("admin", "normal"):  # restricted members never see these, so they may not change them
        fields.pop("description", None)
        custom = None
    old = record_data(person, keyring)
    data = {**old, **_clean_fixed(fields)}
    changes = history.diff(old, data, list(FIXED_FIELDS))
    if custom is not None:
        merged = {**old.get("custom", {}), **custom}
        data["custom"] = {k: v for k, v in merged.items() if v is not None}
        changes.update(
            {f"custom.{k}": v for k, v in history.diff(old.get("custom", {}), data["custom"], list(custom)).items()}
        )
    new_teams = None
    if teams is not None:
        new_teams = _check_teams(user, teams)
        # Names as they were at the time: the history must stay readable after a team is renamed.
        before = sorted(t.name for t in person.teams.all())
        after = sorted(t.name for t in new_teams)
        if before != after:
            changes["teams"] = [before, after]
    if changes:
        history.append(data, history.entry(user, changes=changes))
    person = record_update(person, keyring=keyring, user=user, data=data, expected_version=expected_version)
    if new_teams is not None:
        person.teams.set(new_teams)
    new_name = data.get("name") != old.get("name")
    if new_name:
        renamed(person)
    index_refresh(person, keyring, data)
    if new_name:
        names_moved(person)
    audit(AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=person)
    return person


def person_touch(person: Person) -> None:
    """Mark a new interaction (comment, passage, …) for the list's "last interaction" column."""
    Person.objects.filter(pk=person.pk).update(last_interaction_at=timezone.now())
