"""Documents and folders of a person: encrypted uploads, refusals that save nothing, folders, downloads, roles."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_data
from mano.core.tests.leaks import encodings, leaks, stored_values
from mano.persons.models import Document, DocumentFolder
from mano.persons.selectors import documents as selectors
from mano.persons.services import person_create
from mano.persons.services.families import family_link
from mano.testing import PASSWORD

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"photo de la carte d'identite " * 50
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"png body " * 40
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n" + b"attestation de domiciliation " * 40 + b"\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Compte rendu CCAS</w:document>")
    return buffer.getvalue()


DOCX = _docx()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path) -> Path:
    settings.MANO_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.MANO_DOCUMENTS_DIR


@pytest.fixture
def person(bob, org_a):
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")


@pytest.fixture
def client(bob, unlocked_client) -> Client:
    return unlocked_client(bob)


def add(client: Client, person, *files: SimpleUploadedFile, **data: object):
    return client.post(f"/personnes/{person.pk}/documents/ajouter/", {"files": list(files), **data})


def url(document, suffix: str = "") -> str:
    return f"/personnes/{document.person_id}/documents/{document.pk}/{suffix}"


def folder_url(folder, suffix: str = "") -> str:
    return f"/personnes/{folder.person_id}/documents/dossiers/{folder.pk}/{suffix}"


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def by_name(member, person=None) -> dict[str, dict]:
    """Decrypted payloads of the live documents (of one person, or all), by document name."""
    rows = Document.objects.filter(deleted_at=None)
    if person is not None:
        rows = rows.filter(person=person)
    return {data["name"]: {**data, "row": d} for d in rows for data in [record_data(d, member.keyring)]}


def documents_section(client: Client, person) -> str:
    """The documents card of the person page (messages of earlier posts excluded)."""
    page = client.get(f"/personnes/{person.pk}/").content.decode()
    start = page.index('id="documents"')
    return page[start : page.index("</section>", start)]


def download(client: Client, target: str) -> tuple[int, bytes, dict[str, str]]:
    response = client.get(target)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, dict(response.headers)


@pytest.fixture
def pdf_doc(client, bob, person) -> Document:
    assert add(client, person, upload("attestation.pdf", PDF)).status_code == 302
    return by_name(bob, person)["attestation.pdf"]["row"]


# --- Upload and download ---------------------------------------------------------------


def test_it_uploads_several_files_at_once_and_downloads_them_decrypted(client, bob, person):
    files = [upload("carte.jpg", JPEG), upload("attestation.pdf", PDF), upload("cr.docx", DOCX)]
    response = add(client, person, *files)
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    page = client.get(response["Location"])
    assertContains(page, "3 documents enregistrés !")
    for name in ("carte.jpg", "attestation.pdf", "cr.docx"):
        assertContains(page, name)
    saved = by_name(bob, person)
    assert set(saved) == {"carte.jpg", "attestation.pdf", "cr.docx"}
    status, body, headers = download(client, url(saved["attestation.pdf"]["row"], "telecharger/"))
    assert (status, body) == (200, PDF)
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="attestation.pdf"'
    assert headers["Cache-Control"] == "no-store"
    assert download(client, url(saved["cr.docx"]["row"], "telecharger/"))[1] == DOCX
    assert saved["carte.jpg"]["row"].size == len(JPEG)


def test_the_file_on_disk_is_ciphertext_private_and_its_key_is_only_in_the_payload(bob, person, pdf_doc, documents_dir):
    (path,) = files_in(documents_dir)
    assert path == documents_dir / str(person.organisation_id) / pdf_doc.storage_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    blob = path.read_bytes()
    assert b"attestation" not in blob and b"%PDF" not in blob
    data = record_data(pdf_doc, bob.keyring)
    assert set(data) == {"name", "mime", "folder", "family", "file_key"}
    assert data["file_key"].encode() not in bytes(pdf_doc.payload)


def test_the_upload_page_works_alone_and_asks_for_at_least_one_file(client, person):
    page = client.get(f"/personnes/{person.pk}/documents/ajouter/")
    assertContains(page, 'type="file"')
    assertContains(page, "multiple")
    assertContains(page, 'accept="image/*')
    assertNotContains(page, "capture")  # phones offer the camera *and* files
    assertContains(add(client, person), "Choisissez au moins un fichier.")
    assert Document.objects.count() == 0


def test_an_oversized_file_is_refused_by_name_and_the_rest_of_the_batch_is_saved(
    client, bob, person, settings, documents_dir
):
    settings.MANO_DOCUMENT_MAX_BYTES = 1024 * 1024
    response = add(client, person, upload("gros.pdf", PDF + b"x" * (1024 * 1024)), upload("carte.jpg", JPEG))
    assertContains(response, "« gros.pdf » dépasse 1 Mo")
    assertContains(response, "Enregistrés")
    assertContains(response, "« carte.jpg »")
    assert set(by_name(bob)) == {"carte.jpg"}
    assert len(files_in(documents_dir)) == 1


def test_the_default_limit_is_15_mb(client, person, documents_dir):
    big = PDF + b"\x00" * (15 * 1024 * 1024)
    assertContains(add(client, person, upload("scan.pdf", big)), "« scan.pdf » dépasse 15 Mo")
    assert Document.objects.count() == 0 and files_in(documents_dir) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Type de fichier non accepté : « virus.exe »"),
        ("page.html", b"<script>alert(1)</script>", "Type de fichier non accepté : « page.html »"),
        ("sans-extension", PDF, "Type de fichier non accepté : « sans-extension »"),
        ("faux.pdf", b"MZ\x90\x00 not a pdf at all", "Le contenu de « faux.pdf » ne correspond pas à son type"),
        ("faux.jpg", PNG, "Le contenu de « faux.jpg » ne correspond pas à son type"),
        ("faux.docx", PDF, "Le contenu de « faux.docx » ne correspond pas à son type"),
        ("binaire.txt", b"abc\x00def", "Le contenu de « binaire.txt » ne correspond pas à son type"),
        ("vide.pdf", b"", "« vide.pdf » est vide."),
    ],
)
def test_unsupported_files_are_refused_and_nothing_is_saved(client, person, documents_dir, name, content, message):
    response = add(client, person, upload(name, content))
    assert response.status_code == 200
    assertContains(response, message)
    assert Document.objects.count() == 0
    assert files_in(documents_dir) == []


def test_accepted_types_include_phone_photos_and_office_files(client, bob, person):
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x01" * 100
    webp = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x02" * 100
    files = [
        upload("IMG_0001.HEIC", heic),
        upload("photo.webp", webp),
        upload("capture.png", PNG),
        upload("notes.txt", "Rendez-vous à la PASS lundi".encode()),
        upload("budget.xlsx", DOCX),
        upload("courrier.odt", DOCX),
        upload("tableau.ods", DOCX),
    ]
    assert add(client, person, *files).status_code == 302
    saved = by_name(bob)
    assert saved["IMG_0001.HEIC"]["mime"] == "image/heic"
    assert saved["notes.txt"]["mime"] == "text/plain"
    assert len(saved) == 7


def test_plaintext_never_goes_through_django_memory_or_temporary_files(client, bob, person, monkeypatch):
    """The upload view replaces Django's handlers: a 6 MB file (over the 5 MB spool size) is encrypted as it comes."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a default upload handler received file data")

    for handler in (TemporaryFileUploadHandler, MemoryFileUploadHandler):
        monkeypatch.setattr(handler, "receive_data_chunk", forbidden)
    content = PDF + b"A" * (6 * 1024 * 1024)
    assert add(client, person, upload("scan.pdf", content)).status_code == 302
    assert download(client, url(by_name(bob)["scan.pdf"]["row"], "telecharger/"))[1] == content


