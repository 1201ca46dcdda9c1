"""Authorization rows for the active list, merge and delete pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mano.persons.services import person_create
from mano.testing_matrix import FULL_ROLES, Row, expect


def build(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    admin, other = a["admin_health"], b["admin_health"]
    world["life_a"] = person_create(user=admin.user, keyring=admin.keyring, teams=[a.day], name="Cycle A")
    world["life_a2"] = person_create(user=admin.user, keyring=admin.keyring, teams=[a.night], name="Cycle A bis")
    world["life_b"] = person_create(user=other.user, keyring=other.keyring, teams=[b.day], name="Cycle B")


OWN = expect(only=FULL_ROLES)
OTHER_ORG = expect(only=FULL_ROLES, members=404)


def _rows(name: str, own: dict[str, int] = OWN) -> dict[tuple[str, str], Row]:
    return {
        (name, "own"): (lambda w: reverse(name, args=[w["life_a"].pk]), own),
        (name, "other team"): (lambda w: reverse(name, args=[w["life_a2"].pk]), own),
        (name, "other org"): (lambda w: reverse(name, args=[w["life_b"].pk]), OTHER_ORG),
    }


def _merge(left: str, right: str) -> Any:
    return lambda w: reverse("persons:merge", args=[w[left].pk, w[right].pk])


GET_ROWS: dict[tuple[str, str], Row] = {
    **_rows("persons:active-out"),
    **_rows("persons:active-in"),
    **_rows("persons:merge-choose"),
    ("persons:merge-choose", "search"): (
        lambda w: reverse("persons:merge-choose", args=[w["life_a"].pk]) + "?q=cycle",
        OWN,
    ),
    ("persons:merge", "own"): (_merge("life_a", "life_a2"), OWN),
    ("persons:merge", "other org target"): (_merge("life_a", "life_b"), OTHER_ORG),
    ("persons:merge", "other org origin"): (_merge("life_b", "life_a"), OTHER_ORG),
    **_rows("persons:delete"),
}
# Empty bodies: every form is refused with its message (200); reintegrating someone who is in the list says so (302).
POST_ROWS: dict[tuple[str, str], Row] = {
    **_rows("persons:active-out"),
    **_rows("persons:active-in", expect(only=FULL_ROLES, members=302)),
    # The person search posts its text and comes back 303 with a token.
    **_rows("persons:merge-choose", expect(only=FULL_ROLES, members=303)),
    ("persons:merge", "own"): (_merge("life_a", "life_a2"), OWN),
    ("persons:merge", "other org target"): (_merge("life_a", "life_b"), OTHER_ORG),
    ("persons:merge", "other org origin"): (_merge("life_b", "life_a"), OTHER_ORG),
    **_rows("persons:delete"),
}
