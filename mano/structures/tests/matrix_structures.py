"""Authorization rows for the structures directory: every member who may see persons reads the directory and refers
(restricted members too); stats-only members see nothing; admins manage it (members only when the organisation
allows it, off here); another organisation's structures are not found (404)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from mano.structures.services import structure_create
from mano.testing_matrix import ADMINS, PERSON_ROLES, Row, everyone, expect

CATEGORY, GROUP = "Douche", "Hygiène"


def build(world: dict[str, Any]) -> None:
    for key in ("a", "b"):
        admin = world[key]["admin_health"]
        world[f"structure_{key}"] = structure_create(user=admin.user, data={"name": f"Structure {key}"})


def _url(name: str, **query: str) -> Any:
    return lambda w: reverse(f"structures:{name}") + ("?" + urlencode(query) if query else "")


def _of(name: str, org: str) -> Any:
    return lambda w: reverse(f"structures:{name}", args=[w[f"structure_{org}"].pk])


READERS = expect(only=PERSON_ROLES)
READERS_OTHER_ORG = expect(only=PERSON_ROLES, members=404)
ADMIN_PAGE = expect(only=ADMINS)
ADMIN_OTHER_ORG = expect(only=ADMINS, members=404)

GET_ROWS: dict[tuple[str, str], Row] = {
    ("structures:directory", ""): (_url("directory"), READERS),
    ("structures:create", ""): (_url("create"), ADMIN_PAGE),
    ("structures:settings", ""): (_url("settings"), ADMIN_PAGE),
    ("structures:import", ""): (_url("import"), ADMIN_PAGE),
    ("structures:export", ""): (_url("export"), ADMIN_PAGE),
    ("structures:template", ""): (_url("template"), ADMIN_PAGE),
    ("structures:detail", "own org"): (_of("detail", "a"), READERS),
    ("structures:detail", "other org"): (_of("detail", "b"), READERS_OTHER_ORG),
    ("structures:edit", "own org"): (_of("edit", "a"), ADMIN_PAGE),
    ("structures:edit", "other org"): (_of("edit", "b"), ADMIN_OTHER_ORG),
    ("structures:archive", ""): (_of("archive", "a"), everyone(405)),
    ("structures:delete", "own org"): (_of("delete", "a"), ADMIN_PAGE),
    ("structures:delete", "other org"): (_of("delete", "b"), ADMIN_OTHER_ORG),
    ("structures:refer", "own org"): (_of("refer", "a"), READERS),
    ("structures:refer", "other org"): (_of("refer", "b"), READERS_OTHER_ORG),
    # The category groups: the same editor as the action categories, on the organisation's own list.
    ("structures:categories", ""): (_url("categories"), ADMIN_PAGE),
    ("structures:category-group-add", ""): (_url("category-group-add"), everyone(405)),
    ("structures:category-group-edit", "own org"): (_url("category-group-edit", titre=GROUP), ADMIN_PAGE),
    ("structures:category-group-edit", "unknown"): (_url("category-group-edit", titre="Inconnu"), ADMIN_OTHER_ORG),
    ("structures:category-group-delete", "own org"): (_url("category-group-delete", titre=GROUP), ADMIN_PAGE),
    ("structures:category-group-move", ""): (_url("category-group-move"), everyone(405)),
    ("structures:category-add", ""): (_url("category-add"), everyone(405)),
    ("structures:category-edit", "own org"): (_url("category-edit", nom=CATEGORY), ADMIN_PAGE),
    ("structures:category-edit", "unknown"): (_url("category-edit", nom="Inconnue"), ADMIN_OTHER_ORG),
    ("structures:category-move", ""): (_url("category-move"), everyone(405)),
    ("structures:category-delete", "own org"): (_url("category-delete", nom=CATEGORY), ADMIN_PAGE),
}
# Empty posts: the form comes back with its errors (200) or a redirect with a message (302); nothing changes.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("structures:create", "empty"): (_url("create"), ADMIN_PAGE),
    ("structures:settings", "empty"): (_url("settings"), expect(only=ADMINS, members=302)),
    ("structures:archive", "own org"): (_of("archive", "a"), expect(only=ADMINS, members=302)),
    ("structures:archive", "other org"): (_of("archive", "b"), ADMIN_OTHER_ORG),
    ("structures:edit", "other org"): (_of("edit", "b"), ADMIN_OTHER_ORG),
    ("structures:delete", "other org"): (_of("delete", "b"), ADMIN_OTHER_ORG),
    ("structures:refer", "empty"): (_of("refer", "a"), READERS),
    ("structures:refer", "other org"): (_of("refer", "b"), READERS_OTHER_ORG),
    ("structures:category-group-add", "empty"): (_url("category-group-add"), ADMIN_PAGE),
    ("structures:category-add", "empty"): (_url("category-add"), ADMIN_PAGE),
}
