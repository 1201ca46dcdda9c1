"""Repeating an action from one occurrence on: change the rule, repeat a one-off action, stop repeating."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.agenda.models import Action
from mano.agenda.recurrence import Rule
from mano.agenda.services import action_set_status, actions_create
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import record_data
from mano.persons.models import Comment
from mano.persons.services import person_create
from mano.persons.services.comments import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(bob, org_a):
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")


def _series(who, team, person):
    """Mondays 1, 8, 15, 22 and 29 March 2027 at 09:00."""
    return actions_create(
        user=who.user,
        keyring=who.keyring,
        persons=[person],
        name="Maraude",
        teams=[team],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 9)),
        with_time=True,
        recurrence=Rule("day", 7, date(2027, 3, 29)),
    )


def _rule(action, **fields):
    return {
        "version": str(action.version),
        "repeat": "on",
        "recurrence_interval": "14",
        "recurrence_unit": "day",
        "recurrence_monthly": "day",
        "recurrence_end": "2027-04-12",
        "confirm": "1",  # removals are confirmed (see the test of the confirmation page)
        **fields,
    }


def _alive():
    return list(Action.objects.filter(deleted_at=None).order_by("due_at"))


def _days(rows):
    return [timezone.localtime(a.due_at).strftime("%d/%m") for a in rows]


def test_changing_the_rule_from_an_occurrence_keeps_matching_days_and_work_done(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a.day, person)
    action_set_status(user=bob.user, keyring=bob.keyring, action=series[4], status="done", expected_version=1)
    comment_create(user=bob.user, keyring=bob.keyring, person=person, text="Pas là", action_id=series[2].pk)
    client = unlocked_client(bob)
    page = client.get(f"/agenda/{series[1].pk}/")
    assertContains(page, f"/agenda/{series[1].pk}/repeter/")
    assertContains(page, "Modifier la récurrence…")
    form = client.get(f"/agenda/{series[1].pk}/repeter/")
    assertContains(form, 'value="2027-03-29"')  # starts from the series' rule

    response = client.post(f"/agenda/{series[1].pk}/repeter/", _rule(series[1]))

    assert response.status_code == 302
    assertContains(client.get(response["Location"]), "1 action ajoutée, 1 action gardée, 1 action supprimée")
    rows = _alive()
    # Every 14 days from 8 March to 12 April: 8 and 22 March, 5 April; the 1st is before, the 29th is done.
    assert _days(rows) == ["01/03", "08/03", "22/03", "29/03", "05/04"]
    first, this, kept, done, added = rows
    # One series still (the rule lives in each occurrence): the first one keeps its rule, and its following
    # ones are the rest of the series.
    assert {a.recurrence_id for a in rows} == {series[0].recurrence_id}
    assert kept.pk == series[3].pk  # the occurrence on a kept day is the same action, with its history
    assert record_data(added, bob.keyring)["name"] == "Maraude" and timezone.localtime(added.due_at).hour == 9
    assert [t.pk for t in added.teams.all()] == [org_a.day.pk]
    assert record_data(this, bob.keyring)["recurrence"]["interval"] == 14
    assert record_data(first, bob.keyring)["recurrence"]["interval"] == 7
    change = record_data(kept, bob.keyring)["history"][-1]["changes"]["recurrence"]
    assert change == ["Tous les 7 jours jusqu’au 29/03/2027", "Tous les 14 jours jusqu’au 12/04/2027"]
    # The removed occurrence (15 March) took its comment with it, and the deletion is in the audit trail.
    assert not Comment.objects.filter(action_id=series[2].pk, deleted_at=None).exists()
    deleted = AuditEvent.objects.get(action=AuditAction.RECORD_DELETE)
    assert (deleted.detail["count"], deleted.detail["comments"], deleted.actor_id) == (1, 1, bob.user.pk)
    assertContains(client.get(f"/agenda/{this.pk}/"), "Tous les 14 jours jusqu’au 12/04/2027")


def test_the_old_rule_saved_again_from_an_earlier_occurrence_adds_no_copies(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a.day, person)
    client = unlocked_client(bob)
    client.post(f"/agenda/{series[2].pk}/repeter/", _rule(series[2]))  # every 14 days from 15 March
    assert _days(_alive()) == ["01/03", "08/03", "15/03", "29/03", "12/04"]
    first = Action.objects.get(pk=series[0].pk)
    page = client.get(f"/agenda/{first.pk}/repeter/")
    assertContains(page, 'value="2027-03-29"')  # the first one's own rule, weekly until 29 March
    weekly = _rule(first, recurrence_interval="7", recurrence_end="2027-03-29")
    assert client.post(f"/agenda/{first.pk}/repeter/", weekly).status_code == 302
    days = _days(_alive())
    assert days == ["01/03", "08/03", "15/03", "22/03", "29/03"] and len(days) == len(set(days))


def test_removing_occurrences_is_confirmed_first_with_the_numbers(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a.day, person)
    client = unlocked_client(bob)
    data = _rule(series[0])
    del data["repeat"], data["confirm"]  # stop repeating: the four following ones would go
    page = client.post(f"/agenda/{series[0].pk}/repeter/", data)
    assert page.status_code == 200
    assertContains(page, "Cette règle ferait : 4 actions supprimées.")
    assertContains(page, 'name="confirm" value="1"')
    assert len(_alive()) == 5 and {a.version for a in _alive()} == {1}
    assert client.post(f"/agenda/{series[0].pk}/repeter/", {**data, "confirm": "1"}).status_code == 302
    assert _days(_alive()) == ["01/03"]


def test_a_one_off_action_is_repeated_from_its_page(bob, org_a, person, unlocked_client):
    (action,) = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[person],
        name="Appel SIAO",
        teams=[org_a.day],
        due_at=timezone.make_aware(datetime(2027, 3, 1, 14, 30)),
        with_time=True,
    )
    client = unlocked_client(bob)
    assertContains(client.get(f"/agenda/{action.pk}/"), "Répéter cette action…")
    data = _rule(action, recurrence_unit="week", recurrence_interval="1", recurrence_weekdays=["0", "2"])
    data["recurrence_end"] = "2027-03-14"
    assert client.post(f"/agenda/{action.pk}/repeter/", data).status_code == 302
    rows = _alive()
    assert _days(rows) == ["01/03", "03/03", "08/03", "10/03"]
    assert len({a.recurrence_id for a in rows}) == 1 and rows[0].recurrence_id is not None
    assert all(a.with_time and timezone.localtime(a.due_at).strftime("%H:%M") == "14:30" for a in rows)


def test_unticking_repeat_stops_the_series_after_this_action(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a.day, person)
    data = _rule(series[2])
    del data["repeat"]
    assert unlocked_client(bob).post(f"/agenda/{series[2].pk}/repeter/", data).status_code == 302
    rows = _alive()
    assert _days(rows) == ["01/03", "08/03", "15/03"]
    assert rows[2].recurrence_id is None and "recurrence" not in record_data(rows[2], bob.keyring)
    assert record_data(rows[2], bob.keyring)["history"][-1]["changes"]["recurrence"][1] == "Non répétée"


def test_restricted_members_may_add_occurrences_but_not_remove_any(org_a, unlocked_client):
    member = org_a["restricted"]
    person = person_create(user=member.user, keyring=member.keyring, teams=[org_a.day], name="Zoé")
    series = _series(member, org_a.day, person)
    client = unlocked_client(member)
    shorter = client.post(f"/agenda/{series[1].pk}/repeter/", _rule(series[1]))
    assert shorter.status_code == 200
    assertContains(shorter, "seuls les administrateur·rices et les membres non restreints")
    assert len(_alive()) == 5 and {a.version for a in _alive()} == {1}
    longer = _rule(series[1], recurrence_interval="7", recurrence_end="2027-04-05")
    assert client.post(f"/agenda/{series[1].pk}/repeter/", longer).status_code == 302
    assert _days(_alive()) == ["01/03", "08/03", "15/03", "22/03", "29/03", "05/04"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"recurrence_end": "2027-03-01"}, "La fin de la récurrence doit être après son début."),
        ({"recurrence_end": "2033-01-01"}, "au plus 5 ans après son début"),
        ({"recurrence_weekdays": [], "recurrence_unit": "week"}, "Choisissez au moins un jour de la semaine."),
    ],
)
def test_a_bad_rule_says_why_and_changes_nothing(bob, org_a, person, unlocked_client, fields, message):
    series = _series(bob, org_a.day, person)
    response = unlocked_client(bob).post(f"/agenda/{series[1].pk}/repeter/", _rule(series[1], **fields))
    assert response.status_code == 200
    assertContains(response, message)
    assert response.context["form"].errors.get(next(iter(fields))), "the message sits on its own field"
    assert len(_alive()) == 5 and {a.version for a in _alive()} == {1}


def test_a_stale_page_or_a_done_action_changes_nothing(bob, org_a, person, unlocked_client):
    series = _series(bob, org_a.day, person)
    client = unlocked_client(bob)
    stale = client.post(f"/agenda/{series[1].pk}/repeter/", _rule(series[1], version="7"))
    assert "modifiée par quelqu’un d’autre" in client.get(stale["Location"]).content.decode()
    action_set_status(user=bob.user, keyring=bob.keyring, action=series[1], status="done", expected_version=1)
    done = client.post(f"/agenda/{series[1].pk}/repeter/", _rule(series[1], version="2"))
    assertContains(client.get(done["Location"]), "Seule une action à faire peut être répétée.")
    assert len(_alive()) == 5 and [a.version for a in _alive()] == [1, 2, 1, 1, 1]
