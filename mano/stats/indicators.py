"""The indicators of the Personnes tab, computed from the persons' values in the statistics store: gender, age at
the end of the period, time followed, time in the street, vulnerability, then every custom field shown in
statistics. "Non renseigné" is always a row of its own (booleans aside: an unticked box means no)."""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mano.persons.models import GENDERS

NOT_SET = _("Non renseigné")
YES, NO, SET = _("Oui"), _("Non"), _("Renseigné")
FOLLOWED_RANGES = ((6, _("Moins de 6 mois")), (12, _("6 mois à 1 an")), (24, _("1 à 2 ans")), (60, _("2 à 5 ans")))
STREET_RANGES = (*FOLLOWED_RANGES, (120, _("5 à 10 ans")))
CHARTED_TYPES = {"number", "date", "date-with-time", "yes-no", "enum", "multi-choice", "boolean"}


PERSONS = _("Personnes")  # the unit of most indicators: persons


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
    members: list[list[str]] = field(default_factory=list)  # per row, the person ids behind it (drill-down)
    unit: Any = PERSONS

    @property
    def counts_persons(self) -> bool:
        """Whether its rows count persons; else items (actions, passages…) whose persons the drill-down lists."""
        return self.unit is PERSONS


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def tally(
    per_person: Iterable[list[Any]], ids: Iterable[str], order: list[Any], *, unset: bool = True
) -> tuple[list[tuple[Any, int]], list[list[str]]]:
    """Rows (label, persons) and the person ids of each row: the labels of `order`, then any other value met
    (sorted), then Non renseigné for a person without any value (left out when `unset` is False). A person
    with several values (a multiple choice) is in several rows."""
    # A lazy label (the same few objects for 20,000 persons) is translated once, not hashed through gettext
    # at every person.
    names: dict[int, str] = {}

    def plain(key: Any) -> Any:
        if isinstance(key, Promise):
            name = names.get(id(key))
            if name is None:
                name = names[id(key)] = str(key)
            return name
        return key

    found: dict[Any, list[str]] = defaultdict(list)
    for person_id, keys in zip(ids, per_person, strict=True):
        if not keys:
            found[None].append(person_id)
        elif len(keys) == 1:
            found[plain(keys[0])].append(person_id)
        else:
            for key in dict.fromkeys(plain(k) for k in keys):
                found[key].append(person_id)
    order = [plain(o) for o in order]
    missing, known = found.pop(None, []), set(order)
    labels = list(order) + sorted((k for k in found if k not in known), key=str)
    rows = [(label, found.get(label, [])) for label in labels]
    if unset:
        rows.append((NOT_SET, missing))
    return [(label, len(members)) for label, members in rows], [members for _, members in rows]


class _Persons(list[dict[str, Any]]):
    """The values of the persons of one Personnes tab, with their ids listed once for all its indicators."""

    @cached_property
    def ids(self) -> list[str]:
        return [str(v.get("id") or "") for v in self]


def _ids(values: list[dict[str, Any]]) -> list[str]:
    return values.ids if isinstance(values, _Persons) else _Persons(values).ids


def _counted(values: list[dict[str, Any]], keys: list[Any], order: list[Any]) -> tuple[Any, Any]:
    """One value per person (None: not set) → rows and members."""
    return tally(([k] if k is not None else [] for k in keys), _ids(values), order)


def _duration(months: float) -> str:
    if months < 12:
        return gettext("%(n)s mois") % {"n": number_format(months, 1)}
    return gettext("%(n)s ans") % {"n": number_format(months / 12, 1)}


def gender(values: list[dict[str, Any]]) -> Indicator:
    keys = [v.get("gender") or None for v in values]
    rows, members = _counted(values, keys, list(GENDERS))
    return Indicator("gender", _("Genre"), "pie", rows, len(values), members=members)


def age_ranges(bounds: tuple[int, ...]) -> list[tuple[int, Any]]:
    """(upper bound excluded, label) of each range; the last range has no upper bound."""
    ranges: list[tuple[int, Any]] = [(bounds[0], gettext("Moins de %(a)s ans") % {"a": bounds[0]})]
    for low, high in zip(bounds, bounds[1:], strict=False):
        ranges.append((high, gettext("%(a)s à %(b)s ans") % {"a": low, "b": high - 1}))
    return [*ranges, (10**6, gettext("%(a)s ans et plus") % {"a": bounds[-1]})]


def _ranged(amounts: list[float | None], ranges: list[tuple[int, Any]] | tuple[tuple[int, Any], ...]) -> list[Any]:
    """Each amount's label: the first range whose upper bound is above it."""
    tops, labels = [top for top, _ in ranges], [label for _, label in ranges]
    return [None if a is None else labels[bisect_right(tops, a)] for a in amounts]


