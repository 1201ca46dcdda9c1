"""An action as a list row, and what `agenda/_rows.html` shows of it, worked out once in Python.

A day or a week renders 50 to 140 rows: resolving `row.action.due_at|date`, three `{% url %}` tags and a dozen
dotted lookups per row (each attribute lookup on an object first fails as a dictionary lookup) cost most of the
page. `ActionRow.shown` is a plain dictionary of the row's display values, so each lookup in the template is one
dictionary access; the template still escapes every value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from html import escape  # Django's escape without its lazy-text wrapper: the same output for text
from typing import Any, NamedTuple
from urllib.parse import quote
from uuid import UUID

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mano.agenda.days import agenda_day_of
from mano.agenda.models import Action, Status
from mano.core.rows import date_shown, url_of


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
        """The row's display values, for `rows_html`."""
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
    for action_id, team_id, name, night_team in links:
        found[action_id].append(TeamName(team_id, name, night_team))
    return found


_BADGE = '<span class="badge badge--urgent">!</span> '


def _labels() -> dict[str, str]:
    """The fixed words of the rows in the current language, escaped once per list."""
    return {
        "recurring": escape(gettext("Action récurrente")),
        "family": escape(gettext("Action familiale")),
        "late": escape(gettext("en retard")),
        "done": escape(gettext("Fait")),
        "again": escape(gettext("À refaire")),
        "none": escape(gettext("Aucune action ici.")),
        "hint": escape(gettext("« Nouvelle action » en ajoute une ; les filtres en montrent d’autres.")),
    }


def rows_html(rows: Iterable[ActionRow], *, show_person: bool, next_url: str, csrf_input: str) -> SafeString:
    """The list of `agenda/_rows.html`. A day or a week shows 50 to 140 rows: each row written here costs a
    tenth of the same markup through the template engine (about forty nodes a row). Every value is escaped."""
    labels, after = _labels(), escape(quote(next_url))
    hidden = {"next": escape(next_url), "csrf": csrf_input}
    body = "".join(_row_html(row.shown, labels, show_person, after, hidden) for row in rows)
    if not body:
        hint = f" {labels['hint']}" if show_person else ""
        body = f'<li class="muted">{labels["none"]}{hint}</li>'
    return mark_safe(f'<ul class="list actions">{body}</ul>')  # noqa: S308  (every value above is escaped)


def _row_html(r: dict[str, Any], labels: dict[str, str], show_person: bool, after: str, hidden: dict[str, str]) -> str:
    urgent, overdue, todo = r["urgent"], r["overdue"], r["todo"]
    marks = "".join(
        f' <span class="action__mark" title="{labels[key]}" aria-hidden="true">{sign}</span>'
        f'<span class="sr-only">{labels[key]}</span>'
        for key, sign in (("recurring", "↻"), ("family", "👪"))
        if r[key]
    )
    tags = "".join(f'<span class="tag">{escape(str(c))}</span> ' for c in r["categories"])
    person = f'<br><small><a href="{escape(r["person_url"])}">{escape(r["person_name"])}</a></small>'
    if todo:
        when = escape(r["due"])
        when = f'<span class="action__late">{when} · {labels["late"]}</span>' if overdue else when
        button = f'<button class="btn btn--small" name="status" value="done" type="submit">{labels["done"]}</button>'
    else:
        when = f"{escape(r['status_label'])} {escape(r['completed'])}"
        button = (
            '<button class="btn btn--small btn--ghost-dark" name="status" value="todo" type="submit">'
            f"{labels['again']}</button>"
        )
    return (
        f'<li class="list__row action{" action--urgent" if urgent else ""} action--{escape(r["status"])}'
        f'{" action--overdue" if overdue else ""}">\n'
        f'<span class="action__main">{_BADGE if urgent else ""}'
        f'<a href="{escape(r["edit_url"])}?next={after}">{escape(r["name"])}</a>{marks}\n'
        f"{'<br>' if tags else ''}{tags}\n"
        f"{person if show_person else ''}\n"
        f'<br><small class="muted">{when} · {escape(r["teams"])}</small></span>\n'
        f'<form method="post" action="{escape(r["status_url"])}">{hidden["csrf"]}'
        f'<input type="hidden" name="version" value="{r["version"]}">'
        f'<input type="hidden" name="next" value="{hidden["next"]}">{button}</form>\n'
        "</li>"
    )
