"""Adding, editing, archiving and deleting structures (admins, or every member when the organisation allows it),
and the directory's settings page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mano.core.http import AuthenticatedHttpRequest, admin_required, member_required, posted_version
from mano.core.records import ConflictError
from mano.structures import selectors, services
from mano.structures.forms import SettingsForm, StructureForm, initial_of
from mano.structures.models import Structure
from mano.structures.views.directory import tiles_url

MANAGER_ROLES = ("admin", "normal")


def _manager(request: AuthenticatedHttpRequest) -> None:
    if not services.can_manage(request.user):
        raise PermissionDenied


def _errors_to_form(form: StructureForm, exc: ValidationError) -> None:
    for field, texts in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _form(request: AuthenticatedHttpRequest, **kwargs: Any) -> StructureForm:
    organisation = request.user.organisation
    assert organisation is not None
    return StructureForm(request.POST or None, organisation=organisation, **kwargs)


@require_http_methods(["GET", "POST"])
@member_required(roles=MANAGER_ROLES)
def structure_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            structure = services.structure_create(user=request.user, data=form.structure_data(), request=request)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Structure ajoutée à l’annuaire."))
            return redirect("structures:detail", structure.pk)
    return render(request, "structures/form.html", {"form": form, "creating": True, "tiles": tiles_url()})


@require_http_methods(["GET", "POST"])
@member_required(roles=MANAGER_ROLES)
def structure_edit_view(request: AuthenticatedHttpRequest, structure_id: UUID) -> HttpResponse:
    _manager(request)
    structure = selectors.structure_get(user=request.user, structure_id=structure_id)
    form = _form(request, initial=initial_of(structure))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_update(
                user=request.user,
                structure=structure,
                data=form.structure_data(),
                expected_version=posted_version(request),
                request=request,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except ConflictError:
            conflict = _conflict(request, form, structure_id)
        else:
            messages.success(request, _("Structure mise à jour."))
            return redirect("structures:detail", structure.pk)
    context = {"form": form, "structure": structure, "conflict": conflict, "tiles": tiles_url()}
    return render(request, "structures/form.html", context, status=409 if conflict else 200)


def _conflict(request: AuthenticatedHttpRequest, form: StructureForm, structure_id: UUID) -> Structure:
    """The version saved meanwhile, shown above the form that keeps what was typed (now on that version)."""
    fresh = selectors.structure_get(user=request.user, structure_id=structure_id)
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(fresh.version)
    form.data = data
    messages.error(
        request,
        _(
            "Quelqu’un a modifié cette structure entre-temps : rien n’a été écrasé. Votre saisie est restée dans le "
            "formulaire ; comparez-la avec la version enregistrée avant d’enregistrer à nouveau."
        ),
    )
    return fresh


@require_POST
@member_required(roles=MANAGER_ROLES)
def structure_archive_view(request: AuthenticatedHttpRequest, structure_id: UUID) -> HttpResponse:
    _manager(request)
    structure = selectors.structure_get(user=request.user, structure_id=structure_id)
    archived = request.POST.get("archiver") == "1"
    services.structure_archive(user=request.user, structure=structure, archived=archived, request=request)
    messages.success(request, _("Structure archivée.") if archived else _("Structure restaurée."))
    return redirect("structures:detail", structure.pk)


@require_http_methods(["GET", "POST"])
@member_required(roles=MANAGER_ROLES)
def structure_delete_view(request: AuthenticatedHttpRequest, structure_id: UUID) -> HttpResponse:
    _manager(request)
    structure = selectors.structure_get(user=request.user, structure_id=structure_id)
    if request.method == "POST":
        try:
            services.structure_delete(user=request.user, structure=structure, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("structures:detail", structure.pk)
        messages.success(request, _("Structure « %(name)s » supprimée.") % {"name": structure.name})
        return redirect("structures:directory")
    return render(request, "structures/delete.html", {"structure": structure})


@require_http_methods(["GET", "POST"])
@admin_required
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None
    posted = request.POST if request.method == "POST" else None  # an unticked box posts nothing: still a save
    form = SettingsForm(posted, initial={"structures_members_edit": organisation.structures_members_edit})
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["structures_members_edit"]
        services.structures_members_edit_set(user=request.user, enabled=enabled, request=request)
        messages.success(request, _("Réglage enregistré."))
        return redirect("structures:settings")
    return render(request, "structures/settings.html", {"form": form})
