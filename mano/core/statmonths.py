"""Month-keyed lines of the statistics store, for the sources whose items belong to no person (a territory's
observations, a team's reports): `YYYY-MM \\t JSON list of items`, the items of one month sorted so that a rebuild
writes the very lines the services wrote. A write refreshes the months it touched (`month_key`)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone


def month_key(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m}"


def month_bounds(key: str) -> tuple[date, date]:
    """[first day, first day of the next month) of a month named YYYY-MM."""
    start = date.fromisoformat(f"{key}-01")
    return start, date(start.year + start.month // 12, start.month % 12 + 1, 1)


def month_filter(field: str, keys: set[str] | None, *, moments: bool) -> Q | None:
    """The rows of these months (None: every row; an empty Q-less result is the caller's `keys` being empty)."""
    if keys is None:
        return None
    ranges = []
    for key in keys:
        try:
            start, end = month_bounds(key)
        except ValueError:
            continue
        if moments:
            ranges.append(Q(**{f"{field}__gte": _aware(start), f"{field}__lt": _aware(end)}))
        else:
            ranges.append(Q(**{f"{field}__gte": start, f"{field}__lt": end}))
    return reduce(or_, ranges) if ranges else Q(pk__in=[])


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def month_lines(items: Iterable[tuple[str, list[Any]]]) -> dict[str, str]:
    """{month: line} from (month, item) pairs, each item a JSON-able list."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, item in items:
        grouped[key].append(json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return {key: f"{key}\t[{','.join(sorted(found))}]" for key, found in grouped.items()}


def month_items(raws: Iterable[str], first: date, last: date) -> list[list[Any]]:
    """The items of the lines whose month meets the period with a day of margin (night teams end at noon)."""
    low, high = month_key(first - timedelta(days=1)), month_key(last + timedelta(days=1))
    found: list[list[Any]] = []
    for raw in raws:
        key, _, items = raw.partition("\t")
        if low <= key <= high:
            found += json.loads(items)
    return found
