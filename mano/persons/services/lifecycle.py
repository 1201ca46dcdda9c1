"""Writes on a person's lifecycle: out of / back into the active list, merge two files, delete a file.

Other apps that hang rows on a person (actions, medical file…) register in MERGE_HANDLERS / DELETE_HANDLERS;
the handlers run inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.dates import DATE_OUT_OF_RANGE, in_range
from mano.core.records import ConflictError, record_data, record_update
from mano.persons import history
from mano.persons.index import index_refresh, index_remove
from mano.persons.models import (
    Comment,
    Document,
    DocumentFolder,
    Passage,
    Person,
    PersonPlace,
    Rencontre,
)
from mano.persons.services.access import require
from mano.persons.services.families import family_move, family_remove_person
from mano.persons.services.persons import FIXED_FIELDS, NAME_REQUIRED, names_moved, renamed

REASON_UNKNOWN = _("Ce motif ne fait pas partie des motifs de sortie de votre organisation.")
REASON_REQUIRED = _("Précisez au moins un motif de sortie.")
NOT_OUT = _("Cette personne est déjà dans la file active de votre équipe.")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
MERGE_ITSELF = _("Un dossier ne peut pas être fusionné avec lui-même.")
OUTSIDE = _("Cette personne n'existe pas dans votre organisation.")
ITEMS = (Comment, Passage, Rencontre, Document, DocumentFolder)

Handler = Callable[..., None]
# Called as handler(kept=, other=, user=, keyring=) before `other` is deleted.
MERGE_HANDLERS: list[Handler] = []
# Called as handler(person=, user=, keyring=) while `person` is being deleted.
DELETE_HANDLERS: list[Handler] = []
# Called as handler(person=, heir=, user=, keyring=) when a deleted person's family items go to `heir`,
# before the person's own items are deleted (family actions, for instance).
HAND_DOWN_HANDLERS: list[Handler] = []


def _check_team(user: User, person: Person, team: Team) -> None:
    if {team.organisation_id, person.organisation_id} != {user.organisation_id}:
        raise ValidationError(TEAM_OUTSIDE)


@transaction.atomic
def person_leave_active_list(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    team: Team,
    reasons: list[str],
    day: date,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Person:
    """Take the person out of `team`'s active list (other teams keep following it), with reasons and a date."""
    require(user, person.organisation_id)
    _check_team(user, person, team)
    allowed = list(user.organisation.active_list_reasons)  # type: ignore[union-attr]
    if any(r not in allowed for r in reasons):
        raise ValidationError({"reasons": REASON_UNKNOWN})
    if allowed and not reasons:
        raise ValidationError({"reasons": REASON_REQUIRED})
    if not in_range(day):
        raise ValidationError({"date": DATE_OUT_OF_RANGE})
    data = record_data(person, keyring)
    exits = dict(data.get("out_of_active_list") or {})
    exits[str(team.pk)] = {"date": day.isoformat(), "reasons": list(reasons)}
    data["out_of_active_list"] = exits
    entry = history.entry(user, kind="active_list_out", reasons=list(reasons), team=str(team.pk), date=day.isoformat())
    history.append(data, entry)
    person = record_update(person, keyring=keyring, user=user, data=data, expected_version=expected_version)
    index_refresh(person, keyring, data)
    audit(AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=person)
    return person


