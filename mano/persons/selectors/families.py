"""Reads on family links.

Who belongs to which family is encrypted (it is personal data), so finding a person's family opens the
organisation's families: a few hundred small rows at most, about a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.records import records_data
from mano.persons.index import CARD_SOURCES, card_names, open_part
from mano.persons.models import Family, Person, PersonIndex
from mano.persons.selectors.persons import PersonView


@dataclass(frozen=True)
class FamilyView:
    family: Family
    data: dict[str, Any]

    @property
    def members(self) -> list[str]:
        return [str(m) for m in self.data.get("members", [])]

    @property
    def relations(self) -> list[dict[str, Any]]:
        return list(self.data.get("relations", []))


def families_of(organisation_id: Any, keyring: Keyring) -> list[FamilyView]:
    """Every live family of the organisation, decrypted."""
    rows = Family.objects.filter(organisation_id=organisation_id, deleted_at=None).order_by("created_at", "id")
    return [FamilyView(f, d) for f, d in records_data(rows, keyring)]


def family_of(person: Person, keyring: Keyring) -> FamilyView | None:
    """The family the person belongs to (a person belongs to at most one), or None."""
    wanted = str(person.pk)
    for found in families_of(person.organisation_id, keyring):
        if wanted in found.members:
            return found
    return None


def family_member_ids(person: Person, keyring: Keyring) -> list[UUID]:
    """Every member of the person's family, the person included; [] when the person has no family."""
    found = family_of(person, keyring)
    return [UUID(m) for m in found.members] if found else []


def person_has_family(person: Person, keyring: Keyring) -> bool:
    """Whether the person's card says it belongs to a family (`_card_fact` below writes `family` there, and every
    change of a family refreshes its members' cards)."""
    index = PersonIndex.objects.filter(person=person).first()
    return bool(index and open_part(index, "card", keyring).get("family"))


def page_family(request: HttpRequest, person: Person) -> FamilyView | None:
    """The person's family for the sections of its page (comments, documents, actions, families), worked out once
    a request: the person's card says whether it has one (most persons have none, and then no family is opened),
    else the organisation's families are opened once instead of once a section. Kept on the request only. None
    when the organisation has turned families off."""
    if not request.user.organisation.families_enabled:  # type: ignore[union-attr]
        return None  # families off: no section shows a family's items
    memo: dict[Any, FamilyView | None] = request.__dict__.setdefault("_mano_page_family", {})
    if person.pk not in memo:
        keyring: Keyring = request.keyring  # type: ignore[attr-defined]
        memo[person.pk] = family_of(person, keyring) if person_has_family(person, keyring) else None
    return memo[person.pk]


def page_family_others(request: HttpRequest, person: Person) -> list[UUID]:
    """The other members of the person's family (see `page_family`); [] without a family."""
    found = page_family(request, person)
    return [UUID(m) for m in found.members if m != str(person.pk)] if found else []


def relation_get(*, person: Person, keyring: Keyring, relation_id: UUID) -> tuple[FamilyView, dict[str, Any]]:
    """A relation of the person's family, or 404 (ids from another family or organisation never match)."""
    found = family_of(person, keyring)
    for relation in found.relations if found else []:
        if relation.get("id") == str(relation_id):
            return found, relation  # type: ignore[return-value]
    raise Http404


def member_names(organisation_id: Any, keyring: Keyring, ids: list[str]) -> dict[str, str]:
    """Names of live persons among `ids`, read from their small cards."""
    names = card_names(organisation_id, ids, keyring, live_only=True)
    return {str(pid): name for pid, name in names.items()}


def _user_names(organisation_id: Any, ids: set[str]) -> dict[str, str]:
    users = User.objects.filter(organisation_id=organisation_id, pk__in=ids)
    return {str(u.pk): str(u) for u in users}


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """Context for templates/persons/sections/families.html: the relations of the person's family."""
    user: User = request.user  # type: ignore[assignment]
    if not user.organisation.families_enabled:  # type: ignore[union-attr]
        return {"enabled": False}
    keyring: Keyring = request.keyring  # type: ignore[attr-defined]
    found = page_family(request, view.person)
    if found is None:
        return {"enabled": True, "relations": [], "person": view.person}
    names = member_names(user.organisation_id, keyring, found.members)
    users = _user_names(user.organisation_id, {str(r.get("user")) for r in found.relations})
    relations = [
        {
            "id": r["id"],
            "a": names.get(r["persons"][0], "?"),
            "b": names.get(r["persons"][1], "?"),
            "a_id": r["persons"][0],
            "b_id": r["persons"][1],
            "description": r.get("description", ""),
            "user": users.get(str(r.get("user")), ""),
            "at": r.get("at"),
        }
        for r in found.relations
    ]
    return {"enabled": True, "relations": relations, "person": view.person}


def _card_fact(person: Person, keyring: Keyring) -> dict[str, Any]:
    return {"family": bool(family_member_ids(person, keyring))}


# The persons list shows 👪 from the card; mano/persons/sections.py imports this module at start-up.
if _card_fact not in CARD_SOURCES:
    CARD_SOURCES.append(_card_fact)
