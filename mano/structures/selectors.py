"""Reads of the directory: search, filters, sort by name or distance, and the cards with today's hours.

Structures are in clear: words are matched in SQL on the folded `search_text`; only "ouvert maintenant" and the
distance sort are computed in Python, on the rows the other filters kept. Those are read as light rows (a few
columns); full structures are loaded and cards built only for the rows shown, a page of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, overload
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from mano.accounts.models import User
from mano.persons.text import words
from mano.structures import hours
from mano.structures.models import Structure, facet

SORTS = ("nom", "distance")
MAP_MARKERS = 500
# Full structures loaded at once when every result is iterated (an export), not only a page.
CHUNK = 500


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
    return _closures(structure.closed_from, structure.closed_until, structure.closure_note)


def _closures(closed_from: date | None, closed_until: date | None, note: str = "") -> list[hours.Closure]:
    if closed_from is None:
        return []
    end = closed_until or closed_from.replace(year=closed_from.year + 10)
    return [hours.Closure(closed_from, end, note)]


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


class Row(NamedTuple):
    """What searching, "open now", the distance sort and the map need of a structure: no JSON to decode."""

    pk: UUID
    name: str
    opening_hours: str
    closed_from: date | None
    closed_until: date | None
    latitude: float | None
    longitude: float | None


class Results(Sequence[Card]):
    """The matches in their order, held as light rows: indexing or slicing (the paginator) loads those
    structures only and builds their cards, so a page costs the same with 50 matches or 5,000."""

    def __init__(
        self, user: User, rows: list[Row], *, now: datetime, position: Position | None, is_open: Callable[[Row], bool]
    ) -> None:
        self.user, self.rows, self.now, self.position, self.is_open = user, rows, now, position, is_open

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Card: ...

    @overload
    def __getitem__(self, index: slice) -> list[Card]: ...

    def __getitem__(self, index: int | slice) -> Card | list[Card]:
        if isinstance(index, slice):
            return self._cards(self.rows[index])
        cards = self._cards([self.rows[index]])
        if not cards:  # deleted since the search
            raise IndexError(index)
        return cards[0]

    def __iter__(self) -> Iterator[Card]:
        for start in range(0, len(self.rows), CHUNK):
            yield from self._cards(self.rows[start : start + CHUNK])

    def _cards(self, rows: list[Row]) -> list[Card]:
        found = structures_of(self.user).in_bulk([r.pk for r in rows])
        return [card_of(found[r.pk], now=self.now, position=self.position) for r in rows if r.pk in found]

    def markers(self) -> list[dict[str, Any]]:
        located = [r for r in self.rows if r.latitude is not None and r.longitude is not None]
        return [
            {"id": str(r.pk), "name": r.name, "lat": r.latitude, "lon": r.longitude, "open": self.is_open(r)}
            for r in located[:MAP_MARKERS]
        ]


def _open_at(now: datetime) -> Callable[[Row], bool]:
    """Whether a row is open at `now`, evaluated once per distinct hours and closure (a few dozen for thousands
    of structures)."""
    known: dict[tuple[str, date | None, date | None], bool] = {}

    def is_open(row: Row) -> bool:
        key = (row.opening_hours, row.closed_from, row.closed_until)
        if key not in known:
            closures = _closures(row.closed_from, row.closed_until)
            known[key] = hours.status(row.opening_hours, now=now, closures=closures).is_open
        return known[key]

    return is_open


def _distance(row: Row, position: Position) -> float | None:
    if row.latitude is None or row.longitude is None:
        return None
    return distance_km(position, Position(row.latitude, row.longitude))


def structure_search(*, user: User, filters: Filters, now: datetime) -> Results:
    """The structures matching every word (accents and case ignored) and the filters, as cards: sorted by name,
    or by distance from `filters.position` (structures without a position last)."""
    rows = [Row(*values) for values in _matching(user, filters).order_by("name_key").values_list(*Row._fields)]
    is_open = _open_at(now)
    if filters.open_now:
        rows = [r for r in rows if is_open(r)]
    position = filters.position
    if filters.sort == "distance" and position is not None:
        distances = {r.pk: _distance(r, position) for r in rows}
        rows.sort(key=lambda r: (distances[r.pk] is None, distances[r.pk] or 0.0))
    return Results(user, rows, now=now, position=position, is_open=is_open)


def markers(cards: Sequence[Card]) -> list[dict[str, Any]]:
    """What the map needs for the first MAP_MARKERS located results (public information only)."""
    if isinstance(cards, Results):
        return cards.markers()
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
