"""Authorization rows for the comments of a person: admins and normal members only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mano.persons.services.comments import comment_create
from mano.persons.services.persons import person_create
from mano.testing_matrix import FULL_ROLES, Row, expect


def build(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    for key, org in (("a", a), ("b", b)):
        admin = org["admin_health"]
        person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=f"Commentée {key}")
        world[f"comments_person_{key}"] = person
        world[f"comment_{key}"] = comment_create(user=admin.user, keyring=admin.keyring, person=person, text="Vu")


def _own(name: str) -> Row:
    return (lambda w: reverse(name, args=[w["comments_person_a"].pk, w["comment_a"].pk]), expect(only=FULL_ROLES))


def _other_org(name: str) -> Row:
    return (
        lambda w: reverse(name, args=[w["comments_person_b"].pk, w["comment_b"].pk]),
        expect(only=FULL_ROLES, members=404),
    )


def _smuggled(name: str) -> Row:
    """Org A's person with org B's comment id: still 404."""
    return (
        lambda w: reverse(name, args=[w["comments_person_a"].pk, w["comment_b"].pk]),
        expect(only=FULL_ROLES, members=404),
    )


def _person(name: str, key: str, status: int = 200) -> Row:
    members = status if key == "a" else 404
    return (lambda w: reverse(name, args=[w[f"comments_person_{key}"].pk]), expect(only=FULL_ROLES, members=members))


GET_ROWS: dict[tuple[str, str], Row] = {
    ("persons:comments", "own org"): _person("persons:comments", "a"),
    ("persons:comments", "other org"): _person("persons:comments", "b"),
    ("persons:comment-add", "own org"): _person("persons:comment-add", "a"),
    ("persons:comment-add", "other org"): _person("persons:comment-add", "b"),
    ("persons:comment-edit", "own org"): _own("persons:comment-edit"),
    ("persons:comment-edit", "other org"): _other_org("persons:comment-edit"),
    ("persons:comment-edit", "smuggled"): _smuggled("persons:comment-edit"),
    ("persons:comment-delete", "own org"): _own("persons:comment-delete"),
    ("persons:comment-delete", "other org"): _other_org("persons:comment-delete"),
    ("persons:comment-delete", "smuggled"): _smuggled("persons:comment-delete"),
}
# Empty bodies: the add/edit forms answer with their errors (200), the delete goes back to its confirmation (302).
POST_ROWS: dict[tuple[str, str], Row] = {
    ("persons:comment-add", "own org"): _person("persons:comment-add", "a"),
    ("persons:comment-add", "other org"): _person("persons:comment-add", "b"),
    ("persons:comment-edit", "own org"): _own("persons:comment-edit"),
    ("persons:comment-edit", "other org"): _other_org("persons:comment-edit"),
    ("persons:comment-delete", "own org"): (
        lambda w: reverse("persons:comment-delete", args=[w["comments_person_a"].pk, w["comment_a"].pk]),
        expect(only=FULL_ROLES, members=302),
    ),
    ("persons:comment-delete", "other org"): _other_org("persons:comment-delete"),
}
