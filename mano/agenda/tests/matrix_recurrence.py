"""Authorization rows for deleting an action (admins and normal members only) and for its repetition page
(every member who writes actions); other organisations get 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from mano.agenda.recurrence import Rule
from mano.agenda.services import actions_create
from mano.persons.services import person_create
from mano.testing_matrix import FULL_ROLES, PERSON_ROLES, Row, expect


def build(world: dict[str, Any]) -> None:
    for key, org in (("series_a", world["a"]), ("series_b", world["b"])):
        admin = org["admin_health"]
        person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name="Série")
        start = timezone.now()
        world[key] = actions_create(
            user=admin.user,
            keyring=admin.keyring,
            persons=[person],
            name="Série",
            teams=[org.day],
            due_at=start,
            recurrence=Rule(unit="day", interval=1, end=timezone.localdate(start) + timedelta(days=3)),
        )[0]


def _url(key: str, name: str = "agenda:delete") -> Any:
    return lambda w: reverse(name, args=[w[key].pk])


GET_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:delete", "own org"): (_url("series_a"), expect(only=FULL_ROLES)),
    ("agenda:delete", "other org"): (_url("series_b"), expect(only=FULL_ROLES, members=404)),
    ("agenda:repeat", "own org"): (_url("series_a", "agenda:repeat"), expect(only=PERSON_ROLES)),
    ("agenda:repeat", "other org"): (_url("series_b", "agenda:repeat"), expect(only=PERSON_ROLES, members=404)),
}
# An empty POST (no confirmation) deletes nothing: it goes back to the confirmation page.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:delete", "own org"): (_url("series_a"), expect(only=FULL_ROLES, members=302)),
    ("agenda:delete", "other org"): (_url("series_b"), expect(only=FULL_ROLES, members=404)),
    # Nothing ticked means "stop repeating": the page asks to confirm removing the following ones first.
    ("agenda:repeat", "own org"): (_url("series_a", "agenda:repeat"), expect(only=PERSON_ROLES)),
    ("agenda:repeat", "other org"): (
        _url("series_b", "agenda:repeat"),
        expect(only=PERSON_ROLES, members=404),
    ),
}
