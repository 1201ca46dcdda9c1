"""Reads for the documents section: a person's folders and documents, family documents, decrypted file streams.

Files live in `MANO_DOCUMENTS_DIR/<organisation id>/<storage name>`, encrypted with a per-file key that is
stored only inside the document's encrypted payload (so K_general protects it).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from mano.accounts.models import User
from mano.core.crypto import DecryptionError, Keyring, decrypt_file
from mano.core.records import record_data
from mano.persons.models import Document, DocumentFolder, Person
from mano.persons.selectors.families import page_family_others
from mano.persons.selectors.persons import PersonView, person_get

PREVIEW_MIMES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})
_STORAGE_NAME = re.compile(r"[0-9a-f]{60}")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file: its mime type, and a cheap check of its first bytes (magic number)."""

    mime: str
    sniff: Callable[[bytes], bool]


def _jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:1024]  # readers tolerate a little junk before the signature


def _text(head: bytes) -> bool:
    return b"\x00" not in head


def _zip(head: bytes) -> bool:
    return head.startswith(_ZIP)


FILE_TYPES: dict[str, FileType] = {
    "jpg": FileType("image/jpeg", _jpeg),
    "jpeg": FileType("image/jpeg", _jpeg),
    "png": FileType("image/png", _png),
    "webp": FileType("image/webp", _webp),
    "heic": FileType("image/heic", _heif),
    "heif": FileType("image/heif", _heif),
    "pdf": FileType("application/pdf", _pdf),
    "txt": FileType("text/plain", _text),
    "csv": FileType("text/csv", _text),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip),
    "odt": FileType("application/vnd.oasis.opendocument.text", _zip),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _zip),
}
EXTENSIONS = {t.mime: ext for ext, t in reversed(FILE_TYPES.items())}
# image/* lets phones offer the camera as well as the gallery and files (no `capture`, which would force it).
ACCEPT = "image/*,.heic,.heif,application/pdf,.pdf,text/plain,.txt,.csv,.docx,.xlsx,.odt,.ods"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


class StoredFile(Protocol):
    """What serving a decrypted file needs: a person document, or a medical one."""

    @property
    def document(self) -> Any: ...  # a row with pk, organisation_id and storage_name
    @property
    def name(self) -> str: ...
    @property
    def mime(self) -> str: ...
    @property
    def file_key(self) -> bytes: ...
    @property
    def preview(self) -> bool: ...
    @property
    def is_image(self) -> bool: ...


def download_name(item: StoredFile) -> str:
    """The decrypted name, with the extension of its type put back if a rename dropped it."""
    wanted = EXTENSIONS.get(item.mime)
    current = FILE_TYPES.get(extension(item.name))
    if wanted is None or (current is not None and current.mime == item.mime):
        return item.name
    return f"{item.name}.{wanted}"


class MimeFlags:
    """How a decrypted document opens, from its `mime`."""

    mime: str

    @property
    def preview(self) -> bool:
        return self.mime in PREVIEW_MIMES

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class DocumentItem(MimeFlags):
    """A decrypted document. `file_key` never reaches a template (repr=False, no accessor in them)."""

    document: Document
    name: str
    mime: str
    folder: str | None
    family: bool
    file_key: bytes = field(repr=False)

    @property
    def pk(self) -> UUID:
        return self.document.pk

    @property
    def person_id(self) -> UUID:
        return self.document.person_id

    @property
    def created_at(self) -> datetime:
        return self.document.created_at

    @property
    def created_by(self) -> User | None:
        return self.document.created_by


@dataclass(frozen=True)
class FolderItem:
    folder: DocumentFolder
    name: str
    parent: str | None

    @property
    def pk(self) -> UUID:
        return self.folder.pk


@dataclass
class FolderNode:
    """A folder of the tree (the root has no folder) with its sub-folders and documents."""

    item: FolderItem | None
    folders: list[FolderNode] = field(default_factory=list)
    documents: list[DocumentItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.folders) + len(self.documents)


def file_path(organisation_id: object, storage_name: str) -> Path:
    """Where a document's ciphertext lives. A storage name that is not ours (tampered row) does not open."""
    if not _STORAGE_NAME.fullmatch(storage_name):
        raise DecryptionError("file")
    return Path(settings.MANO_DOCUMENTS_DIR) / str(organisation_id) / storage_name


def _document_item(document: Document, keyring: Keyring) -> DocumentItem:
    data = record_data(document, keyring)
    return DocumentItem(
        document=document,
        name=str(data.get("name") or ""),
        mime=str(data.get("mime") or "application/octet-stream"),
        folder=data.get("folder") or None,
        family=bool(data.get("family")),
        file_key=base64.b64decode(data.get("file_key") or ""),
    )


def _folder_item(folder: DocumentFolder, keyring: Keyring) -> FolderItem:
    data = record_data(folder, keyring)
    return FolderItem(folder=folder, name=str(data.get("name") or ""), parent=data.get("parent") or None)


def _documents(person_ids: Iterable[UUID]) -> QuerySet[Document]:
    return (
        Document.objects.filter(person_id__in=list(person_ids), deleted_at=None)
        .select_related("created_by")
        .order_by("-created_at", "id")
    )


def person_documents(*, keyring: Keyring, person: Person) -> list[DocumentItem]:
    """Every live document of one person, newest first."""
    return [_document_item(d, keyring) for d in _documents([person.pk]).filter(organisation_id=person.organisation_id)]


