"""Family link pages: add a link (search the other person), edit or delete a relation."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.core.records import ConflictError
from mano.core.search_param import is_search_post, search_of, see_other
from mano.persons.selectors import families as selectors
from mano.persons.selectors.lifecycle import person_choices
from mano.persons.selectors.persons import PersonView, person_get
from mano.persons.services import families as services

FULL_ROLES = ("admin", "normal")
MAX_QUERY = 200
INCOMPLETE = _("Le formulaire est incomplet : rechargez la page et recommencez.")
CONFLICT = _(
    "Quelqu’un a modifié cette famille pendant que vous écriviez : rien n’a été enregistré. "
    "Voici la version à jour ; votre texte est conservé dans le formulaire, enregistrez de nouveau pour le garder."
)


class LinkForm(forms.Form):
    description = forms.CharField(
        label=_("Relation / commentaire"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Père/fille, mère/fils...")}),
    )


class RelationForm(LinkForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE}
    )


def _person(request: AuthenticatedHttpRequest, person_id: UUID | str) -> PersonView:
    if not request.user.organisation.families_enabled:  # type: ignore[union-attr]
        raise Http404
    try:
        return person_get(user=request.user, keyring=request.keyring, person_id=UUID(str(person_id)))
    except ValueError as exc:
        raise Http404 from exc


def _back(person_id: UUID) -> str:
    return reverse("persons:detail", args=[person_id]) + "#famille"


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def family_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    search = search_of(request, limit=MAX_QUERY)
    if is_search_post(request):  # the person search posts, so that the typed words never reach a URL
        return see_other(request, search.pairs())
    other_id = request.POST.get("other") or request.GET.get("autre")
    if not other_id:
        rows = person_choices(user=request.user, keyring=request.keyring, query=search.text, exclude=view.person.pk)
        choices = [(row, f"?autre={row.person_id}") for row in rows]
        return render(request, "persons/family_add.html", {"view": view, "query": search.text, "choices": choices})
    other = _person(request, other_id)
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_link(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                other=other.person,
                description=form.cleaned_data["description"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le lien familial a été ajouté."))
            return redirect(_back(view.person.pk))
    return render(request, "persons/family_add.html", {"view": view, "other": other, "form": form})


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def family_edit_view(request: AuthenticatedHttpRequest, person_id: UUID, relation_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    found, relation = selectors.relation_get(person=view.person, keyring=request.keyring, relation_id=relation_id)
    initial = {"description": relation.get("description", ""), "version": found.family.version}
    form = RelationForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.relation_update(
                user=request.user,
                keyring=request.keyring,
                family=found.family,
                relation_id=str(relation_id),
                description=form.cleaned_data["description"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ConflictError:
            found, relation = selectors.relation_get(
                person=view.person, keyring=request.keyring, relation_id=relation_id
            )
            form = RelationForm({**request.POST.dict(), "version": found.family.version})
            messages.error(request, CONFLICT)
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le lien familial a été modifié."))
            return redirect(_back(view.person.pk))
    context = {"view": view, "form": form, "relation": relation, "names": _names(request, relation)}
    return render(request, "persons/family_edit.html", context, status=status)


def _names(request: AuthenticatedHttpRequest, relation: dict[str, object]) -> list[str]:
    ids = [str(p) for p in relation["persons"]]  # type: ignore[attr-defined]
    names = selectors.member_names(request.user.organisation_id, request.keyring, ids)
    return [names.get(i, "?") for i in ids]


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def family_delete_view(request: AuthenticatedHttpRequest, person_id: UUID, relation_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    found, relation = selectors.relation_get(person=view.person, keyring=request.keyring, relation_id=relation_id)
    if request.method == "POST":
        try:
            services.relation_delete(
                user=request.user,
                keyring=request.keyring,
                family=found.family,
                relation_id=str(relation_id),
                request=request,
            )
        except (ValidationError, ConflictError):
            messages.error(request, _("Ce lien familial vient d’être modifié ou supprimé par quelqu’un d’autre."))
        else:
            messages.success(request, _("Le lien familial a été supprimé."))
        return redirect(_back(view.person.pk))
    context = {"view": view, "relation": relation, "names": _names(request, relation)}
    return render(request, "persons/family_delete.html", context)
