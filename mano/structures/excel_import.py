"""Writes of the directory's Excel exchange: the import of previewed rows (all or nothing) and the audit of an export.

Kept apart from services.py; the rules are the same: every row goes through `services.structure_clean` again, and
gets the same name key, search text and facets as a structure typed in the form.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.core.audit import AuditAction, audit
from mano.structures import services
from mano.structures.excel import MAX_ROWS
from mano.structures.models import Structure, facets_of, name_key_of

NOTHING_TO_IMPORT = _("Aucune structure à importer.")
TOO_MANY = _("Pas plus de 10 000 structures par import.")
NAME_TWICE = _(
    "Le nom « {name} » apparaît deux fois dans le fichier (majuscules, accents et ponctuation ne comptent pas)."
)
NAME_RACE = _("Une structure du même nom vient d’être ajoutée par quelqu’un d’autre : rien n’a été importé.")
BATCH = 500


def _check_manager(user: User, organisation: Organisation) -> None:
    if not services.can_manage(user) or user.organisation_id != organisation.pk:
        raise PermissionDenied


def _new(user: User, organisation: Organisation, fields: dict[str, Any]) -> Structure:
    return Structure(
        organisation=organisation,
        name_key=name_key_of(fields["name"]),
        search_text=services.search_text(fields),
        facets=facets_of(fields["categories"], fields["publics"]),
        created_by=user,
        updated_by=user,
        **fields,
    )


@transaction.atomic
def structures_import(
    *, user: User, organisation: Organisation, rows: list[dict[str, Any]], request: HttpRequest | None = None
) -> int:
    """Create one structure per row, or none: each row is cleaned again by `structure_clean` and every name must be
    new, in the directory and in the rows (same `name_key_of`); the first problem raises ValidationError and
    nothing is written. One audit event for the whole import. Returns how many structures were created."""
    _check_manager(user, organisation)
    if not rows:
        raise ValidationError(NOTHING_TO_IMPORT)
    if len(rows) > MAX_ROWS:
        raise ValidationError(TOO_MANY)
    taken = dict(Structure.objects.filter(organisation=organisation).values_list("name_key", "name"))
    structures: list[Structure] = []
    in_rows: set[str] = set()
    for data in rows:
        fields = services.structure_clean(organisation, data)
        key = name_key_of(fields["name"])
        if key in taken:
            raise ValidationError({"name": str(services.NAME_TAKEN).format(name=taken[key])})
        if key in in_rows:
            raise ValidationError({"name": str(NAME_TWICE).format(name=fields["name"])})
        in_rows.add(key)
        structures.append(_new(user, organisation, fields))
    try:
        with transaction.atomic():
            Structure.objects.bulk_create(structures, batch_size=BATCH)
    except IntegrityError as exc:  # someone created one of these names meanwhile: the unique constraint decided
        raise ValidationError(NAME_RACE) from exc
    audit(
        AuditAction.IMPORT,
        organisation=organisation,
        actor=user,
        request=request,
        obj=None,
        count=len(structures),
        kind="structures",
    )
    return len(structures)


@transaction.atomic
def structures_export_audit(
    *, user: User, organisation: Organisation, count: int, request: HttpRequest | None = None
) -> None:
    """Record that `user` downloaded the directory (`count` structures). Managers only, like the export."""
    _check_manager(user, organisation)
    audit(
        AuditAction.EXPORT,
        organisation=organisation,
        actor=user,
        request=request,
        obj=None,
        count=count,
        kind="structures",
    )
