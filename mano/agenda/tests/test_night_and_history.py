"""Date-only actions and night teams, the night tabs' names, and the history of every field an edit changes."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.agenda.models import Action
from mano.agenda.selectors import action_rows
from mano.agenda.services import action_update, actions_create
from mano.core.records import record_data
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db


def _local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def person(alice, org_a):
    return person_create(user=alice.user, keyring=alice.keyring, teams=[org_a.day, org_a.night], name="Karim")


@pytest.mark.parametrize("typed_at", [8, 15, 23])
def test_a_date_only_action_belongs_to_the_night_of_its_date_whatever_the_hour_it_was_typed(
    alice, org_a, person, unlocked_client, typed_at
):
    (action,) = actions_create(
        user=alice.user,
        keyring=alice.keyring,
        persons=[person],
        name="Couverture",
        teams=[org_a.night],
        due_at=_local(2026, 12, 3, typed_at, 10),
    )
    assert timezone.localtime(action.due_at).strftime("%d/%m %H:%M") == "03/12 12:00"
    client = unlocked_client(alice)
    client.post("/equipe/", {"team": str(org_a.night.pk)})
    assert [r.name for r in client.get("/agenda/?jour=2026-12-03").context["rows"]] == ["Couverture"]
    assert client.get("/agenda/?jour=2026-12-02").context["rows"] == []


def test_the_add_button_of_a_night_team_presets_the_evening(alice, org_a, unlocked_client):
    client = unlocked_client(alice)
    client.post("/equipe/", {"team": str(org_a.night.pk)})
    form = client.get("/agenda/nouvelle/?jour=2026-12-04").context["form"]
    assert timezone.localtime(form.initial["due_at"]).strftime("%d/%m %H:%M") == "04/12 21:00"
    assertContains(client.get("/agenda/semaine/?jour=2026-12-04"), "Nuit du vendredi 4")


@pytest.mark.parametrize(
    ("hour", "labels"),
    [(8, ("Nuit précédente", "Cette nuit", "Ce soir")), (16, ("Nuit dernière", "Ce soir", "Nuit suivante"))],
)
def test_the_night_tabs_say_which_night_it_is(alice, org_a, unlocked_client, hour, labels):
    with time_machine.travel(_local(2026, 12, 3, hour), tick=False):
        client = unlocked_client(alice)
        client.post("/equipe/", {"team": str(org_a.night.pk)})
        page = client.get("/agenda/")
    # In the morning the current agenda day is the night that began yesterday at noon; tonight is next.
    assert page.context["day"].day == (2 if hour < 12 else 3)
    for label in labels:
        assertContains(page, label)


def test_the_history_lists_every_field_an_edit_changed(alice, org_a, person, unlocked_client):
    (action,) = actions_create(
        user=alice.user,
        keyring=alice.keyring,
        persons=[person],
        name="CAF",
        teams=[org_a.day],
        due_at=_local(2026, 12, 3, 10),
    )
    action_update(
        user=alice.user,
        keyring=alice.keyring,
        action=Action.objects.get(pk=action.pk),
        expected_version=1,
        name="CAF",
        teams=[org_a.day, org_a.night],
        due_at=_local(2026, 12, 5, 14, 30),
        with_time=True,
        urgent=True,
        description="",
        categories=[],
        status="todo",
        completed_at=None,
    )
    changes = record_data(Action.objects.get(pk=action.pk), alice.keyring)["history"][-1]["changes"]
    assert changes == {
        "due_at": ["03/12/2026", "05/12/2026 14:30"],
        "with_time": [False, True],
        "urgent": [False, True],
        "teams": ["Jour", "Jour, Nuit"],
    }
    tab = unlocked_client(alice).get(f"/agenda/{action.pk}/?onglet=historique")
    for line in ("À faire le : « 03/12/2026 » ➔ « 05/12/2026 14:30 »", "Action prioritaire : « Non » ➔ « Oui »"):
        assertContains(tab, line)
    assertContains(tab, "Équipe(s) en charge : « Jour » ➔ « Jour, Nuit »")


@pytest.mark.parametrize(("now", "late"), [((2026, 12, 4, 1), False), ((2026, 12, 4, 13), True)])
def test_a_night_teams_action_is_late_only_once_its_night_is_over(alice, org_a, person, now, late):
    (action,) = actions_create(
        user=alice.user,
        keyring=alice.keyring,
        persons=[person],
        name="Couverture",
        teams=[org_a.night],
        due_at=_local(2026, 12, 3, 20),
    )
    with time_machine.travel(_local(*now), tick=False):
        (row,) = action_rows([Action.objects.get(pk=action.pk)], alice.keyring)
        assert row.overdue is late


def test_the_week_marks_today(alice, unlocked_client):
    with time_machine.travel(_local(2026, 12, 3, 10), tick=False):
        page = unlocked_client(alice).get("/agenda/semaine/")
    assertContains(page, 'class="week__day week__day--today" aria-current="date"', count=1)


def test_after_midnight_a_night_teams_new_action_defaults_to_the_night_still_going_on(alice, org_a, unlocked_client):
    with time_machine.travel(_local(2026, 12, 4, 1, 30), tick=False):
        client = unlocked_client(alice)
        client.post("/equipe/", {"team": str(org_a.night.pk)})
        form = client.get("/agenda/nouvelle/").context["form"]
    assert timezone.localtime(form.initial["due_at"]).strftime("%d/%m %H:%M") == "03/12 21:00"


def test_the_family_box_is_offered_on_creation_whoever_is_ticked_later(alice, unlocked_client):
    assert "family" in unlocked_client(alice).get("/agenda/nouvelle/").context["form"].fields
