"""Family actions ("Action familiale"): an action flagged `family` in its payload shows on every member's page.

The flag is encrypted, so finding the family actions of a person opens the actions of the other members of
its family (to do, plus the latest closed ones): a family is a handful of persons, a few dozen rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from mano.accounts.models import User
from mano.agenda.models import Status
from mano.agenda.selectors import ActionRow, action_rows, actions_of
from mano.core.crypto import Keyring
from mano.core.records import records_data
from mano.persons.models import Person
from mano.persons.selectors.families import person_has_family

TODO_LIMIT = 200
CLOSED_LIMIT = 20


def is_family(row: ActionRow) -> bool:
    return bool(row.data.get("family"))


def family_choice_applies(*, user: User, keyring: Keyring, persons: Iterable[Person]) -> bool:
    """The "Action familiale" box is offered when families are on and one of the persons has a family."""
    if not user.organisation.families_enabled:  # type: ignore[union-attr]
        return False
    return any(person_has_family(p, keyring) for p in persons)


def family_field_keep(form: Any, *, user: User, keyring: Keyring, persons: Iterable[Person], current: bool) -> None:
    """Drop the form's `family` field when it does not apply (kept while the action is still flagged)."""
    if "family" in form.fields and not (current or family_choice_applies(user=user, keyring=keyring, persons=persons)):
        del form.fields["family"]


def family_actions(*, user: User, keyring: Keyring, others: list[UUID]) -> list[ActionRow]:
    """Family actions of the other members of the person's family (`others`, from the persons' `page_family_others`,
    none when families are off): to do first by due date, then the latest done or cancelled ones."""
    if not others:
        return []
    rows = actions_of(user).filter(person_id__in=others)
    todo = list(rows.filter(status=Status.TODO).order_by("due_at", "id")[:TODO_LIMIT])
    closed = list(rows.exclude(status=Status.TODO).order_by("-completed_at", "id")[: CLOSED_LIMIT * len(others)])
    # Teams and names are fetched for the family actions only (the ORM's prefetch costs more than decrypting).
    kept = [action for action, data in records_data(todo + closed, keyring) if data.get("family")]
    return action_rows(kept, keyring)
