"""Person create/edit through the pages: bad input changes nothing, conflicts keep both versions."""

from __future__ import annotations

import pytest
from django.db import connection
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_data
from mano.persons.models import Person
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(bob, org_a) -> Person:
    return person_create(
        user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali", description="Dort près de la gare"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, "Ce champ est obligatoire."),
        ({"name": "X", "teams": []}, "Choisissez au moins une équipe en charge."),
        ({"name": "X", "birth_date": "1899-12-31"}, "hors limites"),
        ({"name": "X", "followed_since": "2101-01-01"}, "hors limites"),
        ({"name": "X", "birth_date": "31/02/1980"}, "Saisissez une date valide."),
        ({"name": "X", "gender": "Licorne"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(bob, org_a, unlocked_client, data, message):
    payload = {"teams": [str(org_a.day.pk)], **data}
    response = unlocked_client(bob).post("/personnes/nouvelle/", payload)
    assertContains(response, message)
    assert Person.objects.count() == 0


def test_a_team_of_another_organisation_is_refused(bob, org_b, unlocked_client):
    response = unlocked_client(bob).post("/personnes/nouvelle/", {"name": "X", "teams": [str(org_b.day.pk)]})
    assertContains(response, "Sélectionnez un choix valide")
    assert Person.objects.count() == 0


def test_it_edits_a_person(bob, org_a, person, unlocked_client):
    client = unlocked_client(bob)
    response = client.post(
        f"/personnes/{person.pk}/modifier/", {"name": "Karim B.", "teams": [str(org_a.night.pk)], "version": "1"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.version == 2
    assert record_data(person, bob.keyring)["name"] == "Karim B."
    # Fields the form does not show survive an edit.
    assert list(person.teams.all()) == [org_a.night]


def test_a_stale_version_shows_a_conflict_and_overwrites_nothing(bob, alice, org_a, person, unlocked_client):
    first, second = unlocked_client(bob), unlocked_client(alice)
    form = {"name": "Karim (Bob)", "teams": [str(org_a.day.pk)], "version": "1"}
    assert first.post(f"/personnes/{person.pk}/modifier/", form).status_code == 302
    response = second.post(f"/personnes/{person.pk}/modifier/", {**form, "name": "Karim (Alice)"})
    assert response.status_code == 409
    assertContains(response, "Karim (Bob)", status_code=409)
    assertContains(response, "Karim (Alice)", status_code=409)
    person.refresh_from_db()
    assert record_data(person, bob.keyring)["name"] == "Karim (Bob)"
    # The conflict form carries the new version: resubmitting it wins deliberately.
    resubmit = second.post(f"/personnes/{person.pk}/modifier/", {**form, "name": "Karim (Alice)", "version": "2"})
    assert resubmit.status_code == 302


def test_restricted_members_do_not_see_the_description(org_a, person, unlocked_client):
    response = unlocked_client(org_a["restricted"]).get(f"/personnes/{person.pk}/")
    assertContains(response, "Karim Benali")
    assertNotContains(response, "Dort près de la gare")


def test_the_list_shows_the_team_or_the_whole_organisation(bob, org_a, person, unlocked_client):
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Zoé Nuit")
    client = unlocked_client(bob)
    team_page = client.get("/personnes/")
    assertContains(team_page, "Karim Benali")
    assertNotContains(team_page, "Zoé Nuit")
    assertContains(client.get("/personnes/?tout=1"), "Zoé Nuit")


def test_the_list_costs_a_fixed_number_of_queries(bob, org_a, unlocked_client, django_assert_max_num_queries):
    for i in range(30):
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=f"Personne {i}")
    client = unlocked_client(bob)
    with django_assert_max_num_queries(12):
        assert client.get("/personnes/").status_code == 200


def test_a_record_that_does_not_decrypt_gives_a_clear_page_and_an_audit_event(bob, person, unlocked_client):
    other = Person.objects.get(pk=person.pk)
    with connection.cursor() as cursor:
        # Simulate a tampered row: another row's ciphertext pasted here must not open.
        clone = person_create(user=bob.user, keyring=bob.keyring, teams=list(person.teams.all()), name="Autre")
        cursor.execute(
            "UPDATE persons_person SET payload = %s WHERE id = %s",
            [bytes(clone.payload), other.pk.hex if connection.vendor == "sqlite" else other.pk],
        )
    response = unlocked_client(bob).get(f"/personnes/{person.pk}/")
    assertContains(response, "ne peut pas être déchiffrée", status_code=500)
    assert AuditEvent.objects.filter(action=AuditAction.DECRYPTION_FAILURE, actor=bob.user).exists()


def test_restricted_members_cannot_change_what_they_cannot_see(org_a, person, unlocked_client):
    restricted = org_a["restricted"]
    response = unlocked_client(restricted).post(
        f"/personnes/{person.pk}/modifier/",
        {"name": "Karim Benali", "description": "réécrite", "teams": [str(org_a.day.pk)], "version": "1"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert record_data(person, restricted.keyring)["description"] == "Dort près de la gare"


def test_services_refuse_roles_and_organisations_on_their_own(org_a, charlie, person):
    """An API or a command calling a service directly gets no more than the pages allow."""
    from django.core.exceptions import PermissionDenied

    from mano.persons.services.lifecycle import person_delete
    from mano.persons.services.places import place_create

    restricted = org_a["restricted"]
    with pytest.raises(PermissionDenied):
        person_delete(user=restricted.user, keyring=restricted.keyring, person=person, expected_version=1)
    with pytest.raises(PermissionDenied):
        person_delete(user=charlie.user, keyring=charlie.keyring, person=person, expected_version=1)
    with pytest.raises(PermissionDenied):
        place_create(user=restricted.user, keyring=restricted.keyring, name="Gare")
    assert Person.objects.get(pk=person.pk).deleted_at is None
