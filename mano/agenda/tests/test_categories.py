"""Action categories: the admin settings page, rename and merge that rewrite actions, and the action form picker."""

from __future__ import annotations

import random
from urllib.parse import urlencode

import pytest
from django.db.models import F
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda import categories
from mano.agenda.models import Action
from mano.agenda.services import actions_create
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_data
from mano.demo.data import seed_actions
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db

CONFIG = [
    {"group": "Accès aux droits", "items": ["Domiciliation", "Dossier RSA"]},
    {"group": "Santé", "items": ["Rendez-vous médical"]},
]


@pytest.fixture
def configured(org_a):
    org_a.organisation.action_categories = [dict(g, items=list(g["items"])) for g in CONFIG]
    org_a.organisation.save(update_fields=["action_categories"])
    return org_a


@pytest.fixture
def person(bob, org_a):
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")


def _action(member, team, person, cats, name="Action"):
    (action,) = actions_create(
        user=member.user,
        keyring=member.keyring,
        persons=[person],
        name=name,
        teams=[team],
        due_at=timezone.now(),
        categories=cats,
    )
    return action


def _categories_of(action, keyring):
    action.refresh_from_db()
    return record_data(action, keyring)["categories"]


def _config(org):
    org.organisation.refresh_from_db()
    return org.organisation.action_categories


def _version(org):
    org.organisation.refresh_from_db()
    return categories.config_version(org.organisation)


def _edit_url(name):
    return "/agenda/reglages/categories/categorie/?" + urlencode({"nom": name})


def test_an_admin_adds_groups_and_categories_moves_and_renames_them(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    assertContains(client.get("/agenda/reglages/categories/"), "Toutes mes catégories")
    post = client.post("/agenda/reglages/categories/groupes/ajouter/", {"name": "Santé", "version": _version(org_a)})
    assert post.status_code == 302
    for group, name in (("Santé", "Rendez-vous médical"), ("Santé", "Accompagnement hôpital")):
        data = {"group": group, "name": name, "version": _version(org_a)}
        assert client.post("/agenda/reglages/categories/ajouter/", data).status_code == 302
    assert _config(org_a)[1] == {"group": "Santé", "items": ["Rendez-vous médical", "Accompagnement hôpital"]}
    data = {"category": "Accompagnement hôpital", "direction": "up", "version": _version(org_a)}
    client.post("/agenda/reglages/categories/categorie/deplacer/", data)
    assert _config(org_a)[1]["items"] == ["Accompagnement hôpital", "Rendez-vous médical"]
    data = {"category": "Rendez-vous médical", "to_group": "Toutes mes catégories", "version": _version(org_a)}
    client.post("/agenda/reglages/categories/categorie/deplacer/", data)
    assert _config(org_a)[0]["items"] == ["Rendez-vous médical"]
    client.post(
        "/agenda/reglages/categories/groupe/deplacer/",
        {"group": "Santé", "direction": "up", "version": _version(org_a)},
    )
    assert [g["group"] for g in _config(org_a)] == ["Santé", "Toutes mes catégories"]
    url = "/agenda/reglages/categories/groupe/?titre=Sant%C3%A9"
    assert client.post(url, {"name": "Soins", "version": _version(org_a)}).status_code == 302
    page = client.get("/agenda/reglages/categories/")
    assertContains(page, 'data-group="Soins"')
    assert AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE, organisation=org_a.organisation).count() == 7


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        ("groupes/ajouter/", {"name": " "}, "group_form", "Le titre du groupe est obligatoire"),
        ("groupes/ajouter/", {"name": "Santé"}, "group_form", "Ce groupe existe déjà"),
        ("ajouter/", {"group": "Santé", "name": ""}, "Santé", "Le nom de la catégorie est obligatoire"),
        (
            "ajouter/",
            {"group": "Santé", "name": "DOMICILIATION"},
            "Santé",
            "Cette catégorie existe déjà : Accès aux droits › Domiciliation",
        ),
    ],
)
def test_bad_input_is_shown_on_the_field_and_changes_nothing(
    alice, configured, unlocked_client, url, data, field, message
):
    response = unlocked_client(alice).post(
        "/agenda/reglages/categories/" + url, {**data, "version": _version(configured)}
    )
    assert response.status_code == 200
    if field == "group_form":
        form = response.context["group_form"]
    else:
        form = next(g["form"] for g in response.context["groups"] if g["group"] == field)
    assert any(message in e for e in form.errors["name"])
    assert _config(configured) == CONFIG


