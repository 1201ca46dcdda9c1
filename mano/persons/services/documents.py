"""Writes on documents and folders: files encrypted while they arrive, rows under K_general, audited deletions.

Uploads use `EncryptingUploadHandler` instead of Django's memory and temporary-file handlers. Each file is
encrypted chunk by chunk (libsodium secretstream, per-file key) straight into `MANO_DOCUMENTS_DIR`, so
plaintext never touches the disk (Django would spool uploads over 5 MB to /tmp) and never sits whole in
memory (one 64 KiB chunk at a time). The per-file key then goes into the document's encrypted payload.
"""

from __future__ import annotations

import base64
import os
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import FileEncryptor, Keyring, new_file_key
from mano.core.records import record_create, record_data, record_update
from mano.persons.models import Document, DocumentFolder, Person
from mano.persons.selectors.documents import (
    FILE_TYPES,
    DocumentItem,
    FolderItem,
    extension,
    file_path,
    folder_choices,
    person_folders,
)
from mano.persons.services.access import require
from mano.persons.services.persons import person_touch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_FILES = 20
NAME_MAX = 200
HEAD_BYTES = 1024
TOO_BIG = _("« %(name)s » dépasse %(limit)s Mo.")
TYPE_REFUSED = _("Type de fichier non accepté : « %(name)s ».")
CONTENT_MISMATCH = _("Le contenu de « %(name)s » ne correspond pas à son type : il n’a pas été enregistré.")
EMPTY_FILE = _("« %(name)s » est vide.")
TOO_MANY = _("Pas plus de %(count)s fichiers à la fois : « %(name)s » n’a pas été enregistré.")
INTERRUPTED = _("L’envoi de « %(name)s » a été interrompu.")
NAME_REQUIRED = _("Le nom est obligatoire.")
FOLDER_UNKNOWN = _("Ce dossier n’existe pas ou plus.")
FOLDER_LOOP = _("Un dossier ne peut pas être rangé dans lui-même ni dans un de ses sous-dossiers.")


def clean_name(name: str, limit: int = NAME_MAX) -> str:
    """Printable, trimmed, and at most `limit` characters, keeping the extension."""
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) <= limit:
        return name
    ext = extension(name)
    keep = f".{ext}" if ext and len(ext) < 10 else ""
    return name[: limit - len(keep)] + keep


