"""Authorization rows for the person pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mano.persons.services import person_create
from mano.testing_matrix import FULL_ROLES, PERSON_ROLES, Row, expect


def build(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    admin, other = a["admin_health"], b["admin_health"]
    world["person_day"] = person_create(user=admin.user, keyring=admin.keyring, teams=[a.day], name="Jour")
    world["person_night"] = person_create(user=admin.user, keyring=admin.keyring, teams=[a.night], name="Nuit")
    world["person_b"] = person_create(user=other.user, keyring=other.keyring, teams=[b.day], name="Autre")


def _person_rows(name: str, roles: set[str], *args: Any) -> dict[tuple[str, str], Row]:
    """Own team, other team (same organisation: allowed) and other organisation (404)."""
    return {
        (name, "own team"): (lambda w: reverse(name, args=[w["person_day"].pk, *args]), expect(only=roles)),
        (name, "other team"): (lambda w: reverse(name, args=[w["person_night"].pk, *args]), expect(only=roles)),
        (name, "other org"): (
            lambda w: reverse(name, args=[w["person_b"].pk, *args]),
            expect(only=roles, members=404),
        ),
    }


GET_ROWS: dict[tuple[str, str], Row] = {
    ("persons:list", ""): (lambda w: reverse("persons:list"), expect(only=PERSON_ROLES)),
    ("persons:list", "search"): (lambda w: reverse("persons:list") + "?q=jour", expect(only=PERSON_ROLES)),
    ("persons:create", ""): (lambda w: reverse("persons:create"), expect(only=PERSON_ROLES)),
    **_person_rows("persons:detail", PERSON_ROLES),
    **_person_rows("persons:edit", PERSON_ROLES),
    **_person_rows("persons:group-edit", FULL_ROLES, 0),
    **_person_rows("persons:history", FULL_ROLES),
    **_person_rows("persons:print", FULL_ROLES),
}
# The search and filter forms post their text and come back 303 with its token.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("persons:list", "filters"): (lambda w: reverse("persons:list"), expect(only=PERSON_ROLES, members=303)),
}
