"""Person pages: thin views over persons.services and persons.selectors."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mano.accounts.selectors import current_team
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.core.records import ConflictError
from mano.persons import selectors, services
from mano.persons.forms import PersonForm, initial_from

PERSON_ROLES = ("admin", "normal", "restricted")


@require_http_methods(["GET"])
@member_required(roles=PERSON_ROLES)
def person_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    whole = request.GET.get("tout") == "1"
    team = None if whole else current_team(request)
    page = selectors.person_page(user=request.user, keyring=request.keyring, team=team, page=request.GET.get("page"))
    return render(request, "persons/list.html", {"page": page, "whole": whole})


@require_http_methods(["GET", "POST"])
@member_required(roles=PERSON_ROLES)
def person_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    team = current_team(request)
    form = PersonForm(
        request.POST or None, organisation=request.user.organisation, initial={"teams": [team] if team else []}
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            person = services.person_create(user=request.user, keyring=request.keyring, request=request, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Personne créée.")
            return redirect("persons:detail", person_id=person.pk)
    return render(request, "persons/form.html", {"form": form, "creating": True})


@require_http_methods(["GET"])
@member_required(roles=PERSON_ROLES)
def person_detail_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    return render(request, "persons/detail.html", {"view": view})


@require_http_methods(["GET", "POST"])
@member_required(roles=PERSON_ROLES)
def person_edit_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    initial = initial_from(view.data, list(view.person.teams.all()), view.person.version)
    form = PersonForm(request.POST or None, organisation=request.user.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.person_update(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
                **fields,
            )
        except ConflictError:
            return _conflict(request, person_id, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect("persons:detail", person_id=person_id)
    return render(request, "persons/form.html", {"form": form, "view": view})


def _conflict(request: AuthenticatedHttpRequest, person_id: UUID, typed: PersonForm) -> HttpResponse:
    """Show what the other person saved beside what this user typed; the form resubmits on the new version."""
    latest = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    data = request.POST.copy()
    data["version"] = str(latest.person.version)
    form = PersonForm(data, organisation=request.user.organisation)
    form.is_valid()
    context = {"form": form, "view": latest, "typed": typed.cleaned_data}
    return render(request, "persons/conflict.html", context, status=409)