@dataclass(eq=False)
class EncryptedUpload:
    """One file of an upload batch: encrypted on disk under `document_id`, or refused with `error`."""

    name: str
    organisation_id: UUID
    document_id: UUID = field(default_factory=uuid.uuid4)
    storage_name: str = field(default_factory=lambda: secrets.token_hex(30))
    file_key: bytes = field(default_factory=new_file_key, repr=False)
    mime: str = ""
    size: int = 0
    error: str = ""
    saved: bool = False
    _out: IO[bytes] | None = field(default=None, repr=False)
    _encryptor: FileEncryptor | None = field(default=None, repr=False)
    _head: bytes = field(default=b"", repr=False)

    @property
    def path(self) -> Path:
        return file_path(self.organisation_id, self.storage_name)

    def open(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(descriptor, "wb")
        self._encryptor = FileEncryptor(self.file_key, document_id=self.document_id, org_id=self.organisation_id)
        self._out.write(self._encryptor.start())

    def write(self, chunk: bytes) -> None:
        assert self._out is not None and self._encryptor is not None
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
            if len(self._head) >= HEAD_BYTES:
                self._check_head()
        if not self.error:
            self._out.write(self._encryptor.update(chunk))

    def finish(self) -> None:
        if self.error or self._out is None or self._encryptor is None:
            return
        if self.size == 0:
            self.refuse(EMPTY_FILE)
            return
        if len(self._head) < HEAD_BYTES:
            self._check_head()
        if not self.error:
            self._out.write(self._encryptor.finish())
            self._out.close()
            self._out = None

    def refuse(self, message: StrOrPromise, **extra: object) -> None:
        """Mark the file refused and remove whatever ciphertext was written."""
        self.error = self.error or str(message) % {"name": self.name, **extra}
        self.discard()

    def discard(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        if self._encryptor is not None:
            self.path.unlink(missing_ok=True)
        self._encryptor = None

    def _check_head(self) -> None:
        if not FILE_TYPES[extension(self.name)].sniff(self._head):
            self.refuse(CONTENT_MISMATCH)


class EncryptingUploadHandler(FileUploadHandler):
    """The only upload handler of the upload view: each file is checked and encrypted while it arrives.

    Type (extension, then first bytes), size and batch limits refuse a file as soon as they are known,
    and its partial ciphertext is removed. `uploads` lists every file of the request, refused ones
    included; `discard_unsaved()` removes what no document row took.
    """

    def __init__(self, request: HttpRequest, *, organisation_id: UUID, max_bytes: int) -> None:
        super().__init__(request)
        self.organisation_id = organisation_id
        self.max_bytes = max_bytes
        self.uploads: list[EncryptedUpload] = []

    @property
    def limit_mb(self) -> int:
        return self.max_bytes // (1024 * 1024)

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        upload = EncryptedUpload(name=clean_name(file_name), organisation_id=self.organisation_id)
        self.uploads.append(upload)
        kind = FILE_TYPES.get(extension(upload.name))
        if len(self.uploads) > MAX_FILES:
            upload.refuse(TOO_MANY, count=MAX_FILES)
        elif kind is None:
            upload.refuse(TYPE_REFUSED)
        elif self.content_length is not None and self.content_length > self.max_bytes:
            upload.refuse(TOO_BIG, limit=self.limit_mb)
        else:
            upload.mime = kind.mime
            upload.open()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        upload = self.uploads[-1]
        if upload.error:
            return None
        upload.size += len(raw_data)
        if upload.size > self.max_bytes:
            upload.refuse(TOO_BIG, limit=self.limit_mb)
        else:
            upload.write(raw_data)
        return None

    # Django puts whatever this returns into request.FILES; ours holds ciphertext on disk, not an UploadedFile.
    def file_complete(self, file_size: int) -> EncryptedUpload:  # type: ignore[override]
        upload = self.uploads[-1]
        upload.finish()
        return upload

    def upload_interrupted(self) -> None:
        if self.uploads and not self.uploads[-1].error:
            self.uploads[-1].refuse(INTERRUPTED)

    def discard_unsaved(self) -> None:
        for upload in self.uploads:
            if not upload.saved:
                upload.discard()


def _check_folder(person: Person, folder_id: str | None) -> str | None:
    if not folder_id:
        return None
    if not DocumentFolder.objects.filter(pk=folder_id, person=person, deleted_at=None).exists():
        raise ValidationError({"folder": FOLDER_UNKNOWN})
    return str(folder_id)


@transaction.atomic
def documents_add(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    uploads: list[EncryptedUpload],
    folder_id: str | None = None,
    family: bool = False,
) -> list[Document]:
    """One encrypted row per accepted upload (refused ones are never passed here). On any failure the
    transaction rolls back and the batch's files are removed, so no row lacks its file and no file its row."""
    require(user, person.organisation_id)
    if any(u.error for u in uploads):
        raise ValueError("refused uploads cannot be saved")
    try:
        folder = _check_folder(person, folder_id)
        documents = []
        for upload in uploads:
            data = {
                "name": upload.name,
                "mime": upload.mime,
                "folder": folder,
                "family": family,
                "file_key": base64.b64encode(upload.file_key).decode(),
            }
            documents.append(
                record_create(
                    Document,
                    keyring=keyring,
                    organisation=person.organisation,
                    user=user,
                    data=data,
                    id=upload.document_id,
                    person=person,
                    size=upload.size,
                    storage_name=upload.storage_name,
                )
            )
            upload.saved = True
        person_touch(person)
    except BaseException:
        for upload in uploads:
            upload.saved = False
            upload.discard()
        raise
    return documents


def document_create(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    name: str,
    chunks: Iterable[bytes],
    folder_id: str | None = None,
    family: bool = False,
) -> Document:
    """One document from bytes already in hand (imports, tests), with the same checks as an upload."""
    require(user, person.organisation_id)
    upload = EncryptedUpload(name=clean_name(name), organisation_id=person.organisation_id)
    kind = FILE_TYPES.get(extension(upload.name))
    if kind is None:
        raise ValidationError({"files": TYPE_REFUSED % {"name": upload.name}})
    upload.mime = kind.mime
    upload.open()
    try:
        for chunk in chunks:
            upload.size += len(chunk)
            if upload.size > settings.MANO_DOCUMENT_MAX_BYTES:
                upload.refuse(TOO_BIG, limit=settings.MANO_DOCUMENT_MAX_BYTES // (1024 * 1024))
                break
            upload.write(chunk)
        upload.finish()
        if upload.error:
            raise ValidationError({"files": upload.error})
        (document,) = documents_add(
            user=user, keyring=keyring, person=person, uploads=[upload], folder_id=folder_id, family=family
        )
    finally:
        if not upload.saved:
            upload.discard()
    return document


@transaction.atomic
def document_update(
    *,
    user: User,
    keyring: Keyring,
    item: DocumentItem,
    expected_version: int,
    name: str,
    folder_id: str | None,
    family: bool,
) -> Document:
    """Rename, move to a folder, or flag as a family document; ConflictError if someone saved it meanwhile."""
    require(user, item.document.organisation_id)
    name = clean_name(name)
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    document = item.document
    data = record_data(document, keyring)
    data.update(name=name, folder=_check_folder(document.person, folder_id), family=family)
    return record_update(document, keyring=keyring, user=user, data=data, expected_version=expected_version)


@transaction.atomic
def document_delete(*, user: User, item: DocumentItem, request: HttpRequest | None = None) -> None:
    """Soft-delete the row; the ciphertext file is removed once the deletion is committed."""
    require(user, item.document.organisation_id)
    document = item.document
    Document.objects.filter(pk=document.pk, deleted_at=None).update(
        deleted_at=timezone.now(), updated_by=user, updated_at=timezone.now()
    )
    path = file_path(document.organisation_id, document.storage_name)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    audit(
        AuditAction.DOCUMENT_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=document.person,
        document=str(document.pk),
    )


def _check_parent(person: Person, keyring: Keyring, folder_id: UUID | None, parent_id: str | None) -> str | None:
    if not parent_id:
        return None
    allowed = {pk for pk, _ in folder_choices(person_folders(keyring=keyring, person=person), exclude=folder_id)}
    if str(parent_id) not in allowed:
        known = DocumentFolder.objects.filter(pk=parent_id, person=person, deleted_at=None).exists()
        raise ValidationError({"parent": FOLDER_LOOP if known else FOLDER_UNKNOWN})
    return str(parent_id)


@transaction.atomic
def folder_create(
    *, user: User, keyring: Keyring, person: Person, name: str, parent_id: str | None = None
) -> DocumentFolder:
    """A folder of the person's documents, optionally inside another one."""
    require(user, person.organisation_id)
    name = clean_name(name, 100)
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    data = {"name": name, "parent": _check_parent(person, keyring, None, parent_id)}
    return record_create(
        DocumentFolder, keyring=keyring, organisation=person.organisation, user=user, data=data, person=person
    )


@transaction.atomic
def folder_update(
    *, user: User, keyring: Keyring, item: FolderItem, expected_version: int, name: str, parent_id: str | None
) -> DocumentFolder:
    """Rename or move a folder (never into itself or below itself); ConflictError on a stale version."""
    require(user, item.folder.organisation_id)
    name = clean_name(name, 100)
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    folder = item.folder
    data = record_data(folder, keyring)
    data.update(name=name, parent=_check_parent(folder.person, keyring, folder.pk, parent_id))
    return record_update(folder, keyring=keyring, user=user, data=data, expected_version=expected_version)


@transaction.atomic
def folder_delete(
    *, user: User, keyring: Keyring, item: FolderItem, expected_version: int, request: HttpRequest | None = None
) -> int:
    """Delete a folder and move what it holds (documents and sub-folders) to its parent, so nothing is lost.

    Returns how many items moved. ConflictError (nothing changed) if the folder or an item moved meanwhile.
    """
    require(user, item.folder.organisation_id)
    folder = item.folder
    record_update(
        folder, keyring=keyring, user=user, data=record_data(folder, keyring), expected_version=expected_version
    )
    moved = 0
    children: list[Document | DocumentFolder] = [
        *Document.objects.filter(person_id=folder.person_id, deleted_at=None),
        *DocumentFolder.objects.filter(person_id=folder.person_id, deleted_at=None).exclude(pk=folder.pk),
    ]
    for child in children:
        data = record_data(child, keyring)
        key = "folder" if isinstance(child, Document) else "parent"
        if data.get(key) == str(folder.pk):
            data[key] = item.parent
            record_update(child, keyring=keyring, user=user, data=data, expected_version=child.version)
            moved += 1
    DocumentFolder.objects.filter(pk=folder.pk).update(deleted_at=timezone.now(), updated_by=user)
    audit(
        AuditAction.RECORD_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=folder.person,
        folder=str(folder.pk),
        change="folder_delete",
        moved=moved,
    )
    return moved
