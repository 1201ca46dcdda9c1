"""Authorization rows for the agenda."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from mano.agenda.services import actions_create
from mano.persons.services import person_create
from mano.testing_matrix import PERSON_ROLES, Row, everyone, expect


def build(world: dict[str, Any]) -> None:
    for key, org in (("action_a", world["a"]), ("action_b", world["b"])):
        admin = org["admin_health"]
        person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name="Agenda")
        (world[key],) = actions_create(
            user=admin.user,
            keyring=admin.keyring,
            persons=[person],
            name="Action",
            teams=[org.day],
            due_at=timezone.now(),
        )


GET_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:day", ""): (lambda w: reverse("agenda:day"), expect(only=PERSON_ROLES)),
    ("agenda:create", ""): (lambda w: reverse("agenda:create"), expect(only=PERSON_ROLES)),
    ("agenda:person-options", ""): (lambda w: reverse("agenda:person-options"), everyone(405)),
    ("agenda:week", ""): (lambda w: reverse("agenda:week"), expect(only=PERSON_ROLES)),
    ("agenda:list", ""): (lambda w: reverse("agenda:list"), expect(only=PERSON_ROLES)),
    ("agenda:priorities", ""): (lambda w: reverse("agenda:priorities"), expect(only=PERSON_ROLES)),
    ("agenda:priority-badge", ""): (lambda w: reverse("agenda:priority-badge"), expect(only=PERSON_ROLES)),
    ("agenda:deprioritize", ""): (
        lambda w: reverse("agenda:deprioritize"),
        everyone(405),
    ),
    ("agenda:edit", "own org"): (lambda w: reverse("agenda:edit", args=[w["action_a"].pk]), expect(only=PERSON_ROLES)),
    ("agenda:edit", "other org"): (
        lambda w: reverse("agenda:edit", args=[w["action_b"].pk]),
        expect(only=PERSON_ROLES, members=404),
    ),
    ("agenda:status", ""): (
        lambda w: reverse("agenda:status", args=[w["action_a"].pk]),
        everyone(405),
    ),
}
POST_ROWS: dict[tuple[str, str], Row] = {
    # The filter forms post (their text never reaches a URL): back to the same page with the filters, 303.
    ("agenda:day", "filters"): (lambda w: reverse("agenda:day"), expect(only=PERSON_ROLES, members=303)),
    ("agenda:week", "filters"): (lambda w: reverse("agenda:week"), expect(only=PERSON_ROLES, members=303)),
    ("agenda:list", "filters"): (lambda w: reverse("agenda:list"), expect(only=PERSON_ROLES, members=303)),
    ("agenda:person-options", "empty"): (lambda w: reverse("agenda:person-options"), expect(only=PERSON_ROLES)),
    ("agenda:deprioritize", "empty"): (
        lambda w: reverse("agenda:deprioritize"),
        expect(only=PERSON_ROLES, members=404),
    ),
    ("agenda:status", "other org"): (
        lambda w: reverse("agenda:status", args=[w["action_b"].pk]),
        expect(only=PERSON_ROLES, members=404),
    ),
}
