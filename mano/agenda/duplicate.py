"""A cancelled action can be duplicated for a later date: a new action "à faire"; the original stays cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from mano.accounts.models import Team, User
from mano.agenda.models import Action, Status
from mano.agenda.services import actions_create
from mano.core.crypto import Keyring
from mano.core.records import record_data

NOT_CANCELLED = "Seule une action annulée peut être dupliquée."


def duplicate_initial(action: Action, keyring: Keyring) -> dict[str, Any]:
    """What the creation form starts with: everything but the dates, which the user chooses again."""
    data = record_data(action, keyring)
    return {
        "name": data.get("name", ""),
        "persons": [action.person_id],
        "teams": list(action.teams.all()),
        "categories": ", ".join(data.get("categories") or []),
        "description": data.get("description", ""),
        "urgent": action.urgent,
        "with_time": action.with_time,
        "family": bool(data.get("family")),
    }


def action_duplicate(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
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
) -> Action:
    """Create the copy of a cancelled `action` (same person) with the values chosen on the form.

    Refused (ValidationError, nothing written) unless `action` is cancelled; the original is never modified.
    """
    if action.organisation_id != user.organisation_id or action.deleted_at is not None:
        raise PermissionDenied
    if action.status != Status.CANCELLED:
        raise ValidationError(NOT_CANCELLED)
    (created,) = actions_create(
        user=user,
        keyring=keyring,
        persons=[action.person],
        name=name,
        teams=teams,
        due_at=due_at,
        with_time=with_time,
        urgent=urgent,
        description=description,
        categories=categories,
        comment=comment,
        family=family,
        request=request,
    )
    return created
