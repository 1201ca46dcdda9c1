"""Agenda rows say what the name alone does not (a series, a family action, a to-do past its day), the
priorities page hides what a restricted member may not see, and the reception desk keeps its place."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import Action, Status
from mano.agenda.reception_selectors import reception_day
from mano.agenda.recurrence import Rule
from mano.agenda.services import action_set_status, actions_create
from mano.persons.models import Person
from mano.persons.services import person_create
from mano.persons.services.comments import comment_create
from mano.persons.services.passages import passage_create

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2027, 3, 10, 15))
LIST = "/agenda/liste/?statut=all"


@pytest.fixture
def person(bob, org_a) -> Person:
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")


def _create(bob, org_a, person: Person, name: str, day: date, **extra) -> list[Action]:
    due = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    return actions_create(
        user=bob.user, keyring=bob.keyring, persons=[person], name=name, teams=[org_a.day], due_at=due, **extra
    )


def _row(page, name: str) -> str:
    """The HTML of the first agenda row whose link reads `name`."""
    rows = page.content.decode().split('<li class="list__row action')[1:]
    return next(row for row in rows if f">{name}</a>" in row)


def test_a_recurring_occurrence_and_a_family_action_carry_a_mark(bob, org_a, person, unlocked_client):
    with time_machine.travel(NOW, tick=False):
        _create(bob, org_a, person, "Douche", date(2027, 3, 11), recurrence=Rule("day", 1, date(2027, 3, 12)))
        _create(bob, org_a, person, "Logement", date(2027, 3, 11), family=True)
        _create(bob, org_a, person, "Courrier", date(2027, 3, 11))
        page = unlocked_client(bob).get(LIST)
    assert "Action récurrente" in _row(page, "Douche") and "↻" in _row(page, "Douche")
    assert "Action familiale" in _row(page, "Logement")
    assert "Action familiale" not in _row(page, "Douche")
    plain = _row(page, "Courrier")
    assert "Action récurrente" not in plain and "Action familiale" not in plain


def test_a_to_do_past_its_day_is_marked_late_and_a_closed_one_is_not(bob, org_a, person, unlocked_client):
    with time_machine.travel(NOW, tick=False):
        _create(bob, org_a, person, "Hier", date(2027, 3, 9))
        (done,) = _create(bob, org_a, person, "Faite hier", date(2027, 3, 9))
        action_set_status(user=bob.user, keyring=bob.keyring, action=done, status=Status.DONE, expected_version=1)
        _create(bob, org_a, person, "Ce matin", date(2027, 3, 10))
        page = unlocked_client(bob).get(LIST)
    assert "action--overdue" in _row(page, "Hier") and "en retard" in _row(page, "Hier")
    for name in ("Faite hier", "Ce matin"):
        assert "action--overdue" not in _row(page, name) and "en retard" not in _row(page, name)


def test_a_restricted_member_sees_no_priority_comments_section(bob, org_a, person, unlocked_client):
    comment_create(user=bob.user, keyring=bob.keyring, person=person, text="Fatigué", urgent=True, team=org_a.day)
    assertNotContains(unlocked_client(org_a["restricted"]).get("/agenda/priorites/"), "Commentaires prioritaires")
    assertContains(unlocked_client(bob).get("/agenda/priorites/"), "Commentaires prioritaires (1)")


@pytest.fixture
def desk(org_a):
    organisation = org_a.organisation
    organisation.reception_enabled = True
    organisation.services = [{"group": "Hygiène", "items": ["Douche"]}]
    organisation.save()
    return organisation


def test_a_passage_edited_from_the_desk_links_back_to_the_desk(bob, org_a, person, desk, unlocked_client):
    passage = passage_create(user=bob.user, keyring=bob.keyring, team=org_a.day, person=person, date=timezone.now())
    page = unlocked_client(bob).get("/agenda/accueil/")
    assertContains(page, f"/personnes/passages/{passage.pk}/modifier/?next=/agenda/accueil/%23passages")


def test_a_counter_answers_htmx_with_the_number_its_buttons_swap(bob, org_a, desk, unlocked_client):
    """The buttons swap only `.counter__count` out of the answer (hx-select): the answer must carry it."""
    url = reverse("agenda:reception-count", args=[org_a.day.pk, reception_day(org_a.day).isoformat()])
    client = unlocked_client(bob)
    page = client.get("/agenda/accueil/")
    assertContains(page, 'hx-sync="closest ul:queue all"')
    assertContains(page, 'class="counter__count" data-count="0"')
    response = client.post(url, {"service": "Douche", "delta": "1"}, headers={"HX-Request": "true"})
    assertContains(response, 'class="counter__count" data-count="1"')
