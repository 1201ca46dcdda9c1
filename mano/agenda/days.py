"""Agenda days: a day team's day runs midnight to midnight, a night team's noon to noon."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


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
