"""The action page: comments on the action (also on the person's page), history, duplicating a cancelled
action, and family actions shown on every member's page."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.action_comments import action_comment_add
from mano.agenda.duplicate import action_duplicate
from mano.agenda.models import Action, Status
from mano.agenda.services import action_set_status, action_update, actions_create
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_data
from mano.persons.models import Comment, Person
from mano.persons.services import person_create
from mano.persons.services.families import family_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(bob, org_a) -> dict[str, Person]:
    names = {"mother": "Nadia Mère", "son": "Yanis Fils", "other": "Lucie Autre"}
    return {
        key: person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=name)
        for key, name in names.items()
    }


def _create(persona, org, person: Person, name: str = "Rendez-vous CCAS", **extra) -> Action:
    (action,) = actions_create(
        user=persona.user,
        keyring=persona.keyring,
        persons=[person],
        name=name,
        teams=[org.day],
        due_at=timezone.now(),
        **extra,
    )
    return action


def _cancel(persona, action: Action) -> Action:
    return action_set_status(
        user=persona.user,
        keyring=persona.keyring,
        action=action,
        status=Status.CANCELLED,
        expected_version=action.version,
    )


def _page(action: Action, tab: str = "") -> str:
    return f"/agenda/{action.pk}/" + (f"?onglet={tab}" if tab else "")


# Comments on an action


def test_a_comment_on_an_action_shows_on_the_action_page_and_on_the_person_page(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    client = unlocked_client(bob)
    response = client.post(
        f"/agenda/{action.pk}/commentaires/ajouter/", {"text": "Appeler la CAF avant jeudi", "urgent": "on"}
    )
    assert response.status_code == 302 and response["Location"].startswith(_page(action))
    comment = Comment.objects.get()
    assert comment.action_id == action.pk and comment.person_id == persons["mother"].pk and comment.urgent
    page = client.get(_page(action))
    assertContains(page, "Appeler la CAF avant jeudi")
    assertContains(page, "Prioritaire")
    assertContains(page, f"Créé par {bob.user}")
    person_page = client.get(f"/personnes/{persons['mother'].pk}/")
    assertContains(person_page, "Appeler la CAF avant jeudi")
    assertContains(person_page, f'href="/agenda/{action.pk}/"')


def test_editing_an_action_comment_comes_back_to_the_action_page(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    action_comment_add(user=bob.user, keyring=bob.keyring, action=action, text="Appeler la CAF")
    comment = Comment.objects.get()
    client = unlocked_client(bob)
    page = client.get(_page(action) + "?onglet=commentaires")
    edit_url = f"/personnes/{persons['mother'].pk}/commentaires/{comment.pk}/modifier/"
    assertContains(page, edit_url + "?next=")
    link = next(a for a in page.content.decode().split('"') if a.startswith(edit_url + "?next="))
    link = link.replace("&amp;", "&")
    saved = client.post(link, {"text": "Appeler la CAF lundi", "date": "2026-11-26 10:00", "version": "1"})
    assert saved.status_code == 302 and saved["Location"].startswith(_page(action))
    # Anywhere else than this site, `next` is ignored: back to the person's comments.
    elsewhere = client.post(
        edit_url + "?next=https://evil.example/", {"text": "x", "date": "2026-11-26 10:00", "version": "2"}
    )
    assert elsewhere["Location"] == f"/personnes/{persons['mother'].pk}/#commentaires"


def test_action_comments_are_listed_newest_first(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    for text in ("Premier commentaire", "Second commentaire"):
        action_comment_add(user=bob.user, keyring=bob.keyring, action=action, text=text)
    content = unlocked_client(bob).get(_page(action)).content.decode()
    assert content.index("Second commentaire") < content.index("Premier commentaire")


def test_an_empty_comment_is_refused_and_saves_nothing(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    response = unlocked_client(bob).post(f"/agenda/{action.pk}/commentaires/ajouter/", {"text": "  "})
    assertContains(response, "Le commentaire est obligatoire.")
    assert Comment.objects.count() == 0


def test_restricted_members_neither_see_nor_add_action_comments(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    action_comment_add(user=bob.user, keyring=bob.keyring, action=action, text="Texte confidentiel")
    client = unlocked_client(org_a["restricted"])
    page = client.get(_page(action))
    assert page.status_code == 200
    assertNotContains(page, "Texte confidentiel")
    assertNotContains(page, "commentaires/ajouter")
    assert client.post(f"/agenda/{action.pk}/commentaires/ajouter/", {"text": "Essai"}).status_code == 403
    assert Comment.objects.count() == 1


def test_charlie_gets_404_on_the_comment_and_duplicate_pages(bob, charlie, org_a, persons, unlocked_client):
    action = _cancel(bob, _create(bob, org_a, persons["mother"]))
    client = unlocked_client(charlie)
    assert client.post(f"/agenda/{action.pk}/commentaires/ajouter/", {"text": "Intrus"}).status_code == 404
    assert client.get(f"/agenda/{action.pk}/dupliquer/").status_code == 404
    assert Comment.objects.count() == 0 and Action.objects.count() == 1


def test_wrong_method_anonymous_and_locked_keys(bob, org_a, persons, unlocked_client, client):
    action = _create(bob, org_a, persons["mother"])
    url = f"/agenda/{action.pk}/commentaires/ajouter/"
    assert client.get(url)["Location"].startswith("/connexion/")
    bobs = unlocked_client(bob)
    assert bobs.put(url).status_code == 405
    assert bobs.delete(f"/agenda/{action.pk}/dupliquer/").status_code == 405
    bobs.post("/verrouiller/")
    assert bobs.get(url)["Location"].startswith("/deverrouiller/")


def test_marking_done_while_someone_adds_a_comment_loses_nothing(bob, alice, org_a, persons, unlocked_client):
    """A comment is its own row: the action's version does not move, so neither write can lose the other."""
    action = _create(bob, org_a, persons["mother"])
    bobs, alices = unlocked_client(bob), unlocked_client(alice)
    seen_version = action.version  # both have the action page open
    alices.post(f"/agenda/{action.pk}/commentaires/ajouter/", {"text": "Vu au CCAS ce matin"})
    response = bobs.post(f"/agenda/{action.pk}/statut/", {"status": "done", "version": seen_version})
    assert response.status_code == 302
    alices.post(f"/agenda/{action.pk}/commentaires/ajouter/", {"text": "Dossier déposé"})
    action.refresh_from_db()
    assert action.status == Status.DONE
    texts = {record_data(c, bob.keyring)["text"] for c in Comment.objects.filter(action_id=action.pk, deleted_at=None)}
    assert texts == {"Vu au CCAS ce matin", "Dossier déposé"}
    assert "Statut mis à jour." in [str(m) for m in response.wsgi_request._messages]


