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
from typing import Any
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


def _date(value: datetime | None, form: str) -> str:
    """What the `date` filter prints: the value in the current time zone, or nothing."""
    return formats.date_format(timezone.localtime(value), form) if value else ""


@dataclass(frozen=True)
class ActionRow:
    action: Action
    data: dict[str, Any]
    person_name: str

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @cached_property
    def overdue(self) -> bool:
        """Still to do after its agenda day: a night team's action of yesterday is not late before noon."""
        action = self.action
        if action.status != Status.TODO:
            return False
        teams = list(action.teams.all())
        night = bool(teams) and all(t.night_team for t in teams)
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
            "due": _date(action.due_at, "d/m/Y H:i" if action.with_time else "d/m/Y") if todo else "",
            "status_label": "" if todo else str(action.get_status_display()),
            "completed": "" if todo else _date(action.completed_at, "d/m/Y H:i"),
            "teams": ", ".join(team.name for team in action.teams.all()),
            "version": action.version,
        }
