"""Observation pages: add with persons met (found by a posted search), the territory's page newest first and paged,
edit with a conflict page, delete, the observation fields editor; access and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.views.person_options import FOUND
from mano.core.records import record_data
from mano.persons.models import Rencontre
from mano.persons.selectors.fields import config_version
from mano.territories.fieldsets import OBSERVATION_FIELDS
from mano.territories.models import Observation
from mano.territories.services.observations import ObservationInput, observation_update
from mano.territories.tests.factories import make_observation, make_person, make_territory
from mano.testing_urls import assert_no_words_in_urls

pytestmark = pytest.mark.django_db


def _add(territory):
    return reverse("territories:observation-add", args=[territory.pk])


def _form(territory, team, **extra):
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {"territory": str(territory.pk), "team": str(team.pk), "observed_at": moment, **extra}


def test_bob_records_an_observation_with_two_persons_met_and_sees_it_on_the_territory_page(bob, org_a, unlocked_client):
    territory = make_territory(bob, "Campement du canal")
    karim, lea = make_person(bob, org_a.day, "Karim Benali"), make_person(bob, org_a.day, "Léa Martin")
    client = unlocked_client(bob)
    form = client.get(_add(territory))
    assertContains(form, 'name="observed_at"')
    assertContains(form, f'<option value="{org_a.day.pk}" selected>Jour</option>', html=True)
    data = _form(territory, org_a.day, persons=[str(karim.pk)], c_personsMale="3", c_atmosphere="Tensions")
    response = client.post(_add(territory), {**data, FOUND: [str(lea.pk)]})
    observation = Observation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#observation-{observation.pk}")
    assert {r.person_id for r in Rencontre.objects.all()} == {karim.pk, lea.pk}
    page = client.get(reverse("territories:detail", args=[territory.pk]))
    assertContains(page, "Nombre de personnes non connues hommes rencontrées : 3")
    assertContains(page, "Ambiance : Tensions")
    assertNotContains(page, "Présence policière :")  # empty fields are not shown
    assertContains(page, f'<a href="/personnes/{karim.pk}/">Karim Benali</a>', html=True)
    assertContains(page, "Léa Martin")


def test_chercher_finds_persons_without_saving_and_keeps_the_typing(bob, org_a, unlocked_client):
    territory = make_territory(bob)
    karim = make_person(bob, org_a.day, "Karim Benali")
    client = unlocked_client(bob)
    response = client.post(_add(territory), _form(territory, org_a.day, q="benali", chercher="1", c_personsMale="2"))
    assert response.status_code == 200 and not Observation.objects.exists()
    assertContains(response, f'value="{karim.pk}"')
    assertContains(response, 'value="2"')
    assert_no_words_in_urls(response, ["benali"])


def test_bad_input_shows_french_messages_by_field_and_saves_nothing(bob, org_a, unlocked_client):
    territory = make_territory(bob)
    response = unlocked_client(bob).post(_add(territory), {"territory": str(territory.pk), "c_personsMale": "abc"})
    errors = response.context["form"].errors
    assert errors["observed_at"] == ["La date de l’observation est obligatoire"]
    assert errors["team"] == ["L'équipe est obligatoire"]
    assert "c_personsMale" in errors
    assert not Observation.objects.exists()


def test_the_territory_page_lists_observations_newest_first_twenty_a_page(bob, org_a, unlocked_client):
    territory = make_territory(bob)
    start = timezone.now() - timedelta(days=30)
    for day in range(25):
        make_observation(bob, territory, org_a.day, at=start + timedelta(days=day), material=day)
    client = unlocked_client(bob)
    url = reverse("territories:detail", args=[territory.pk])
    first = client.get(url)
    assertContains(first, "25 observations")
    values = [dict(o.values)["Nombre de matériel ramassé"] for o in first.context["page"]]
    assert values == [str(day) for day in range(24, 4, -1)]
    assertContains(first, "Page 1 sur 2")
    second = client.get(url + "?page=2")
    assert [dict(o.values)["Nombre de matériel ramassé"] for o in second.context["page"]] == ["4", "3", "2", "1", "0"]


def test_the_territory_page_costs_a_fixed_number_of_queries(bob, org_a, unlocked_client, django_assert_max_num_queries):
    territory = make_territory(bob)
    persons = [make_person(bob, org_a.day, f"Personne {i}") for i in range(3)]
    for _ in range(20):
        make_observation(bob, territory, org_a.day, persons=persons, personsMale=1)
    client = unlocked_client(bob)
    url = reverse("territories:detail", args=[territory.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_an_edit_on_an_old_version_ends_on_a_conflict_page_that_keeps_the_typing(bob, alice, org_a, unlocked_client):
    territory = make_territory(bob)
    observation = make_observation(bob, territory, org_a.day, personsMale=1)
    url = reverse("territories:observation", args=[observation.pk])
    client = unlocked_client(bob)
    assertContains(client.get(url), 'name="version" value="1"')
    values = ObservationInput(territory, org_a.day, observation.observed_at, custom={"personsMale": 7})
    observation_update(
        user=alice.user, keyring=alice.keyring, observation=observation, values=values, expected_version=1
    )
    response = client.post(url, _form(territory, org_a.day, c_personsMale="4", version="1"))
    assert response.status_code == 409
    assertContains(response, "Nombre de personnes non connues hommes rencontrées", status_code=409)
    assertContains(response, 'name="c_personsMale" value="4"', status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)
    assert record_data(Observation.objects.get(), bob.keyring)["custom"]["personsMale"] == 7
    saved = client.post(url, _form(territory, org_a.day, c_personsMale="4", version="2"))
    assert saved.status_code == 302
    assertContains(client.get(url), "« 7 » ➔ « 4 »")


def test_delete_says_how_many_rencontres_go_with_it(bob, org_a, unlocked_client):
    territory = make_territory(bob)
    persons = [make_person(bob, org_a.day, name) for name in ("Karim", "Léa")]
    observation = make_observation(bob, territory, org_a.day, persons=persons)
    client = unlocked_client(bob)
    url = reverse("territories:observation-delete", args=[observation.pk])
    assertContains(client.get(url), "Les 2 rencontres enregistrées avec elle seront supprimées aussi.")
    stale = client.post(url, {"version": "9"})
    assert stale.status_code == 302 and Observation.objects.get().deleted_at is None
    done = client.post(url, {"version": "1"})
    assert done["Location"] == reverse("territories:detail", args=[territory.pk])
    assert Observation.objects.get().deleted_at is not None
    assert not Rencontre.objects.filter(deleted_at=None).exists()


def test_a_restricted_member_adds_and_edits_observations_but_does_not_delete(bob, org_a, unlocked_client):
    territory = make_territory(bob)
    client = unlocked_client(org_a["restricted"])
    assert client.post(_add(territory), _form(territory, org_a.day, c_personsFemale="2")).status_code == 302
    observation = Observation.objects.get()
    url = reverse("territories:observation", args=[observation.pk])
    assertNotContains(client.get(url), "Supprimer…")
    assert client.get(reverse("territories:observation-delete", args=[observation.pk])).status_code == 403


def test_charlie_gets_404_for_an_observation_of_another_organisation(bob, charlie, org_a, unlocked_client):
    observation = make_observation(bob, make_territory(bob), org_a.day)
    client = unlocked_client(charlie)
    for name in ("observation", "observation-delete"):
        assert client.get(reverse(f"territories:{name}", args=[observation.pk])).status_code == 404
    assert (
        client.post(reverse("territories:observation-delete", args=[observation.pk]), {"version": "1"}).status_code
        == 404
    )
    assert Observation.objects.get().deleted_at is None


def test_an_observation_field_added_by_an_admin_appears_in_the_form(alice, bob, org_a, unlocked_client):
    admin = unlocked_client(alice)
    settings = admin.get(reverse("territories:settings"))
    assertContains(settings, "Nombre de personnes non connues hommes rencontrées")
    version = config_version(org_a.organisation, OBSERVATION_FIELDS.part)
    response = admin.post(
        reverse("observation-fields:field-add", args=[0]),
        {"label": "Nombre de tentes", "type": "number", "enabled": "on", "show_in_stats": "on", "version": version},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("territories:settings"))
    territory = make_territory(bob)
    assertContains(unlocked_client(bob).get(_add(territory)), "Nombre de tentes")


def test_with_rencontres_turned_off_the_form_has_no_persons_and_an_edit_keeps_those_met(bob, org_a, unlocked_client):
    territory = make_territory(bob)
    karim = make_person(bob, org_a.day, "Karim")
    observation = make_observation(bob, territory, org_a.day, persons=[karim])
    org_a.organisation.rencontres_enabled = False
    org_a.organisation.save()
    client = unlocked_client(bob)
    url = reverse("territories:observation", args=[observation.pk])
    assertNotContains(client.get(url), 'name="persons"')
    assert client.post(url, _form(territory, org_a.day, c_personsMale="2", version="1")).status_code == 302
    assert Rencontre.objects.filter(deleted_at=None).count() == 1
    assert record_data(Observation.objects.get(), bob.keyring)["persons"] == [str(karim.pk)]
    refused = client.post(_add(territory), _form(territory, org_a.day, persons=[str(karim.pk)]))
    assert refused.status_code == 302  # the persons field is gone: the observation is saved without anyone met
    assert Rencontre.objects.filter(deleted_at=None).count() == 1
