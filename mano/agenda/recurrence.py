"""Recurrence rules of actions: which days a rule gives, in words, and what makes a rule acceptable.

Pure functions (no database). Conventions:
- An occurrence is every day on or after the start's day, up to the end day included, that matches the rule;
  each one keeps the start's local Europe/Paris wall-clock time (09:00 stays 09:00 across a daylight-saving change;
  a time that does not exist that night, 02:30 on the last Sunday of March, reads as 03:30).
- Days that do not exist are skipped, never moved: "le 31" gives nothing in a 30-day month, "le 29 février"
  nothing in a non-leap year, "le cinquième lundi" nothing in a month with four Mondays (as the original app).
- Weeks run Monday to Sunday; "every N weeks" counts weeks from the start's week. Months and years count
  from the start's month and year; "nth"/"last" take the weekday (and its rank) of the start date.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

UNITS = ("day", "week", "month", "year")
MONTHLY = ("day", "nth", "last")
MAX_YEARS = 5
MAX_INTERVAL = 99
# Five years of a daily rule is 1,827 or 1,828 days: the end-date cap is the real limit, this is a guard.
MAX_OCCURRENCES = 2000

END_REQUIRED = "La date de fin de la récurrence est obligatoire."
END_BEFORE_START = "La fin de la récurrence doit être après son début."
END_TOO_FAR = f"La fin de la récurrence doit être au plus {MAX_YEARS} ans après son début."
WEEKDAY_REQUIRED = "Choisissez au moins un jour de la semaine."
INTERVAL_INVALID = f"Indiquez un nombre entre 1 et {MAX_INTERVAL}."
UNIT_INVALID = "Choisissez jours, semaines, mois ou années."
MONTHLY_INVALID = "Choisissez quel jour du mois."
NO_OCCURRENCE = "Aucune date ne correspond à cette récurrence avant sa fin."
TOO_MANY = f"Cette récurrence donnerait plus de {MAX_OCCURRENCES} actions : raccourcissez-la."

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
RANKS = ("premier", "deuxième", "troisième", "quatrième", "cinquième")


@dataclass(frozen=True)
class Rule:
    """`unit` ∈ UNITS, repeated every `interval` units until `end` (a day, included).
    `weekdays` (0 = Monday) for weeks; `monthly` ∈ MONTHLY for months and years."""

    unit: str
    interval: int
    end: date
    weekdays: tuple[int, ...] = field(default=())
    monthly: str = "day"

    def to_payload(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "interval": self.interval,
            "end": self.end.isoformat(),
            "weekdays": list(self.weekdays),
            "monthly": self.monthly,
        }

    @classmethod
    def from_payload(cls, value: Any) -> Rule | None:
        """The rule stored in an occurrence's payload, or None when there is none (or it is unreadable)."""
        if not isinstance(value, dict):
            return None
        try:
            return cls(
                unit=str(value["unit"]),
                interval=int(value["interval"]),
                end=date.fromisoformat(str(value["end"])),
                weekdays=tuple(int(d) for d in value.get("weekdays") or ()),
                monthly=str(value.get("monthly") or "day"),
            )
        except (KeyError, TypeError, ValueError):
            return None


