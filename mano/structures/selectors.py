"""Reads of the directory: search, filters, sort by name or distance, and the cards with today's hours.

Structures are in clear: words are matched in SQL on the folded `search_text`; only "ouvert maintenant" and the
distance sort are computed in Python, on the rows the other filters kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from mano.accounts.models import User
from mano.persons.text import fold, words
from mano.structures import hours
from mano.structures.models import Structure, facet

SORTS = ("nom", "distance")
MAP_MARKERS = 500


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float

    @classmethod
    def parse(cls, latitude: str, longitude: str) -> Position | None:
        """A position typed or sent by the phone, or None when missing or out of range."""
        try:
            lat, lon = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
            return None
        return cls(lat, lon)


@dataclass(frozen=True)
class Card:
    structure: Structure
    status: hours.HoursStatus
    today: str
    distance_km: float | None = None

    @property
    def geo_url(self) -> str:
        s = self.structure
        if s.latitude is not None and s.longitude is not None:
            return f"geo:{s.latitude:.6f},{s.longitude:.6f}"
        return ""

    @property
    def directions_query(self) -> str:
        s = self.structure
        return ", ".join(p for p in (s.address, f"{s.postcode} {s.city}".strip()) if p)


@dataclass(frozen=True)
class Filters:
    query: str = ""
    categories: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    open_now: bool = False
    archived: bool = False
    sort: str = "nom"
    position: Position | None = None


def closures_of(structure: Structure) -> list[hours.Closure]:
    if structure.closed_from is None:
        return []
    end = structure.closed_until or structure.closed_from.replace(year=structure.closed_from.year + 10)
    return [hours.Closure(structure.closed_from, end, structure.closure_note)]


def card_of(structure: Structure, *, now: datetime, position: Position | None = None) -> Card:
    closures = closures_of(structure)
    distance = None
    if position is not None and structure.latitude is not None and structure.longitude is not None:
        distance = distance_km(position, Position(structure.latitude, structure.longitude))
    return Card(
        structure,
        hours.status(structure.opening_hours, now=now, closures=closures),
        hours.today(structure.opening_hours, now=now, closures=closures),
        distance,
    )


def distance_km(a: Position, b: Position) -> float:
    """Great-circle distance (haversine), enough to sort places of one city."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def structures_of(user: User) -> QuerySet[Structure]:
    """Every structure of the user's organisation (the platform operator has none: 404)."""
    return Structure.objects.filter(organisation_id=user.member_organisation_id)


def structure_get(*, user: User, structure_id: UUID) -> Structure:
    structure = structures_of(user).filter(pk=structure_id).first()
    if structure is None:
        raise Http404
    return structure


def _matching(user: User, filters: Filters) -> QuerySet[Structure]:
    rows = structures_of(user).filter(archived_at__isnull=not filters.archived)
    for word in words(filters.query):
        rows = rows.filter(search_text__contains=word)
    # A structure matches a filter when it has any of the chosen values (OR inside a filter, AND between them).
    for kind, chosen in (("categories", filters.categories), ("publics", filters.publics)):
        if chosen:
            condition = Q()
            for value in chosen:
                condition |= Q(facets__contains=facet(kind, value))
            rows = rows.filter(condition)
    return rows


def structure_search(*, user: User, filters: Filters, now: datetime) -> list[Card]:
    """The structures matching every word (accents and case ignored) and the filters, as cards: sorted by name,
    or by distance from `filters.position` (structures without a position last)."""
    rows = _matching(user, filters).order_by("name_key")
    cards = [card_of(s, now=now, position=filters.position) for s in rows]
    if filters.open_now:
        cards = [c for c in cards if c.status.is_open]
    if filters.sort == "distance" and filters.position is not None:
        cards.sort(key=lambda c: (c.distance_km is None, c.distance_km or 0.0))
    return cards


def markers(cards: list[Card]) -> list[dict[str, Any]]:
    """What the map needs for the first MAP_MARKERS located results (public information only)."""
    located = [c for c in cards if c.structure.latitude is not None and c.structure.longitude is not None]
    return [
        {
            "id": str(c.structure.pk),
            "name": c.structure.name,
            "lat": c.structure.latitude,
            "lon": c.structure.longitude,
            "open": c.status.is_open,
        }
        for c in located[:MAP_MARKERS]
    ]


def referral_counts(*, user: User) -> dict[UUID, int]:
    """Referrals per structure of the organisation (for the directory's admin export)."""
    rows = structures_of(user).annotate(n=Count("referrals")).values_list("pk", "n")
    return dict(rows)


def folded_name(name: str) -> str:
    return fold(name)
