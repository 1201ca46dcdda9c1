"""What every agenda view shares: the filters read from the URL and the day shown."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.utils import timezone

from mano.accounts.selectors import current_team
from mano.agenda.days import agenda_day_of
from mano.agenda.models import Status
from mano.core.http import AuthenticatedHttpRequest

ROLES = ("admin", "normal", "restricted")
STATUS_FILTERS = {
    "todo": [Status.TODO],
    "done": [Status.DONE],
    "cancelled": [Status.CANCELLED],
    "all": [Status.TODO, Status.DONE, Status.CANCELLED],
}


def day_shown(request: AuthenticatedHttpRequest, night: bool) -> date:
    try:
        return date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        return agenda_day_of(timezone.now(), night=night)


def scope_of(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The filters every agenda view shares, read from the URL: team or whole organisation, status."""
    team = current_team(request)
    whole = request.GET.get("equipe") == "toutes"
    teams = [] if whole or team is None else [team]
    status = request.GET.get("statut", "todo") if request.GET.get("statut") in STATUS_FILTERS else "todo"
    night = bool(teams) and all(t.night_team for t in teams)
    return {
        "team": team,
        "whole": whole,
        "teams": teams,
        "status": status,
        "night": night,
        "statuses": STATUS_FILTERS[status],
    }


def uuids(values: list[str]) -> list[UUID]:
    result = []
    for value in values:
        try:
            result.append(UUID(value))
        except ValueError:
            continue
    return result