def test_the_upload_still_checks_csrf_and_leaves_no_file_behind(bob, person, documents_dir, settings):
    client = Client(enforce_csrf_checks=True)
    client.get("/connexion/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    login = client.post("/connexion/", {"email": bob.user.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert login.status_code == 302
    response = client.post(f"/personnes/{person.pk}/documents/ajouter/", {"files": [upload("a.pdf", PDF)]})
    assert response.status_code == 403
    assert Document.objects.count() == 0 and files_in(documents_dir) == []
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    files = {"files": [upload("a.pdf", PDF)], "csrfmiddlewaretoken": token}
    assert client.post(f"/personnes/{person.pk}/documents/ajouter/", files).status_code == 302


def test_images_and_pdf_open_inline_other_types_download(client, bob, person):
    add(client, person, upload("carte.jpg", JPEG), upload("attestation.pdf", PDF), upload("cr.docx", DOCX))
    saved = by_name(bob)
    _, body, headers = download(client, url(saved["carte.jpg"]["row"], "ouvrir/"))
    assert body == JPEG and headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in headers["Content-Security-Policy"]
    assert download(client, url(saved["attestation.pdf"]["row"], "ouvrir/"))[2]["Content-Disposition"].startswith(
        "inline;"
    )
    assert download(client, url(saved["cr.docx"]["row"], "ouvrir/"))[2]["Content-Disposition"].startswith("attachment;")


def test_a_tampered_or_missing_file_gives_the_clear_error_page_not_a_broken_download(client, bob, pdf_doc):
    path = selectors.file_path(pdf_doc.organisation_id, pdf_doc.storage_name)
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 1
    path.write_bytes(bytes(blob))
    response = client.get(url(pdf_doc, "telecharger/"))
    assertContains(response, "ne peut pas être déchiffrée", status_code=500)
    path.unlink()
    assertContains(client.get(url(pdf_doc, "telecharger/")), "ne peut pas être déchiffrée", status_code=500)
    assert AuditEvent.objects.filter(action=AuditAction.DECRYPTION_FAILURE, actor=bob.user).count() == 2


def test_a_file_moved_under_another_document_does_not_open(client, bob, person):
    add(client, person, upload("a.pdf", PDF), upload("b.pdf", PDF + b"other"))
    saved = by_name(bob)
    a, b = saved["a.pdf"]["row"], saved["b.pdf"]["row"]
    path_a = selectors.file_path(a.organisation_id, a.storage_name)
    path_b = selectors.file_path(b.organisation_id, b.storage_name)
    path_b.write_bytes(path_a.read_bytes())
    assertContains(client.get(url(b, "telecharger/")), "ne peut pas être déchiffrée", status_code=500)


# --- Edit, move, delete ----------------------------------------------------------------


def test_it_renames_moves_and_flags_a_document(client, bob, person, pdf_doc):
    assert client.post(f"/personnes/{person.pk}/documents/dossiers/ajouter/", {"name": "Identité"}).status_code == 302
    folder = DocumentFolder.objects.get()
    page = client.get(url(pdf_doc))
    assertContains(page, "Modifier le nom de ce document")
    data = {"name": "Domiciliation 2026", "folder": str(folder.pk), "family": "on", "version": "1"}
    assert client.post(url(pdf_doc), data).status_code == 302
    saved = by_name(bob)["Domiciliation 2026"]
    assert (saved["folder"], saved["family"], saved["row"].version) == (str(folder.pk), True, 2)
    # The download name keeps the extension the rename dropped.
    headers = download(client, url(pdf_doc, "telecharger/"))[2]
    assert headers["Content-Disposition"] == 'attachment; filename="Domiciliation 2026.pdf"'
    section = client.get(f"/personnes/{person.pk}/")
    assertContains(section, "📂 Identité (1)")


def test_a_stale_rename_shows_a_conflict_keeps_what_was_typed_and_overwrites_nothing(
    client, alice, bob, person, pdf_doc, unlocked_client
):
    other = unlocked_client(alice)
    assert other.post(url(pdf_doc), {"name": "Nom d'Alice", "version": "1"}).status_code == 302
    response = client.post(url(pdf_doc), {"name": "Nom de Bob", "version": "1"})
    assert response.status_code == 409
    assertContains(response, "rien n’a été écrasé", status_code=409)
    assertContains(response, "Nom de Bob", status_code=409)
    assertContains(response, "« Nom d&#x27;Alice »", status_code=409)
    assert set(by_name(bob)) == {"Nom d'Alice"}
    assert client.post(url(pdf_doc), {"name": "Nom de Bob", "version": "2"}).status_code == 302
    assert set(by_name(bob)) == {"Nom de Bob"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, "Ce champ est obligatoire."),
        ({"name": "x", "folder": str(uuid4())}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_document_edits_are_refused_with_a_message(client, bob, pdf_doc, data, message):
    assertContains(client.post(url(pdf_doc), {"version": "1", **data}), message)
    assert set(by_name(bob)) == {"attestation.pdf"}


def test_delete_asks_for_confirmation_then_removes_the_file_and_audits(
    client, bob, person, pdf_doc, django_capture_on_commit_callbacks
):
    path = selectors.file_path(pdf_doc.organisation_id, pdf_doc.storage_name)
    confirm = client.get(url(pdf_doc, "supprimer/"))
    assertContains(confirm, "Voulez-vous vraiment supprimer ce document ?")
    assert path.exists() and Document.objects.get().deleted_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(pdf_doc, "supprimer/"))
    assert response.status_code == 302
    assertContains(client.get(response["Location"]), "Document supprimé.")
    assert Document.objects.get().deleted_at is not None  # soft delete: the row stays until the purge
    assert not path.exists()
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_DELETE, object_id=str(person.pk))
    assert event.detail == {"document": str(pdf_doc.pk)}
    assert "attestation" not in str(event.detail)
    assert client.get(url(pdf_doc, "telecharger/")).status_code == 404
    assert "attestation.pdf" not in documents_section(client, person)


