"""Writes on the directory: structures (validated, version-checked, audited) and their archive and deletion.

Structures are public information stored in clear. Who manages them: admins always, and every member who is not
restricted when the organisation turns `structures_members_edit` on. Referrals are in `referrals.py`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.core import grouped
from mano.core.audit import AuditAction, audit
from mano.core.records import ConflictError
from mano.persons.text import fold
from mano.structures import hours
from mano.structures.models import Structure, facets_of, name_key_of
from mano.structures.vocabulary import ACCESS_CONDITIONS, PUBLICS

NAME_REQUIRED = _("Le nom de la structure est obligatoire.")
NAME_TAKEN = _("Une structure porte déjà ce nom (majuscules, accents et tirets ne comptent pas) : « {name} ».")
LATITUDE_RANGE = _("La latitude va de -90 à 90.")
LONGITUDE_RANGE = _("La longitude va de -180 à 180.")
POSITION_PAIR = _("Donnez la latitude et la longitude, ou aucune des deux.")
EMAIL_INVALID = _("Cette adresse e-mail n’est pas valide.")
WEBSITE_INVALID = _("L’adresse du site commence par https:// ou http://.")
POSTCODE_INVALID = _("Le code postal a 5 chiffres.")
PHONE_INVALID = _("Numéro illisible : « {phone} ». Chiffres, espaces, points, tirets et + seulement.")
UNKNOWN_CATEGORY = _("Catégorie inconnue : « {name} ». Choisissez dans la liste, ou un admin l’ajoute.")
UNKNOWN_PUBLIC = _("Public inconnu : « {name} ».")
UNKNOWN_CONDITION = _("Condition d’accès inconnue : « {name} ».")
CLOSURE_ORDER = _("La réouverture ne peut pas précéder la fermeture.")
CLOSURE_START = _("Indiquez le premier jour de fermeture.")
HAS_REFERRALS = _(
    "Cette structure a reçu des orientations : archivez-la plutôt, elle restera visible dans les dossiers."
)
PHONE_PATTERN = re.compile(r"^\+?[0-9 .\-()]{2,30}$")
TEXT_LIMITS = {
    "name": 200,
    "address": 300,
    "postcode": 10,
    "city": 120,
    "email": 254,
    "website": 300,
    "opening_hours": 500,
    "closure_note": 300,
    "description": 5000,
}
FIELDS = (
    "name",
    "description",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "phones",
    "email",
    "website",
    "categories",
    "publics",
    "access_conditions",
    "languages",
    "opening_hours",
    "closed_from",
    "closed_until",
    "closure_note",
)


def categories_of(organisation: Organisation) -> grouped.Grouped:
    value = organisation.structure_categories
    return value if isinstance(value, list) and value else [{"group": "Catégories", "items": []}]


def can_manage(user: User) -> bool:
    """Admins; and normal members when the organisation lets every member manage the directory."""
    if user.role == "admin":
        return True
    organisation = user.organisation
    return user.role == "normal" and organisation is not None and organisation.structures_members_edit


def _check_manager(user: User, organisation_id: Any) -> None:
    if not can_manage(user) or user.organisation_id != organisation_id:
        raise PermissionDenied


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit] if limit < 5000 else str(value or "").strip()[:limit]


def _listed(values: Any, allowed: list[str], message: Any, field: str, errors: dict[str, list[str]]) -> list[str]:
    """Keep the allowed values (matched ignoring case and accents, stored with their configured spelling)."""
    by_key = {fold(v): v for v in allowed}
    kept: list[str] = []
    for value in values or []:
        match = by_key.get(fold(value))
        if match is None:
            errors.setdefault(field, []).append(str(message).format(name=value))
        elif match not in kept:
            kept.append(match)
    return kept


def _position(data: dict[str, Any], errors: dict[str, list[str]]) -> tuple[float | None, float | None]:
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        errors.setdefault("latitude", []).append(str(POSITION_PAIR))
        return None, None
    if lat is not None and not -90 <= lat <= 90:
        errors.setdefault("latitude", []).append(str(LATITUDE_RANGE))
    if lon is not None and not -180 <= lon <= 180:
        errors.setdefault("longitude", []).append(str(LONGITUDE_RANGE))
    return lat, lon


def _contact(clean: dict[str, Any], data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    phones = [" ".join(str(p).split()) for p in data.get("phones") or [] if str(p).strip()]
    for phone in phones:
        if not PHONE_PATTERN.match(phone):
            errors.setdefault("phones", []).append(str(PHONE_INVALID).format(phone=phone))
    clean["phones"] = phones[:5]
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors.setdefault("email", []).append(str(EMAIL_INVALID))
    if clean["website"] and not re.match(r"^https?://[^\s/]+\.[^\s]+$", clean["website"], re.IGNORECASE):
        errors.setdefault("website", []).append(str(WEBSITE_INVALID))
    if clean["postcode"] and not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", clean["postcode"]):
        errors.setdefault("postcode", []).append(str(POSTCODE_INVALID))


def _closure(data: dict[str, Any], errors: dict[str, list[str]]) -> tuple[date | None, date | None]:
    start, end = data.get("closed_from"), data.get("closed_until")
    if end is not None and start is None:
        errors.setdefault("closed_from", []).append(str(CLOSURE_START))
    if start is not None and end is not None and end < start:
        errors.setdefault("closed_until", []).append(str(CLOSURE_ORDER))
    return start, end


def structure_clean(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of a structure, tidied and checked; ValidationError with every error by field otherwise.

    Shared by the form and the Excel import, so a row imported is held to the same rules as a row typed."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {key: _text(data.get(key), limit) for key, limit in TEXT_LIMITS.items()}
    if not clean["name"]:
        errors["name"] = [str(NAME_REQUIRED)]
    clean["latitude"], clean["longitude"] = _position(data, errors)
    _contact(clean, data, errors)
    categories = grouped.all_items(categories_of(organisation))
    clean["categories"] = _listed(data.get("categories"), categories, UNKNOWN_CATEGORY, "categories", errors)
    clean["publics"] = _listed(data.get("publics"), PUBLICS, UNKNOWN_PUBLIC, "publics", errors)
    clean["access_conditions"] = _listed(
        data.get("access_conditions"), ACCESS_CONDITIONS, UNKNOWN_CONDITION, "access_conditions", errors
    )
    clean["languages"] = list(dict.fromkeys(_text(x, 40) for x in data.get("languages") or [] if str(x).strip()))
    problem = hours.check(clean["opening_hours"])
    if problem:
        errors.setdefault("opening_hours", []).append(problem)
    clean["closed_from"], clean["closed_until"] = _closure(data, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def search_text(fields: dict[str, Any]) -> str:
    parts = [fields["name"], fields["description"], fields["city"], fields["postcode"], fields["address"]]
    return " ".join(fold(p) for p in [*parts, *fields["categories"]] if p)


def _check_name(organisation_id: Any, name: str, exclude: Any = None) -> None:
    taken = Structure.objects.filter(organisation_id=organisation_id, name_key=name_key_of(name)).exclude(pk=exclude)
    existing = taken.values_list("name", flat=True).first()
    if existing is not None:
        raise ValidationError({"name": str(NAME_TAKEN).format(name=existing)})


def _save_new(user: User, fields: dict[str, Any]) -> Structure:
    structure = Structure(
        organisation_id=user.member_organisation_id,
        name_key=name_key_of(fields["name"]),
        search_text=search_text(fields),
        facets=facets_of(fields["categories"], fields["publics"]),
        created_by=user,
        updated_by=user,
        **fields,
    )
    try:
        with transaction.atomic():
            structure.save(force_insert=True)
    except IntegrityError:  # two people created the same name at once: the unique constraint decided
        _check_name(user.organisation_id, fields["name"])
        raise
    return structure


@transaction.atomic
def structure_create(*, user: User, data: dict[str, Any], request: HttpRequest | None = None) -> Structure:
    """A new structure of the user's organisation, with a name unique ignoring case and accents."""
    _check_manager(user, user.organisation_id)
    organisation = user.organisation
    assert organisation is not None
    fields = structure_clean(organisation, data)
    _check_name(organisation.pk, fields["name"])
    structure = _save_new(user, fields)
    audit(AuditAction.STRUCTURE_CHANGE, organisation=organisation, actor=user, request=request, obj=structure)
    return structure


