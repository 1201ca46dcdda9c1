"""What a review of the medical half found, kept fixed: what is written on a private consultation stays private,
recurrences land on the rule's days, history reads like the page, queued merges run in order and never block."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.recurrence import Rule
from mano.core.audit import AuditAction, AuditEvent
from mano.medical.models import Consultation, PendingHealthChange
from mano.medical.services.comments import medical_comment_create
from mano.medical.services.consultations import ConsultationInput, consultation_update, consultations_create
from mano.medical.services.pending import run_pending
from mano.persons.selectors.persons import person_search
from mano.testing import login_client, merge_persons

pytestmark = pytest.mark.django_db


def _private(org_a, karim):
    author = org_a["normal_health"]
    (consultation,) = consultations_create(
        user=author.user,
        keyring=author.keyring,
        person=karim,
        values=ConsultationInput(type="Médicale", due_at=timezone.now(), name="Sevrage", only_me=True),
    )
    comment = medical_comment_create(
        user=author.user,
        keyring=author.keyring,
        person=karim,
        text="Rechute évoquée",
        urgent=True,
        team=org_a.day,
        subject={"kind": "consultation", "id": str(consultation.pk)},
    )
    return author, consultation, comment


def test_comments_on_a_private_consultation_stay_with_its_author(org_a, karim):
    author, _consultation, comment = _private(org_a, karim)
    colleague = org_a["admin_health"]
    client = login_client(colleague)
    assertNotContains(client.get(reverse("persons:detail", args=[karim.pk])), "Rechute")
    assertNotContains(client.get(reverse("medical:file-print", args=[karim.pk])), "Rechute")
    assertNotContains(client.get(reverse("agenda:priorities")), "Rechute")
    assert client.get(reverse("medical:comment", args=[comment.pk])).status_code == 404
    assert list(person_search(user=colleague.user, keyring=colleague.keyring, query="rechute", page=1)) == []
    assertContains(login_client(author).get(reverse("persons:detail", args=[karim.pk])), "Rechute")
    found = person_search(user=author.user, keyring=author.keyring, query="rechute", page=1)
    assert [r.reasons for r in found] == [["commentaire médical"]]


def test_a_shared_consultation_cannot_be_taken_private_by_a_colleague(org_a, karim):
    author, colleague = org_a["normal_health"], org_a["admin_health"]
    (consultation,) = consultations_create(
        user=author.user,
        keyring=author.keyring,
        person=karim,
        values=ConsultationInput(type="Médicale", due_at=timezone.now()),
    )
    with pytest.raises(ValidationError):
        consultation_update(
            user=colleague.user,
            keyring=colleague.keyring,
            consultation=consultation,
            values=ConsultationInput(type="Médicale", due_at=consultation.due_at, only_me=True),
            expected_version=consultation.version,
        )
    assert Consultation.objects.get().only_visible_by_id is None


def test_a_recurrence_starting_off_its_days_lands_on_its_days(org_a, karim):
    nurse = org_a["normal_health"]
    wednesday = timezone.make_aware(datetime(2026, 12, 2, 10, 0))
    rule = Rule(unit="week", interval=1, end=datetime(2026, 12, 10).date(), weekdays=(0, 3), monthly="day")
    created = consultations_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=karim,
        values=ConsultationInput(type="Médicale", due_at=wednesday),
        rule=rule,
    )
    days = sorted(timezone.localtime(c.due_at).date().isoformat() for c in Consultation.objects.all())
    assert len(created) == 3 and days == ["2026-12-03", "2026-12-07", "2026-12-10"]


def test_saving_an_unchanged_consultation_writes_no_history_and_changes_read_in_french(org_a, karim):
    nurse = org_a["normal_health"]
    client = login_client(nurse)
    client.post(
        reverse("medical:consultation-add", args=[karim.pk]),
        {"type": "Médicale", "status": "todo", "due_at": "2026-12-05T10:00", "c_description": "Plaie"},
    )
    consultation = Consultation.objects.get()
    url = reverse("medical:consultation", args=[consultation.pk])
    fields = {"type": "Médicale", "status": "todo", "due_at": "2026-12-05T10:00", "c_description": "Plaie"}
    client.post(url, {**fields, "version": consultation.version})
    consultation.refresh_from_db()
    assert consultation.version == 2
    client.post(url, {**fields, "status": "done", "version": consultation.version})
    page = client.get(url)
    assertContains(page, "Statut : « À faire » ➔ « Faite »")
    assertNotContains(page, "Date prévue : ")  # saving the same date again is no change
    assert page.content.decode().count('<td data-label="Modification">') == 1


def test_a_queued_merge_runs_before_a_health_professionals_own_merge(org_a, karim):
    from mano.medical.services.consultations import consultation_create
    from mano.persons.services import person_create

    admin, nurse = org_a["admin"], org_a["normal_health"]
    a = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Alpha")
    c = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Charlie")
    consultation_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=a,
        values=ConsultationInput(type="Médicale", due_at=timezone.now(), name="Bilan Alpha"),
    )

    merge_persons(admin, karim, a)
    merge_persons(nurse, c, karim)
    assert not PendingHealthChange.objects.exists()
    found = person_search(user=nurse.user, keyring=nurse.keyring, query="bilan alpha", page=1)
    assert [r.name for r in found] == ["Charlie"]


def test_a_change_that_fails_stays_queued_and_blocks_nothing(org_a, karim, monkeypatch):
    from mano.core.records import ConflictError
    from mano.medical.services import pending

    nurse = org_a["normal_health"]
    PendingHealthChange.objects.create(organisation=org_a.organisation, kind="delete", person_id=karim.pk)

    def conflict(**kwargs):
        raise ConflictError(None)

    monkeypatch.setattr(pending, "purge_person", conflict)
    assert run_pending(user=nurse.user, keyring=nurse.keyring) == 0
    assert PendingHealthChange.objects.count() == 1
    assert login_client(nurse).get(reverse("persons:detail", args=[karim.pk])).status_code == 200


def test_renames_of_health_rows_leave_no_count_in_the_audit(org_a, karim):
    from mano.medical.fieldsets import CONSULTATION_TYPES
    from mano.persons.selectors.fields import config_version
    from mano.persons.services.fields import field_group_add, field_group_rename

    health = org_a["admin_health"]
    version = config_version(org_a.organisation, CONSULTATION_TYPES.part)
    index = field_group_add(user=health.user, name="Psy", config_version=version, spec=CONSULTATION_TYPES)
    health.user.organisation.refresh_from_db()
    consultations_create(
        user=health.user,
        keyring=health.keyring,
        person=karim,
        values=ConsultationInput(type="Psy", due_at=timezone.now()),
    )
    org_a.organisation.refresh_from_db()
    field_group_rename(
        user=health.user,
        keyring=health.keyring,
        index=index,
        name="Psychologique",
        config_version=config_version(org_a.organisation, CONSULTATION_TYPES.part),
        spec=CONSULTATION_TYPES,
    )
    event = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).first()
    assert event is not None and event.detail == {"change": "group_rename"}
