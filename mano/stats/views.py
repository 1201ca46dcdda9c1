"""The statistics page: admins, normal members and stats-only members; restricted members have no statistics."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mano.core.http import MEMBER_ROLES, AuthenticatedHttpRequest, member_required
from mano.stats import selectors
from mano.stats.filters import POPULATIONS, TABS, filters_of


@require_GET
@member_required(roles=MEMBER_ROLES)
def stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role == "restricted":
        raise Http404
    teams = selectors.org_teams(user)
    form, filters = filters_of(request.GET, teams=teams, today=timezone.localdate())
    scope = selectors.scope_of(user=user, filters=filters)
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "teams": [t for t in teams if str(t.pk) in filters.team_ids],
        "tabs": [(key, label, filters.query(onglet=key)) for key, label in TABS.items()],
        "population_label": POPULATIONS[filters.population],
    }
    if filters.tab == "personnes":
        context["persons"] = selectors.persons_tab(user=user, keyring=request.keyring, scope=scope, filters=filters)
    else:
        context["blocks"] = selectors.general_blocks(user=user, keyring=request.keyring, scope=scope)
    response = render(request, "stats/page.html", context)
    response["Cache-Control"] = "no-store"
    return response
