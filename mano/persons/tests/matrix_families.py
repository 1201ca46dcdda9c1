"""Authorization rows for the family link pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse

from mano.persons.selectors.families import family_of
from mano.persons.services import person_create
from mano.persons.services.families import family_link
from mano.testing_matrix import FULL_ROLES, Row, expect


def _linked_pair(org: Any, prefix: str) -> tuple[Any, Any, str]:
    admin = org["admin_health"]
    one = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=f"{prefix} parent")
    two = person_create(user=admin.user, keyring=admin.keyring, teams=[org.night], name=f"{prefix} enfant")
    family_link(user=admin.user, keyring=admin.keyring, person=one, other=two, description="Mère/fils")
    found = family_of(one, admin.keyring)
    assert found is not None
    return one, two, found.relations[0]["id"]


def build(world: dict[str, Any]) -> None:
    world["fam_a"], world["fam_a2"], world["rel_a"] = _linked_pair(world["a"], "Famille A")
    world["fam_b"], _, world["rel_b"] = _linked_pair(world["b"], "Famille B")


OWN = expect(only=FULL_ROLES)
OTHER_ORG = expect(only=FULL_ROLES, members=404)


def _relation_rows(name: str, post: bool = False) -> dict[tuple[str, str], Row]:
    rows: dict[tuple[str, str], Row] = {
        (name, "other org"): (lambda w: reverse(name, args=[w["fam_b"].pk, w["rel_b"]]), OTHER_ORG),
        (name, "other org relation"): (lambda w: reverse(name, args=[w["fam_a"].pk, w["rel_b"]]), OTHER_ORG),
        (name, "unknown relation"): (lambda w: reverse(name, args=[w["fam_a"].pk, uuid.uuid4()]), OTHER_ORG),
    }
    if not post or name == "persons:family-edit":
        rows[(name, "own")] = (lambda w: reverse(name, args=[w["fam_a"].pk, w["rel_a"]]), OWN)
        rows[(name, "other team member")] = (lambda w: reverse(name, args=[w["fam_a2"].pk, w["rel_a"]]), OWN)
    return rows


GET_ROWS: dict[tuple[str, str], Row] = {
    ("persons:family-add", "own"): (lambda w: reverse("persons:family-add", args=[w["fam_a"].pk]), OWN),
    ("persons:family-add", "search"): (lambda w: reverse("persons:family-add", args=[w["fam_a"].pk]) + "?q=b", OWN),
    ("persons:family-add", "chosen"): (
        lambda w: reverse("persons:family-add", args=[w["fam_a"].pk]) + f"?autre={w['fam_a2'].pk}",
        OWN,
    ),
    ("persons:family-add", "other org"): (lambda w: reverse("persons:family-add", args=[w["fam_b"].pk]), OTHER_ORG),
    ("persons:family-add", "other org chosen"): (
        lambda w: reverse("persons:family-add", args=[w["fam_a"].pk]) + f"?autre={w['fam_b'].pk}",
        OTHER_ORG,
    ),
    ("persons:family-add", "bad id chosen"): (
        lambda w: reverse("persons:family-add", args=[w["fam_a"].pk]) + "?autre=x",
        OTHER_ORG,
    ),
    **_relation_rows("persons:family-edit"),
    **_relation_rows("persons:family-delete"),
}
# Empty bodies: the add form asks for a person again, the edit form is refused; deletion rows never hit a real link.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("persons:family-add", "own"): (lambda w: reverse("persons:family-add", args=[w["fam_a"].pk]), OWN),
    ("persons:family-add", "other org"): (lambda w: reverse("persons:family-add", args=[w["fam_b"].pk]), OTHER_ORG),
    **_relation_rows("persons:family-edit", post=True),
    **_relation_rows("persons:family-delete", post=True),
}
