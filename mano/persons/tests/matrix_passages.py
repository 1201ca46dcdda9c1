"""Authorization rows for passages and rencontres: restricted members add and edit, only admins and normal
members delete."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from mano.persons.services.passages import encounters_create
from mano.persons.services.persons import person_create
from mano.testing_matrix import FULL_ROLES, PERSON_ROLES, Row, expect


def build(world: dict[str, Any]) -> None:
    for key in ("a", "b"):
        org = world[key]
        admin = org["admin_health"]
        person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=f"Passante {key}")
        common = {"user": admin.user, "keyring": admin.keyring, "team": org.day, "date": timezone.now()}
        world[f"passages_person_{key}"] = person
        world[f"passage_{key}"] = encounters_create(kind="passage", persons=[person], **common)[0]
        world[f"rencontre_{key}"] = encounters_create(kind="rencontre", persons=[person], **common)[0]
        world[f"anonymous_{key}"] = encounters_create(kind="passage", anonymous_count=1, **common)[0]


def _row(name: str, obj: str, roles: set[str], status: int = 200) -> Row:
    """`obj` names a world object; those of org B answer 404 to the roles that may use the page."""
    members = 404 if obj.endswith("_b") else status
    return (lambda w: reverse(name, args=[w[obj].pk]), expect(only=roles, members=members))


GET_ROWS: dict[tuple[str, str], Row] = {
    ("persons:passages", ""): (lambda w: reverse("persons:passages"), expect(only=PERSON_ROLES)),
    ("persons:passages", "filtered"): (lambda w: reverse("persons:passages") + "?q=pass", expect(only=PERSON_ROLES)),
    ("persons:person-passages", "own org"): _row("persons:person-passages", "passages_person_a", PERSON_ROLES),
    ("persons:person-passages", "other org"): _row("persons:person-passages", "passages_person_b", PERSON_ROLES),
    ("persons:passage-add", "own org"): _row("persons:passage-add", "passages_person_a", PERSON_ROLES),
    ("persons:passage-add", "other org"): _row("persons:passage-add", "passages_person_b", PERSON_ROLES),
    ("persons:rencontre-add", "own org"): _row("persons:rencontre-add", "passages_person_a", PERSON_ROLES),
    ("persons:rencontre-add", "other org"): _row("persons:rencontre-add", "passages_person_b", PERSON_ROLES),
    ("persons:passage-edit", "own org"): _row("persons:passage-edit", "passage_a", PERSON_ROLES),
    ("persons:passage-edit", "anonymous"): _row("persons:passage-edit", "anonymous_a", PERSON_ROLES),
    ("persons:passage-edit", "other org"): _row("persons:passage-edit", "passage_b", PERSON_ROLES),
    ("persons:passage-edit", "other org anonymous"): _row("persons:passage-edit", "anonymous_b", PERSON_ROLES),
    ("persons:rencontre-edit", "own org"): _row("persons:rencontre-edit", "rencontre_a", PERSON_ROLES),
    ("persons:rencontre-edit", "other org"): _row("persons:rencontre-edit", "rencontre_b", PERSON_ROLES),
    # A passage id in a rencontre URL is not found.
    ("persons:rencontre-edit", "passage id"): (
        lambda w: reverse("persons:rencontre-edit", args=[w["passage_a"].pk]),
        expect(only=PERSON_ROLES, members=404),
    ),
    ("persons:passage-delete", "own org"): _row("persons:passage-delete", "passage_a", FULL_ROLES),
    ("persons:passage-delete", "other org"): _row("persons:passage-delete", "passage_b", FULL_ROLES),
    ("persons:rencontre-delete", "own org"): _row("persons:rencontre-delete", "rencontre_a", FULL_ROLES),
    ("persons:rencontre-delete", "other org"): _row("persons:rencontre-delete", "rencontre_b", FULL_ROLES),
}
# Empty bodies: the forms answer with their errors (200), a delete goes back to its confirmation (302).
POST_ROWS: dict[tuple[str, str], Row] = {
    ("persons:passages", ""): (lambda w: reverse("persons:passages"), expect(only=PERSON_ROLES)),
    ("persons:passage-add", "own org"): _row("persons:passage-add", "passages_person_a", PERSON_ROLES),
    ("persons:passage-add", "other org"): _row("persons:passage-add", "passages_person_b", PERSON_ROLES),
    ("persons:rencontre-edit", "own org"): _row("persons:rencontre-edit", "rencontre_a", PERSON_ROLES),
    ("persons:rencontre-edit", "other org"): _row("persons:rencontre-edit", "rencontre_b", PERSON_ROLES),
    ("persons:passage-delete", "own org"): _row("persons:passage-delete", "passage_a", FULL_ROLES, 302),
    ("persons:passage-delete", "other org"): _row("persons:passage-delete", "passage_b", FULL_ROLES),
    ("persons:rencontre-delete", "own org"): _row("persons:rencontre-delete", "rencontre_a", FULL_ROLES, 302),
    ("persons:rencontre-delete", "other org"): _row("persons:rencontre-delete", "rencontre_b", FULL_ROLES),
}
