"""Writes on actions: one action per person, version-checked updates, status with its date, history, audit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mano.accounts.models import Team, User
from mano.agenda.models import Action, Status
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.persons import history
from mano.persons.index import index_refresh
from mano.persons.models import Comment, Person
from mano.persons.services.persons import person_touch

NAME_REQUIRED = "Le nom est obligatoire."
PERSON_REQUIRED = "La personne suivie est obligatoire."
TEAM_REQUIRED = "Une action doit être associée à au moins une équipe."
DUE_REQUIRED = "La date d'échéance est obligatoire."
WRITE_ROLES = ("admin", "normal", "restricted")
HISTORY_FIELDS = ["name", "description", "categories"]


def _check(user: User, organisation_id: Any) -> None:
    if user.role not in WRITE_ROLES or user.organisation_id != organisation_id:
        raise PermissionDenied


def _validate(user: User, *, name: str, persons: list[Person], teams: list[Team], due_at: datetime | None) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = NAME_REQUIRED
    if not persons:
        errors["persons"] = PERSON_REQUIRED
    if not teams:
        errors["teams"] = TEAM_REQUIRED
    if due_at is None:
        errors["due_at"] = DUE_REQUIRED
    if errors:
        raise ValidationError(errors)
    if any(p.organisation_id != user.organisation_id or p.deleted_at for p in persons) or any(
        t.organisation_id != user.organisation_id for t in teams
    ):
        raise PermissionDenied


@transaction.atomic
def actions_create(
    *,
    user: User,
    keyring: Keyring,
    persons: Iterable[Person],
    name: str,
    teams: Iterable[Team],
    due_at: datetime | None,
    with_time: bool = False,
    urgent: bool = False,
    description: str = "",
    categories: Iterable[str] = (),
    comment: str = "",
    family: bool = False,
    request: HttpRequest | None = None,
) -> list[Action]:
    """One action per person, each with its own copy of the first comment (restricted: no description/comment)."""
    persons, teams = list(persons), list(teams)
    _validate(user, name=name, persons=persons, teams=teams, due_at=due_at)
    if user.role == "restricted":
        description, comment = "", ""
    created = []
    for person in persons:
        _check(user, person.organisation_id)
        data = {
            "name": name.strip(),
            "description": description.strip(),
            "categories": list(categories),
            "family": family,
            "history": [history.entry(user, kind="creation")],
        }
        action = record_create(
            Action,
            keyring=keyring,
            organisation=user.organisation,
            user=user,
            data=data,
            person=person,
            due_at=due_at,
            with_time=with_time,
            urgent=urgent,
        )
        action.teams.set(teams)
        if comment.strip():
            record_create(
                Comment,
                keyring=keyring,
                organisation=user.organisation,
                user=user,
                data={"text": comment.strip(), "date": timezone.now().isoformat()},
                person=person,
                action_id=action.pk,
                team=teams[0],
            )
        person_touch(person)
        index_refresh(person, keyring)
        audit(AuditAction.ACTION_CREATE, organisation=user.organisation, actor=user, request=request, obj=action)
        created.append(action)
    return created


@transaction.atomic
def action_update(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    expected_version: int,
    name: str,
    teams: Iterable[Team],
    due_at: datetime | None,
    with_time: bool,
    urgent: bool,
    description: str,
    categories: Iterable[str],
    status: str,
    completed_at: datetime | None,
    request: HttpRequest | None = None,
) -> Action:
    """Save an edit made on `expected_version` (ConflictError otherwise). Changing the status to done or
    cancelled sets its date to now unless one is given; back to "to do" clears it."""
    _check(user, action.organisation_id)
    teams = list(teams)
    _validate(user, name=name, persons=[action.person], teams=teams, due_at=due_at)
    old = record_data(action, keyring)
    data = {**old, "name": name.strip(), "categories": list(categories)}
    if user.role != "restricted":
        data["description"] = description.strip()
    changes = history.diff(old, data, HISTORY_FIELDS)
    if status != action.status:
        changes["status"] = [action.status, status]
    if changes:
        history.append(data, history.entry(user, changes=changes))
    completed = _completion(status, action, completed_at)
    saved = record_update(
        action,
        keyring=keyring,
        user=user,
        data=data,
        expected_version=expected_version,
        due_at=due_at,
        with_time=with_time,
        urgent=urgent,
        status=status,
        completed_at=completed,
    )
    saved.teams.set(teams)
    index_refresh(saved.person, keyring)
    audit(AuditAction.ACTION_UPDATE, organisation=user.organisation, actor=user, request=request, obj=saved)
    return saved


def _completion(status: str, action: Action, given: datetime | None) -> datetime | None:
    if status == Status.TODO:
        return None
    if given is not None:
        return given
    return action.completed_at if action.status == status and action.completed_at else timezone.now()


@transaction.atomic
def action_set_status(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    status: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Action:
    """The one-tap "Fait" / "Annulé" / "À faire" of the agenda, version-checked like any edit."""
    _check(user, action.organisation_id)
    data = record_data(action, keyring)
    if status != action.status:
        history.append(data, history.entry(user, changes={"status": [action.status, status]}))
    saved = record_update(
        action,
        keyring=keyring,
        user=user,
        data=data,
        expected_version=expected_version,
        status=status,
        completed_at=_completion(status, action, None),
    )
    audit(
        AuditAction.ACTION_UPDATE, organisation=user.organisation, actor=user, request=request, obj=saved, status=status
    )
    return saved
