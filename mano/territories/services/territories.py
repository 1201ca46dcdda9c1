"""Writes on territories: create, version-checked update with history, archive, delete (with their observations),
transfer into another territory. Name, types, perimeter and description are encrypted with K_general."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.agenda.categories import categories_of
from mano.core import grouped
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import ConflictError, record_create, record_data, record_update
from mano.persons import history
from mano.persons.text import fold
from mano.territories.access import MANAGE_ROLES, check
from mano.territories.models import Observation, Territory
from mano.territories.services.observations import observations_remove
from mano.territories.types import TERRITORY_TYPES

NAME_REQUIRED = _("Le nom est obligatoire")
UNKNOWN_TYPE = _("Type inconnu : « {name} ». Choisissez dans la liste, ou un admin l’ajoute.")
TARGET_REQUIRED = _("Choisissez le territoire qui recevra les observations.")
TARGET_SAME = _("Choisissez un autre territoire que celui qui sera supprimé.")
TARGET_UNKNOWN = _("Ce territoire n’existe plus : rechargez la page.")
LIMITS = {"name": 200, "perimeter": 2000, "description": 10000}
FIELDS = ("name", "types", "perimeter", "description")


def _types(organisation: Organisation, values: Any, errors: dict[str, list[str]], current: list[str]) -> list[str]:
    """The chosen types in their configured spelling; a type removed from the list since stays on the territory
    that has it (as categories stay on actions)."""
    by_key = {fold(t): t for t in [*grouped.all_items(categories_of(organisation, TERRITORY_TYPES)), *current]}
    kept: list[str] = []
    for value in values or []:
        match = by_key.get(fold(str(value)))
        if match is None:
            errors.setdefault("types", []).append(str(UNKNOWN_TYPE).format(name=value))
        elif match not in kept:
            kept.append(match)
    return kept


def territory_clean(
    organisation: Organisation, data: dict[str, Any], current: list[str] | None = None
) -> dict[str, Any]:
    """The fields of a territory, tidied and checked; ValidationError with every error by field otherwise."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {key: str(data.get(key) or "").strip()[:limit] for key, limit in LIMITS.items()}
    clean["name"] = " ".join(clean["name"].split())
    if not clean["name"]:
        errors["name"] = [str(NAME_REQUIRED)]
    clean["types"] = _types(organisation, data.get("types"), errors, current or [])
    if errors:
        raise ValidationError(errors)
    return clean


def _organisation(user: User) -> Organisation:
    organisation = user.organisation
    assert organisation is not None
    return organisation


@transaction.atomic
def territory_create(*, user: User, keyring: Keyring, data: dict[str, Any]) -> Territory:
    """A new territory of the user's organisation (admins and normal members, territories turned on)."""
    check(user, MANAGE_ROLES)
    fields = territory_clean(_organisation(user), data)
    return record_create(
        Territory, keyring=keyring, organisation=user.organisation, user=user, data={**fields, "history": []}
    )


@transaction.atomic
def territory_update(
    *, user: User, keyring: Keyring, territory: Territory, data: dict[str, Any], expected_version: int
) -> Territory:
    """Save the edit made on `expected_version` with a history line (old ➔ new); ConflictError when someone saved
    in between (nothing written)."""
    check(user, MANAGE_ROLES, territory.organisation_id)
    stored = record_data(territory, keyring)
    fields = territory_clean(_organisation(user), data, stored.get("types") or [])
    changes = history.diff(stored, fields, list(FIELDS))
    new = {**stored, **fields}
    if changes:
        history.append(new, history.entry(user, changes=changes))
    return record_update(territory, keyring=keyring, user=user, data=new, expected_version=expected_version)


@transaction.atomic
def territory_archive(*, user: User, territory: Territory, archived: bool) -> None:
    """Archive (hidden from the list and from new observations, observations kept) or restore."""
    check(user, MANAGE_ROLES, territory.organisation_id)
    Territory.objects.filter(pk=territory.pk, deleted_at=None).update(
        archived_at=timezone.now() if archived else None, updated_at=timezone.now(), updated_by=user
    )


def _live_observations(territory: Territory) -> Any:
    return Observation.objects.filter(territory=territory, deleted_at=None)


@transaction.atomic
def territory_delete(
    *, user: User, keyring: Keyring, territory: Territory, expected_version: int, request: HttpRequest | None = None
) -> int:
    """Delete a territory and its observations (and the rencontres recorded with them); returns how many
    observations went. A stale version is a conflict: nothing is deleted."""
    check(user, MANAGE_ROLES, territory.organisation_id)
    now = timezone.now()
    rows = Territory.objects.filter(pk=territory.pk, version=expected_version, deleted_at=None)
    if rows.update(deleted_at=now, updated_at=now, updated_by=user) != 1:
        raise ConflictError(Territory.objects.filter(pk=territory.pk).values_list("version", flat=True).first())
    count = observations_remove(user=user, keyring=keyring, observations=list(_live_observations(territory)))
    audit(
        AuditAction.RECORD_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=territory,
        observations=count,
    )
    return count


def _target(user: User, source: Territory, target: Territory | None) -> Territory:
    if target is None:
        raise ValidationError({"target": TARGET_REQUIRED})
    if target.pk == source.pk:
        raise ValidationError({"target": TARGET_SAME})
    fresh = Territory.objects.filter(pk=target.pk, organisation_id=user.member_organisation_id, deleted_at=None).first()
    if fresh is None:
        raise ValidationError({"target": TARGET_UNKNOWN})
    return fresh


@transaction.atomic
def territory_transfer(
    *,
    user: User,
    keyring: Keyring,
    source: Territory,
    target: Territory | None,
    request: HttpRequest | None = None,
) -> int:
    """Move every live observation of `source` to `target`, then delete `source`; returns how many moved.

    The observations keep their payload: its encryption is bound to the observation row, not to its territory.
    The target's history tells where they came from."""
    check(user, MANAGE_ROLES, source.organisation_id)
    target = _target(user, source, target)
    locked = Territory.objects.select_for_update().filter(pk=source.pk, deleted_at=None).first()
    if locked is None:
        raise ValidationError({"target": TARGET_UNKNOWN})
    now = timezone.now()
    moved = _live_observations(locked).update(territory=target, updated_at=now)
    Territory.objects.filter(pk=locked.pk).update(deleted_at=now, updated_at=now, updated_by=user)
    source_name = record_data(locked, keyring).get("name") or ""
    data = record_data(target, keyring)
    history.append(data, history.entry(user, kind="transfer", source=source_name, observations=moved))
    record_update(target, keyring=keyring, user=user, data=data, expected_version=target.version)
    audit(
        AuditAction.RECORD_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=locked,
        observations=moved,
        transferred_to=str(target.pk),
    )
    return moved