@transaction.atomic
def structure_update(
    *, user: User, structure: Structure, data: dict[str, Any], expected_version: int, request: HttpRequest | None = None
) -> Structure:
    """Save the edit made on `expected_version`; ConflictError when someone saved in between (nothing written)."""
    _check_manager(user, structure.organisation_id)
    organisation = user.organisation
    assert organisation is not None
    fields = structure_clean(organisation, data)
    _check_name(organisation.pk, fields["name"], exclude=structure.pk)
    changed = Structure.objects.filter(pk=structure.pk, version=expected_version).update(
        **fields,
        name_key=name_key_of(fields["name"]),
        search_text=search_text(fields),
        facets=facets_of(fields["categories"], fields["publics"]),
        version=F("version") + 1,
        updated_by=user,
        updated_at=timezone.now(),
    )
    if changed != 1:
        raise ConflictError(Structure.objects.filter(pk=structure.pk).values_list("version", flat=True).first())
    audit(AuditAction.STRUCTURE_CHANGE, organisation=organisation, actor=user, request=request, obj=structure)
    structure.refresh_from_db()
    return structure


@transaction.atomic
def structure_archive(*, user: User, structure: Structure, archived: bool, request: HttpRequest | None = None) -> None:
    """Archive (hidden from searches and referrals, kept for old referrals) or restore a structure."""
    _check_manager(user, structure.organisation_id)
    Structure.objects.filter(pk=structure.pk).update(
        archived_at=timezone.now() if archived else None, version=F("version") + 1, updated_by=user
    )
    audit(
        AuditAction.STRUCTURE_CHANGE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=structure,
        archived=archived,
    )


@transaction.atomic
def structure_delete(*, user: User, structure: Structure, request: HttpRequest | None = None) -> None:
    """Delete a structure that never received a referral (otherwise it must be archived: ValidationError)."""
    _check_manager(user, structure.organisation_id)
    locked = Structure.objects.select_for_update().get(pk=structure.pk)
    if locked.referrals.exists():
        raise ValidationError(HAS_REFERRALS)
    locked.delete()
    audit(AuditAction.STRUCTURE_DELETE, organisation=user.organisation, actor=user, request=request, obj=structure)


@transaction.atomic
def structures_members_edit_set(*, user: User, enabled: bool, request: HttpRequest | None = None) -> None:
    """The switch that lets every member (not restricted) manage the directory. Admins only."""
    if user.role != "admin":
        raise PermissionDenied
    Organisation.objects.filter(pk=user.member_organisation_id).update(structures_members_edit=enabled)
    audit(
        AuditAction.SETTINGS_CHANGE,
        organisation=user.organisation,
        actor=user,
        request=request,
        change="structures_members_edit",
        enabled=enabled,
    )
