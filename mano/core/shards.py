"""Encrypted shards: an organisation's lines spread over a few envelopes instead of one envelope per row.

The persons' search shards (K_general), the medical search shards (K_health) and the statistics store
(`mano.core.statstore`, one store per source) are all a ShardStore: rows (organisation, [scope columns,] bucket,
payload) whose payload is one envelope holding lines `key \\t …`. Reading an organisation opens a few dozen
envelopes; writing rewrites the one shard that holds the key, under a row lock.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from threading import Lock
from typing import Any, AnyStr, Generic, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BinaryField, Func

from mano.core.crypto import Envelope, KeyKind, Keyring, decrypt_record_bytes, encrypt_record_text

# An envelope's header and random nonce: a fresh nonce on every write tells a rewritten shard apart even when
# the clock stood still (frozen in tests, two writes in one tick) or a slower writer committed an older time.
STAMP_BYTES = 32
Stamp = tuple[tuple[int, bytes], ...]
# libsodium runs without the GIL: one thread opens an organisation's shards ahead of the request's thread, which
# reads them in order and opens itself those the pool has not started (see Opening). A second pool thread made a
# search slower on two cores (the scan, on the request's thread, then shared its core with a decryption).
_OPENERS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shards")
Opened = TypeVar("Opened", str, bytes)


class Opening(Sequence[tuple[int, Opened]], Generic[Opened]):
    """An organisation's shards as (bucket, text), in bucket order, opened by the pool ahead of the reader. A reader
    slower than the pool (a search scanning each shard) finds the next shard opened meanwhile; a quicker one,
    while it waits for a shard, opens the next ones the pool has not started. A shard that does not open raises
    DecryptionError when the shards are read."""

    def __init__(self, tasks: list[tuple[int, Callable[[], Opened]]]) -> None:
        self._tasks: list[tuple[int, Callable[[], Opened]]] = tasks
        self._futures: list[Future[Opened]] = [_OPENERS.submit(task) for _, task in tasks]
        self._opened: list[tuple[int, Opened] | None] = [None] * len(tasks)

    def __len__(self) -> int:
        return len(self._tasks)

    def __getitem__(self, index: int) -> tuple[int, Opened]:  # type: ignore[override]
        item = self._opened[index]
        if item is None:
            bucket, task = self._tasks[index]
            future = self._futures[index]
            if future.cancel():  # not started by the pool: opened here
                item = (bucket, task())
            else:
                self._open_ahead(index, future)
                item = (bucket, future.result())
            self._opened[index] = item
        return item

    def __iter__(self) -> Iterator[tuple[int, Opened]]:
        return (self[index] for index in range(len(self)))

    def _open_ahead(self, index: int, opening: Future[Opened]) -> None:
        """While the pool opens shard `index`, open here the next shards it has not started."""
        for ahead in range(index + 1, len(self._tasks)):
            if opening.done():
                return
            if self._opened[ahead] is None and self._futures[ahead].cancel():
                self._opened[ahead] = (self._tasks[ahead][0], self._tasks[ahead][1]())


class _Payloads:
    """The shards' envelopes this process read last, least recently used out first past `limit` bytes: a search
    reads an organisation's 16–24 MB of shards, and reading them from the database took as long as opening them.
    Ciphertext only, what the table holds; an envelope is used only while the table's head of it (header and
    random nonce, see STAMP_BYTES) is the same, so a rewritten shard is read again."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._size = 0
        self._lock = Lock()

    def get(self, key: tuple[Any, ...], head: bytes) -> bytes | None:
        with self._lock:
            payload = self._items.get(key)
            if payload is None or payload[:STAMP_BYTES] != head:
                return None
            self._items.move_to_end(key)
            return payload

    def put(self, key: tuple[Any, ...], payload: bytes) -> None:
        with self._lock:
            self._size -= len(self._items.pop(key, b""))
            if len(payload) > self.limit:
                return
            self._items[key] = payload
            self._size += len(payload)
            while self._size > self.limit:
                self._size -= len(self._items.popitem(last=False)[1])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_PAYLOADS = _Payloads(settings.MANO_SHARD_CACHE_MB * 1024 * 1024)


