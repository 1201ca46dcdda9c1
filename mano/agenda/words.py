"""The actions' words by day, for the agenda's free text on a day or a week.

Filtering a busy week on a text used to open every action of the week, its person's card and its comments
(~6,000 actions at 20,000 persons). Here each action placed on a UTC day has one line in that day's encrypted
shard (`ActionWordsShard`, K_general, like the persons' search shards):

    <UTC day>:<action id hex> \\t <stamp> \\t <name, categories> \\t <description, comments> \\t <person's name>

all folded. The stamp holds what the line was made from: the action's version, its person and the person's
version, and how many live comments the action has with the latest moment one of them was written. A line is
used only when its stamp equals the row's current one, so no write path needs to know about these shards: an
action, person or comment changed since the line was written only makes the filter open that action again, and
write its new line. Stamps are read before the texts they vouch for, so a line is never newer than its stamp.

Restricted members never test the description and comments (they may not read them) and never write lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import CharField, Count, Func, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from mano.accounts.models import User
from mano.agenda.models import Action, ActionWordsShard
from mano.core.crypto import KeyKind, Keyring, decrypt_record_texts
from mano.core.raw import as_uuid, hex_of, raw_values
from mano.core.records import records_data
from mano.core.shards import ShardStore
from mano.persons.index import card_names
from mano.persons.models import Comment, Person
from mano.persons.text import fold

WORDS = ShardStore(ActionWordsShard, KeyKind.GENERAL, lambda key: int(key.split(":", 1)[0]))


def comments_stamp() -> Coalesce:
    """Per action, in SQL, as text: how many live comments it has and the latest moment any of its comments was
    written (created, edited or removed). If both are what they were when a line was written, every live comment
    is one that was live then, unchanged: a later change would have left a later moment, unless purged with its
    comment, and a purged comment was removed, so it is missing from the count (comments are never restored)."""
    stamps = (
        Comment.objects.filter(action_id=OuterRef("pk"))
        .order_by()
        .values("action_id")
        .annotate(
            stamp=Concat(
                Cast(Count("id", filter=Q(deleted_at=None)), CharField()),
                Value("/"),
                Cast(Max("updated_at"), CharField()),  # text: a timestamp costs PostgreSQL's driver ~10 µs to convert
                output_field=CharField(),
            )
        )
        .values("stamp")
    )
    return Coalesce(Subquery(stamps, output_field=CharField()), Value(""))


class UtcDay(Func):
    """In SQL, the UTC day of a moment as days since 1970-01-01: the bucket of an action's line. An integer, not the
    moment: PostgreSQL's driver takes ~10 µs to turn each timestamptz into a datetime (60 ms for a week)."""

    # SQLite stores a moment as UTC text: its first ten characters are the day (its date functions round to the
    # millisecond, which puts 23:59:59.9995 on the next day).
    template = "CAST(julianday(substr(%(expressions)s, 1, 10)) - 2440587.5 AS INTEGER)"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="((%(expressions)s AT TIME ZONE 'UTC')::date - DATE '1970-01-01')"
        )


EPOCH = date(1970, 1, 1)


def annotated(rows: QuerySet[Action]) -> QuerySet[Action]:
    """`rows` with what a `Row` reads besides its columns."""
    return rows.annotate(utc_day=UtcDay("agenda_at"), comments_stamp=comments_stamp())


# The columns of a `Row`, from `annotated` rows.
COLUMNS = ("id", "person_id", "version", "utc_day", "comments_stamp")


class Row(NamedTuple):
    """An action of the window as read from SQL, without its payload (ids as the driver gives them: hex text or
    UUID)."""

    pk: Any
    person_id: Any
    version: int
    day: int  # UTC day, the bucket of its line
    comments: str  # see comments_stamp


def holds(text: str, words: list[str], *, restricted: bool) -> bool:
    """Whether a line's text (name and categories, description and comments, person's name, tab-separated) holds
    every word; for restricted members, outside the description and comments. A word has no tab: looking for it
    in the whole text is looking in each part."""
    if not restricted:
        return all(word in text for word in words)
    public, _, person = text.split("\t")
    return all(word in public or word in person for word in words)


class Line(NamedTuple):
    key: str  # <UTC day>:<action id hex>
    stamp: str
    text: str  # see `holds`


def days_of(start: datetime, end: datetime) -> range:
    """The buckets (UTC days) of the moments in [start, end)."""
    first, last = start.astimezone(UTC).date(), (end - timedelta(microseconds=1)).astimezone(UTC).date()
    return range((first - EPOCH).days, (last - EPOCH).days + 1)


