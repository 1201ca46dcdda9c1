"""What the report pages share: the teams asked for (current team by default, "toutes" for the organisation)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from mano.accounts.models import Team
from mano.accounts.selectors import current_team
from mano.agenda.days import agenda_day_of
from mano.agenda.views.common import uuids
from mano.core.http import AuthenticatedHttpRequest
from mano.reports.scope import ReportScope

ROLES = ("admin", "normal", "restricted")
ALL = "toutes"


def teams_asked(request: AuthenticatedHttpRequest) -> tuple[list[Team], bool]:
    """(teams, whole organisation). Ids of another organisation are ignored; nothing asked: the current team."""
    asked = request.GET.getlist("equipe")
    org_teams = list(Team.objects.filter(organisation_id=request.user.member_organisation_id).order_by("name"))
    if ALL in asked:
        return [], True
    wanted = set(uuids(asked))
    picked = [t for t in org_teams if t.pk in wanted]
    if picked:
        return picked, False
    team = current_team(request)
    return ([team], False) if team else ([], True)


def scope_for(request: AuthenticatedHttpRequest, first: date, last: date) -> ReportScope:
    teams, whole = teams_asked(request)
    return ReportScope(teams=teams, whole=whole, first=first, last=last)


def team_query(scope: ReportScope) -> str:
    """The `equipe` part of the links of a page, to keep its teams."""
    if scope.whole:
        return f"equipe={ALL}"
    return "&".join(f"equipe={t.pk}" for t in scope.teams)


def today_for(scope: ReportScope) -> date:
    from django.utils import timezone

    return agenda_day_of(timezone.now(), night=scope.night)


def org_teams(request: HttpRequest) -> list[Any]:
    return list(Team.objects.filter(organisation_id=request.user.member_organisation_id).order_by("name"))  # type: ignore[union-attr]