class EnvelopeHead(Func):
    """The first STAMP_BYTES of an envelope, with literal bounds so that an index on the same expression serves
    the query (SQLite matches an indexed expression only when it is written the same way, parameters excluded)."""

    function = "SUBSTR"
    template = f"%(function)s(%(expressions)s, 1, {STAMP_BYTES})"
    output_field = BinaryField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="SUBSTRING", **extra)


def line_spans(text: AnyStr, word: AnyStr) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` that holds `word`, once per line: the word is looked for in the whole
    text (`find`, in C) and only the lines it hits are delimited; the others are never split. Text and word are
    both str or both UTF-8 bytes (a newline byte is a newline character in UTF-8)."""
    newline = "\n" if isinstance(text, str) else b"\n"
    position = text.find(word)
    while position >= 0:
        start = text.rfind(newline, 0, position) + 1
        end = text.find(newline, position)
        end = len(text) if end < 0 else end
        yield start, end
        position = text.find(word, end)


@dataclass(frozen=True)
class ShardStore:
    """An organisation's lines spread over encrypted envelopes (rows with organisation, bucket, payload):
    searching opens the shards instead of one envelope per row. A line starts with its key and a tab;
    `bucket` maps a key to its shard.

    `scope`: extra columns (name, value) when several stores share one table (the statistics sources); they
    also enter the envelope's row id, so that a shard copied to another source fails to open."""

    model: type[Any]
    kind: KeyKind
    bucket: Callable[[str], int]
    scope: tuple[tuple[str, str], ...] = ()
    # Keep the envelopes read in memory (_Payloads): for stores read whole by every search, whose table has an
    # index on (organisation, bucket, EnvelopeHead) so that checking them does not read them.
    cached: bool = False

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    def row_id(self, bucket: int) -> str | int:
        return "/".join([*(value for _, value in self.scope), str(bucket)]) if self.scope else bucket

    def rows(self, org_id: Any) -> Any:
        return self.model.objects.filter(organisation_id=org_id, **dict(self.scope))

    def envelope(self, org_id: Any, bucket: int, lines: Iterable[str], keyring: Keyring) -> bytes:
        envelope, _ = encrypt_record_text(
            keyring, kind=self.kind, table=self.table, row_id=self.row_id(bucket), org_id=org_id, text="\n".join(lines)
        )
        return envelope

    def open(self, org_id: Any, bucket: int, payload: Envelope, keyring: Keyring) -> str:
        return self.open_bytes(org_id, bucket, payload, keyring).decode()

    def rewrite(self, org_id: Any, replacements: Mapping[str, str | None], keyring: Keyring) -> None:
        """Replace (or drop, for None) the lines of the given keys, rewriting each touched shard once,
        under a row lock so that concurrent writers never drop each other's lines. A shard whose lines
        come out unchanged is not written again."""
        by_bucket: dict[int, dict[str, str | None]] = defaultdict(dict)
        for key, line in replacements.items():
            by_bucket[self.bucket(key)][key] = line
        if not by_bucket:
            return
        scope = dict(self.scope)
        with transaction.atomic():
            self.model.objects.bulk_create(
                [
                    self.model(organisation_id=org_id, bucket=b, payload=self.envelope(org_id, b, [], keyring), **scope)
                    for b, changes in sorted(by_bucket.items())  # one order for every writer: no deadlock
                    if any(line is not None for line in changes.values())  # dropping needs no new shard
                ],
                ignore_conflicts=True,
            )
            shards = self.rows(org_id).select_for_update().filter(bucket__in=list(by_bucket))
            for shard in shards.order_by("bucket"):
                changes = by_bucket[shard.bucket]
                kept, before = [], {}
                for ln in self.open(org_id, shard.bucket, shard.payload, keyring).split("\n"):
                    if ln and (key := ln.split("\t", 1)[0]) in changes:
                        before[key] = ln
                    elif ln:
                        kept.append(ln)
                if all(before.get(key) == line for key, line in changes.items()):
                    continue
                kept += [ln for ln in changes.values() if ln is not None]
                shard.payload = self.envelope(org_id, shard.bucket, kept, keyring)
                shard.save(update_fields=["payload", "updated_at"])

    def replace(self, org_id: Any, shards: Mapping[int, list[str]], keyring: Keyring) -> None:
        """Make each of these shards hold exactly its lines (bucket → lines, in order), under a row lock so that
        a line written meanwhile by another writer is replaced too."""
        if not shards:
            return
        scope = dict(self.scope)
        with transaction.atomic():
            self.model.objects.bulk_create(
                [
                    self.model(organisation_id=org_id, bucket=b, payload=self.envelope(org_id, b, [], keyring), **scope)
                    for b in sorted(shards)  # one order for every writer: no deadlock
                ],
                ignore_conflicts=True,
            )
            for shard in self.rows(org_id).select_for_update().filter(bucket__in=list(shards)).order_by("bucket"):
                shard.payload = self.envelope(org_id, shard.bucket, shards[shard.bucket], keyring)
                shard.save(update_fields=["payload", "updated_at"])

    def patch(self, org_id: Any, keys: Iterable[str], change: Callable[[str], str], keyring: Keyring) -> int:
        """Apply `change` to the existing lines of `keys`, rewriting each touched shard once under a row lock (a
        change made from a line read earlier could drop a concurrent writer's update of it). Returns how many
        lines were found."""
        by_bucket: dict[int, set[str]] = defaultdict(set)
        for key in keys:
            by_bucket[self.bucket(key)].add(key)
        found = 0
        with transaction.atomic():
            for shard in self.rows(org_id).select_for_update().filter(bucket__in=list(by_bucket)).order_by("bucket"):
                wanted = by_bucket[shard.bucket]
                before = [ln for ln in self.open(org_id, shard.bucket, shard.payload, keyring).split("\n") if ln]
                after = []
                for ln in before:
                    if ln.split("\t", 1)[0] in wanted:
                        found += 1
                        ln = change(ln)
                    after.append(ln)
                if after != before:
                    shard.payload = self.envelope(org_id, shard.bucket, after, keyring)
                    shard.save(update_fields=["payload", "updated_at"])
        return found

    def replace_all(self, org_id: Any, lines: Iterable[str], keyring: Keyring) -> int:
        """Every line of the organisation from scratch (rebuilds, bulk seeding); returns how many."""
        by_bucket: dict[int, list[str]] = defaultdict(list)
        for line in lines:
            by_bucket[self.bucket(line.split("\t", 1)[0])].append(line)
        with transaction.atomic():
            self.rows(org_id).delete()
            self.model.objects.bulk_create(
                self.model(
                    organisation_id=org_id,
                    bucket=b,
                    payload=self.envelope(org_id, b, sorted(found), keyring),
                    **dict(self.scope),
                )
                for b, found in by_bucket.items()
            )
        return sum(len(found) for found in by_bucket.values())

    def payloads(self, org_id: Any, buckets: Iterable[int] | None = None) -> list[tuple[int, Envelope]]:
        """(bucket, envelope) of an organisation's shards (those of `buckets` only, when given). On PostgreSQL
        they are read in binary format: the default text format sends bytea as hex, which costs ~4x the time for
        the ~20 MB of a large organisation."""
        return list(self._streamed(org_id, buckets))

    def _streamed(self, org_id: Any, buckets: Iterable[int] | None = None) -> Iterator[tuple[int, Envelope]]:
        """The shards as the database sends them: PostgreSQL streams them row by row, so that a caller opens
        the first envelopes while the server still reads the next ones out of its TOAST table."""
        rows = self.rows(org_id) if buckets is None else self.rows(org_id).filter(bucket__in=list(buckets))
        shards = rows.values_list("bucket", "payload")
        if connection.vendor != "postgresql":
            yield from shards
            return
        import psycopg

        sql, params = shards.query.sql_with_params()
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            # binary results; parameters stay as Django built them
            for bucket, payload in cursor.stream(sql, params, binary=True):
                yield int(bucket), bytes(payload)

    def _current(self, org_id: Any) -> Iterator[tuple[int, Envelope]]:
        """Every shard's envelope as the table holds it now: from memory for a cached store's unchanged shards."""
        if not self.cached:
            yield from self._streamed(org_id)
            return
        missing = []
        for bucket, head in self.stamp(org_id):
            kept = _PAYLOADS.get((self.table, self.scope, org_id, bucket), head)
            if kept is None:
                missing.append(bucket)
            else:
                yield bucket, kept
        for bucket, payload in self._streamed(org_id, missing) if missing else ():
            read = bytes(payload)
            _PAYLOADS.put((self.table, self.scope, org_id, bucket), read)
            yield bucket, read

    def stamp(self, org_id: Any) -> Stamp:
        """What the organisation's shards hold right now, without reading them: each shard's bucket and the start
        of its envelope (its random nonce). Any rewrite changes it; a cache of what the shards imply keys on it."""
        # Ordered by bucket: without it SQLite's planner, seeing a few dozen rows, scans the table and reads every
        # envelope whole (24 MB, ~6.5 ms at 30,000 persons) instead of the index on (organisation, bucket, head).
        heads = self.rows(org_id).annotate(head=EnvelopeHead("payload")).order_by("bucket")
        return tuple((int(bucket), bytes(head)) for bucket, head in heads.values_list("bucket", "head"))

    def texts(self, org_id: Any, keyring: Keyring) -> tuple[Stamp, Opening[str]]:
        """Each shard's decrypted text, unsplit, by bucket, with the stamp of exactly what was read."""
        return self._opened(org_id, keyring, self.open)

    def blobs(self, org_id: Any, keyring: Keyring) -> tuple[Stamp, Opening[bytes]]:
        """`texts` as UTF-8 bytes, undecoded: a word is looked for in bytes as in text, and only the lines it hits
        need decoding (a decoded shard takes up to four times its size in memory)."""
        return self._opened(org_id, keyring, self.open_bytes)

    def open_bytes(self, org_id: Any, bucket: int, payload: Envelope, keyring: Keyring) -> bytes:
        return decrypt_record_bytes(
            keyring, table=self.table, row_id=self.row_id(bucket), org_id=org_id, envelope=payload
        )

    def _opened(
        self, org_id: Any, keyring: Keyring, open_one: Callable[[Any, int, Envelope, Keyring], Opened]
    ) -> tuple[Stamp, Opening[Opened]]:
        read = sorted(self._current(org_id), key=lambda item: item[0])
        stamp = tuple((bucket, bytes(payload[:STAMP_BYTES])) for bucket, payload in read)
        return stamp, Opening(
            [(bucket, partial(open_one, org_id, bucket, payload, keyring)) for bucket, payload in read]
        )

    def lines_with(self, org_id: Any, keyring: Keyring, words: Iterable[str]) -> list[str]:
        """The lines that hold at least one of `words`, each once: every word is looked for in each shard's whole
        UTF-8 bytes (`find`, in C) and only the lines it hits are cut out and decoded; the others never are."""
        encoded = [word.encode() for word in words if word]
        found: list[str] = []
        for _, text in self.blobs(org_id, keyring)[1]:
            starts: set[int] = set()
            for word in encoded:
                for start, end in line_spans(text, word):
                    if start not in starts:
                        starts.add(start)
                        found.append(text[start:end].decode())
        return found

    def lines(self, org_id: Any, keyring: Keyring) -> list[str]:
        """Every raw line of an organisation, unsplit: a search tests its words on the raw text first."""
        found: list[str] = []
        for bucket, payload in self._current(org_id):
            found += self.open(org_id, bucket, payload, keyring).split("\n")
        return [raw for raw in found if raw]


def forget_payloads() -> None:
    """Drop the envelopes kept in memory (tests)."""
    _PAYLOADS.clear()
