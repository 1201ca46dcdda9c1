"""The medical half through its pages, as a health professional and as a colleague without the health flag."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_data
from mano.medical.models import Consultation, MedicalFile, Status, Treatment
from mano.testing import login_client

pytestmark = pytest.mark.django_db


def test_a_health_professional_fills_the_medical_file_and_sees_its_history(org_a, karim):
    nurse = org_a["normal_health"]
    client = login_client(nurse)
    page = client.get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, 'id="medical"')
    response = client.post(
        reverse("medical:file-edit", args=[karim.pk]),
        {"version": "0", "c_numero_securite_sociale": "1 85 05 78 006 084 36"},
    )
    assert response.status_code == 302
    page = client.get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, "1 85 05 78 006 084 36")
    history = client.get(reverse("medical:file-history", args=[karim.pk]))
    assertContains(history, "Numéro de sécurité sociale")
    assert MedicalFile.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.MEDICAL_OPEN, actor=nurse.user).exists()


def test_a_consultation_is_recorded_then_done_with_the_date_set(org_a, karim):
    nurse = org_a["normal_health"]
    client = login_client(nurse)
    response = client.post(
        reverse("medical:consultation-add", args=[karim.pk]),
        {"type": "Médicale", "status": "todo", "due_at": "2026-12-05T10:00", "c_description": "Plaie au pied"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consultation = Consultation.objects.get()
    assert record_data(consultation, nurse.keyring)["custom"]["description"] == "Plaie au pied"
    page = client.get(reverse("medical:consultation", args=[consultation.pk]))
    assertContains(page, "Plaie au pied")
    response = client.post(
        reverse("medical:consultation", args=[consultation.pk]),
        {"type": "Médicale", "status": "done", "due_at": "2026-12-05T10:00", "version": consultation.version},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Status.DONE and consultation.completed_at is not None


def test_missing_type_and_date_are_refused_with_messages(org_a, karim):
    client = login_client(org_a["normal_health"])
    response = client.post(reverse("medical:consultation-add", args=[karim.pk]), {"type": "", "due_at": ""})
    assertContains(response, "Veuillez choisir un type de consultation.")
    assertContains(response, "La date prévue est obligatoire.")
    assert not Consultation.objects.exists()


def test_treatments_are_split_into_current_and_ended(org_a, karim):
    client = login_client(org_a["normal_health"])
    add = reverse("medical:treatment-add", args=[karim.pk])
    client.post(add, {"name": "Amoxicilline", "start": "2026-12-01", "end": "2099-12-10"})
    client.post(add, {"name": "Paracétamol", "start": "2025-01-01", "end": "2025-01-10"})
    assert Treatment.objects.count() == 2
    page = client.get(reverse("persons:detail", args=[karim.pk])).content.decode()
    assert page.index("Amoxicilline") < page.index("Traitements terminés") < page.index("Paracétamol")


def test_a_colleague_without_the_health_flag_sees_no_trace(org_a, karim):
    nurse = org_a["normal_health"]
    client = login_client(nurse)
    client.post(
        reverse("medical:consultation-add", args=[karim.pk]),
        {"type": "Médicale", "status": "todo", "due_at": "2026-12-05T10:00", "c_description": "Plaie au pied"},
    )
    consultation = Consultation.objects.get()
    other = login_client(org_a["normal"])
    page = other.get(reverse("persons:detail", args=[karim.pk]))
    assertNotContains(page, 'id="medical"')
    assertNotContains(page, "Plaie au pied")
    assert other.get(reverse("medical:consultation", args=[consultation.pk])).status_code == 404
    assert other.get(reverse("medical:file-edit", args=[karim.pk])).status_code == 404


def test_medical_documents_are_encrypted_filed_and_served_to_health_professionals_only(
    org_a, karim, settings, tmp_path
):
    settings.MANO_DOCUMENTS_DIR = str(tmp_path)
    nurse = login_client(org_a["normal_health"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "ordonnance.pdf", b"%PDF-1.4\n" + b"CANARY-ordonnance " * 100, content_type="application/pdf"
    )
    response = nurse.post(reverse("medical:document-add", args=[karim.pk]), {"files": upload, "folder": "treatments"})
    assert response.status_code == 302, response.content.decode()[:2000]
    from mano.medical.models import MedicalDocument

    document = MedicalDocument.objects.get()
    stored = next(tmp_path.rglob(document.storage_name)).read_bytes()
    assert b"CANARY-ordonnance" not in stored
    page = nurse.get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, "ordonnance.pdf")
    served = nurse.get(reverse("medical:document", args=[document.pk]))
    assert b"CANARY-ordonnance" in b"".join(served.streaming_content)
    assert login_client(org_a["normal"]).get(reverse("medical:document", args=[document.pk])).status_code == 404
    folder = nurse.post(reverse("medical:folder-add", args=[karim.pk]), {"name": "Radios"})
    assert folder.status_code == 302
    assertContains(nurse.get(reverse("persons:detail", args=[karim.pk])), "Radios")
