"""Writes on family links: link two persons, edit or delete a relation, move or remove a member.

A family payload is {members: [person ids], relations: [{id, persons: [a, b], description, user, at}]}.
Invariants kept by every write: a person belongs to at most one family, every member has at least one
relation, and a family with no relation left is deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import ConflictError, record_create, record_data, record_update
from mano.persons.index import index_refresh_many
from mano.persons.models import Family, Person
from mano.persons.selectors.families import family_of
from mano.persons.services.access import require

SELF_LINK = _("Le lien avec cette personne est vite vu : c'est elle !")
ALREADY_LINKED = _("Il y a déjà un lien entre ces deux personnes.")
OTHER_FAMILY = _(
    "Cette personne fait déjà partie d'une autre famille. Vous ne pouvez pour l'instant pas ajouter une personne "
    "à plusieurs familles. N'hésitez pas à nous contacter si vous souhaitez faire évoluer cette fonctionnalité."
)
OUTSIDE = _("Cette personne n'existe pas dans votre organisation.")
RELATION_GONE = _("Ce lien familial n'existe plus : quelqu'un l'a supprimé entre-temps.")


def _lock(user: User) -> None:
    # Family writes read every family before deciding: serialise them per organisation (no-op on SQLite,
    # whose writers are serialised anyway).
    Organisation.objects.select_for_update().filter(pk=user.member_organisation_id).first()


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Drop self-links and repeated pairs; members are exactly the persons that still have a relation."""
    seen: set[frozenset[str]] = set()
    relations = []
    for relation in data.get("relations", []):
        pair = frozenset(relation["persons"])
        if len(pair) == 2 and pair not in seen:
            seen.add(pair)
            relations.append(relation)
    linked = {p for r in relations for p in r["persons"]}
    ordered = dict.fromkeys([*data.get("members", []), *(p for r in relations for p in r["persons"])])
    return {**data, "relations": relations, "members": [m for m in ordered if m in linked]}


def _save(family: Family, data: dict[str, Any], *, user: User, keyring: Keyring, expected_version: int) -> None:
    """Re-encrypt the family, or soft-delete it when no relation is left (both version-checked)."""
    if data["relations"]:
        record_update(family, keyring=keyring, user=user, data=data, expected_version=expected_version)
        return
    done = Family.objects.filter(pk=family.pk, version=expected_version, deleted_at=None).update(
        deleted_at=timezone.now(), version=F("version") + 1, updated_by=user
    )
    if done != 1:
        raise ConflictError(Family.objects.filter(pk=family.pk).values_list("version", flat=True).first())


def _refresh(ids: set[str], keyring: Keyring, organisation_id: Any) -> None:
    persons = Person.objects.filter(pk__in=ids, organisation_id=organisation_id, deleted_at=None)
    index_refresh_many([(p, None) for p in persons], keyring)


def _relation(user: User, a: Person, b: Person, description: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "persons": [str(a.pk), str(b.pk)],
        "description": description.strip(),
        "user": str(user.pk),
        "at": timezone.now().isoformat(),
    }


@transaction.atomic
def family_link(
    *, user: User, keyring: Keyring, person: Person, other: Person, description: str, request: HttpRequest | None = None
) -> Family:
    """Link two persons of the user's organisation. Linking to a member of a family brings the other person
    into that family; two persons of two different families are refused (one family per person)."""
    require(user, person.organisation_id)
    if {person.organisation_id, other.organisation_id} != {user.organisation_id} or other.deleted_at is not None:
        raise ValidationError(OUTSIDE)
    if person.pk == other.pk:
        raise ValidationError(SELF_LINK)
    _lock(user)
    mine, theirs = family_of(person, keyring), family_of(other, keyring)
    if mine and theirs and mine.family.pk != theirs.family.pk:
        raise ValidationError(OTHER_FAMILY)
    relation = _relation(user, person, other, description)
    found = mine or theirs
    if found is None:
        data = {"members": [str(person.pk), str(other.pk)], "relations": [relation]}
        family = record_create(Family, keyring=keyring, organisation=user.organisation, user=user, data=data)
    else:
        pair = {str(person.pk), str(other.pk)}
        if any(set(r["persons"]) == pair for r in found.relations):
            raise ValidationError(ALREADY_LINKED)
        data = _normalise({**found.data, "relations": [*found.relations, relation]})
        family = record_update(
            found.family, keyring=keyring, user=user, data=data, expected_version=found.family.version
        )
    _refresh({str(person.pk), str(other.pk)}, keyring, user.organisation_id)
    audit(
        AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=person, family=True
    )
    return family


