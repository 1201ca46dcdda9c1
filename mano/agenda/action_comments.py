"""Comments on an action: persons.Comment rows of the action's person carrying the action's id, so they also
show on the person's page. Writes go through the persons comment services (same rules, same search index)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from mano.accounts.models import Team, User
from mano.agenda.models import Action
from mano.core.crypto import Keyring
from mano.core.records import records_data
from mano.persons.models import Comment
from mano.persons.selectors.comments import READ_ROLES, Entry
from mano.persons.services.comments import comment_create

LIMIT = 200


def can_comment(user: User) -> bool:
    """Restricted and stats members neither see nor write comments."""
    return user.role in READ_ROLES


def action_comments(*, user: User, keyring: Keyring, action: Action) -> list[Entry]:
    """The action's live comments, newest first; [] for roles that may not read comments."""
    if not can_comment(user) or action.organisation_id != user.organisation_id:
        return []
    rows = (
        Comment.objects.filter(organisation_id=user.organisation_id, action_id=action.pk, deleted_at=None)
        .select_related("created_by", "team")
        .order_by("-created_at", "-id")[:LIMIT]
    )
    return [Entry("comment", c, data) for c, data in records_data(rows, keyring)]


@transaction.atomic
def action_comment_add(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    text: str,
    date: datetime | None = None,
    urgent: bool = False,
    team: Team | None = None,
    request: HttpRequest | None = None,
) -> Comment:
    """A comment on the action's person, tied to the action. The action row itself is not written, so a
    concurrent edit or status change of the action can never lose it."""
    if action.organisation_id != user.organisation_id or action.deleted_at is not None:
        raise PermissionDenied
    comment = comment_create(
        user=user,
        keyring=keyring,
        person=action.person,
        text=text,
        date=date,
        urgent=urgent,
        team=team or action.teams.order_by("name").first(),
        action_id=action.pk,
        request=request,
    )
    return comment
