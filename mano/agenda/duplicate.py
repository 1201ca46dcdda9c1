"""A cancelled action can be duplicated for a later date: a new action "à faire"; the original stays cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.agenda.models import Action, Status
from mano.agenda.services import actions_create
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, records_data
from mano.persons.index import index_refresh
from mano.persons.models import Comment

NOT_CANCELLED = _("Seule une action annulée peut être dupliquée.")


def duplicate_initial(action: Action, keyring: Keyring) -> dict[str, Any]:
    """What the creation form starts with: everything but the dates, which the user chooses again."""
    data = record_data(action, keyring)
    return {
        "name": data.get("name", ""),
        "persons": [action.person_id],
        "teams": list(action.teams.all()),
        "categories": list(data.get("categories") or []),
        "description": data.get("description", ""),
        "urgent": action.urgent,
        "with_time": action.with_time,
        "family": bool(data.get("family")),
    }


@transaction.atomic
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
    """Create the copy of a cancelled `action` (same person) with the values chosen on the form, and a copy of
    its comments (same authors and dates, as the reference app does; updated by, and audited for, the user).

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
    copied = _copy_comments(user=user, keyring=keyring, source=action, target=created)
    if copied:
        index_refresh(created.person, keyring)
    audit(
        AuditAction.ACTION_CREATE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=created,
        duplicated_from=str(action.pk),
        copied_comments=copied,
    )
    return created


def _copy_comments(*, user: User, keyring: Keyring, source: Action, target: Action) -> int:
    """Copy the live comments of `source` onto `target`; restricted members, who never read comments, copy none."""
    if user.role not in ("admin", "normal"):
        return 0
    rows = Comment.objects.filter(organisation_id=user.member_organisation_id, action_id=source.pk, deleted_at=None)
    copies = []
    for comment, data in records_data(rows.select_related("created_by", "team").order_by("created_at", "id"), keyring):
        copy = record_create(
            Comment,
            keyring=keyring,
            organisation=user.organisation,
            user=comment.created_by or user,
            data=data,
            person=target.person,
            action_id=target.pk,
            team=comment.team,
            urgent=comment.urgent,
        )
        copies.append(copy.pk)
    # Same author as the original, but the trail says who made the copy.
    Comment.objects.filter(pk__in=copies).update(updated_by=user)
    return len(copies)
