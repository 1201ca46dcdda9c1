"""Agenda days: a day team's day runs midnight to midnight, a night team's noon to noon."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from mano.core.raw import raw_values


def day_window(day: date, *, night: bool) -> tuple[datetime, datetime]:
    """The [start, end) instants of `day` in Europe/Paris, shifted by twelve hours for night teams.

    Built from local wall-clock times, so a day that crosses a daylight-saving change is 23 or 25 hours long."""
    start_time = time(12) if night else time(0)
    start = timezone.make_aware(datetime.combine(day, start_time))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), start_time))
    return start, end


def agenda_day_of(moment: datetime, *, night: bool) -> date:
    """Which agenda day an instant belongs to (a night team's 2 a.m. belongs to the evening before)."""
    local = timezone.localtime(moment)
    return (local - timedelta(hours=12)).date() if night else local.date()


def day_index(windows: dict[date, tuple[datetime, datetime]]) -> Case:
    """In SQL, the position of a row's day (by agenda_at) among consecutive `windows` (rows of their range only)."""
    ends = [end for _, end in windows.values()]
    return Case(*(When(agenda_at__lt=end, then=Value(i)) for i, end in enumerate(ends)), output_field=IntegerField())


def firsts_by_day(
    rows: QuerySet[Any],
    windows: dict[date, tuple[datetime, datetime]],
    per_day: int,
    order: tuple[Any, ...],
    *columns: str,
    first: int = 0,
) -> tuple[dict[date, int], dict[date, list[tuple[Any, ...]]]]:
    """How many of `rows` each day (window, by agenda_at) holds and the raw values of `columns` (names: fields or
    annotations) of its rows `first` to `first + per_day` in `order`, from one query over the whole range sorted
    by day then `order`. Thousands of rows a week: only the page's values are kept, as the driver gives them."""
    days = list(windows)
    ranged = rows.filter(agenda_at__gte=windows[days[0]][0], agenda_at__lt=windows[days[-1]][1])
    ordered = ranged.annotate(agenda_day=day_index(windows)).order_by("agenda_day", *order)
    counts, firsts = [0] * len(days), [[] for _ in days]  # type: tuple[list[int], list[list[tuple[Any, ...]]]]
    for *values, index in raw_values(ordered.values_list(*columns, "agenda_day")):
        counts[index] += 1
        if first < counts[index] <= first + per_day:
            firsts[index].append(tuple(values))
    return dict(zip(days, counts, strict=True)), dict(zip(days, firsts, strict=True))
