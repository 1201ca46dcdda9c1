"""Reception desk ("Accueil de jour"): settings, service counters, passages, persons picked or created by name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import ServiceCount
from mano.agenda.reception import service_count_change
from mano.agenda.reception_selectors import reception_day
from mano.agenda.services import actions_create
from mano.persons.models import Passage, Person
from mano.persons.services import person_create
from mano.persons.services.passages import passage_create

pytestmark = pytest.mark.django_db

RECEPTION = "/agenda/accueil/"
SETTINGS = "/agenda/accueil/reglages/"
GROUP = "/agenda/accueil/reglages/groupe/"
SERVICE = "/agenda/accueil/reglages/service/"
SERVICES = [{"group": "Hygiène", "items": ["Douche", "Lessive"]}, {"group": "Alimentation", "items": ["Colis"]}]


@pytest.fixture
def desk(org_a):
    organisation = org_a.organisation
    organisation.reception_enabled = True
    organisation.services = SERVICES
    organisation.save()
    return organisation


def _count_url(team, day=None):
    return reverse("agenda:reception-count", args=[team.pk, (day or reception_day(team)).isoformat()])


def _count(team, service, day=None):
    row = ServiceCount.objects.filter(team=team, service=service, date=day or reception_day(team)).first()
    return row.count if row else 0


def _reload(organisation):
    organisation.refresh_from_db()
    return organisation


# --- Settings -------------------------------------------------------------------------------------------------


def test_admin_enables_the_reception_and_the_menu_shows_it(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    assertContains(client.get(reverse("accounts:organisation")), SETTINGS)
    assertNotContains(client.get("/agenda/"), "Accueil de jour</a>")
    response = client.post(SETTINGS, {"reception_enabled": "on"})
    assert response.status_code == 302
    assert _reload(org_a.organisation).reception_enabled
    assertContains(client.get("/agenda/"), f'<a href="{RECEPTION}">Accueil de jour</a>', html=False)


def test_the_grouped_services_editor_round_trip(alice, desk, unlocked_client):
    client = unlocked_client(alice)
    assert client.post(GROUP, {"do": "add", "name": "  Accès aux  droits "}).status_code == 302
    assert client.post(SERVICE, {"do": "add", "groupe": "Accès aux droits", "name": "Domiciliation"}).status_code == 302
    client.post(SERVICE, {"do": "add", "groupe": "Hygiène", "name": "Coiffure"})
    client.post(GROUP, {"do": "rename", "groupe": "Alimentation", "name": "Repas"})
    client.post(GROUP, {"do": "up", "groupe": "Accès aux droits"})
    client.post(SERVICE, {"do": "up", "service": "Coiffure"})
    client.post(SERVICE, {"do": "group", "service": "Lessive", "vers": "Repas"})
    assert _reload(desk).services == [
        {"group": "Hygiène", "items": ["Douche", "Coiffure"]},
        {"group": "Accès aux droits", "items": ["Domiciliation"]},
        {"group": "Repas", "items": ["Colis", "Lessive"]},
    ]
    page = client.get(SETTINGS)
    assertContains(page, 'data-group="Accès aux droits"')
    assertContains(page, "Toutes les équipes")


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (GROUP, {"do": "add", "name": "  "}, "Le titre du groupe est obligatoire."),
        (GROUP, {"do": "add", "name": "Hygiène"}, "Ce groupe existe déjà."),
        (GROUP, {"do": "rename", "groupe": "Hygiène", "name": "Alimentation"}, "Ce groupe existe déjà."),
        (SERVICE, {"do": "add", "groupe": "Hygiène", "name": ""}, "Le nom du service est obligatoire."),
        (
            SERVICE,
            {"do": "add", "groupe": "Alimentation", "name": "douche"},
            "Ce service existe déjà : Hygiène › Douche",
        ),
        (
            SERVICE,
            {"do": "rename", "service": "Colis", "name": "Lessive"},
            "Ce service existe déjà : Hygiène › Lessive",
        ),
        (SERVICE, {"do": "rename", "service": "Colis", "name": " "}, "Le nom du service est obligatoire."),
        (SERVICE, {"do": "add", "groupe": "Hygiène", "name": "x" * 121}, "120 caractères au plus."),
    ],
)
def test_bad_names_are_refused_with_a_clear_message(alice, desk, unlocked_client, url, data, message):
    response = unlocked_client(alice).post(url, data)
    assert response.status_code == 200
    assertContains(response, message)
    assert _reload(desk).services == SERVICES


def test_renaming_a_service_confirms_how_many_counts_then_rewrites_them(alice, desk, org_a, unlocked_client):
    today = reception_day(org_a.day)
    for offset in range(3):
        service_count_change(
            user=alice.user, team=org_a.day, day=today - timedelta(days=offset), service="Douche", delta=2
        )
    client = unlocked_client(alice)
    confirm = client.post(SERVICE, {"do": "rename", "service": "Douche", "name": "Douches"})
    assertContains(confirm, "3 comptages déjà enregistrés (6 au total) seront renommés")
    assert ServiceCount.objects.filter(service="Douche").count() == 3  # nothing changed before the confirmation
    done = client.post(SERVICE, {"do": "rename", "service": "Douche", "name": "Douches", "confirm": "1"})
    assert done.status_code == 302
    assert not ServiceCount.objects.filter(service="Douche").exists()
    assert ServiceCount.objects.filter(service="Douches").count() == 3
    assert _reload(desk).services[0]["items"] == ["Douches", "Lessive"]


def test_renaming_onto_old_counts_of_a_deleted_service_adds_them_up(alice, desk, org_a):
    from mano.agenda import reception_settings as writes

    today = reception_day(org_a.day)
    service_count_change(user=alice.user, team=org_a.day, day=today, service="Douche", delta=1)
    ServiceCount.objects.create(organisation=desk, team=org_a.day, date=today, service="Bain", count=4)
    assert writes.service_rename(user=alice.user, old="Douche", new="Bain") == 1
    assert _count(org_a.day, "Bain") == 5


def test_deleting_a_service_asks_first_and_keeps_its_counts(alice, desk, org_a, unlocked_client):
    service_count_change(user=alice.user, team=org_a.day, day=reception_day(org_a.day), service="Colis", delta=1)
    client = unlocked_client(alice)
    assertContains(client.post(SERVICE, {"do": "delete", "service": "Colis"}), "Les comptages déjà enregistrés restent")
    assert "Colis" in _reload(desk).services[1]["items"]
    client.post(SERVICE, {"do": "delete", "service": "Colis", "confirm": "1"})
    assert _reload(desk).services[1]["items"] == []
    assert _count(org_a.day, "Colis") == 1


def test_deleting_a_group_asks_first(alice, desk, unlocked_client):
    client = unlocked_client(alice)
    assertContains(client.post(GROUP, {"do": "delete", "groupe": "Hygiène"}), "Douche, Lessive")
    assert len(_reload(desk).services) == 2
    client.post(GROUP, {"do": "delete", "groupe": "Hygiène", "confirm": "1"})
    assert [g["group"] for g in _reload(desk).services] == ["Alimentation"]


def test_a_service_offered_by_one_team_only(alice, desk, org_a, unlocked_client):
    client = unlocked_client(alice)
    assert client.post(SERVICE, {"do": "teams", "service": "Douche", "teams": []}).status_code == 200
    assert "Douche" not in _reload(desk).service_teams  # "choose at least one team": nothing saved
    client.post(SERVICE, {"do": "teams", "service": "Douche", "teams": [str(org_a.day.pk)]})
    assert _reload(desk).service_teams == {"Douche": [str(org_a.day.pk)]}
    assertContains(client.get(RECEPTION), 'value="Douche"')
    client.post(reverse("accounts:team-switch"), {"team": str(org_a.night.pk)})
    night = client.get(RECEPTION)
    assertContains(night, "équipe Nuit")
    assertNotContains(night, 'value="Douche"')
    assertContains(night, 'value="Lessive"')
    assert client.post(_count_url(org_a.night), {"service": "Douche", "delta": "1"}).status_code == 302
    assert _count(org_a.night, "Douche") == 0
    # Every team ticked again means "all teams", which includes the teams created later.
    client.post(SERVICE, {"do": "teams", "service": "Douche", "teams": [str(org_a.day.pk), str(org_a.night.pk)]})
    assert _reload(desk).service_teams == {}


# --- Counters -------------------------------------------------------------------------------------------------


def test_counters_go_up_and_down_but_never_below_zero(bob, desk, org_a, unlocked_client):
    client = unlocked_client(bob)
    page = client.get(RECEPTION)
    assertContains(page, "Services du jour")
    assertContains(page, 'data-test-id="Douche-0"')
    url = _count_url(org_a.day)
    assert client.post(url, {"service": "Douche", "delta": "1"})["Location"].endswith("#services")
    client.post(url, {"service": "Douche", "delta": "1"})
    assertContains(client.get(RECEPTION), 'data-test-id="Douche-2"')
    for _ in range(3):
        client.post(url, {"service": "Douche", "delta": "-1"})
    assert _count(org_a.day, "Douche") == 0


def test_two_receptionists_clicking_plus_from_the_same_page_are_both_counted(bob, alice, desk, org_a, unlocked_client):
    first, second = unlocked_client(bob), unlocked_client(alice)
    url = _count_url(org_a.day)
    first.get(RECEPTION), second.get(RECEPTION)
    first.post(url, {"service": "Lessive", "delta": "1"})
    second.post(url, {"service": "Lessive", "delta": "1"})
    assert _count(org_a.day, "Lessive") == 2


def test_the_count_service_increments_in_the_database(alice, bob, desk, org_a):
    """Each call is one UPDATE count = count + delta: no read-modify-write, so no lost click."""
    today = reception_day(org_a.day)
    assert service_count_change(user=bob.user, team=org_a.day, day=today, service="Colis", delta=1) == 1
    assert service_count_change(user=alice.user, team=org_a.day, day=today, service="Colis", delta=1) == 2
    assert service_count_change(user=alice.user, team=org_a.day, day=today, service="Colis", delta=-5) == 0
    assert service_count_change(user=alice.user, team=org_a.day, day=today, service="Colis", count=7) == 7
    assert ServiceCount.objects.filter(service="Colis").count() == 1
    with pytest.raises(ValidationError, match="pas encore arrivé"):
        service_count_change(user=bob.user, team=org_a.day, day=today + timedelta(days=1), service="Colis", delta=1)
    with pytest.raises(ValidationError, match="proposé"):
        service_count_change(user=bob.user, team=org_a.day, day=today, service="Inconnu", delta=1)


def test_htmx_gets_the_counter_back(bob, desk, org_a, unlocked_client):
    response = unlocked_client(bob).post(
        _count_url(org_a.day), {"service": "Colis", "delta": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assertContains(response, 'data-test-id="Colis-1"')
    assertNotContains(response, "<html")


def test_another_organisations_team_cannot_be_counted(bob, charlie, desk, org_b, unlocked_client):
    org_b.organisation.reception_enabled = True
    org_b.organisation.services = SERVICES
    org_b.organisation.save()
    response = unlocked_client(bob).post(_count_url(org_b.day), {"service": "Douche", "delta": "1"})
    assert response.status_code == 404
    assert not ServiceCount.objects.exists()
    with pytest.raises(PermissionDenied):
        service_count_change(user=bob.user, team=org_b.day, day=reception_day(org_b.day), service="Douche", delta=1)


def test_a_member_counts_for_their_own_teams_only(org_a, desk, unlocked_client):
    restricted = org_a["restricted"]  # member of the day team only
    client = unlocked_client(restricted)
    assert client.post(_count_url(org_a.day), {"service": "Douche", "delta": "1"}).status_code == 302
    assert client.post(_count_url(org_a.night), {"service": "Douche", "delta": "1"}).status_code == 404
    assert client.post(reverse("agenda:reception-count", args=[org_a.day.pk, "hier"])).status_code == 404
    assert _count(org_a.day, "Douche") == 1 and _count(org_a.night, "Douche") == 0


# --- Reception page -------------------------------------------------------------------------------------------


def test_a_disabled_reception_is_not_reachable(alice, bob, org_a, unlocked_client):
    page = unlocked_client(alice).get(RECEPTION)
    assert page.status_code == 404
    assertContains(page, "Activer l’accueil de jour", status_code=404)
    client = unlocked_client(bob)
    assertContains(client.get(RECEPTION), "Un·e administrateur·rice peut l’activer", status_code=404)
    for url in (reverse("agenda:reception-anonymous"), _count_url(org_a.day), reverse("agenda:reception-person")):
        assert client.post(url, {"service": "Douche", "delta": "1", "name": "Zoé"}).status_code == 404
    assert not Passage.objects.exists() and not Person.objects.exists() and not ServiceCount.objects.exists()


def test_the_page_shows_the_teams_day(bob, desk, org_a, unlocked_client):
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Appel au 115",
        teams=[org_a.day],
        due_at=timezone.now(),
    )
    passage_create(
        user=bob.user, keyring=bob.keyring, team=org_a.day, person=person, date=timezone.now(), comment="Café"
    )
    page = unlocked_client(bob).get(RECEPTION)
    assertContains(page, "— équipe Jour")
    assertContains(page, "Appel au 115")
    assertContains(page, "1 passage aujourd’hui")
    assertContains(page, "Karim Benali")
    assertContains(page, "Café")
    assertContains(page, reverse("persons:passage-edit", args=[Passage.objects.get().pk]))


def test_restricted_members_work_at_the_desk_without_seeing_comments(org_a, desk, unlocked_client):
    restricted = org_a["restricted"]
    passage_create(
        user=restricted.user, keyring=restricted.keyring, team=org_a.day, date=timezone.now(), comment="Secret"
    )
    page = unlocked_client(restricted).get(RECEPTION)
    assert page.status_code == 200
    assertContains(page, "1 passage aujourd’hui")
    assertNotContains(page, "Secret")


def test_two_letters_then_enter_find_a_person(bob, desk, org_a, unlocked_client):
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Karim Benali")
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoé")
    page = unlocked_client(bob).post(RECEPTION, {"q": "ka"})
    assertContains(page, "Karim Benali")
    assertNotContains(page, "Zoé")
    assertContains(page, "checked")  # a single match comes ticked: one more tap records the passage


def test_namesakes_are_told_apart_by_their_last_passage(bob, desk, org_a, unlocked_client):
    seen, new = (
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=f"Karim {n}") for n in ("A", "B")
    )
    for day in (3, 17):
        passage_create(
            user=bob.user,
            keyring=bob.keyring,
            team=org_a.day,
            person=seen,
            date=timezone.make_aware(timezone.datetime(2026, 11, day, 10)),
        )
    page = unlocked_client(bob).post(RECEPTION, {"q": "karim"})
    shown = {m.name: m.last_passage for m in page.context["matches"]}
    assert timezone.localtime(shown["Karim A"]).day == 17 and shown["Karim B"] is None
    assertContains(page, "dernier passage le 17/11/2026")
    assertContains(page, "aucun passage")


def test_a_passage_for_each_selected_person(bob, desk, org_a, unlocked_client):
    persons = [person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n) for n in ("Ana", "Léo")]
    response = unlocked_client(bob).post(
        reverse("agenda:reception-selection"), {"do": "passage", "personne": [str(p.pk) for p in persons]}
    )
    assert response.status_code == 302
    assert sorted(Passage.objects.filter(team=org_a.day).values_list("person__pk", flat=True)) == sorted(
        p.pk for p in persons
    )


def test_nothing_selected_says_so(bob, desk, unlocked_client):
    response = unlocked_client(bob).post(reverse("agenda:reception-selection"), {"do": "passage"})
    assertContains(response, "Sélectionnez au moins une personne.")
    assert not Passage.objects.exists()


def test_the_action_button_opens_the_action_form_with_the_persons(bob, desk, org_a, unlocked_client):
    persons = [person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n) for n in ("Ana", "Léo")]
    client = unlocked_client(bob)
    response = client.post(
        reverse("agenda:reception-selection"), {"do": "action", "personne": [str(p.pk) for p in persons]}
    )
    location = response["Location"]
    assert location.startswith(reverse("agenda:create"))
    assert all(f"personne={p.pk}" in location for p in persons)
    assert "next=%2Fagenda%2Faccueil%2F" in location
    form = client.get(location)
    assertContains(form, "Ana")
    assertContains(form, "Léo")


def test_plus_one_anonymous_passage(bob, desk, org_a, unlocked_client):
    client = unlocked_client(bob)
    assert client.post(reverse("agenda:reception-anonymous")).status_code == 302
    passage = Passage.objects.get()
    assert passage.person is None and passage.team == org_a.day
    assertContains(client.get(RECEPTION), "1 passage aujourd’hui")


def test_passages_switched_off_hide_the_buttons(bob, desk, unlocked_client):
    desk.passages_enabled = False
    desk.save()
    client = unlocked_client(bob)
    assertNotContains(client.get(RECEPTION), "+1 passage anonyme")
    assert client.post(reverse("agenda:reception-anonymous")).status_code == 404


def test_creating_a_person_by_name(bob, desk, org_a, unlocked_client):
    client = unlocked_client(bob)
    assertContains(client.post(RECEPTION, {"q": "Nadia"}), "Créer « Nadia »")
    response = client.post(reverse("agenda:reception-person"), {"name": " Nadia  K "})
    person = Person.objects.get()
    assert list(person.teams.all()) == [org_a.day]
    assert response["Location"] == f"{RECEPTION}?personne={person.pk}"
    page = client.get(response["Location"])
    assertContains(page, "Nouvelle personne ajoutée !")
    assertContains(page, f'value="{person.pk}" checked')
    assertContains(page, "Nadia K")


def test_a_duplicate_name_is_refused(bob, desk, org_a, unlocked_client):
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Nadia Kaci")
    response = unlocked_client(bob).post(reverse("agenda:reception-person"), {"name": "nadia KACI"})
    assertContains(response, "Une personne porte déjà ce nom")
    assertContains(response, "Nadia Kaci")  # shown in the results, ready to be ticked
    assert Person.objects.count() == 1
    assertContains(unlocked_client(bob).post(reverse("agenda:reception-person"), {"name": " "}), "obligatoire")
    assert Person.objects.count() == 1


def test_stats_members_do_not_see_the_reception(org_a, desk, unlocked_client):
    client = unlocked_client(org_a["stats"])
    assert client.get(RECEPTION).status_code == 403
    assert client.post(_count_url(org_a.day), {"service": "Douche", "delta": "1"}).status_code == 403
    assert not ServiceCount.objects.exists()


def test_the_demo_organisation_uses_the_reception_desk():
    from django.core.management import call_command

    from mano.accounts.models import Organisation

    call_command("seed_demo", persons=3)
    demo = Organisation.objects.get(name="Maraude démo")
    assert demo.reception_enabled
    assert [g["group"] for g in demo.services] == ["Hygiène", "Alimentation", "Accès aux droits"]
    assert ServiceCount.objects.filter(organisation=demo).exists()
