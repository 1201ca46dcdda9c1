"""What the tabs of the domains share: rows of item counts (not persons), the place of one item in the period,
and the grain of a count over time (day, week or month, from the period's length)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from mano.core.statlines import CODE, EPOCH, Counter
from mano.stats.indicators import NOT_SET, tally


def item_rows(counts: Mapping[Any, int], order: Iterable[Any], *, unset: bool = True) -> list[tuple[Any, int]]:
    """(label, items): the labels of `order`, then any other label met (sorted), then Non renseigné (the count
    under None), shown even when nobody is in it."""
    order = list(order)
    known = set(order)
    labels = order + sorted((k for k in counts if k is not None and k not in known), key=str)
    rows = [(label, counts.get(label, 0)) for label in labels]
    return [*rows, (NOT_SET, counts.get(None, 0))] if unset else rows


def item_members(rows: list[tuple[Any, int]], persons: Mapping[Any, Iterable[str]]) -> list[list[str]]:
    """The person ids behind each row of `item_rows` (the Non renseigné row: those under None)."""
    return [list(persons.get(None if label is NOT_SET else label, ())) for label, _ in rows]


def person_rows(per_person: Mapping[str, list[Any]], order: Iterable[Any]) -> tuple[Any, Any]:
    """Rows (label, persons) and the persons of each row (drill-down), from each person's labels."""
    ids = list(per_person)
    return tally([per_person[i] for i in ids], ids, list(order))


def night_of(counter: Counter, team: str) -> bool | None:
    """Whether an item of this team key is counted in the night window; None if no chosen team is in it."""
    bounds = counter.bounds(team)
    return None if bounds is None else bounds == counter.window.night


def placed(counter: Counter, team: str, code: int) -> bool:
    """Whether an item of this team key at this half-day code falls in the period (see `mano.core.statlines`)."""
    bounds = counter.bounds(team)
    return bounds is not None and bounds[0] <= f"{code:0{CODE}d}" < bounds[1]


def day_of(code: int, night: bool) -> date:
    """The day a half-day belongs to: a night team's day runs from noon to noon."""
    return EPOCH + timedelta(days=(code - night) // 2)


def grain(first: date, last: date) -> str:
    days = (last - first).days + 1
    return "day" if days <= 31 else "week" if days <= 183 else "month"


def bucket(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def buckets(first: date, last: date, unit: str) -> list[date]:
    """Every bucket of the period, in order (empty ones too: a chart over time shows its gaps)."""
    found, day = [], bucket(first, unit)
    while day <= last:
        found.append(day)
        if unit == "month":
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            day += timedelta(days=1 if unit == "day" else 7)
    return found


def bucket_label(day: date, unit: str) -> str:
    if unit == "day":
        return date_format(day, "SHORT_DATE_FORMAT")
    if unit == "week":
        return gettext("Semaine du %(day)s") % {"day": date_format(day, "SHORT_DATE_FORMAT")}
    return date_format(day, "F Y")
