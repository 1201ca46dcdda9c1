"""The consultations' words by day, for the agenda's free text on a day or a week (see mano.core.day_words).

Filtering a busy week on a text used to open every consultation of the week and its person's card (~1,200 at
20,000 persons). Here each shared consultation placed on a UTC day has one line in that day's shard, sealed with
K_health:

    <UTC day>:<consultation id hex> \\t <version>.<person id hex>.<person's version> \\t <folded words>

The words are the consultation's name, type, person's name and field values. Rows name their person by a keyed
link only, so the stamp names the person the line was made from and a reader checks that person's current
version (a consultation changes person only with a new version of its own).

Private consultations ("visible seulement par moi") never get a line: their owner's reads open them, and other
professionals never match them.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from uuid import UUID

from mano.accounts.models import User
from mano.core.crypto import Envelope, KeyKind, Keyring, decrypt_record_texts
from mano.core.day_words import DayWords, Line, Stored, day_store, key_of
from mano.core.raw import hex_of, raw_values
from mano.medical.models import Consultation, ConsultationWordsShard
from mano.persons.index import card_names
from mano.persons.models import Person
from mano.persons.text import fold

WORDS = DayWords(
    day_store(ConsultationWordsShard, KeyKind.HEALTH),
    lambda org_id: Consultation.objects.filter(organisation_id=org_id, deleted_at=None, only_visible_by=None),
)


class Row(NamedTuple):
    """A consultation of the window as read from SQL, without its payload."""

    pk: UUID
    version: int
    day: int  # UTC day, the bucket of its line
    owner_id: UUID | None  # set for a private consultation


def matching(user: User, keyring: Keyring, rows: list[Row], words: list[str], days: range | None) -> set[UUID]:
    """The ids of the rows whose words hold every word, among the shared ones and the user's own private ones.
    `days`: the buckets of the window (all are read, so that the line a consultation left on another day of the
    window when it moved is dropped). Shared rows without a current line are opened and their lines written.
    Without a window (the list's latest consultations, spread over any number of days) every row is opened and
    nothing is written."""
    if not rows:
        return set()
    org_id = user.member_organisation_id
    shared = [row for row in rows if row.owner_id is None]
    stored = WORDS.stored(org_id, keyring, days) if days is not None else {}
    candidates = {row.pk: line for row in shared if (line := _same_version(stored, row))}
    versions = _person_versions(org_id, {_person_of(line) for line in candidates.values()})
    accepted: set[UUID] = set()
    stale: list[Row] = []
    for row in shared:
        line = candidates.get(row.pk)
        if line is None or line.stamp != _stamp(row.version, _person_of(line), versions):
            stale.append(row)
        elif all(word in line.text for word in words):
            accepted.add(row.pk)
    mine = [row for row in rows if row.owner_id == user.pk]
    fresh = _fresh(user, keyring, stale + mine)
    accepted.update(pk for pk, (_, text) in fresh.items() if all(word in text for word in words))
    lines = {key_of(row.day, row.pk): "\t".join(fresh[row.pk]) for row in stale if row.pk in fresh}
    turned_private = any(row.pk.hex in stored for row in rows if row.owner_id is not None)
    if (lines or turned_private) and days is not None:
        WORDS.write(org_id, keyring, lines, stored, days)  # also drops the lines of rows turned private
    return accepted


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


def _fresh(user: User, keyring: Keyring, rows: list[Row]) -> dict[UUID, tuple[str, str]]:
    """The stamps and words of these consultations, opened from their payloads and their persons' cards. A row
    changed since the window was read (a new version: made private, moved, edited) or deleted is left out, for the
    next reader: its new payload may no longer be the reader's to match, nor a shared one to write. The persons'
    versions are read before their names, so that a line is never newer than its stamp."""
    if not rows:
        return {}
    versions = {row.pk: row.version for row in rows}
    live = Consultation.objects.filter(
        organisation_id=user.member_organisation_id, pk__in=list(versions), deleted_at=None
    )
    unchanged = [
        (pk, payload)
        for pk, version, payload in live.values_list("pk", "version", "payload")
        if versions[pk] == version
    ]
    data = opened(user, keyring, unchanged)
    persons = _person_versions(user.member_organisation_id, {_person_hex(d) for d in data.values()})
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
