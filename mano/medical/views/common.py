"""What the medical views share: the audit of every opening, and the conflict answer that keeps the typing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from mano.core.audit import AuditAction, audit
from mano.core.http import AuthenticatedHttpRequest
from mano.persons.models import Person

CONFLICT = _(
    "Quelqu’un a modifié cette fiche entre-temps : rien n’a été écrasé. Votre saisie est restée dans le formulaire ; "
    "comparez-la avec la version enregistrée avant d’enregistrer à nouveau."
)


def opened(request: AuthenticatedHttpRequest, person: Person) -> None:
    """Who opened which person's medical data, when. The event names the person only, never a health row: it
    tells no more than a visit of the person page by a health professional."""
    audit(
        AuditAction.MEDICAL_OPEN,
        organisation=request.user.organisation,
        actor=request.user,
        request=request,
        obj=person,
    )


def conflict_page(
    request: AuthenticatedHttpRequest,
    template: str,
    form: forms.Form,
    *,
    version: int,
    saved: list[tuple[str, Any]],
    **context: Any,
) -> HttpResponse:
    """The form again with what was typed, now on the saved version, and the saved values above it (409)."""
    messages.error(request, CONFLICT)
    data = QueryDict(mutable=True)
    data.update(request.POST)
    data["version"] = str(version)
    form.data = data
    context = {**context, "form": form, "conflict": saved, "version": version}
    return render(request, template, context, status=409)
