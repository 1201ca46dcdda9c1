"""Medical documents: files encrypted on disk with their own key (the persons' upload machinery), their row sealed
with K_health. They sit in a tree with two fixed folders, "Consultations" and "Traitements", and the free folders
of the medical file."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.medical.access import require_health
from mano.medical.models import MedicalDocument
from mano.medical.services.common import checked_person, link_of, subject_owner
from mano.medical.services.files import medical_file_ensure, medical_file_of
from mano.medical.vocabulary import FIXED_FOLDERS
from mano.persons.models import Person
from mano.persons.selectors.documents import file_path
from mano.persons.services.documents import EncryptedUpload

FOLDER_UNKNOWN = _("Ce dossier n’existe pas ou plus.")
FOLDER_NAME_REQUIRED = _("Le nom du dossier est obligatoire.")


def free_folders(user: User, keyring: Keyring, person: Person) -> list[dict[str, str]]:
    file = medical_file_of(keyring, person)
    return list(record_data(file, keyring).get("folders") or []) if file else []


def _check_folder(user: User, keyring: Keyring, person: Person, folder: str | None) -> str | None:
    if not folder or folder in FIXED_FOLDERS:
        return folder or None
    if folder not in {f["id"] for f in free_folders(user, keyring, person)}:
        raise ValidationError({"folder": FOLDER_UNKNOWN})
    return folder


@transaction.atomic
def medical_documents_add(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    uploads: list[EncryptedUpload],
    folder: str | None = None,
    subject: dict[str, Any] | None = None,
) -> list[MedicalDocument]:
    """One sealed row per accepted upload; on failure nothing is kept, files included."""
    person = checked_person(user, keyring, person)
    if any(u.error for u in uploads):
        raise ValueError("refused uploads cannot be saved")
    try:
        chosen = _check_folder(user, keyring, person, folder)
        owner = subject_owner(user, keyring, person, subject)
        if subject and not chosen:
            chosen = {"consultation": "consultations", "treatment": "treatments"}.get(subject.get("kind", ""))
        documents = []
        for upload in uploads:
            data = {
                "person": str(person.pk),
                "name": upload.name,
                "mime": upload.mime,
                "folder": chosen,
                "subject": subject,
                "file_key": base64.b64encode(upload.file_key).decode(),
            }
            documents.append(
                record_create(
                    MedicalDocument,
                    keyring=keyring,
                    organisation=person.organisation,
                    user=user,
                    data=data,
                    id=upload.document_id,
                    person_link=link_of(keyring, person),
                    size=upload.size,
                    storage_name=upload.storage_name,
                    only_visible_by_id=owner,
                )
            )
            upload.saved = True
    except BaseException:
        for upload in uploads:
            upload.saved = False
            upload.discard()
        raise
    return documents


def medical_document_delete(*, user: User, keyring: Keyring, document: MedicalDocument) -> None:
    """Soft-delete the row; the ciphertext file goes once the deletion is committed."""
    require_health(user, keyring, document.organisation_id)
    MedicalDocument.objects.filter(pk=document.pk, deleted_at=None).update(deleted_at=timezone.now(), updated_by=user)
    path = file_path(document.organisation_id, document.storage_name)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    audit(AuditAction.DOCUMENT_DELETE, organisation=user.organisation, actor=user, obj=document)


@transaction.atomic
def medical_folder_add(*, user: User, keyring: Keyring, person: Person, name: str) -> str:
    """A free folder of the medical documents tree (kept in the medical file); returns its id."""
    person = checked_person(user, keyring, person)
    name = name.strip()[:100]
    if not name:
        raise ValidationError({"name": FOLDER_NAME_REQUIRED})
    file = medical_file_ensure(user=user, keyring=keyring, person=person)
    data = record_data(file, keyring)
    folder_id = uuid.uuid4().hex
    data["folders"] = [*(data.get("folders") or []), {"id": folder_id, "name": name}]
    record_update(file, keyring=keyring, user=user, data=data, expected_version=file.version)
    return folder_id


@transaction.atomic
def medical_folder_delete(*, user: User, keyring: Keyring, person: Person, folder_id: str) -> None:
    """Remove a free folder; its documents move to the first level."""
    person = checked_person(user, keyring, person)
    file = medical_file_ensure(user=user, keyring=keyring, person=person)
    data = record_data(file, keyring)
    if folder_id not in {f["id"] for f in data.get("folders") or []}:
        raise ValidationError({"folder": FOLDER_UNKNOWN})
    data["folders"] = [f for f in data.get("folders") or [] if f["id"] != folder_id]
    record_update(file, keyring=keyring, user=user, data=data, expected_version=file.version)
    link = link_of(keyring, person)
    for document in MedicalDocument.objects.filter(
        organisation_id=person.organisation_id, person_link=link, deleted_at=None
    ):
        content = record_data(document, keyring)
        if content.get("folder") == folder_id:
            content["folder"] = None
            record_update(document, keyring=keyring, user=user, data=content, expected_version=document.version)
