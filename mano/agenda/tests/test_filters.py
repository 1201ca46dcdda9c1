"""Agenda filters: teams (several, whole organisation, none), categories, without category, status and text, on the
day, week and list views; kept in every link; the day counts follow the filters; list sorts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.agenda import selectors
from mano.agenda.services import action_set_status, actions_create
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db

DAY = "2026-12-02"


def _at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 12, day, hour))


@pytest.fixture
def agenda(bob, org_a):
    karim, zoe = (
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n) for n in ("Karim", "Zoé Abel")
    )

    def add(name, teams, due, categories=(), person=karim, description=""):
        (action,) = actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=[person],
            name=name,
            teams=teams or [org_a.day],
            due_at=due,
            categories=list(categories),
            description=description,
            with_time=True,
        )
        if not teams:
            action.teams.clear()
        return action

    add("Domiciliation Karim", [org_a.day], _at(2, 10), ["Domiciliation"])
    add("Rendez-vous médical", [org_a.night], _at(2, 20), ["Santé"], person=zoe, description="Hôpital Lariboisière")
    add("Sans équipe", [], _at(2, 11))
    add("Papiers", [org_a.day], _at(2, 12), ["Dossier RSA"], person=zoe)
    add("Hier", [org_a.day], _at(1, 10), ["Domiciliation"])
    done = add("Déjà fait", [org_a.day], _at(2, 9), ["Domiciliation"])
    action_set_status(user=bob.user, keyring=bob.keyring, action=done, status="done", expected_version=1)
    done.refresh_from_db()
    type(done).objects.filter(pk=done.pk).update(completed_at=_at(2, 9))
    return org_a


def _names(response, key="rows"):
    return sorted(r.name for r in response.context[key])


def _week_names(response):
    return sorted(r.name for day in response.context["days"] for r in day.rows)


def test_the_day_view_shows_the_current_team_and_actions_to_do_by_default(bob, agenda, unlocked_client):
    response = unlocked_client(bob).get(f"/agenda/?jour={DAY}")
    assert _names(response) == ["Domiciliation Karim", "Papiers"]


def test_team_filters_several_teams_whole_organisation_and_without_team(bob, agenda, org_b, unlocked_client):
    client = unlocked_client(bob)
    day, night = agenda.day.pk, agenda.night.pk
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe={night}")) == ["Rendez-vous médical"]
    both = client.get(f"/agenda/?jour={DAY}&equipe={day}&equipe={night}")
    assert _names(both) == ["Domiciliation Karim", "Papiers", "Rendez-vous médical"]
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe=toutes")) == [
        "Domiciliation Karim",
        "Papiers",
        "Rendez-vous médical",
        "Sans équipe",
    ]
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe=sans")) == ["Sans équipe"]
    mixed = client.get(f"/agenda/?jour={DAY}&equipe={day}&equipe=sans")
    assert _names(mixed) == ["Domiciliation Karim", "Papiers", "Sans équipe"]
    # Another organisation's team is ignored: back to the current team.
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe={org_b.day.pk}")) == ["Domiciliation Karim", "Papiers"]
    week = client.get(f"/agenda/semaine/?jour={DAY}&equipe=sans")
    assert _week_names(week) == ["Sans équipe"]
    listed = client.get("/agenda/liste/?equipe=sans")
    assert _names(listed, "page") == ["Sans équipe"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("categorie=Domiciliation", ["Domiciliation Karim"]),
        ("categorie=Domiciliation&categorie=Sant%C3%A9", ["Domiciliation Karim", "Rendez-vous médical"]),
        ("sans_categorie=1", ["Sans équipe"]),
        ("categorie=Dossier+RSA&sans_categorie=1", ["Papiers", "Sans équipe"]),
        ("q=rendez+vous+MEDICAL", ["Rendez-vous médical"]),
        ("q=lariboisiere", ["Rendez-vous médical"]),
        ("q=dossier+rsa", ["Papiers"]),
        ("q=karim+domiciliation", ["Domiciliation Karim"]),
        ("statut=done", ["Déjà fait"]),
    ],
)
def test_category_text_and_status_filters_on_day_week_and_list(bob, agenda, unlocked_client, query, expected):
    client = unlocked_client(bob)
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe=toutes&{query}")) == expected
    # "Hier" (Tuesday's Domiciliation, for Karim) is in the same week, and in the list.
    expected_more = sorted(expected + (["Hier"] if "Domiciliation" in query or "karim" in query else []))
    assert _week_names(client.get(f"/agenda/semaine/?jour={DAY}&equipe=toutes&{query}")) == expected_more
    assert _names(client.get(f"/agenda/liste/?equipe=toutes&{query}"), "page") == expected_more


def test_restricted_members_cannot_search_descriptions(agenda, unlocked_client):
    client = unlocked_client(agenda["restricted"])
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe=toutes&q=lariboisiere")) == []
    assert _names(client.get(f"/agenda/?jour={DAY}&equipe=toutes&q=medical")) == ["Rendez-vous médical"]


def test_the_text_finds_the_actions_of_a_person_by_name(bob, agenda, unlocked_client):
    """Zoé's actions are found by her name, for every member (a person's name is no secret to them)."""
    for member in (bob, agenda["restricted"]):
        client = unlocked_client(member)
        assert _names(client.get(f"/agenda/?jour={DAY}&equipe=toutes&q=zoe")) == ["Papiers", "Rendez-vous médical"]


def test_the_filters_are_kept_in_the_tabs_the_days_and_the_weeks(bob, agenda, unlocked_client):
    client = unlocked_client(bob)
    query = "equipe=toutes&categorie=Domiciliation&q=karim"

    def kept(response):  # the text travels as its session token (see test_search_in_urls)
        return query.replace("q=karim", f"qs={response.context['filters'].search.token}").replace("&", "&amp;")

    day = client.get(f"/agenda/?jour={DAY}&{query}")
    for link in (
        f'href="/agenda/?jour={DAY}&amp;{kept(day)}"',
        f'href="/agenda/semaine/?jour={DAY}&amp;{kept(day)}"',
        f'href="/agenda/liste/?{kept(day)}"',
        f'href="?jour=2026-12-01&amp;{kept(day)}"',
        f'href="?jour=2026-12-03&amp;{kept(day)}"',
    ):
        assertContains(day, link)
    week = client.get(f"/agenda/semaine/?jour={DAY}&{query}")
    assertContains(week, f'href="?jour=2026-11-23&amp;{kept(week)}"')
    assertContains(week, 'value="Domiciliation" id="agenda-categories_1_1" checked')
    listed = client.get(f"/agenda/liste/?{query}")
    assertContains(listed, f'href="?{kept(listed)}&amp;tri=nom"')


def test_the_day_counts_match_the_filtered_rows(bob, agenda, unlocked_client):
    client = unlocked_client(bob)
    filtered = client.get(f"/agenda/?jour={DAY}&equipe=toutes&categorie=Domiciliation")
    assert filtered.context["counts"] == {"yesterday": 1, "today": 1, "tomorrow": 0}
    assert len(filtered.context["rows"]) == filtered.context["counts"]["today"]
    assertContains(filtered, "‹ mar 1 (1)")
    plain = client.get(f"/agenda/?jour={DAY}&equipe=toutes")
    assert plain.context["counts"] == {"yesterday": 1, "today": 4, "tomorrow": 0}
    text = client.get(f"/agenda/?jour={DAY}&equipe=toutes&q=papiers")
    assert text.context["counts"]["today"] == len(text.context["rows"]) == 1


def test_the_list_sorts_by_name_person_and_status(bob, agenda, unlocked_client):
    client = unlocked_client(bob)
    names = [r.name for r in client.get("/agenda/liste/?equipe=toutes&tri=nom").context["page"]]
    assert names == ["Domiciliation Karim", "Hier", "Papiers", "Rendez-vous médical", "Sans équipe"]
    persons = [r.person_name for r in client.get("/agenda/liste/?equipe=toutes&tri=personne").context["page"]]
    assert persons == sorted(persons) and persons[0] == "Karim"
    statuses = [
        r.action.status for r in client.get("/agenda/liste/?equipe=toutes&statut=all&tri=statut").context["page"]
    ]
    assert statuses == ["todo"] * 5 + ["done"]
    recent = [r.name for r in client.get("/agenda/liste/?equipe=toutes&tri=recentes").context["page"]]
    assert recent[0] == "Rendez-vous médical" and recent[-1] == "Hier"


def test_a_category_filter_on_the_list_fills_pages_and_says_when_it_stopped(bob, org_a, unlocked_client, monkeypatch):
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    for i in range(120):
        actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=[person],
            name=f"Action {i:03d}",
            teams=[org_a.day],
            due_at=_at(1, 8) + timedelta(minutes=i),
            with_time=True,
            categories=["Pair"] if i % 2 == 0 else [],
        )
    client = unlocked_client(bob)
    first = client.get("/agenda/liste/?categorie=Pair")
    assert len(first.context["page"]) == 50 and first.context["page"].has_next()
    assertContains(first, "categorie=Pair&amp;page=2")
    second = client.get("/agenda/liste/?categorie=Pair&page=2")
    assert [r.name for r in second.context["page"]][:2] == ["Action 100", "Action 102"]
    assert len(second.context["page"]) == 10 and not second.context["page"].has_next()
    monkeypatch.setattr(selectors, "SCAN_CAP", 40)
    capped = client.get("/agenda/liste/?categorie=Pair")
    assert len(capped.context["page"]) == 20 and capped.context["page"].capped
    assertContains(capped, "Seules les 40 premières actions")


def test_an_encrypted_filter_on_the_day_view_costs_a_fixed_number_of_queries(
    bob, agenda, unlocked_client, django_assert_max_num_queries
):
    client = unlocked_client(bob)
    with django_assert_max_num_queries(14):
        assert client.get(f"/agenda/?jour={DAY}&equipe=toutes&categorie=Domiciliation&q=karim").status_code == 200


def test_the_text_filter_finds_a_word_of_an_action_comment_but_not_for_restricted_members(org_a, bob, unlocked_client):
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[karim],
        name="Rendez-vous",
        teams=[org_a.day],
        due_at=_at(2, 10),
        comment="Apporter le récépissé de la préfecture",
    )
    found = unlocked_client(bob).get(f"/agenda/?jour={DAY}&q=recepisse+prefecture")
    assert _names(found) == ["Rendez-vous"]
    assert _names(unlocked_client(bob).get("/agenda/liste/?q=prefecture"), "page") == ["Rendez-vous"]
    restricted = unlocked_client(org_a["restricted"])
    assert _names(restricted.get(f"/agenda/?jour={DAY}&q=rendez")) == ["Rendez-vous"]
    assert _names(restricted.get(f"/agenda/?jour={DAY}&q=prefecture")) == []