def matching(
    user: User, keyring: Keyring, rows: list[Row], words: list[str], window: QuerySet[Action], days: range
) -> set[Any]:
    """The ids (as in `rows`) of the rows whose own text, person's name or (not for restricted members) description
    and comments hold every word, as `AgendaFilters.matches` decides. `window`: the rows' query, to read their
    persons' versions; `days`: the buckets of its range (all are read, so that the line an action left on
    another day of the range when it moved is dropped). Rows without a current line are opened and, for members
    who may read everything, their lines written."""
    if not rows:
        return set()
    org_id = user.member_organisation_id
    restricted = user.role == "restricted"
    persons = Person.objects.filter(pk__in=window.values("person_id")).values_list("pk", "version")
    person_stamps = {pk: f"{hex_of(pk)}.{version}" for pk, version in raw_values(persons)}
    stored = _stored(org_id, keyring, days)
    accepted: set[Any] = set()
    stale: list[Row] = []
    stamps: dict[str, str] = {}  # of the stale rows whose line may be written
    for row in rows:
        pk = hex_of(row.pk)
        person = person_stamps.get(row.person_id)  # None: the row left the window since it was read
        stamp = f"{row.version}.{person}.{row.comments}"
        current = next((line for line in stored.get(pk, ()) if line.stamp == stamp), None) if person else None
        if current is None:
            stale.append(row)
            stamps.update({pk: stamp} if person else {})
        elif holds(current.text, words, restricted=restricted):
            accepted.add(row.pk)
    fresh = _opened(user, keyring, stale, restricted)
    accepted.update(row.pk for row in stale if holds(fresh.get(hex_of(row.pk), ""), words, restricted=restricted))
    writable = fresh.keys() & stamps.keys()
    if not restricted and (written := [row for row in stale if hex_of(row.pk) in writable]):
        _write(org_id, keyring, written, fresh, stamps, stored, days)
    return accepted


Stored = dict[str, list[Line]]


def _stored(org_id: Any, keyring: Keyring, days: Iterable[int]) -> Stored:
    """The lines of these days' shards by action id (hex): one, or two for an action moved from one day of the
    window to another since its first line was written."""
    found: Stored = {}
    for bucket, payload in WORDS.payloads(org_id, days):
        for raw in WORDS.open(org_id, bucket, payload, keyring).split("\n"):
            if raw:
                key, stamp, text = raw.split("\t", 2)
                found.setdefault(key[key.index(":") + 1 :], []).append(Line(key, stamp, text))
    return found


def _opened(user: User, keyring: Keyring, rows: list[Row], restricted: bool) -> dict[str, str]:
    """The texts (see `holds`) of these actions, opened from their payloads, their persons' cards and (not for
    restricted members) their comments; a row gone from the table since it was read is left out."""
    if not rows:
        return {}
    org_id = user.member_organisation_id
    sealed = Action.objects.filter(organisation_id=org_id, pk__in=[as_uuid(r.pk) for r in rows])
    payloads = dict(raw_values(sealed.values_list("pk", "payload")))
    rows = [row for row in rows if row.pk in payloads]
    ids = [as_uuid(r.pk) for r in rows]
    sealed_rows = [(pk, payloads[r.pk]) for pk, r in zip(ids, rows, strict=True)]
    texts = decrypt_record_texts(keyring, table=Action._meta.db_table, org_id=org_id, rows=sealed_rows)
    data: dict[UUID, dict[str, Any]] = {pk: json.loads(text) for pk, text in texts}  # type: ignore[misc]
    persons = {pk: as_uuid(r.person_id) for pk, r in zip(ids, rows, strict=True)}
    names = card_names(user.organisation_id, set(persons.values()), keyring)
    comments = {} if restricted else comment_texts(user, keyring, ids)
    return {
        pk.hex: text_of(
            d, "" if restricted else comments.get(pk, ""), names.get(persons[pk], ""), restricted=restricted
        )
        for pk, d in data.items()
    }


def text_of(data: dict[str, Any], comments: str, person: str, *, restricted: bool) -> str:
    """An action's line text (see `holds`) from its decrypted data, its comments joined and its person's name."""
    categories = (str(c) for c in data.get("categories") or [])
    private = "" if restricted else fold(f"{data.get('description') or ''} {comments}")
    return "\t".join([fold(" ".join([str(data.get("name") or ""), *categories])), private, fold(person)])


def _write(
    org_id: Any,
    keyring: Keyring,
    rows: list[Row],
    fresh: dict[str, str],
    stamps: dict[str, str],
    stored: Stored,
    days: range,
) -> None:
    """The new lines of `rows`. In the shards read, the lines of actions no longer placed on their day (moved,
    deleted, or their person deleted) are dropped at the same time: a shard keeps only live actions' words."""
    start, end = (datetime.combine(EPOCH + timedelta(days=day), time(), UTC) for day in (days.start, days.stop))
    live = Action.objects.filter(organisation_id=org_id, deleted_at=None, agenda_at__gte=start, agenda_at__lt=end)
    placed = {hex_of(pk): _key(day, pk) for pk, day in raw_values(live.values_list("pk", UtcDay("agenda_at")))}
    changes: dict[str, str | None] = {
        line.key: None for pk, lines in stored.items() for line in lines if placed.get(pk) != line.key
    }
    for row in rows:
        key = _key(row.day, row.pk)
        changes[key] = "\t".join([key, stamps[hex_of(row.pk)], fresh[hex_of(row.pk)]])
    WORDS.rewrite(org_id, changes, keyring)


def _key(day: int, pk: Any) -> str:
    return f"{day}:{hex_of(pk)}"


def comment_texts(user: User, keyring: Keyring, action_ids: list[UUID]) -> dict[UUID, str]:
    """The live comments of these actions, joined per action."""
    texts: dict[UUID, list[str]] = {}
    rows = Comment.objects.filter(
        organisation_id=user.member_organisation_id, deleted_at=None, action_id__in=action_ids
    ).only("id", "organisation_id", "action_id", "payload")
    for comment, data in records_data(rows, keyring):
        texts.setdefault(comment.action_id, []).append(str(data.get("text") or ""))  # type: ignore[arg-type]
    return {action_id: " ".join(parts) for action_id, parts in texts.items()}
