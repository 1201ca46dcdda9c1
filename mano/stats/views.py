"""The statistics page: admins, normal members and stats-only members; restricted members have no statistics.

The person filters' form posts, so that a typed value never reaches a URL: the page answers with a redirect to
itself carrying the value sealed for the session (`mano.persons.filters`, as the persons list does)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mano.core.http import MEMBER_ROLES, AuthenticatedHttpRequest, member_required
from mano.core.search_param import replace_params, see_other
from mano.core.spreadsheet import xlsx_response
from mano.persons.filters import OPERATORS, UNKNOWN_FIELD, PersonFilters, filter_fields
from mano.persons.filters import filters_of as person_filters_of
from mano.persons.index import card_names
from mano.stats import export, selectors, tabs
from mano.stats.context import StatsContext
from mano.stats.filters import PERSON_FILTER_PARAMS, POPULATIONS, filters_of

DETAIL_MAX = 500


def _fields(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """The fields a condition may test: the file's own, then the custom fields of groups in use."""
    groups = request.user.organisation.person_field_groups or []  # type: ignore[union-attr]
    return filter_fields(f for g in groups if not g.get("archived") for f in g.get("fields") or [])


def _person_filters(request: AuthenticatedHttpRequest, params: Any) -> PersonFilters:
    return person_filters_of(request, params, team_id=None, fields=_fields(request))


def context_of(request: AuthenticatedHttpRequest) -> tuple[Any, StatsContext]:
    """The filter form (its errors say what was set aside) and the shared context of every tab."""
    user = request.user
    if user.role == "restricted":
        raise Http404
    teams = selectors.org_teams(user)
    person_filters = _person_filters(request, request.GET)
    if any(name in request.GET for name in PERSON_FILTER_PARAMS):
        replace_params(request, PERSON_FILTER_PARAMS, person_filters.pairs())
    form, filters = filters_of(request.GET, teams=teams, today=timezone.localdate(), tabs=tabs.TABS)
    notices = filters.notices + ([str(UNKNOWN_FIELD)] if person_filters.unknown else [])
    filters = replace(filters, person_pairs=tuple(person_filters.pairs()), notices=notices)
    scope = selectors.scope_of(user=user, filters=filters)
    ctx = StatsContext(
        user=user, keyring=request.keyring, filters=filters, scope=scope, person_filters=person_filters, teams=teams
    )
    return form, ctx


def _current_tab(ctx: StatsContext) -> tabs.Tab:
    shown = tabs.visible(ctx)
    return next((t for t in shown if t.key == ctx.filters.tab), shown[0])


@require_http_methods(["GET", "POST"])
@member_required(roles=MEMBER_ROLES)
def stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role == "restricted":
        raise Http404
    if request.method == "POST":
        # The person filters' form: back to the page with the conditions sealed, every other filter kept.
        kept = [(k, v) for k, values in request.GET.lists() if k not in PERSON_FILTER_PARAMS for v in values]
        return see_other(request, kept + _person_filters(request, request.POST).pairs())
    form, ctx = context_of(request)
    tab = _current_tab(ctx)
    context: dict[str, Any] = {
        "form": form,
        "ctx": ctx,
        "filters": ctx.filters,
        "person_filters": ctx.person_filters,
        "teams": ctx.chosen_teams,
        "tabs": [(t.key, t.label, ctx.filters.query(onglet=t.key)) for t in tabs.visible(ctx)],
        "tab": tab,
        "sections": tab.build(ctx),
        **(tab.controls_context(ctx) if tab.controls_context else {}),
        "population_label": POPULATIONS[ctx.filters.population],
        "fields": _fields(request),
        "operators": OPERATORS.items(),
    }
    response = render(request, "stats/page.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@member_required(roles=MEMBER_ROLES)
def detail_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The persons behind one row of one indicator (a bar or a slice): their names for members who may open
    their files, only their number for stats-only members."""
    _form, ctx = context_of(request)
    tab = _current_tab(ctx)
    indicator = tabs.indicator_of(tab.build(ctx), request.GET.get("indicateur", ""))
    try:
        row = int(request.GET.get("ligne", ""))
    except ValueError:
        row = -1
    if indicator is None or not 0 <= row < len(indicator.members):
        raise Http404
    label, items = indicator.rows[row]
    ids = indicator.members[row]
    names: list[tuple[str, str]] = []
    if request.user.role != "stats":
        found = card_names(ctx.scope.organisation_id, ids[:DETAIL_MAX], ctx.keyring, live_only=True)
        names = sorted(((str(pid), name) for pid, name in found.items()), key=lambda item: item[1].casefold())
    context = {
        "indicator": indicator,
        "label": label,
        "count": len(ids),
        # A row of items (actions…) also says how many items its persons account for.
        "items": None if indicator.counts_persons else items,
        "names": names,
        "cut": len(ids) > DETAIL_MAX,
        "back": f"{reverse('stats:page')}?{ctx.filters.query()}#{indicator.key}",
        "filters": ctx.filters,
    }
    response = render(request, "stats/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@member_required(roles=MEMBER_ROLES)
def export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every tab the member sees, one sheet each, with the page's filters."""
    _form, ctx = context_of(request)
    name = f"statistiques-{ctx.filters.first.isoformat()}-{ctx.filters.last.isoformat()}.xlsx"
    return xlsx_response(export.workbook(ctx), name)


@require_GET
@member_required(roles=MEMBER_ROLES)
def print_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every tab the member sees on one page, for the browser's print (or "save as PDF")."""
    _form, ctx = context_of(request)
    pages = [(tab, tab.build(ctx)) for tab in tabs.visible(ctx)]
    context = {"ctx": ctx, "filters": ctx.filters, "teams": ctx.chosen_teams, "pages": pages, "printing": True}
    response = render(request, "stats/print.html", context)
    response["Cache-Control"] = "no-store"
    return response
