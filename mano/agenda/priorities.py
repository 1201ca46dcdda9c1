"""Priorités: urgent actions still to do and urgent comments of the teams the member belongs to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

from mano.accounts.models import User
from mano.agenda.models import Action, Status
from mano.agenda.selectors import ActionRow, action_rows
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_data, record_update, records_data
from mano.persons.index import card_names
from mano.persons.models import Comment

LIMIT = 200
COMMENT_ROLES = ("admin", "normal")  # restricted members never read comments


@dataclass(frozen=True)
class Source:
    """Urgent items of another app (the medical comments, for health professionals): counted in the badge,
    listed on the page. `count` and `rows` answer 0 and [] to a member who may not see them."""

    title: Promise
    template: str
    count: Callable[[HttpRequest], int]
    rows: Callable[[HttpRequest], list[Any]]


SOURCES: list[Source] = []


def _team_ids(user: User) -> list[Any]:
    return list(user.teams.values_list("pk", flat=True))


def _urgent_actions(user: User, team_ids: list[Any]) -> QuerySet[Action]:
    # EXISTS, not IN: the few urgent rows are checked one by one instead of listing every action of the teams.
    of_my_teams = Action.teams.through.objects.filter(action_id=OuterRef("pk"), team_id__in=team_ids)
    return Action.objects.filter(
        Exists(of_my_teams),
        organisation_id=user.member_organisation_id,
        deleted_at=None,
        urgent=True,
        status=Status.TODO,
    )


def _urgent_comments(user: User, team_ids: list[Any]) -> QuerySet[Comment]:
    return Comment.objects.filter(
        organisation_id=user.member_organisation_id,
        deleted_at=None,
        urgent=True,
        team_id__in=team_ids,  # deleting a person soft-deletes its comments: no join with persons needed
    )


def priority_count(user: User) -> int:
    """The number shown beside "Priorités" on every page: two counts, nothing decrypted."""
    if user.role not in ("admin", "normal", "restricted"):
        return 0
    team_ids = _team_ids(user)
    comments = _urgent_comments(user, team_ids).count() if user.role in COMMENT_ROLES else 0
    return _urgent_action_count(user, team_ids) + comments


def _urgent_action_count(user: User, team_ids: list[Any]) -> int:
    rows = _urgent_actions(user, team_ids)
    if connection.vendor != "sqlite":
        return rows.count()
    # SQLite's statistics see a boolean column as unselective and scan the to-do actions instead of using
    # the partial index of urgent ones (3 ms instead of 100 ms at 100,000 actions): name the index.
    sql, params = rows.values("pk").query.sql_with_params()
    sql = sql.replace('FROM "agenda_action"', 'FROM "agenda_action" INDEXED BY "agenda_action_urgent"', 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608  (SQL built by the ORM)
        return int(cursor.fetchone()[0])


@dataclass(frozen=True)
class CommentRow:
    comment: Comment
    data: dict[str, Any]
    person_name: str


def priorities(*, user: User, keyring: Keyring) -> tuple[list[ActionRow], list[CommentRow]]:
    team_ids = _team_ids(user)
    urgent = _urgent_actions(user, team_ids).order_by("due_at")[:LIMIT]
    actions = action_rows(list(urgent), keyring)
    if user.role not in COMMENT_ROLES:
        return actions, []
    comments = list(
        _urgent_comments(user, team_ids).select_related("team", "created_by").order_by("-created_at")[:LIMIT]
    )
    names = card_names(user.organisation_id, [c.person_id for c in comments], keyring)
    rows = [
        CommentRow(c, data, names.get(c.person_id, "") if c.person_id else "")
        for c, data in records_data(comments, keyring)
    ]
    return actions, rows


@transaction.atomic
def deprioritize(
    *, user: User, keyring: Keyring, item: Action | Comment, expected_version: int, request: HttpRequest | None = None
) -> None:
    """Take an action or a comment off the Priorités list (its urgent flag, plaintext and encrypted)."""
    if user.organisation_id != item.organisation_id or user.role not in ("admin", "normal", "restricted"):
        raise PermissionDenied
    data = record_data(item, keyring)
    if isinstance(item, Comment):
        data["urgent"] = False
    record_update(item, keyring=keyring, user=user, data=data, expected_version=expected_version, urgent=False)
    audit(
        AuditAction.ACTION_UPDATE if isinstance(item, Action) else AuditAction.PERSON_UPDATE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=item,
        deprioritized=True,
    )
