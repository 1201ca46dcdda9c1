"""Writes on the person settings: custom-field groups and fields, choice renames, exit reasons, feature switches.

Every save locks the organisation row, refuses a form built on an older config (ConfigChanged), and writes one
SETTINGS_CHANGE audit event with ids and flags only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team, User
from mano.core.audit import AuditAction, audit
from mano.core.config import ConfigChanged
from mano.core.crypto import KeyKind, Keyring
from mano.core.models import EncryptedRecord
from mano.core.records import ConflictError, record_data, record_update
from mano.persons import custom_fields, history
from mano.persons.fieldsets import PERSON_FIELDS, FieldSet
from mano.persons.selectors import fields as selectors
from mano.persons.text import fold

CONFIG_CHANGED = _(
    "La configuration a été modifiée entre-temps : vos changements n’ont pas été enregistrés. "
    "Voici la version à jour, vérifiez puis recommencez."
)
LABEL_REQUIRED = _("Le libellé est obligatoire")
LABEL_TAKEN = _("Ce libellé existe déjà")
CHOICE_REQUIRED = _("Ajoutez au moins un choix")
CHOICE_TAKEN = _("Ce choix existe déjà")
CHOICE_UNKNOWN = _("Ce choix n’existe pas (ou plus) dans ce champ")
TYPE_UNKNOWN = _("Type de champ inconnu")
TYPE_LOCKED = _("Ce changement de type n'est pas possible : des personnes ont déjà une valeur pour ce champ")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
GROUP_REQUIRED = _("Le nom du groupe est obligatoire")
GROUP_TAKEN = _("Ce groupe existe déjà")
GROUP_PROTECTED = _("Ce groupe fait partie des groupes par défaut : il ne peut être ni renommé ni supprimé.")
CONFIRMATION_WRONG = _("Le texte renseigné est incorrect")
REASON_REQUIRED = _("Ajoutez au moins un motif")
NOT_A_CHOICE_FIELD = _("Ce champ n’a pas de choix à renommer")
KEY_NEEDED = _(
    "Seul·e un·e professionnel·le de santé peut faire ce changement : il faut relire et réécrire des données de santé."
)


def _may_read(user: User, spec: FieldSet, keyring: Keyring) -> bool:
    """Whether this session may open the set's rows: their key, and for health rows the health flag too (an admin
    who opened K_health with the recovery code is still not a health professional)."""
    health = spec.key_kind == KeyKind.HEALTH
    return keyring.has(spec.key_kind) and (not health or bool(user.is_health_professional))


def _need_key(user: User, spec: FieldSet, keyring: Keyring) -> None:
    """Rewriting or inspecting the set's rows needs their key: a non-health admin cannot touch health rows."""
    if not _may_read(user, spec, keyring):
        raise ValidationError(KEY_NEEDED)


def _counted(spec: FieldSet, count: int) -> dict[str, int]:
    """How many rows a rewrite changed, for the audit; never for health rows (how many consultations have a type
    is health information)."""
    return {} if spec.key_kind == KeyKind.HEALTH else {"rows": count}


def _locked(user: User, part: str, version: str) -> Organisation:
    if not user.is_admin:
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=user.member_organisation_id)
    if version != selectors.config_version(organisation, part):
        raise ConfigChanged
    return organisation


def _save(
    organisation: Organisation, *, user: User, request: HttpRequest | None, columns: list[str], **detail: Any
) -> None:
    organisation.save(update_fields=columns)
    audit(
        AuditAction.SETTINGS_CHANGE, organisation=organisation, actor=user, request=request, obj=organisation, **detail
    )


