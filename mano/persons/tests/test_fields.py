"""Person settings: custom-field groups and fields, choice renames that rewrite persons, exit reasons, switches."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from mano.accounts.models import Organisation
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import ConflictError, record_data
from mano.persons.models import Person
from mano.persons.selectors.fields import config_version, field_find, field_has_data
from mano.persons.services import fields as services
from mano.persons.services import person_create, person_update
from mano.testing import Org, Persona

pytestmark = pytest.mark.django_db

SETTINGS = "/personnes/reglages/"


def _org(org: Org) -> Organisation:
    org.organisation.refresh_from_db()
    return org.organisation


def _version(org: Org, part: str = "groups") -> str:
    return config_version(_org(org), part)


def _field(org: Org, key: str) -> dict[str, Any]:
    found = field_find(_org(org).person_field_groups, key)
    assert found is not None
    return found.field


def _labels(org: Org) -> list[str]:
    return [f["label"] for g in _org(org).person_field_groups for f in g["fields"]]


def _field_form(org: Org, **changes: Any) -> dict[str, Any]:
    form = {
        "label": "Suivi RSA",
        "type": "enum",
        "options": "Oui\n\n  En cours  \nNon\nOui",
        "enabled": "on",
        "show_in_stats": "on",
        "version": _version(org),
    }
    return {**form, **changes}


def _add_field(client: Any, org: Org, group: int = 0, **changes: Any) -> str:
    before = set(_keys(org))
    response = client.post(f"{SETTINGS}groupes/{group}/ajouter-un-champ/", _field_form(org, **changes))
    assert response.status_code == 302, response.content[:2000]
    (key,) = set(_keys(org)) - before
    return key


def _keys(org: Org) -> list[str]:
    return [f["key"] for g in _org(org).person_field_groups for f in g["fields"]]


def _person(member: Persona, org: Org, name: str, **custom: Any) -> Person:
    return person_create(user=member.user, keyring=member.keyring, teams=[org.day], name=name, custom=custom)


def _custom(person: Person, member: Persona) -> dict[str, Any]:
    person.refresh_from_db()
    return record_data(person, member.keyring)["custom"]


# Access


def test_only_admins_open_the_settings(alice, bob, org_a, unlocked_client):
    assertContains(unlocked_client(alice).get(SETTINGS), "Réglages des personnes suivies")
    assert unlocked_client(bob).get(SETTINGS).status_code == 403
    assert unlocked_client(org_a["restricted"]).post(f"{SETTINGS}groupes/ajouter/", {"name": "X"}).status_code == 403
    assert len(_org(org_a).person_field_groups) == 2


def test_a_locked_session_is_sent_to_unlock(alice, unlocked_client):
    client = unlocked_client(alice)
    client.post("/verrouiller/")
    response = client.get(SETTINGS)
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")


def test_services_refuse_a_non_admin(bob, org_a):
    with pytest.raises(PermissionDenied):
        services.field_group_add(user=bob.user, name="X", config_version=_version(org_a))
    assert len(_org(org_a).person_field_groups) == 2


# Groups


def test_it_adds_renames_and_deletes_an_empty_group(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    response = client.post(f"{SETTINGS}groupes/ajouter/", {"name": " Logement ", "version": _version(org_a)})
    assert response.status_code == 302
    assert [g["name"] for g in _org(org_a).person_field_groups][-1] == "Logement"
    client.post(f"{SETTINGS}groupes/2/", {"name": "Hébergement", "version": _version(org_a)})
    assert _org(org_a).person_field_groups[2]["name"] == "Hébergement"
    # An empty group goes without typing anything.
    assert client.post(f"{SETTINGS}groupes/2/supprimer/", {"version": _version(org_a)}).status_code == 302
    assert len(_org(org_a).person_field_groups) == 2
    actions = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).values_list("detail__change", flat=True)
    assert sorted(actions) == ["group_add", "group_delete", "group_rename"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Le nom du groupe est obligatoire"),
        ("   ", "Le nom du groupe est obligatoire"),
        ("INFORMATIONS SOCIALES", "Ce groupe existe déjà"),
    ],
)
def test_a_group_needs_a_new_name(alice, org_a, unlocked_client, name, message):
    response = unlocked_client(alice).post(f"{SETTINGS}groupes/ajouter/", {"name": name, "version": _version(org_a)})
    assertContains(response, message)
    assert len(_org(org_a).person_field_groups) == 2


def test_the_default_groups_cannot_be_renamed_or_deleted(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    assert client.get(f"{SETTINGS}groupes/0/").status_code == 404
    assert client.post(f"{SETTINGS}groupes/1/supprimer/", {"version": _version(org_a)}).status_code == 404
    assertNotContains(client.get(SETTINGS), f"{SETTINGS}groupes/0/supprimer/")
    with pytest.raises(ValidationError, match="groupes par défaut"):
        services.field_group_rename(user=alice.user, index=0, name="Social", config_version=_version(org_a))
    assert _org(org_a).person_field_groups[0]["name"] == "Informations sociales"


def test_a_group_with_fields_is_deleted_only_by_typing_its_name(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    client.post(f"{SETTINGS}groupes/ajouter/", {"name": "Logement", "version": _version(org_a)})
    _add_field(client, org_a, group=2)
    page = client.get(f"{SETTINGS}groupes/2/supprimer/")
    assertContains(page, "Pour confirmer, tapez le nom du groupe")
    wrong = client.post(f"{SETTINGS}groupes/2/supprimer/", {"confirmation": "logement", "version": _version(org_a)})
    assertContains(wrong, "Le texte renseigné est incorrect")
    assert len(_org(org_a).person_field_groups) == 3
    client.post(f"{SETTINGS}groupes/2/supprimer/", {"confirmation": "Logement", "version": _version(org_a)})
    assert len(_org(org_a).person_field_groups) == 2
    assert "Suivi RSA" not in _labels(org_a)


def test_groups_and_fields_move_up_and_down(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    client.post(f"{SETTINGS}groupes/1/deplacer/", {"direction": "up", "version": _version(org_a)})
    assert [g["name"] for g in _org(org_a).person_field_groups] == ["Informations de santé", "Informations sociales"]
    client.post(f"{SETTINGS}champs/nationality_situation/deplacer/", {"direction": "up", "version": _version(org_a)})
    keys = [f["key"] for f in _org(org_a).person_field_groups[1]["fields"]]
    assert keys[:2] == ["nationality_situation", "personal_situation"]
    # Past the end nothing moves, and the person page follows the new order.
    client.post(f"{SETTINGS}champs/nationality_situation/deplacer/", {"direction": "up", "version": _version(org_a)})
    assert [f["key"] for f in _org(org_a).person_field_groups[1]["fields"]] == keys
    person = _person(alice, org_a, "Karim")
    html = client.get(f"/personnes/{person.pk}/").content.decode()
    assert html.index("Informations de santé") < html.index("Informations sociales")
    assert html.index("Nationalité") < html.index("Situation personnelle")


# Fields


def test_it_adds_a_field_that_persons_can_fill_in(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    key = _add_field(client, org_a, allow_create_option="on", required="on")
    field = _field(org_a, key)
    assert key.startswith("custom-") and len(key) == len("custom-") + 12
    assert field["options"] == ["Oui", "En cours", "Non"]
    assert field["enabled"] and field["required"] and field["allow_create_option"] and field["show_in_stats"]
    person = _person(alice, org_a, "Karim")
    form = client.get(f"/personnes/{person.pk}/groupe/0/")
    assertContains(form, "Suivi RSA")
    response = client.post(f"/personnes/{person.pk}/groupe/0/", {f"c_{key}": "En cours", "version": "1"})
    assert response.status_code == 302
    assertContains(client.get(f"/personnes/{person.pk}/"), "En cours")
    event = AuditEvent.objects.get(detail__change="field_add")
    assert event.detail == {"change": "field_add", "field": key, "group": 0}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"label": "  "}, "label", "Le libellé est obligatoire"),
        ({"label": "nationalité"}, "label", "Ce libellé existe déjà"),
        ({"label": "Consommations"}, "label", "Ce libellé existe déjà"),
        ({"options": " \n "}, "options", "Ajoutez au moins un choix"),
        ({"type": "multi-choice", "options": ""}, "options", "Ajoutez au moins un choix"),
        ({"type": "couleur"}, "type", "Sélectionnez un choix valide"),
    ],
)
def test_bad_field_input_is_refused_on_its_field(alice, org_a, unlocked_client, changes, field, message):
    before = _org(org_a).person_field_groups
    response = unlocked_client(alice).post(f"{SETTINGS}groupes/0/ajouter-un-champ/", _field_form(org_a, **changes))
    assert message in " ".join(response.context["form"].errors[field])
    assert _org(org_a).person_field_groups == before


def test_a_field_can_be_enabled_for_chosen_teams_only(alice, bob, org_a, org_b, unlocked_client):
    client = unlocked_client(alice)
    key = _add_field(client, org_a, label="Suivi nuit", type="text", enabled="", enabled_teams=[str(org_a.night.pk)])
    assert _field(org_a, key)["enabled_teams"] == [str(org_a.night.pk)]
    assertContains(client.get(SETTINGS), "Nuit")
    person = _person(alice, org_a, "Karim")
    # Bob works in the day team: the field is not on his page nor in his form.
    assertNotContains(unlocked_client(bob).get(f"/personnes/{person.pk}/"), "Suivi nuit")
    # A team of another organisation is not offered, nor accepted by the service.
    response = client.post(
        f"{SETTINGS}groupes/0/ajouter-un-champ/",
        _field_form(org_a, label="Autre", enabled="", enabled_teams=[str(org_b.day.pk)]),
    )
    assertContains(response, "Sélectionnez un choix valide")
    with pytest.raises(ValidationError, match="n'appartient pas"):
        services.field_add(
            user=alice.user,
            group_index=0,
            config_version=_version(org_a),
            label="Autre",
            type="text",
            options=[],
            enabled_teams=[org_b.day],
        )


def test_it_edits_a_field_and_moves_it_to_another_group(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    page = client.get(f"{SETTINGS}champs/structure_social/")
    assertContains(page, "Structure de suivi social")
    form = _field_form(org_a, label="Structure sociale", type="textarea", options="", group="1")
    assert client.post(f"{SETTINGS}champs/structure_social/", form).status_code == 302
    groups = _org(org_a).person_field_groups
    assert groups[1]["fields"][-1]["key"] == "structure_social"
    assert groups[1]["fields"][-1]["label"] == "Structure sociale"
    assert groups[1]["fields"][-1]["type"] == "textarea"
    assert "structure_social" not in [f["key"] for f in groups[0]["fields"]]


def test_an_unknown_field_key_is_404(alice, unlocked_client):
    client = unlocked_client(alice)
    assert client.get(f"{SETTINGS}champs/custom-nope/").status_code == 404
    assert client.get(f"{SETTINGS}groupes/9/ajouter-un-champ/").status_code == 404


def test_the_type_changes_freely_while_no_person_has_a_value(alice, org_a, unlocked_client):
    form = _field_form(org_a, label="Avec animaux", type="boolean", options="")
    assert unlocked_client(alice).post(f"{SETTINGS}champs/has_animal/", form).status_code == 302
    assert _field(org_a, "has_animal")["type"] == "boolean"


def test_an_incompatible_type_change_is_refused_once_data_exists(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    _person(alice, org_a, "Karim", structure_social="CCAS")
    refused = client.post(f"{SETTINGS}champs/structure_social/", _field_form(org_a, label="Structure", type="date"))
    assert refused.context["form"].errors["type"] == [services.TYPE_LOCKED]
    assert _field(org_a, "structure_social")["type"] == "text"
    # text → enum is one of the allowed transitions.
    allowed = client.post(f"{SETTINGS}champs/structure_social/", _field_form(org_a, label="Structure", type="enum"))
    assert allowed.status_code == 302
    assert _field(org_a, "structure_social")["type"] == "enum"


def test_deleted_persons_and_empty_values_do_not_lock_the_type(alice, org_a):
    gone = _person(alice, org_a, "Parti", structure_social="CCAS")
    Person.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    _person(alice, org_a, "Vide", structure_social="", resources=[])
    assert not field_has_data(user=alice.user, keyring=alice.keyring, key="structure_social")
    assert not field_has_data(user=alice.user, keyring=alice.keyring, key="resources")


def test_other_organisations_data_does_not_lock_the_type(alice, charlie, org_a, org_b):
    _person(charlie, org_b, "Ailleurs", structure_social="CCAS")
    assert not field_has_data(user=alice.user, keyring=alice.keyring, key="structure_social")


def test_the_data_check_reads_persons_in_a_bounded_number_of_queries(alice, org_a, django_assert_max_num_queries):
    for i in range(30):
        _person(alice, org_a, f"P{i}")
    with django_assert_max_num_queries(2):
        assert not field_has_data(user=alice.user, keyring=alice.keyring, key="structure_social")


def test_deleting_a_field_needs_its_exact_label(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    person = _person(alice, org_a, "Karim", structure_social="CCAS du 18e")
    url = f"{SETTINGS}champs/structure_social/supprimer/"
    assertContains(client.get(url), "ne seront plus affichées")
    for typed in ("", "structure de suivi social", "Structure de suivi"):
        response = client.post(url, {"confirmation": typed, "version": _version(org_a)})
        assertContains(response, "Le texte renseigné est incorrect")
    assert "structure_social" in _keys(org_a)
    client.post(url, {"confirmation": "Structure de suivi social", "version": _version(org_a)})
    assert "structure_social" not in _keys(org_a)
    assertNotContains(client.get(f"/personnes/{person.pk}/"), "CCAS du 18e")


# Renaming a choice


def test_renaming_a_used_choice_asks_then_rewrites_every_person(alice, charlie, org_a, org_b, unlocked_client):
    client = unlocked_client(alice)
    karim = _person(alice, org_a, "Karim", personal_situation="Homme isolé")
    paul = _person(alice, org_a, "Paul", personal_situation="Homme isolé")
    zoe = _person(alice, org_a, "Zoé", personal_situation="Femme isolée")
    elsewhere = _person(charlie, org_b, "Ailleurs", personal_situation="Homme isolé")
    url = f"{SETTINGS}champs/personal_situation/renommer-un-choix/"
    assertContains(client.get(url + "?choix=Homme%20isol%C3%A9"), "Renommer un choix")
    ask = client.post(url, {"old": "Homme isolé", "new": "Homme seul", "version": _version(org_a)})
    assertContains(
        ask,
        "Voulez-vous vraiment renommer « Homme isolé » en « Homme seul », et mettre à jour toutes les personnes qui "
        "ont « Homme isolé » ? Cette opération est irréversible.",
    )
    assertContains(ask, "2 personnes ont ce choix")
    assert _custom(karim, alice)["personal_situation"] == "Homme isolé"

    done = client.post(
        url, {"old": "Homme isolé", "new": "Homme seul", "confirm": "1", "version": _version(org_a)}, follow=True
    )
    assertContains(done, "2 personnes mises à jour")
    assert _custom(karim, alice)["personal_situation"] == "Homme seul"
    assert _custom(paul, alice)["personal_situation"] == "Homme seul"
    assert _custom(zoe, alice)["personal_situation"] == "Femme isolée"
    assert _custom(elsewhere, charlie)["personal_situation"] == "Homme isolé"
    assert "Homme seul" in _field(org_a, "personal_situation")["options"]
    assert "Homme isolé" not in _field(org_a, "personal_situation")["options"]
    assert _field(org_b, "personal_situation")["options"][1] == "Homme isolé"
    # The page, the history and the list filter all see the new name.
    assertContains(client.get(f"/personnes/{karim.pk}/"), "Homme seul")
    assertContains(client.get(f"/personnes/{karim.pk}/historique/"), "Homme seul")
    found = client.get("/personnes/?tout=1&f=" + quote("personal_situation~eq~Homme seul"))
    assertContains(found, "Karim")
    assertContains(found, "Paul")
    assertNotContains(found, "Zoé")
    assertNotContains(client.get("/personnes/?tout=1&f=" + quote("personal_situation~eq~Homme isolé")), "Karim")
    event = AuditEvent.objects.get(detail__change="choice_rename")
    assert event.detail == {"change": "choice_rename", "field": "personal_situation", "rows": 2}


def test_renaming_a_multi_choice_option_rewrites_lists(alice, org_a):
    person = _person(alice, org_a, "Karim", resources=["RSA", "Mendicité"], consumptions=["Tabac"])
    count = services.field_choice_rename(
        user=alice.user,
        keyring=alice.keyring,
        key="resources",
        old="Mendicité",
        new="Manche",
        config_version=_version(org_a),
    )
    assert count == 1
    assert _custom(person, alice)["resources"] == ["RSA", "Manche"]
    assert _custom(person, alice)["consumptions"] == ["Tabac"]


def test_renaming_an_unused_choice_needs_no_confirmation(alice, org_a, unlocked_client):
    url = f"{SETTINGS}champs/employment/renommer-un-choix/"
    response = unlocked_client(alice).post(
        url, {"old": "Interim", "new": "Intérim", "version": _version(org_a)}, follow=True
    )
    assertContains(response, "aucune personne n’avait ce choix")
    assert "Intérim" in _field(org_a, "employment")["options"]


@pytest.mark.parametrize(("new", "message"), [("Famille", "Ce choix existe déjà"), ("  ", "Ajoutez au moins un choix")])
def test_a_choice_cannot_take_an_existing_or_empty_name(alice, org_a, unlocked_client, new, message):
    person = _person(alice, org_a, "Karim", personal_situation="Mineur")
    url = f"{SETTINGS}champs/personal_situation/renommer-un-choix/"
    response = unlocked_client(alice).post(
        url, {"old": "Mineur", "new": new, "confirm": "1", "version": _version(org_a)}
    )
    assertContains(response, message)
    assert _custom(person, alice)["personal_situation"] == "Mineur"
    assert "Mineur" in _field(org_a, "personal_situation")["options"]


def _saving_meanwhile(monkeypatch: Any, bob: Persona, times: int) -> list[str]:
    """Make record_update meet a concurrent save by Bob, `times` times, then behave normally."""
    real = services.record_update
    seen: list[str] = []

    def racing(person: Person, **kwargs: Any) -> Person:
        if len(seen) < times:
            seen.append(str(person.pk))
            fresh = Person.objects.get(pk=person.pk)
            person_update(
                user=bob.user, keyring=bob.keyring, person=fresh, expected_version=fresh.version, phone=f"06{len(seen)}"
            )
        return real(person, **kwargs)

    monkeypatch.setattr(services, "record_update", racing)
    return seen


def test_a_person_saved_meanwhile_is_re_read_and_renamed(alice, bob, org_a, monkeypatch):
    person = _person(alice, org_a, "Karim", personal_situation="Mineur")
    _saving_meanwhile(monkeypatch, bob, times=1)
    count = services.field_choice_rename(
        user=alice.user,
        keyring=alice.keyring,
        key="personal_situation",
        old="Mineur",
        new="Moins de 18 ans",
        config_version=_version(org_a),
    )
    assert count == 1
    person.refresh_from_db()
    data = record_data(person, alice.keyring)
    # Neither write is lost: Bob's phone and the renamed choice are both there.
    assert data["phone"] == "061"
    assert data["custom"]["personal_situation"] == "Moins de 18 ans"


def test_a_second_conflict_cancels_the_whole_rename(alice, bob, org_a, monkeypatch, unlocked_client):
    first = _person(alice, org_a, "Avant", personal_situation="Mineur")
    second = _person(alice, org_a, "Après", personal_situation="Mineur")
    _saving_meanwhile(monkeypatch, bob, times=3)
    url = f"{SETTINGS}champs/personal_situation/renommer-un-choix/"
    response = unlocked_client(alice).post(
        url, {"old": "Mineur", "new": "Moins de 18 ans", "confirm": "1", "version": _version(org_a)}
    )
    assertContains(response, "rien n’a été changé")
    assert _custom(first, alice)["personal_situation"] == "Mineur"
    assert _custom(second, alice)["personal_situation"] == "Mineur"
    assert "Mineur" in _field(org_a, "personal_situation")["options"]
    assert not AuditEvent.objects.filter(detail__change="choice_rename").exists()


def test_services_raise_conflict_after_two_failed_attempts(alice, bob, org_a, monkeypatch):
    _person(alice, org_a, "Karim", personal_situation="Mineur")
    _saving_meanwhile(monkeypatch, bob, times=2)
    with pytest.raises(ConflictError):
        services.field_choice_rename(
            user=alice.user,
            keyring=alice.keyring,
            key="personal_situation",
            old="Mineur",
            new="Ado",
            config_version=_version(org_a),
        )


def test_a_field_without_choices_has_no_rename_page(alice, unlocked_client):
    assert unlocked_client(alice).get(f"{SETTINGS}champs/structure_social/renommer-un-choix/").status_code == 404


# Exit reasons and feature switches


def test_it_edits_the_exit_reasons_one_per_line(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    assertContains(client.get(f"{SETTINGS}motifs-de-sortie/"), "Reconduite à la frontière")
    form = {"reasons": "Hébergée\n\n  Décès \nHébergée\nRetour au pays", "version": _version(org_a, "reasons")}
    assert client.post(f"{SETTINGS}motifs-de-sortie/", form).status_code == 302
    assert _org(org_a).active_list_reasons == ["Hébergée", "Décès", "Retour au pays"]
    empty = client.post(f"{SETTINGS}motifs-de-sortie/", {"reasons": " \n", "version": _version(org_a, "reasons")})
    assertContains(empty, "Ajoutez au moins un motif")
    assert _org(org_a).active_list_reasons == ["Hébergée", "Décès", "Retour au pays"]


def test_it_switches_features_on_and_off(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    form = {"passages_enabled": "on", "version": _version(org_a, "features")}
    response = client.post(f"{SETTINGS}fonctionnalites/", form, follow=True)
    assertContains(response, "Fonctionnalités mises à jour.")
    organisation = _org(org_a)
    assert organisation.passages_enabled
    assert not organisation.rencontres_enabled and not organisation.families_enabled
    event = AuditEvent.objects.get(detail__change="features")
    assert event.actor == alice.user
    assert event.detail == {
        "change": "features",
        "passages_enabled": True,
        "rencontres_enabled": False,
        "families_enabled": False,
    }


# Concurrent admins


def test_a_form_built_on_an_older_config_is_refused_and_keeps_the_input(alice, org_a, unlocked_client):
    client, other = unlocked_client(alice), unlocked_client(org_a["admin"])
    stale = _version(org_a)
    other.post(f"{SETTINGS}groupes/ajouter/", {"name": "Logement", "version": stale})
    response = client.post(
        f"{SETTINGS}groupes/0/ajouter-un-champ/", _field_form(org_a, label="Suivi CAF", version=stale)
    )
    assertContains(response, "La configuration a été modifiée entre-temps")
    assertContains(response, 'value="Suivi CAF"')
    assert "Suivi CAF" not in _labels(org_a)
    # The page now carries the current version: sending it again saves deliberately.
    assertContains(response, f'value="{_version(org_a)}"')
    again = client.post(f"{SETTINGS}groupes/0/ajouter-un-champ/", _field_form(org_a, label="Suivi CAF"))
    assert again.status_code == 302
    assert "Suivi CAF" in _labels(org_a)


def test_a_stale_move_or_switch_changes_nothing_and_says_so(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    stale = _version(org_a)
    services.field_group_add(user=alice.user, name="Logement", config_version=stale)
    response = client.post(f"{SETTINGS}groupes/1/deplacer/", {"direction": "up", "version": stale}, follow=True)
    assertContains(response, "La configuration a été modifiée entre-temps")
    assert _org(org_a).person_field_groups[0]["name"] == "Informations sociales"
    switch = client.post(f"{SETTINGS}fonctionnalites/", {"version": "old"}, follow=True)
    assertContains(switch, "La configuration a été modifiée entre-temps")
    assert _org(org_a).passages_enabled


def test_audit_events_carry_ids_not_labels(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    key = _add_field(client, org_a, label="Secret très parlant")
    client.post(
        f"{SETTINGS}champs/{key}/supprimer/", {"confirmation": "Secret très parlant", "version": _version(org_a)}
    )
    events = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE)
    assert events.count() == 2
    assert all("Secret" not in str(e.detail) for e in events)
    assert {e.object_id for e in events} == {str(org_a.organisation.pk)}