def age(values: list[dict[str, Any]], end: date, bounds: tuple[int, ...]) -> Indicator:
    """Age in whole years on the last day of the period; a birth date after it counts as not set."""
    ages: list[float | None] = []
    for v in values:
        born = _day(v.get("birth_date"))
        ages.append(None if born is None or born > end else (_months(born, end) // 12))
    ranges = age_ranges(bounds)
    rows, members = _counted(values, _ranged(ages, ranges), [label for _, label in ranges])
    known = [a for a in ages if a is not None]
    summary = (
        [(_("Âge moyen"), gettext("%(n)s ans") % {"n": number_format(statistics.mean(known), 1)})] if known else []
    )
    return Indicator("age", _("Âge à la fin de la période"), "bar", rows, len(values), summary, members)


def _time_since(
    values: list[dict[str, Any]], end: date, key: str, ranges: tuple[tuple[int, Any], ...], fallback: str = ""
) -> tuple[Any, Any, list[tuple[Any, str]]]:
    months: list[float | None] = []
    for v in values:
        since = _day(v.get(key)) or _day(v.get(fallback))
        months.append(None if since is None or since > end else _months(since, end))
    last = (10**6, gettext("%(n)s ans et plus") % {"n": ranges[-1][0] // 12})
    full = (*ranges, last)
    rows, members = _counted(values, _ranged(months, full), [label for _, label in full])
    known = [m for m in months if m is not None]
    return rows, members, ([(_("Moyenne"), _duration(statistics.mean(known)))] if known else [])


def time_followed(values: list[dict[str, Any]], end: date) -> Indicator:
    rows, members, summary = _time_since(values, end, "followed_since", FOLLOWED_RANGES, fallback="created_at")
    return Indicator("followed", _("Temps de suivi"), "bar", rows, len(values), summary, members)


def time_in_street(values: list[dict[str, Any]], end: date) -> Indicator:
    rows, members, summary = _time_since(values, end, "in_street_since", STREET_RANGES)
    return Indicator("street", _("Temps en rue"), "bar", rows, len(values), summary, members)


def _yes_no(key: str, label: Any, values: list[dict[str, Any]], yes: list[bool]) -> Indicator:
    """A pie of Oui / Non (an unticked box means no: no Non renseigné row)."""
    keys = [[YES] if y else [NO] for y in yes]
    rows, members = tally(keys, _ids(values), [YES, NO], unset=False)
    return Indicator(key, label, "pie", rows, len(values), members=members)


def vulnerable(values: list[dict[str, Any]]) -> Indicator:
    return _yes_no("vulnerable", _("Personnes très vulnérables"), values, [bool(v.get("vulnerable")) for v in values])


def _numbers(key: str, label: Any, values: list[dict[str, Any]], raw: list[Any]) -> Indicator:
    numbers, keys = [], []
    for value in raw:
        try:
            numbers.append(float(value))
            keys.append([SET])
        except (TypeError, ValueError):
            keys.append([])
    rows, members = tally(keys, _ids(values), [SET])
    summary = []
    if numbers:
        summary = [
            (_("Total"), number_format(sum(numbers), 2)),
            (_("Moyenne"), number_format(statistics.mean(numbers), 2)),
            (_("Médiane"), number_format(statistics.median(numbers), 2)),
        ]
    return Indicator(key, label, "", rows, len(raw), summary, members)


def _chosen(value: Any) -> list[Any]:
    chosen = value if isinstance(value, list) else [value]
    return [c for c in chosen if c not in (None, "")]


def custom_indicator(definition: dict[str, Any], values: list[dict[str, Any]]) -> Indicator | None:
    """The indicator of one custom field, or None for a type that is not charted (texts)."""
    type_, key, label = definition.get("type"), str(definition.get("key")), definition.get("label") or ""
    if type_ not in CHARTED_TYPES:
        return None
    raw = [(v.get("custom") or {}).get(key) for v in values]
    total, ident, ids = len(values), f"custom-{key}", _ids(values)
    if type_ == "number":
        return _numbers(ident, label, values, raw)
    if type_ == "boolean":
        return _yes_no(ident, label, values, [r is True or r in ("true", "Oui") for r in raw])
    if type_ in ("date", "date-with-time"):
        years = [str(d.year) if (d := _day(r)) else None for r in raw]
        rows, members = _counted(values, years, sorted({y for y in years if y}))
        return Indicator(ident, label, "bar", rows, total, members=members)
    if type_ == "yes-no":
        rows, members = _counted(values, [r or None for r in raw], ["Oui", "Non"])
        return Indicator(ident, label, "pie", rows, total, members=members)
    rows, members = tally((_chosen(r) for r in raw), ids, list(definition.get("options") or []))
    return Indicator(ident, label, "bar", rows, total, members=members)


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
    values = _Persons(values)
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
