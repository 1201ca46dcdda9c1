"""Merges and deletions of persons reach their health rows.

Only a session holding K_health can find a person's health rows (their link is an HMAC under it). When a health
professional merges or deletes, the rows follow at once; when someone else does, a PendingHealthChange is
written for every merge or deletion (so it says nothing about health data) and the next request of a health
professional of the organisation carries it out before anything medical is shown.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from mano.accounts.models import User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import DecryptionError, Keyring
from mano.core.records import ConflictError, record_data, record_update
from mano.medical import words
from mano.medical.access import is_health, person_link
from mano.medical.index import medical_index_refresh
from mano.medical.models import (
    Consultation,
    MedicalComment,
    MedicalDocument,
    MedicalFile,
    PendingHealthChange,
    PendingKind,
    Treatment,
)
from mano.persons import history
from mano.persons.models import Person

MOVABLE = (Consultation, Treatment, MedicalComment, MedicalDocument)


def _rows(model: Any, organisation_id: Any, link: str) -> Any:
    return model.objects.filter(organisation_id=organisation_id, person_link=link, deleted_at=None)


def purge_person(*, user: User, keyring: Keyring, person_id: Any) -> None:
    """Every health row of a deleted person is deleted too."""
    link, now = person_link(keyring, person_id), timezone.now()
    words.WORDS.drop(user.member_organisation_id, keyring, _rows(Consultation, user.member_organisation_id, link))
    for model in (*MOVABLE, MedicalFile):
        _rows(model, user.member_organisation_id, link).update(deleted_at=now, updated_by=user)
    medical_index_refresh(user.member_organisation_id, keyring, [link])


def _merge_files(user: User, keyring: Keyring, kept: MedicalFile, other: MedicalFile) -> None:
    """Empty values of the kept file take the other's; where both differ, the kept value stays and the other one
    is written in the history, so nothing is lost and a health professional can choose."""
    data, theirs = record_data(kept, keyring), record_data(other, keyring)
    mine = data.setdefault("custom", {})
    conflicts = {}
    for key, value in (theirs.get("custom") or {}).items():
        if mine.get(key) in (None, "", []):
            mine[key] = value
        elif value not in (None, "", []) and value != mine[key]:
            conflicts[f"custom.{key}"] = [value, mine[key]]
    data["folders"] = [*(data.get("folders") or []), *(theirs.get("folders") or [])]
    data["history"] = sorted([*(data.get("history") or []), *(theirs.get("history") or [])], key=lambda e: e["at"])
    history.append(data, history.entry(user, kind="merge", changes=conflicts))
    record_update(kept, keyring=keyring, user=user, data=data, expected_version=kept.version)
    MedicalFile.objects.filter(pk=other.pk).update(deleted_at=timezone.now(), updated_by=user)


def move_person(*, user: User, keyring: Keyring, person_id: Any, into_id: Any) -> None:
    """The health rows of `person_id` (merged away) now belong to `into_id`; two medical files become one."""
    old, new = person_link(keyring, person_id), person_link(keyring, into_id)
    _move_rows(user, keyring, old, new, into_id)
    medical_index_refresh(user.member_organisation_id, keyring, [old, new])


def _move_rows(user: User, keyring: Keyring, old: str, new: str, into_id: Any) -> None:
    for model in MOVABLE:
        for row in _rows(model, user.member_organisation_id, old):
            data = record_data(row, keyring)
            data["person"] = str(into_id)
            record_update(row, keyring=keyring, user=user, data=data, expected_version=row.version, person_link=new)
    moved = _rows(MedicalFile, user.member_organisation_id, old).first()
    if moved is None:
        return
    kept = _rows(MedicalFile, user.member_organisation_id, new).first()
    if kept is not None:
        _merge_files(user, keyring, kept, moved)
        return
    data = record_data(moved, keyring)
    data["person"] = str(into_id)
    record_update(moved, keyring=keyring, user=user, data=data, expected_version=moved.version, person_link=new)


@transaction.atomic
def run_pending(*, user: User, keyring: Keyring) -> int:
    """Carry out the organisation's pending merges and deletions, oldest first; returns how many were done.

    Each change runs in its own savepoint: one that fails (a row saved meanwhile, an unreadable row) stays queued
    for the next request, is audited, and never blocks the medical pages or the changes after it."""
    if not is_health(user, keyring):
        return 0
    pending = list(
        PendingHealthChange.objects.select_for_update(skip_locked=True)
        .filter(organisation_id=user.member_organisation_id)
        .order_by("created_at", "id")
    )
    done = []
    for change in pending:
        try:
            with transaction.atomic():
                _carry_out(change, user, keyring)
        except (ConflictError, DecryptionError):
            audit(AuditAction.DECRYPTION_FAILURE, organisation=user.organisation, actor=user, pending=str(change.pk))
            break  # keep the order: what follows may depend on this one
        done.append(change.pk)
    PendingHealthChange.objects.filter(pk__in=done).delete()
    return len(done)


def _carry_out(change: PendingHealthChange, user: User, keyring: Keyring) -> None:
    if change.kind == PendingKind.MERGE:
        move_person(user=user, keyring=keyring, person_id=change.person_id, into_id=change.into_id)
    else:
        purge_person(user=user, keyring=keyring, person_id=change.person_id)


def on_merge(*, kept: Person, other: Person, user: User, keyring: Keyring) -> None:
    if is_health(user, keyring):
        run_pending(user=user, keyring=keyring)  # earlier merges and deletions first, in their order
        move_person(user=user, keyring=keyring, person_id=other.pk, into_id=kept.pk)
    else:
        PendingHealthChange.objects.create(
            organisation_id=user.member_organisation_id, kind=PendingKind.MERGE, person_id=other.pk, into_id=kept.pk
        )


def on_delete(*, person: Person, user: User, keyring: Keyring) -> None:
    if is_health(user, keyring):
        run_pending(user=user, keyring=keyring)
        purge_person(user=user, keyring=keyring, person_id=person.pk)
    else:
        PendingHealthChange.objects.create(
            organisation_id=user.member_organisation_id, kind=PendingKind.DELETE, person_id=person.pk
        )
