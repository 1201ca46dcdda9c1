"""Referrals: an action per person linked to the structure, listed on the person page, counted on the structure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import Action, Status
from mano.agenda.services import action_delete, actions_create
from mano.core.records import record_data
from mano.persons.services import person_create
from mano.persons.services.lifecycle import person_delete
from mano.structures.models import Referral
from mano.structures.referrals import referral_create
from mano.structures.services import structure_archive, structure_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def shower(alice):
    return structure_create(
        user=alice.user, data={"name": "Bains-douches Saint-Jean", "phones": ["04 72 00 00 00"], "city": "Lyon"}
    )


@pytest.fixture
def karim(bob, org_a):
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")


def test_referring_from_the_person_page_creates_a_done_action_and_lists_it(bob, shower, karim, org_a):
    client = login_client(bob)
    form = client.get(reverse("structures:refer", args=[shower.pk]), {"personne": karim.pk})
    assertContains(form, "Karim Benali")
    response = client.post(
        reverse("structures:refer", args=[shower.pk]) + f"?personne={karim.pk}",
        {"persons": [karim.pk], "retour": "personne", "comment": "Attend une douche jeudi"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("persons:detail", args=[karim.pk])
    action = Action.objects.get(person=karim)
    data = record_data(action, bob.keyring)
    assert data["name"] == "Orientation vers Bains-douches Saint-Jean"
    assert data["categories"] == ["Orientation"]
    assert data["structure"] == str(shower.pk)
    assert action.status == Status.DONE and action.completed_at is not None
    assert list(action.teams.all()) == [org_a.day]
    page = client.get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, 'id="orientations"')
    assertContains(page, reverse("structures:detail", args=[shower.pk]))
    action_page = client.get(reverse("agenda:edit", args=[action.pk]))
    assertContains(action_page, "tel:0472000000")
    assert client.get(reverse("structures:detail", args=[shower.pk])).context["referral_count"] == 1


def test_the_organisations_own_spelling_of_the_orientation_category_is_used(alice, bob, shower, karim, org_a):
    org_a.organisation.action_categories = [{"group": "Social", "items": ["orientation"]}]
    org_a.organisation.save(update_fields=["action_categories"])
    bob.user.refresh_from_db()
    [action] = referral_create(user=bob.user, keyring=bob.keyring, structure=shower, persons=[karim], team=org_a.day)
    assert record_data(action, bob.keyring)["categories"] == ["orientation"]


def test_several_persons_from_the_directory_and_a_restricted_member_may_refer(shower, karim, org_a):
    restricted = org_a["restricted"]
    other = person_create(user=restricted.user, keyring=restricted.keyring, teams=[org_a.day], name="Zoé Martin")
    client = login_client(restricted)
    response = client.post(reverse("structures:refer", args=[shower.pk]), {"persons_found": [karim.pk, other.pk]})
    assert response.status_code == 302
    assert Referral.objects.filter(structure=shower).count() == 2


def test_a_referral_needs_a_person_and_changes_nothing_without_one(bob, shower):
    response = login_client(bob).post(reverse("structures:refer", args=[shower.pk]), {"comment": "x"})
    assertContains(response, "Choisissez au moins une personne")
    assert not Action.objects.exists() and not Referral.objects.exists()


def test_an_archived_structure_takes_no_referral(alice, bob, shower, karim):
    structure_archive(user=alice.user, structure=shower, archived=True)
    shower.refresh_from_db()
    response = login_client(bob).post(reverse("structures:refer", args=[shower.pk]), {"persons": [karim.pk]})
    assertContains(response, "archivée")
    assert not Action.objects.exists()


def test_the_count_row_names_neither_person_nor_action(bob, shower, karim, org_a):
    [action] = referral_create(user=bob.user, keyring=bob.keyring, structure=shower, persons=[karim], team=org_a.day)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM structures_referral")
        dumped = " ".join(str(v) for row in cursor.fetchall() for v in row)
    for secret in (karim.pk, action.pk, karim.pk.hex, action.pk.hex):
        assert str(secret) not in dumped


def test_deleting_the_action_or_the_person_stops_counting_the_referral(bob, alice, shower, karim, org_a):
    [first] = referral_create(user=bob.user, keyring=bob.keyring, structure=shower, persons=[karim], team=org_a.day)
    referral_create(user=bob.user, keyring=bob.keyring, structure=shower, persons=[karim], team=org_a.day)
    assert Referral.objects.count() == 2
    first.refresh_from_db()
    action_delete(user=bob.user, keyring=bob.keyring, action=first, expected_version=first.version)
    assert Referral.objects.count() == 1
    karim.refresh_from_db()
    person_delete(user=alice.user, keyring=alice.keyring, person=karim, expected_version=karim.version)
    assert Referral.objects.count() == 0


def test_a_structure_with_referrals_is_archived_not_deleted(alice, bob, shower, karim, org_a):
    referral_create(user=bob.user, keyring=bob.keyring, structure=shower, persons=[karim], team=org_a.day)
    client = login_client(alice)
    response = client.post(reverse("structures:delete", args=[shower.pk]), follow=True)
    assertContains(response, "archivez-la plutôt")
    assert shower.__class__.objects.filter(pk=shower.pk).exists()


def test_the_person_page_offers_the_directory_when_no_referral_yet(bob, karim):
    page = login_client(bob).get(reverse("persons:detail", args=[karim.pk]))
    assertContains(page, "Aucune orientation pour l’instant")
    assertContains(page, reverse("structures:directory") + f"?pour={karim.pk}")


def test_the_directory_opened_for_a_person_offers_orienter_ici(bob, shower, karim):
    response = login_client(bob).get(reverse("structures:directory"), {"pour": karim.pk})
    assertContains(response, reverse("structures:refer", args=[shower.pk]) + f"?personne={karim.pk}")


def test_stats_members_see_nothing_of_the_directory(org_a, shower):
    client = login_client(org_a["stats"])
    assert client.get(reverse("structures:directory")).status_code == 403
    assert client.get(reverse("structures:detail", args=[shower.pk])).status_code == 403
    assertNotContains(client.get(reverse("accounts:home")), reverse("structures:directory"))


def test_the_person_page_lists_each_referral_with_its_action_and_only_referrals(alice, bob, shower, karim, org_a):
    """The section opens the person's actions without making agenda rows of them (no team, no name read)."""
    other = structure_create(user=alice.user, data={"name": "Épicerie solidaire", "city": "Lyon"})
    [to_shower] = referral_create(user=bob.user, keyring=bob.keyring, structure=shower, persons=[karim], team=org_a.day)
    [to_other] = referral_create(user=bob.user, keyring=bob.keyring, structure=other, persons=[karim], team=org_a.day)
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[karim],
        teams=[org_a.day],
        name="Appel au 115",
        due_at=timezone.now() + timedelta(days=1),
    )
    structure_archive(user=alice.user, structure=other, archived=True)
    page = login_client(bob).get(reverse("persons:detail", args=[karim.pk]))
    section = page.content.decode().split('id="orientations"')[1].split("</section>")[0]
    assert section.count('class="list__row"') == 2
    for action, structure in ((to_shower, shower), (to_other, other)):
        assert reverse("agenda:edit", args=[action.pk]) in section
        assert reverse("structures:detail", args=[structure.pk]) in section
        assert timezone.localtime(action.due_at).strftime("%d/%m/%Y") in section
    assert "Bains-douches Saint-Jean" in section and "Épicerie solidaire" in section and "archivée" in section
    assert "Appel au 115" not in section
    assertContains(page, "Appel au 115")  # in the Actions section
