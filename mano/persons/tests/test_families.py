"""Family links: one family per person, links through the pages, edit and delete, 👪 in the list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.records import record_data
from mano.persons.index import open_part
from mano.persons.models import Family, Person, PersonIndex
from mano.persons.selectors.families import family_member_ids, family_of
from mano.persons.services import person_create
from mano.persons.services.families import family_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(bob, org_a) -> dict[str, Person]:
    names = {"mother": "Nadia Mère", "son": "Yanis Fils", "uncle": "Omar Oncle", "other": "Lucie Autre"}
    return {
        key: person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=name)
        for key, name in names.items()
    }


def _url(person: Person, action: str = "ajouter/") -> str:
    return f"/personnes/{person.pk}/famille/{action}"


def _card(person: Person, keyring) -> dict:
    return open_part(PersonIndex.objects.get(person=person), "card", keyring)


def _relation_id(person: Person, keyring, index: int = 0) -> str:
    found = family_of(person, keyring)
    assert found is not None
    return found.relations[index]["id"]


def test_it_links_two_persons_and_the_list_shows_the_family_mark(bob, persons, unlocked_client):
    client = unlocked_client(bob)
    mother, son = persons["mother"], persons["son"]
    response = client.post(_url(mother), {"other": str(son.pk), "description": "Mère/fils"})
    assert response.status_code == 302
    assert sorted(family_member_ids(son, bob.keyring)) == sorted([mother.pk, son.pk])
    page = client.get(f"/personnes/{mother.pk}/")
    assertContains(page, "Nadia Mère")
    assertContains(page, "Yanis Fils</a>")
    assertContains(page, "Mère/fils")
    assert _card(son, bob.keyring)["family"] is True
    assert _card(persons["other"], bob.keyring)["family"] is False
    assertContains(client.get("/personnes/"), "👪", count=2)


def test_the_family_stays_encrypted(bob, persons):
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="X")
    payload = bytes(Family.objects.get().payload)
    assert str(persons["son"].pk).encode() not in payload and b"members" not in payload


def test_the_search_offers_other_persons_but_not_the_person_itself(bob, persons, unlocked_client):
    page = unlocked_client(bob).get(_url(persons["mother"]) + "?q=nadia")
    assertNotContains(page, f"?autre={persons['mother'].pk}")
    page = unlocked_client(bob).get(_url(persons["mother"]) + "?q=yanis")
    assertContains(page, f"?autre={persons['son'].pk}")
    chosen = unlocked_client(bob).get(_url(persons["mother"]) + f"?autre={persons['son'].pk}")
    assertContains(chosen, "Nouveau lien familial entre Nadia Mère et Yanis Fils")


@pytest.mark.parametrize(
    ("setup", "target", "message"),
    [
        ([], "mother", "Le lien avec cette personne est vite vu : c&#x27;est elle !"),
        ([("mother", "son")], "son", "Il y a déjà un lien entre ces deux personnes"),
        ([("mother", "son"), ("uncle", "other")], "uncle", "Cette personne fait déjà partie d&#x27;une autre famille"),
    ],
)
def test_bad_links_are_refused_with_the_reference_messages(bob, persons, unlocked_client, setup, target, message):
    for a, b in setup:
        family_link(user=bob.user, keyring=bob.keyring, person=persons[a], other=persons[b], description="")
    before = [(f.pk, f.version) for f in Family.objects.order_by("pk")]
    response = unlocked_client(bob).post(_url(persons["mother"]), {"other": str(persons[target].pk)})
    assertContains(response, message)
    assert [(f.pk, f.version) for f in Family.objects.order_by("pk")] == before


def test_linking_to_a_member_of_a_family_brings_the_person_into_it(bob, persons):
    mother, son, uncle = persons["mother"], persons["son"], persons["uncle"]
    family_link(user=bob.user, keyring=bob.keyring, person=mother, other=son, description="Mère/fils")
    family_link(user=bob.user, keyring=bob.keyring, person=uncle, other=son, description="Oncle/neveu")
    assert Family.objects.filter(deleted_at=None).count() == 1
    assert set(family_member_ids(mother, bob.keyring)) == {mother.pk, son.pk, uncle.pk}
    # The other family members can then be linked together too, inside the same family.
    family_link(user=bob.user, keyring=bob.keyring, person=uncle, other=mother, description="Frère/sœur")
    assert len(family_of(uncle, bob.keyring).relations) == 3  # type: ignore[union-attr]


def test_a_person_of_another_organisation_cannot_be_chosen(bob, persons, charlie, org_b, unlocked_client):
    stranger = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Secret B")
    client = unlocked_client(bob)
    assert client.get(_url(persons["mother"]) + f"?autre={stranger.pk}").status_code == 404
    assert client.post(_url(persons["mother"]), {"other": str(stranger.pk)}).status_code == 404
    assertNotContains(client.get(_url(persons["mother"]) + "?q=secret"), "Secret B")
    assert not Family.objects.exists()


def test_charlie_gets_404_on_every_family_page_of_org_a(bob, charlie, persons, unlocked_client):
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="")
    relation = _relation_id(persons["mother"], bob.keyring)
    client = unlocked_client(charlie)
    assert client.get(_url(persons["mother"])).status_code == 404
    for action in ("modifier/", "supprimer/"):
        assert client.get(_url(persons["mother"], f"{relation}/{action}")).status_code == 404
        assert client.post(_url(persons["mother"], f"{relation}/{action}"), {"version": "1"}).status_code == 404
    assert family_of(persons["mother"], bob.keyring) is not None


def test_restricted_members_get_403_and_anonymous_the_login_page(org_a, persons, unlocked_client, client):
    assert unlocked_client(org_a["restricted"]).get(_url(persons["mother"])).status_code == 403
    response = client.get(_url(persons["mother"]))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_wrong_method_and_locked_keys(bob, persons, unlocked_client):
    client = unlocked_client(bob)
    assert client.put(_url(persons["mother"])).status_code == 405
    client.post("/verrouiller/")
    response = client.get(_url(persons["mother"]))
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")


def test_it_edits_a_relation_text(bob, persons, unlocked_client):
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="?")
    url = _url(persons["son"], f"{_relation_id(persons['son'], bob.keyring)}/modifier/")
    client = unlocked_client(bob)
    assertContains(client.get(url), "Lien familial entre Nadia Mère et Yanis Fils")
    response = client.post(url, {"description": "Mère/fils", "version": "1"})
    assert response.status_code == 302
    assert family_of(persons["son"], bob.keyring).relations[0]["description"] == "Mère/fils"  # type: ignore[union-attr]


def test_a_stale_relation_edit_shows_a_conflict_and_keeps_the_typed_text(bob, alice, persons, unlocked_client):
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="?")
    url = _url(persons["son"], f"{_relation_id(persons['son'], bob.keyring)}/modifier/")
    assert unlocked_client(alice).post(url, {"description": "Version Alice", "version": "1"}).status_code == 302
    response = unlocked_client(bob).post(url, {"description": "Version Bob", "version": "1"})
    assertContains(response, "Version Bob", status_code=409)
    assertContains(response, "Quelqu’un a modifié cette famille", status_code=409)
    found = family_of(persons["son"], bob.keyring)
    assert found.relations[0]["description"] == "Version Alice"  # type: ignore[union-attr]


def test_a_relation_text_longer_than_200_characters_is_refused(bob, persons, unlocked_client):
    response = unlocked_client(bob).post(
        _url(persons["mother"]), {"other": str(persons["son"].pk), "description": "x" * 201}
    )
    assertContains(response, "200 caractères")
    assert not Family.objects.exists()


def test_deleting_the_last_relation_deletes_the_family(bob, persons, unlocked_client):
    mother, son = persons["mother"], persons["son"]
    family_link(user=bob.user, keyring=bob.keyring, person=mother, other=son, description="Mère/fils")
    url = _url(mother, f"{_relation_id(mother, bob.keyring)}/supprimer/")
    client = unlocked_client(bob)
    assertContains(client.get(url), "Voulez-vous vraiment supprimer le lien familial")
    assert family_of(mother, bob.keyring) is not None  # the confirmation page changes nothing
    assert client.post(url).status_code == 302
    assert Family.objects.get().deleted_at is not None
    assert family_member_ids(son, bob.keyring) == []
    assert _card(son, bob.keyring)["family"] is False
    assertContains(client.get(f"/personnes/{mother.pk}/"), "pas encore de lien familial")


def test_a_person_left_without_relation_leaves_the_family(bob, persons, unlocked_client):
    mother, son, uncle = persons["mother"], persons["son"], persons["uncle"]
    family_link(user=bob.user, keyring=bob.keyring, person=mother, other=son, description="Mère/fils")
    family_link(user=bob.user, keyring=bob.keyring, person=uncle, other=son, description="Oncle/neveu")
    url = _url(mother, f"{_relation_id(mother, bob.keyring)}/supprimer/")
    assert unlocked_client(bob).post(url).status_code == 302
    assert family_member_ids(mother, bob.keyring) == []
    assert set(family_member_ids(son, bob.keyring)) == {son.pk, uncle.pk}
    assert _card(mother, bob.keyring)["family"] is False
    assert _card(uncle, bob.keyring)["family"] is True


def test_when_families_are_disabled_the_section_is_hidden_and_pages_404(bob, org_a, persons, unlocked_client):
    org_a.organisation.families_enabled = False
    org_a.organisation.save()
    client = unlocked_client(bob)
    assertNotContains(client.get(f"/personnes/{persons['mother'].pk}/"), "Liens familiaux")
    assert client.get(_url(persons["mother"])).status_code == 404
    assert client.post(_url(persons["mother"]), {"other": str(persons["son"].pk)}).status_code == 404
    assert not Family.objects.exists()


def test_family_member_ids_see_every_member(bob, persons):
    assert family_member_ids(persons["mother"], bob.keyring) == []
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="")
    assert set(family_member_ids(persons["son"], bob.keyring)) == {persons["mother"].pk, persons["son"].pk}
    assert record_data(Family.objects.get(), bob.keyring)["members"] == [
        str(persons["mother"].pk),
        str(persons["son"].pk),
    ]


def _family_reads(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/personnes/{person.pk}/").status_code == 200
    return sum('"persons_family"' in q["sql"] for q in queries.captured_queries)


def test_a_person_page_opens_the_families_once_and_not_at_all_without_a_family(bob, persons, unlocked_client):
    """Its comments, documents, actions and families sections all show the family's items; the organisation's
    families are opened once for them, and not at all for a person whose card says it has no family."""
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="X")
    client = unlocked_client(bob)
    assert _family_reads(client, persons["son"]) == 1
    assert _family_reads(client, persons["other"]) == 0
    assertContains(client.get(f"/personnes/{persons['son'].pk}/"), "Nadia Mère</a>")  # the family's relation


def test_with_families_turned_off_no_section_opens_or_shows_them(bob, org_a, persons, unlocked_client):
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="X")
    org_a.organisation.families_enabled = False
    org_a.organisation.save()
    client = unlocked_client(bob)
    assert _family_reads(client, persons["son"]) == 0
    assertNotContains(client.get(f"/personnes/{persons['son'].pk}/"), "Nadia Mère</a>")
