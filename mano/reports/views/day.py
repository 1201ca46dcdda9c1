"""A day's report, a period's report, their print view and PDF, and the month calendar."""

from __future__ import annotations

import calendar as cal
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from mano.accounts.selectors import teams_for
from mano.agenda.reception_selectors import team_counters
from mano.core.dates import in_range
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.reports import selectors
from mano.reports.forms import NoteForm, PeriodForm
from mano.reports.pdf import pdf_of
from mano.reports.scope import ReportScope
from mano.reports.views.common import ROLES, org_teams, scope_for, team_query, today_for


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc
    if not in_range(day):
        raise Http404
    return day


def _context(request: AuthenticatedHttpRequest, scope: ReportScope) -> dict[str, Any]:
    user, keyring = request.user, request.keyring
    context: dict[str, Any] = {
        "scope": scope,
        "sections": selectors.report_sections(user=user, keyring=keyring, scope=scope),
        "notes": selectors.report_notes(user=user, keyring=keyring, scope=scope),
        "org_teams": org_teams(request),
        "teams_query": team_query(scope),
        "full": user.role in selectors.FULL_ROLES,
    }
    return context


@require_GET
@member_required(roles=ROLES)
def day_view(request: AuthenticatedHttpRequest, day: str) -> HttpResponse:
    return day_page(request, _day(day))


def day_page(
    request: AuthenticatedHttpRequest, when: date, *, note_form: NoteForm | None = None, status: int = 200
) -> HttpResponse:
    """The day's report; `note_form`: a handover note sent back with its errors, the typing kept."""
    scope = scope_for(request, when, when)
    context = _context(request, scope)
    team = scope.single_team
    mine = team is not None and teams_for(request.user).filter(pk=team.pk).exists()
    if team is not None and mine and context["full"]:
        report, data = selectors.report_for(user=request.user, keyring=request.keyring, team_id=team.pk, day=when)
        organisation = request.user.organisation
        assert organisation is not None
        initial = NoteForm.initial_of(report, data)
        context["note_form"] = note_form or NoteForm(organisation=organisation, initial=initial)
        if organisation.reception_enabled:
            context["counters"] = team_counters(organisation=organisation, team=team, day=when)
            context["team"], context["day"] = team, when
    context.update(previous=when - timedelta(days=1), next=when + timedelta(days=1), today=today_for(scope))
    return render(request, "reports/day.html", context, status=status)


@require_GET
@member_required(roles=ROLES)
def today_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_for(request, date.today(), date.today())
    day = today_for(scope).isoformat()
    query = team_query(scope)
    return redirect(f"{reverse('reports:day', args=[day])}?{query}")


@require_GET
@member_required(roles=ROLES)
def period_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "org_teams": org_teams(request)}
    if form.is_valid():
        scope = scope_for(request, form.cleaned_data["du"], form.cleaned_data["au"])
        try:
            form.check_length(scope)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context.update(_context(request, scope))
            context["form_keep"] = [("du", scope.first.isoformat()), ("au", scope.last.isoformat())]
    return render(request, "reports/period.html", context)


def _printed(request: AuthenticatedHttpRequest) -> tuple[ReportScope, dict[str, Any]]:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404
    scope = scope_for(request, form.cleaned_data["du"], form.cleaned_data["au"])
    try:
        form.check_length(scope)
    except ValidationError as exc:
        raise Http404 from exc
    return scope, _context(request, scope)


@require_GET
@member_required(roles=ROLES)
def print_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _scope, context = _printed(request)
    return render(request, "reports/print.html", context)


@require_GET
@member_required(roles=ROLES)
def pdf_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope, context = _printed(request)
    html = render_to_string("reports/pdf.html", context, request=request)
    response = HttpResponse(pdf_of(html), content_type="application/pdf")
    name = f"compte-rendu-{scope.first.isoformat()}" + ("" if scope.one_day else f"-{scope.last.isoformat()}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@member_required(roles=ROLES)
def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A month per team (or the organisation): which days have activity, which a handover note."""
    scope = scope_for(request, date.today(), date.today())
    today = today_for(scope)
    month = _month(request.GET.get("mois", ""), today)
    last = month.replace(day=cal.monthrange(month.year, month.month)[1])
    marks = selectors.month_activity(user=request.user, scope=replace(scope, first=month, last=last))
    weeks = [
        [(d, marks.get(d, set())) if d.month == month.month else (None, set()) for d in week]
        for week in cal.Calendar().monthdatescalendar(month.year, month.month)
    ]
    context = {
        "scope": scope,
        "month": month,
        "weeks": weeks,
        "today": today,
        "previous": (month - timedelta(days=1)).replace(day=1),
        "next": last + timedelta(days=1),
        "org_teams": org_teams(request),
        "teams_query": team_query(scope),
        "weekdays": [date(2024, 1, 1) + timedelta(days=i) for i in range(7)],  # a Monday, for the names
    }
    return render(request, "reports/calendar.html", context)


def _month(value: str, today: date) -> date:
    try:
        asked = date.fromisoformat(f"{value}-01")
    except ValueError:
        return today.replace(day=1)
    return asked if 1900 <= asked.year <= 2100 else today.replace(day=1)