def _lines(values: Iterable[str]) -> list[str]:
    """Trimmed, non-empty, without duplicates, in the given order."""
    seen: dict[str, None] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def _group_name(groups: list[dict[str, Any]], name: str, skip: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": GROUP_REQUIRED})
    if any(fold(g["name"]) == fold(name) for i, g in enumerate(groups) if i != skip):
        raise ValidationError({"name": GROUP_TAKEN})
    return name


def _field(groups: list[dict[str, Any]], key: str) -> selectors.FieldRef:
    """The field being edited; gone means another admin changed the configuration meanwhile."""
    found = selectors.field_find(groups, key)
    if found is None:
        raise ConfigChanged
    return found


@transaction.atomic
def field_group_add(
    *, user: User, name: str, config_version: str, request: HttpRequest | None = None, spec: FieldSet = PERSON_FIELDS
) -> int:
    """Append an empty group; names are unique in the organisation (ignoring case and accents)."""
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    groups.append({"name": _group_name(groups, name), "fields": []})
    _save(organisation, user=user, request=request, columns=[spec.column], change="group_add")
    return len(groups) - 1


def _own_group(groups: list[dict[str, Any]], index: int, spec: FieldSet) -> dict[str, Any]:
    if index >= len(groups):
        raise ConfigChanged
    if selectors.is_default_group(groups[index], spec):
        raise ValidationError(GROUP_PROTECTED)
    return groups[index]


@transaction.atomic
def field_group_rename(
    *,
    user: User,
    index: int,
    name: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
    keyring: Keyring | None = None,
) -> None:
    """Rename a group the organisation added (the default groups keep their names). When the rows name their group
    (a consultation's type), they are rewritten in the same transaction, which needs the rows' key."""
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    group = _own_group(groups, index, spec)
    old, new = group["name"], _group_name(groups, name, skip=index)
    rows = 0
    if spec.rename_group is not None and old != new:
        if keyring is None:
            raise ValidationError(KEY_NEEDED)
        _need_key(user, spec, keyring)
        rows = spec.rename_group(user, keyring, old, new)
    group["name"] = new
    _save(
        organisation, user=user, request=request, columns=[spec.column], change="group_rename", **_counted(spec, rows)
    )


@transaction.atomic
def field_group_delete(
    *,
    user: User,
    index: int,
    confirmation: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
) -> None:
    """Delete an added group; if it still has fields, only when `confirmation` is exactly its name.

    In a set whose rows name their group (consultation types), the group is archived instead, or restored when it
    was: rows keep their type and data, new rows can no longer choose it."""
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    group = _own_group(groups, index, spec)
    if spec.archive_groups:
        group["archived"] = not group.get("archived")
        detail = {"change": "group_archive", "archived": group["archived"]}
        _save(organisation, user=user, request=request, columns=[spec.column], **detail)
        return
    if group["fields"] and confirmation != group["name"]:
        raise ValidationError({"confirmation": CONFIRMATION_WRONG})
    del groups[index]
    detail = {"change": "group_delete", "fields": len(group["fields"])}
    _save(organisation, user=user, request=request, columns=[spec.column], **detail)


def _swap(items: list[Any], index: int, direction: int) -> bool:
    target = index + direction
    if direction not in (-1, 1) or not (0 <= index < len(items)) or not (0 <= target < len(items)):
        return False
    items[index], items[target] = items[target], items[index]
    return True


@transaction.atomic
def field_group_move(
    *,
    user: User,
    index: int,
    direction: int,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
) -> None:
    """Move a group one place up (-1) or down (+1); a move past either end changes nothing."""
    organisation = _locked(user, spec.part, config_version)
    if _swap(selectors.groups_of(organisation, spec), index, direction):
        _save(organisation, user=user, request=request, columns=[spec.column], change="group_move")


def _definition(
    user: User,
    groups: list[dict[str, Any]],
    *,
    label: str,
    type: str,
    options: Iterable[str],
    enabled_teams: Iterable[Team],
    key: str | None = None,
    **flags: bool,
) -> dict[str, Any]:
    """A validated field definition; all problems are reported together, each tied to its form field."""
    errors: dict[str, Any] = {}
    label = label.strip()
    if not label:
        errors["label"] = LABEL_REQUIRED
    elif any(fold(f["label"]) == fold(label) for g in groups for f in g["fields"] if f["key"] != key):
        errors["label"] = LABEL_TAKEN
    if type not in custom_fields.TYPES:
        errors["type"] = TYPE_UNKNOWN
    choices = _lines(options) if type in custom_fields.CHOICE_TYPES else []
    if type in custom_fields.CHOICE_TYPES and not choices:
        errors["options"] = CHOICE_REQUIRED
    teams = list(enabled_teams)
    if any(t.organisation_id != user.organisation_id for t in teams):
        errors["enabled_teams"] = TEAM_OUTSIDE
    if errors:
        raise ValidationError(errors)
    return {
        "label": label,
        "type": type,
        "options": choices,
        "required": bool(flags.get("required")),
        "enabled": bool(flags.get("enabled")),
        "enabled_teams": sorted(str(t.pk) for t in teams),
        "show_in_stats": bool(flags.get("show_in_stats")),
        "allow_create_option": bool(flags.get("allow_create_option")) and type in custom_fields.CHOICE_TYPES,
    }


@transaction.atomic
def field_add(
    *,
    user: User,
    group_index: int,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
    **definition: Any,
) -> str:
    """Add a field at the end of a group under a new random key; returns the key."""
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    if group_index >= len(groups):
        raise ConfigChanged
    key = f"custom-{uuid.uuid4().hex[:12]}"
    groups[group_index]["fields"].append({"key": key, **_definition(user, groups, **definition)})
    detail = {"change": "field_add", "field": key, "group": group_index}
    _save(organisation, user=user, request=request, columns=[spec.column], **detail)
    return key


@transaction.atomic
def field_update(
    *,
    user: User,
    keyring: Keyring,
    key: str,
    config_version: str,
    group_index: int | None = None,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
    **definition: Any,
) -> None:
    """Change a field's definition, and optionally move it to the end of another group.

    Its type may change freely while no person has a value for it; afterwards only along custom_fields.COMPATIBLE.
    """
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    found = selectors.field_find(groups, key)
    if found is None or (group_index is not None and group_index >= len(groups)):
        raise ConfigChanged
    new = {"key": key, **_definition(user, groups, key=key, **definition)}
    old_type = found.field["type"]
    if new["type"] not in custom_fields.COMPATIBLE.get(old_type, {old_type}):
        if not _may_read(user, spec, keyring):
            raise ValidationError({"type": KEY_NEEDED})
        if selectors.field_has_data(user=user, keyring=keyring, key=key, spec=spec):
            raise ValidationError({"type": TYPE_LOCKED})
    fields = groups[found.group_index]["fields"]
    if group_index is None or group_index == found.group_index:
        fields[found.index] = new
    else:
        del fields[found.index]
        groups[group_index]["fields"].append(new)
    detail = {"change": "field_update", "field": key, "type_changed": new["type"] != old_type}
    _save(organisation, user=user, request=request, columns=[spec.column], **detail)


@transaction.atomic
def field_delete(
    *,
    user: User,
    key: str,
    confirmation: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
) -> None:
    """Remove a field when `confirmation` is exactly its label; stored values stay in payloads, no longer shown."""
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    found = _field(groups, key)
    if confirmation != found.field["label"]:
        raise ValidationError({"confirmation": CONFIRMATION_WRONG})
    del groups[found.group_index]["fields"][found.index]
    _save(organisation, user=user, request=request, columns=[spec.column], change="field_delete", field=key)


@transaction.atomic
def field_move(
    *,
    user: User,
    key: str,
    direction: int,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
) -> None:
    """Move a field one place up (-1) or down (+1) inside its group."""
    organisation = _locked(user, spec.part, config_version)
    groups = selectors.groups_of(organisation, spec)
    found = _field(groups, key)
    if _swap(groups[found.group_index]["fields"], found.index, direction):
        _save(organisation, user=user, request=request, columns=[spec.column], change="field_move", field=key)


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, list):
        return _lines(new if v == old else v for v in value)
    return new