def test_a_document_is_reached_only_through_its_own_person(client, bob, org_a, pdf_doc):
    other = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Autre")
    for suffix in ("", "telecharger/", "ouvrir/", "supprimer/"):
        assert client.get(f"/personnes/{other.pk}/documents/{pdf_doc.pk}/{suffix}").status_code == 404


# --- Folders ---------------------------------------------------------------------------


def _folder(client, person, name, parent=None) -> DocumentFolder:
    data = {"name": name, **({"parent": str(parent.pk)} if parent else {})}
    assert client.post(f"/personnes/{person.pk}/documents/dossiers/ajouter/", data).status_code == 302
    return DocumentFolder.objects.order_by("-created_at").first()


def test_folders_nest_and_show_their_content(client, bob, person, pdf_doc):
    admin = _folder(client, person, "Administratif")
    caf = _folder(client, person, "CAF", parent=admin)
    assert add(client, person, upload("carte.jpg", JPEG), folder=str(caf.pk)).status_code == 302
    assert by_name(bob)["carte.jpg"]["folder"] == str(caf.pk)
    page = client.get(f"/personnes/{person.pk}/")
    assertContains(page, "📂 Administratif (1)")
    assertContains(page, "📂 CAF (1)")
    empty = _folder(client, person, "Santé")
    assert empty
    assertContains(client.get(f"/personnes/{person.pk}/"), "Dossier vide")
    assertContains(client.get(f"/personnes/{person.pk}/documents/ajouter/"), "Administratif / CAF")


