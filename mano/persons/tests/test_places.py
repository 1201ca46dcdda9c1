"""Places frequented: add (existing or new), remove, rename and delete for everybody."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.records import record_data
from mano.persons.models import Person, PersonPlace, Place
from mano.persons.services import person_create
from mano.persons.services.places import place_create, place_link_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def karim(bob, org_a) -> Person:
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")


@pytest.fixture
def zoe(bob, org_a) -> Person:
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Zoé Martin")


@pytest.fixture
def station(bob) -> Place:
    return place_create(user=bob.user, keyring=bob.keyring, name="Gare de l'Est")


def _add(person: Person) -> str:
    return f"/personnes/{person.pk}/lieux/ajouter/"


def _names(person: Person, keyring) -> list[str]:
    return [record_data(link.place, keyring)["name"] for link in PersonPlace.objects.filter(person=person)]


def test_it_adds_a_new_place_by_name_and_shows_it_on_the_person_page(bob, karim, unlocked_client):
    client = unlocked_client(bob)
    response = client.post(_add(karim), {"name": "  Parc   Monceau "})
    assert response.status_code == 302
    assert _names(karim, bob.keyring) == ["Parc Monceau"]
    page = client.get(f"/personnes/{karim.pk}/")
    assertContains(page, "Lieux fréquentés (1)")
    assertContains(page, "Parc Monceau")
    # The name is encrypted at rest.
    assert b"Monceau" not in bytes(Place.objects.get().payload)


def test_it_adds_an_existing_place_chosen_in_the_list(bob, karim, zoe, station, unlocked_client):
    place_link_add(user=bob.user, keyring=bob.keyring, person=zoe, place=station)
    client = unlocked_client(bob)
    assertContains(client.get(_add(karim)), "Gare de l&#x27;Est")
    assert client.post(_add(karim), {"place": str(station.pk)}).status_code == 302
    assert _names(karim, bob.keyring) == ["Gare de l'Est"]
    assert Place.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "GARE DE L'EST"}, "Ce lieu existe déjà"),
        ({"name": "gare de l’est"}, ""),  # another apostrophe is another name: accepted
        ({}, "Choisissez un lieu existant ou saisissez le nom d&#x27;un nouveau lieu."),
        ({"name": "Parc", "place": "STATION"}, "Choisissez un lieu existant ou saisissez le nom"),
        ({"name": "x" * 201}, "200 caractères"),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(bob, karim, station, unlocked_client, data, message):
    data = {k: (str(station.pk) if v == "STATION" else v) for k, v in data.items()}
    response = unlocked_client(bob).post(_add(karim), data)
    if not message:
        assert response.status_code == 302
        return
    assertContains(response, message)
    assert Place.objects.count() == 1
    assert not PersonPlace.objects.exists()


def test_a_place_already_recorded_for_the_person_is_refused(bob, karim, station, unlocked_client):
    place_link_add(user=bob.user, keyring=bob.keyring, person=karim, place=station)
    response = unlocked_client(bob).post(_add(karim), {"place": str(station.pk)})
    assertContains(response, "Ce lieu est déjà enregistré pour cette personne")
    assert PersonPlace.objects.count() == 1


def test_a_place_of_another_organisation_cannot_be_chosen(bob, karim, charlie, unlocked_client):
    foreign = place_create(user=charlie.user, keyring=charlie.keyring, name="Lieu secret B")
    client = unlocked_client(bob)
    assertNotContains(client.get(_add(karim)), "Lieu secret B")
    assertContains(client.post(_add(karim), {"place": str(foreign.pk)}), "Sélectionnez un choix valide")
    assert not PersonPlace.objects.exists()
    assert client.get(f"/personnes/lieux/{foreign.pk}/modifier/").status_code == 404
    assert client.post(f"/personnes/lieux/{foreign.pk}/supprimer/").status_code == 404
    assert Place.objects.get(pk=foreign.pk).deleted_at is None


def test_it_removes_a_link_after_confirmation_and_keeps_the_place(bob, karim, station, unlocked_client):
    link = place_link_add(user=bob.user, keyring=bob.keyring, person=karim, place=station)
    url = f"/personnes/{karim.pk}/lieux/{link.pk}/retirer/"
    client = unlocked_client(bob)
    assertContains(client.get(url), "Voulez-vous vraiment supprimer ce lieu fréquenté ?")
    assert PersonPlace.objects.exists()
    assert client.post(url).status_code == 302
    assert not PersonPlace.objects.exists()
    assert Place.objects.get().deleted_at is None


def test_renaming_a_place_renames_it_for_everybody(bob, karim, zoe, station, unlocked_client):
    for person in (karim, zoe):
        place_link_add(user=bob.user, keyring=bob.keyring, person=person, place=station)
    client = unlocked_client(bob)
    url = f"/personnes/lieux/{station.pk}/modifier/"
    response = client.post(url, {"name": "Gare du Nord", "version": "1", "next": f"/personnes/{karim.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/personnes/{karim.pk}/"
    assertContains(client.get(f"/personnes/{zoe.pk}/"), "Gare du Nord")
    assertContains(client.get("/personnes/lieux/"), "Gare du Nord")


def test_renaming_to_an_existing_name_or_on_a_stale_version_changes_nothing(bob, alice, station, unlocked_client):
    place_create(user=bob.user, keyring=bob.keyring, name="Parc")
    url = f"/personnes/lieux/{station.pk}/modifier/"
    assertContains(unlocked_client(bob).post(url, {"name": " parc ", "version": "1"}), "Ce lieu existe déjà")
    assert unlocked_client(alice).post(url, {"name": "Gare (Alice)", "version": "1"}).status_code == 302
    response = unlocked_client(bob).post(url, {"name": "Gare (Bob)", "version": "1"})
    assertContains(response, "Gare (Bob)", status_code=409)
    assertContains(response, "Quelqu’un a renommé ce lieu", status_code=409)
    station.refresh_from_db()
    assert record_data(station, bob.keyring)["name"] == "Gare (Alice)"


def test_deleting_a_place_removes_it_for_everybody_after_confirmation(bob, karim, zoe, station, unlocked_client):
    for person in (karim, zoe):
        place_link_add(user=bob.user, keyring=bob.keyring, person=person, place=station)
    url = f"/personnes/lieux/{station.pk}/supprimer/"
    client = unlocked_client(bob)
    assertContains(
        client.get(url),
        'Voulez-vous vraiment supprimer le lieu "Gare de l&#x27;Est" ? Cette action est irréversible et '
        "entrainera la suppression de tous les lieux fréquentés associés.",
    )
    assert PersonPlace.objects.count() == 2
    assert client.post(url).status_code == 302
    station.refresh_from_db()
    assert station.deleted_at is not None and not PersonPlace.objects.exists()
    assertNotContains(client.get(f"/personnes/{zoe.pk}/"), "Gare de l")
    assertNotContains(client.get("/personnes/lieux/"), "Gare de l")
    # The name is free again.
    assert client.post(_add(karim), {"name": "Gare de l'Est"}).status_code == 302


def test_roles_anonymous_method_and_locked_keys(org_a, bob, karim, station, unlocked_client, client):
    assert unlocked_client(org_a["restricted"]).get(_add(karim)).status_code == 403
    assert unlocked_client(org_a["stats"]).get("/personnes/lieux/").status_code == 403
    assert client.get("/personnes/lieux/").status_code == 302
    bob_client = unlocked_client(bob)
    assert bob_client.post("/personnes/lieux/").status_code == 405
    bob_client.post("/verrouiller/")
    assert bob_client.get(_add(karim))["Location"].startswith("/deverrouiller/")


def test_charlie_gets_404_on_org_a_places(bob, charlie, karim, station, unlocked_client):
    link = place_link_add(user=bob.user, keyring=bob.keyring, person=karim, place=station)
    client = unlocked_client(charlie)
    assert client.get(_add(karim)).status_code == 404
    assert client.post(f"/personnes/{karim.pk}/lieux/{link.pk}/retirer/").status_code == 404
    assert (
        client.post(f"/personnes/lieux/{station.pk}/modifier/", {"name": "Pirate", "version": "1"}).status_code == 404
    )
    assertNotContains(client.get("/personnes/lieux/"), "Gare")
    assert PersonPlace.objects.count() == 1
    station.refresh_from_db()
    assert record_data(station, bob.keyring)["name"] == "Gare de l'Est"


def test_the_places_list_costs_a_fixed_number_of_queries(bob, karim, unlocked_client, django_assert_max_num_queries):
    for i in range(25):
        place_link_add(user=bob.user, keyring=bob.keyring, person=karim, name=f"Lieu {i}")
    client = unlocked_client(bob)
    with django_assert_max_num_queries(10):
        page = client.get("/personnes/lieux/")
    assertContains(page, "Lieu 24")