def _rename_in(
    row: EncryptedRecord, data: dict[str, Any], *, user: User, keyring: Keyring, key: str, old: str, new: str
) -> EncryptedRecord:
    before = data["custom"][key]
    data["custom"][key] = _renamed(before, old, new)
    # Marked as a rename: statistics read the values of the past under the option's new name.
    history.append(data, history.entry(user, kind="rename", changes={f"custom.{key}": [before, data["custom"][key]]}))
    return record_update(row, keyring=keyring, user=user, data=data, expected_version=row.version)


@transaction.atomic
def field_choice_rename(
    *,
    user: User,
    keyring: Keyring,
    key: str,
    old: str,
    new: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: FieldSet = PERSON_FIELDS,
) -> int:
    """Rename one choice of an enum / multi-choice field and rewrite every row that has it; returns how many.

    All or nothing: rows (persons, consultations…), the person search cards and the config change in one transaction.
    A row saved by someone else meanwhile is re-read and retried once; a second conflict raises ConflictError and
    nothing is kept. Health rows can only be rewritten by a health professional.
    """
    _need_key(user, spec, keyring)
    organisation = _locked(user, spec.part, config_version)
    found = _field(selectors.groups_of(organisation, spec), key)
    field, new = found.field, new.strip()
    if field["type"] not in custom_fields.CHOICE_TYPES:
        raise ValidationError(NOT_A_CHOICE_FIELD)
    if old not in field["options"]:
        raise ValidationError({"old": CHOICE_UNKNOWN})
    if not new:
        raise ValidationError({"new": CHOICE_REQUIRED})
    if new in field["options"]:
        raise ValidationError({"new": CHOICE_TAKEN})
    affected = selectors.records_with_choice(user=user, keyring=keyring, key=key, choice=old, spec=spec)
    rename = partial(_rename_in, user=user, keyring=keyring, key=key, old=old, new=new)
    refreshed: list[EncryptedRecord] = []
    for row, data in affected:
        try:
            saved = rename(row, data)
        except ConflictError:
            fresh = type(row)._default_manager.filter(pk=row.pk, deleted_at=None).first()
            data = record_data(fresh, keyring) if fresh else {}
            if fresh is None or not selectors.uses_choice(data, key, old):
                continue
            saved = rename(fresh, data)
        refreshed.append(saved)
    spec.refresh(refreshed, keyring)
    updated = len(refreshed)
    field["options"] = [new if o == old else o for o in field["options"]]
    detail = {"change": "choice_rename", "field": key, **_counted(spec, updated)}
    _save(organisation, user=user, request=request, columns=[spec.column], **detail)
    return updated


@transaction.atomic
def active_list_reasons_update(
    *, user: User, reasons: Iterable[str], config_version: str, request: HttpRequest | None = None
) -> None:
    """Replace the exit reasons of the active list; existing exits keep the reasons they were given."""
    organisation = _locked(user, "reasons", config_version)
    cleaned = _lines(reasons)
    if not cleaned:
        raise ValidationError({"reasons": REASON_REQUIRED})
    organisation.active_list_reasons = cleaned
    _save(
        organisation, user=user, request=request, columns=["active_list_reasons"], change="reasons", count=len(cleaned)
    )


@transaction.atomic
def features_update(
    *,
    user: User,
    passages_enabled: bool,
    rencontres_enabled: bool,
    families_enabled: bool,
    config_version: str,
    request: HttpRequest | None = None,
) -> None:
    """Switch passages, rencontres and family links on or off; data already saved stays in place."""
    organisation = _locked(user, "features", config_version)
    flags = {
        "passages_enabled": passages_enabled,
        "rencontres_enabled": rencontres_enabled,
        "families_enabled": families_enabled,
    }
    for flag, value in flags.items():
        setattr(organisation, flag, value)
    _save(organisation, user=user, request=request, columns=list(flags), change="features", **flags)
