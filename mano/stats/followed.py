"""Reading a person's past from the statistics store: the value a field had on a day (from the changes kept in
the person's line), and the days of a person's contacts (from the item sources' lines)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from mano.agenda.models import Status
from mano.agenda.stats import CATEGORIES, CATEGORIES_WIDTH, STATUS_LETTERS, WIDTH, split
from mano.core import statstore
from mano.core.statlines import CODE, EPOCH, Counter, Window
from mano.stats.context import StatsContext

FAR = date(2099, 12, 31)
DONE, CANCELLED = STATUS_LETTERS[Status.DONE], STATUS_LETTERS[Status.CANCELLED]
CHOICE_FIELD_TYPES = {"enum", "multi-choice", "yes-no", "boolean"}


def followed_fields(ctx: StatsContext) -> list[dict[str, Any]]:
    """The custom fields whose values can be followed in time (choices and yes/no), in the settings' order."""
    groups = ctx.organisation.person_field_groups or []
    return [
        f for g in groups if not g.get("archived") for f in g.get("fields") or [] if f.get("type") in CHOICE_FIELD_TYPES
    ]


def shown(value: Any) -> Any:
    """A value as a row label: a list joined, yes/no in words; None when not set."""
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    return str(value)


def value_on(values: dict[str, Any], key: str, day: date) -> Any:
    """The value of custom field `key` at the end of `day`: the one before its first change, then each change
    made by that day; today's value when it never changed."""
    trail = (values.get("changes") or {}).get(key)
    if not trail:
        return (values.get("custom") or {}).get(key)
    value, iso = trail[0], day.isoformat()
    for changed_on, new in trail[1:]:
        if changed_on <= iso:
            value = new
    return value


def first_change_to(values: dict[str, Any], key: str, wanted: str) -> date | None:
    """The first day the field took the value `wanted` (or a list holding it)."""
    for changed_on, new in ((values.get("changes") or {}).get(key) or [])[1:]:
        if new == wanted or (isinstance(new, list) and wanted in new):
            return date.fromisoformat(changed_on)
    return None


def day_of(code: int) -> date:
    return EPOCH + timedelta(days=code // 2)


def contact_codes(ctx: StatsContext, sources: list[str], persons: set[str], until: date) -> dict[str, list[str]]:
    """Per person, the sorted half-day codes of its items of these sources (for the chosen teams, from the
    period's first day to `until`), as the lines write them: compared as text, converted only where needed."""
    counter = Counter(Window.of(ctx.scope.first, until), ctx.scope.team_ids, ctx.scope.night_ids)
    codes: dict[str, set[str]] = defaultdict(set)
    for name in sources:
        source = statstore.SOURCES.get(name)
        if source is None or not source.width:
            continue
        for raw in statstore.lines(ctx.scope.organisation_id, ctx.keyring, name):
            key = raw[: raw.index("\t")]
            if key in persons:
                codes[key].update(counter.codes(raw, source.width))
    return {key: sorted(found) for key, found in codes.items()}


def _first_day(counter: Counter, line: str, width: int, keep: Callable[[str], bool]) -> date | None:
    codes = [int(e[1 : 1 + CODE]) for e in counter.entries(line, width) if keep(e)]
    return day_of(min(codes)) if codes else None


def done_days(ctx: StatsContext, persons: set[str]) -> dict[str, date]:
    """Per person, the day of its first action done (for the chosen teams): the status letter follows the code."""
    if "actions" not in statstore.SOURCES:
        return {}
    counter = Counter(Window.of(EPOCH, FAR), ctx.scope.team_ids, ctx.scope.night_ids)
    found: dict[str, date] = {}
    for raw in statstore.lines(ctx.scope.organisation_id, ctx.keyring, "actions"):
        key = raw[: raw.index("\t")]
        if key in persons and (day := _first_day(counter, raw, WIDTH, lambda e: e[1 + CODE] == DONE)):
            found[key] = day
    return found


def _referral_entry(referrals: set[str]) -> Callable[[str], bool]:
    return lambda e: e[2 + CODE] in referrals and e[1 + CODE] != CANCELLED


def referral_days(ctx: StatsContext, persons: set[str]) -> dict[str, date]:
    """Per person, the day of its first referral not cancelled (for the chosen teams): the set of categories
    after the status letter tells a referral (`mano.agenda.stats.split`)."""
    if CATEGORIES not in statstore.SOURCES:
        return {}
    counter = Counter(Window.of(EPOCH, FAR), ctx.scope.team_ids, ctx.scope.night_ids)
    found: dict[str, date] = {}
    for raw in statstore.lines(ctx.scope.organisation_id, ctx.keyring, CATEGORIES):
        key = raw[: raw.index("\t")]
        if key not in persons:
            continue
        line, _table, referrals = split(raw)
        if referrals and (day := _first_day(counter, line, CATEGORIES_WIDTH, _referral_entry(referrals))):
            found[key] = day
    return found