def person_folders(*, keyring: Keyring, person: Person) -> list[FolderItem]:
    """Every live folder of one person, by name."""
    rows = DocumentFolder.objects.filter(person=person, organisation_id=person.organisation_id, deleted_at=None)
    return sorted((_folder_item(f, keyring) for f in rows), key=lambda f: f.name.casefold())


def documents_for_persons(
    person_ids: Iterable[UUID], keyring: Keyring, *, organisation_id: UUID | None = None, family_only: bool = True
) -> list[DocumentItem]:
    """The live documents of several persons (by default only those flagged "Document familial"), newest first.

    For the families feature: show a family's documents on every member's page. Pass `organisation_id`
    (the reader's organisation) to scope the query; without it, a row of another organisation would not
    decrypt with `keyring` and raise DecryptionError rather than show anything.
    """
    rows = _documents(person_ids)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    items = [_document_item(d, keyring) for d in rows]
    return [item for item in items if item.family] if family_only else items


def family_documents(*, user: User, keyring: Keyring, others: list[UUID]) -> list[tuple[str, DocumentItem]]:
    """(owner's name, document) for the family-flagged documents of the person's other family members (`others`,
    from `persons.selectors.families.page_family_others`)."""
    if not others:
        return []
    items = documents_for_persons(others, keyring, organisation_id=user.organisation_id)
    owners = Person.objects.filter(pk__in={i.person_id for i in items}, organisation_id=user.member_organisation_id)
    names = {p.pk: str(record_data(p, keyring).get("name") or "") for p in owners.filter(deleted_at=None)}
    return [(names[i.person_id], i) for i in items if i.person_id in names]


def _parent(item: FolderItem, by_id: dict[str, FolderItem]) -> str | None:
    """The parent to show: None when it is missing or when the chain loops (only a corrupted tree does)."""
    seen = {str(item.pk)}
    parent = item.parent
    while parent in by_id:
        if parent in seen:
            return None
        seen.add(parent)
        parent = by_id[parent].parent
    return item.parent if item.parent in by_id else None


def document_tree(folders: list[FolderItem], documents: list[DocumentItem]) -> FolderNode:
    """Folders nested under their parents, documents in their folder (or at the root when it is gone)."""
    by_id = {str(f.pk): f for f in folders}
    nodes = {key: FolderNode(item) for key, item in by_id.items()}
    root = FolderNode(None)
    for key, item in by_id.items():
        parent = _parent(item, by_id)
        (nodes[parent] if parent else root).folders.append(nodes[key])
    for document in documents:
        (nodes.get(document.folder or "") or root).documents.append(document)
    return root


def folder_choices(folders: list[FolderItem], *, exclude: UUID | None = None) -> list[tuple[str, str]]:
    """(id, "Parent / Child") for the folder selects; `exclude` drops a folder and everything under it."""
    by_id = {str(f.pk): f for f in folders}
    choices = []
    for item in folders:
        chain = [item]
        while (parent := _parent(chain[-1], by_id)) is not None:
            chain.append(by_id[parent])
        if exclude is not None and any(f.pk == exclude for f in chain):
            continue
        choices.append((str(item.pk), " / ".join(f.name for f in reversed(chain))))
    return sorted(choices, key=lambda c: c[1].casefold())


def document_get(
    *, user: User, keyring: Keyring, person_id: UUID, document_id: UUID
) -> tuple[PersonView, DocumentItem]:
    """A live document of a person of the user's organisation, or 404."""
    view = person_get(user=user, keyring=keyring, person_id=person_id)
    document = _documents([view.person.pk]).filter(pk=document_id, organisation_id=user.member_organisation_id).first()
    if document is None:
        raise Http404
    return view, _document_item(document, keyring)


def folder_get(*, user: User, keyring: Keyring, person_id: UUID, folder_id: UUID) -> tuple[PersonView, FolderItem]:
    """A live folder of a person of the user's organisation, or 404."""
    view = person_get(user=user, keyring=keyring, person_id=person_id)
    folder = DocumentFolder.objects.filter(
        pk=folder_id, person=view.person, organisation_id=user.member_organisation_id, deleted_at=None
    ).first()
    if folder is None:
        raise Http404
    return view, _folder_item(folder, keyring)


def _chunks(item: StoredFile) -> Iterator[bytes]:
    document = item.document
    with file_path(document.organisation_id, document.storage_name).open("rb") as source:
        yield from decrypt_file(item.file_key, source, document_id=document.pk, org_id=document.organisation_id)


def document_chunks(item: StoredFile) -> Iterator[bytes]:
    """The decrypted file, chunk by chunk, for a StreamingHttpResponse.

    The file is read once to the end before anything is sent (a 15 MB file costs ~20 ms more): a
    tampered or truncated file raises DecryptionError here, and the user gets the clear error page
    instead of a download that silently stops halfway.
    """
    try:
        for _ in _chunks(item):
            pass
    except FileNotFoundError as exc:
        raise DecryptionError("file") from exc
    return _chunks(item)


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """Context for templates/persons/sections/documents.html: the tree, folder choices, family documents."""
    user: User = request.user  # type: ignore[assignment]
    keyring: Keyring = request.keyring  # type: ignore[attr-defined]
    folders = person_folders(keyring=keyring, person=view.person)
    documents = person_documents(keyring=keyring, person=view.person)
    return {
        "tree": document_tree(folders, documents),
        "total": len(documents),
        "folder_choices": folder_choices(folders),
        "family": family_documents(user=user, keyring=keyring, others=page_family_others(request, view.person)),
        "accept": ACCEPT,
        "max_mb": settings.MANO_DOCUMENT_MAX_BYTES // (1024 * 1024),
    }
