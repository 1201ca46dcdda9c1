"""The persons' shards kept in memory as ciphertext (core.shards._Payloads): a second search reads none of them
from the database, a rewritten shard is read again, and the memory they take stays bounded."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mano.core import shards
from mano.core.crypto import DecryptionError
from mano.core.shards import STAMP_BYTES, ShardStore, _Payloads, forget_payloads
from mano.persons.index import PERSON_SHARDS
from mano.persons.models import Person
from mano.persons.selectors.persons import person_search
from mano.persons.services import person_create, person_update

pytestmark = pytest.mark.django_db


def _names(member, query: str) -> list[str]:
    page = person_search(user=member.user, keyring=member.keyring, query=query, page=1)
    return [row.line.card()["name"] for row in page]


def test_a_second_search_reads_no_shard_and_a_rewritten_one_is_read_again(org_a, monkeypatch):
    admin = org_a["admin"]
    karim = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Karim Benali")
    person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Zoé Benali")
    forget_payloads()
    read: list[int] = []  # the buckets whose envelopes came from the database
    streamed = ShardStore._streamed

    def spy(self, org_id, buckets=None):
        for bucket, payload in streamed(self, org_id, buckets):
            read.append(bucket)
            yield bucket, payload

    monkeypatch.setattr(ShardStore, "_streamed", spy)
    assert sorted(_names(admin, "benali")) == ["Karim Benali", "Zoé Benali"]
    assert read
    read.clear()
    assert sorted(_names(admin, "benali")) == ["Karim Benali", "Zoé Benali"]
    assert read == []
    karim = Person.objects.get(pk=karim.pk)
    person_update(user=admin.user, keyring=admin.keyring, person=karim, expected_version=karim.version, name="Karim B.")
    assert _names(admin, "benali") == ["Zoé Benali"]
    assert _names(admin, "karim") == ["Karim B."]
    assert read == [PERSON_SHARDS.bucket(str(karim.pk))]  # the rewritten shard only, once


def _envelope(head: bytes, size: int) -> bytes:
    return head.ljust(STAMP_BYTES, b"\0") + b"x" * (size - STAMP_BYTES)


def test_the_envelopes_kept_stay_under_their_limit_least_recently_used_out_first():
    kept = _Payloads(limit=300)
    a, b, c = _envelope(b"a", 100), _envelope(b"b", 100), _envelope(b"c", 100)
    for key, envelope in ((1, a), (2, b), (3, c)):
        kept.put((key,), envelope)
    assert kept.get((1,), a[:STAMP_BYTES]) == a  # 1 is now the most recently used
    kept.put((4,), _envelope(b"d", 100))
    assert kept.get((2,), b[:STAMP_BYTES]) is None  # out first
    assert kept.get((1,), a[:STAMP_BYTES]) == a and kept.get((3,), c[:STAMP_BYTES]) == c
    kept.put((5,), _envelope(b"e", 301))  # larger than the limit: never kept, and nothing dropped for it
    assert kept.get((5,), _envelope(b"e", 301)[:STAMP_BYTES]) is None
    assert kept.get((1,), a[:STAMP_BYTES]) == a


def test_an_envelope_whose_head_changed_is_not_used():
    kept = _Payloads(limit=1000)
    kept.put((1,), _envelope(b"old", 100))
    assert kept.get((1,), _envelope(b"new", 100)[:STAMP_BYTES]) is None


def test_a_search_opens_every_shard_itself_when_the_pool_is_busy(org_a):
    """Under load the pool's thread may be opening another request's shards: a search does not wait behind it."""
    admin = org_a["admin"]
    for name in ("Karim Benali", "Zoé Benali", "Ana Morel"):
        person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name=name)
    release = threading.Event()
    busy = shards._OPENERS.submit(release.wait, 10)
    try:
        assert sorted(_names(admin, "benali")) == ["Karim Benali", "Zoé Benali"]
    finally:
        release.set()
    assert busy.result() is True  # the pool stayed busy for the whole search


def test_a_reader_opens_the_shards_the_pool_has_not_started_while_it_waits():
    """A reader quicker than the pool opens the next shards itself: each text is its own bucket's, in bucket order."""
    started, finish = threading.Event(), threading.Event()
    opened_by: dict[int, str] = {}

    def task(bucket: int):
        def open_one() -> str:
            opened_by[bucket] = threading.current_thread().name
            if bucket == 0:
                started.set()
                assert finish.wait(10)
            if bucket == 4:
                finish.set()  # the last one, opened by the reader while the pool still holds the first
            return f"text {bucket}"

        return open_one

    opening = shards.Opening([(bucket, task(bucket)) for bucket in range(5)])
    assert started.wait(10)
    assert list(opening) == [(bucket, f"text {bucket}") for bucket in range(5)]
    assert opened_by[0].startswith("shards")
    assert {opened_by[bucket] for bucket in range(1, 5)} == {threading.current_thread().name}


def test_a_shard_that_does_not_open_fails_the_read():
    def broken() -> str:
        raise DecryptionError("shard")

    opening = shards.Opening([(0, lambda: "fine"), (1, broken)])
    with pytest.raises(DecryptionError):
        list(opening)


def test_the_stamp_is_read_from_its_index_not_from_the_envelopes(org_a):
    """With statistics (ANALYZE, as the seed runs it), SQLite's planner scanned the table of an organisation's few
    dozen shards, reading every envelope whole (24 MB at 30,000 persons) on each search; ordered by bucket, the
    query reads the (organisation, bucket, head) index."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL reads the heads from the heap's TOAST pointers")
    admin = org_a["admin"]
    person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Karim Benali")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        PERSON_SHARDS.stamp(admin.user.organisation_id)
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "persons_shard_stamp" in plan, plan
