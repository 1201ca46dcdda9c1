"""The live person search of the action form: results to tick while typing, kept when the search changes."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import Action
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db
URL = "/agenda/nouvelle/personnes/"


@pytest.fixture
def persons(bob, org_a):
    return {
        n: person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n)
        for n in ("Karim Benali", "Karine Roux", "Zoé Martin")
    }


def test_typing_shows_the_persons_to_tick_and_keeps_those_ticked(bob, charlie, org_b, persons, unlocked_client):
    person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Karim Autre")
    client = unlocked_client(bob)
    first = client.post(URL, {"q": "kari"})
    assertContains(first, "Karim Benali")
    assertContains(first, "Karine Roux")
    assertNotContains(first, "Zoé Martin")
    assertNotContains(first, "Karim Autre")  # another organisation's person is never found
    karim = persons["Karim Benali"].pk
    second = client.post(URL, {"q": "zoe", "persons_found": [str(karim)]})
    assertContains(second, f'value="{karim}" checked')  # still ticked, above the new results
    assertContains(second, "Zoé Martin")
    assertNotContains(client.post(URL, {"q": "x"}), "Aucune")  # one letter: nothing yet
    assertContains(client.post(URL, {"q": "zzz"}), "Aucune autre personne trouvée pour « zzz ».")


def test_persons_ticked_among_the_results_get_the_action(bob, org_a, persons, unlocked_client):
    found = [str(persons["Karim Benali"].pk), str(persons["Zoé Martin"].pk)]
    form = {"name": "Douche", "due_at": "2026-12-01T10:00", "teams": [str(org_a.day.pk)], "persons_found": found}
    assert unlocked_client(bob).post("/agenda/nouvelle/", form).status_code == 302
    assert sorted(str(a.person_id) for a in Action.objects.all()) == sorted(found)


def test_a_restricted_member_finds_by_name_only(org_a, persons, unlocked_client):
    response = unlocked_client(org_a["restricted"]).post(URL, {"q": "roux"})
    assertContains(response, "Karine Roux")


def test_namesakes_are_told_apart_by_their_birth_date(bob, org_a, unlocked_client):
    for born in ("1980-05-02", "1992-11-30"):
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Patrice Diallo", birth_date=born)
    page = unlocked_client(bob).post(URL, {"q": "patrice"})
    assertContains(page, "né·e le 02/05/1980")
    assertContains(page, "né·e le 30/11/1992")
