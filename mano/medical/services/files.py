"""The medical file of a person: its custom fields, with a history of every change."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.records import ConflictError, record_create, record_data, record_update
from mano.medical import stats
from mano.medical.models import MedicalFile
from mano.medical.services.common import checked_person, link_of
from mano.persons import history
from mano.persons.models import Person


def medical_file_of(keyring: Keyring, person: Person) -> MedicalFile | None:
    return MedicalFile.objects.filter(
        organisation_id=person.organisation_id, person_link=link_of(keyring, person), deleted_at=None
    ).first()


@transaction.atomic
def medical_file_save(
    *, user: User, keyring: Keyring, person: Person, custom: dict[str, Any], expected_version: int
) -> MedicalFile:
    """Write the medical file's custom values (only the keys given change), with a history line old ➔ new.

    `expected_version` 0 means the form was built when the person had no medical file yet: if a colleague created
    one meanwhile, this is a conflict like any stale version."""
    person = checked_person(user, keyring, person)
    current = medical_file_of(keyring, person)
    if current is None and expected_version != 0 or current is not None and current.version != expected_version:
        raise ConflictError(current.version if current else None)
    empty: dict[str, Any] = {"person": str(person.pk), "custom": {}, "history": []}
    data = record_data(current, keyring) if current else empty
    before: dict[str, Any] = dict(data.get("custom") or {})
    after = {**before, **custom}
    changes = {f"custom.{k}": v for k, v in history.diff(before, after, list(custom)).items()}
    data["custom"] = after
    if changes:
        history.append(data, history.entry(user, changes=changes))
    if current is None:
        try:
            with transaction.atomic():
                saved = record_create(
                    MedicalFile,
                    keyring=keyring,
                    organisation=person.organisation,
                    user=user,
                    data=data,
                    person_link=link_of(keyring, person),
                )
        except IntegrityError as exc:  # created by a colleague between the read and the insert
            raise ConflictError(None) from exc
    else:
        saved = record_update(current, keyring=keyring, user=user, data=data, expected_version=expected_version)
    stats.refresh(saved.organisation_id, keyring, [saved.person_link])
    return saved


def medical_file_ensure(*, user: User, keyring: Keyring, person: Person) -> MedicalFile:
    """The person's medical file, created empty when missing (free document folders hang on it)."""
    current = medical_file_of(keyring, person)
    if current is not None:
        return current
    try:
        return medical_file_save(user=user, keyring=keyring, person=person, custom={}, expected_version=0)
    except ConflictError:
        found = medical_file_of(keyring, person)
        assert found is not None
        return found