def _find(data: dict[str, Any], relation_id: str) -> dict[str, Any]:
    for relation in data.get("relations", []):
        if relation.get("id") == relation_id:
            return relation
    raise ValidationError(RELATION_GONE)


@transaction.atomic
def relation_update(
    *,
    user: User,
    keyring: Keyring,
    family: Family,
    relation_id: str,
    description: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Family:
    """Change the text of one relation, only if nobody saved the family since `expected_version`."""
    require(user, family.organisation_id)
    family.refresh_from_db()
    data = record_data(family, keyring)
    relation = _find(data, relation_id)
    relation.update(description=description.strip(), updated_at=timezone.now().isoformat(), updated_by=str(user.pk))
    record_update(family, keyring=keyring, user=user, data=data, expected_version=expected_version)
    audit(AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=family)
    return family


@transaction.atomic
def relation_delete(
    *, user: User, keyring: Keyring, family: Family, relation_id: str, request: HttpRequest | None = None
) -> None:
    """Remove one relation. Persons left without a relation leave the family; an empty family is deleted."""
    require(user, family.organisation_id)
    _lock(user)
    family.refresh_from_db()
    if family.deleted_at is not None:
        raise ValidationError(RELATION_GONE)
    data = record_data(family, keyring)
    _find(data, relation_id)
    before = set(data.get("members", []))
    data = _normalise({**data, "relations": [r for r in data["relations"] if r.get("id") != relation_id]})
    _save(family, data, user=user, keyring=keyring, expected_version=family.version)
    _refresh(before - set(data["members"]), keyring, user.organisation_id)
    audit(AuditAction.PERSON_UPDATE, organisation=user.organisation, actor=user, request=request, obj=family)


@transaction.atomic
def family_remove_person(*, user: User, keyring: Keyring, person: Person) -> list[str]:
    """Take a person out of its family (for deletion): its relations go, and so does anyone left without one.

    Returns the other former members, those still in a family first (they inherit the family items)."""
    require(user, person.organisation_id)
    _lock(user)
    found = family_of(person, keyring)
    if found is None:
        return []
    pid = str(person.pk)
    data = _normalise({**found.data, "relations": [r for r in found.relations if pid not in r["persons"]]})
    _save(found.family, data, user=user, keyring=keyring, expected_version=found.family.version)
    others = [m for m in found.members if m != pid]
    _refresh(set(others) - set(data["members"]), keyring, user.organisation_id)
    return sorted(others, key=lambda m: m not in data["members"])


@transaction.atomic
def family_move(*, user: User, keyring: Keyring, source: Person, target: Person) -> None:
    """After a merge, `target` takes `source`'s place in its family. If both had a family (the same human in two
    files), the two families become one. Self-links and repeated pairs created by the move are dropped."""
    require(user, source.organisation_id)
    _lock(user)
    src, dst = family_of(source, keyring), family_of(target, keyring)
    if src is None:
        return
    old, new = str(source.pk), str(target.pk)

    def moved(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "persons": [new if p == old else p for p in r["persons"]]} for r in relations]

    if dst is not None and dst.family.pk != src.family.pk:
        data = _normalise({**dst.data, "relations": dst.relations + moved(src.relations)})
        _save(dst.family, data, user=user, keyring=keyring, expected_version=dst.family.version)
        _save(src.family, {"relations": []}, user=user, keyring=keyring, expected_version=src.family.version)
    else:
        data = _normalise({**src.data, "relations": moved(src.relations)})
        _save(src.family, data, user=user, keyring=keyring, expected_version=src.family.version)
    _refresh({m for m in src.members if m != old} - set(data["members"]), keyring, user.organisation_id)