def test_a_form_built_on_an_older_configuration_is_refused(alice, configured, unlocked_client):
    client = unlocked_client(alice)
    data = {"group": "Santé", "name": "Appel 115", "version": "stale"}
    response = client.post("/agenda/reglages/categories/ajouter/", data, follow=True)
    assertContains(response, "La liste des catégories a été modifiée entre-temps")
    assert _config(configured) == CONFIG


def test_rename_rewrites_the_actions_only_after_confirmation(alice, bob, configured, person, unlocked_client):
    using = [_action(bob, configured.day, person, ["Domiciliation", "Dossier RSA"]) for _ in range(2)]
    other = _action(bob, configured.day, person, ["Dossier RSA"])
    client = unlocked_client(alice)
    url = _edit_url("Domiciliation")
    confirm = client.post(url, {"name": "Domiciliation CCAS", "version": _version(configured)})
    assertContains(confirm, "2 actions utilisent « Domiciliation » : elles seront réécrites")
    assert _categories_of(using[0], bob.keyring) == ["Domiciliation", "Dossier RSA"]
    assert _config(configured) == CONFIG
    done = client.post(url, {"name": "Domiciliation CCAS", "confirm": "1", "version": confirm.context["version"]})
    assert done.status_code == 302
    for action in using:
        assert _categories_of(action, bob.keyring) == ["Domiciliation CCAS", "Dossier RSA"]
        assert action.version == 2
    assert _categories_of(other, bob.keyring) == ["Dossier RSA"] and other.version == 1
    assert _config(configured)[0]["items"] == ["Domiciliation CCAS", "Dossier RSA"]
    event = AuditEvent.objects.get(action=AuditAction.ACTION_CATEGORY_RENAME)
    assert event.detail == {"actions": 2, "merge": False, "list": "action_categories"}


def test_renaming_to_an_existing_category_merges_and_dedupes(alice, bob, configured, person, unlocked_client):
    both = _action(bob, configured.day, person, ["Domiciliation", "Dossier RSA"])
    client = unlocked_client(alice)
    url = _edit_url("Domiciliation")
    confirm = client.post(url, {"name": "dossier rsa", "version": _version(configured)})
    assertContains(confirm, "sera fusionnée dans « Dossier RSA »")
    client.post(url, {"name": "Dossier RSA", "confirm": "1", "version": confirm.context["version"]})
    assert _categories_of(both, bob.keyring) == ["Dossier RSA"]
    assert _config(configured)[0]["items"] == ["Dossier RSA"]


def test_a_version_conflict_aborts_the_rename_and_changes_nothing(
    alice, bob, configured, person, unlocked_client, monkeypatch
):
    first, second = (_action(bob, configured.day, person, ["Domiciliation"]) for _ in range(2))
    real = categories.record_update
    calls = []

    def racing(action, **kwargs):
        calls.append(action.pk)
        if len(calls) == 2:  # someone saves the second action between our read and our write
            Action.objects.filter(pk=action.pk).update(version=F("version") + 1)
        return real(action, **kwargs)

    monkeypatch.setattr(categories, "record_update", racing)
    url = _edit_url("Domiciliation")
    data = {"name": "Domiciliation CCAS", "confirm": "1", "version": _version(configured)}
    response = unlocked_client(alice).post(url, data, follow=True)
    assertContains(response, "rien n’a été changé")
    assert len(calls) == 2
    for action in (first, second):
        assert _categories_of(action, bob.keyring) == ["Domiciliation"] and action.version == 1
    assert _config(configured) == CONFIG
    assert not AuditEvent.objects.filter(action=AuditAction.ACTION_CATEGORY_RENAME).exists()


