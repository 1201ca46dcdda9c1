"""The easy path for encrypted rows: create, version-checked update, decrypt."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, Field
from django.utils import timezone

from mano.core.crypto import Envelope, Keyring, decrypt_record, encrypt_record
from mano.core.models import EncryptedRecord

R = TypeVar("R", bound=EncryptedRecord)


class ConflictError(Exception):
    """Someone saved this row since it was read; nothing was written."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__("Version conflict")
        self.current_version = current_version


def _seal(record: EncryptedRecord, keyring: Keyring, data: dict[str, Any]) -> None:
    record.payload, record.key_version = encrypt_record(
        keyring,
        kind=record.KEY_KIND,
        table=record._meta.db_table,
        row_id=record.pk,
        org_id=record.organisation_id,
        data=data,
    )


def record_create(
    model: type[R], *, keyring: Keyring, organisation: Any, user: Any, data: dict[str, Any], **plain: Any
) -> R:
    """Encrypt `data` for a new row of `model` and insert it (version 1)."""
    record = records_build(model, keyring=keyring, organisation=organisation, user=user, data=data, **plain)
    record.save(force_insert=True)
    return record


def record_update(
    record: R, *, keyring: Keyring, user: Any, data: dict[str, Any], expected_version: int, **plain: Any
) -> R:
    """Re-encrypt and save only if the row still has `expected_version`, else ConflictError.

    Refuses a row of another organisation: the caller's key would make it unreadable for its owners."""
    if getattr(user, "organisation_id", record.organisation_id) != record.organisation_id:
        raise PermissionDenied("Record of another organisation")
    _seal(record, keyring, data)
    manager = type(record)._default_manager  # `objects`: no record model declares another manager
    updated = manager.filter(pk=record.pk, version=expected_version, deleted_at=None).update(
        payload=record.payload,
        key_version=record.key_version,
        version=F("version") + 1,
        updated_at=timezone.now(),
        updated_by=user,
        **plain,
    )
    if updated != 1:
        current = manager.filter(pk=record.pk).values_list("version", flat=True).first()
        raise ConflictError(current)
    record.refresh_from_db()
    return record


def record_data(record: EncryptedRecord, keyring: Keyring) -> dict[str, Any]:
    """Decrypt one row; raises DecryptionError when the envelope does not belong here."""
    return payload_data(
        type(record), keyring, row_id=record.pk, organisation_id=record.organisation_id, payload=record.payload
    )


def payload_data(
    model: type[EncryptedRecord], keyring: Keyring, *, row_id: Any, organisation_id: Any, payload: Envelope
) -> dict[str, Any]:
    """Decrypt a row's payload read without its model (values_list), for scans of thousands of rows."""
    return decrypt_record(keyring, table=model._meta.db_table, row_id=row_id, org_id=organisation_id, envelope=payload)


def records_data(records: Iterable[R], keyring: Keyring) -> list[tuple[R, dict[str, Any]]]:
    """Decrypt the rows a page shows, and only those."""
    return [(r, record_data(r, keyring)) for r in records]


def records_build(
    model: type[R], *, keyring: Keyring, organisation: Any, user: Any, data: dict[str, Any], **plain: Any
) -> R:
    """An encrypted, unsaved row, for bulk inserts (seeding, imports): the same envelope as record_create."""
    plain.setdefault("id", uuid.uuid4())  # documents fix it beforehand: their file is bound to it
    record = model(organisation=organisation, created_by=user, updated_by=user, **plain)
    _seal(record, keyring, data)
    return record


PROTECTED_COLUMNS = frozenset({"id", "organisation", "organisation_id", "version", "payload", "key_version"})


def _column(model: type[EncryptedRecord], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a column of the model, not a reverse relation
    return field


def records_rewrite(
    rows: list[tuple[R, dict[str, Any]]], *, keyring: Keyring, user: Any, fields: Iterable[str] = ()
) -> None:
    """Re-encrypt many rows of one model with one prepared UPDATE run for each: for rows the caller has locked
    (select_for_update) in its transaction, so no version check is needed; each version still goes up by one.
    `fields`: plain columns the caller changed on the rows and that must be written too. A row of another
    organisation or deleted meanwhile writes nothing (ConflictError, the caller's transaction rolls back).

    Not bulk_update: its CASE WHEN expressions cost Django ~2 ms a row to build (4.1 s for 1,826 rows)."""
    if not rows:
        return
    model = type(rows[0][0])
    organisation_id = user.organisation_id
    if organisation_id is None or any(type(r) is not model or r.organisation_id != organisation_id for r, _ in rows):
        raise PermissionDenied("Record of another organisation")
    if PROTECTED_COLUMNS & set(fields):
        raise ValueError("records_rewrite never writes identity or version columns")
    now = timezone.now()
    written = [_column(model, name) for name in ("payload", "key_version", "updated_at", "updated_by", *fields)]
    key, owner = _column(model, "id"), _column(model, "organisation")
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in written)
    # Only quoted names from the model's own metadata go into the text; every value is a parameter.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {sets}, version = version + 1 "  # noqa: S608
        f"WHERE {quote(str(key.column))} = %s AND {quote(str(owner.column))} = %s AND deleted_at IS NULL"
    )
    params = []
    owner_value = owner.get_db_prep_save(organisation_id, connection)
    for record, data in rows:
        _seal(record, keyring, data)
        record.version += 1
        record.updated_at, record.updated_by = now, user
        values = [f.get_db_prep_save(getattr(record, f.attname), connection) for f in written]
        params.append([*values, key.get_db_prep_save(record.pk, connection), owner_value])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        if cursor.rowcount not in (-1, len(rows)):  # both drivers sum the rows of executemany
            raise ConflictError(None)