def test_it_renames_a_folder_and_refuses_a_loop(client, bob, person):
    top = _folder(client, person, "Administratif")
    child = _folder(client, person, "CAF", parent=top)
    assert client.post(folder_url(top), {"name": "Papiers", "version": "1"}).status_code == 302
    assert record_data(DocumentFolder.objects.get(pk=top.pk), bob.keyring)["name"] == "Papiers"
    response = client.post(folder_url(top), {"name": "Papiers", "parent": str(child.pk), "version": "2"})
    assertContains(response, "Sélectionnez un choix valide")
    assert record_data(DocumentFolder.objects.get(pk=top.pk), bob.keyring)["parent"] is None


def test_deleting_a_folder_moves_its_content_to_the_parent(client, bob, person, pdf_doc):
    top = _folder(client, person, "Administratif")
    middle = _folder(client, person, "CAF", parent=top)
    bottom = _folder(client, person, "2025", parent=middle)
    client.post(url(pdf_doc), {"name": "attestation.pdf", "folder": str(middle.pk), "version": "1"})
    confirm = client.get(folder_url(middle, "supprimer/"))
    assertContains(confirm, "Voulez-vous vraiment supprimer ce dossier ?")
    assertContains(confirm, "Il contient 2 éléments")
    assert client.post(folder_url(middle, "supprimer/"), {"version": "1"}).status_code == 302
    assert DocumentFolder.objects.get(pk=middle.pk).deleted_at is not None
    assert by_name(bob)["attestation.pdf"]["folder"] == str(top.pk)
    assert record_data(DocumentFolder.objects.get(pk=bottom.pk), bob.keyring)["parent"] == str(top.pk)
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_DELETE, detail__folder__isnull=False).count() == 1


