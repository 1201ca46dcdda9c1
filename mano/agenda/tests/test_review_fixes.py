"""Bugs found in the review of the agenda work: bad input that answered 500, actions left behind by a person's
deletion or merge, a deletion of "the following ones" that could take an occurrence done meanwhile."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from mano.agenda import series
from mano.agenda.models import Action, ServiceCount, Status
from mano.agenda.recurrence import Rule
from mano.agenda.services import action_delete, actions_create
from mano.core.records import record_data
from mano.persons.models import Comment, Person
from mano.persons.services import person_create
from mano.persons.services.families import family_link
from mano.persons.services.lifecycle import person_delete
from mano.testing import merge_persons

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(bob, org_a) -> Person:
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")


def _action(persona, org, person: Person, name: str = "Rendez-vous CCAS", **extra) -> Action:
    (action,) = actions_create(
        user=persona.user,
        keyring=persona.keyring,
        persons=[person],
        name=name,
        teams=[org.day],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 9)),
        **extra,
    )
    return action


# --- Bad input that answered 500 -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/agenda/", "/agenda/semaine/", "/agenda/?q=douche", "/agenda/?sans_categorie=1"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "0001-01-02", "1000-06-15"])
def test_a_day_out_of_the_calendar_shows_today_instead_of_an_error(bob, unlocked_client, url, day):
    client = unlocked_client(bob)
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}jour={day}")
    assert response.status_code == 200
    # Not shown nor linked to; only the "come back here" address of the add button repeats what was asked.
    assert day not in re.sub(r"next=[^\"&]*", "", response.content.decode())


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_add_button_of_a_day_out_of_the_calendar_opens_an_ordinary_form(bob, person, unlocked_client, day):
    response = unlocked_client(bob).get(f"/agenda/nouvelle/?personne={person.pk}&jour={day}")
    assert response.status_code == 200


@pytest.mark.parametrize("due", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_due_date_out_of_range_is_a_field_error_and_saves_nothing(bob, org_a, person, unlocked_client, due):
    response = unlocked_client(bob).post(
        "/agenda/nouvelle/",
        {
            "name": "Douche",
            "persons": [str(person.pk)],
            "teams": [str(org_a.day.pk)],
            "due_at": due,
            "repeat": "on",
            "recurrence_interval": "1",
            "recurrence_unit": "day",
            "recurrence_end": "9999-12-31",
        },
    )
    assert response.status_code == 200
    assert "Date hors limites" in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize("done", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_done_date_out_of_range_is_a_field_error_and_changes_nothing(bob, org_a, person, unlocked_client, done):
    action = _action(bob, org_a, person)
    response = unlocked_client(bob).post(
        f"/agenda/{action.pk}/",
        {
            "name": "Autre nom",
            "teams": [str(org_a.day.pk)],
            "due_at": "2027-03-01T09:00",
            "status": "done",
            "completed_at": done,
            "version": str(action.version),
        },
    )
    assert response.status_code == 200
    assert "Date hors limites" in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.version) == (Status.TODO, 1)
    assert record_data(action, bob.keyring)["name"] == "Rendez-vous CCAS"


def test_a_counter_for_a_day_centuries_ago_is_refused(bob, org_a, unlocked_client):
    organisation = org_a.organisation
    organisation.reception_enabled = True
    organisation.services = [{"group": "Hygiène", "items": ["Douche"]}]
    organisation.save()
    client = unlocked_client(bob)
    response = client.post(f"/agenda/accueil/compteurs/{org_a.day.pk}/0001-01-01/", {"service": "Douche", "delta": "1"})
    assert response.status_code in (302, 404)
    assert not ServiceCount.objects.exists()


# --- A person's deletion or merge and its actions ------------------------------------------------------------


def test_deleting_a_person_takes_its_actions_out_of_the_agenda(bob, org_a, person, unlocked_client):
    action = _action(bob, org_a, person, name="Rendez-vous CAF")
    person_delete(user=bob.user, keyring=bob.keyring, person=person, expected_version=person.version)
    action.refresh_from_db()
    assert action.deleted_at is not None
    page = unlocked_client(bob).get("/agenda/liste/?equipe=toutes")
    assert "Rendez-vous CAF" not in page.content.decode()


def test_deleting_a_person_hands_its_family_actions_and_their_comments_to_another_member(bob, org_a, person):
    sister = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Leila")
    family_link(user=bob.user, keyring=bob.keyring, person=person, other=sister, description="sœur")
    family = _action(bob, org_a, person, name="Demande de logement", family=True, comment="Dossier SIAO")
    own = _action(bob, org_a, person, name="Rendez-vous individuel")
    person.refresh_from_db()
    person_delete(user=bob.user, keyring=bob.keyring, person=person, expected_version=person.version)
    family.refresh_from_db()
    own.refresh_from_db()
    assert (family.person_id, family.deleted_at) == (sister.pk, None)
    assert own.deleted_at is not None
    comment = Comment.objects.get(action_id=family.pk)
    assert (comment.person_id, comment.deleted_at) == (sister.pk, None)


def test_merging_two_persons_keeps_the_actions_of_both(bob, org_a, person, unlocked_client):
    other = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim B.")
    action = _action(bob, org_a, other, name="Rendez-vous CAF")
    merge_persons(bob, person, other)
    action.refresh_from_db()
    assert (action.person_id, action.deleted_at) == (person.pk, None)
    assert "Rendez-vous CAF" in unlocked_client(bob).get(f"/personnes/{person.pk}/").content.decode()


# --- Deleting "this one and the following ones" ---------------------------------------------------------------


def test_deleting_the_following_ones_never_takes_an_occurrence_done_meanwhile(bob, org_a, person, monkeypatch):
    first, *others = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Douche",
        teams=[org_a.day],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 9)),
        recurrence=Rule("week", 1, date(2027, 3, 29), weekdays=(0,)),
    )
    done = others[0]
    real_following = series.following

    def following_then_done(action):
        # Someone marks the second occurrence done just after the deletion listed the following ones.
        rows = real_following(action)
        ids = list(rows.values_list("pk", flat=True))
        Action.objects.filter(pk=done.pk).update(status=Status.DONE, completed_at=timezone.now())
        return Action.objects.filter(pk__in=ids)

    monkeypatch.setattr(series, "following", following_then_done)
    count = action_delete(
        user=bob.user, keyring=bob.keyring, action=first, expected_version=first.version, scope=series.FOLLOWING
    )
    done.refresh_from_db()
    assert done.deleted_at is None
    assert count == len(others)  # the first one and the three still to do
