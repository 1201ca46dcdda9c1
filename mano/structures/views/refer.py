"""Referring persons to a structure ("Orienter vers"): from a person's page (the person is chosen already) or from
the directory (persons found while typing, the action form's live search)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mano.accounts.models import Team
from mano.accounts.selectors import current_team
from mano.agenda.views.common import uuids
from mano.agenda.views.person_options import FOUND
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.persons.index import card_names
from mano.persons.models import Person
from mano.persons.selectors.persons import persons_of
from mano.structures import referrals, selectors
from mano.structures.forms import ReferralForm
from mano.structures.models import Structure

PERSON_REQUIRED = _("Choisissez au moins une personne à orienter.")
NO_TEAM = _("Choisissez d’abord votre équipe en haut de la page : l’orientation est enregistrée pour elle.")


def _chosen(request: AuthenticatedHttpRequest) -> list[UUID]:
    asked = [*request.GET.getlist("personne"), *request.POST.getlist("persons"), *request.POST.getlist(FOUND)]
    return uuids(asked[:50])


@require_http_methods(["GET", "POST"])
@member_required(roles=referrals.REFERRAL_ROLES)
def refer_view(request: AuthenticatedHttpRequest, structure_id: UUID) -> HttpResponse:
    structure = selectors.structure_get(user=request.user, structure_id=structure_id)
    persons = list(persons_of(request.user).filter(pk__in=_chosen(request)))
    form = ReferralForm(request.POST or None)
    if request.user.role == "restricted":  # restricted members write no comment (issue 4): none is offered
        del form.fields["comment"]
    team = current_team(request)
    error = ""
    if request.method == "POST" and "chercher" not in request.POST and form.is_valid():
        error = _refer(request, structure, persons, team, form.cleaned_data.get("comment", ""))
        if not error:
            return redirect(_after(request, structure.pk, persons))
    names = card_names(request.user.organisation_id, {p.pk for p in persons}, request.keyring)
    context = {
        "structure": structure,
        "form": form,
        "chosen": [(p.pk, names.get(p.pk, "?")) for p in persons],
        "error": error or (NO_TEAM if team is None else ""),
        "from_person": request.GET.get("personne") is not None or request.POST.get("retour") == "personne",
    }
    return render(request, "structures/refer.html", context)


def _after(request: AuthenticatedHttpRequest, structure_id: UUID, persons: list[Person]) -> str:
    """Back to the person's referrals when one person was referred from their page, else to the structure."""
    if request.POST.get("retour") == "personne" and len(persons) == 1:
        return reverse("persons:detail", args=[persons[0].pk])  # the top of the page, where the message shows
    return reverse("structures:detail", args=[structure_id])


def _refer(
    request: AuthenticatedHttpRequest, structure: Structure, persons: list[Person], team: Team | None, comment: str
) -> str:
    if not persons:
        return str(PERSON_REQUIRED)
    if team is None:
        return str(NO_TEAM)
    try:
        made = referrals.referral_create(
            user=request.user,
            keyring=request.keyring,
            structure=structure,
            persons=persons,
            team=team,
            comment=comment,
            request=request,
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    done = ngettext("Orientation enregistrée.", "%(count)d orientations enregistrées.", len(made))
    messages.success(request, done % {"count": len(made)})
    return ""
