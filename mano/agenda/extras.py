"""Rows other apps show in the agenda beside the actions (the medical app's consultations, for health
professionals). The agenda never imports those apps: they register an Extra in their AppConfig.ready.

The `voir` parameter chooses what the agenda shows: everything (empty), only the actions ("actions") or only one
extra (its key). An extra the user may not see is never offered and its key reads as "everything"."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from mano.agenda.days import agenda_day_of, day_window

ACTIONS_ONLY = "actions"


def _as_is(request: HttpRequest, rows: list[Any]) -> list[Any]:
    return rows


@dataclass(frozen=True)
class Extra:
    key: str  # the `voir` value that shows only these rows
    label: Promise  # "Consultations"
    template: str  # renders `rows` (each with a `moment`)
    allowed: Callable[[HttpRequest], bool]
    # rows(request, start, end, scope): the rows placed in [start, end) that scope["filters"] accepts (categories,
    # free text); with no window, the latest ones.
    # They may come still sealed: `open(request, rows)` gives what `template` shows of them, in one batch, so that
    # a week opens only the rows it shows.
    rows: Callable[[HttpRequest, datetime | None, datetime | None, dict[str, Any]], list[Any]]
    open: Callable[[HttpRequest, list[Any]], list[Any]] = _as_is
    # The reception desk's button for one ticked person: its label and the creation page for that person.
    button: Promise | None = None
    create_url: Callable[[Any], str] | None = None


EXTRAS: list[Extra] = []


@dataclass(frozen=True)
class Shown:
    """What one agenda page shows: the actions or not, and which extras."""

    choice: str
    actions: bool
    extras: list[Extra]
    offered: list[Extra]


def shown(request: HttpRequest) -> Shown:
    offered = [e for e in EXTRAS if e.allowed(request)]
    choice = request.GET.get("voir", "")
    if choice not in {ACTIONS_ONLY, *(e.key for e in offered)}:
        choice = ""
    extras = [e for e in offered if choice in ("", e.key)]
    return Shown(choice, choice in ("", ACTIONS_ONLY), extras, offered)


def reception_buttons(request: HttpRequest) -> list[Extra]:
    return [e for e in EXTRAS if e.button is not None and e.allowed(request)]


def blocks(
    request: HttpRequest, what: Shown, start: datetime | None, end: datetime | None, scope: dict[str, Any]
) -> list[tuple[Extra, list[Any]]]:
    """Each extra shown and all its rows in the window, opened."""
    return [(extra, extra.open(request, extra.rows(request, start, end, scope))) for extra in what.extras]


@dataclass(frozen=True)
class DayRows:
    """An extra's rows of one day of a week: the first ones, opened, and how many there are."""

    rows: list[Any]
    count: int

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


def week_blocks(
    request: HttpRequest, what: Shown, days: list[date], scope: dict[str, Any], *, per_day: int
) -> list[tuple[Extra, dict[date, DayRows]]]:
    """Each extra shown and, for each day, its first `per_day` rows opened (only those) and its count."""
    night = scope["night"]
    start, end = day_window(days[0], night=night)[0], day_window(days[-1], night=night)[1]
    found = []
    for extra in what.extras:
        buckets = by_day(extra.rows(request, start, end, scope), days, night)
        opened = iter(extra.open(request, [row for day in days for row in buckets[day][:per_day]]))
        found.append(
            (extra, {day: DayRows([next(opened) for _ in buckets[day][:per_day]], len(buckets[day])) for day in days})
        )
    return found


def by_day(rows: list[Any], days: list[date], night: bool) -> dict[date, list[Any]]:
    """The rows in their agenda days (`agenda_day_of` their moment), found among the consecutive `days` by
    their windows' starts rather than by converting each moment to local time."""
    buckets: dict[date, list[Any]] = {day: [] for day in days}
    starts = [day_window(day, night=night)[0] for day in days]
    end = day_window(days[-1], night=night)[1]
    for row in rows:
        index = bisect_right(starts, row.moment) - 1
        day = days[index] if index >= 0 and row.moment < end else agenda_day_of(row.moment, night=night)
        buckets.setdefault(day, []).append(row)
    return buckets
