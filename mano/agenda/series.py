"""Reads on the occurrences of a recurring action (its series), for the services and the edit/delete pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from mano.agenda.models import Action, Status
from mano.agenda.recurrence import Rule, describe, occurrence_days

# What an edit or a deletion on an occurrence applies to.
ONE, FOLLOWING = "one", "following"


def following(action: Action) -> QuerySet[Action]:
    """The later occurrences of the action's series that are still to do (none for a one-off action).

    Done or cancelled occurrences are never in it: they record work that happened."""
    if action.recurrence_id is None:
        return Action.objects.none()
    return Action.objects.filter(
        organisation_id=action.organisation_id,
        person_id=action.person_id,
        recurrence_id=action.recurrence_id,
        deleted_at=None,
        status=Status.TODO,
        due_at__gt=action.due_at,
    ).exclude(pk=action.pk)


def lock(action: Action) -> None:
    """Lock the edited row before its following ones: every series write takes its locks in that order (the row,
    then the later occurrences by date), or two writers on one series could each wait for the other."""
    list(Action.objects.select_for_update().filter(pk=action.pk).values_list("pk", flat=True))


def rule_text(action: Action, data: dict[str, Any]) -> str:
    """The series' rule in words ("Tous les 2 jours jusqu’au 31/01/2027"), or "" for a one-off action."""
    stored = data.get("recurrence") if action.recurrence_id else None
    rule = Rule.from_payload(stored)
    if rule is None or not isinstance(stored, dict):
        return ""
    start = stored.get("start")
    try:
        first = date.fromisoformat(str(start)) if start else timezone.localtime(action.due_at).date()
    except ValueError:
        first = timezone.localtime(action.due_at).date()
    last = _last_day(action)
    if last < rule.end and any(day > last for day in occurrence_days(rule, first)):
        rule = replace(rule, end=last)  # its following occurrences were deleted: the series ends earlier
    return describe(rule, first)


def _last_day(action: Action) -> date:
    """The day of the series' last live occurrence: deleting the following ones ends the series earlier."""
    last = (
        Action.objects.filter(
            organisation_id=action.organisation_id, recurrence_id=action.recurrence_id, deleted_at=None
        ).aggregate(last=Max("due_at"))["last"]
        or action.due_at
    )
    return timezone.localtime(last).date()
