"""The consultations' words by day, for the agenda's free text on a day or a week (see mano.core.day_words).

Filtering a busy week on a text used to open every consultation of the week and its person's card (~1,200 at
20,000 persons). Here each shared consultation placed on a UTC day has one line in that day's shard, sealed with
K_health:

    <UTC day>:<consultation id hex> \\t <version>.<person id hex>.e<names epoch> \\t <folded words>

The words are the consultation's name, type, person's name and field values. Rows name their person by a keyed
link only, so a new name cannot find the lines that hold it: it moves the organisation's names epoch instead and
marks the person with it (mano.persons.models.NamesEpoch, in the rename's transaction). A line is current while
its person took no new name after the epoch it was made at (a consultation changes person only with a new
version of its own). Checking each named person's version instead cost more than the rest of the words' reading
(an id list of ~3,000 persons a week, 9 ms on SQLite, 16 on PostgreSQL), and any write on a person moved it.

Each shard starts with its day's digest (see mano.core.day_words): the count, version sum and written sum of the
day's shared live consultations, in SQL, then the names epoch its lines were checked at. While the SQL part is
the day's and the epoch the organisation's, every line of the day is current and the words are looked for in the
shard's text alone; a day that changed is written again whole, opening only the rows changed since and those of
the persons renamed since.

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
from mano.core.raw import as_uuid, raw_values
from mano.medical.models import Consultation, ConsultationWordsShard
from mano.persons.index import card_names
from mano.persons.selectors.names import names_epoch, renamed_since
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
        opened = _fresh(user, keyring, [row for row in rows if row.owner_id is None] + mine)
        return {pk for pk, (_, text) in opened.items() if _holds(text, words)}
    shared = _shared_matching(user, keyring, words, days)
    found = {row.pk for row in rows if row.owner_id is None and row.pk.hex in shared}
    return found | {pk for pk, (_, text) in _fresh(user, keyring, mine).items() if _holds(text, words)}


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


def _shared_matching(user: User, keyring: Keyring, words: list[str], days: range) -> set[str]:
    """The ids (hex) of the shared live consultations placed on the UTC days `days` whose words hold every word,
    from the days' shards once each is current, after writing again those that are not."""
    org_id = user.member_organisation_id
    epoch = names_epoch(org_id)  # before the digests and the texts they vouch for
    digests = day_digests(org_id, days)
    texts = WORDS.texts(org_id, keyring, days)
    stale = [day for day in days if not _current(digest_of(day, texts.get(day)), digests.get(day, NO_ROWS), epoch)]
    if stale:
        texts.update(_rewritten(user, keyring, stale, digests, texts, epoch))
    first = max(words, key=len) if words else "\t"  # no word: every line (each has a tab)
    return ids_holding(texts.values(), first, lambda text: _holds(text, words))


def _current(stored: str, sql: str, epoch: int) -> bool:
    """Whether a day's shard, written with the digest `stored`, holds a current line for each of its rows: `sql`
    is the day's digest in SQL now, `epoch` the names epoch (a day without rows needs no shard)."""
    return stored == _digest(sql, epoch) or (stored == NO_ROWS and sql == NO_ROWS)


def _digest(sql: str, epoch: int) -> str:
    """A day's digest as its shard keeps it. The code before the epoch (a rollback) reads the epoch as a person's
    version, of the nil id that no person has: it makes the day again rather than failing on it."""
    return f"{sql};{UUID(int=0).hex}.e{epoch}"


def _stamp(version: int, person: str, epoch: int) -> str:
    return f"{version}.{person}.e{epoch}"


def _made(line: Line) -> tuple[str, int] | None:
    """The person (id hex) a line names and the names epoch it was made at; None for a line made before there was
    one (stamped with its person's version)."""
    _, person, made = line.stamp.split(".")
    return (person, int(made[1:])) if made.startswith("e") else None


def _rewritten(
    user: User, keyring: Keyring, days: list[int], digests: dict[int, str], texts: dict[int, str], epoch: int
) -> dict[int, str]:
    """The texts of these days' shards made current from their shared live consultations: a line of the row's
    version whose person took no new name since it was made is kept, stamped with the names epoch `epoch` (read
    before `digests`); the other rows are opened. Each day whose every row got its line is written whole with its
    digest; the texts are returned either way."""
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
    candidates = [(row, line, made) for row in rows if (line := _same_version(stored, row)) and (made := _made(line))]
    oldest = min((at for _, _, (_, at) in candidates), default=epoch)
    renamed = renamed_since(org_id, oldest) if oldest < epoch else {}
    lines: dict[UUID, tuple[str, str]] = {
        row.pk: (_stamp(row.version, person, epoch), line.text)
        for row, line, (person, at) in candidates
        if renamed.get(person, 0) <= at
    }
    lines.update(_fresh(user, keyring, [row for row in rows if row.pk not in lines], epoch=epoch, window=placed))
    shards: dict[int, list[str]] = {day: [] for day in days}
    unwritable = set()
    for row in rows:
        stamp, text = lines.get(row.pk, ("..", ""))
        if row.pk not in lines:
            unwritable.add(row.day)  # changed since the digest
        shards[row.day].append(f"{key_of(row.day, row.pk)}\t{stamp}\t{text}")
    written = {day: (_digest(digests.get(day, NO_ROWS), epoch), shards[day]) for day in days if day not in unwritable}
    WORDS.replace_days(org_id, keyring, written)
    return {day: "\n".join(shards[day]) for day in days}


def _same_version(stored: Stored, row: Row) -> Line | None:
    key, version = key_of(row.day, row.pk), f"{row.version}."
    return next(
        (line for line in stored.get(row.pk.hex, ()) if line.key == key and line.stamp.startswith(version)), None
    )


def _fresh(
    user: User, keyring: Keyring, rows: list[Row], *, epoch: int = 0, window: QuerySet[Consultation] | None = None
) -> dict[UUID, tuple[str, str]]:
    """The stamps and words of these consultations, opened from their payloads and their persons' cards. A row
    changed since the window was read (a new version: made private, moved, edited) or deleted is left out, for the
    next reader: its new payload may no longer be the reader's to match, nor a shared one to write. `epoch`: the
    names epoch, read before the names, so that a line is never newer than its stamp (none for rows that are
    never written: private ones). `window`: live consultations that include the rows, read whole
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
    names = persons_named(user, keyring, data)
    return {pk: (_stamp(versions[pk], _person_hex(d), epoch), fold(words_of(d, names))) for pk, d in data.items()}


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