def test_a_stale_folder_delete_changes_nothing(client, bob, person):
    top = _folder(client, person, "Administratif")
    client.post(folder_url(top), {"name": "Papiers", "version": "1"})
    response = client.post(folder_url(top, "supprimer/"), {"version": "1"}, follow=True)
    assertContains(response, "rien n’a été supprimé")
    assert DocumentFolder.objects.get(pk=top.pk).deleted_at is None


def test_a_folder_needs_a_name(client, person):
    assertContains(client.post(f"/personnes/{person.pk}/documents/dossiers/ajouter/", {"name": " "}), "obligatoire")
    assert DocumentFolder.objects.count() == 0


# --- Family documents ------------------------------------------------------------------


def test_family_documents_show_on_the_other_members_pages(client, bob, org_a, person):
    sister = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Nadia Benali")
    family_link(user=bob.user, keyring=bob.keyring, person=person, other=sister, description="Frère/sœur")
    add(client, person, upload("livret-de-famille.pdf", PDF), family="on")
    add(client, person, upload("ordonnance-perso.pdf", PDF))
    section = documents_section(client, sister)
    assert "Documents familiaux" in section
    assert "livret-de-famille.pdf" in section and "Dossier de Karim Benali" in section
    assert "ordonnance-perso.pdf" not in section
    assert "Documents familiaux" not in documents_section(client, person)  # own family documents sit in the tree
    family_doc = by_name(bob)["livret-de-famille.pdf"]["row"]
    assert download(client, url(family_doc, "telecharger/"))[1] == PDF
    items = selectors.documents_for_persons([person.pk, sister.pk], bob.keyring, organisation_id=org_a.organisation.pk)
    assert [i.name for i in items] == ["livret-de-famille.pdf"]
    everything = selectors.documents_for_persons([person.pk], bob.keyring, family_only=False)
    assert {i.name for i in everything} == {"livret-de-famille.pdf", "ordonnance-perso.pdf"}


def test_family_documents_of_another_organisation_are_never_listed(bob, charlie, org_a, org_b, person):
    foreign = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Autre")
    items = selectors.documents_for_persons([foreign.pk], bob.keyring, organisation_id=org_a.organisation.pk)
    assert items == []


# --- Roles and organisations -----------------------------------------------------------


def test_charlie_gets_404_on_every_document_url_of_another_organisation(charlie, unlocked_client, person, pdf_doc):
    folder_client = unlocked_client(charlie)
    for suffix in ("", "telecharger/", "ouvrir/", "supprimer/"):
        assert folder_client.get(url(pdf_doc, suffix)).status_code == 404
    assert folder_client.post(url(pdf_doc, "supprimer/")).status_code == 404
    assert folder_client.get(f"/personnes/{person.pk}/documents/ajouter/").status_code == 404
    response = folder_client.post(f"/personnes/{person.pk}/documents/ajouter/", {"files": [upload("x.pdf", PDF)]})
    assert response.status_code == 404
    assert Document.objects.filter(deleted_at=None).count() == 1


