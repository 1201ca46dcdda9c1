"""The indicators of the Personnes tab, computed from the persons' values in the statistics store: gender, age at
the end of the period, time followed, time in the street, vulnerability, then every custom field shown in
statistics. "Non renseigné" is always a row of its own (booleans aside: an unticked box means no)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mano.persons.models import GENDERS

NOT_SET = _("Non renseigné")
YES, NO = _("Oui"), _("Non")
FOLLOWED_RANGES = ((6, _("Moins de 6 mois")), (12, _("6 mois à 1 an")), (24, _("1 à 2 ans")), (60, _("2 à 5 ans")))
STREET_RANGES = (*FOLLOWED_RANGES, (120, _("5 à 10 ans")))
CHARTED_TYPES = {"number", "date", "date-with-time", "yes-no", "enum", "multi-choice", "boolean"}


@dataclass
class Indicator:
    """One chart and its table: `rows` are (label, persons); `summary` (label, text) lines such as an average.
    `chart`: "pie", "bar" or "" (numbers: a summary only)."""

    key: str
    label: Any
    chart: str
    rows: list[tuple[Any, int]]
    total: int
    summary: list[tuple[Any, str]] = field(default_factory=list)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _counted(keys: Iterable[Any], order: list[Any]) -> list[tuple[Any, int]]:
    """Rows in `order`, then any other value met (sorted), then Non renseigné (None keys)."""
    counts = Counter(keys)
    unset = counts.pop(None, 0)
    rows = [(label, counts.pop(label, 0)) for label in order]
    rows += sorted(counts.items(), key=lambda item: str(item[0]))
    return [*rows, (NOT_SET, unset)]


def _duration(months: float) -> str:
    if months < 12:
        return gettext("%(n)s mois") % {"n": number_format(months, 1)}
    return gettext("%(n)s ans") % {"n": number_format(months / 12, 1)}


def gender(values: list[dict[str, Any]]) -> Indicator:
    keys = [v.get("gender") or None for v in values]
    return Indicator("gender", _("Genre"), "pie", _counted(keys, GENDERS), len(values))


def age_ranges(bounds: tuple[int, ...]) -> list[tuple[int, Any]]:
    """(upper bound excluded, label) of each range; the last range has no upper bound."""
    ranges: list[tuple[int, Any]] = [(bounds[0], gettext("Moins de %(a)s ans") % {"a": bounds[0]})]
    for low, high in zip(bounds, bounds[1:], strict=False):
        ranges.append((high, gettext("%(a)s à %(b)s ans") % {"a": low, "b": high - 1}))
    return [*ranges, (10**6, gettext("%(a)s ans et plus") % {"a": bounds[-1]})]


def _ranged(amounts: list[float | None], ranges: list[tuple[int, Any]] | tuple[tuple[int, Any], ...]) -> list[Any]:
    return [None if a is None else next(label for top, label in ranges if a < top) for a in amounts]


def age(values: list[dict[str, Any]], end: date, bounds: tuple[int, ...]) -> Indicator:
    """Age in whole years on the last day of the period; a birth date after it counts as not set."""
    ages: list[float | None] = []
    for v in values:
        born = _day(v.get("birth_date"))
        ages.append(None if born is None or born > end else (_months(born, end) // 12))
    ranges = age_ranges(bounds)
    rows = _counted(_ranged(ages, ranges), [label for _, label in ranges])
    known = [a for a in ages if a is not None]
    summary = (
        [(_("Âge moyen"), gettext("%(n)s ans") % {"n": number_format(statistics.mean(known), 1)})] if known else []
    )
    return Indicator("age", _("Âge à la fin de la période"), "bar", rows, len(values), summary)


def _time_since(
    values: list[dict[str, Any]], end: date, key: str, ranges: tuple[tuple[int, Any], ...], fallback: str = ""
) -> tuple[list[tuple[Any, int]], list[tuple[Any, str]]]:
    months: list[float | None] = []
    for v in values:
        since = _day(v.get(key)) or _day(v.get(fallback))
        months.append(None if since is None or since > end else _months(since, end))
    last = (10**6, gettext("%(n)s ans et plus") % {"n": ranges[-1][0] // 12})
    full = (*ranges, last)
    rows = _counted(_ranged(months, full), [label for _, label in full])
    known = [m for m in months if m is not None]
    return rows, ([(_("Moyenne"), _duration(statistics.mean(known)))] if known else [])


def time_followed(values: list[dict[str, Any]], end: date) -> Indicator:
    rows, summary = _time_since(values, end, "followed_since", FOLLOWED_RANGES, fallback="created_at")
    return Indicator("followed", _("Temps de suivi"), "bar", rows, len(values), summary)


def time_in_street(values: list[dict[str, Any]], end: date) -> Indicator:
    rows, summary = _time_since(values, end, "in_street_since", STREET_RANGES)
    return Indicator("street", _("Temps en rue"), "bar", rows, len(values), summary)


def vulnerable(values: list[dict[str, Any]]) -> Indicator:
    yes = sum(1 for v in values if v.get("vulnerable"))
    return Indicator(
        "vulnerable", _("Personnes très vulnérables"), "pie", [(YES, yes), (NO, len(values) - yes)], len(values)
    )


def _numbers(key: str, label: Any, raw: list[Any]) -> Indicator:
    numbers = []
    for value in raw:
        try:
            numbers.append(float(value))
        except (TypeError, ValueError):
            continue
    rows = [(_("Renseigné"), len(numbers)), (NOT_SET, len(raw) - len(numbers))]
    summary = []
    if numbers:
        summary = [
            (_("Total"), number_format(sum(numbers), 2)),
            (_("Moyenne"), number_format(statistics.mean(numbers), 2)),
            (_("Médiane"), number_format(statistics.median(numbers), 2)),
        ]
    return Indicator(key, label, "", rows, len(raw), summary)


def _choices(definition: dict[str, Any], raw: list[Any]) -> list[tuple[Any, int]]:
    keys: list[Any] = []
    for value in raw:
        chosen = value if isinstance(value, list) else [value]
        chosen = [c for c in chosen if c not in (None, "")]
        keys += chosen or [None]
    return _counted(keys, list(definition.get("options") or []))


def custom_indicator(definition: dict[str, Any], values: list[dict[str, Any]]) -> Indicator | None:
    """The indicator of one custom field, or None for a type that is not charted (texts)."""
    type_, key, label = definition.get("type"), str(definition.get("key")), definition.get("label") or ""
    if type_ not in CHARTED_TYPES:
        return None
    raw = [(v.get("custom") or {}).get(key) for v in values]
    total, ident = len(values), f"custom-{key}"
    if type_ == "number":
        return _numbers(ident, label, raw)
    if type_ == "boolean":
        yes = sum(1 for r in raw if r is True or r in ("true", "Oui"))
        return Indicator(ident, label, "pie", [(YES, yes), (NO, total - yes)], total)
    if type_ in ("date", "date-with-time"):
        years = [str(d.year) if (d := _day(r)) else None for r in raw]
        return Indicator(ident, label, "bar", _counted(years, sorted({y for y in years if y})), total)
    if type_ == "yes-no":
        rows = _counted([r or None for r in raw], ["Oui", "Non"])
        return Indicator(ident, label, "pie", rows, total)
    return Indicator(ident, label, "bar", _choices(definition, raw), total)


def custom_fields(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The definitions shown in statistics, in the organisation's order."""
    return [
        f
        for group in groups
        if not group.get("archived")
        for f in group.get("fields") or []
        if f.get("show_in_stats") and f.get("type") in CHARTED_TYPES
    ]


def person_indicators(
    values: list[dict[str, Any]], *, end: date, ages: tuple[int, ...], groups: list[dict[str, Any]]
) -> list[Indicator]:
    """Every indicator of the Personnes tab for these persons' values."""
    fixed: list[Callable[[], Indicator]] = [
        lambda: gender(values),
        lambda: age(values, end, ages),
        lambda: time_followed(values, end),
        lambda: time_in_street(values, end),
        lambda: vulnerable(values),
    ]
    found = [make() for make in fixed]
    found += [i for d in custom_fields(groups) if (i := custom_indicator(d, values)) is not None]
    return found
