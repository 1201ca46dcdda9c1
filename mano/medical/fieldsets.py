"""The medical field sets, edited with the person-field editor: the medical file's fields and the consultation types
(each type a group with its own fields). Their rows are health rows: inspecting or rewriting them needs K_health."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, ngettext

from mano.accounts.models import User
from mano.core.crypto import KeyKind, Keyring
from mano.core.models import EncryptedRecord
from mano.core.records import record_update
from mano.medical.index import medical_index_refresh
from mano.medical.models import Consultation, MedicalFile
from mano.persons import history
from mano.persons.fieldsets import FieldSet, payload_scan, register


def _file_payloads(user: User, keyring: Keyring) -> Iterator[tuple[EncryptedRecord, dict[str, Any]]]:
    return payload_scan(
        MedicalFile.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None), keyring
    )


def _consultation_payloads(user: User, keyring: Keyring) -> Iterator[tuple[EncryptedRecord, dict[str, Any]]]:
    rows = Consultation.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)
    return payload_scan(rows, keyring)


def _files_updated(count: int) -> str:
    if count == 0:
        return gettext("aucun dossier médical n’avait ce choix")
    return ngettext("%(count)s dossier médical mis à jour", "%(count)s dossiers médicaux mis à jour", count) % {
        "count": count
    }


def _consultations_updated(count: int) -> str:
    if count == 0:
        return gettext("aucune consultation n’avait ce choix")
    return ngettext("%(count)s consultation mise à jour", "%(count)s consultations mises à jour", count) % {
        "count": count
    }


def _rename_type(user: User, keyring: Keyring, old: str, new: str) -> int:
    """Every consultation of type `old` becomes `new`, with a history line; inside the editor's transaction."""
    renamed, links = 0, set()
    for row, data in _consultation_payloads(user, keyring):
        if data.get("type") != old:
            continue
        data["type"] = new
        history.append(data, history.entry(user, changes={"type": [old, new]}))
        saved = record_update(row, keyring=keyring, user=user, data=data, expected_version=row.version)
        links.add(saved.person_link)  # type: ignore[attr-defined]
        renamed += 1
    medical_index_refresh(user.member_organisation_id, keyring, links)  # the type is searched
    return renamed


MEDICAL_FIELDS = register(
    FieldSet(
        part="medical_fields",
        column="medical_field_groups",
        namespace="medical-fields",
        settings_url="medical:settings",
        payloads=_file_payloads,
        key_kind=KeyKind.HEALTH,
        updated_text=_files_updated,
    )
)

CONSULTATION_TYPES = register(
    FieldSet(
        part="consultation_types",
        column="consultation_types",
        namespace="consultation-types",
        settings_url="medical:settings",
        payloads=_consultation_payloads,
        key_kind=KeyKind.HEALTH,
        updated_text=_consultations_updated,
        archive_groups=True,
        rename_group=_rename_type,
    )
)
