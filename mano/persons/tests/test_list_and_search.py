"""The persons list (sorts, filters in the URL) and search (accent/order-insensitive, ranked, with reasons)."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.records import record_create
from mano.persons.index import index_refresh
from mano.persons.models import Comment
from mano.persons.selectors.persons import person_search
from mano.persons.services import person_create, person_update

pytestmark = pytest.mark.django_db


def _names(page) -> list[str]:
    return [row.name for row in page.context["page"]]


@pytest.fixture
def people(bob, org_a):
    make = lambda name, **kw: person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=name, **kw)  # noqa: E731
    return {
        "eloise": make(
            "Dupont Éloïse",
            birth_date=date(1980, 3, 12),
            phone="06 12 34 56 78",
            custom={"resources": ["RSA", "AAH"], "has_animal": "Oui"},
        ),
        "zoe": make("Zoé Martin", other_names="La Rousse", vulnerable=True, custom={"resources": ["RSA"]}),
        "andre": make("André Dupontel", description="Dort près de la gare Saint-Charles"),
    }


def test_search_ignores_accents_case_and_word_order(bob, people, unlocked_client):
    response = unlocked_client(bob).get("/personnes/", {"q": "eloise DUPONT"})
    assert _names(response) == ["Dupont Éloïse"]


def test_search_ranks_name_start_then_name_then_other_fields(bob, people):
    page = person_search(user=bob.user, keyring=bob.keyring, query="dupont", page=1)
    assert [r.name for r in page] == ["Dupont Éloïse", "André Dupontel"]
    gare = person_search(user=bob.user, keyring=bob.keyring, query="gare charles", page=1)
    assert [(r.name, r.reasons) for r in gare] == [("André Dupontel", ["description"])]


def test_search_finds_other_names_phone_birth_date_and_comments(bob, org_a, people):
    def found(query):
        return [(r.name, r.reasons) for r in person_search(user=bob.user, keyring=bob.keyring, query=query, page=1)]

    assert found("rousse") == [("Zoé Martin", ["autres pseudos"])]
    assert found("06 12 34") == [("Dupont Éloïse", ["téléphone", "date de naissance"])]
    assert found("0612345678") == [("Dupont Éloïse", ["téléphone"])]
    assert found("12/03/1980") == [("Dupont Éloïse", ["date de naissance"])]
    record_create(
        Comment,
        keyring=bob.keyring,
        organisation=org_a.organisation,
        user=bob.user,
        data={"text": "Besoin d'une domiciliation au CCAS"},
        person=people["zoe"],
        team=org_a.day,
    )
    index_refresh(people["zoe"], bob.keyring)
    assert found("ccas domiciliation") == [("Zoé Martin", ["commentaire"])]


def test_search_covers_the_whole_organisation_and_never_another(bob, charlie, org_a, org_b, people):
    person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Dupont Autre")
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Dupont Nuit")
    names = [r.name for r in person_search(user=bob.user, keyring=bob.keyring, query="dupont", page=1)]
    assert "Dupont Nuit" in names and "Dupont Autre" not in names


def test_list_sorts_by_name_and_keeps_filters_in_the_url(bob, people, unlocked_client):
    client = unlocked_client(bob)
    assert _names(client.get("/personnes/?tri=name")) == ["André Dupontel", "Dupont Éloïse", "Zoé Martin"]
    assert _names(client.get("/personnes/?tri=birth_date"))[0] == "Dupont Éloïse"
    vulnerable = client.get("/personnes/?vulnerable=1&tri=name")
    assert _names(vulnerable) == ["Zoé Martin"]
    assertContains(vulnerable, "vulnerable=1")


def test_custom_field_filters_combine_with_and_or(bob, people, unlocked_client):
    client = unlocked_client(bob)
    both = client.get("/personnes/?tri=name&f=resources~eq~RSA&f=has_animal~eq~Oui")
    assert _names(both) == ["Dupont Éloïse"]
    either = client.get("/personnes/?tri=name&l=or&f=resources~eq~AAH&f=has_animal~empty~")
    assert _names(either) == ["André Dupontel", "Dupont Éloïse", "Zoé Martin"]
    form_style = client.get("/personnes/", {"fk": "resources", "fo": "eq", "fv": "RSA", "tri": "name"})
    assert _names(form_style) == ["Dupont Éloïse", "Zoé Martin"]


def test_a_filter_on_a_field_gone_since_the_bookmark_is_ignored_and_said(bob, people, unlocked_client):
    client = unlocked_client(bob)
    response = client.get("/personnes/?tri=name&f=oldkey~eq~x&f=resources~eq~RSA")
    assert _names(response) == ["Dupont Éloïse", "Zoé Martin"]
    assertContains(response, "porte sur un champ qui n’existe pas ou plus")
    assertNotContains(client.get("/personnes/?tri=name&f=resources~eq~RSA"), "n’existe pas ou plus")


def test_the_files_own_fields_filter_too(bob, org_a, people, unlocked_client):
    """Gender and dates are fields of the file, not custom ones: they filter like the others."""
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Inès Femme", gender="Femme")
    client = unlocked_client(bob)
    assertContains(client.get("/personnes/?tri=name"), '<option value="gender">Genre</option>', html=False)
    assert _names(client.get("/personnes/?tri=name&f=gender~eq~Femme")) == ["Inès Femme"]
    assert _names(client.get("/personnes/?tri=name&f=birth_date~lt~1990-01-01")) == ["Dupont Éloïse"]
    either = client.get("/personnes/?tri=name&l=or&f=gender~eq~Femme&f=resources~eq~AAH")
    assert _names(either) == ["Dupont Éloïse", "Inès Femme"]


def test_out_of_active_list_filter_reads_the_current_team(bob, org_a, people, unlocked_client):
    person = people["zoe"]
    data_version = person.version
    from mano.core.records import record_data, record_update

    data = record_data(person, bob.keyring)
    data["out_of_active_list"] = {str(org_a.day.pk): {"date": "2026-01-01", "reasons": ["Hébergée"]}}
    record_update(person, keyring=bob.keyring, user=bob.user, data=data, expected_version=data_version)
    index_refresh(person, bob.keyring)
    client = unlocked_client(bob)
    assert _names(client.get("/personnes/?active=out")) == ["Zoé Martin"]
    assert "Zoé Martin" not in _names(client.get("/personnes/?active=in"))


def test_the_list_shows_the_last_interaction_and_birth_date_in_french(bob, people, unlocked_client):
    response = unlocked_client(bob).get("/personnes/?tri=name")
    assertContains(response, "12/03/1980")


def test_a_likely_duplicate_is_shown_before_saving(bob, org_a, people, unlocked_client):
    client = unlocked_client(bob)
    form = {"name": "  dupont ELOISE ", "teams": [str(org_a.day.pk)]}
    warned = client.post("/personnes/nouvelle/", {**form, "name": "Dupont Eloise"})
    assertContains(warned, "Cette personne existe peut-être déjà")
    assertContains(warned, f"/personnes/{people['eloise'].pk}/")
    similar = client.post(
        "/personnes/nouvelle/", {"name": "Dupond Eloise", "birth_date": "1980-03-12", "teams": [str(org_a.day.pk)]}
    )
    assertContains(similar, "Cette personne existe peut-être déjà")
    created = client.post("/personnes/nouvelle/", {**form, "confirm_duplicate": "1"})
    assert created.status_code == 302


def test_custom_groups_are_edited_with_history(bob, org_a, people, unlocked_client):
    client = unlocked_client(bob)
    person = people["andre"]
    page = client.get(f"/personnes/{person.pk}/")
    assertContains(page, "Informations sociales")
    response = client.post(
        f"/personnes/{person.pk}/groupe/0/", {"version": "1", "c_employment": "CDI", "c_resources": ["RSA", "Salaire"]}
    )
    assert response.status_code == 302
    assertContains(client.get(f"/personnes/{person.pk}/"), "RSA, Salaire")
    history = client.get(f"/personnes/{person.pk}/historique/")
    assertContains(history, "Emploi : « » ➔ « CDI »")
    assertContains(history, "Création de la personne")


def test_a_stale_custom_group_edit_changes_nothing(bob, org_a, people, unlocked_client):
    client = unlocked_client(bob)
    person = people["andre"]
    person_update(user=bob.user, keyring=bob.keyring, person=person, expected_version=1, name="André D.")
    response = client.post(f"/personnes/{person.pk}/groupe/0/", {"version": "1", "c_employment": "CDI"}, follow=True)
    assertContains(response, "Quelqu’un a modifié ce dossier")
    assertNotContains(client.get(f"/personnes/{person.pk}/"), "CDI")


def test_fields_enabled_for_other_teams_stay_hidden(bob, org_a, people, unlocked_client):
    organisation = org_a.organisation
    organisation.person_field_groups[0]["fields"][0].update(enabled=False, enabled_teams=[str(org_a.night.pk)])
    organisation.save()
    page = unlocked_client(bob).get(f"/personnes/{people['andre'].pk}/")
    assertNotContains(page, "Situation personnelle")
    assertContains(page, "Nationalité")


def test_history_records_old_and_new_values(bob, people, unlocked_client, org_a):
    client = unlocked_client(bob)
    person = people["zoe"]
    client.post(
        f"/personnes/{person.pk}/modifier/",
        {"name": "Zoé Martin", "phone": "07 00 00 00 00", "teams": [str(org_a.day.pk)], "version": "1"},
    )
    assertContains(client.get(f"/personnes/{person.pk}/historique/"), "Téléphone : « » ➔ « 07 00 00 00 00 »")


def test_print_view_has_the_file(bob, people, unlocked_client):
    response = unlocked_client(bob).get(f"/personnes/{people['andre'].pk}/imprimer/")
    assertContains(response, "André Dupontel")
    assertContains(response, 'class="print"')


def test_a_choice_with_free_entry_accepts_a_new_value(bob, people, unlocked_client):
    client = unlocked_client(bob)
    person = people["andre"]
    form = client.get(f"/personnes/{person.pk}/groupe/0/")
    assertContains(form, '<option value="Hébergement association">')
    client.post(f"/personnes/{person.pk}/groupe/0/", {"version": "1", "c_address_detail": "Squat rue Paradis"})
    assertContains(client.get(f"/personnes/{person.pk}/"), "Squat rue Paradis")


def test_restricted_members_cannot_search_or_filter_what_they_may_not_read(org_a, people, unlocked_client):
    """The list would otherwise be a yes/no oracle on comments, descriptions and custom fields."""
    client = unlocked_client(org_a["restricted"])
    assert _names(client.get("/personnes/", {"q": "gare charles"})) == []
    assert _names(client.get("/personnes/", {"q": "rousse"})) == ["Zoé Martin"]
    filtered = client.get("/personnes/?tri=name&f=has_animal~eq~Oui")
    assert _names(filtered) == ["André Dupontel", "Dupont Éloïse", "Zoé Martin"]
    assertNotContains(filtered, "Situation personnelle")
