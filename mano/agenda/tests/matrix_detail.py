"""Authorization rows for the action page: comments on an action, duplicating a cancelled action."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from mano.agenda.models import Status
from mano.agenda.services import action_set_status, actions_create
from mano.persons.services import person_create
from mano.testing_matrix import FULL_ROLES, PERSON_ROLES, Row, expect


def build(world: dict[str, Any]) -> None:
    for key, org in (("cancelled_a", world["a"]), ("cancelled_b", world["b"])):
        admin = org["admin_health"]
        person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name="Annulée")
        (action,) = actions_create(
            user=admin.user,
            keyring=admin.keyring,
            persons=[person],
            name="Annulée",
            teams=[org.day],
            due_at=timezone.now(),
        )
        world[key] = action_set_status(
            user=admin.user, keyring=admin.keyring, action=action, status=Status.CANCELLED, expected_version=1
        )


def _url(name: str, key: str) -> Any:
    return lambda w: reverse(name, args=[w[key].pk])


GET_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:comment-add", "own org"): (_url("agenda:comment-add", "cancelled_a"), expect(only=FULL_ROLES)),
    ("agenda:comment-add", "other org"): (
        _url("agenda:comment-add", "cancelled_b"),
        expect(only=FULL_ROLES, members=404),
    ),
    ("agenda:duplicate", "own org"): (_url("agenda:duplicate", "cancelled_a"), expect(only=PERSON_ROLES)),
    ("agenda:duplicate", "other org"): (
        _url("agenda:duplicate", "cancelled_b"),
        expect(only=PERSON_ROLES, members=404),
    ),
}
# Empty posts: the comment form answers with its error (nothing saved), the duplicate form with its errors.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:comment-add", "own org, empty"): (_url("agenda:comment-add", "cancelled_a"), expect(only=FULL_ROLES)),
    ("agenda:comment-add", "other org"): (
        _url("agenda:comment-add", "cancelled_b"),
        expect(only=FULL_ROLES, members=404),
    ),
    ("agenda:duplicate", "own org, empty"): (_url("agenda:duplicate", "cancelled_a"), expect(only=PERSON_ROLES)),
    ("agenda:duplicate", "other org"): (
        _url("agenda:duplicate", "cancelled_b"),
        expect(only=PERSON_ROLES, members=404),
    ),
}
