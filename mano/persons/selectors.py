"""Reads on persons: scoped by organisation and role, decrypting only the rows a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.http import Http404

from mano.accounts.models import Team, User
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.persons.models import Person

PAGE_SIZE = 50
READ_ROLES = ("admin", "normal", "restricted")


@dataclass(frozen=True)
class PersonView:
    person: Person
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")


def _base(user: User):  # type: ignore[no-untyped-def]
    if user.role not in READ_ROLES:
        raise Http404
    return Person.objects.filter(organisation_id=user.organisation_id, deleted_at=None)


def person_page(*, user: User, keyring: Keyring, team: Team | None, page: str | int | None) -> Page[PersonView]:
    """One page of the team's persons (or the organisation's when `team` is None), newest first."""
    rows = _base(user).order_by("-created_at", "id").prefetch_related("teams")
    if team is not None:
        rows = rows.filter(teams=team)
    paginated = Paginator(rows, PAGE_SIZE).get_page(page)
    paginated.object_list = [PersonView(p, record_data(p, keyring)) for p in paginated.object_list]
    return paginated


def person_get(*, user: User, keyring: Keyring, person_id: UUID) -> PersonView:
    """A person of the user's organisation, or 404 (other organisations never leak existence)."""
    person = _base(user).prefetch_related("teams").filter(pk=person_id).first()
    if person is None:
        raise Http404
    return PersonView(person, record_data(person, keyring))
