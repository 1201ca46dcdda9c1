"""The agenda views: day, week and paged list of actions."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from mano.agenda import selectors
from mano.agenda.views.common import ROLES, day_shown, scope_of
from mano.core.http import AuthenticatedHttpRequest, member_required


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def day_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    teams, statuses = scope["teams"], scope["statuses"]
    day = day_shown(request, scope["night"])
    context = {
        **scope,
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "counts": selectors.day_counts(user=request.user, teams=teams, day=day, statuses=statuses),
        "rows": selectors.day_actions(
            user=request.user, keyring=request.keyring, teams=teams, day=day, statuses=statuses
        ),
    }
    return render(request, "agenda/day.html", context)


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def week_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    day = day_shown(request, scope["night"])
    monday = day - timedelta(days=day.weekday())
    days = selectors.week_actions(
        user=request.user, keyring=request.keyring, teams=scope["teams"], monday=monday, statuses=scope["statuses"]
    )
    context = {
        **scope,
        "days": days,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "monday": monday,
    }
    return render(request, "agenda/week.html", context)


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    newest_first = request.GET.get("tri") == "recentes"
    page = selectors.actions_page(
        user=request.user,
        keyring=request.keyring,
        teams=scope["teams"],
        statuses=scope["statuses"],
        newest_first=newest_first,
        page=request.GET.get("page"),
    )
    return render(request, "agenda/list.html", {**scope, "page": page, "newest_first": newest_first})