@pytest.mark.parametrize("role", ["restricted", "stats"])
def test_restricted_and_stats_members_are_refused(org_a, unlocked_client, person, pdf_doc, role):
    member = unlocked_client(org_a[role])
    assert member.get(url(pdf_doc, "telecharger/")).status_code == 403
    assert (
        member.post(f"/personnes/{person.pk}/documents/ajouter/", {"files": [upload("x.pdf", PDF)]}).status_code == 403
    )
    assert Document.objects.count() == 1


def test_restricted_members_do_not_see_the_documents_section(org_a, unlocked_client, person, pdf_doc):
    assertNotContains(unlocked_client(org_a["restricted"]).get(f"/personnes/{person.pk}/"), "attestation.pdf")


def test_anonymous_users_go_to_login_and_wrong_methods_get_405(client, pdf_doc):
    response = Client().get(url(pdf_doc, "telecharger/"))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert client.post(url(pdf_doc, "telecharger/")).status_code == 405
    assert client.delete(url(pdf_doc)).status_code == 405


def test_a_locked_session_is_sent_to_unlock_before_any_download(client, pdf_doc):
    assert client.post("/verrouiller/").status_code == 302
    response = client.get(url(pdf_doc, "telecharger/"))
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")


def test_the_section_costs_the_same_queries_for_2_or_12_documents(client, person):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/personnes/{person.pk}/").status_code == 200
        return len(captured)

    add(client, person, upload("a.pdf", PDF), upload("b.pdf", PDF))
    few = queries()
    add(client, person, *[upload(f"{i}.pdf", PDF) for i in range(10)])
    assert queries() == few


# --- Nothing in clear at rest, random input ----------------------------------------------


def test_no_canary_from_a_document_name_content_or_folder_reaches_the_disk_or_the_database(
    client, bob, person, documents_dir
):
    canary = f"CANARY-{uuid4()}"
    assert (
        client.post(f"/personnes/{person.pk}/documents/dossiers/ajouter/", {"name": f"{canary} dossier"}).status_code
        == 302
    )
    content = f"Notes {canary}\n".encode() * 2000 + canary.encode()
    assert (
        add(client, person, upload(f"{canary}.txt", content), upload("photo.jpg", JPEG + canary.encode())).status_code
        == 302
    )
    saved = by_name(bob)
    client.post(url(saved[f"{canary}.txt"]["row"]), {"name": f"{canary} renommé.txt", "version": "1"})
    # Positive control: the canaries are really stored, and come back decrypted.
    assert download(client, url(saved[f"{canary}.txt"]["row"], "telecharger/"))[1] == content
    assert f"{canary} renommé.txt" in by_name(bob)
    needles = encodings(canary.encode()) | {b"CANARY"}
    on_disk = [(str(path), path.read_bytes()) for path in files_in(documents_dir)]
    assert len(on_disk) == 2
    assert leaks(needles, on_disk) == []
    assert leaks(needles, list(stored_values())) == []
    assert leaks([b"Notes"], on_disk) == []


def test_the_forms_refuse_random_input_without_error_or_change(client, bob, person, pdf_doc):
    top = _folder(client, person, "Administratif")
    targets = [
        url(pdf_doc),
        folder_url(top),
        f"/personnes/{person.pk}/documents/dossiers/ajouter/",
        f"/personnes/{person.pk}/documents/ajouter/",
    ]
    values = st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            ["", "0", "-1", "99999999999999999999", "on", str(uuid4()), "../../etc/passwd", "\x00", "é" * 300]
        ),
    )
    forms = st.dictionaries(st.sampled_from(["name", "folder", "parent", "family", "version", "files"]), values)

    def fingerprint():
        return (
            sorted(Document.objects.values_list("version", "deleted_at")),
            sorted(DocumentFolder.objects.values_list("version", "deleted_at")),
        )

    @hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=forms, index=st.integers(min_value=0, max_value=len(targets) - 1))
    def post(data, index):
        before = fingerprint()
        response = client.post(targets[index], data)
        assert response.status_code < 500, (targets[index], data)
        if response.status_code != 302:
            assert fingerprint() == before

    post()
