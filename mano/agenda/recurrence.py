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
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

UNITS = ("day", "week", "month", "year")
MONTHLY = ("day", "nth", "last")
MAX_YEARS = 5
MAX_INTERVAL = 99
# Five years of a daily rule is 1,827 or 1,828 days: the end-date cap is the real limit, this is a guard.
MAX_OCCURRENCES = 2000

END_REQUIRED = _("La date de fin de la récurrence est obligatoire.")
END_BEFORE_START = _("La fin de la récurrence doit être après son début.")
END_TOO_FAR = format_lazy(_("La fin de la récurrence doit être au plus {years} ans après son début."), years=MAX_YEARS)
WEEKDAY_REQUIRED = _("Choisissez au moins un jour de la semaine.")
INTERVAL_INVALID = format_lazy(_("Indiquez un nombre entre 1 et {max}."), max=MAX_INTERVAL)
UNIT_INVALID = _("Choisissez jours, semaines, mois ou années.")
MONTHLY_INVALID = _("Choisissez quel jour du mois.")
NO_OCCURRENCE = _("Aucune date ne correspond à cette récurrence avant sa fin.")
TOO_MANY = format_lazy(
    _("Cette récurrence donnerait plus de {count} actions : raccourcissez-la."), count=MAX_OCCURRENCES
)

# Lazy: str() them where a plain string is needed (joins, tests on letters).
WEEKDAYS = (_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi"), _("samedi"), _("dimanche"))
MONTHS = (
    _("janvier"),
    _("février"),
    _("mars"),
    _("avril"),
    _("mai"),
    _("juin"),
    _("juillet"),
    _("août"),
    _("septembre"),
    _("octobre"),
    _("novembre"),
    _("décembre"),
)
RANKS = (_("premier"), _("deuxième"), _("troisième"), _("quatrième"), _("cinquième"))


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


def check(rule: Rule, start: date) -> None:
    """Raise a ValidationError keyed by form field (recurrence_*) when the rule cannot be used from `start`."""
    errors: dict[str, Any] = {}
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


# Brace placeholders: static/js/recurrence.js fills them too when the due date changes.
MONTHLY_LABELS = {
    "day": _("le même jour du mois (le {day})"),
    "nth": _("le {rank} {weekday} du mois"),
    "last": _("le dernier {weekday} du mois"),
}


def monthly_label(monthly: str, start: date) -> str:
    """How the form names each choice for this start: "le même jour du mois (le 10)", "le deuxième mardi du mois"."""
    return str(MONTHLY_LABELS.get(monthly, MONTHLY_LABELS["day"])).format(
        day=start.day, rank=RANKS[rank_of(start) - 1], weekday=WEEKDAYS[start.weekday()]
    )


def describe(rule: Rule, start: date) -> str:
    """The rule in words: "Tous les 2 jours jusqu’au 31/01/2027"."""
    return gettext("%(rule)s jusqu’au %(end)s") % {"rule": _every(rule, start), "end": rule.end.strftime("%d/%m/%Y")}


def _every(rule: Rule, start: date) -> str:
    """The rule in words without its end: "Tous les 2 jours", "Toutes les semaines le lundi et le jeudi"."""
    n = rule.interval
    if rule.unit == "day":
        return gettext("Tous les jours") if n == 1 else gettext("Tous les %(n)s jours") % {"n": n}
    if rule.unit == "week":
        head = gettext("Toutes les semaines") if n == 1 else gettext("Toutes les %(n)s semaines") % {"n": n}
        days = [gettext("le %(weekday)s") % {"weekday": WEEKDAYS[d]} for d in sorted(set(rule.weekdays)) if 0 <= d <= 6]
        if len(days) > 1:
            listed = gettext("%(days)s et %(last)s") % {"days": ", ".join(days[:-1]), "last": days[-1]}
        else:
            listed = "".join(days)
        return f"{head} {listed}"
    names = {"rank": RANKS[rank_of(start) - 1], "weekday": WEEKDAYS[start.weekday()], "day": start.day}
    if rule.unit == "month":
        head = gettext("Tous les mois") if n == 1 else gettext("Tous les %(n)s mois") % {"n": n}
        if rule.monthly == "nth":
            return f"{head} " + gettext("le %(rank)s %(weekday)s") % names
        if rule.monthly == "last":
            return f"{head} " + gettext("le dernier %(weekday)s") % names
        return f"{head} " + gettext("le %(day)s") % names
    head = gettext("Tous les ans") if n == 1 else gettext("Tous les %(n)s ans") % {"n": n}
    month = str(MONTHS[start.month - 1])
    # French elision: "d’avril", "de mai".
    of_month = (gettext("d’%(month)s") if month[0] in "aeiou" else gettext("de %(month)s")) % {"month": month}
    names = {**names, "month": month, "of_month": of_month}
    if rule.monthly == "nth":
        return f"{head} " + gettext("le %(rank)s %(weekday)s %(of_month)s") % names
    if rule.monthly == "last":
        return f"{head} " + gettext("le dernier %(weekday)s %(of_month)s") % names
    return f"{head} " + gettext("le %(day)s %(month)s") % names
