"""Reads for the person settings: the organisation's custom-field config, its version, and which persons use a value.

The config is plaintext JSON on the organisation; only the "is this value used?" questions open person payloads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext

from mano.accounts.models import Organisation, Team, User
from mano.core.config import config_hash
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.persons import custom_fields
from mano.persons.models import Person
from mano.persons.selectors.persons import persons_of

# The two groups every organisation starts with: their names are stable, other modules may look them up.
DEFAULT_GROUPS = ("Informations sociales", "Informations de santé")
FEATURES = ("passages_enabled", "rencontres_enabled", "families_enabled")
SCAN_CHUNK = 1000


def config_part(organisation: Organisation, part: str) -> Any:
    """One editable part of the config: "groups", "reasons" or "features"."""
    if part == "groups":
        return organisation.person_field_groups
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


def field_get(*, organisation: Organisation, key: str) -> FieldRef:
    """A field of this organisation, or 404 (keys of other organisations are simply unknown here)."""
    found = field_find(organisation.person_field_groups, key)
    if found is None:
        raise Http404
    return found


def group_get(*, organisation: Organisation, index: int) -> dict[str, Any]:
    groups = organisation.person_field_groups
    if index >= len(groups):
        raise Http404
    group: dict[str, Any] = groups[index]
    return group


def is_default_group(group: dict[str, Any]) -> bool:
    return group.get("name") in DEFAULT_GROUPS


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


def _scope(field: dict[str, Any], team_names: dict[str, str]) -> str:
    if field.get("enabled"):
        return gettext("toute l’organisation")
    names = [team_names[t] for t in field.get("enabled_teams", []) if t in team_names]
    return ", ".join(names) if names else gettext("aucune équipe (champ désactivé)")


def settings_groups(*, organisation: Organisation) -> list[GroupRow]:
    """The groups and fields as the settings page lists them, with who sees each field."""
    team_names = {str(t.pk): t.name for t in Team.objects.filter(organisation=organisation)}
    groups = organisation.person_field_groups
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
            GroupRow(index, group["name"], is_default_group(group), field_rows, index == 0, index == len(groups) - 1)
        )
    return rows


def _payloads(user: User, keyring: Keyring) -> Iterator[tuple[Person, dict[str, Any]]]:
    rows = persons_of(user).only("id", "organisation_id", "payload", "version").order_by().iterator(SCAN_CHUNK)
    for person in rows:
        yield person, record_data(person, keyring)


def field_has_data(*, user: User, keyring: Keyring, key: str) -> bool:
    """True when any non-deleted person of the organisation has a non-empty value for this custom field.

    Opens payloads one by one and stops at the first hit; a full scan of 20,000 persons takes well under a second.
    """
    return any(data.get("custom", {}).get(key) not in (None, "", []) for _, data in _payloads(user, keyring))


def uses_choice(data: dict[str, Any], key: str, choice: str) -> bool:
    value = (data.get("custom") or {}).get(key)
    return choice in value if isinstance(value, list) else value == choice


def persons_with_choice(*, user: User, keyring: Keyring, key: str, choice: str) -> list[tuple[Person, dict[str, Any]]]:
    """Every non-deleted person whose value for `key` is `choice` (or contains it, for multi-choice), decrypted."""
    return [(person, data) for person, data in _payloads(user, keyring) if uses_choice(data, key, choice)]
