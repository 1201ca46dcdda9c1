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
Windows = dict[date, tuple[datetime, datetime]]  # consecutive agenda days and their [start, end) instants


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
    # week(request, windows, scope, per_day, first), optional: each day's rows `first` to `first + per_day` (as
    # `rows` gives them) and its count, from SQL, without reading the window's every row; None when the rows must
    # be read to be filtered.
    week: (
        Callable[[HttpRequest, Windows, dict[str, Any], int, int], dict[date, tuple[list[Any], int]] | None] | None
    ) = None
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


def blocks(request: HttpRequest, what: Shown, scope: dict[str, Any]) -> list[tuple[Extra, list[Any]]]:
    """Each extra shown and its latest rows, opened (the list view)."""
    return [(extra, extra.open(request, extra.rows(request, None, None, scope))) for extra in what.extras]


@dataclass(frozen=True)
class DayRows:
    """An extra's rows of one day: one page of them (the first ones in a week), opened, and how many there are."""

    rows: list[Any]
    count: int
    first: int = 0  # how many come before the page

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)

    @property
    def last(self) -> int:
        """The position of the page's last row (1-based), for "11 à 20 sur 35"."""
        return self.first + len(self.rows)

    @property
    def more(self) -> bool:
        return self.count > self.first + len(self.rows)


def week_blocks(
    request: HttpRequest, what: Shown, days: list[date], scope: dict[str, Any], *, per_day: int, first: int = 0
) -> list[tuple[Extra, dict[date, DayRows]]]:
    """Each extra shown and, for each day, its rows `first` to `first + per_day` opened (only those) and its
    count: ten a day in a week, a page of the day in the day view."""
    night = scope["night"]
    windows = {day: day_window(day, night=night) for day in days}
    found = []
    for extra in what.extras:
        week = extra.week(request, windows, scope, per_day, first) if extra.week else None
        if week is None:
            rows = extra.rows(request, windows[days[0]][0], windows[days[-1]][1], scope)
            buckets = by_day(rows, days, night)
            week = {day: (buckets[day][first : first + per_day], len(buckets[day])) for day in days}
        opened = iter(extra.open(request, [row for day in days for row in week[day][0]]))
        found.append((extra, {day: DayRows([next(opened) for _ in week[day][0]], week[day][1], first) for day in days}))
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
