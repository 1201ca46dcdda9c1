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
    found, born = [], {}
    if len(query) >= 2:
        rows = [row for row in person_search(user=request.user, keyring=request.keyring, query=query, page=1)]
        found = [row.person_id for row in rows if row.person_id not in shown][:SHOWN]
        # The birth date tells namesakes apart (it is on the search line already, nothing more is opened).
        born = {row.person_id: row.line.birth_date for row in rows if row.line is not None}
    names = card_names(request.user.organisation_id, [*picked, *found], request.keyring)
    options = [(pk, names.get(pk, "?"), "", True) for pk in picked]
    options += [(pk, names.get(pk, "?"), born.get(pk, ""), False) for pk in found]
    context = {"options": options, "query": query, "found": bool(found), "name": FOUND}
    return render(request, "agenda/_person_options.html", context)
