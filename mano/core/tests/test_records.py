"""Encrypted rows: version-checked updates lose nothing, and a row's payload belongs to that row only."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from mano.core.crypto import DecryptionError
from mano.core.records import ConflictError, record_data, record_update, records_rewrite
from mano.persons.models import Person
from mano.persons.services import person_create


def _person(org, name: str = "Zoë") -> Person:
    bob = org["normal"]
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org.day], name=name)


@pytest.mark.django_db
def test_a_new_record_starts_at_version_1_and_decrypts(org_a):
    person = _person(org_a)
    assert person.version == 1 and person.key_version == 1
    assert record_data(Person.objects.get(pk=person.pk), org_a["normal"].keyring)["name"] == "Zoë"


@pytest.mark.django_db
def test_the_second_update_with_the_same_expected_version_conflicts_and_the_first_is_kept(org_a):
    """Two editors read version 1; the first save wins, the second raises ConflictError and writes nothing."""
    bob, alice = org_a["normal"], org_a["admin_health"]
    person = _person(org_a)
    first, second = Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)
    record_update(first, keyring=bob.keyring, user=bob.user, data={"name": "Bob's"}, expected_version=1)
    stored = Person.objects.get(pk=person.pk)
    with pytest.raises(ConflictError) as caught:
        record_update(second, keyring=alice.keyring, user=alice.user, data={"name": "Alice's"}, expected_version=1)
    assert caught.value.current_version == 2
    after = Person.objects.get(pk=person.pk)
    assert after.version == 2
    assert bytes(after.payload) == bytes(stored.payload)
    assert after.updated_by_id == bob.user.pk
    assert record_data(after, alice.keyring) == {"name": "Bob's"}


@pytest.mark.django_db
def test_an_update_on_the_current_version_succeeds_and_bumps_it(org_a):
    bob = org_a["normal"]
    person = _person(org_a)
    saved = record_update(person, keyring=bob.keyring, user=bob.user, data={"name": "v2"}, expected_version=1)
    saved = record_update(saved, keyring=bob.keyring, user=bob.user, data={"name": "v3"}, expected_version=2)
    assert saved.version == 3
    assert record_data(Person.objects.get(pk=person.pk), bob.keyring) == {"name": "v3"}


@pytest.mark.django_db
def test_a_soft_deleted_row_cannot_be_updated(org_a):
    bob = org_a["normal"]
    person = _person(org_a)
    Person.objects.filter(pk=person.pk).update(deleted_at=timezone.now())
    before = Person.objects.get(pk=person.pk)
    with pytest.raises(ConflictError):
        record_update(before, keyring=bob.keyring, user=bob.user, data={"name": "ghost"}, expected_version=1)
    after = Person.objects.get(pk=person.pk)
    assert after.version == 1
    assert record_data(after, bob.keyring)["name"] == "Zoë"


@pytest.mark.django_db
def test_a_payload_copied_onto_another_row_does_not_decrypt(org_a):
    """At the database level too: swapping payload columns between rows gives DecryptionError."""
    bob = org_a["normal"]
    one, two = _person(org_a, "One"), _person(org_a, "Two")
    Person.objects.filter(pk=two.pk).update(payload=one.payload, key_version=one.key_version)
    with pytest.raises(DecryptionError):
        record_data(Person.objects.get(pk=two.pk), bob.keyring)
    assert record_data(Person.objects.get(pk=one.pk), bob.keyring)["name"] == "One"


@pytest.mark.django_db
def test_another_organisations_keys_cannot_read_a_row(org_a, org_b):
    person = _person(org_a)
    with pytest.raises(DecryptionError):
        record_data(person, org_b["admin_health"].keyring)


@pytest.mark.django_db
def test_two_browsers_editing_the_same_person_one_wins_the_other_gets_the_conflict_page(org_a, unlocked_client):
    bob, alice = org_a["normal"], org_a["admin_health"]
    person = _person(org_a)
    form = {"teams": [str(org_a.day.pk)], "version": "1"}
    bobs, alices = unlocked_client(bob), unlocked_client(alice)
    assert bobs.post(f"/personnes/{person.pk}/modifier/", {**form, "name": "Bob's"}).status_code == 302
    conflict = alices.post(f"/personnes/{person.pk}/modifier/", {**form, "name": "Alice's"})
    assert conflict.status_code == 409
    assert "Bob&#x27;s" in conflict.content.decode() or "Bob's" in conflict.content.decode()
    after = Person.objects.get(pk=person.pk)
    assert after.version == 2
    assert record_data(after, alice.keyring)["name"] == "Bob's"


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_count_exactly_one_version_per_success(org_a):
    """20 threads × 50 edits of one row: successes = version increments, and each success owns one version.

    SQLite runs 10 threads × 20 edits: its shared-cache in-memory test database answers "table is locked"
    at once instead of waiting, and 20 × 50 then spends from seconds to minutes in retries.
    """
    threads_count, edits = (10, 20) if connection.vendor == "sqlite" else (20, 50)
    bob = org_a["normal"]
    person = _person(org_a, "start")
    barrier = threading.Barrier(threads_count)
    lock = threading.Lock()
    successes: list[tuple[int, str]] = []
    conflicts: list[int] = []
    errors: list[BaseException] = []

    def edit(thread: int) -> None:
        try:
            barrier.wait()
            for number in range(edits):
                name = f"t{thread}-e{number}"
                while True:
                    try:
                        row = Person.objects.get(pk=person.pk)
                        time.sleep(0.001)  # widen the read-to-write window so that edits really interleave
                        with transaction.atomic():
                            saved = record_update(
                                row,
                                keyring=bob.keyring,
                                user=bob.user,
                                data={"name": name},
                                expected_version=row.version,
                            )
                    except ConflictError:
                        with lock:
                            conflicts.append(thread)
                        break
                    except OperationalError:
                        if connection.vendor != "sqlite":
                            raise
                        # SQLite "table is locked": the atomic block rolled back, nothing was written. Back off
                        # for a random moment (so the threads do not retry in lockstep) and try again.
                        time.sleep(random.uniform(0, 0.005))
                        continue
                    with lock:
                        successes.append((saved.version, name))
                    break
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    final = Person.objects.get(pk=person.pk)
    assert len(successes) + len(conflicts) == threads_count * edits
    assert conflicts, "no edit ever raced another: the test did not exercise the version check"
    assert len(successes) == final.version - 1
    assert sorted(version for version, _ in successes) == list(range(2, final.version + 1))
    last = dict(successes)[final.version]
    assert record_data(final, bob.keyring) == {"name": last}


@pytest.mark.django_db
def test_a_batch_rewrite_bumps_each_version_and_writes_the_plain_columns_asked_for(org_a, org_b):
    bob = org_a["normal"]
    rows = [Person.objects.get(pk=_person(org_a, name).pk) for name in ("Ana", "Léo")]
    moment = timezone.now().replace(microsecond=0)
    for row in rows:
        row.last_interaction_at = moment
    records_rewrite(
        [(row, {"name": f"{row.pk}"}) for row in rows],
        keyring=bob.keyring,
        user=bob.user,
        fields=["last_interaction_at"],
    )
    for row in rows:
        stored = Person.objects.get(pk=row.pk)
        assert (stored.version, stored.last_interaction_at, stored.updated_by_id) == (2, moment, bob.user.pk)
        assert record_data(stored, bob.keyring) == {"name": f"{row.pk}"}
    # The envelope is bound to its row: a payload moved onto the other row does not open.
    Person.objects.filter(pk=rows[1].pk).update(payload=Person.objects.get(pk=rows[0].pk).payload)
    with pytest.raises(DecryptionError):
        record_data(Person.objects.get(pk=rows[1].pk), bob.keyring)
    other = _person(org_b)
    with pytest.raises(PermissionDenied):
        records_rewrite([(other, {"name": "x"})], keyring=bob.keyring, user=bob.user)
    assert Person.objects.get(pk=other.pk).version == 1
    # A row deleted since it was read is not written (the caller's transaction rolls back on the conflict).
    gone = Person.objects.get(pk=rows[0].pk)
    Person.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    with pytest.raises(ConflictError), transaction.atomic():
        records_rewrite([(gone, {"name": "late"})], keyring=bob.keyring, user=bob.user)
    assert Person.objects.get(pk=gone.pk).version == 2
    with pytest.raises(ValueError):
        records_rewrite([(rows[0], {})], keyring=bob.keyring, user=bob.user, fields=["organisation"])
