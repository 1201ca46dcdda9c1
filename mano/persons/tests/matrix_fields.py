"""Authorization rows for the person settings (custom fields, exit reasons, feature switches): admins only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mano.persons.selectors.fields import config_version
from mano.persons.services.fields import field_add, field_group_add
from mano.testing_matrix import ADMINS, Row, everyone, expect


def _field(member: Any, group: int, label: str) -> str:
    organisation = member.user.organisation
    organisation.refresh_from_db()
    return field_add(
        user=member.user,
        group_index=group,
        config_version=config_version(organisation, "groups"),
        label=label,
        type="enum",
        options=["Un", "Deux"],
        enabled_teams=[],
        enabled=True,
    )


def _group(member: Any, name: str) -> int:
    organisation = member.user.organisation
    organisation.refresh_from_db()
    return field_group_add(user=member.user, name=name, config_version=config_version(organisation, "groups"))


def build(world: dict[str, Any]) -> None:
    """Org A: the two default groups + "Groupe A" (index 2). Org B: one more group, so index 3 exists only there."""
    a, b = world["a"]["admin_health"], world["b"]["admin_health"]
    world["group_a"] = _group(a, "Groupe A")
    world["field_a"] = _field(a, world["group_a"], "Champ A")
    _group(b, "Groupe B")
    world["group_b"] = _group(b, "Groupe B bis")
    world["field_b"] = _field(b, world["group_b"], "Champ B")


def _rows(name: str, own: str, other: str, status: int = 200) -> dict[tuple[str, str], Row]:
    return {
        (name, "own org"): (lambda w: reverse(name, args=[w[own]]), expect(only=ADMINS, members=status)),
        (name, "other org"): (lambda w: reverse(name, args=[w[other]]), expect(only=ADMINS, members=404)),
    }


GET_ROWS: dict[tuple[str, str], Row] = {
    ("persons:settings", ""): (lambda w: reverse("persons:settings"), expect(only=ADMINS)),
    ("persons:settings-features", ""): (lambda w: reverse("persons:settings-features"), everyone(405)),
    ("persons:settings-reasons", ""): (lambda w: reverse("persons:settings-reasons"), expect(only=ADMINS)),
    ("persons:field-group-add", ""): (lambda w: reverse("persons:field-group-add"), expect(only=ADMINS)),
    **_rows("persons:field-group-edit", "group_a", "group_b"),
    ("persons:field-group-edit", "default group"): (
        lambda w: reverse("persons:field-group-edit", args=[0]),
        expect(only=ADMINS, members=404),
    ),
    **_rows("persons:field-group-delete", "group_a", "group_b"),
    ("persons:field-group-delete", "default group"): (
        lambda w: reverse("persons:field-group-delete", args=[1]),
        expect(only=ADMINS, members=404),
    ),
    ("persons:field-group-move", ""): (lambda w: reverse("persons:field-group-move", args=[0]), everyone(405)),
    **_rows("persons:field-add", "group_a", "group_b"),
    **_rows("persons:field-edit", "field_a", "field_b"),
    **_rows("persons:field-delete", "field_a", "field_b"),
    ("persons:field-move", ""): (lambda w: reverse("persons:field-move", args=[w["field_a"]]), everyone(405)),
    **_rows("persons:field-choice-rename", "field_a", "field_b"),
    ("persons:field-choice-rename", "not a choice field"): (
        lambda w: reverse("persons:field-choice-rename", args=["structure_social"]),
        expect(only=ADMINS, members=404),
    ),
}
# An empty body never changes anything: form pages answer with their errors, POST-only ones redirect with a message.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("persons:settings-features", ""): (
        lambda w: reverse("persons:settings-features"),
        expect(only=ADMINS, members=302),
    ),
    ("persons:settings-reasons", ""): (lambda w: reverse("persons:settings-reasons"), expect(only=ADMINS)),
    ("persons:field-group-add", ""): (lambda w: reverse("persons:field-group-add"), expect(only=ADMINS)),
    **_rows("persons:field-group-move", "group_a", "group_b", 302),
    **_rows("persons:field-group-edit", "group_a", "group_b"),
    **_rows("persons:field-group-delete", "group_a", "group_b"),
    **_rows("persons:field-add", "group_a", "group_b"),
    **_rows("persons:field-edit", "field_a", "field_b"),
    **_rows("persons:field-delete", "field_a", "field_b"),
    **_rows("persons:field-move", "field_a", "field_b", 302),
    **_rows("persons:field-choice-rename", "field_a", "field_b"),
}
