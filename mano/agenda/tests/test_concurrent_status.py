"""Concurrent status changes and comments on one action, in real threads on the real database: no comment is
lost, and every status change that was acknowledged is in the action's history."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from mano.agenda.action_comments import action_comment_add
from mano.agenda.models import Action
from mano.agenda.services import action_set_status, actions_create
from mano.core.records import ConflictError, record_data
from mano.persons.models import Comment
from mano.persons.services import person_create


@pytest.mark.django_db(transaction=True)
def test_status_changes_racing_with_comments_lose_no_comment(org_a):
    if connection.vendor == "sqlite":
        # The in-memory shared-cache test database answers "table is locked" at once instead of waiting, so
        # the threads would test the retries of the harness, not the agenda. CI runs this on PostgreSQL.
        pytest.skip("real row locks needed: runs on PostgreSQL")
    rounds = 15
    bob, alice = org_a["normal"], org_a["admin"]
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=[person], name="CAF", teams=[org_a.day], due_at=timezone.now()
    )
    barrier = threading.Barrier(4)
    lock = threading.Lock()
    changed: list[str] = []
    conflicts: list[str] = []
    written: list[str] = []
    errors: list[BaseException] = []

    def toggle(member, name: str) -> None:
        try:
            barrier.wait()
            for n in range(rounds):
                row = Action.objects.get(pk=action.pk)
                status = "done" if row.status == "todo" else "todo"
                time.sleep(0.001)  # widen the read-to-write window so that changes really interleave
                try:
                    action_set_status(
                        user=member.user,
                        keyring=member.keyring,
                        action=row,
                        status=status,
                        expected_version=row.version,
                    )
                except ConflictError:
                    with lock:
                        conflicts.append(f"{name}{n}")
                else:
                    with lock:
                        changed.append(status)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def comment(member, name: str) -> None:
        try:
            barrier.wait()
            for n in range(rounds):
                text = f"{name} {n}"
                row = Action.objects.get(pk=action.pk)
                action_comment_add(user=member.user, keyring=member.keyring, action=row, text=text)
                with lock:
                    written.append(text)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=toggle, args=(bob, "bob")),
        threading.Thread(target=toggle, args=(alice, "alice")),
        threading.Thread(target=comment, args=(bob, "bob")),
        threading.Thread(target=comment, args=(alice, "alice")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    kept = sorted(record_data(c, bob.keyring)["text"] for c in Comment.objects.filter(action_id=action.pk))
    assert kept == sorted(written) and len(kept) == 2 * rounds
    final = Action.objects.get(pk=action.pk)
    history = record_data(final, bob.keyring)["history"]
    status_lines = [h for h in history if "status" in (h.get("changes") or {})]
    assert len(status_lines) == len(changed) == final.version - 1
    assert len(changed) + len(conflicts) == 2 * rounds
    assert conflicts, "no status change ever raced another: the version check was not exercised"


@pytest.mark.django_db(transaction=True)
def test_two_writers_on_one_series_never_deadlock(org_a, monkeypatch):
    """An edit of "this one and the following ones" racing a change of the series' rule: one wins, the other
    gets the conflict page; before the lock order was fixed, PostgreSQL aborted one with "deadlock detected"."""
    if connection.vendor == "sqlite":
        pytest.skip("real row locks needed: runs on PostgreSQL")
    from datetime import date, datetime

    from mano.agenda import services
    from mano.agenda.recurrence import Rule
    from mano.agenda.reschedule import series_reschedule
    from mano.agenda.services import action_update

    bob = org_a["normal"]
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    first = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Maraude",
        teams=[org_a.day],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 9)),
        recurrence=Rule("day", 7, date(2027, 3, 29)),
    )[0]
    real = services.record_update

    def slow(*args, **kwargs):  # the edit holds its locks a while: the other writer comes in meanwhile
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "record_update", slow)
    outcomes: list[str] = []

    def run(write) -> None:
        try:
            row = Action.objects.get(pk=first.pk)
            write(row)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        except BaseException as exc:  # noqa: BLE001 - a deadlock is what this test is about
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    def edit(row: Action) -> None:
        action_update(
            user=bob.user,
            keyring=bob.keyring,
            action=row,
            expected_version=row.version,
            name="Renommée",
            teams=[org_a.day],
            due_at=row.due_at,
            with_time=False,
            urgent=False,
            description="",
            categories=[],
            status="todo",
            completed_at=None,
            scope="following",
        )

    def reschedule(row: Action) -> None:
        time.sleep(0.2)
        series_reschedule(
            user=bob.user,
            keyring=bob.keyring,
            action=row,
            expected_version=row.version,
            rule=Rule("day", 14, date(2027, 3, 29)),
        )

    threads = [threading.Thread(target=run, args=(edit,)), threading.Thread(target=run, args=(reschedule,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
