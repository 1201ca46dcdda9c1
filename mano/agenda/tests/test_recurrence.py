"""Recurring actions: the rules against real calendars, the form, creation at once, editing one or the following."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.agenda import recurrence
from mano.agenda.models import Action
from mano.agenda.recurrence import Rule, describe, occurrence_days, occurrences
from mano.agenda.services import action_set_status, action_update, actions_create
from mano.core.records import ConflictError, record_data
from mano.persons.models import Comment
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db


def _local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


# --- The rules, against real calendars ---------------------------------------------------------------


def test_the_31st_is_skipped_in_months_without_one():
    days = occurrence_days(Rule("month", 1, date(2027, 12, 31)), date(2027, 1, 31))
    assert days == [date(2027, m, 31) for m in (1, 3, 5, 7, 8, 10, 12)]


def test_29_february_only_comes_back_in_leap_years():
    days = occurrence_days(Rule("year", 1, date(2032, 12, 31)), date(2028, 2, 29))
    assert days == [date(2028, 2, 29), date(2032, 2, 29)]
    # From a non-leap year the 28th stays the 28th.
    assert len(occurrence_days(Rule("year", 1, date(2032, 3, 1)), date(2027, 2, 28))) == 6


def test_every_month_on_the_last_sunday():
    days = occurrence_days(Rule("month", 1, date(2027, 12, 31), monthly="last"), date(2027, 1, 31))
    expected = [(1, 31), (2, 28), (3, 28), (4, 25), (5, 30), (6, 27), (7, 25), (8, 29), (9, 26), (10, 31), (11, 28)]
    assert days == [date(2027, m, d) for m, d in expected] + [date(2027, 12, 26)]
    assert all(d.weekday() == 6 and (d + timedelta(days=7)).month != d.month for d in days)


def test_every_month_on_the_first_monday():
    days = occurrence_days(Rule("month", 1, date(2027, 6, 30), monthly="nth"), date(2027, 1, 4))
    assert days == [date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 5), date(2027, 5, 3)] + [
        date(2027, 6, 7)
    ]


def test_the_fifth_weekday_is_skipped_in_months_with_four():
    days = occurrence_days(Rule("month", 1, date(2027, 6, 30), monthly="nth"), date(2027, 1, 29))  # 5th Friday
    assert days == [date(2027, 1, 29), date(2027, 4, 30)]


def test_every_two_weeks_on_monday_and_thursday():
    days = occurrence_days(Rule("week", 2, date(2027, 2, 28), weekdays=(0, 3)), date(2027, 1, 6))
    # The start is a Wednesday: its week's Monday is past, its Thursday is the first occurrence.
    assert days == [
        date(2027, 1, 7),
        date(2027, 1, 18),
        date(2027, 1, 21),
        date(2027, 2, 1),
        date(2027, 2, 4),
        date(2027, 2, 15),
        date(2027, 2, 18),
    ]


def test_every_three_days_and_every_two_years_relative():
    assert occurrence_days(Rule("day", 3, date(2027, 1, 10)), date(2027, 1, 1)) == [
        date(2027, 1, 1),
        date(2027, 1, 4),
        date(2027, 1, 7),
        date(2027, 1, 10),
    ]
    # The second Tuesday of March, every two years.
    days = occurrence_days(Rule("year", 2, date(2031, 12, 31), monthly="nth"), date(2027, 3, 9))
    assert days == [date(2027, 3, 9), date(2029, 3, 13), date(2031, 3, 11)]


@pytest.mark.parametrize("change", [date(2027, 3, 28), date(2027, 10, 31)])
def test_nine_o_clock_stays_nine_o_clock_across_daylight_saving_changes(change):
    start = _local(change.year, change.month, change.day - 2, 9)
    moments = occurrences(Rule("day", 1, change + timedelta(days=2)), start)
    assert [timezone.localtime(m).hour for m in moments] == [9] * 5
    utc_hours = [m.astimezone(UTC).hour for m in moments]
    assert utc_hours == ([8, 8, 7, 7, 7] if change.month == 3 else [7, 7, 8, 8, 8])


def test_five_years_of_a_daily_action_is_allowed():
    assert len(occurrence_days(Rule("day", 1, date(2032, 1, 1)), date(2027, 1, 1))) == 1827


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        (Rule("day", 1, date(2026, 12, 31)), "recurrence_end", recurrence.END_BEFORE_START),
        (Rule("day", 1, date(2032, 1, 2)), "recurrence_end", recurrence.END_TOO_FAR),
        (Rule("week", 1, date(2027, 3, 1)), "recurrence_weekdays", recurrence.WEEKDAY_REQUIRED),
        (Rule("day", 0, date(2027, 3, 1)), "recurrence_interval", recurrence.INTERVAL_INVALID),
        (Rule("week", 1, date(2027, 1, 2), weekdays=(0,)), "recurrence_end", recurrence.NO_OCCURRENCE),
    ],
)
def test_unusable_rules_say_why_on_the_right_field(rule, field, message):
    with pytest.raises(ValidationError) as caught:
        recurrence.check(rule, date(2027, 1, 1))
    assert caught.value.message_dict == {field: [message]}


def test_a_rule_reads_in_words():
    assert describe(Rule("day", 2, date(2027, 1, 31)), date(2027, 1, 1)) == "Tous les 2 jours jusqu’au 31/01/2027"
    weekly = Rule("week", 1, date(2027, 2, 1), weekdays=(3, 0))
    assert describe(weekly, date(2027, 1, 4)) == "Toutes les semaines le lundi et le jeudi jusqu’au 01/02/2027"
    monthly = Rule("month", 1, date(2027, 6, 1), monthly="last")
    assert describe(monthly, date(2027, 1, 31)) == "Tous les mois le dernier dimanche jusqu’au 01/06/2027"
    yearly = Rule("year", 1, date(2030, 1, 1), monthly="nth")
    assert describe(yearly, date(2027, 4, 12)) == "Tous les ans le deuxième lundi d’avril jusqu’au 01/01/2030"


def test_the_default_end_is_two_months_later():
    assert recurrence.add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert recurrence.add_months(date(2027, 3, 10), 2) == date(2027, 5, 10)


# --- Through the pages --------------------------------------------------------------------------------


@pytest.fixture
def persons(bob, org_a):
    return [person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=n) for n in ("Karim", "Zoé")]


def _post(persons, team, **extra):
    return {
        "name": "Douche",
        "persons": [str(p.pk) for p in persons],
        "due_at": "2027-01-04T09:30",
        "with_time": "on",
        "teams": [str(team.pk)],
        "comment": "Prévoir une serviette",
        "repeat": "on",
        "recurrence_interval": "1",
        "recurrence_unit": "week",
        "recurrence_weekdays": ["0", "3"],
        "recurrence_monthly": "day",
        "recurrence_end": "2027-01-31",
        **extra,
    }


def test_the_form_creates_every_occurrence_for_each_person(bob, org_a, persons, unlocked_client):
    client = unlocked_client(bob)
    page = client.get("/agenda/nouvelle/?jour=2027-01-04")
    assertContains(page, 'value="2027-03-04"')  # "Jusqu’au" defaults to two months after the start
    assertContains(page, "le premier lundi du mois")
    assertContains(page, "js/recurrence.js")
    response = client.post("/agenda/nouvelle/", _post(persons, org_a.day))
    assert response.status_code == 302
    # Mondays and Thursdays from 4 to 31 January 2027: 4, 7, 11, 14, 18, 21, 25, 28.
    assert Action.objects.count() == 16
    for person in persons:
        series = list(Action.objects.filter(person=person).order_by("due_at"))
        assert len({a.recurrence_id for a in series}) == 1 and series[0].recurrence_id is not None
        assert [timezone.localtime(a.due_at).day for a in series] == [4, 7, 11, 14, 18, 21, 25, 28]
        assert {timezone.localtime(a.due_at).hour for a in series} == {9}
        assert record_data(series[-1], bob.keyring)["recurrence"]["unit"] == "week"
        # The first comment is copied once per person, on the first occurrence.
        assert list(Comment.objects.filter(person=person).values_list("action_id", flat=True)) == [series[0].pk]
    assert Action.objects.values("recurrence_id").distinct().count() == 2
    follow = client.get(response["Location"])
    assertContains(follow, "16 actions créées.")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"recurrence_end": "2027-01-03"}, "La fin de la récurrence doit être après son début."),
        ({"recurrence_end": "2032-01-05"}, "au plus 5 ans après son début"),
        ({"recurrence_weekdays": []}, "Choisissez au moins un jour de la semaine."),
        ({"recurrence_end": ""}, "La date de fin de la récurrence est obligatoire."),
        ({"recurrence_interval": "0"}, "supérieure ou égale à 1"),
    ],
)
def test_bad_recurrences_save_nothing_and_say_why(bob, org_a, persons, unlocked_client, extra, message):
    response = unlocked_client(bob).post("/agenda/nouvelle/", _post(persons, org_a.day, **extra))
    assert response.status_code == 200
    assertContains(response, message)
    field = next(iter(extra))
    assert response.context["repeat"].errors.get(field), "the message sits on its own field"
    assert not Action.objects.exists() and not Comment.objects.exists()


def test_without_repeat_the_recurrence_fields_are_ignored(bob, org_a, persons, unlocked_client):
    data = _post(persons[:1], org_a.day, recurrence_end="garbage", recurrence_weekdays=[])
    del data["repeat"]
    assert unlocked_client(bob).post("/agenda/nouvelle/", data).status_code == 302
    action = Action.objects.get()
    assert action.recurrence_id is None and "recurrence" not in record_data(action, bob.keyring)


def test_the_service_refuses_a_bad_rule_too(bob, org_a, persons):
    with pytest.raises(ValidationError):
        actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=persons,
            name="X",
            teams=[org_a.day],
            due_at=_local(2027, 1, 4, 9),
            recurrence=Rule("day", 1, date(2033, 1, 1)),
        )
    assert not Action.objects.exists()


def _series(bob, org_a, person, **rule):
    return actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Maraude",
        teams=[org_a.day],
        due_at=_local(2027, 3, 1, 9),
        with_time=True,
        recurrence=Rule("day", 7, date(2027, 3, 29), **rule),  # Mondays 1, 8, 15, 22, 29 March
    )


def _edit(action, team, **extra):
    return {
        "name": "Maraude du lundi",
        "due_at": timezone.localtime(action.due_at).strftime("%Y-%m-%dT10:15"),
        "with_time": "on",
        "teams": [str(team.pk)],
        "status": "todo",
        "version": str(action.version),
        **extra,
    }


def test_the_edit_page_of_an_occurrence_shows_the_rule_and_the_choice(bob, org_a, persons, unlocked_client):
    series = _series(bob, org_a, persons[0])
    page = unlocked_client(bob).get(f"/agenda/{series[1].pk}/")
    assertContains(page, "Tous les 7 jours jusqu’au 29/03/2027")
    assertContains(page, "Cette action seulement")
    assertContains(page, "Cette action et les suivantes")
    assertContains(page, f"/agenda/{series[1].pk}/supprimer/")


def test_editing_this_one_only_leaves_the_others(bob, org_a, persons, unlocked_client):
    series = _series(bob, org_a, persons[0])
    response = unlocked_client(bob).post(f"/agenda/{series[1].pk}/", _edit(series[1], org_a.night, scope="one"))
    assert response.status_code == 302
    names = [record_data(a, bob.keyring)["name"] for a in Action.objects.order_by("due_at")]
    assert names == ["Maraude", "Maraude du lundi", "Maraude", "Maraude", "Maraude"]


def test_editing_this_one_and_the_following_ones(bob, org_a, persons, unlocked_client):
    series = _series(bob, org_a, persons[0])
    done = series[3]
    action_set_status(user=bob.user, keyring=bob.keyring, action=done, status="done", expected_version=1)
    edit = _edit(series[1], org_a.night, scope="following", urgent="on")
    assert unlocked_client(bob).post(f"/agenda/{series[1].pk}/", edit).status_code == 302
    rows = list(Action.objects.order_by("due_at").prefetch_related("teams"))
    names = [record_data(a, bob.keyring)["name"] for a in rows]
    # The first one is before, the fourth one is done: both keep what they had.
    assert names == ["Maraude", "Maraude du lundi", "Maraude du lundi", "Maraude", "Maraude du lundi"]
    assert [a.urgent for a in rows] == [False, True, True, False, True]
    assert [[t.pk for t in a.teams.all()] for a in rows][4] == [org_a.night.pk]
    # The time of day follows (10:15), each keeps its own date.
    later = [timezone.localtime(a.due_at) for a in (rows[2], rows[4])]
    assert [(t.day, t.hour, t.minute) for t in later] == [(15, 10, 15), (29, 10, 15)]
    assert timezone.localtime(rows[0].due_at).hour == 9
    assert record_data(rows[4], bob.keyring)["history"][-1]["changes"]["name"] == ["Maraude", "Maraude du lundi"]


def test_a_stale_edit_of_the_following_ones_changes_nothing(bob, org_a, persons):
    series = _series(bob, org_a, persons[0])
    with pytest.raises(ConflictError):
        action_update(
            user=bob.user,
            keyring=bob.keyring,
            action=series[1],
            expected_version=7,
            name="Trop tard",
            teams=[org_a.day],
            due_at=series[1].due_at,
            with_time=False,
            urgent=False,
            description="",
            categories=[],
            status="todo",
            completed_at=None,
            scope="following",
        )
    assert {record_data(a, bob.keyring)["name"] for a in Action.objects.all()} == {"Maraude"}


def test_the_family_flag_follows_onto_the_following_occurrences_with_a_history_line(bob, org_a, persons):
    series = _series(bob, org_a, persons[0])
    action_update(
        user=bob.user,
        keyring=bob.keyring,
        action=series[2],
        expected_version=series[2].version,
        name="Maraude",
        teams=[org_a.day],
        due_at=series[2].due_at,
        with_time=False,
        urgent=False,
        description="",
        categories=[],
        status="todo",
        completed_at=None,
        family=True,
        scope="following",
    )
    rows = list(Action.objects.order_by("due_at"))
    assert [bool(record_data(a, bob.keyring).get("family")) for a in rows] == [False, False, True, True, True]
    assert record_data(rows[4], bob.keyring)["history"][-1]["changes"] == {"family": [False, True]}
    assert rows[2].version == 2  # one write, not two
