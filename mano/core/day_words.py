"""Words by UTC day: for each organisation and day, one encrypted shard holding a line per row placed on that day
(by its `agenda_at`), so that the agenda filtered on a text opens a week's few shards instead of its thousands of
rows. The actions' words (mano.agenda.words, K_general) and the consultations' (mano.medical.words, K_health)
share this mechanism; each decides what its lines hold.

    <UTC day>:<row id hex> \\t <stamp> \\t <folded text>

The stamp says what the line was made from (the row's version, the persons' names epoch, …). A reader uses a line only
while its stamp is the row's current one, so no write path needs to know about these shards: a row changed since
its line was written is opened again by the next reader, who writes its new line. Stamps must be read before the
texts they vouch for, so that a line is never newer than its stamp.

A kind may also keep a digest of each whole day (`<UTC day>:digest \\t <digest> \\t`, the shard's first line): what
SQL says of the day's rows, in a few aggregates (see mano.agenda.words.day_digests). A shard whose digest is the
day's current one holds a current line for every row of the day, so a reader looks for its words in the shard's
text without reading the rows' stamps. Such a shard is only ever written whole, with the digest computed before
the rows were read (`replace_days`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.db.models import BigIntegerField, Func, IntegerField, QuerySet, Sum

from mano.core.crypto import Keyring
from mano.core.raw import hex_of, raw_values
from mano.core.shards import ShardStore, line_spans

EPOCH = date(1970, 1, 1)


class UtcDay(Func):
    """In SQL, the UTC day of a moment as days since 1970-01-01: the bucket of a row's line. An integer, not the
    moment: PostgreSQL's driver takes ~10 µs to turn each timestamptz into a datetime (60 ms for a week)."""

    # SQLite stores a moment as UTC text: its first ten characters are the day (its date functions round to the
    # millisecond, which puts 23:59:59.9995 on the next day).
    template = "CAST(julianday(substr(%(expressions)s, 1, 10)) - 2440587.5 AS INTEGER)"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="((%(expressions)s AT TIME ZONE 'UTC')::date - DATE '1970-01-01')"
        )


class Millis(Func):
    """In SQL, a moment as whole milliseconds since 1970 (UTC)."""

    # SQLite stores a moment as UTC text; julianday reads it (a double: rounded, the same text gives the same value).
    template = "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400000) AS INTEGER)"
    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000)::bigint")


def written_sum(**extra: Any) -> Sum:
    """The sum of the rows' write times (`updated_at`), part of a day's digest: a row leaving the day and another
    entering it change it, whatever order their transactions commit in (the latest write time alone missed a
    row whose transaction took its time before another's and committed after it)."""
    return Sum(Millis("updated_at"), **extra)


# Past this many rows to open, a day shard's writer reads their payloads with the whole window's (its range on the
# covering index) rather than by a list of ids: a week's 10,000 action ids took 77 ms on SQLite and 142 ms on
# PostgreSQL, the window's payloads 22-27 ms.
MANY_ROWS = 1000


def days_of(start: datetime, end: datetime) -> range:
    """The buckets (UTC days) of the moments in [start, end)."""
    first, last = start.astimezone(UTC).date(), (end - timedelta(microseconds=1)).astimezone(UTC).date()
    return range((first - EPOCH).days, (last - EPOCH).days + 1)


def bounds(days: range) -> tuple[datetime, datetime]:
    """The [start, end) instants of these buckets (UTC days)."""
    start, end = (datetime.combine(EPOCH + timedelta(days=day), time(), UTC) for day in (days.start, days.stop))
    return start, end


def key_of(day: int, pk: Any) -> str:
    return f"{day}:{hex_of(pk)}"


DIGEST = "digest"  # the row id part of a day's digest line
NO_ROWS = "0"  # the digest of a day without rows, and of a day without a shard


def digest_of(day: int, text: str | None) -> str:
    """The digest a day's shard text was written with ("" for a shard without one)."""
    if text is None:
        return NO_ROWS
    head = f"{day}:{DIGEST}\t"
    return text[len(head) : text.index("\t", len(head))] if text.startswith(head) else ""


class Line(NamedTuple):
    key: str  # <UTC day>:<row id hex>
    stamp: str
    text: str


Stored = dict[str, list[Line]]  # by row id (hex)


@dataclass(frozen=True)
class DayWords:
    """The day shards of one kind of row, placed on their days by `agenda_at`. `live(org_id)`: the rows not deleted
    (the kind decides which of them have a line)."""

    store: ShardStore
    live: Callable[[Any], QuerySet[Any]]

    def placed(self, org_id: Any, days: range) -> QuerySet[Any]:
        """The live rows placed on these days."""
        start, end = bounds(days)
        return self.live(org_id).filter(agenda_at__gte=start, agenda_at__lt=end)

    def texts(self, org_id: Any, keyring: Keyring, days: Iterable[int]) -> dict[int, str]:
        """The text of each of these days' shards (a day without one is left out)."""
        return {b: self.store.open(org_id, b, payload, keyring) for b, payload in self.store.payloads(org_id, days)}

    def stored(self, org_id: Any, keyring: Keyring, days: Iterable[int]) -> Stored:
        """The lines of these days' shards by row id: one, or two for a row moved from one day of the range to
        another since its first line was written."""
        return lines_of(self.texts(org_id, keyring, days).values())

    def replace_days(self, org_id: Any, keyring: Keyring, days: Mapping[int, tuple[str, list[str]]]) -> None:
        """Write these days' shards whole: day → its digest (computed before its rows were read) and the lines
        (`key \\t stamp \\t text`) of every row of the day."""
        shards = {day: [f"{day}:{DIGEST}\t{digest}\t", *lines] for day, (digest, lines) in days.items()}
        self.store.replace(org_id, shards, keyring)

    def drop(self, org_id: Any, keyring: Keyring, rows: QuerySet[Any]) -> None:
        """Drop the lines of these rows (being deleted): their words do not wait in their days' shards for the
        next reader of those days."""
        placed = rows.exclude(agenda_at=None).values_list("pk", UtcDay("agenda_at"))
        self.store.rewrite(org_id, {key_of(day, pk): None for pk, day in raw_values(placed)}, keyring)


def lines_of(texts: Iterable[str]) -> Stored:
    """The rows' lines of these shard texts by row id (digest lines left out)."""
    found: Stored = {}
    for text in texts:
        for raw in text.split("\n"):
            if raw:
                key, stamp, line = raw.split("\t", 2)
                pk = key[key.index(":") + 1 :]
                if pk != DIGEST:
                    found.setdefault(pk, []).append(Line(key, stamp, line))
    return found


def ids_holding(texts: Iterable[str], first: str, holds: Callable[[str], bool]) -> set[str]:
    """The row ids (hex) of the lines of these shard texts that hold `first` and pass `holds` (on the line's
    text): `first` is looked for in each whole text, and only the lines it hits are split."""
    found: set[str] = set()
    for text in texts:
        for start, end in line_spans(text, first):
            key, _, line = text[start:end].split("\t", 2)
            pk = key[key.index(":") + 1 :]
            if pk != DIGEST and holds(line):
                found.add(pk)
    return found


def day_store(model: type[Any], kind: Any) -> ShardStore:
    """The ShardStore of a day-shard model (organisation, bucket = UTC day, payload)."""
    return ShardStore(model, kind, lambda key: int(key.split(":", 1)[0]))
