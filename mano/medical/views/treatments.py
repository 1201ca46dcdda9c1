"""Treatment pages: add from the person page, open and edit, delete."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mano.core.conflict import conflict_page
from mano.core.http import AuthenticatedHttpRequest, posted_version
from mano.core.records import ConflictError
from mano.medical import selectors
from mano.medical.access import health_required
from mano.medical.forms import MedicalCommentForm, TreatmentForm
from mano.medical.services import treatments as services
from mano.medical.views.common import opened
from mano.persons.selectors.persons import person_get

LABELS = {
    "name": gettext_lazy("Nom"),
    "dosage": gettext_lazy("Dosage"),
    "frequency": gettext_lazy("Fréquence"),
    "indication": gettext_lazy("Indication"),
    "start": gettext_lazy("Date de début"),
    "end": gettext_lazy("Date de fin"),
}


def _back(person_id: object) -> HttpResponse:
    return redirect(reverse("persons:detail", args=[person_id]) + "#medical")


@require_http_methods(["GET", "POST"])
@health_required
def treatment_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    form = TreatmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.treatment_create(
                user=request.user, keyring=request.keyring, person=view.person, values=form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Traitement ajouté."))
            return _back(person_id)
    return render(request, "medical/treatment_form.html", {"form": form, "view": view, "creating": True})


@require_http_methods(["GET", "POST"])
@health_required
def treatment_view(request: AuthenticatedHttpRequest, treatment_id: UUID) -> HttpResponse:
    treatment, data = selectors.treatment_get(user=request.user, keyring=request.keyring, treatment_id=treatment_id)
    view = selectors.person_of(request.user, request.keyring, data)
    opened(request, view.person)
    form = TreatmentForm(request.POST or None, initial={**data, "version": treatment.version})
    context = {
        "form": form,
        "view": view,
        "treatment": treatment,
        "data": data,
        "labels": LABELS,
        "comments": selectors.subject_comments(request.user, request.keyring, view.person, "treatment", treatment.pk),
        "comment_form": MedicalCommentForm(),
        "documents": selectors.subject_documents(request.user, request.keyring, view.person, "treatment", treatment.pk),
        "history": list(reversed(data.get("history") or [])),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.treatment_update(
                user=request.user,
                keyring=request.keyring,
                treatment=treatment,
                values=form.values(),
                expected_version=posted_version(request),
            )
        except ConflictError:
            fresh, fresh_data = selectors.treatment_get(
                user=request.user, keyring=request.keyring, treatment_id=treatment_id
            )
            saved = [(str(label), fresh_data.get(key) or "—") for key, label in LABELS.items()]
            rest = {k: v for k, v in context.items() if k != "form"}
            return conflict_page(
                request, "medical/treatment_form.html", form, version=fresh.version, saved=saved, **rest
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Traitement enregistré."))
            return _back(view.person.pk)
    return render(request, "medical/treatment_form.html", context)


@require_http_methods(["GET", "POST"])
@health_required
def treatment_delete_view(request: AuthenticatedHttpRequest, treatment_id: UUID) -> HttpResponse:
    treatment, data = selectors.treatment_get(user=request.user, keyring=request.keyring, treatment_id=treatment_id)
    view = selectors.person_of(request.user, request.keyring, data)
    if request.method == "POST":
        try:
            services.treatment_delete(
                user=request.user,
                keyring=request.keyring,
                treatment=treatment,
                expected_version=posted_version(request),
            )
        except ConflictError:
            messages.error(request, _("Ce traitement a été modifié entre-temps : vérifiez-le avant de le supprimer."))
            return redirect("medical:treatment", treatment_id=treatment_id)
        messages.success(request, _("Traitement supprimé."))
        return _back(view.person.pk)
    return render(request, "medical/treatment_delete.html", {"treatment": treatment, "data": data, "view": view})
