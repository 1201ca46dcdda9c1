"""Actions: one per person with its own comment, status dates, night-team days, search, conflicts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.days import agenda_day_of, day_window
from mano.agenda.models import Action, Status
from mano.agenda.services import action_set_status, actions_create
from mano.core.records import ConflictError, record_data
from mano.persons.models import Comment
from mano.persons.selectors.persons import person_search
from mano.persons.services import person_create
from mano.testing import assert_stats_as_rebuilt

pytestmark = pytest.mark.django_db


def _local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def persons(bob, org_a):
    return [person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n) for n in ("Karim", "Zoé")]


def test_one_action_per_person_each_with_its_own_comment(bob, org_a, persons, unlocked_client):
    client = unlocked_client(bob)
    response = client.post(
        "/agenda/nouvelle/",
        {
            "name": "Rendez-vous CCAS",
            "persons": [str(p.pk) for p in persons],
            "due_at": "2026-12-01T10:00",
            "teams": [str(org_a.day.pk)],
            "comment": "Apporter la pièce d'identité",
        },
    )
    assert response.status_code == 302
    assert Action.objects.count() == 2
    assert Comment.objects.filter(action_id__isnull=False).values("person").distinct().count() == 2
    for person in persons:
        page = client.get(f"/personnes/{person.pk}/")
        assertContains(page, "Rendez-vous CCAS")
        assertContains(page, "Apporter la pièce d&#x27;identité")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Le nom est obligatoire."),
        ({"persons": []}, "La personne suivie est obligatoire."),
        ({"teams": []}, "Une action doit être associée à au moins une équipe."),
        ({"due_at": ""}, "La date d’échéance est obligatoire."),
        ({"due_at": "1850-01-01T10:00"}, "hors limites"),
    ],
)
def test_bad_input_saves_nothing(bob, org_a, persons, unlocked_client, data, message):
    form = {"name": "X", "persons": [str(persons[0].pk)], "due_at": "2026-12-01T10:00", "teams": [str(org_a.day.pk)]}
    response = unlocked_client(bob).post("/agenda/nouvelle/", {**form, **data})
    assertContains(response, message)
    assert Action.objects.count() == 0


def test_a_person_of_another_organisation_cannot_be_chosen(bob, charlie, org_a, org_b, unlocked_client):
    theirs = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Autre")
    response = unlocked_client(bob).post(
        "/agenda/nouvelle/",
        {"name": "X", "persons": [str(theirs.pk)], "due_at": "2026-12-01T10:00", "teams": [str(org_a.day.pk)]},
    )
    assertContains(response, "Une des personnes choisies n’existe plus ou n’est pas de votre organisation")
    assert Action.objects.count() == 0


def test_marking_done_sets_the_date_and_moves_the_action_to_that_day(bob, org_a, persons, unlocked_client):
    due = _local(2026, 12, 1, 9)
    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=persons[:1], name="Douche", teams=[org_a.day], due_at=due
    )
    client = unlocked_client(bob)
    assertContains(client.get("/agenda/?jour=2026-12-01"), "Douche")
    client.post(f"/agenda/{action.pk}/statut/", {"status": "done", "version": "1"})
    action.refresh_from_db()
    assert action.status == Status.DONE and action.completed_at is not None
    today = timezone.localdate().isoformat()
    assertContains(client.get(f"/agenda/?jour={today}&statut=done"), "Douche")
    assertNotContains(client.get("/agenda/?jour=2026-12-01"), "Douche")
    client.post(f"/agenda/{action.pk}/statut/", {"status": "todo", "version": "2"})
    action.refresh_from_db()
    assert action.status == Status.TODO and action.completed_at is None


def test_a_stale_status_change_is_refused(bob, org_a, persons):
    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=persons[:1], name="X", teams=[org_a.day], due_at=timezone.now()
    )
    action_set_status(user=bob.user, keyring=bob.keyring, action=action, status="done", expected_version=1)
    with pytest.raises(ConflictError):
        action_set_status(user=bob.user, keyring=bob.keyring, action=action, status="cancelled", expected_version=1)
    action.refresh_from_db()
    assert action.status == Status.DONE


def test_night_teams_days_run_noon_to_noon():
    assert agenda_day_of(_local(2026, 12, 2, 2), night=True) == date(2026, 12, 1)
    assert agenda_day_of(_local(2026, 12, 2, 2), night=False) == date(2026, 12, 2)
    start, end = day_window(date(2026, 12, 1), night=True)
    assert (timezone.localtime(start).hour, timezone.localtime(end).day) == (12, 2)


def test_a_day_across_a_daylight_saving_change_keeps_its_wall_clock_limits():
    def hours(day: date) -> timedelta:
        start, end = day_window(day, night=False)
        return end.astimezone(UTC) - start.astimezone(UTC)

    assert hours(date(2026, 3, 29)) == timedelta(hours=23)  # Europe/Paris springs forward that night
    assert hours(date(2026, 10, 25)) == timedelta(hours=25)
    assert hours(date(2026, 11, 25)) == timedelta(hours=24)


def test_the_night_team_agenda_shows_the_evening_and_the_night(org_a, unlocked_client, alice):
    person = person_create(user=alice.user, keyring=alice.keyring, teams=[org_a.night], name="Nocturne")
    for hour, name in ((21, "Maraude du soir"), (2, "Fin de nuit")):
        day = 1 if hour == 21 else 2
        actions_create(
            user=alice.user,
            keyring=alice.keyring,
            persons=[person],
            name=name,
            teams=[org_a.night],
            due_at=_local(2026, 12, day, hour),
            with_time=True,
        )
    client = unlocked_client(alice)
    client.post("/equipe/", {"team": str(org_a.night.pk)})
    page = client.get("/agenda/?jour=2026-12-01")
    assertContains(page, "Maraude du soir")
    assertContains(page, "Fin de nuit")
    assertContains(page, "Nuit du")


def test_search_finds_a_person_by_an_action_name(bob, org_a, persons):
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="Accompagnement préfecture",
        teams=[org_a.day],
        due_at=timezone.now(),
    )
    found = person_search(user=bob.user, keyring=bob.keyring, query="prefecture", page=1)
    assert [(r.name, r.reasons) for r in found] == [("Karim", ["action"])]


def test_restricted_members_create_actions_without_description_or_comment(org_a, persons, unlocked_client):
    client = unlocked_client(org_a["restricted"])
    client.post(
        "/agenda/nouvelle/",
        {
            "name": "Duvet",
            "persons": [str(persons[0].pk)],
            "due_at": "2026-12-01T10:00",
            "teams": [str(org_a.day.pk)],
            "description": "secret",
            "comment": "secret",
        },
    )
    action = Action.objects.get()
    assert record_data(action, org_a["restricted"].keyring)["description"] == ""
    assert not Comment.objects.exists()


def test_an_edit_on_a_stale_version_shows_a_conflict_and_keeps_the_typing(bob, alice, org_a, persons, unlocked_client):
    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=persons[:1], name="Avant", teams=[org_a.day], due_at=timezone.now()
    )
    form = {
        "name": "Version Bob",
        "due_at": "2026-12-01T10:00",
        "teams": [str(org_a.day.pk)],
        "status": "todo",
        "version": "1",
    }
    assert unlocked_client(bob).post(f"/agenda/{action.pk}/", form).status_code == 302
    response = unlocked_client(alice).post(f"/agenda/{action.pk}/", {**form, "name": "Version Alice"})
    assert response.status_code == 409
    assertContains(response, "Version Alice", status_code=409)
    # Alice sees what Bob saved (only what differs from her typing) and a second save would be on Bob's version.
    assert response.context["conflict"] == [("Nom de l’action", "Version Bob")]
    assertContains(response, "Version enregistrée entre-temps", status_code=409)
    assert response.context["form"].data["version"] == "2"
    action.refresh_from_db()
    assert record_data(action, bob.keyring)["name"] == "Version Bob"


def test_the_week_view_puts_each_action_in_its_day(bob, org_a, persons, unlocked_client):
    for day, name in ((30, "Lundi CCAS"), (4, "Vendredi PASS")):
        month = 11 if day == 30 else 12
        actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=persons[:1],
            name=name,
            teams=[org_a.day],
            due_at=_local(2026, month, day, 10),
        )
    page = unlocked_client(bob).get("/agenda/semaine/?jour=2026-12-02")
    days = {d.day: [r.name for r in d.rows] for d in page.context["days"]}
    assert days[date(2026, 11, 30)] == ["Lundi CCAS"] and days[date(2026, 12, 4)] == ["Vendredi PASS"]
    assertContains(page, "/agenda/nouvelle/?jour=2026-12-03")


def test_the_list_view_pages_by_due_date_and_keeps_filters(bob, org_a, persons, unlocked_client):
    for i in range(55):
        actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=persons[:1],
            name=f"Action {i:02d}",
            teams=[org_a.day],
            due_at=_local(2026, 12, 1, 8) + timedelta(minutes=i),
            with_time=True,
        )
    client = unlocked_client(bob)
    first = client.get("/agenda/liste/")
    assert [r.name for r in first.context["page"]][:2] == ["Action 00", "Action 01"]
    assertContains(first, "page=2")
    second = client.get("/agenda/liste/?page=2")
    assert [r.name for r in second.context["page"]] == ["Action 50", "Action 51", "Action 52", "Action 53", "Action 54"]
    assert client.get("/agenda/liste/?statut=done").context["page"].paginator.count == 0


def test_the_day_view_costs_a_fixed_number_of_queries(
    bob, org_a, persons, unlocked_client, django_assert_max_num_queries
):
    for i in range(30):
        actions_create(
            user=bob.user, keyring=bob.keyring, persons=persons, name=f"A{i}", teams=[org_a.day], due_at=timezone.now()
        )
    client = unlocked_client(bob)
    with django_assert_max_num_queries(14):
        assert client.get("/agenda/").status_code == 200


def test_the_week_view_costs_a_fixed_number_of_queries(
    bob, org_a, persons, unlocked_client, django_assert_max_num_queries
):
    """A week shows up to 210 rows read with a few columns only (selectors.LIST_FIELDS): a row reading one more
    would cost a query each."""
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for i in range(14):
        due = timezone.make_aware(datetime.combine(monday + timedelta(days=i % 7), time(10)))
        actions_create(user=bob.user, keyring=bob.keyring, persons=persons, name=f"A{i}", teams=[org_a.day], due_at=due)
    client = unlocked_client(bob)
    with django_assert_max_num_queries(16):
        page = client.get("/agenda/semaine/?statut=all")
    assert page.status_code == 200
    assert sum(len(day.rows) for day in page.context["days"]) == 14 * len(persons)


def test_priorities_list_urgent_actions_and_comments_of_my_teams_until_deprioritized(
    bob, org_a, persons, unlocked_client
):
    from mano.persons.services.comments import comment_create

    (action,) = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="Urgence hébergement",
        teams=[org_a.day],
        due_at=timezone.now(),
        urgent=True,
    )
    comment = comment_create(
        user=bob.user, keyring=bob.keyring, person=persons[1], text="Très fatiguée ce soir", urgent=True, team=org_a.day
    )
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="Autre équipe",
        teams=[org_a.night],
        due_at=timezone.now(),
        urgent=True,
    )
    client = unlocked_client(bob)
    assertContains(client.get("/"), 'hx-get="/agenda/priorites/compte/"')
    assertContains(client.get("/agenda/priorites/compte/"), '<span class="badge badge--urgent">2</span>', html=False)
    page = client.get("/agenda/priorites/")
    assertContains(page, "Urgence hébergement")
    assertContains(page, "Très fatiguée ce soir")
    assertNotContains(page, "Autre équipe")
    client.post("/agenda/priorites/deprioriser/", {"kind": "action", "id": str(action.pk), "version": "1"})
    client.post("/agenda/priorites/deprioriser/", {"kind": "comment", "id": str(comment.pk), "version": "1"})
    page = client.get("/agenda/priorites/")
    assertNotContains(page, "Urgence hébergement")
    assertNotContains(page, "Très fatiguée ce soir")
    comment.refresh_from_db()
    assert record_data(comment, bob.keyring)["urgent"] is False and comment.urgent is False


def test_an_urgent_comment_of_an_action_leads_to_the_action_and_shows_its_date(bob, org_a, persons, unlocked_client):
    from mano.persons.services.comments import comment_create

    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=persons[:1], name="CAF", teams=[org_a.day], due_at=timezone.now()
    )
    comment_create(
        user=bob.user,
        keyring=bob.keyring,
        person=persons[0],
        text="Dossier incomplet",
        urgent=True,
        team=org_a.day,
        action_id=action.pk,
        date=_local(2026, 11, 20, 18, 30),
    )
    page = unlocked_client(bob).get("/agenda/priorites/")
    assertContains(page, f'href="/agenda/{action.pk}/?onglet=commentaires#onglets"')
    assertContains(page, "20/11/2026 18:30")  # the day it concerns, not the day it was typed


def test_another_organisation_cannot_deprioritize(bob, charlie, org_a, persons, unlocked_client):
    (action,) = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="X",
        teams=[org_a.day],
        due_at=timezone.now(),
        urgent=True,
    )
    response = unlocked_client(charlie).post(
        "/agenda/priorites/deprioriser/", {"kind": "action", "id": str(action.pk), "version": "1"}
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.urgent


def test_restricted_members_see_urgent_actions_but_never_comments(org_a, persons, unlocked_client, bob):
    from mano.persons.services.comments import comment_create

    comment_create(
        user=bob.user, keyring=bob.keyring, person=persons[1], text="Texte confidentiel", urgent=True, team=org_a.day
    )
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="Urgence duvet",
        teams=[org_a.day],
        due_at=timezone.now(),
        urgent=True,
    )
    client = unlocked_client(org_a["restricted"])
    page = client.get("/agenda/priorites/")
    assertContains(page, "Urgence duvet")
    assertNotContains(page, "Texte confidentiel")
    assertContains(client.get("/agenda/priorites/compte/"), ">1<", html=False)


def test_a_busy_day_is_paged_and_a_busy_week_day_links_to_its_day(bob, org_a, persons, unlocked_client, monkeypatch):
    from mano.agenda import selectors

    monkeypatch.setattr(selectors, "DAY_PAGE", 4)
    monkeypatch.setattr(selectors, "WEEK_DAY_ROWS", 3)
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="Permanence",
        teams=[org_a.day],
        due_at=_local(2026, 12, 2, 10),
    )
    for hour in range(9, 15):  # six more on the same day, seven in all
        actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=persons[:1],
            name=f"Rendez-vous {hour}h",
            teams=[org_a.day],
            due_at=_local(2026, 12, 2, hour),
        )
    client = unlocked_client(bob)
    first = client.get("/agenda/?jour=2026-12-02")
    assert first.context["counts"]["today"] == 7 and len(first.context["rows"]) == 4
    assertContains(first, "Actions 1 à 4 sur 7")
    assertContains(first, "page=2")
    second = client.get("/agenda/?jour=2026-12-02&page=2")
    assert len(second.context["rows"]) == 3 and not second.context["more"]
    shown = {r.action.pk for r in first.context["rows"]} | {r.action.pk for r in second.context["rows"]}
    assert len(shown) == 7
    assert client.get("/agenda/?jour=2026-12-02&page=abc").status_code == 200

    week = client.get("/agenda/semaine/?jour=2026-12-02")
    wednesday = next(d for d in week.context["days"] if d.day == date(2026, 12, 2))
    assert wednesday.count == 7 and len(wednesday.rows) == 3
    assertContains(week, "et 4 autres actions : voir la journée")


def test_searching_another_person_keeps_what_was_typed_and_ticked(bob, org_a, unlocked_client):
    eloise = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Éloïse Martin")
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Marcel Petit")
    client = unlocked_client(bob)
    page = client.post(
        "/agenda/nouvelle/",
        {"persons": [str(eloise.pk)], "name": "Rendez-vous CAF", "q": "marcel", "chercher": "1", "teams": []},
    )
    assert page.status_code == 200 and Action.objects.count() == 0
    assertContains(page, "Marcel Petit")
    assertContains(page, 'value="Rendez-vous CAF"')
    ticked = [c for c in page.context["form"]["persons"] if c.data["selected"]]
    assert [c.choice_label for c in ticked] == ["Éloïse Martin"]
    assertNotContains(page, "obligatoire")


def test_the_day_tabs_say_hier_and_demain_around_today_only(bob, org_a, unlocked_client):
    client = unlocked_client(bob)
    today = client.get("/agenda/")
    assertContains(today, "Aujourd’hui")
    assertContains(today, "‹ Hier (0)")
    assertContains(today, "Demain (0) ›")
    assertNotContains(today, "Revenir à aujourd’hui")
    other = client.get("/agenda/?jour=2026-12-02&statut=all")
    assertContains(other, "‹ mar 1 (0)")
    assertContains(other, "jeu 3 (0) ›")
    assertNotContains(other, "Hier")
    assertContains(other, 'href="?statut=all"')


def test_an_action_created_with_a_comment_is_searchable_and_counted_at_once(bob, org_a, persons):
    """The comment's write adds only its own words; the action's name and its statistics must be there too."""
    actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=persons[:1],
        name="Papiers préfecture",
        teams=[org_a.day],
        due_at=timezone.now(),
        comment="Apporter le récépissé",
    )
    found = person_search(user=bob.user, keyring=bob.keyring, query="prefecture recepisse", page=1)
    assert [row.name for row in found] == ["Karim"]
    assert_stats_as_rebuilt(org_a)
