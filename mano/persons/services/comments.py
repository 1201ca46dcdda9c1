"""Writes on the comments of a person: encrypted with K_general, version-checked, kept searchable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.persons.index import index_comment_added, index_refresh
from mano.persons.models import Comment, Person
from mano.persons.services.persons import person_touch
from mano.persons.stats import COMMENTS

TEXT_REQUIRED = _("Le commentaire est obligatoire.")
TEXT_TOO_LONG = _("Ce commentaire est trop long (20 000 caractères au plus).")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
MAX_TEXT = 20_000
# Only admins and normal members write comments (restricted members never see them).
WRITE_ROLES = ("admin", "normal")
# Apps that keep a comment's text elsewhere register here (the agenda's words of the comment's action): each is
# called with every comment written (created, edited, removed), in the same transaction.
WRITTEN_HANDLERS: list[Callable[[Comment], None]] = []


def _written(comment: Comment) -> None:
    for handler in WRITTEN_HANDLERS:
        handler(comment)


def _check_user(user: User, organisation_id: Any) -> None:
    if user.role not in WRITE_ROLES or user.organisation_id != organisation_id:
        raise PermissionDenied


def _clean(text: str | None, date: datetime | None) -> tuple[str, str]:
    """The stripped text and the ISO date-time the comment concerns (now when not given)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": TEXT_REQUIRED})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": TEXT_TOO_LONG})
    moment = date or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return text, moment.isoformat()


@transaction.atomic
def comment_create(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    text: str,
    date: datetime | None = None,
    urgent: bool = False,
    family: bool = False,
    team: Team | None = None,
    action_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> Comment:
    """Add a comment to `person` under `team` (the author's current team); the text is searchable at once.

    `family` only stores the flag: the families module shows such comments to every member of the family.
    `action_id` ties the comment to one of the person's actions (it then shows on the action's page too).
    """
    _check_user(user, person.organisation_id)
    if team is not None and team.organisation_id != user.organisation_id:
        raise ValidationError({"team": TEAM_OUTSIDE})
    text, moment = _clean(text, date)
    data = {"text": text, "urgent": bool(urgent), "family": bool(family), "date": moment, "edited": []}
    comment = record_create(
        Comment,
        keyring=keyring,
        organisation=person.organisation,
        user=user,
        data=data,
        person=person,
        team=team,
        urgent=bool(urgent),
        action_id=action_id,
    )
    _written(comment)
    person_touch(person)
    index_comment_added(person, text, keyring, sources=[COMMENTS])
    return comment


@transaction.atomic
def comment_update(
    *,
    user: User,
    keyring: Keyring,
    comment: Comment,
    expected_version: int,
    text: str,
    date: datetime | None,
    urgent: bool,
    family: bool,
    request: HttpRequest | None = None,
) -> Comment:
    """Save the edit only if nobody saved since `expected_version` (else ConflictError, nothing written).

    When the editor is not the author, an "edited by" note (who, when) is appended and shown under the text.
    """
    _check_user(user, comment.organisation_id)
    old = record_data(comment, keyring)
    text, moment = _clean(text, date)
    data = {**old, "text": text, "date": moment, "urgent": bool(urgent), "family": bool(family)}
    changed = any(old.get(key) != data[key] for key in ("text", "date", "urgent", "family"))
    if changed and comment.created_by_id != user.pk:
        note = {"by": str(user.pk), "by_name": str(user), "at": timezone.now().isoformat()}
        data["edited"] = [*old.get("edited", []), note]
    comment = record_update(
        comment, keyring=keyring, user=user, data=data, expected_version=expected_version, urgent=bool(urgent)
    )
    _written(comment)
    if comment.person is not None:
        index_refresh(comment.person, keyring, sources=[COMMENTS])
    return comment


@transaction.atomic
def comment_delete(*, user: User, keyring: Keyring, comment: Comment, request: HttpRequest | None = None) -> None:
    """Soft-delete the comment (purged with the retention period) and drop its text from search."""
    _check_user(user, comment.organisation_id)
    Comment.objects.filter(pk=comment.pk, deleted_at=None).update(
        deleted_at=timezone.now(), updated_at=timezone.now(), updated_by=user
    )
    _written(comment)
    if comment.person is not None:
        index_refresh(comment.person, keyring, sources=[COMMENTS])
    audit(
        AuditAction.RECORD_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=comment,
        person=str(comment.person_id or ""),
    )
