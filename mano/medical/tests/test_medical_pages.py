"""The medical half through its pages, as a health professional and as a colleague without the health flag."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
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


def test_a_consultation_can_repeat_every_week_until_a_date(org_a, karim):
    client = login_client(org_a["normal_health"])
    response = client.post(
        reverse("medical:consultation-add", args=[karim.pk]),
        {
            "type": "Médicale",
            "status": "todo",
            "due_at": "2026-12-07T10:00",
            "repeat": "on",
            "recurrence_interval": "1",
            "recurrence_unit": "week",
            "recurrence_weekdays": ["0"],
            "recurrence_monthly": "day",
            "recurrence_end": "2026-12-28",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    days = sorted(c.due_at.date().isoformat() for c in Consultation.objects.all())
    assert days == ["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]


def test_a_stale_version_shows_the_conflict_and_keeps_the_typing(org_a, karim):
    nurse = org_a["normal_health"]
    client = login_client(nurse)
    client.post(
        reverse("medical:consultation-add", args=[karim.pk]),
        {"type": "Médicale", "status": "todo", "due_at": "2026-12-05T10:00", "c_description": "Premier"},
    )
    consultation = Consultation.objects.get()
    url = reverse("medical:consultation", args=[consultation.pk])
    fields = {"type": "Médicale", "status": "todo", "due_at": "2026-12-05T10:00"}
    login_client(org_a["admin_health"]).post(url, {**fields, "version": consultation.version, "c_description": "Autre"})
    response = client.post(url, {**fields, "version": consultation.version, "c_description": "Ma version"})
    assert response.status_code == 409
    assertContains(response, "Version enregistrée entre-temps", status_code=409)
    assertContains(response, "Ma version", status_code=409)
    assert record_data(Consultation.objects.get(), nurse.keyring)["custom"]["description"] == "Autre"


def test_an_archived_type_keeps_its_consultations_and_is_no_longer_offered(org_a, karim):
    from mano.medical.fieldsets import CONSULTATION_TYPES
    from mano.persons.selectors.fields import config_version
    from mano.persons.services.fields import field_group_add, field_group_delete

    admin = org_a["admin"]  # not a health professional: may add and archive types
    version = config_version(org_a.organisation, CONSULTATION_TYPES.part)
    index = field_group_add(user=admin.user, name="Psychologique", config_version=version, spec=CONSULTATION_TYPES)
    nurse = login_client(org_a["normal_health"])
    nurse.post(
        reverse("medical:consultation-add", args=[karim.pk]),
        {"type": "Psychologique", "status": "todo", "due_at": "2026-12-05T10:00"},
    )
    org_a.organisation.refresh_from_db()
    version = config_version(org_a.organisation, CONSULTATION_TYPES.part)
    field_group_delete(user=admin.user, index=index, confirmation="", config_version=version, spec=CONSULTATION_TYPES)
    consultation = Consultation.objects.get()
    assert record_data(consultation, org_a["normal_health"].keyring)["type"] == "Psychologique"
    form = nurse.get(reverse("medical:consultation-add", args=[karim.pk]))
    assertNotContains(form, 'value="Psychologique"')
    assertContains(nurse.get(reverse("medical:consultation", args=[consultation.pk])), 'value="Psychologique"')


def test_renaming_a_choice_of_a_medical_field_needs_a_health_professional(org_a, karim):
    from mano.core.crypto import KeyKind
    from mano.medical.fieldsets import MEDICAL_FIELDS
    from mano.medical.services.files import medical_file_save
    from mano.persons.selectors.fields import config_version
    from mano.persons.services.fields import KEY_NEEDED, field_add, field_choice_rename

    health_admin, admin = org_a["admin_health"], org_a["admin"]
    version = config_version(org_a.organisation, MEDICAL_FIELDS.part)
    key = field_add(
        user=health_admin.user,
        group_index=0,
        config_version=version,
        spec=MEDICAL_FIELDS,
        label="Couverture",
        type="enum",
        options=["AME", "CSS"],
        enabled_teams=[],
        enabled=True,
    )
    medical_file_save(
        user=health_admin.user, keyring=health_admin.keyring, person=karim, custom={key: "AME"}, expected_version=0
    )
    org_a.organisation.refresh_from_db()
    version = config_version(org_a.organisation, MEDICAL_FIELDS.part)
    assert not admin.keyring.has(KeyKind.HEALTH)
    with pytest.raises(ValidationError) as refused:
        field_choice_rename(
            user=admin.user,
            keyring=admin.keyring,
            key=key,
            old="AME",
            new="Aide médicale d’État",
            config_version=version,
            spec=MEDICAL_FIELDS,
        )
    assert KEY_NEEDED in refused.value.messages
    count = field_choice_rename(
        user=health_admin.user,
        keyring=health_admin.keyring,
        key=key,
        old="AME",
        new="Aide médicale d’État",
        config_version=version,
        spec=MEDICAL_FIELDS,
    )
    assert count == 1
    assert record_data(MedicalFile.objects.get(), health_admin.keyring)["custom"][key] == "Aide médicale d’État"


def test_consultation_types_move_in_the_medical_settings_and_person_groups_stay(org_a):
    from mano.medical.fieldsets import CONSULTATION_TYPES
    from mano.persons.selectors.fields import config_version
    from mano.persons.services.fields import field_group_add

    admin = org_a["admin"]
    organisation = org_a.organisation
    version = config_version(organisation, CONSULTATION_TYPES.part)
    field_group_add(user=admin.user, name="Psychologique", config_version=version, spec=CONSULTATION_TYPES)
    organisation.refresh_from_db()
    person_groups = [g["name"] for g in organisation.person_field_groups]
    response = login_client(admin).post(
        reverse("consultation-types:field-group-move", args=[0]),
        {"direction": "down", "version": config_version(organisation, CONSULTATION_TYPES.part)},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert [t["name"] for t in organisation.consultation_types] == ["Psychologique", "Médicale"]
    assert [g["name"] for g in organisation.person_field_groups] == person_groups


def test_the_medical_section_lists_consultations_escaped_with_private_ones_of_colleagues_greyed(org_a, karim):
    """The section's rows (mano.medical.rows): markup in a name is text, one's own private consultation has its
    lock, a colleague's shows only its date and owner, a done one its completion date."""
    from datetime import datetime

    from django.utils import timezone

    from mano.medical.services.consultations import ConsultationInput, consultation_create

    nurse, doctor = org_a["normal_health"], org_a["admin_health"]
    at = timezone.make_aware(datetime(2026, 12, 5, 10, 0))
    for member, values in (
        (nurse, ConsultationInput(type="Médicale", due_at=at, name='<b>Bilan</b> & "suivi"')),
        (nurse, ConsultationInput(type="Médicale", due_at=at, name="Le mien", only_me=True)),
        (doctor, ConsultationInput(type="Médicale", due_at=at, name="Son secret", only_me=True)),
        (nurse, ConsultationInput(type="Médicale", due_at=at, status=Status.DONE, completed_at=at.replace(day=6))),
    ):
        consultation_create(user=member.user, keyring=member.keyring, person=karim, values=values)
    page = login_client(nurse).get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, "&lt;b&gt;Bilan&lt;/b&gt; &amp; &quot;suivi&quot;")
    assertNotContains(page, "<b>Bilan</b>")
    assertContains(
        page, 'Le mien</a>\n<br><small class="muted">Médicale · 05/12/2026 10:00 · 🔒 visible seulement par moi'
    )
    assertContains(page, f"05/12/2026 10:00 · visible seulement par {doctor.user.name}</span>")
    assertNotContains(page, "Son secret")
    assertContains(page, 'Consultation Médicale</a>\n<br><small class="muted">Médicale · 06/12/2026 10:00</small>')
    assertContains(page, '<span class="badge badge--done">Faite</span>')
