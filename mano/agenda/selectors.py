"""Reads on actions: scoped by organisation and role; only the rows a page shows are decrypted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from mano.accounts.models import Team, User
from mano.agenda.days import agenda_day_of, day_window
from mano.agenda.models import Action, Status
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.persons.index import card_names
from mano.persons.models import Person

READ_ROLES = ("admin", "normal", "restricted")


@dataclass(frozen=True)
class ActionRow:
    action: Action
    data: dict[str, Any]
    person_name: str

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")


def actions_of(user: User) -> QuerySet[Action]:
    if user.role not in READ_ROLES:
        raise Http404
    return Action.objects.filter(organisation_id=user.organisation_id, deleted_at=None)


def _in_day(rows: QuerySet[Action], day: date, night: bool) -> QuerySet[Action]:
    """An action belongs to the day it was done or cancelled, else to the day it is due."""
    start, end = day_window(day, night=night)
    return rows.filter(agenda_at__gte=start, agenda_at__lt=end)


def _scoped(user: User, teams: list[Team], statuses: list[str]) -> QuerySet[Action]:
    rows = actions_of(user).filter(status__in=statuses)
    if teams:
        rows = rows.filter(pk__in=Action.teams.through.objects.filter(team__in=teams).values("action_id"))
    return rows


def day_counts(*, user: User, teams: list[Team], day: date, statuses: list[str]) -> dict[str, int]:
    """How many items yesterday, on `day` and tomorrow (the "Hier (n) / Aujourd'hui (n) / Demain (n)" tabs)."""
    night = bool(teams) and all(t.night_team for t in teams)
    rows = _scoped(user, teams, statuses)
    return {
        key: _in_day(rows, day + timedelta(days=offset), night).count()
        for key, offset in (("yesterday", -1), ("today", 0), ("tomorrow", 1))
    }


def day_actions(*, user: User, keyring: Keyring, teams: list[Team], day: date, statuses: list[str]) -> list[ActionRow]:
    """The day's actions of the teams, urgent first then by due time; names opened for these rows only."""
    night = bool(teams) and all(t.night_team for t in teams)
    rows = list(
        _in_day(_scoped(user, teams, statuses), day, night)
        .select_related("person")
        .prefetch_related("teams")
        .order_by("-urgent", "due_at", "id")[:500]
    )
    return action_rows(rows, keyring)


def action_rows(actions: list[Action], keyring: Keyring) -> list[ActionRow]:
    names = card_names(actions[0].organisation_id, [a.person_id for a in actions], keyring) if actions else {}
    return [ActionRow(a, record_data(a, keyring), names.get(a.person_id, "")) for a in actions]


def person_actions(*, user: User, keyring: Keyring, person: Person) -> list[ActionRow]:
    """A person's actions, to do first (by due date), then the 20 latest done or cancelled."""
    rows = actions_of(user).filter(person=person).prefetch_related("teams")
    todo = list(rows.filter(status=Status.TODO).order_by("due_at")[:100])
    closed = list(rows.exclude(status=Status.TODO).order_by("-completed_at")[:20])
    return action_rows(todo + closed, keyring)


def action_get(*, user: User, keyring: Keyring, action_id: UUID) -> ActionRow:
    """An action of the user's organisation, or 404."""
    action = actions_of(user).select_related("person").prefetch_related("teams").filter(pk=action_id).first()
    if action is None:
        raise Http404
    return action_rows([action], keyring)[0]


def week_actions(
    *, user: User, keyring: Keyring, teams: list[Team], monday: date, statuses: list[str]
) -> list[tuple[date, list[ActionRow]]]:
    """Seven days from `monday`, each with its actions (same day rule as the day view), in one query."""
    night = bool(teams) and all(t.night_team for t in teams)
    start, _ = day_window(monday, night=night)
    _, end = day_window(monday + timedelta(days=6), night=night)
    rows = (
        _scoped(user, teams, statuses)
        .filter(agenda_at__gte=start, agenda_at__lt=end)
        .prefetch_related("teams")
        .order_by("-urgent", "due_at", "id")[:2000]
    )
    days: dict[date, list[ActionRow]] = {monday + timedelta(days=i): [] for i in range(7)}
    for row in action_rows(list(rows), keyring):
        days.setdefault(agenda_day_of(row.action.agenda_at, night=night), []).append(row)
    return [(day, days[day]) for day in sorted(days) if monday <= day <= monday + timedelta(days=6)]


def actions_page(
    *, user: User, keyring: Keyring, teams: list[Team], statuses: list[str], newest_first: bool, page: str | None
) -> Page[ActionRow]:
    """All actions of the teams by due date, 50 a page; only the page's rows are decrypted."""
    rows = (
        _scoped(user, teams, statuses).prefetch_related("teams").order_by("-due_at" if newest_first else "due_at", "id")
    )
    paginated = Paginator(rows, 50).get_page(page)
    paginated.object_list = action_rows(list(paginated.object_list), keyring)
    return paginated
