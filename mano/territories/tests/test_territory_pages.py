"""Territory pages: list with a posted search and the archived filter, create, edit with a conflict page, archive,
delete with a typed confirmation, transfer with its numbers, the types editor; access and bad input."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.categories import config_version
from mano.core.records import record_data
from mano.territories.models import Observation, Territory
from mano.territories.services.territories import territory_archive, territory_update
from mano.territories.tests.factories import make_observation, make_territory
from mano.territories.types import TERRITORY_TYPES
from mano.testing_urls import assert_no_words_in_urls, assert_text_forms_post

pytestmark = pytest.mark.django_db
LIST = reverse("territories:list")


def _url(name, territory):
    return reverse(f"territories:{name}", args=[territory.pk])


def test_bob_creates_a_territory_and_lands_on_its_page(bob, unlocked_client):
    client = unlocked_client(bob)
    data = {"name": "Campement du canal", "types": ["Campement", "Lieu de vie"], "perimeter": "Quai Perrache"}
    response = client.post(reverse("territories:create"), data)
    territory = Territory.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("detail", territory)
    page = client.get(response["Location"])
    assertContains(page, "Campement du canal")
    assertContains(page, "Quai Perrache")
    assertContains(page, '<span class="tag">Lieu de vie</span>', html=True)


def test_a_territory_without_name_shows_the_message_on_its_field_and_saves_nothing(bob, unlocked_client):
    response = unlocked_client(bob).post(reverse("territories:create"), {"name": " ", "types": ["Campement"]})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Le nom est obligatoire"]
    assert not Territory.objects.exists()


def test_an_unknown_type_is_refused_and_saves_nothing(bob, unlocked_client):
    response = unlocked_client(bob).post(reverse("territories:create"), {"name": "Gare", "types": ["Piscine"]})
    assert response.status_code == 200 and "types" in response.context["form"].errors
    assert not Territory.objects.exists()


def test_the_search_posts_and_never_puts_the_words_in_a_url(bob, unlocked_client):
    make_territory(bob, "Squat Garibaldi", description="Bâtiment vide")
    make_territory(bob, "Gare Part-Dieu", types=["Errance"])
    client = unlocked_client(bob)
    assert_text_forms_post(client.get(LIST))
    posted = client.post(LIST, {"q": "batiment"})
    assert posted.status_code == 303 and "qs=" in posted["Location"]
    assert_no_words_in_urls(posted, ["batiment"])
    page = client.get(posted["Location"])
    assert [row.name for row in page.context["rows"]] == ["Squat Garibaldi"]
    assert_no_words_in_urls(page, ["batiment"])
    by_type = client.get(client.post(LIST, {"q": "errance"})["Location"])
    assert [row.name for row in by_type.context["rows"]] == ["Gare Part-Dieu"]


def test_archived_territories_are_hidden_until_asked_for(bob, unlocked_client):
    make_territory(bob, "Gare")
    old = make_territory(bob, "Ancien squat")
    territory_archive(user=bob.user, territory=old, archived=True)
    client = unlocked_client(bob)
    assert [row.name for row in client.get(LIST).context["rows"]] == ["Gare"]
    shown = client.get(LIST + "?archives=1")
    assert [row.name for row in shown.context["rows"]] == ["Ancien squat", "Gare"]
    assertContains(shown, "archivé")


def test_the_list_costs_a_fixed_number_of_queries(bob, org_a, unlocked_client, django_assert_max_num_queries):
    for index in range(12):
        make_observation(bob, make_territory(bob, f"Lieu {index}"), org_a.day)
    client = unlocked_client(bob)
    client.get(LIST)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 12 and response.context["rows"][0].observation_count == 1


def test_an_edit_on_an_old_version_ends_on_a_conflict_page_that_keeps_the_typing(bob, alice, unlocked_client):
    territory = make_territory(bob, "Gare", perimeter="Parvis")
    client = unlocked_client(bob)
    assertContains(client.get(_url("edit", territory)), 'name="version" value="1"')
    territory_update(
        user=alice.user, keyring=alice.keyring, territory=territory, data={"name": "Gare SNCF"}, expected_version=1
    )
    response = client.post(_url("edit", territory), {"name": "Gare routière", "perimeter": "Quai 4", "version": "1"})
    assert response.status_code == 409
    assertContains(response, "Gare SNCF", status_code=409)
    assertContains(response, 'value="Gare routière"', status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)
    assert record_data(Territory.objects.get(), bob.keyring)["name"] == "Gare SNCF"
    saved = client.post(_url("edit", territory), {"name": "Gare routière", "perimeter": "Quai 4", "version": "2"})
    assert saved.status_code == 302
    history = client.get(_url("edit", territory))
    assertContains(history, "Nom : « Gare SNCF » ➔ « Gare routière »")


def test_archive_and_restore_from_the_page(bob, unlocked_client):
    territory = make_territory(bob)
    client = unlocked_client(bob)
    assert client.get(_url("archive", territory)).status_code == 405
    client.post(_url("archive", territory), {"archiver": "1"})
    assert Territory.objects.get().archived_at is not None
    assertNotContains(client.get(_url("detail", territory)), "Nouvelle observation")
    client.post(_url("archive", territory), {"archiver": "0"})
    assert Territory.objects.get().archived_at is None


def test_delete_asks_for_the_name_and_takes_the_observations(bob, org_a, unlocked_client):
    territory = make_territory(bob, "Gare")
    make_observation(bob, territory, org_a.day)
    client = unlocked_client(bob)
    assertContains(client.get(_url("delete", territory)), "Son observation est supprimée avec lui")
    wrong = client.post(_url("delete", territory), {"name": "Gar", "version": "1"})
    assert wrong.status_code == 200 and "Le nom recopié ne correspond pas" in str(wrong.context["form"].errors)
    assert Territory.objects.get().deleted_at is None
    done = client.post(_url("delete", territory), {"name": "Gare", "version": "1"})
    assert done.status_code == 302 and done["Location"] == LIST
    assert Territory.objects.get().deleted_at is not None
    assert Observation.objects.get().deleted_at is not None
    assert client.get(_url("detail", territory)).status_code == 404


def test_transfer_gives_the_numbers_then_moves_and_deletes(bob, org_a, unlocked_client):
    source, target = make_territory(bob, "Quai A"), make_territory(bob, "Quai B")
    for _ in range(12):
        make_observation(bob, source, org_a.day)
    client = unlocked_client(bob)
    form = client.get(_url("transfer", source))
    assertContains(form, "Quai B")
    confirm = client.post(_url("transfer", source), {"target": str(target.pk)})
    assertContains(confirm, "12 observations seront déplacées vers « Quai B » ; « Quai A » sera supprimé.")
    assert Observation.objects.filter(territory=source).count() == 12  # nothing moved yet
    done = client.post(_url("transfer", source), {"target": str(target.pk), "confirm": "1"}, follow=True)
    assertContains(done, "12 observations déplacées ici ; l’autre territoire a été supprimé.")
    assertNotContains(done, "Quai A")  # no name in the flash message (it may be stored in the session)
    assert Observation.objects.filter(territory=target, deleted_at=None).count() == 12
    assert Territory.objects.get(pk=source.pk).deleted_at is not None


def test_transfer_to_no_target_or_itself_changes_nothing(bob, org_a, unlocked_client):
    source = make_territory(bob, "Quai A")
    client = unlocked_client(bob)
    for target in ("", str(source.pk)):
        response = client.post(_url("transfer", source), {"target": target, "confirm": "1"})
        assert response.status_code == 200 and response.context["form"].errors["target"]
    assert Territory.objects.get().deleted_at is None


def test_renaming_a_type_through_the_editor_rewrites_the_territories(alice, bob, org_a, unlocked_client):
    camp = make_territory(bob, "Camp", types=["Campement"])
    make_territory(bob, "Camp 2", types=["Campement", "Errance"])
    client = unlocked_client(alice)
    url = reverse("territories:category-edit") + "?" + urlencode({"nom": "Campement"})
    version = config_version(org_a.organisation, TERRITORY_TYPES)
    confirm = client.post(url, {"name": "Bidonville", "version": version})
    assertContains(confirm, "2 fiches de territoire utilisent « Campement » : elles seront réécrites.")
    client.post(url, {"name": "Bidonville", "version": version, "confirm": "1"})
    assert record_data(Territory.objects.get(pk=camp.pk), bob.keyring)["types"] == ["Bidonville"]
    edit = client.get(_url("edit", camp))
    assertContains(edit, "Types : « Campement » ➔ « Bidonville »")


def test_charlie_gets_404_for_a_territory_of_another_organisation(bob, charlie, unlocked_client):
    territory = make_territory(bob)
    client = unlocked_client(charlie)
    for name in ("detail", "edit", "delete", "transfer", "observation-add"):
        assert client.get(_url(name, territory)).status_code == 404, name
    assert client.post(_url("archive", territory), {"archiver": "1"}).status_code == 404
    assert client.post(_url("delete", territory), {"name": "Campement du canal", "version": "1"}).status_code == 404
    assert Territory.objects.get().deleted_at is None and Territory.objects.get().archived_at is None


def test_anonymous_goes_to_login_and_a_locked_session_to_the_unlock_page(bob, unlocked_client, client):
    territory = make_territory(bob)
    response = client.get(_url("detail", territory))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    member = unlocked_client(bob)
    member.post(reverse("accounts:lock"))
    locked = member.get(_url("detail", territory))
    assert locked.status_code == 302 and locked["Location"].startswith(reverse("accounts:unlock"))


def test_restricted_members_read_but_do_not_manage(org_a, bob, unlocked_client):
    territory = make_territory(bob)
    client = unlocked_client(org_a["restricted"])
    page = client.get(_url("detail", territory))
    assertContains(page, "Nouvelle observation")
    assertNotContains(page, _url("edit", territory))
    assert client.get(_url("edit", territory)).status_code == 403
    assert client.get(reverse("territories:create")).status_code == 403
    assert unlocked_client(org_a["stats"]).get(LIST).status_code == 403


def test_turned_off_territories_answer_404_and_leave_the_navigation(alice, bob, unlocked_client):
    territory = make_territory(bob)
    admin = unlocked_client(alice)
    assertContains(admin.get(reverse("accounts:home")), f'href="{LIST}"')
    admin.post(reverse("territories:settings"), {})
    assert admin.get(LIST).status_code == 404
    assert admin.get(_url("detail", territory)).status_code == 404
    assertNotContains(admin.get(reverse("accounts:home")), f'href="{LIST}"')
    assert admin.get(reverse("territories:settings")).status_code == 200  # to turn them on again
    admin.post(reverse("territories:settings"), {"territories_enabled": "on"})
    assert admin.get(LIST).status_code == 200


def test_the_organisation_page_links_to_the_territory_settings(alice, unlocked_client):
    page = unlocked_client(alice).get(reverse("accounts:organisation"))
    assertContains(page, reverse("territories:settings"))
    assertContains(page, reverse("territories:categories"))
