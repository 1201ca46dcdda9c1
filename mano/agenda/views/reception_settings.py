"""Admin pages of the reception desk ("Accueil de jour"): the switch and the grouped services editor.

Groups and services are named in the form (``groupe``, ``service``); ``do`` says what to change. Renaming a
service that already has counts, and every deletion, first shows a confirmation page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mano.accounts.models import Organisation
from mano.agenda import reception_selectors as reads
from mano.agenda import reception_settings as writes
from mano.agenda.reception_forms import ReceptionToggleForm, ServiceTeamsForm
from mano.core import grouped
from mano.core.http import AuthenticatedHttpRequest, admin_required

SAVED = _("Mise à jour !")
MOVES = {"up": -1, "down": 1}
TEMPLATE = "agenda/reception_settings.html"


def _organisation(request: AuthenticatedHttpRequest) -> Organisation:
    organisation = request.user.organisation
    assert organisation is not None
    return organisation


def _main(request: AuthenticatedHttpRequest, *, error: str = "", where: str = "", typed: str = "") -> HttpResponse:
    organisation = _organisation(request)
    context = {
        "mode": "main",
        "toggle": ReceptionToggleForm(initial={"reception_enabled": organisation.reception_enabled}),
        "groups": reads.settings_groups(organisation),
        "error": error,
        "where": where,
        "typed": typed,
    }
    return render(request, TEMPLATE, context)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _done(request: AuthenticatedHttpRequest, anchor: str = "services") -> HttpResponse:
    messages.success(request, SAVED)
    return redirect(reverse("agenda:reception-settings") + f"#{anchor}")


@require_http_methods(["GET", "POST"])
@admin_required
def reception_settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page, and the "Activer l’accueil de jour" switch."""
    if request.method == "POST":
        form = ReceptionToggleForm(request.POST)
        form.is_valid()
        writes.reception_toggle(
            user=request.user, enabled=bool(form.cleaned_data.get("reception_enabled")), request=request
        )
        return _done(request, "activation")
    return _main(request)


def _run(request: AuthenticatedHttpRequest, change: Callable[[], Any], on_error: Callable[[str], HttpResponse]) -> Any:
    try:
        return change()
    except ValidationError as exc:
        return on_error(_messages(exc))


def _write(
    request: AuthenticatedHttpRequest, change: Callable[[], Any], on_error: Callable[[str], HttpResponse]
) -> HttpResponse:
    """A settings write: an error re-renders the form with its message, success goes back to the settings."""
    result = _run(request, change, on_error)
    return result if isinstance(result, HttpResponse) else _done(request)


@require_http_methods(["GET", "POST"])
@admin_required
def service_group_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET ?groupe=: rename or delete a group. POST do=add|rename|delete|up|down."""
    organisation, user = _organisation(request), request.user
    source = request.POST if request.method == "POST" else request.GET
    title, do = source.get("groupe", ""), request.POST.get("do", "")
    typed = request.POST.get("name")
    name = (typed or "")[: grouped.MAX_LENGTH * 2]
    if do == "add":
        return _write(
            request,
            lambda: writes.service_group_add(user=user, title=name, request=request),
            lambda e: _main(request, error=e, where="group-add", typed=name),
        )
    group = next((g for g in organisation.services if g["group"] == title), None)
    if group is None:
        raise Http404
    page = {"mode": "group", "group": group, "name": title if typed is None else name}
    error = lambda e: render(request, TEMPLATE, {**page, "error": e})  # noqa: E731
    if do == "rename":
        return _write(
            request, lambda: writes.service_group_rename(user=user, old=title, new=name, request=request), error
        )
    if do in MOVES:
        move = lambda: writes.service_group_move(user=user, title=title, offset=MOVES[do], request=request)  # noqa: E731
        return _write(request, move, error)
    if do == "delete":
        if request.POST.get("confirm") != "1":
            return render(request, TEMPLATE, {**page, "mode": "group-delete"})
        return _write(request, lambda: writes.service_group_delete(user=user, title=title, request=request), error)
    return render(request, TEMPLATE, page)


@require_http_methods(["GET", "POST"])
@admin_required
def service_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET ?service=: rename, teams, move or delete a service. POST do=add|rename|teams|group|delete|up|down."""
    organisation, user = _organisation(request), request.user
    source = request.POST if request.method == "POST" else request.GET
    service, do = source.get("service", ""), request.POST.get("do", "")
    typed = request.POST.get("name")
    name = (typed or "")[: grouped.MAX_LENGTH * 2]
    if do == "add":
        group = request.POST.get("groupe", "")
        return _write(
            request,
            lambda: writes.service_add(user=user, group=group, name=name, request=request),
            lambda e: _main(request, error=e, where=f"service-add:{group}", typed=name),
        )
    current = grouped.group_of(organisation.services, service)
    if current is None:
        raise Http404
    teams = ServiceTeamsForm(request.POST if do == "teams" else None, organisation=organisation)
    chosen = organisation.service_teams.get(service)
    teams.initial = {"teams": chosen if chosen is not None else [t.pk for t in teams.fields["teams"].queryset]}  # type: ignore[attr-defined]
    page = {
        "mode": "service",
        "service": service,
        "group": current,
        "groups": [g["group"] for g in organisation.services],
        "name": service if typed is None else name,
        "teams": teams,
        "usage": reads.service_usage(organisation=organisation, name=service),
    }
    return _service_change(request, do, page) or render(request, TEMPLATE, page)


def _service_change(request: AuthenticatedHttpRequest, do: str, page: dict[str, Any]) -> HttpResponse | None:
    user, service = request.user, page["service"]
    error: Callable[[str], HttpResponse] = lambda e: render(request, TEMPLATE, {**page, "error": e, "where": do})  # noqa: E731
    if do == "rename":
        if page["usage"][0] and page["name"] != service and request.POST.get("confirm") != "1":
            return render(request, TEMPLATE, {**page, "mode": "service-rename"})
        result = _run(
            request, lambda: writes.service_rename(user=user, old=service, new=page["name"], request=request), error
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, gettext("Service renommé (%(count)s comptage(s) mis à jour).") % {"count": result})
        return redirect(reverse("agenda:reception-settings") + "#services")
    if do == "teams":
        form = page["teams"]
        if not form.is_valid():
            return render(request, TEMPLATE, page)
        teams = form.cleaned_data["teams"]
        return _write(request, lambda: writes.service_teams_set(user=user, name=service, teams=teams), error)
    if do in MOVES or do == "group":
        target = request.POST.get("vers") if do == "group" else None
        offset = MOVES.get(do, 0)
        change = lambda: writes.service_move(user=user, name=service, offset=offset, to_group=target, request=request)  # noqa: E731
        return _write(request, change, error)
    if do == "delete":
        if request.POST.get("confirm") != "1":
            return render(request, TEMPLATE, {**page, "mode": "service-delete"})
        return _write(request, lambda: writes.service_delete(user=user, name=service, request=request), error)
    return None
