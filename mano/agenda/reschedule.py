"""Changing the repetition of an action from this one on: repeat a one-off action, change the rule of a series
from one of its occurrences, or stop repeating.

The action stays where it is and becomes the first occurrence of the new series. Its later occurrences still to
do are matched by day with the new rule: one on a day the rule keeps stays (with its comments and history), the
others are removed, and the rule's days without one get a copy of this action. Done or cancelled occurrences are
never touched, and earlier ones keep their rule (they stay in the same series)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.agenda import recurrence, series
from mano.agenda.models import Action, Status
from mano.agenda.recurrence import Rule
from mano.agenda.services import DELETE_ROLES, PROPAGATED, actions_remove, audit_deletion, check_writer, series_create
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import ConflictError, record_data, records_rewrite
from mano.persons import history
from mano.persons.index import index_refresh

NOT_TO_DO = _("Seule une action à faire peut être répétée.")
NO_REMOVAL = _(
    "Cette récurrence supprimerait des actions déjà prévues : seuls les administrateur·rices et les membres "
    "non restreints peuvent supprimer des actions."
)
NOT_REPEATED = _("Non répétée")


@dataclass(frozen=True)
class Rescheduled:
    added: int
    kept: int
    removed: int


@transaction.atomic
def series_reschedule(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    expected_version: int,
    rule: Rule | None,
    request: HttpRequest | None = None,
) -> Rescheduled:
    """Make `action` (seen at `expected_version`, ConflictError otherwise) the start of `rule` (None: no longer
    repeated). Restricted members may add occurrences but not remove any (ValidationError, nothing written)."""
    check_writer(user, action.organisation_id)
    current = Action.objects.select_for_update().filter(pk=action.pk, deleted_at=None).first()
    if current is None or current.version != expected_version:
        raise ConflictError(current.version if current else None)
    if current.status != Status.TODO:
        raise ValidationError(NOT_TO_DO)
    if rule is None and current.recurrence_id is None:
        return Rescheduled(added=0, kept=0, removed=0)  # a one-off action left one-off
    start = timezone.localtime(current.due_at)
    wanted, kept, removed = _plan(current, rule, series.following(current).select_for_update())
    if removed and user.role not in DELETE_ROLES:
        raise ValidationError(NO_REMOVAL)
    data = record_data(current, keyring)
    stored = {**rule.to_payload(), "start": start.date().isoformat()} if rule else None
    change = {"recurrence": [series.rule_text(current, data) or str(NOT_REPEATED), _describe(rule, start.date())]}
    # The same series stays one series: "the following ones" of an earlier occurrence still reach the later
    # ones, so a rule changed again from earlier replaces them instead of adding copies beside them.
    recurrence_id = (current.recurrence_id or uuid.uuid4()) if rule else None
    rewritten = []
    for occurrence in [current, *kept]:  # all locked above
        payload = record_data(occurrence, keyring) if occurrence is not current else data
        _set_rule(payload, stored)
        history.append(payload, history.entry(user, changes=change))
        occurrence.recurrence_id = recurrence_id
        rewritten.append((occurrence, payload))
    records_rewrite(rewritten, keyring=keyring, user=user, fields=["recurrence_id"])
    if removed:
        comments = actions_remove(user, keyring, [o.pk for o in removed])
        audit_deletion(user, current, count=len(removed), comments=comments, scope="reschedule", request=request)
    added = _add(user, keyring, current, data, sorted(_missing(wanted, kept)), start, recurrence_id)
    index_refresh(current.person, keyring)
    result = Rescheduled(added=added, kept=len(kept), removed=len(removed))
    audit(
        AuditAction.ACTION_UPDATE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=current,
        added=result.added,
        kept=result.kept,
        removed=result.removed,
    )
    return result


def reschedule_preview(*, action: Action, rule: Rule | None) -> Rescheduled:
    """What `series_reschedule` would do now, without writing: the confirmation page says it first."""
    wanted, kept, removed = _plan(action, rule, series.following(action))
    return Rescheduled(added=len(_missing(wanted, kept)), kept=len(kept), removed=len(removed))


def _plan(action: Action, rule: Rule | None, later: QuerySet[Action]) -> tuple[set[date], list[Action], list[Action]]:
    """(the rule's days after the action's, the `later` occurrences kept, those removed)."""
    start = timezone.localtime(action.due_at).date()
    wanted: set[date] = set()
    if rule is not None:
        recurrence.check(rule, start)
        wanted = {day for day in recurrence.occurrence_days(rule, start) if day > start}
    kept, removed = _match(list(later.order_by("due_at")), wanted)
    return wanted, kept, removed


def _missing(wanted: set[date], kept: list[Action]) -> set[date]:
    """The rule's days that no kept occurrence stands on: each gets a copy."""
    return wanted - {_day(o) for o in kept}


def _day(action: Action) -> date:
    return timezone.localtime(action.due_at).date()


def _match(later: list[Action], wanted: set[date]) -> tuple[list[Action], list[Action]]:
    """(kept, removed): an occurrence on a wanted day stays, one per day; the others go."""
    kept, removed, taken = [], [], set()
    for occurrence in later:
        day = _day(occurrence)
        if day in wanted and day not in taken:
            kept.append(occurrence)
            taken.add(day)
        else:
            removed.append(occurrence)
    return kept, removed


def _set_rule(payload: dict[str, Any], stored: dict[str, Any] | None) -> None:
    if stored is None:
        payload.pop("recurrence", None)
    else:
        payload["recurrence"] = stored


def _describe(rule: Rule | None, start: date) -> str:
    return recurrence.describe(rule, start) if rule else str(NOT_REPEATED)


def _add(
    user: User,
    keyring: Keyring,
    action: Action,
    data: dict[str, Any],
    days: list[date],
    start: datetime,
    recurrence_id: uuid.UUID | None,
) -> int:
    """Copies of `action` (what an edit of the following ones would copy) on `days`, at its time of day."""
    if not days:
        return 0
    copied = {key: data.get(key) for key in PROPAGATED}
    copied.update(recurrence=data.get("recurrence"), history=[history.entry(user, kind="creation")])
    wall = start.timetz().replace(tzinfo=None)
    moments = [timezone.make_aware(datetime.combine(day, wall)) for day in days]
    plain = {"with_time": action.with_time, "urgent": action.urgent}
    teams = list(action.teams.all())
    return len(series_create(user, keyring, action.person, moments, teams, copied, plain, recurrence_id))
