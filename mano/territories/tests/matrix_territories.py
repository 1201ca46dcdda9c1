"""Authorization rows for territories: every member who sees persons reads them and records observations (restricted
members too); admins and normal members manage territories and delete observations; stats-only members see nothing;
admins edit the types and the observation fields; another organisation's rows are not found (404)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from mano.persons.selectors.fields import config_version
from mano.persons.services.fields import field_add, field_group_add
from mano.territories.fieldsets import OBSERVATION_FIELDS
from mano.territories.services.observations import ObservationInput, observation_create
from mano.territories.services.territories import territory_create
from mano.testing_matrix import ADMINS, FULL_ROLES, PERSON_ROLES, Row, everyone, expect

TYPE, GROUP = "Campement", "Tous mes types"
OWN_FIELD = "atmosphere"  # a default choice field of every organisation


def _org_b_field(world: dict[str, Any]) -> None:
    """Org B gets a second group (index 1) with a field: both exist only there."""
    admin = world["b"]["admin_health"]
    organisation = admin.user.organisation
    version = config_version(organisation, OBSERVATION_FIELDS.part)
    group = field_group_add(user=admin.user, name="Autre", config_version=version, spec=OBSERVATION_FIELDS)
    organisation.refresh_from_db()
    world["observation_group_b"] = group
    world["observation_field_b"] = field_add(
        user=admin.user,
        group_index=group,
        config_version=config_version(organisation, OBSERVATION_FIELDS.part),
        spec=OBSERVATION_FIELDS,
        label="Champ B",
        type="enum",
        options=["Un", "Deux"],
        enabled_teams=[],
        enabled=True,
    )


def build(world: dict[str, Any]) -> None:
    for key in ("a", "b"):
        org = world[key]
        admin = org["admin_health"]
        territory = territory_create(user=admin.user, keyring=admin.keyring, data={"name": f"Territoire {key}"})
        world[f"territory_{key}"] = territory
        values = ObservationInput(territory=territory, team=org.day, observed_at=timezone.now())
        world[f"observation_{key}"] = observation_create(user=admin.user, keyring=admin.keyring, values=values)
    _org_b_field(world)


def _url(name: str, **query: str) -> Any:
    return lambda w: reverse(f"territories:{name}") + ("?" + urlencode(query) if query else "")


def _of(name: str, org: str) -> Any:
    return lambda w: reverse(f"territories:{name}", args=[w[f"territory_{org}"].pk])


def _observation(name: str, org: str) -> Any:
    return lambda w: reverse(f"territories:{name}", args=[w[f"observation_{org}"].pk])


def _fields(name: str, arg: Any) -> Any:
    return lambda w: reverse(f"observation-fields:{name}", args=[arg(w)])


READERS = expect(only=PERSON_ROLES)
READERS_OTHER_ORG = expect(only=PERSON_ROLES, members=404)
MANAGERS = expect(only=FULL_ROLES)
MANAGERS_OTHER_ORG = expect(only=FULL_ROLES, members=404)
ADMIN_PAGE = expect(only=ADMINS)
ADMIN_OTHER_ORG = expect(only=ADMINS, members=404)
OWN_GROUP, OTHER_GROUP = (lambda w: 0), (lambda w: w["observation_group_b"])
OWN, OTHER = (lambda w: OWN_FIELD), (lambda w: w["observation_field_b"])

GET_ROWS: dict[tuple[str, str], Row] = {
    ("territories:list", ""): (_url("list"), READERS),
    ("territories:create", ""): (_url("create"), MANAGERS),
    ("territories:settings", ""): (_url("settings"), ADMIN_PAGE),
    ("territories:detail", "own org"): (_of("detail", "a"), READERS),
    ("territories:detail", "other org"): (_of("detail", "b"), READERS_OTHER_ORG),
    ("territories:edit", "own org"): (_of("edit", "a"), MANAGERS),
    ("territories:edit", "other org"): (_of("edit", "b"), MANAGERS_OTHER_ORG),
    ("territories:archive", ""): (_of("archive", "a"), everyone(405)),
    ("territories:delete", "own org"): (_of("delete", "a"), MANAGERS),
    ("territories:delete", "other org"): (_of("delete", "b"), MANAGERS_OTHER_ORG),
    ("territories:transfer", "own org"): (_of("transfer", "a"), MANAGERS),
    ("territories:transfer", "other org"): (_of("transfer", "b"), MANAGERS_OTHER_ORG),
    ("territories:observation-add", "own org"): (_of("observation-add", "a"), READERS),
    ("territories:observation-add", "other org"): (_of("observation-add", "b"), READERS_OTHER_ORG),
    ("territories:observation", "own org"): (_observation("observation", "a"), READERS),
    ("territories:observation", "other org"): (_observation("observation", "b"), READERS_OTHER_ORG),
    ("territories:observation-delete", "own org"): (_observation("observation-delete", "a"), MANAGERS),
    ("territories:observation-delete", "other org"): (_observation("observation-delete", "b"), MANAGERS_OTHER_ORG),
    # The territory types: the action categories' editor on the organisation's own list.
    ("territories:categories", ""): (_url("categories"), ADMIN_PAGE),
    ("territories:category-group-add", ""): (_url("category-group-add"), everyone(405)),
    ("territories:category-group-edit", "own org"): (_url("category-group-edit", titre=GROUP), ADMIN_PAGE),
    ("territories:category-group-edit", "unknown"): (_url("category-group-edit", titre="Inconnu"), ADMIN_OTHER_ORG),
    ("territories:category-group-delete", "own org"): (_url("category-group-delete", titre=GROUP), ADMIN_PAGE),
    ("territories:category-group-move", ""): (_url("category-group-move"), everyone(405)),
    ("territories:category-add", ""): (_url("category-add"), everyone(405)),
    ("territories:category-edit", "own org"): (_url("category-edit", nom=TYPE), ADMIN_PAGE),
    ("territories:category-edit", "unknown"): (_url("category-edit", nom="Inconnu"), ADMIN_OTHER_ORG),
    ("territories:category-move", ""): (_url("category-move"), everyone(405)),
    ("territories:category-delete", "own org"): (_url("category-delete", nom=TYPE), ADMIN_PAGE),
    # The observation fields: the person-field editor on the organisation's observation field set.
    ("observation-fields:field-group-add", ""): (lambda w: reverse("observation-fields:field-group-add"), ADMIN_PAGE),
    ("observation-fields:field-group-edit", "own org"): (_fields("field-group-edit", OWN_GROUP), ADMIN_PAGE),
    ("observation-fields:field-group-edit", "other org"): (_fields("field-group-edit", OTHER_GROUP), ADMIN_OTHER_ORG),
    ("observation-fields:field-group-delete", "own org"): (_fields("field-group-delete", OWN_GROUP), ADMIN_PAGE),
    ("observation-fields:field-group-delete", "other org"): (
        _fields("field-group-delete", OTHER_GROUP),
        ADMIN_OTHER_ORG,
    ),
    ("observation-fields:field-group-move", ""): (_fields("field-group-move", OWN_GROUP), everyone(405)),
    ("observation-fields:field-add", "own org"): (_fields("field-add", OWN_GROUP), ADMIN_PAGE),
    ("observation-fields:field-add", "other org"): (_fields("field-add", OTHER_GROUP), ADMIN_OTHER_ORG),
    ("observation-fields:field-edit", "own org"): (_fields("field-edit", OWN), ADMIN_PAGE),
    ("observation-fields:field-edit", "other org"): (_fields("field-edit", OTHER), ADMIN_OTHER_ORG),
    ("observation-fields:field-delete", "own org"): (_fields("field-delete", OWN), ADMIN_PAGE),
    ("observation-fields:field-delete", "other org"): (_fields("field-delete", OTHER), ADMIN_OTHER_ORG),
    ("observation-fields:field-move", ""): (_fields("field-move", OWN), everyone(405)),
    ("observation-fields:field-choice-rename", "own org"): (_fields("field-choice-rename", OWN), ADMIN_PAGE),
    ("observation-fields:field-choice-rename", "other org"): (
        _fields("field-choice-rename", OTHER),
        ADMIN_OTHER_ORG,
    ),
}
# Empty posts: the form comes back with its errors (200) or a redirect with a message (302); nothing changes.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("territories:list", "no search"): (_url("list"), READERS),
    ("territories:create", "empty"): (_url("create"), MANAGERS),
    ("territories:edit", "empty"): (_of("edit", "a"), MANAGERS),
    ("territories:edit", "other org"): (_of("edit", "b"), MANAGERS_OTHER_ORG),
    ("territories:archive", "other org"): (_of("archive", "b"), MANAGERS_OTHER_ORG),
    ("territories:delete", "empty"): (_of("delete", "a"), MANAGERS),
    ("territories:delete", "other org"): (_of("delete", "b"), MANAGERS_OTHER_ORG),
    ("territories:transfer", "empty"): (_of("transfer", "a"), MANAGERS),
    ("territories:transfer", "other org"): (_of("transfer", "b"), MANAGERS_OTHER_ORG),
    ("territories:observation-add", "empty"): (_of("observation-add", "a"), READERS),
    ("territories:observation-add", "other org"): (_of("observation-add", "b"), READERS_OTHER_ORG),
    ("territories:observation", "empty"): (_observation("observation", "a"), READERS),
    ("territories:observation", "other org"): (_observation("observation", "b"), READERS_OTHER_ORG),
    ("territories:observation-delete", "other org"): (_observation("observation-delete", "b"), MANAGERS_OTHER_ORG),
    ("territories:category-group-add", "empty"): (_url("category-group-add"), ADMIN_PAGE),
    ("territories:category-add", "empty"): (_url("category-add"), ADMIN_PAGE),
    ("observation-fields:field-group-add", "empty"): (
        lambda w: reverse("observation-fields:field-group-add"),
        ADMIN_PAGE,
    ),
    ("observation-fields:field-add", "empty"): (_fields("field-add", OWN_GROUP), ADMIN_PAGE),
    ("observation-fields:field-edit", "other org"): (_fields("field-edit", OTHER), ADMIN_OTHER_ORG),
    ("observation-fields:field-delete", "empty"): (_fields("field-delete", OWN), ADMIN_PAGE),
    # Last: an empty post turns territories off for the organisation (an unticked box posts nothing).
    ("territories:settings", "empty"): (_url("settings"), expect(only=ADMINS, members=302)),
}
