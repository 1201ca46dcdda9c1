"""An action as a list row, and what `agenda/_rows.html` shows of it, worked out once in Python.

A day or a week renders 100 to 210 rows: resolving `row.action.due_at|date`, three `{% url %}` tags and a dozen
dotted lookups per row (each attribute lookup on an object first fails as a dictionary lookup) cost most of the
page. `ActionRow.shown` is a plain dictionary of the row's display values, so each lookup in the template is one
dictionary access; the template still escapes every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, NamedTuple
from uuid import UUID

from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone

from mano.agenda.days import agenda_day_of
from mano.agenda.models import Action, Status

_PLACEHOLDER = str(UUID(int=0))
_URLS: dict[tuple[str, str], str] = {}


def url_of(name: str, pk: Any) -> str:
    """`reverse(name, args=[pk])` for a URL whose only argument is a UUID, reversed once per name."""
    key = (name, get_script_prefix())
    if key not in _URLS:
        _URLS[key] = reverse(name, args=[_PLACEHOLDER])
    return _URLS[key].replace(_PLACEHOLDER, str(pk), 1)


# The numeric forms rows print, as strftime patterns: every field is a zero-padded number, so the output is the
# `date` filter's without its format lookups (30 µs a call, two calls a row).
_STRFTIME = {"d/m/Y H:i": "%d/%m/%Y %H:%M", "d/m/Y": "%d/%m/%Y"}


def date_shown(value: datetime | None, form: str) -> str:
    """What the `date` filter prints: the value in the current time zone, or nothing."""
    if not value:
        return ""
    local = timezone.localtime(value)
    pattern = _STRFTIME.get(form)
    return local.strftime(pattern) if pattern and local.year >= 1000 else formats.date_format(local, form)


@dataclass(frozen=True)
class ActionRow:
    action: Action
    data: dict[str, Any]
    person_name: str
    teams: list[TeamName]  # the action's teams by name (see teams_of)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @cached_property
    def overdue(self) -> bool:
        """Still to do after its agenda day: a night team's action of yesterday is not late before noon."""
        action = self.action
        if action.status != Status.TODO:
            return False
        night = bool(self.teams) and all(t.night_team for t in self.teams)
        return agenda_day_of(action.due_at, night=night) < agenda_day_of(timezone.now(), night=night)

    @cached_property
    def shown(self) -> dict[str, Any]:
        """The row's display values for `agenda/_rows.html`."""
        action = self.action
        todo = action.status == Status.TODO
        return {
            "urgent": action.urgent,
            "status": action.status,
            "overdue": self.overdue,
            "todo": todo,
            "edit_url": url_of("agenda:edit", action.pk),
            "status_url": url_of("agenda:status", action.pk),
            "person_url": url_of("persons:detail", action.person_id),
            "name": self.name,
            "recurring": bool(action.recurrence_id),
            "family": bool(self.data.get("family")),
            "categories": self.data.get("categories") or [],
            "person_name": self.person_name,
            "due": date_shown(action.due_at, "d/m/Y H:i" if action.with_time else "d/m/Y") if todo else "",
            "status_label": "" if todo else str(Status(action.status).label),
            "completed": "" if todo else date_shown(action.completed_at, "d/m/Y H:i"),
            "teams": ", ".join(team.name for team in self.teams),
            "version": action.version,
        }


class TeamName(NamedTuple):
    """What a row shows of one of its teams."""

    pk: UUID
    name: str
    night_team: bool


def teams_of(actions: list[Action]) -> dict[UUID, list[TeamName]]:
    """The teams of these actions of one organisation, each list ordered by name as `action.teams.all()` is: one
    query for plain values, where a prefetch builds a related manager and a model for every action and link."""
    if not actions:
        return {}
    links = (
        Action.teams.through.objects.filter(
            action_id__in=[a.pk for a in actions], team__organisation_id=actions[0].organisation_id
        )
        .order_by("team__name", "team_id")
        .values_list("action_id", "team_id", "team__name", "team__night_team")
    )
    found: dict[UUID, list[TeamName]] = {a.pk: [] for a in actions}
    for action_id, *team in links:
        found[action_id].append(TeamName(*team))
    return found
