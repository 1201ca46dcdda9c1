"""Reads for the person settings: the organisation's custom-field config, its version, and which persons use a value.

The config is plaintext JSON on the organisation; only the "is this value used?" questions open person payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext

from mano.accounts.models import Organisation, Team, User
from mano.core.config import config_hash
from mano.core.crypto import Keyring
from mano.core.models import EncryptedRecord
from mano.persons import custom_fields
from mano.persons.fieldsets import FIELDSETS, PERSON_FIELDS, FieldSet

# The two groups every organisation starts with: their names are stable, other modules may look them up.
DEFAULT_GROUPS = PERSON_FIELDS.default_groups
FEATURES = ("passages_enabled", "rencontres_enabled", "families_enabled")


def config_part(organisation: Organisation, part: str) -> Any:
    """One editable part of the config: a field set's part ("groups" for persons), "reasons" or "features"."""
    if part in FIELDSETS:
        return getattr(organisation, FIELDSETS[part].column)
    if part == "reasons":
        return organisation.active_list_reasons
    return {flag: getattr(organisation, flag) for flag in FEATURES}


def config_version(organisation: Organisation, part: str) -> str:
    """A short hash of one config part: a form carries it, the service refuses a save if it moved on."""
    return config_hash(config_part(organisation, part))


@dataclass(frozen=True)
class FieldRef:
    group_index: int
    index: int
    field: dict[str, Any]


def field_find(groups: list[dict[str, Any]], key: str) -> FieldRef | None:
    for group_index, group in enumerate(groups):
        for index, field in enumerate(group.get("fields", [])):
            if field.get("key") == key:
                return FieldRef(group_index, index, field)
    return None


def groups_of(organisation: Organisation, spec: FieldSet = PERSON_FIELDS) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = getattr(organisation, spec.column)
    return groups


def field_get(*, organisation: Organisation, key: str, spec: FieldSet = PERSON_FIELDS) -> FieldRef:
    """A field of this organisation, or 404 (keys of other organisations are simply unknown here)."""
    found = field_find(groups_of(organisation, spec), key)
    if found is None:
        raise Http404
    return found


def group_get(*, organisation: Organisation, index: int, spec: FieldSet = PERSON_FIELDS) -> dict[str, Any]:
    groups = groups_of(organisation, spec)
    if index >= len(groups):
        raise Http404
    group: dict[str, Any] = groups[index]
    return group


def is_default_group(group: dict[str, Any], spec: FieldSet = PERSON_FIELDS) -> bool:
    return group.get("name") in spec.default_groups


@dataclass(frozen=True)
class FieldRow:
    field: dict[str, Any]
    type_label: str
    scope: str
    first: bool
    last: bool


@dataclass(frozen=True)
class GroupRow:
    index: int
    name: str
    default: bool
    fields: list[FieldRow]
    first: bool
    last: bool
    archived: bool = False


def _scope(field: dict[str, Any], team_names: dict[str, str]) -> str:
    if field.get("enabled"):
        return gettext("toute l’organisation")
    names = [team_names[t] for t in field.get("enabled_teams", []) if t in team_names]
    return ", ".join(names) if names else gettext("aucune équipe (champ désactivé)")


def settings_groups(*, organisation: Organisation, spec: FieldSet = PERSON_FIELDS) -> list[GroupRow]:
    """The groups and fields as the settings page lists them, with who sees each field."""
    team_names = {str(t.pk): t.name for t in Team.objects.filter(organisation=organisation)}
    groups = groups_of(organisation, spec)
    rows = []
    for index, group in enumerate(groups):
        fields = group.get("fields", [])
        field_rows = [
            FieldRow(
                field=f,
                type_label=str(custom_fields.TYPES.get(f["type"], f["type"])),
                scope=_scope(f, team_names),
                first=i == 0,
                last=i == len(fields) - 1,
            )
            for i, f in enumerate(fields)
        ]
        rows.append(
            GroupRow(
                index,
                group["name"],
                is_default_group(group, spec),
                field_rows,
                index == 0,
                index == len(groups) - 1,
                bool(group.get("archived")),
            )
        )
    return rows


def field_has_data(*, user: User, keyring: Keyring, key: str, spec: FieldSet = PERSON_FIELDS) -> bool:
    """True when any live row of the set (a person, a consultation…) has a non-empty value for this custom field.

    Opens payloads one by one and stops at the first hit; a full scan of 20,000 persons takes well under a second.
    """
    return any((data.get("custom") or {}).get(key) not in (None, "", []) for _, data in spec.payloads(user, keyring))


def uses_choice(data: dict[str, Any], key: str, choice: str) -> bool:
    value = (data.get("custom") or {}).get(key)
    return choice in value if isinstance(value, list) else value == choice


def records_with_choice(
    *, user: User, keyring: Keyring, key: str, choice: str, spec: FieldSet = PERSON_FIELDS
) -> list[tuple[EncryptedRecord, dict[str, Any]]]:
    """Every live row whose value for `key` is `choice` (or contains it, for multi-choice), decrypted."""
    return [(row, data) for row, data in spec.payloads(user, keyring) if uses_choice(data, key, choice)]
