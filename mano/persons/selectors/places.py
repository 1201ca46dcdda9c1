"""Reads on places frequented: the organisation's places (names encrypted) and each person's links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q
from django.http import Http404, HttpRequest

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.persons.models import Person, PersonPlace, Place
from mano.persons.selectors.persons import PersonView, persons_of
from mano.persons.text import fold


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    name: str
    persons: int = 0


def _places(user: User) -> Any:
    persons_of(user)  # 404 for roles that may not read persons
    return Place.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)


def places_all(*, user: User, keyring: Keyring) -> list[PlaceRow]:
    """Every place of the organisation, sorted by name, with how many live persons frequent it."""
    rows = _places(user).annotate(
        used=Count("person_links", filter=Q(person_links__person__deleted_at=None), distinct=True)
    )
    found = [PlaceRow(p, str(record_data(p, keyring).get("name") or ""), p.used) for p in rows]
    return sorted(found, key=lambda r: fold(r.name))


def place_get(*, user: User, keyring: Keyring, place_id: UUID) -> PlaceRow:
    """A live place of the user's organisation, or 404."""
    place = _places(user).filter(pk=place_id).first()
    if place is None:
        raise Http404
    return PlaceRow(place, str(record_data(place, keyring).get("name") or ""))


def link_get(*, person: Person, link_id: UUID) -> PersonPlace:
    """One place link of this person, or 404."""
    link = PersonPlace.objects.filter(pk=link_id, person=person, place__deleted_at=None).select_related("place").first()
    if link is None:
        raise Http404
    return link


def person_places(person: Person, keyring: Keyring) -> list[dict[str, Any]]:
    """The places a person frequents, newest first: link, place name, who added it and when."""
    links = (
        PersonPlace.objects.filter(person=person, place__deleted_at=None)
        .select_related("place", "created_by")
        .order_by("-created_at")
    )
    return [
        {"link": link, "place": link.place, "name": record_data(link.place, keyring).get("name") or ""}
        for link in links
    ]


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """Context for templates/persons/sections/places.html."""
    return {"person": view.person, "links": person_places(view.person, request.keyring)}  # type: ignore[attr-defined]
