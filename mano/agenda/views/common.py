"""What every agenda view shares: the filters read from the URL (the text sealed) and the day shown."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team
from mano.accounts.selectors import current_team
from mano.agenda import filters
from mano.agenda.categories import categories_of
from mano.agenda.category_picker import choice_groups
from mano.agenda.days import agenda_day_of
from mano.core.dates import in_range
from mano.core.http import AuthenticatedHttpRequest
from mano.core.search_param import search_of, see_other

ROLES = ("admin", "normal", "restricted")
# A one-tap change, a deletion or a repetition made on a version someone has changed since.
CHANGED_MEANWHILE = _("Cette action vient d’être modifiée par quelqu’un d’autre : vérifiez-la.")
STATUS_FILTERS = filters.STATUS_FILTERS


def asked_day(value: str) -> date | None:
    """The ISO day of a `jour` parameter when it is a real day between 1900 and 2100, else None."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if in_range(day) else None


def day_shown(request: AuthenticatedHttpRequest, night: bool) -> date:
    """The `jour` asked for, or today (the agenda day now) when it is missing or not a usable day."""
    return asked_day(request.GET.get("jour", "")) or agenda_day_of(timezone.now(), night=night)


def scope_of(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The filters every agenda view shares, read from the URL (see mano.agenda.filters).

    No team chosen means the current team; "toutes" lifts the team filter; "sans" adds the actions that have no
    team (alone: only those). Team ids of another organisation are ignored."""
    chosen = filters.AgendaFilters.from_query(request.GET, search_of(request, limit=filters.MAX_TEXT))
    team = current_team(request)
    org_teams = list(Team.objects.filter(organisation_id=request.user.member_organisation_id).order_by("name"))
    picked = [t for t in org_teams if t.pk in chosen.team_ids]
    whole = chosen.whole or (not picked and not chosen.without_team and team is None)
    teams = [] if whole else picked or ([] if chosen.without_team or team is None else [team])
    without_team = chosen.without_team and not whole
    organisation = request.user.organisation
    return {
        "team": team,
        "whole": whole,
        "teams": teams,
        "without_team": without_team,
        "org_teams": org_teams,
        "team_ids": {t.pk for t in teams},
        "status": chosen.status,
        "night": bool(teams) and not without_team and all(t.night_team for t in teams),
        "statuses": chosen.statuses,
        "filters": chosen,
        "filter_labels": _labels(chosen, picked, whole, without_team),
        "query": chosen.query(),
        "category_choices": choice_groups(categories_of(organisation), chosen.categories) if organisation else [],
    }


def filters_redirect(request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    """The filter form posts, so that its text never reaches a URL: back to the same page (first page) with
    the same filters and day, the text as its session token."""
    chosen = filters.AgendaFilters.from_query(request.POST, search_of(request, limit=filters.MAX_TEXT))
    day = asked_day(request.POST.get("jour", ""))
    return see_other(request, ([("jour", day.isoformat())] if day else []) + chosen.pairs())


STATUS_LABELS = {"done": _("faites"), "cancelled": _("annulées"), "all": _("tous statuts")}


def _labels(chosen: filters.AgendaFilters, picked: list[Team], whole: bool, without_team: bool) -> list[str]:
    """A short reminder of the active filters, shown on the collapsed filter box."""
    labels = [str(_("toute l’organisation"))] if whole else [t.name for t in picked]
    labels += [str(_("sans équipe"))] if without_team else []
    labels += list(chosen.categories) + ([str(_("sans catégorie"))] if chosen.without_category else [])
    labels += [str(STATUS_LABELS[chosen.status])] if chosen.status in STATUS_LABELS else []
    return labels + ([str(_("« %(text)s »")) % {"text": chosen.text}] if chosen.text else [])


def uuids(values: list[str]) -> list[UUID]:
    result = []
    for value in values:
        try:
            result.append(UUID(value))
        except ValueError:
            continue
    return result
