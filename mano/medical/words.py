"""The consultations' words by day, for the agenda's free text on a day or a week (see mano.core.day_words).

Filtering a busy week on a text used to open every consultation of the week and its person's card (~1,200 at
20,000 persons). Here each shared consultation placed on a UTC day has one line in that day's shard, sealed with
K_health:

    <UTC day>:<consultation id hex> \\t <version>.<person id hex>.<person's version> \\t <folded words>

The words are the consultation's name, type, person's name and field values. Rows name their person by a keyed
link only, so the stamp names the person the line was made from and a reader checks that person's current
version (a consultation changes person only with a new version of its own).

Each shard starts with its day's digest (see mano.core.day_words): the count, version sum and latest write of the
day's shared live consultations, in SQL, then the persons its lines name with their versions. While the SQL part
is the day's and those persons have those versions, every line of the day is current and the words are looked
for in the shard's text alone; a day that changed is written again whole, opening only its changed rows.

Private consultations ("visible seulement par moi") never get a line: their owner's reads open them, and other
professionals never match them.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum

from mano.accounts.models import User
from mano.core.crypto import Envelope, KeyKind, Keyring, decrypt_record_texts
from mano.core.day_words import (
    MANY_ROWS,
    NO_ROWS,
    DayWords,
    Line,
    Stored,
    UtcDay,
    day_store,
    digest_of,
    ids_holding,
    key_of,
    lines_of,
    written_sum,
)
from mano.core.raw import as_uuid, hex_of, raw_values
from mano.medical.models import Consultation, ConsultationWordsShard
from mano.persons.index import card_names
from mano.persons.models import Person
from mano.persons.text import fold

WORDS = DayWords(
    day_store(ConsultationWordsShard, KeyKind.HEALTH),
    lambda org_id: Consultation.objects.filter(organisation_id=org_id, deleted_at=None),
)
# The consultations that have a line. Tested in the aggregates and in Python, never in a range's WHERE clause:
# SQLite then reads every shared consultation of the organisation through the only_visible_by index.
SHARED = Q(only_visible_by=None)


class Row(NamedTuple):
    """A consultation of the window as read from SQL, without its payload."""

    pk: UUID
    version: int
    day: int  # UTC day, the bucket of its line
    owner_id: UUID | None  # set for a private consultation


def matching(user: User, keyring: Keyring, rows: list[Row], words: list[str], days: range | None) -> set[UUID]:
    """The ids of the rows whose words hold every word, among the shared ones and the user's own private ones.
    `days`: the buckets of the window, whose shards decide for the shared rows (see `_shared_matching`). Without a
    window (the list's latest consultations, spread over any number of days) every row is opened and nothing is
    written."""
    if not rows:
        return set()
    mine = [row for row in rows if row.owner_id == user.pk]
    if days is None:
        opened = _fresh(user, keyring, [row for row in rows if row.owner_id is None] + mine, stamped=False)
        return {pk for pk, (_, text) in opened.items() if _holds(text, words)}
    shared = _shared_matching(user, keyring, words, days)
    found = {row.pk for row in rows if row.owner_id is None and row.pk.hex in shared}
    return found | {pk for pk, (_, text) in _fresh(user, keyring, mine, stamped=False).items() if _holds(text, words)}


def _holds(text: str, words: list[str]) -> bool:
    return all(word in text for word in words)


def day_digests(org_id: Any, days: range) -> dict[int, str]:
    """The SQL part of each UTC day's digest, for the days of `days` that hold shared live consultations: their
    count and the sums of their versions and write times (see `mano.agenda.words`)."""
    by_day = WORDS.placed(org_id, days).annotate(day=UtcDay("agenda_at")).values("day").order_by()
    sums = by_day.annotate(
        count=Count("id", filter=SHARED),
        versions=Sum("version", filter=SHARED),
        written=written_sum(filter=SHARED),
    )
    return {
        day: f"{count}.{versions}.{written}"
        for day, count, versions, written in raw_values(sums.values_list("day", "count", "versions", "written"))
        if count
    }


def _named(digest: str) -> tuple[str, dict[str, str]]:
    """A stored digest's SQL part and the persons (hex → version) its day's lines name."""
    sql, _, persons = digest.partition(";")
    return sql, dict(person.split(".") for person in persons.split(",") if person)


def _shared_matching(user: User, keyring: Keyring, words: list[str], days: range) -> set[str]:
    """The ids (hex) of the shared live consultations placed on the UTC days `days` whose words hold every word,
    from the days' shards once each is current, after writing again those that are not."""
    org_id = user.member_organisation_id
    digests = day_digests(org_id, days)
    texts = WORDS.texts(org_id, keyring, days)
    named = {day: _named(digest_of(day, texts.get(day))) for day in days}
    versions = _person_versions(org_id, {person for _, persons in named.values() for person in persons})
    stale = [
        day
        for day, (sql, persons) in named.items()
        if sql != digests.get(day, NO_ROWS) or any(versions.get(p, "") != v for p, v in persons.items())
    ]
    if stale:
        texts.update(_rewritten(user, keyring, stale, digests, texts))
    first = max(words, key=len) if words else "\t"  # no word: every line (each has a tab)
    return ids_holding(texts.values(), first, lambda text: _holds(text, words))


def _rewritten(
    user: User, keyring: Keyring, days: list[int], digests: dict[int, str], texts: dict[int, str]
) -> dict[int, str]:
    """The texts of these days' shards made current from their shared live consultations: a line of the row's
    version whose person still has the stamped version is kept, the other rows are opened. Each day whose every
    row got its line, each person at one version, is written whole with its digest; the texts are returned
    either way."""
    org_id = user.member_organisation_id
    placed = WORDS.placed(org_id, range(days[0], days[-1] + 1))
    rows = [
        Row(as_uuid(pk), version, day, None)
        for pk, version, day, owner in raw_values(
            placed.values_list("pk", "version", UtcDay("agenda_at"), "only_visible_by_id")
        )
        if day in days and owner is None
    ]
    stored = lines_of(texts[day] for day in days if day in texts)
    candidates = {row.pk: line for row in rows if (line := _same_version(stored, row))}
    versions = _person_versions(org_id, {_person_of(line) for line in candidates.values()})
    lines: dict[UUID, tuple[str, str]] = {}
    for row in rows:
        line = candidates.get(row.pk)
        if line is not None and line.stamp == _stamp(row.version, _person_of(line), versions):
            lines[row.pk] = (line.stamp, line.text)
    lines.update(_fresh(user, keyring, [row for row in rows if row.pk not in lines], window=placed))
    shards: dict[int, list[str]] = {day: [] for day in days}
    persons: dict[int, dict[str, str]] = {day: {} for day in days}
    unwritable = set()
    for row in rows:
        stamp, text = lines.get(row.pk, ("..", ""))
        _, person, version = stamp.split(".")
        if row.pk not in lines or (person and persons[row.day].setdefault(person, version) != version):
            unwritable.add(row.day)  # changed since the digest, or a person read at two versions
        shards[row.day].append(f"{key_of(row.day, row.pk)}\t{stamp}\t{text}")
    WORDS.replace_days(
        org_id,
        keyring,
        {
            day: (f"{digests.get(day, NO_ROWS)};{','.join(f'{p}.{v}' for p, v in persons[day].items())}", shards[day])
            for day in days
            if day not in unwritable
        },
    )
    return {day: "\n".join(shards[day]) for day in days}


def _same_version(stored: Stored, row: Row) -> Line | None:
    key, version = key_of(row.day, row.pk), f"{row.version}."
    return next(
        (line for line in stored.get(row.pk.hex, ()) if line.key == key and line.stamp.startswith(version)), None
    )


def _person_of(line: Line) -> str:
    return line.stamp.split(".")[1]


def _stamp(version: int, person: str, versions: dict[str, str]) -> str:
    return f"{version}.{person}.{versions.get(person, '')}"


def _person_versions(org_id: Any, persons: set[str]) -> dict[str, str]:
    """The current versions of these persons (ids as hex), by id; a person gone from the table has none."""
    rows = Person.objects.filter(organisation_id=org_id, pk__in=[UUID(p) for p in persons if p])
    return {hex_of(pk): str(version) for pk, version in raw_values(rows.values_list("pk", "version"))}


def _fresh(
    user: User, keyring: Keyring, rows: list[Row], *, stamped: bool = True, window: QuerySet[Consultation] | None = None
) -> dict[UUID, tuple[str, str]]:
    """The stamps and words of these consultations, opened from their payloads and their persons' cards. A row
    changed since the window was read (a new version: made private, moved, edited) or deleted is left out, for the
    next reader: its new payload may no longer be the reader's to match, nor a shared one to write. The persons'
    versions are read before their names, so that a line is never newer than its stamp; not `stamped` (rows that
    are never written: private ones), no stamp. `window`: live consultations that include the rows, read whole
    when the rows are many (see MANY_ROWS)."""
    if not rows:
        return {}
    versions = {row.pk: row.version for row in rows}
    live = (
        window
        if window is not None and len(rows) > MANY_ROWS
        else Consultation.objects.filter(
            organisation_id=user.member_organisation_id, pk__in=list(versions), deleted_at=None
        )
    )
    unchanged = [
        (pk, payload)
        for pk, version, payload in live.values_list("pk", "version", "payload")
        if versions.get(pk) == version  # the window's other rows have none
    ]
    data = opened(user, keyring, unchanged)
    persons = _person_versions(user.member_organisation_id, {_person_hex(d) for d in data.values()}) if stamped else {}
    names = persons_named(user, keyring, data)
    return {pk: (_stamp(versions[pk], _person_hex(d), persons), fold(words_of(d, names))) for pk, d in data.items()}


def _person_hex(data: dict[str, Any]) -> str:
    return UUID(data["person"]).hex if data.get("person") else ""


def opened(user: User, keyring: Keyring, sealed: list[tuple[UUID, Envelope]]) -> dict[UUID, dict[str, Any]]:
    """These consultations' data by id, opened in one batch."""
    table = Consultation._meta.db_table
    texts = decrypt_record_texts(keyring, table=table, org_id=user.member_organisation_id, rows=sealed)
    return {pk: json.loads(text) for pk, text in texts}  # type: ignore[misc]


def persons_named(user: User, keyring: Keyring, data: dict[UUID, dict[str, Any]]) -> dict[UUID, str]:
    """The names of the persons of these opened consultations."""
    ids = {UUID(d["person"]) for d in data.values() if d.get("person")}
    return card_names(user.organisation_id, ids, keyring) if ids else {}


def words_of(data: dict[str, Any], names: dict[UUID, str]) -> str:
    """What the agenda's free text looks for in a consultation: its name, type, person's name and field values
    (yes/no values are not words)."""
    person = str(data.get("person") or "")
    custom = (data.get("custom") or {}).values()
    values = [v for value in custom for v in (value if isinstance(value, list) else [value])]
    parts = [data.get("name"), data.get("type"), names.get(UUID(person), "") if person else "", *values]
    kept = (part for part in parts if isinstance(part, str | int | float) and not isinstance(part, bool))
    return " ".join(str(part) for part in kept if part != "")
