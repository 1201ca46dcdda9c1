"""The agenda views: day, week and paged list of actions, all with the filters of views.common.scope_of."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mano.agenda import extras, selectors
from mano.agenda.days import agenda_day_of
from mano.agenda.views.common import ROLES, day_shown, filters_redirect, scope_of
from mano.core.http import AuthenticatedHttpRequest, member_required

SORT_LABELS = {
    "echeance": _("Échéance (la plus proche d’abord)"),
    "recentes": _("Échéance (la plus lointaine d’abord)"),
    "nom": _("Nom"),
    "personne": _("Personne suivie"),
    "statut": _("Statut"),
}


def _selection(request: AuthenticatedHttpRequest, scope: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": request.user,
        "keyring": request.keyring,
        "teams": scope["teams"],
        "statuses": scope["statuses"],
        "without_team": scope["without_team"],
        "filters": scope["filters"],
    }


def _shown(request: AuthenticatedHttpRequest, scope: dict[str, Any]) -> extras.Shown:
    """What to show besides the actions; the choice rides along in every link of the page."""
    what = extras.shown(request)
    if what.choice:
        scope["query"] = "&".join(filter(None, [scope["query"], f"voir={what.choice}"]))
    return what


def _page(request: AuthenticatedHttpRequest) -> int:
    value = request.GET.get("page", "")
    return min(int(value), 1000) if value.isdigit() and 0 < len(value) < 5 and int(value) > 0 else 1


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def day_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return filters_redirect(request)
    scope = scope_of(request)
    what = _shown(request, scope)
    day = day_shown(request, scope["night"])
    page = _page(request)
    agenda = selectors.day_agenda(**_selection(request, scope), day=day, page=page)
    counts, rows = agenda.counts, agenda.rows if what.actions else []
    first = (page - 1) * selectors.DAY_PAGE
    # The extras (consultations) are paged with the actions: page N shows the Nth DAY_PAGE of each.
    extra_days = [
        (extra, by_day[day])
        for extra, by_day in extras.week_blocks(request, what, [day], scope, per_day=selectors.DAY_PAGE, first=first)
    ]
    actions_more = what.actions and counts["today"] > first + len(rows)
    # What the pager says this page shows: the actions' range, then that of each extra not shown whole here.
    page_ranges: list[tuple[Promise, int, int, int]] = []
    page_ranges += [(_("Actions"), first + 1, first + len(rows), counts["today"])] if rows else []
    page_ranges += [
        (extra.label, extra_day.first + 1, extra_day.last, extra_day.count)
        for extra, extra_day in extra_days
        if extra_day.hidden and extra_day.rows
    ]
    context = {
        "shown": what,
        "extra_days": extra_days,
        **scope,
        "day": day,
        "is_today": day == agenda_day_of(timezone.now(), night=scope["night"]),
        "tab_labels": _tab_labels(scope["night"]),
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "counts": counts,
        "rows": rows,
        "page_number": page,
        "page_ranges": page_ranges,
        "more": actions_more or any(extra_day.more for _, extra_day in extra_days),
        "window_capped": agenda.capped,
        "window_cap": selectors.WINDOW_CAP,
    }
    return render(request, "agenda/day.html", context)


def _tab_labels(night: bool) -> tuple[str, str, str]:
    """The previous / current / next tab names around the current agenda day. A night team's current day is
    the night that began at noon: in the morning it is last night, and tonight is the next tab."""
    if not night:
        return str(_("Hier")), str(_("Aujourd’hui")), str(_("Demain"))
    if timezone.localtime().hour < 12:
        return str(_("Nuit précédente")), str(_("Cette nuit")), str(_("Ce soir"))
    return str(_("Nuit dernière")), str(_("Ce soir")), str(_("Nuit suivante"))


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def week_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return filters_redirect(request)
    scope = scope_of(request)
    what = _shown(request, scope)
    day = day_shown(request, scope["night"])
    monday = day - timedelta(days=day.weekday())
    week = [monday + timedelta(days=i) for i in range(7)]
    if what.actions:
        days = selectors.week_actions(**_selection(request, scope), monday=monday)
    else:
        days = [selectors.WeekDay(d, [], 0) for d in week]
    context = {
        **scope,
        "shown": what,
        "week": week,
        "extra_days": extras.week_blocks(request, what, week, scope, per_day=selectors.WEEK_DAY_ROWS),
        "days": days,
        "window_capped": any(d.capped for d in days),
        "window_cap": selectors.WINDOW_CAP,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "monday": monday,
        "today": agenda_day_of(timezone.now(), night=scope["night"]),
    }
    return render(request, "agenda/week.html", context)


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return filters_redirect(request)
    scope = scope_of(request)
    what = _shown(request, scope)
    filters = scope["filters"]
    page = selectors.actions_page(
        **_selection(request, scope), newest_first=filters.sort == "recentes", page=request.GET.get("page")
    )
    context = {
        **scope,
        "shown": what,
        "extra_blocks": extras.blocks(request, what, scope) if what.choice else [],
        "page": page,
        "newest_first": filters.sort == "recentes",
        "sort": filters.sort,
        "sorts": [(key, label, filters.with_sort(key).query()) for key, label in SORT_LABELS.items()],
        "scan_cap": selectors.SCAN_CAP,
    }
    return render(request, "agenda/list.html", context)
