"""Authorization rows for the places frequented pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse

from mano.persons.services import person_create
from mano.persons.services.places import place_link_add
from mano.testing_matrix import FULL_ROLES, Row, expect


def _person_with_place(org: Any, name: str) -> tuple[Any, Any]:
    admin = org["admin_health"]
    person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.night], name=name)
    link = place_link_add(user=admin.user, keyring=admin.keyring, person=person, name=f"Gare {name}")
    return person, link


def build(world: dict[str, Any]) -> None:
    world["place_person_a"], world["place_link_a"] = _person_with_place(world["a"], "Lieux A")
    world["place_person_b"], world["place_link_b"] = _person_with_place(world["b"], "Lieux B")


OWN = expect(only=FULL_ROLES)
OTHER_ORG = expect(only=FULL_ROLES, members=404)


def _place(key: str) -> Any:
    return lambda w: w[key].place_id


GET_ROWS: dict[tuple[str, str], Row] = {
    ("persons:places", ""): (lambda w: reverse("persons:places"), OWN),
    ("persons:place-add", "own"): (lambda w: reverse("persons:place-add", args=[w["place_person_a"].pk]), OWN),
    ("persons:place-add", "other org"): (
        lambda w: reverse("persons:place-add", args=[w["place_person_b"].pk]),
        OTHER_ORG,
    ),
    ("persons:place-remove", "own"): (
        lambda w: reverse("persons:place-remove", args=[w["place_person_a"].pk, w["place_link_a"].pk]),
        OWN,
    ),
    ("persons:place-remove", "other org"): (
        lambda w: reverse("persons:place-remove", args=[w["place_person_b"].pk, w["place_link_b"].pk]),
        OTHER_ORG,
    ),
    ("persons:place-remove", "other org link"): (
        lambda w: reverse("persons:place-remove", args=[w["place_person_a"].pk, w["place_link_b"].pk]),
        OTHER_ORG,
    ),
    ("persons:place-edit", "own"): (lambda w: reverse("persons:place-edit", args=[_place("place_link_a")(w)]), OWN),
    ("persons:place-edit", "other org"): (
        lambda w: reverse("persons:place-edit", args=[_place("place_link_b")(w)]),
        OTHER_ORG,
    ),
    ("persons:place-delete", "own"): (
        lambda w: reverse("persons:place-delete", args=[_place("place_link_a")(w)]),
        OWN,
    ),
    ("persons:place-delete", "other org"): (
        lambda w: reverse("persons:place-delete", args=[_place("place_link_b")(w)]),
        OTHER_ORG,
    ),
}
# Empty bodies: add and rename are refused with a message (200); removals only ever target missing rows.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("persons:place-add", "own"): (lambda w: reverse("persons:place-add", args=[w["place_person_a"].pk]), OWN),
    ("persons:place-add", "other org"): (
        lambda w: reverse("persons:place-add", args=[w["place_person_b"].pk]),
        OTHER_ORG,
    ),
    ("persons:place-edit", "own"): (lambda w: reverse("persons:place-edit", args=[_place("place_link_a")(w)]), OWN),
    ("persons:place-edit", "other org"): (
        lambda w: reverse("persons:place-edit", args=[_place("place_link_b")(w)]),
        OTHER_ORG,
    ),
    ("persons:place-delete", "other org"): (
        lambda w: reverse("persons:place-delete", args=[_place("place_link_b")(w)]),
        OTHER_ORG,
    ),
    ("persons:place-delete", "unknown"): (
        lambda w: reverse("persons:place-delete", args=[uuid.uuid4()]),
        OTHER_ORG,
    ),
    ("persons:place-remove", "other org"): (
        lambda w: reverse("persons:place-remove", args=[w["place_person_b"].pk, w["place_link_b"].pk]),
        OTHER_ORG,
    ),
    ("persons:place-remove", "other org link"): (
        lambda w: reverse("persons:place-remove", args=[w["place_person_a"].pk, w["place_link_b"].pk]),
        OTHER_ORG,
    ),
}
