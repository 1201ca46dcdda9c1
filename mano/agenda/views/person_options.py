"""The persons found while typing in the action form's search box (htmx): each one a box to tick, so that
choosing a person is one tap after typing a few letters, without reloading the form."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from mano.agenda.views.common import ROLES, uuids
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.persons.index import card_names
from mano.persons.selectors.persons import person_search, persons_of

SHOWN = 10
# The boxes of the live results: the creation view adds them to the persons ticked in the form.
FOUND = "persons_found"


@require_POST
@member_required(roles=ROLES)
def person_options_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Posted with the whole form, never in a URL: what is typed is a person's name.
    query = request.POST.get("q", "").strip()[:100]
    # Ticked among earlier results: they stay, ticked, above the new ones.
    picked = list(
        persons_of(request.user).filter(pk__in=uuids(request.POST.getlist(FOUND)[:50])).values_list("pk", flat=True)
    )
    shown = {*picked, *uuids(request.POST.getlist("persons"))}
    found = []
    if len(query) >= 2:
        rows = person_search(user=request.user, keyring=request.keyring, query=query, page=1)
        found = [row for row in rows if row.person_id not in shown][:SHOWN]
    names = card_names(request.user.organisation_id, picked, request.keyring) if picked else {}
    options = [(pk, names.get(pk, "?"), "", True) for pk in picked]
    # The search rows carry their cards already: name, and the birth date that tells namesakes apart.
    options += [(row.person_id, row.name, row.line.birth_date if row.line else "", False) for row in found]
    context = {"options": options, "query": query, "found": bool(found), "name": FOUND}
    return render(request, "agenda/_person_options.html", context)
