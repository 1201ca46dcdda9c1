"""The directory page (phone first: search, filters, map, cards) and a structure's page."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mano.core import grouped
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.persons.selectors.persons import persons_of
from mano.structures import hours, referrals, selectors, services
from mano.structures.vocabulary import PUBLICS

READ_ROLES = ("admin", "normal", "restricted")
PAGE_SIZE = 30
MAX_QUERY = 100


def filters_of(params: QueryDict) -> selectors.Filters:
    """The filters asked in the URL (directory words are public information, not a person's name)."""
    return selectors.Filters(
        query=params.get("q", "").strip()[:MAX_QUERY],
        categories=tuple(params.getlist("categorie")[:20]),
        publics=tuple(p for p in params.getlist("public")[:20] if p in PUBLICS),
        open_now=params.get("ouvert") == "1",
        archived=params.get("archives") == "1",
        sort=params.get("tri", "nom") if params.get("tri") in selectors.SORTS else "nom",
        position=selectors.Position.parse(params.get("lat", ""), params.get("lon", "")),
    )


def _for_person(request: AuthenticatedHttpRequest) -> object | None:
    """The person being referred, when the directory was opened from their page (?pour=<id>)."""
    try:
        person_id = UUID(request.GET.get("pour", ""))
    except ValueError:
        return None
    return persons_of(request.user).filter(pk=person_id).first()


@require_GET
@member_required(roles=READ_ROLES)
def directory_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = filters_of(request.GET)
    cards = selectors.structure_search(user=request.user, filters=filters, now=timezone.now())
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("page"))
    organisation = request.user.organisation
    assert organisation is not None
    context = {
        "page": page,
        "filters": filters,
        "count": len(cards),
        "markers": selectors.markers(cards),
        "category_groups": services.categories_of(organisation),
        "publics": PUBLICS,
        "can_manage": services.can_manage(request.user),
        "for_person": _for_person(request),
        "tiles": tiles_url(),
    }
    return render(request, "structures/directory.html", context)


def tiles_url() -> str:
    return str(settings.MANO_MAP_TILES_URL)


@require_GET
@member_required(roles=READ_ROLES)
def structure_view(request: AuthenticatedHttpRequest, structure_id: UUID) -> HttpResponse:
    structure = selectors.structure_get(user=request.user, structure_id=structure_id)
    organisation = request.user.organisation
    assert organisation is not None
    card = selectors.card_of(structure, now=timezone.now())
    context = {
        "card": card,
        "hours_lines": hours.describe(structure.opening_hours),
        "hours_unreadable": bool(hours.check(structure.opening_hours)),
        "referral_count": referrals.referral_count(user=request.user, structure=structure),
        "can_manage": services.can_manage(request.user),
        "for_person": _for_person(request),
        "groups": {c: grouped.group_of(services.categories_of(organisation), c) for c in structure.categories},
        "tiles": tiles_url(),
        "markers": selectors.markers([card]),
    }
    return render(request, "structures/detail.html", context)
