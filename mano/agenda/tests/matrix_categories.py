"""Authorization rows for the action categories settings: admins only; another organisation's groups and
categories are not found (404), so they cannot be renamed, moved or deleted."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from mano.testing_matrix import ADMINS, Row, everyone, expect

OWN_GROUP, OWN_CATEGORY = "Santé", "Rendez-vous médical"
OTHER_GROUP, OTHER_CATEGORY = "Seulement B", "Catégorie de B"


def build(world: dict[str, Any]) -> None:
    for org, group, item in ((world["a"], OWN_GROUP, OWN_CATEGORY), (world["b"], OTHER_GROUP, OTHER_CATEGORY)):
        org.organisation.action_categories = [{"group": group, "items": [item]}]
        org.organisation.save(update_fields=["action_categories"])


def _url(name: str, **query: str) -> Any:
    return lambda w: reverse(f"agenda:{name}") + ("?" + urlencode(query) if query else "")


ADMIN_PAGE = expect(only=ADMINS)
OTHER_ORG = expect(only=ADMINS, members=404)

GET_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:categories", ""): (_url("categories"), ADMIN_PAGE),
    ("agenda:category-group-add", ""): (_url("category-group-add"), everyone(405)),
    ("agenda:category-group-edit", "own org"): (_url("category-group-edit", titre=OWN_GROUP), ADMIN_PAGE),
    ("agenda:category-group-edit", "other org"): (_url("category-group-edit", titre=OTHER_GROUP), OTHER_ORG),
    ("agenda:category-group-delete", "own org"): (_url("category-group-delete", titre=OWN_GROUP), ADMIN_PAGE),
    ("agenda:category-group-delete", "other org"): (_url("category-group-delete", titre=OTHER_GROUP), OTHER_ORG),
    ("agenda:category-group-move", ""): (_url("category-group-move"), everyone(405)),
    ("agenda:category-add", ""): (_url("category-add"), everyone(405)),
    ("agenda:category-edit", "own org"): (_url("category-edit", nom=OWN_CATEGORY), ADMIN_PAGE),
    ("agenda:category-edit", "other org"): (_url("category-edit", nom=OTHER_CATEGORY), OTHER_ORG),
    ("agenda:category-move", ""): (_url("category-move"), everyone(405)),
    ("agenda:category-delete", "own org"): (_url("category-delete", nom=OWN_CATEGORY), ADMIN_PAGE),
    ("agenda:category-delete", "other org"): (_url("category-delete", nom=OTHER_CATEGORY), OTHER_ORG),
}
# Empty posts: admins get the form back (200) or a redirect with a message (302); nothing changes.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:category-group-add", "empty"): (_url("category-group-add"), ADMIN_PAGE),
    ("agenda:category-add", "empty"): (_url("category-add"), ADMIN_PAGE),
    ("agenda:category-group-move", "empty"): (_url("category-group-move"), expect(only=ADMINS, members=302)),
    ("agenda:category-move", "empty"): (_url("category-move"), expect(only=ADMINS, members=302)),
    ("agenda:category-group-edit", "other org"): (_url("category-group-edit", titre=OTHER_GROUP), OTHER_ORG),
    ("agenda:category-group-delete", "other org"): (_url("category-group-delete", titre=OTHER_GROUP), OTHER_ORG),
    ("agenda:category-edit", "other org"): (_url("category-edit", nom=OTHER_CATEGORY), OTHER_ORG),
    ("agenda:category-delete", "other org"): (_url("category-delete", nom=OTHER_CATEGORY), OTHER_ORG),
}
