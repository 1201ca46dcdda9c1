"""Active list, merge and delete: what users see, what is kept, moved or removed, and what attackers cannot do."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_create, record_data
from mano.persons.index import shard_lines
from mano.persons.models import (
    Comment,
    Document,
    DocumentFolder,
    Family,
    Passage,
    Person,
    PersonIndex,
    PersonPlace,
    Rencontre,
)
from mano.persons.selectors.families import family_member_ids
from mano.persons.services import person_create, person_update
from mano.persons.services.families import family_link
from mano.persons.services.places import place_create, place_link_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def karim(bob, org_a) -> Person:
    return person_create(
        user=bob.user,
        keyring=bob.keyring,
        teams=[org_a.day],
        name="Karim Benali",
        phone="0601020304",
        custom={"structure_social": "CCAS"},
    )


@pytest.fixture
def double(bob, org_a) -> Person:
    """A second file of the same human, created by someone who did not find the first."""
    return person_create(
        user=bob.user,
        keyring=bob.keyring,
        teams=[org_a.night],
        name="Karim B.",
        birth_date="1980-05-01",
        description="Dort gare",
        custom={"resources": ["RSA"]},
    )


def _items(person: Person, member: Any, org: Any, family: bool = False) -> dict[str, Any]:
    """One of each item that hangs off a person, written straight through the record layer."""
    common = {"keyring": member.keyring, "organisation": org.organisation, "user": member.user, "person": person}
    folder = record_create(DocumentFolder, data={"name": "Papiers", "parent": None}, **common)
    document = {"name": "cni.pdf", "mime": "application/pdf", "folder": str(folder.pk), "family": family}
    return {
        "comment": record_create(Comment, data={"text": "Veut une douche", "family": family}, team=org.day, **common),
        "passage": record_create(Passage, data={"comment": ""}, team=org.day, date=timezone.now(), **common),
        "rencontre": record_create(Rencontre, data={"comment": ""}, team=org.day, date=timezone.now(), **common),
        "folder": folder,
        "document": record_create(Document, data=document, size=10, storage_name=uuid.uuid4().hex, **common),
    }


def _reload(rows: dict[str, Any]) -> dict[str, Any]:
    return {key: type(row).objects.get(pk=row.pk) for key, row in rows.items()}


# ---- Active list -------------------------------------------------------------------------------------------------


def _out(person: Person) -> str:
    return f"/personnes/{person.pk}/file-active/sortie/"


def _in(person: Person) -> str:
    return f"/personnes/{person.pk}/file-active/reintegration/"


def test_a_person_leaves_and_rejoins_the_active_list_of_the_current_team(bob, org_a, karim, unlocked_client):
    client = unlocked_client(bob)
    assertContains(client.get(f"/personnes/{karim.pk}/"), "Sortie de file active")
    assertContains(client.get(_out(karim)), f'value="{timezone.localdate().isoformat()}"')
    response = client.post(_out(karim), {"reasons": ["Hébergée", "Autre"], "date": "2024-03-01", "version": "1"})
    assert response.status_code == 302
    karim.refresh_from_db()
    data = record_data(karim, bob.keyring)
    assert data["out_of_active_list"] == {str(org_a.day.pk): {"date": "2024-03-01", "reasons": ["Hébergée", "Autre"]}}
    assert data["history"][-1]["kind"] == "active_list_out" and data["history"][-1]["reasons"] == ["Hébergée", "Autre"]
    page = client.get(f"/personnes/{karim.pk}/")
    assertContains(page, "01/03/2024")
    assertContains(page, "Réintégrer dans la file active")
    assertContains(client.get("/personnes/?active=out"), "Karim Benali")
    assertNotContains(client.get("/personnes/?active=in"), "Karim Benali")
    assertContains(client.get(f"/personnes/{karim.pk}/historique/"), "Sortie de la file active (Hébergée, Autre)")

    assertContains(client.get(_in(karim)), "Hébergée, Autre")
    assertContains(
        client.post(_in(karim), {"version": str(karim.version)}, follow=True), "réintégrée dans la file active"
    )
    karim.refresh_from_db()
    data = record_data(karim, bob.keyring)
    assert data["out_of_active_list"] == {} and data["history"][-1]["kind"] == "active_list_in"
    assertNotContains(client.get("/personnes/?active=out"), "Karim Benali")
    assertContains(client.get("/personnes/?active=in"), "Karim Benali")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reasons": ["Vacances"], "date": "2024-03-01"}, "Sélectionnez un choix valide"),
        ({"date": "2024-03-01"}, "Précisez au moins un motif de sortie."),
        ({"reasons": ["Décès"], "date": "1899-12-31"}, "hors limites"),
        ({"reasons": ["Décès"], "date": "2101-01-01"}, "hors limites"),
        ({"reasons": ["Décès"], "date": ""}, "Ce champ est obligatoire."),
        ({"reasons": ["Décès"], "date": "31/02/2024"}, "Saisissez une date valide."),
    ],
)
def test_bad_active_list_input_is_refused_and_saves_nothing(bob, karim, unlocked_client, data, message):
    response = unlocked_client(bob).post(_out(karim), {**data, "version": "1"})
    assertContains(response, message)
    karim.refresh_from_db()
    assert karim.version == 1


def test_a_stale_active_list_exit_keeps_what_was_typed_and_overwrites_nothing(bob, alice, karim, unlocked_client):
    person_update(user=alice.user, keyring=alice.keyring, person=karim, expected_version=1, phone="0700000000")
    response = unlocked_client(bob).post(_out(karim), {"reasons": ["Décès"], "date": "2024-03-01", "version": "1"})
    assertContains(response, "Quelqu’un a modifié ce dossier", status_code=409)
    assertContains(response, 'value="Décès" id="id_reasons_2" checked', status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)
    karim.refresh_from_db()
    assert record_data(karim, bob.keyring)["out_of_active_list"] == {}


def test_rejoining_someone_who_is_in_the_list_changes_nothing(bob, karim, unlocked_client):
    client = unlocked_client(bob)
    assertContains(client.get(_in(karim)), "déjà dans la file active")
    response = client.post(_in(karim), {"version": "1"}, follow=True)
    assertContains(response, "déjà dans la file active")
    karim.refresh_from_db()
    assert karim.version == 1


# ---- Merge -------------------------------------------------------------------------------------------------------


def _merge(left: Person, right: Person) -> str:
    return f"/personnes/{left.pk}/fusionner/{right.pk}/"


def _choices(**extra: str) -> dict[str, str]:
    picks = {
        "pick_f_name": "left",
        "pick_f_phone": "left",
        "pick_f_birth_date": "right",
        "pick_f_description": "right",
        "pick_f_followed_since": "left",
        "pick_c_structure_social": "left",
        "pick_c_resources": "right",
    }
    return {**picks, "left_version": "1", "right_version": "1", "confirm": "on", **extra}


def test_the_merge_page_shows_both_files_side_by_side(bob, karim, double, unlocked_client):
    client = unlocked_client(bob)
    chooser = client.get(f"/personnes/{karim.pk}/fusionner/?q=karim")
    assertContains(chooser, f'href="{double.pk}/"')
    assertNotContains(chooser, f'href="{karim.pk}/"')
    page = client.get(_merge(karim, double))
    for text in ("0601020304", "01/05/1980", "Dort gare", "CCAS", "RSA", "Cette opération est irréversible"):
        assertContains(page, text)
    assertContains(page, 'data-test-id="structure_social"')
    # Defaults: the kept file's value, or the other's where the kept file has none.
    assertContains(page, 'name="pick_f_name" value="left" id="id_pick_f_name_0" required checked')
    assertContains(page, 'name="pick_f_birth_date" value="right" id="id_pick_f_birth_date_1" required checked')


def test_a_merge_keeps_the_chosen_values_and_moves_everything(bob, org_a, karim, double, unlocked_client):
    items = _items(double, bob, org_a)
    station, parc = (place_create(user=bob.user, keyring=bob.keyring, name=n) for n in ("Gare", "Parc"))
    for person, place in ((karim, station), (double, station), (double, parc)):
        place_link_add(user=bob.user, keyring=bob.keyring, person=person, place=place)
    client = unlocked_client(bob)
    response = client.post(_merge(karim, double), _choices(value_f_description="Dort à la gare de l'Est"))
    assert response.status_code == 302 and response["Location"] == f"/personnes/{karim.pk}/"

    karim.refresh_from_db()
    data = record_data(karim, bob.keyring)
    assert (data["name"], data["phone"], data["birth_date"]) == ("Karim Benali", "0601020304", "1980-05-01")
    assert data["description"] == "Dort à la gare de l'Est"
    assert data["custom"] == {"structure_social": "CCAS", "resources": ["RSA"]}
    assert data["history"][-1]["kind"] == "merge" and data["history"][-1]["other_name"] == "Karim B."
    assert data["history"][-1]["other_id"] == str(double.pk)
    assert set(karim.teams.all()) == {org_a.day, org_a.night}
    assert all(row.person_id == karim.pk and row.deleted_at is None for row in _reload(items).values())
    assert sorted(link.place_id for link in PersonPlace.objects.all()) == sorted([station.pk, parc.pk])
    assert set(PersonPlace.objects.values_list("person_id", flat=True)) == {karim.pk}

    double.refresh_from_db()
    assert double.deleted_at is not None and not PersonIndex.objects.filter(person=double).exists()
    assert not [line for line in shard_lines(org_a.organisation.pk, bob.keyring, set()) if str(double.pk) in line]
    assert client.get(f"/personnes/{double.pk}/").status_code == 404
    search = client.get("/personnes/?q=douche")  # the moved comment is searchable on the kept file
    assertContains(search, "Karim Benali")
    assertContains(client.get(f"/personnes/{karim.pk}/historique/"), "Fusion avec le dossier de Karim B.")
    assert AuditEvent.objects.filter(
        action=AuditAction.PERSON_MERGE, object_id=str(karim.pk), detail__merged=str(double.pk)
    ).exists()


def test_a_merge_brings_the_family_along_and_joins_two_families(bob, org_a, karim, double, unlocked_client):
    sister, cousin = (person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n) for n in "SC")
    family_link(user=bob.user, keyring=bob.keyring, person=double, other=sister, description="Frère/sœur")
    family_link(user=bob.user, keyring=bob.keyring, person=karim, other=cousin, description="Cousins")
    assert unlocked_client(bob).post(_merge(karim, double), _choices()).status_code == 302
    assert set(family_member_ids(karim, bob.keyring)) == {karim.pk, sister.pk, cousin.pk}
    assert Family.objects.filter(deleted_at=None).count() == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"confirm": ""}, "Cochez la case pour confirmer : cette opération est irréversible."),
        ({"value_f_birth_date": "31/02/1980"}, "Saisissez une date valide."),
        ({"value_f_birth_date": "1850-01-01"}, "hors limites"),
        ({"value_f_phone": "0" * 301}, "300 caractères"),
        ({"pick_f_name": "milieu"}, "Sélectionnez un choix valide"),
        ({"left_version": ""}, "Le formulaire est incomplet : rechargez la page et recommencez."),
    ],
)
def test_a_bad_merge_form_changes_nothing(bob, org_a, karim, double, unlocked_client, extra, message):
    items = _items(double, bob, org_a)
    response = unlocked_client(bob).post(_merge(karim, double), _choices(**extra))
    assertContains(response, message)
    karim.refresh_from_db()
    double.refresh_from_db()
    assert (karim.version, double.version, double.deleted_at) == (1, 1, None)
    assert all(row.person_id == double.pk for row in _reload(items).values())


def test_a_merge_on_a_stale_file_shows_a_conflict_and_moves_nothing(bob, alice, org_a, karim, double, unlocked_client):
    items = _items(double, bob, org_a)
    person_update(user=alice.user, keyring=alice.keyring, person=double, expected_version=1, phone="0799999999")
    response = unlocked_client(bob).post(_merge(karim, double), _choices(value_f_phone="0611111111"))
    assertContains(response, "Quelqu’un a modifié ce dossier", status_code=409)
    assertContains(response, 'value="0611111111"', status_code=409)
    assertContains(response, "0799999999", status_code=409)
    karim.refresh_from_db()
    double.refresh_from_db()
    assert double.deleted_at is None and karim.version == 1
    assert record_data(karim, bob.keyring)["phone"] == "0601020304"
    assert all(row.person_id == double.pk for row in _reload(items).values())


def test_a_person_of_another_organisation_is_never_a_merge_target(bob, charlie, org_b, karim, unlocked_client):
    stranger = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Karim Secret")
    client = unlocked_client(bob)
    assertNotContains(client.get(f"/personnes/{karim.pk}/fusionner/?q=karim"), "Karim Secret")
    assert client.get(_merge(karim, stranger)).status_code == 404
    assert client.post(_merge(karim, stranger), _choices()).status_code == 404
    assert unlocked_client(charlie).post(_merge(stranger, karim), _choices()).status_code == 404
    stranger.refresh_from_db()
    karim.refresh_from_db()
    assert stranger.deleted_at is None and karim.deleted_at is None and karim.version == 1


def test_a_file_cannot_be_merged_with_itself(bob, karim, unlocked_client):
    response = unlocked_client(bob).post(_merge(karim, karim), _choices(), follow=True)
    assertContains(response, "Un dossier ne peut pas être fusionné avec lui-même.")
    karim.refresh_from_db()
    assert karim.deleted_at is None and karim.version == 1


# ---- Delete ------------------------------------------------------------------------------------------------------


def _delete(person: Person) -> str:
    return f"/personnes/{person.pk}/supprimer/"


@pytest.mark.parametrize("typed", ["", "karim benali", "Karim", "Karim Benali!"])
def test_deleting_needs_the_exact_name(bob, karim, unlocked_client, typed):
    response = unlocked_client(bob).post(_delete(karim), {"name": typed, "version": "1"})
    assertContains(response, "Le texte renseigné est incorrect")
    karim.refresh_from_db()
    assert karim.deleted_at is None


def test_deleting_a_person_removes_it_and_everything_it_owns(bob, org_a, karim, double, unlocked_client):
    own = _items(karim, bob, org_a)
    family_items = _items(karim, bob, org_a, family=True)
    family_link(user=bob.user, keyring=bob.keyring, person=karim, other=double, description="Frères")
    place_link_add(user=bob.user, keyring=bob.keyring, person=karim, name="Gare")
    client = unlocked_client(bob)
    assertContains(client.get(_delete(karim)), "Cette opération est irréversible.")
    response = client.post(_delete(karim), {"name": "Karim Benali", "version": "1"}, follow=True)
    assertContains(response, "Suppression réussie")
    assertNotContains(response, "Karim Benali")

    karim.refresh_from_db()
    assert karim.deleted_at is not None
    assert all(row.deleted_at is not None for row in _reload(own).values())
    moved = _reload(family_items)
    # Family comment and document stay with the family; the document leaves the deleted person's folder.
    assert moved["comment"].person_id == moved["document"].person_id == double.pk
    assert moved["comment"].deleted_at is None and record_data(moved["document"], bob.keyring)["folder"] is None
    assert family_member_ids(double, bob.keyring) == [] and Family.objects.get().deleted_at is not None
    assert not PersonPlace.objects.exists()
    assert client.get(f"/personnes/{karim.pk}/").status_code == 404
    assertNotContains(client.get("/personnes/?q=karim+benali"), "Karim Benali")
    assertNotContains(client.get("/personnes/?tout=1&tri=name"), "Karim Benali")
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_DELETE, object_id=str(karim.pk)).count() == 1
    assert not PersonIndex.objects.filter(person=karim).exists()
    assert not [line for line in shard_lines(org_a.organisation.pk, bob.keyring, set()) if str(karim.pk) in line]


def test_a_stale_delete_asks_to_check_again(bob, alice, karim, unlocked_client):
    person_update(user=alice.user, keyring=alice.keyring, person=karim, expected_version=1, phone="0700000000")
    response = unlocked_client(bob).post(_delete(karim), {"name": "Karim Benali", "version": "1"})
    assertContains(response, "Quelqu’un a modifié ce dossier", status_code=409)
    karim.refresh_from_db()
    assert karim.deleted_at is None


def test_only_admins_and_normal_members_reach_the_lifecycle_pages(org_a, karim, double, unlocked_client, client):
    restricted = unlocked_client(org_a["restricted"])
    for url in (_out(karim), _in(karim), f"/personnes/{karim.pk}/fusionner/", _merge(karim, double), _delete(karim)):
        assert restricted.get(url).status_code == 403
        assert client.get(url)["Location"].startswith("/connexion/")
    assert restricted.post(_delete(karim), {"name": "Karim Benali", "version": "1"}).status_code == 403
    assertNotContains(restricted.get(f"/personnes/{karim.pk}/"), "Fusionner avec un autre dossier")
    karim.refresh_from_db()
    assert karim.deleted_at is None


def test_charlie_gets_404_and_changes_nothing(charlie, karim, unlocked_client):
    client = unlocked_client(charlie)
    assert client.post(_out(karim), {"reasons": ["Décès"], "date": "2024-01-01", "version": "1"}).status_code == 404
    assert client.post(_in(karim), {"version": "1"}).status_code == 404
    assert client.post(_delete(karim), {"name": "Karim Benali", "version": "1"}).status_code == 404
    karim.refresh_from_db()
    assert karim.deleted_at is None and karim.version == 1


def test_wrong_method_and_locked_keys(bob, karim, unlocked_client):
    client = unlocked_client(bob)
    assert client.put(_delete(karim)).status_code == 405
    assert client.put(f"/personnes/{karim.pk}/fusionner/").status_code == 405
    client.post("/verrouiller/")
    assert client.get(_delete(karim))["Location"].startswith("/deverrouiller/")
