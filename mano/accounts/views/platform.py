"""The platform operator: organisations with counts, and creating one. Never their data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from mano.accounts import forms, selectors
from mano.accounts.services import members
from mano.core.http import AuthenticatedHttpRequest, superadmin_required


@require_http_methods(["GET"])
@superadmin_required
def organisation_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "platform/organisation_list.html", {"organisations": selectors.organisation_counts()})


@require_http_methods(["GET", "POST"])
@superadmin_required
def organisation_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation, admin, _ = members.organisation_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "platform/organisation_created.html", {"organisation": organisation, "admin": admin})
    return render(request, "platform/organisation_create.html", {"form": form})
