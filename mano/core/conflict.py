"""The conflict page every version-checked form ends on: what was typed, now on the saved version, and the saved
values above it (409). Nothing is overwritten; saving again wins deliberately."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

CONFLICT = _(
    "Quelqu’un a modifié cette fiche entre-temps : rien n’a été écrasé. Votre saisie est restée dans le formulaire ; "
    "comparez-la avec la version enregistrée avant d’enregistrer à nouveau."
)


def conflict_page(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    *,
    version: int,
    saved: list[tuple[str, Any]],
    **context: Any,
) -> HttpResponse:
    """`template` shows `conflict` (the saved values, with core/_conflict.html) above the form."""
    messages.error(request, CONFLICT)
    data = QueryDict(mutable=True)
    data.update(request.POST)
    data["version"] = str(version)
    form.data = data
    context = {**context, "form": form, "conflict": saved, "version": version}
    return render(request, template, context, status=409)
