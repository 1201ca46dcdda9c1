"""Consultations in the agenda, the reception desk, the Priorités and the persons search — for health
professionals only."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import Status
from mano.medical.services.comments import medical_comment_create
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.medical.services.treatments import TreatmentInput, treatment_create
from mano.persons.selectors.persons import person_search
from mano.testing import login_client

pytestmark = pytest.mark.django_db


def _consultation(member, person, team, *, when, name="Bilan pied", only_me=False):
    return consultation_create(
        user=member.user,
        keyring=member.keyring,
        person=person,
        values=ConsultationInput(type="Médicale", due_at=when, name=name, teams=[team], only_me=only_me),
    )


def test_the_day_week_and_list_views_show_consultations_to_health_professionals_only(org_a, karim):
    nurse = org_a["normal_health"]
    today = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0)
    _consultation(nurse, karim, org_a.day, when=today)
    health, other = login_client(nurse), login_client(org_a["normal"])
    for name in ("agenda:day", "agenda:week"):
        assertContains(health.get(reverse(name), {"equipe": "toutes"}), "Bilan pied")
        page = other.get(reverse(name), {"equipe": "toutes"})
        assertNotContains(page, "Bilan pied")
        assertNotContains(page, "Consultations")
    listed = health.get(reverse("agenda:list"), {"equipe": "toutes", "voir": "consultations"})
    assertContains(listed, "Bilan pied")
    only_actions = health.get(reverse("agenda:day"), {"equipe": "toutes", "voir": "actions"})
    assertNotContains(only_actions, "Bilan pied")
    assertNotContains(other.get(reverse("agenda:list"), {"equipe": "toutes", "voir": "consultations"}), "Bilan pied")


def test_a_private_consultation_shows_greyed_to_a_colleague_and_404s(org_a, karim):
    author, colleague = org_a["normal_health"], org_a["admin_health"]
    consultation = _consultation(author, karim, org_a.day, when=timezone.now(), name="Dépistage", only_me=True)
    client = login_client(colleague)
    page = client.get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, f"visible seulement par {author.user}")
    assertNotContains(page, "Dépistage")
    assert client.get(reverse("medical:consultation", args=[consultation.pk])).status_code == 404
    assertContains(login_client(author).get(reverse("medical:consultation", args=[consultation.pk])), "Dépistage")


def test_the_reception_desk_offers_a_consultation_button_to_health_professionals(org_a, karim):
    organisation = org_a.organisation
    organisation.reception_enabled = True
    organisation.save(update_fields=["reception_enabled"])
    nurse = login_client(org_a["normal_health"])
    assertContains(nurse.get(reverse("agenda:reception")), 'value="consultations"')
    assertNotContains(login_client(org_a["normal"]).get(reverse("agenda:reception")), 'value="consultations"')
    response = nurse.post(reverse("agenda:reception-selection"), {"personne": [karim.pk], "do": "consultations"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("medical:consultation-add", args=[karim.pk]))


def test_urgent_medical_comments_count_in_priorities_for_health_professionals_only(org_a, karim):
    nurse = org_a["normal_health"]
    badge = reverse("agenda:priority-badge")
    before = login_client(org_a["normal"]).get(badge).content
    medical_comment_create(
        user=nurse.user, keyring=nurse.keyring, person=karim, text="Allergie pénicilline", urgent=True, team=org_a.day
    )
    assert login_client(org_a["normal"]).get(badge).content == before
    assertNotContains(login_client(org_a["normal"]).get(reverse("agenda:priorities")), "pénicilline")
    health = login_client(nurse)
    assertContains(health.get(reverse("agenda:priorities")), "Allergie pénicilline")
    assertContains(health.get(badge), "1")


def test_health_professionals_search_inside_medical_content_with_reasons(org_a, karim):
    nurse = org_a["normal_health"]
    _consultation(nurse, karim, org_a.day, when=timezone.now(), name="Vaccination hépatite")
    treatment_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=karim,
        values=TreatmentInput(name="Méthadone", start=datetime(2026, 1, 5).date()),
    )
    found = person_search(user=nurse.user, keyring=nurse.keyring, query="hepatite", page=1)
    assert [(r.name, r.reasons) for r in found] == [("Karim Benali", ["consultation"])]
    found = person_search(user=nurse.user, keyring=nurse.keyring, query="methadone", page=1)
    assert [(r.name, r.reasons) for r in found] == [("Karim Benali", ["traitement"])]
    bob = org_a["normal"]
    assert list(person_search(user=bob.user, keyring=bob.keyring, query="hepatite", page=1)) == []


def test_done_status_sets_the_done_date(org_a, karim):
    nurse = org_a["normal_health"]
    consultation = consultation_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=karim,
        values=ConsultationInput(type="Médicale", due_at=timezone.now(), status=Status.DONE),
    )
    assert consultation.completed_at is not None


def test_a_private_consultation_is_found_by_its_author_only(org_a, karim):
    author, colleague = org_a["normal_health"], org_a["admin_health"]
    _consultation(author, karim, org_a.day, when=timezone.now(), name="Sevrage alcool", only_me=True)
    mine = person_search(user=author.user, keyring=author.keyring, query="sevrage", page=1)
    assert [(r.name, r.reasons) for r in mine] == [("Karim Benali", ["consultation"])]
    assert list(person_search(user=colleague.user, keyring=colleague.keyring, query="sevrage", page=1)) == []


def test_a_shared_and_a_private_consultation_keep_their_words_apart(org_a, karim):
    author, colleague = org_a["normal_health"], org_a["admin_health"]
    _consultation(author, karim, org_a.day, when=timezone.now(), name="Sevrage tabac", only_me=True)
    _consultation(author, karim, org_a.day, when=timezone.now(), name="Sevrage alcool")
    _consultation(colleague, karim, org_a.day, when=timezone.now(), name="Pansement jambe")
    _consultation(colleague, karim, org_a.day, when=timezone.now(), name="Pansement bras")

    def found(member, query):
        return [r.reasons for r in person_search(user=member.user, keyring=member.keyring, query=query, page=1)]

    assert found(author, "tabac") == [["consultation"]]
    assert found(colleague, "tabac") == []
    assert found(colleague, "sevrage alcool") == [["consultation"]]
    assert found(colleague, "sevrage tabac") == []
    assert found(author, "bras pansement") == found(colleague, "jambe") == [["consultation"]]


def test_the_search_forgets_a_deleted_consultation(org_a, karim):
    from mano.medical.services.consultations import consultation_delete

    nurse = org_a["normal_health"]
    consultation = _consultation(nurse, karim, org_a.day, when=timezone.now(), name="Radiographie")
    assert list(person_search(user=nurse.user, keyring=nurse.keyring, query="radiographie", page=1))
    consultation_delete(
        user=nurse.user, keyring=nurse.keyring, consultation=consultation, expected_version=consultation.version
    )
    assert list(person_search(user=nurse.user, keyring=nurse.keyring, query="radiographie", page=1)) == []