# History


def test_history_shows_creation_and_status_changes_with_french_labels(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    client = unlocked_client(bob)
    client.post(f"/agenda/{action.pk}/statut/", {"status": "done", "version": action.version})
    page = client.get(_page(action, "historique"))
    assertContains(page, "Création de l’action")
    assertContains(page, "Statut : « À faire » ➔ « Faite »")
    assertContains(page, str(bob.user))


def test_history_shows_old_and_new_values_but_no_description_to_restricted(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"], description="Avant")
    action_update(
        user=bob.user,
        keyring=bob.keyring,
        action=action,
        expected_version=action.version,
        name="Rendez-vous CAF",
        teams=[org_a.day],
        due_at=action.due_at,
        with_time=False,
        urgent=False,
        description="Situation médicale sensible",
        categories=[],
        status=Status.TODO,
        completed_at=None,
    )
    page = unlocked_client(bob).get(_page(action, "historique"))
    assertContains(page, "Nom de l’action : « Rendez-vous CCAS » ➔ « Rendez-vous CAF »")
    assertContains(page, "Situation médicale sensible")
    restricted = unlocked_client(org_a["restricted"]).get(_page(action, "historique"))
    assertContains(restricted, "Nom de l’action : « Rendez-vous CCAS » ➔ « Rendez-vous CAF »")
    assertContains(restricted, "Description modifiée")
    assertNotContains(restricted, "Situation médicale sensible")
    assertNotContains(restricted, "Avant")


# Duplicating a cancelled action


def test_duplicating_a_cancelled_action_creates_a_new_todo_action_and_keeps_the_original(
    bob, alice, org_a, persons, unlocked_client
):
    original = _create(
        bob, org_a, persons["mother"], description="Apporter le livret", categories=["Santé"], urgent=True
    )
    action_comment_add(user=alice.user, keyring=alice.keyring, action=original, text="Le CCAS ferme à 16 h")
    original = _cancel(bob, original)
    client = unlocked_client(bob)
    form = client.get(f"/agenda/{original.pk}/dupliquer/")
    assertContains(form, 'value="Rendez-vous CCAS"')
    assertContains(form, "Apporter le livret")
    assertContains(form, 'value="Santé"')
    response = client.post(
        f"/agenda/{original.pk}/dupliquer/",
        {
            "name": "Rendez-vous CCAS",
            "teams": [str(org_a.day.pk)],
            "due_at": "2027-01-15T10:00",
            "with_time": "on",
            "categories": "Santé",
            "description": "Apporter le livret",
            "urgent": "on",
        },
    )
    copy = Action.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/agenda/{copy.pk}/"
    assert copy.status == Status.TODO and copy.completed_at is None and copy.urgent
    assert copy.person_id == original.person_id
    assert timezone.localtime(copy.due_at).replace(tzinfo=None) == datetime(2027, 1, 15, 10, 0)
    data = record_data(copy, bob.keyring)
    assert (data["name"], data["description"], data["categories"]) == (
        "Rendez-vous CCAS",
        "Apporter le livret",
        ["Santé"],
    )
    original.refresh_from_db()
    assert original.status == Status.CANCELLED and original.version == 2
    # Its comments come along, with their author; the original keeps its own.
    (copied,) = Comment.objects.filter(action_id=copy.pk)
    assert record_data(copied, bob.keyring)["text"] == "Le CCAS ferme à 16 h" and copied.created_by == alice.user
    assert Comment.objects.filter(action_id=original.pk, deleted_at=None).count() == 1
    # Who made the copy stays on record: the copy's last writer and the audit trail.
    assert copied.updated_by == bob.user
    event = AuditEvent.objects.filter(action=AuditAction.ACTION_CREATE, detail__duplicated_from=str(original.pk)).get()
    assert (event.actor_id, event.detail["copied_comments"]) == (bob.user.pk, 1)


def test_a_cancelled_action_offers_to_duplicate_it(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    client = unlocked_client(bob)
    assertNotContains(client.get(_page(action)), "Dupliquer pour une date ultérieure")
    _cancel(bob, action)
    assertContains(client.get(_page(action)), "Dupliquer pour une date ultérieure")


def test_duplicating_without_a_new_date_saves_nothing(bob, org_a, persons, unlocked_client):
    action = _cancel(bob, _create(bob, org_a, persons["mother"]))
    response = unlocked_client(bob).post(
        f"/agenda/{action.pk}/dupliquer/", {"name": "Rendez-vous CCAS", "teams": [str(org_a.day.pk)]}
    )
    assertContains(response, "La date d’échéance est obligatoire.")
    assert Action.objects.count() == 1


def test_duplicating_an_action_that_is_not_cancelled_is_refused(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    response = unlocked_client(bob).post(
        f"/agenda/{action.pk}/dupliquer/",
        {"name": "Copie", "teams": [str(org_a.day.pk)], "due_at": "2027-01-15T10:00"},
    )
    assert response.status_code == 302 and response["Location"] == _page(action)
    assert Action.objects.count() == 1
    with pytest.raises(ValidationError):
        action_duplicate(
            user=bob.user, keyring=bob.keyring, action=action, name="Copie", teams=[org_a.day], due_at=timezone.now()
        )
    assert Action.objects.count() == 1


# Family actions


def _family(bob, persons) -> None:
    family_link(user=bob.user, keyring=bob.keyring, person=persons["mother"], other=persons["son"], description="")


def test_a_family_action_shows_on_the_other_members_pages_only(bob, org_a, persons, unlocked_client):
    _family(bob, persons)
    client = unlocked_client(bob)
    response = client.post(
        "/agenda/nouvelle/",
        {
            "name": "Demande de logement familial",
            "persons": [str(persons["mother"].pk)],
            "due_at": "2026-12-01T10:00",
            "teams": [str(org_a.day.pk)],
            "family": "on",
        },
    )
    assert response.status_code == 302
    assert record_data(Action.objects.get(), bob.keyring)["family"] is True
    for key in ("mother", "son"):
        page = client.get(f"/personnes/{persons[key].pk}/")
        assertContains(page, "Actions familiales")
        assertContains(page, "Demande de logement familial")
    assertNotContains(client.get(f"/personnes/{persons['other'].pk}/"), "Demande de logement familial")


def test_an_ordinary_action_stays_on_its_person_page(bob, org_a, persons, unlocked_client):
    _family(bob, persons)
    _create(bob, org_a, persons["mother"], name="Rendez-vous individuel")
    client = unlocked_client(bob)
    assertContains(client.get(f"/personnes/{persons['mother'].pk}/"), "Rendez-vous individuel")
    assertNotContains(client.get(f"/personnes/{persons['son'].pk}/"), "Rendez-vous individuel")


def test_the_family_box_is_offered_only_for_a_person_with_a_family(bob, org_a, persons, unlocked_client):
    _family(bob, persons)
    client = unlocked_client(bob)
    assertContains(client.get(f"/agenda/nouvelle/?personne={persons['mother'].pk}"), "Action familiale")
    assertNotContains(client.get(f"/agenda/nouvelle/?personne={persons['other'].pk}"), "Action familiale")
    org_a.organisation.families_enabled = False
    org_a.organisation.save(update_fields=["families_enabled"])
    assertNotContains(client.get(f"/agenda/nouvelle/?personne={persons['mother'].pk}"), "Action familiale")


def test_unflagging_a_family_action_is_in_its_history_and_hides_it_from_the_family(
    bob, org_a, persons, unlocked_client
):
    _family(bob, persons)
    action = _create(bob, org_a, persons["mother"], name="Démarche CAF", family=True)
    client = unlocked_client(bob)
    assertContains(client.get(f"/personnes/{persons['son'].pk}/"), "Démarche CAF")
    response = client.post(
        _page(action),
        {
            "name": "Démarche CAF",
            "teams": [str(org_a.day.pk)],
            "due_at": "2026-12-01T10:00",
            "status": "todo",
            "version": action.version,
        },
    )
    assert response.status_code == 302
    assert record_data(Action.objects.get(), bob.keyring)["family"] is False
    assertNotContains(client.get(f"/personnes/{persons['son'].pk}/"), "Démarche CAF")
    assertContains(client.get(_page(action, "historique")), "Action familiale : « Oui » ➔ « Non »")


def test_cancelling_from_the_form_lands_on_the_page_that_offers_a_duplicate(bob, org_a, persons, unlocked_client):
    action = _create(bob, org_a, persons["mother"])
    client = unlocked_client(bob)
    response = client.post(
        f"/agenda/{action.pk}/?next=/agenda/semaine/",
        {
            "name": "Rendez-vous CCAS",
            "teams": [str(org_a.day.pk)],
            "due_at": "2027-01-15T10:00",
            "status": "cancelled",
            "version": str(action.version),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/agenda/{action.pk}/?next=%2Fagenda%2Fsemaine%2F"
    page = client.get(response["Location"])
    assertContains(page, "Action annulée. Vous pouvez la dupliquer pour une date ultérieure.")
    assertContains(page, "Dupliquer pour une date ultérieure")