def test_deleting_a_category_keeps_it_on_actions_and_in_their_form(alice, bob, configured, person, unlocked_client):
    action = _action(bob, configured.day, person, ["Domiciliation"])
    client = unlocked_client(alice)
    url = "/agenda/reglages/categories/categorie/supprimer/?nom=Domiciliation"
    assertContains(client.get(url), "Les actions qui l’ont déjà la gardent")
    assert client.post(url, {"version": _version(configured)}).status_code == 302
    assert "Domiciliation" not in _config(configured)[0]["items"]
    assert _categories_of(action, bob.keyring) == ["Domiciliation"]
    form = unlocked_client(bob).get(f"/agenda/{action.pk}/")
    assertContains(form, "Catégories retirées de la liste")
    assertContains(form, 'value="Domiciliation" id="id_categories_')
    assertContains(form, 'value="Domiciliation" id="id_categories_3_1" checked')


def test_deleting_a_group_moves_its_categories_to_the_chosen_group(alice, configured, unlocked_client):
    client = unlocked_client(alice)
    url = "/agenda/reglages/categories/groupe/supprimer/?titre=Acc%C3%A8s+aux+droits"
    refused = client.post(url, {"move_to": "", "version": _version(configured)})
    assert "Choisissez le groupe" in refused.context["form"].errors["move_to"][0]
    assert _config(configured) == CONFIG
    client.post(url, {"move_to": "Santé", "version": _version(configured)})
    assert _config(configured) == [{"group": "Santé", "items": ["Rendez-vous médical", "Domiciliation", "Dossier RSA"]}]
    last = client.post(
        "/agenda/reglages/categories/groupe/supprimer/?titre=Sant%C3%A9", {"version": _version(configured)}
    )
    assertContains(last, "C’est le seul groupe")
    assert len(_config(configured)) == 1


def test_members_get_403_and_another_organisation_is_not_found(alice, bob, charlie, configured, org_b, unlocked_client):
    assert unlocked_client(bob).get("/agenda/reglages/categories/").status_code == 403
    assert unlocked_client(bob).post(_edit_url("Domiciliation"), {"name": "X"}).status_code == 403
    org_b.organisation.action_categories = [{"group": "B", "items": ["Seulement B"]}]
    org_b.organisation.save(update_fields=["action_categories"])
    client = unlocked_client(alice)
    data = {"name": "Pris", "confirm": "1", "version": categories.config_version(org_b.organisation)}
    assert client.post(_edit_url("Seulement B"), data).status_code == 404
    assert client.post("/agenda/reglages/categories/categorie/supprimer/?nom=Seulement+B").status_code == 404
    assert _config(org_b) == [{"group": "B", "items": ["Seulement B"]}]


def test_the_picker_shows_the_groups_and_saves_the_checked_categories(bob, configured, person, unlocked_client):
    client = unlocked_client(bob)
    page = client.get(f"/agenda/nouvelle/?personne={person.pk}")
    assertContains(page, "<legend>Accès aux droits</legend>")
    assertContains(page, "<legend>Santé</legend>")
    assertContains(page, "js/categories.js")
    assertContains(page, "data-category-search")
    form = {
        "name": "RDV",
        "persons": [str(person.pk)],
        "due_at": "2026-12-01T10:00",
        "teams": [str(configured.day.pk)],
        "categories": ["Rendez-vous médical", "Domiciliation"],
    }
    assert client.post("/agenda/nouvelle/", form).status_code == 302
    assert record_data(Action.objects.get(), bob.keyring)["categories"] == ["Rendez-vous médical", "Domiciliation"]
    refused = client.post("/agenda/nouvelle/", {**form, "categories": ["Inventée"]})
    assert "categories" in refused.context["form"].errors
    assert Action.objects.count() == 1
    assertNotContains(refused, "Catégories retirées de la liste")


def test_the_demo_seed_configures_grouped_categories_and_uses_them(alice, org_a, person):
    seed_actions(alice, [org_a.day], [person] * 12, random.Random(4))
    config = _config(org_a)
    assert [g["group"] for g in config] == ["Accès aux droits", "Santé", "Hébergement"]
    used = {c for a in Action.objects.all() for c in record_data(a, alice.keyring)["categories"]}
    assert used and used <= set(categories.grouped.all_items(config))