def add_years(day: date, years: int) -> date:
    """The same date `years` later; 29 February becomes 28 February in a non-leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (the form's default end)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def rank_of(day: date) -> int:
    """1 for the first such weekday of its month, 2 for the second…"""
    return (day.day - 1) // 7 + 1


def is_last_of_month(day: date) -> bool:
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


def check(rule: Rule, start: date) -> None:
    """Raise a ValidationError keyed by form field (recurrence_*) when the rule cannot be used from `start`."""
    errors: dict[str, str] = {}
    if rule.unit not in UNITS:
        errors["recurrence_unit"] = UNIT_INVALID
    if not 1 <= rule.interval <= MAX_INTERVAL:
        errors["recurrence_interval"] = INTERVAL_INVALID
    if rule.unit == "week" and not [d for d in rule.weekdays if 0 <= d <= 6]:
        errors["recurrence_weekdays"] = WEEKDAY_REQUIRED
    if rule.unit in ("month", "year") and rule.monthly not in MONTHLY:
        errors["recurrence_monthly"] = MONTHLY_INVALID
    if rule.end < start:
        errors["recurrence_end"] = END_BEFORE_START
    elif rule.end > add_years(start, MAX_YEARS):
        errors["recurrence_end"] = END_TOO_FAR
    if errors:
        raise ValidationError(errors)
    if not occurrence_days(rule, start):
        raise ValidationError({"recurrence_end": NO_OCCURRENCE})


def occurrences(rule: Rule, start: datetime) -> list[datetime]:
    """The aware instants of every occurrence from the aware `start` (its local time of day on each day).

    Raises ValidationError like `check` on a rule that cannot be used."""
    local = timezone.localtime(start)
    check(rule, local.date())
    wall = time(local.hour, local.minute, local.second, local.microsecond)
    return [timezone.make_aware(datetime.combine(day, wall)) for day in occurrence_days(rule, local.date())]


def occurrence_days(rule: Rule, start: date) -> list[date]:
    """The days of the rule from `start` to `rule.end` (both included), at most MAX_OCCURRENCES + 1."""
    days: list[date] = []
    for day in _candidates(rule, start):
        if day > rule.end:
            break
        if day >= start:
            days.append(day)
            if len(days) > MAX_OCCURRENCES:
                raise ValidationError({"recurrence_end": TOO_MANY})
    return days


def _candidates(rule: Rule, start: date) -> Iterator[date]:
    """Matching days in increasing order from the start's period; the caller stops after `rule.end`."""
    step = max(rule.interval, 1)
    if rule.unit == "day":
        k = 0
        while True:
            yield start + timedelta(days=k * step)
            k += 1
    elif rule.unit == "week":
        monday = start - timedelta(days=start.weekday())
        chosen = sorted({d for d in rule.weekdays if 0 <= d <= 6})
        while chosen:
            yield from (monday + timedelta(days=d) for d in chosen)
            monday += timedelta(weeks=step)
    else:
        months = step * (12 if rule.unit == "year" else 1)
        k = 0
        while True:
            first = add_months(start.replace(day=1), k * months)
            if first > rule.end:
                return
            day = _in_month(rule.monthly, start, first.year, first.month)
            if day is not None:
                yield day
            k += 1


def _in_month(monthly: str, start: date, year: int, month: int) -> date | None:
    """The rule's day in that month: same day number, nth weekday or last weekday of the start; None if absent."""
    length = calendar.monthrange(year, month)[1]
    if monthly == "day":
        return date(year, month, start.day) if start.day <= length else None
    first_weekday = (start.weekday() - date(year, month, 1).weekday()) % 7 + 1  # day number of the first one
    if monthly == "last":
        return date(year, month, first_weekday + 7 * ((length - first_weekday) // 7))
    day = first_weekday + 7 * (rank_of(start) - 1)
    return date(year, month, day) if day <= length else None


MONTHLY_LABELS = {
    "day": "le même jour du mois (le {day})",
    "nth": "le {rank} {weekday} du mois",
    "last": "le dernier {weekday} du mois",
}


def monthly_label(monthly: str, start: date) -> str:
    """How the form names each choice for this start: "le même jour du mois (le 10)", "le deuxième mardi du mois"."""
    return MONTHLY_LABELS.get(monthly, MONTHLY_LABELS["day"]).format(
        day=start.day, rank=RANKS[rank_of(start) - 1], weekday=WEEKDAYS[start.weekday()]
    )


def describe(rule: Rule, start: date) -> str:
    """The rule in words: "Tous les 2 jours jusqu’au 31/01/2027"."""
    n = rule.interval
    end = f" jusqu’au {rule.end.strftime('%d/%m/%Y')}"
    if rule.unit == "day":
        return ("Tous les jours" if n == 1 else f"Tous les {n} jours") + end
    if rule.unit == "week":
        days = [f"le {WEEKDAYS[d]}" for d in sorted(set(rule.weekdays)) if 0 <= d <= 6]
        listed = " et ".join([", ".join(days[:-1]), days[-1]]) if len(days) > 1 else "".join(days)
        return ("Toutes les semaines" if n == 1 else f"Toutes les {n} semaines") + f" {listed}" + end
    weekday = WEEKDAYS[start.weekday()]
    if rule.unit == "month":
        head = "Tous les mois" if n == 1 else f"Tous les {n} mois"
        which = {"nth": f"le {RANKS[rank_of(start) - 1]} {weekday}", "last": f"le dernier {weekday}"}
        return f"{head} {which.get(rule.monthly, f'le {start.day}')}" + end
    head = "Tous les ans" if n == 1 else f"Tous les {n} ans"
    month = MONTHS[start.month - 1]
    of_month = f"d’{month}" if month[0] in "aeiou" else f"de {month}"
    which = {"nth": f"le {RANKS[rank_of(start) - 1]} {weekday} {of_month}", "last": f"le dernier {weekday} {of_month}"}
    return f"{head} {which.get(rule.monthly, f'le {start.day} {month}')}" + end
