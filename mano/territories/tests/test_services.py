"""The territory and observation services: validation with French messages by field, nothing written on bad
input, history, conflicts, archive, delete, transfer, type renames, and the rencontres of the persons met."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mano.agenda.categories import category_rename, config_version
from mano.core.records import ConflictError, record_data
from mano.persons.models import Rencontre
from mano.persons.selectors.fields import config_version as fields_version
from mano.persons.services.fields import field_choice_rename
from mano.territories.fieldsets import OBSERVATION_FIELDS
from mano.territories.models import Observation, Territory
from mano.territories.services.observations import (
    ObservationInput,
    observation_create,
    observation_delete,
    observation_update,
)
from mano.territories.services.territories import (
    territory_archive,
    territory_create,
    territory_delete,
    territory_transfer,
    territory_update,
)
from mano.territories.tests.factories import make_observation, make_person, make_territory
from mano.territories.types import TERRITORY_TYPES

pytestmark = pytest.mark.django_db


def test_it_creates_an_encrypted_territory_with_its_types(bob):
    territory = make_territory(bob, "Squat rue Garibaldi", types=["Campement"], perimeter="Sous le pont")
    assert b"Garibaldi" not in bytes(territory.payload)
    data = record_data(territory, bob.keyring)
    assert data["name"] == "Squat rue Garibaldi" and data["types"] == ["Campement"] and data["history"] == []


def test_types_match_ignoring_case_and_accents_and_are_stored_as_configured(bob):
    territory = make_territory(bob, types=["mendicite", "CAMPEMENT", "Campement"])
    assert record_data(territory, bob.keyring)["types"] == ["Mendicité", "Campement"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  "}, "name", "Le nom est obligatoire"),
        ({"name": "Gare", "types": ["Piscine"]}, "types", "Type inconnu : « Piscine »"),
    ],
)
def test_bad_input_is_refused_by_field_and_writes_nothing(bob, data, field, message):
    with pytest.raises(ValidationError) as caught:
        territory_create(user=bob.user, keyring=bob.keyring, data=data)
    assert message in caught.value.message_dict[field][0]
    assert not Territory.objects.exists()


@pytest.mark.parametrize("persona", ["restricted", "stats"])
def test_only_admins_and_normal_members_create_territories(org_a, persona):
    with pytest.raises(PermissionDenied):
        make_territory(org_a[persona])


def test_nothing_is_written_while_the_organisation_has_no_territories(bob, org_a):
    org_a.organisation.territories_enabled = False
    org_a.organisation.save()
    bob.user.refresh_from_db()
    with pytest.raises(PermissionDenied):
        make_territory(bob)


def test_an_edit_keeps_a_history_and_a_stale_version_writes_nothing(bob, alice):
    territory = make_territory(bob, "Gare", perimeter="Parvis")
    territory_update(
        user=alice.user,
        keyring=alice.keyring,
        territory=territory,
        data={"name": "Gare Part-Dieu", "perimeter": "Parvis", "types": ["Errance"]},
        expected_version=1,
    )
    data = record_data(Territory.objects.get(), bob.keyring)
    (entry,) = data["history"]
    assert entry["changes"] == {"name": ["Gare", "Gare Part-Dieu"], "types": [None, ["Errance"]]}
    with pytest.raises(ConflictError):
        territory_update(
            user=bob.user, keyring=bob.keyring, territory=territory, data={"name": "X"}, expected_version=1
        )
    assert record_data(Territory.objects.get(), bob.keyring)["name"] == "Gare Part-Dieu"


def test_archive_then_restore(bob):
    territory = make_territory(bob)
    territory_archive(user=bob.user, territory=territory, archived=True)
    assert Territory.objects.get().archived_at is not None
    territory_archive(user=bob.user, territory=territory, archived=False)
    assert Territory.objects.get().archived_at is None


def test_deleting_a_territory_deletes_its_observations_and_their_rencontres(bob, org_a):
    territory, other = make_territory(bob), make_territory(bob, "Gare")
    karim = make_person(bob, org_a.day, "Karim")
    make_observation(bob, territory, org_a.day, persons=[karim])
    make_observation(bob, territory, org_a.day)
    kept = make_observation(bob, other, org_a.day)
    assert territory_delete(user=bob.user, keyring=bob.keyring, territory=territory, expected_version=1) == 2
    assert list(Observation.objects.filter(deleted_at=None)) == [kept]
    assert not Rencontre.objects.filter(deleted_at=None).exists()
    assert Territory.objects.get(pk=territory.pk).deleted_at is not None


def test_transfer_moves_the_observations_and_deletes_the_source(bob, org_a):
    source, target = make_territory(bob, "Quai A"), make_territory(bob, "Quai B")
    for _ in range(3):
        make_observation(bob, source, org_a.day)
    make_observation(bob, target, org_a.day)
    moved = territory_transfer(user=bob.user, keyring=bob.keyring, source=source, target=target)
    assert moved == 3
    assert Observation.objects.filter(territory=target, deleted_at=None).count() == 4
    assert Territory.objects.get(pk=source.pk).deleted_at is not None
    entry = record_data(Territory.objects.get(pk=target.pk), bob.keyring)["history"][-1]
    assert entry["kind"] == "transfer" and entry["source"] == "Quai A" and entry["observations"] == 3


def test_transfer_into_itself_or_another_organisation_changes_nothing(bob, charlie, org_a):
    source = make_territory(bob, "Quai A")
    make_observation(bob, source, org_a.day)
    foreign = make_territory(charlie, "Ailleurs")
    for target in (source, foreign, None):
        with pytest.raises(ValidationError) as caught:
            territory_transfer(user=bob.user, keyring=bob.keyring, source=source, target=target)
        assert "target" in caught.value.message_dict
    assert Territory.objects.get(pk=source.pk).deleted_at is None
    assert Observation.objects.get().territory_id == source.pk


def test_renaming_a_type_rewrites_every_territory_in_one_go(alice, bob, org_a):
    camp = make_territory(bob, "Camp", types=["Campement", "Errance"])
    archived = make_territory(bob, "Ancien", types=["Campement"])
    territory_archive(user=bob.user, territory=archived, archived=True)
    other = make_territory(bob, "Gare", types=["Errance"])
    version = config_version(org_a.organisation, TERRITORY_TYPES)
    count = category_rename(
        user=alice.user,
        keyring=alice.keyring,
        old="Campement",
        new="Bidonville",
        config_version=version,
        spec=TERRITORY_TYPES,
    )
    assert count == 2
    assert record_data(Territory.objects.get(pk=camp.pk), bob.keyring)["types"] == ["Bidonville", "Errance"]
    assert record_data(Territory.objects.get(pk=archived.pk), bob.keyring)["types"] == ["Bidonville"]
    assert record_data(Territory.objects.get(pk=other.pk), bob.keyring)["types"] == ["Errance"]
    org_a.organisation.refresh_from_db()
    assert "Bidonville" in org_a.organisation.territory_types[0]["items"]


def test_an_observation_with_two_persons_met_creates_two_rencontres(bob, org_a):
    territory = make_territory(bob)
    karim, lea = make_person(bob, org_a.day, "Karim"), make_person(bob, org_a.day, "Léa")
    moment = timezone.now() - timedelta(hours=2)
    observation = make_observation(bob, territory, org_a.night, at=moment, persons=[karim, lea], personsMale=3)
    rencontres = Rencontre.objects.filter(deleted_at=None)
    assert {r.person_id for r in rencontres} == {karim.pk, lea.pk}
    assert all(r.team_id == org_a.night.pk and r.date == moment for r in rencontres)
    assert all(record_data(r, bob.keyring)["observation"] == str(observation.pk) for r in rencontres)
    data = record_data(observation, bob.keyring)
    assert data["persons"] == [str(karim.pk), str(lea.pk)] and data["custom"] == {"personsMale": 3}
    assert sorted(data["rencontres"]) == sorted(str(r.pk) for r in rencontres)


def test_unknown_custom_keys_are_dropped(bob, org_a):
    observation = make_observation(bob, make_territory(bob), org_a.day, personsMale=1, nothing="x")
    assert record_data(observation, bob.keyring)["custom"] == {"personsMale": 1}


def test_observation_bad_input_writes_nothing(bob, charlie, org_a, org_b):
    territory = make_territory(bob)
    archived = make_territory(bob, "Archivé")
    territory_archive(user=bob.user, territory=archived, archived=True)
    foreigner = make_person(charlie, org_b.day, "Ailleurs")
    cases = [
        (ObservationInput(None, org_a.day, timezone.now()), "territory", "Le territoire est obligatoire"),
        (ObservationInput(archived, org_a.day, timezone.now()), "territory", "archivé"),
        (ObservationInput(territory, None, timezone.now()), "team", "L'équipe est obligatoire"),
        (ObservationInput(territory, org_b.day, timezone.now()), "team", "n'appartient pas"),
        (ObservationInput(territory, org_a.day, None), "observed_at", "La date de l’observation est obligatoire"),
        (ObservationInput(territory, org_a.day, timezone.now(), persons=[foreigner]), "persons", "n’existe plus"),
    ]
    for values, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            observation_create(user=bob.user, keyring=bob.keyring, values=values)
        assert message in caught.value.message_dict[field][0]
    assert not Observation.objects.exists() and not Rencontre.objects.exists()


def _values(observation, **changes):
    base = {"territory": observation.territory, "team": observation.team, "observed_at": observation.observed_at}
    return ObservationInput(**{**base, **changes})


def test_editing_the_persons_met_adds_and_removes_their_rencontres(bob, org_a):
    territory = make_territory(bob)
    karim, lea, sam = (make_person(bob, org_a.day, n) for n in ("Karim", "Léa", "Sam"))
    observation = make_observation(bob, territory, org_a.day, persons=[karim, lea])
    later = observation.observed_at + timedelta(hours=1)
    observation_update(
        user=bob.user,
        keyring=bob.keyring,
        observation=observation,
        values=_values(observation, observed_at=later, persons=[lea, sam]),
        expected_version=1,
    )
    live = {r.person_id: r for r in Rencontre.objects.filter(deleted_at=None)}
    assert set(live) == {lea.pk, sam.pk}
    assert live[lea.pk].date == later and live[sam.pk].date == later
    data = record_data(Observation.objects.get(), bob.keyring)
    assert data["persons"] == [str(lea.pk), str(sam.pk)]
    assert data["history"][-1]["changes"]["persons"] == [["Karim", "Léa"], ["Léa", "Sam"]]


def test_a_restricted_member_adds_persons_met_but_cannot_remove_one(bob, org_a):
    restricted = org_a["restricted"]
    territory = make_territory(bob)
    karim, lea = make_person(bob, org_a.day, "Karim"), make_person(bob, org_a.day, "Léa")
    observation = make_observation(restricted, territory, org_a.day, persons=[karim])
    observation_update(
        user=restricted.user,
        keyring=restricted.keyring,
        observation=observation,
        values=_values(observation, persons=[karim, lea]),
        expected_version=1,
    )
    observation.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        observation_update(
            user=restricted.user,
            keyring=restricted.keyring,
            observation=observation,
            values=_values(observation, persons=[lea]),
            expected_version=2,
        )
    assert "persons" in caught.value.message_dict
    assert Rencontre.objects.filter(deleted_at=None).count() == 2
    with pytest.raises(PermissionDenied):
        observation_delete(
            user=restricted.user, keyring=restricted.keyring, observation=observation, expected_version=2
        )


def test_a_stale_observation_edit_is_a_conflict_and_writes_nothing(bob, org_a):
    observation = make_observation(bob, make_territory(bob), org_a.day, personsMale=1)
    lea = make_person(bob, org_a.day, "Léa")
    with pytest.raises(ConflictError):
        observation_update(
            user=bob.user,
            keyring=bob.keyring,
            observation=observation,
            values=_values(observation, persons=[lea], custom={"personsMale": 5}),
            expected_version=7,
        )
    assert not Rencontre.objects.exists()
    assert record_data(Observation.objects.get(), bob.keyring)["custom"] == {"personsMale": 1}


def test_deleting_an_observation_deletes_its_rencontres_only(bob, org_a):
    territory = make_territory(bob)
    karim = make_person(bob, org_a.day, "Karim")
    observation = make_observation(bob, territory, org_a.day, persons=[karim])
    other = make_observation(bob, territory, org_a.day, persons=[karim])
    observation_delete(user=bob.user, keyring=bob.keyring, observation=observation, expected_version=1)
    (left,) = Rencontre.objects.filter(deleted_at=None)
    assert record_data(left, bob.keyring)["observation"] == str(other.pk)
    assert Observation.objects.get(pk=observation.pk).deleted_at is not None


def test_renaming_an_observation_choice_rewrites_the_observations(alice, bob, org_a):
    territory = make_territory(bob)
    tense = make_observation(bob, territory, org_a.day, atmosphere="Tensions")
    calm = make_observation(bob, territory, org_a.day, atmosphere="RAS")
    version = fields_version(org_a.organisation, OBSERVATION_FIELDS.part)
    count = field_choice_rename(
        user=alice.user,
        keyring=alice.keyring,
        key="atmosphere",
        old="Tensions",
        new="Tendu",
        config_version=version,
        spec=OBSERVATION_FIELDS,
    )
    assert count == 1
    assert record_data(Observation.objects.get(pk=tense.pk), bob.keyring)["custom"]["atmosphere"] == "Tendu"
    assert record_data(Observation.objects.get(pk=calm.pk), bob.keyring)["custom"]["atmosphere"] == "RAS"


def test_no_person_met_is_recorded_while_rencontres_are_turned_off(bob, org_a):
    org_a.organisation.rencontres_enabled = False
    org_a.organisation.save()
    bob.user.refresh_from_db()
    karim = make_person(bob, org_a.day, "Karim")
    with pytest.raises(ValidationError) as caught:
        make_observation(bob, make_territory(bob), org_a.day, persons=[karim])
    assert "rencontres sont désactivées" in caught.value.message_dict["persons"][0]
    assert not Observation.objects.exists() and not Rencontre.objects.exists()