@transaction.atomic
def person_rejoin_active_list(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    team: Team,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Person:
    """Bring the person back into `team`'s active list."""
    require(user, person.organisation_id)
    _check_team(user, person, team)
    data = record_data(person, keyring)
    exits = dict(data.get("out_of_active_list") or {})
    if exits.pop(str(team.pk), None) is None:
        raise ValidationError(NOT_OUT)
    data["out_of_active_list"] = exits
    history.append(data, history.entry(user, kind="active_list_in", team=str(team.pk)))
    person = record_update(person, keyring=keyring, user=user, data=data, expected_version=expected_version)
    index_refresh(person, keyring, data)
    audit(AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=person)
    return person


def _soft_delete(person: Person, expected_version: int, user: User, keyring: Keyring) -> None:
    done = Person.objects.filter(pk=person.pk, version=expected_version, deleted_at=None).update(
        deleted_at=timezone.now(), version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )
    if done != 1:
        raise ConflictError(Person.objects.filter(pk=person.pk).values_list("version", flat=True).first())
    # The card and search line of a deleted person have no reader left: drop them.
    index_remove(person, keyring)


def _merged_data(
    kept: dict[str, Any], other: dict[str, Any], fixed: dict[str, Any], custom: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The kept file with the chosen values, and what changed (for its history)."""
    data = {**kept, **{k: v for k, v in fixed.items() if k in FIXED_FIELDS}}
    if not str(data.get("name") or "").strip():
        raise ValidationError({"name": NAME_REQUIRED})
    # Custom values nobody chose (fields removed from the settings…) survive: the kept file's first.
    merged = {**(other.get("custom") or {}), **(kept.get("custom") or {}), **custom}
    data["custom"] = {k: v for k, v in merged.items() if v not in (None, "", [])}
    changes = history.diff(kept, data, list(FIXED_FIELDS))
    changes.update(
        {f"custom.{k}": v for k, v in history.diff(kept.get("custom") or {}, data["custom"], list(custom)).items()}
    )
    return data, changes


@transaction.atomic
def person_merge(
    *,
    user: User,
    keyring: Keyring,
    kept: Person,
    other: Person,
    fixed: dict[str, Any],
    custom: dict[str, Any],
    kept_version: int,
    other_version: int,
    request: HttpRequest | None = None,
) -> Person:
    """Merge `other` into `kept`, both version-checked: `kept` takes the chosen values and every item of
    `other` (comments, passages, rencontres, places, documents, folders, family); `other` is soft-deleted."""
    require(user, kept.organisation_id)
    require(user, other.organisation_id)
    if {kept.organisation_id, other.organisation_id} != {user.organisation_id} or other.deleted_at is not None:
        raise ValidationError(OUTSIDE)
    if kept.pk == other.pk:
        raise ValidationError(MERGE_ITSELF)
    kept_data, other_data = record_data(kept, keyring), record_data(other, keyring)
    data, changes = _merged_data(kept_data, other_data, fixed, custom)
    history.append(
        data,
        history.entry(
            user, kind="merge", other_name=other_data.get("name") or "", other_id=str(other.pk), changes=changes
        ),
    )
    _soft_delete(other, other_version, user, keyring)
    moments = [m for m in (kept.last_interaction_at, other.last_interaction_at) if m is not None]
    plain = {"last_interaction_at": max(moments)} if moments else {}
    kept = record_update(kept, keyring=keyring, user=user, data=data, expected_version=kept_version, **plain)
    new_name = data.get("name") != kept_data.get("name")
    if new_name:
        renamed(kept)
    kept.teams.add(*other.teams.all())
    for model in ITEMS:
        model.objects.filter(person=other).update(person=kept)
    already = PersonPlace.objects.filter(person=kept).values_list("place_id", flat=True)
    PersonPlace.objects.filter(person=other, place_id__in=list(already)).delete()
    PersonPlace.objects.filter(person=other).update(person=kept)
    family_move(user=user, keyring=keyring, source=other, target=kept)
    for handler in MERGE_HANDLERS:
        handler(kept=kept, other=other, user=user, keyring=keyring)
    index_refresh(kept, keyring, data)
    names_moved(other, *([kept] if new_name else []))  # the merged file's consultations may wait for a health key
    audit(
        AuditAction.PERSON_MERGE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=kept,
        merged=str(other.pk),
    )
    return kept


def _hand_down_family_items(person: Person, heir: Person, user: User, keyring: Keyring) -> None:
    """Family comments and documents stay with the family: they move to another member."""
    comments = [c.pk for c, d in _live(Comment, person, keyring) if d.get("family")]
    Comment.objects.filter(pk__in=comments).update(person=heir)
    for document, data in _live(Document, person, keyring):
        if data.get("family"):
            # The folders stay with the deleted file: the document goes to the heir's root.
            record_update(
                document,
                keyring=keyring,
                user=user,
                data={**data, "folder": None},
                expected_version=document.version,
                person=heir,
            )
    for handler in HAND_DOWN_HANDLERS:
        handler(person=person, heir=heir, user=user, keyring=keyring)
    index_refresh(heir, keyring)


def _live(model: Any, person: Person, keyring: Keyring) -> list[tuple[Any, dict[str, Any]]]:
    return [(row, record_data(row, keyring)) for row in model.objects.filter(person=person, deleted_at=None)]


@transaction.atomic
def person_delete(
    *, user: User, keyring: Keyring, person: Person, expected_version: int, request: HttpRequest | None = None
) -> None:
    """Soft-delete the person and everything hanging off it (comments, passages, rencontres, documents,
    folders), drop its place links, take it out of its family (family items go to another member).

    Encrypted document files stay on disk until the retention purge removes soft-deleted rows and their files."""
    require(user, person.organisation_id)
    if person.organisation_id != user.organisation_id:
        raise ValidationError(OUTSIDE)
    _soft_delete(person, expected_version, user, keyring)
    heirs = family_remove_person(user=user, keyring=keyring, person=person)
    ranked = {pk: i for i, pk in enumerate(heirs)}
    alive = Person.objects.filter(pk__in=heirs, organisation_id=user.organisation_id, deleted_at=None)
    heir = min(alive, key=lambda p: ranked[str(p.pk)], default=None)
    if heir is not None:
        _hand_down_family_items(person, heir, user, keyring)
    now = timezone.now()
    for model in ITEMS:
        model.objects.filter(person=person, deleted_at=None).update(deleted_at=now)
    PersonPlace.objects.filter(person=person).delete()
    for handler in DELETE_HANDLERS:
        handler(person=person, user=user, keyring=keyring)
    names_moved(person)  # its consultations, deleted by a health professional's key, may wait: their lines forget it
    audit(AuditAction.PERSON_DELETE, organisation=user.organisation, actor=user, request=request, obj=person)
