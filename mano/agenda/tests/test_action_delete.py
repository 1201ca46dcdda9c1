"""Deleting actions: confirmation, one or the following occurrences, comments with them, who may, conflicts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import Action
from mano.agenda.recurrence import Rule
from mano.agenda.services import action_delete, action_set_status, actions_create
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import ConflictError
from mano.persons.models import Comment
from mano.persons.selectors.persons import person_search
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(bob, org_a):
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")


def _series(bob, org_a, person, comment=""):
    """Five Mondays: 1, 8, 15, 22, 29 March 2027 at nine."""
    return actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Douche",
        teams=[org_a.day],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 9)),
        comment=comment,
        recurrence=Rule("week", 1, date(2027, 3, 29), weekdays=(0,)),
    )


def _live() -> list[int]:
    return [timezone.localtime(a.due_at).day for a in Action.objects.filter(deleted_at=None).order_by("due_at")]


def test_deleting_a_one_off_action_asks_first_then_removes_it_and_its_comments(bob, org_a, person, unlocked_client):
    (action,) = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Rendez-vous CCAS",
        teams=[org_a.day],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 9)),
        comment="Apporter la pièce d'identité",
    )
    client = unlocked_client(bob)
    page = client.get(f"/agenda/{action.pk}/supprimer/")
    assertContains(page, "Supprimer cette action ?")
    assertNotContains(page, "Cette action et les suivantes")
    assert client.post(f"/agenda/{action.pk}/supprimer/", {"version": "1"}).status_code == 302  # no confirmation
    assert Action.objects.filter(deleted_at=None).count() == 1
    # From the action page opened on a week: back to that week (an address of another site would not be followed).
    assertContains(client.get(f"/agenda/{action.pk}/?next=/agenda/semaine/"), "supprimer/?next=/agenda/semaine/")
    confirm = {"confirm": "1", "version": "1", "next": "/agenda/semaine/"}
    response = client.post(f"/agenda/{action.pk}/supprimer/", confirm)
    assert response["Location"] == "/agenda/semaine/"
    assertContains(client.get(response["Location"]), "Action supprimée.")
    action.refresh_from_db()
    assert action.deleted_at is not None
    assert Comment.objects.get().deleted_at is not None
    person_page = client.get(f"/personnes/{person.pk}/")
    assertNotContains(person_page, "Rendez-vous CCAS")
    assertNotContains(person_page, "pièce d&#x27;identité")
    assert list(person_search(user=bob.user, keyring=bob.keyring, query="CCAS", page=1)) == []
    event = AuditEvent.objects.get(action=AuditAction.RECORD_DELETE)
    assert (event.object_type, event.object_id, event.detail["count"]) == ("action", str(action.pk), 1)


def test_deleting_one_occurrence_keeps_the_others(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a, person)
    client = unlocked_client(bob)
    assertContains(client.get(f"/agenda/{series[2].pk}/supprimer/"), "2 autres actions à faire")
    client.post(f"/agenda/{series[2].pk}/supprimer/", {"confirm": "1", "version": "1", "scope": "one"})
    assert _live() == [1, 8, 22, 29]


def test_deleting_this_one_and_the_following_ones(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a, person, comment="Serviette")
    action_set_status(user=bob.user, keyring=bob.keyring, action=series[3], status="done", expected_version=1)
    client = unlocked_client(bob)
    response = client.post(f"/agenda/{series[1].pk}/supprimer/", {"confirm": "1", "version": "1", "scope": "following"})
    assertContains(client.get(response["Location"]), "3 actions supprimées.")
    # The first one came before; the done one (22 March) records work that happened.
    assert _live() == [1, 22]
    assert Comment.objects.filter(deleted_at=None).count() == 1  # the comment sits on the first occurrence
    # The series now ends with its last occurrence, and says so.
    assertContains(client.get(f"/agenda/{series[0].pk}/"), "jusqu’au 22/03/2027")


def test_deleting_the_following_ones_deletes_their_comments(bob, org_a, person):
    series = _series(bob, org_a, person, comment="Serviette")
    count = action_delete(user=bob.user, keyring=bob.keyring, action=series[0], expected_version=1, scope="following")
    assert count == 5 and _live() == []
    assert not Comment.objects.filter(deleted_at=None).exists()


def test_restricted_members_cannot_delete_actions(org_a, bob, person, unlocked_client):
    (action,) = _series(bob, org_a, person)[:1]
    restricted = org_a["restricted"]
    client = unlocked_client(restricted)
    assert client.get(f"/agenda/{action.pk}/supprimer/").status_code == 403
    assert client.post(f"/agenda/{action.pk}/supprimer/", {"confirm": "1", "version": "1"}).status_code == 403
    assertNotContains(client.get(f"/agenda/{action.pk}/"), "/supprimer/")
    with pytest.raises(PermissionDenied):
        action_delete(user=restricted.user, keyring=restricted.keyring, action=action, expected_version=1)
    with pytest.raises(PermissionDenied):
        action_delete(user=org_a["stats"].user, keyring=bob.keyring, action=action, expected_version=1)
    assert _live() == [1, 8, 15, 22, 29]


def test_another_organisation_gets_404_and_cannot_delete_through_the_service(
    bob, charlie, org_a, person, unlocked_client
):
    (action,) = _series(bob, org_a, person)[:1]
    client = unlocked_client(charlie)
    assert client.get(f"/agenda/{action.pk}/supprimer/").status_code == 404
    assert client.post(f"/agenda/{action.pk}/supprimer/", {"confirm": "1", "version": "1"}).status_code == 404
    with pytest.raises(PermissionDenied):
        action_delete(user=charlie.user, keyring=charlie.keyring, action=action, expected_version=1)
    assert len(_live()) == 5


def test_a_stale_delete_is_refused_and_shown(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a, person)
    action_set_status(user=bob.user, keyring=bob.keyring, action=series[0], status="done", expected_version=1)
    with pytest.raises(ConflictError):
        action_delete(user=bob.user, keyring=bob.keyring, action=series[0], expected_version=1, scope="following")
    response = unlocked_client(bob).post(
        f"/agenda/{series[0].pk}/supprimer/", {"confirm": "1", "version": "1", "scope": "following"}
    )
    assert response.status_code == 409
    assertContains(response, "vient d’être modifiée", status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)
    assert len(_live()) == 5
