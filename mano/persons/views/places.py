"""Places frequented: a person's places, and the organisation's list (rename or delete for everybody)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest, member_required, safe_next
from mano.core.records import ConflictError
from mano.persons.selectors import places as selectors
from mano.persons.selectors.persons import person_get
from mano.persons.services import places as services

FULL_ROLES = ("admin", "normal")
RENAMED = _("Quelqu’un a renommé ce lieu entre-temps (« %(name)s ») : enregistrez de nouveau pour garder votre nom.")
INCOMPLETE = _("Le formulaire est incomplet : rechargez la page et recommencez.")


class PlaceAddForm(forms.Form):
    place = forms.ChoiceField(label=_("Lieu déjà enregistré"), required=False)
    name = forms.CharField(label=_("Ou nouveau lieu"), max_length=200, required=False)

    def __init__(self, *args: Any, places: list[selectors.PlaceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", "—"), *((str(r.place.pk), r.name) for r in places)]  # type: ignore[attr-defined]


class PlaceNameForm(forms.Form):
    name = forms.CharField(label=_("Nom du lieu"), max_length=200)
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE}
    )


def _back(person_id: UUID) -> str:
    return reverse("persons:detail", args=[person_id]) + "#lieux"


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def place_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    places = selectors.places_all(user=request.user, keyring=request.keyring)
    form = PlaceAddForm(request.POST if request.method == "POST" else None, places=places)
    if request.method == "POST" and form.is_valid():
        chosen = {str(r.place.pk): r.place for r in places}.get(form.cleaned_data["place"])
        try:
            services.place_link_add(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                place=chosen,
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le lieu a été ajouté."))
            return redirect(_back(view.person.pk))
    return render(request, "persons/place_add.html", {"view": view, "form": form})


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def place_remove_view(request: AuthenticatedHttpRequest, person_id: UUID, link_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    link = selectors.link_get(person=view.person, link_id=link_id)
    if request.method == "POST":
        services.place_link_remove(user=request.user, link=link)
        messages.success(request, _("Le lieu fréquenté a été retiré."))
        return redirect(_back(view.person.pk))
    place = selectors.place_get(user=request.user, keyring=request.keyring, place_id=link.place_id)
    return render(request, "persons/place_remove.html", {"view": view, "place": place})


@require_http_methods(["GET"])
@member_required(roles=FULL_ROLES)
def place_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    places = selectors.places_all(user=request.user, keyring=request.keyring)
    return render(request, "persons/place_list.html", {"places": places})


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def place_edit_view(request: AuthenticatedHttpRequest, place_id: UUID) -> HttpResponse:
    row = selectors.place_get(user=request.user, keyring=request.keyring, place_id=place_id)
    form = PlaceNameForm(
        request.POST if request.method == "POST" else None, initial={"name": row.name, "version": row.place.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.place_rename(
                user=request.user,
                keyring=request.keyring,
                place=row.place,
                name=form.cleaned_data["name"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            row = selectors.place_get(user=request.user, keyring=request.keyring, place_id=place_id)
            form = PlaceNameForm({"name": form.cleaned_data["name"], "version": row.place.version})
            messages.error(
                request,
                RENAMED % {"name": row.name},
            )
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le nom du lieu a été modifié."))
            return redirect(safe_next(request, "persons:places"))
    context = {"form": form, "row": row, "next": safe_next(request, "persons:places")}
    return render(request, "persons/place_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def place_delete_view(request: AuthenticatedHttpRequest, place_id: UUID) -> HttpResponse:
    row = selectors.place_get(user=request.user, keyring=request.keyring, place_id=place_id)
    if request.method == "POST":
        services.place_delete(user=request.user, place=row.place, request=request)
        messages.success(request, _("Lieu supprimé !"))
        return redirect(safe_next(request, "persons:places"))
    return render(request, "persons/place_delete.html", {"row": row, "next": safe_next(request, "persons:places")})
