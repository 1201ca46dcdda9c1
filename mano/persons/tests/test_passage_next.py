"""Editing a passage goes back where it was opened from (the reception desk), never to another site."""

from __future__ import annotations

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.persons.models import Passage, Person
from mano.persons.services.passages import passage_create
from mano.persons.services.persons import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def passage(bob, org_a) -> Passage:
    person: Person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")
    return passage_create(user=bob.user, keyring=bob.keyring, team=org_a.day, person=person, date=timezone.now())


def _form(org_a, version: int = 1) -> dict[str, str]:
    return {"date": "2026-03-10T14:30", "team": str(org_a.day.pk), "comment": "Café", "version": str(version)}


def test_an_edit_opened_from_the_desk_goes_back_to_the_desk(bob, org_a, passage, unlocked_client):
    url = f"/personnes/passages/{passage.pk}/modifier/?next=/agenda/accueil/"
    client = unlocked_client(bob)
    assertContains(client.get(url), 'href="/agenda/accueil/"')
    response = client.post(url, _form(org_a))
    assert response.status_code == 302
    assert response["Location"] == "/agenda/accueil/"


def test_a_posted_next_is_honoured_too(bob, org_a, passage, unlocked_client):
    response = unlocked_client(bob).post(
        f"/personnes/passages/{passage.pk}/modifier/", {**_form(org_a), "next": "/agenda/accueil/#passages"}
    )
    assert response["Location"] == "/agenda/accueil/#passages"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/agenda/", "javascript:alert(1)"])
def test_a_next_to_another_site_falls_back_to_the_person_page(bob, org_a, passage, unlocked_client, target):
    response = unlocked_client(bob).post(f"/personnes/passages/{passage.pk}/modifier/?next={target}", _form(org_a))
    assert response.status_code == 302
    assert response["Location"] == f"/personnes/{passage.person_id}/#passages"


def test_without_next_the_edit_still_goes_back_to_the_person_page(bob, org_a, passage, unlocked_client):
    response = unlocked_client(bob).post(f"/personnes/passages/{passage.pk}/modifier/", _form(org_a))
    assert response["Location"] == f"/personnes/{passage.person_id}/#passages"


def test_a_deletion_opened_from_the_desk_goes_back_to_the_desk(bob, org_a, passage, unlocked_client):
    client = unlocked_client(bob)
    url = f"/personnes/passages/{passage.pk}/supprimer/?next=/agenda/accueil/"
    assertContains(client.get(url), 'name="next" value="/agenda/accueil/"')
    response = client.post(url, {"confirm": "1", "next": "/agenda/accueil/"})
    assert response["Location"] == "/agenda/accueil/"
    passage.refresh_from_db()
    assert passage.deleted_at is not None
