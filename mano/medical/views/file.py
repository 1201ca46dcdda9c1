"""The medical file: the section of the person page, its edit form, its history and its print view."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mano.core.conflict import conflict_page
from mano.core.http import AuthenticatedHttpRequest, posted_version
from mano.core.records import ConflictError
from mano.medical import selectors
from mano.medical.access import health_required
from mano.medical.services.files import medical_file_save
from mano.medical.views.common import opened
from mano.persons import custom_fields
from mano.persons.forms import CustomFieldsForm, custom_initial
from mano.persons.selectors.persons import PersonView, person_get


def medical_section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """The "Dossier médical" section of a person page (health professionals only, see sections.py)."""
    opened(request, view.person)  # type: ignore[arg-type]
    return {"medical": selectors.medical_view(user=request.user, keyring=request.keyring, person=view)}  # type: ignore[arg-type, attr-defined]


def _person(request: AuthenticatedHttpRequest, person_id: UUID) -> PersonView:
    return person_get(user=request.user, keyring=request.keyring, person_id=person_id)


@require_http_methods(["GET", "POST"])
@health_required
def file_edit_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    medical = selectors.medical_view(user=request.user, keyring=request.keyring, person=view)
    opened(request, view.person)
    groups = request.user.organisation.medical_field_groups  # type: ignore[union-attr]
    initial = custom_initial(medical.file_data.get("custom") or {})
    form = CustomFieldsForm(request.POST or None, groups=groups, team_id=None, initial=initial)
    context = {"form": form, "view": view, "version": medical.version}
    if request.method == "POST" and form.is_valid():
        version = posted_version(request)
        try:
            medical_file_save(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                custom=form.custom_values(),
                expected_version=version,
            )
        except ConflictError:
            fresh = selectors.medical_view(user=request.user, keyring=request.keyring, person=view)
            saved = [(v.label, v.value or "—") for _, values in fresh.fields for v in values]
            return conflict_page(request, "medical/file_form.html", form, version=fresh.version, saved=saved, view=view)
        messages.success(request, _("Dossier médical enregistré."))
        return redirect("persons:detail", person_id=person_id)
    return render(request, "medical/file_form.html", context)


def _labels(request: AuthenticatedHttpRequest) -> dict[str, str]:
    groups = request.user.organisation.medical_field_groups  # type: ignore[union-attr]
    return {f"custom.{f['key']}": f["label"] for g in groups for f in g["fields"]}


@require_http_methods(["GET"])
@health_required
def file_history_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    medical = selectors.medical_view(user=request.user, keyring=request.keyring, person=view)
    opened(request, view.person)
    rows = list(reversed(medical.file_data.get("history") or []))
    return render(request, "medical/history.html", {"view": view, "rows": rows, "labels": _labels(request)})


@require_http_methods(["GET"])
@health_required
def file_print_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    medical = selectors.medical_view(user=request.user, keyring=request.keyring, person=view)
    opened(request, view.person)
    types = {t["name"]: t for t in request.user.organisation.consultation_types}  # type: ignore[union-attr]
    consultations = [
        (
            row,
            [
                (f["label"], custom_fields.display(f, (row.data or {}).get("custom", {}).get(f["key"])))
                for f in types.get(row.type, {}).get("fields", [])
            ],
        )
        for row in medical.consultations
    ]
    context = {"view": view, "medical": medical, "consultations": consultations}
    return render(request, "medical/print.html", context)
