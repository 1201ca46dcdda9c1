"""The persons app's sources of the statistics store (`mano.core.statstore`): persons, comments, passages and
rencontres. Registered by PersonsConfig.ready; refreshed by `index_refresh` (persons, comments and every item of
a person) and by the passage and rencontre services.

A person's line: `id \\t team ids \\t created \\t values`, where `created` is the ISO day the person counts as
created (followed since, else the day the file was created) and `values` the JSON of STAT_FIELDS, the custom
values (texts cut to TEXT_MAX: no chart reads a long text) and the changes of the values followed in time
(`changes_of`, for the evolution and the time to leave the street). Items are item lines (`mano.core.statlines`)
keyed by person; anonymous passages are keyed by the month they were recorded in (`~2026-03`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.core.records import payload_data
from mano.core.statlines import item_lines, team_key
from mano.persons.models import Comment, Passage, Person, Rencontre

STAT_FIELDS = ("gender", "birth_date", "followed_since", "in_street_since", "vulnerable", "out_of_active_list")
TEXT_MAX = 200
CHOICE_MAX = 80  # longer values are texts, not followed in time
ANONYMOUS = "~"
WIDTH = 6  # team index + half-day code
COMMENTS = "comments"  # the source of the comments: what a comment's write alters


def _short(value: Any) -> Any:
    return value[:TEXT_MAX] if isinstance(value, str) else value


def _charted(value: Any) -> bool:
    """A value statistics can follow in time: a choice, a yes/no, a number, a short list; not a text."""
    if isinstance(value, str):
        return len(value) <= CHOICE_MAX
    if isinstance(value, list):
        return all(isinstance(v, str) and len(v) <= CHOICE_MAX for v in value)
    return value is None or isinstance(value, bool | int | float)


def _renamed(value: Any, old: Any, new: Any) -> Any:
    """`value` with the option renamed by the change old → new (one option of a list, or the value itself)."""
    if isinstance(old, list) and isinstance(new, list):
        gone, came = [o for o in old if o not in new], [n for n in new if n not in old]
        if len(gone) != 1 or len(came) != 1:
            return value
        old, new = gone[0], came[0]
    if isinstance(value, list):
        return [new if v == old else v for v in value]
    return new if value == old else value


def _local_day(moment: Any) -> str:
    """The local day of a history entry's instant (stored in UTC), as YYYY-MM-DD."""
    try:
        return timezone.localdate(datetime.fromisoformat(str(moment))).isoformat()
    except (TypeError, ValueError):
        return str(moment or "")[:10]


def changes_of(data: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [value before the first change, [day, value after], …]} from the person's history, for the values
    statistics follow in time. A choice renamed in the settings is not a change: the earlier values take the new
    name, so that a person's past reads in today's words."""
    found: dict[str, list[Any]] = {}
    for item in data.get("history") or []:
        day = _local_day(item.get("at"))
        for name, pair in (item.get("changes") or {}).items():
            key = name.removeprefix("custom.")
            if not (isinstance(pair, list) and len(pair) == 2 and _charted(pair[0]) and _charted(pair[1])):
                continue
            old, new = pair
            if item.get("kind") == "rename":
                if key in found:
                    trail = found[key]
                    trail[0] = _renamed(trail[0], old, new)
                    for step in trail[1:]:
                        step[1] = _renamed(step[1], old, new)
                continue
            found.setdefault(key, [old]).append([day, new])
    return found


def person_line(person_id: Any, team_ids: list[str], created_at: datetime, data: dict[str, Any]) -> str:
    values: dict[str, Any] = {key: data.get(key) for key in STAT_FIELDS if data.get(key) not in (None, "", [], {})}
    if changes := changes_of(data):
        values["changes"] = changes
    values["custom"] = {k: _short(v) for k, v in (data.get("custom") or {}).items() if v not in (None, "", [])}
    values["created_at"] = created_day = timezone.localdate(created_at).isoformat()
    created = str(data.get("followed_since") or "")[:10] or created_day
    dumped = json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return "\t".join([str(person_id), ",".join(sorted(team_ids)), created, dumped])


@dataclass(frozen=True)
class PersonLine:
    """A person's line split on its tabs; `values` stays JSON until a page needs it."""

    person_id: str
    team_ids: list[str]
    created: str
    values_json: str

    @classmethod
    def of(cls, raw: str) -> PersonLine:
        person_id, teams, created, values = raw.split("\t", 3)
        return cls(person_id, teams.split(",") if teams else [], created, values)


def _persons(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = Person.objects.filter(organisation_id=org_id, deleted_at=None)
    wanted = statstore.person_keys(keys)
    if wanted is not None:
        rows = rows.filter(pk__in=wanted)
    teams: dict[Any, list[str]] = defaultdict(list)
    links = Person.teams.through.objects.filter(person__in=rows.values("pk"))
    for person_id, team_id in links.values_list("person_id", "team_id"):
        teams[person_id].append(str(team_id))
    found = {}
    for row_id, created_at, payload in rows.values_list("id", "created_at", "payload").iterator(2000):
        data = payload_data(Person, keyring, row_id=row_id, organisation_id=org_id, payload=payload)
        found[str(row_id)] = person_line(row_id, teams[row_id], created_at, data)
    return found


def _items(model: Any, moment: str, org_id: Any, keys: set[str] | None) -> Any:
    """The live items of live persons (anonymous passages apart), narrowed to these persons' keys."""
    rows = model.objects.filter(organisation_id=org_id, deleted_at=None, person__isnull=False)
    rows = rows.filter(person__deleted_at=None)
    wanted = statstore.person_keys(keys)
    if wanted is not None:
        rows = rows.filter(person_id__in=wanted)
    return rows.values_list("person_id", moment, "team_id").order_by()


def _comments(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = _items(Comment, "created_at", org_id, keys)
    return item_lines((p, at, team_key([t]), "") for p, at, t in rows.iterator(5000))


def anonymous_key(recorded_at: datetime) -> str:
    return f"{ANONYMOUS}{timezone.localtime(recorded_at):%Y-%m}"


def _anonymous(org_id: Any, keys: set[str] | None) -> dict[str, str]:
    rows = Passage.objects.filter(organisation_id=org_id, deleted_at=None, person__isnull=True).order_by()
    if keys is not None:
        months = [_month(k[1:]) for k in keys if k.startswith(ANONYMOUS)]
        if not months:
            return {}
        rows = rows.filter(reduce(or_, (Q(created_at__gte=a, created_at__lt=b) for a, b in months)))
    found = item_lines(
        (anonymous_key(created), at, team_key([t]), "")
        for created, at, t in rows.values_list("created_at", "date", "team_id").iterator(5000)
    )
    return found if keys is None else {k: v for k, v in found.items() if k in keys}


def _month(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a month named YYYY-MM, in local time."""
    start = date.fromisoformat(f"{month}-01")
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return tuple(timezone.make_aware(datetime.combine(d, time())) for d in (start, end))  # type: ignore[return-value]


def _passages(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = _items(Passage, "date", org_id, keys)
    found = item_lines((p, at, team_key([t]), "") for p, at, t in rows.iterator(5000))
    return {**found, **_anonymous(org_id, keys)}


def _rencontres(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = _items(Rencontre, "date", org_id, keys)
    return item_lines((p, at, team_key([t]), "") for p, at, t in rows.iterator(5000))


def register() -> None:
    source = statstore.Source
    statstore.register(source("persons", _persons, _("Personnes")))
    statstore.register(source(COMMENTS, _comments, _("Commentaires"), width=WIDTH, activity=True))
    statstore.register(source("passages", _passages, _("Passages"), "passages_enabled", width=WIDTH, activity=True))
    statstore.register(
        source("rencontres", _rencontres, _("Rencontres"), "rencontres_enabled", width=WIDTH, activity=True)
    )
