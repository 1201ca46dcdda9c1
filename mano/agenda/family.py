"""Family actions ("Action familiale"): an action flagged `family` in its payload shows on every member's page.

The flag is encrypted, so finding the family actions of a person opens the actions of the other members of
its family (to do, plus the latest closed ones): a family is a handful of persons, a few dozen rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest

from mano.accounts.models import User
from mano.agenda.models import Action, Status
from mano.agenda.selectors import ActionRow, action_rows, actions_of
from mano.agenda.services import action_update
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_data, record_update, records_data
from mano.persons import history
from mano.persons.models import Person
from mano.persons.selectors.comments import person_has_family
from mano.persons.selectors.families import family_member_ids

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


def family_actions(*, user: User, keyring: Keyring, person: Person) -> list[ActionRow]:
    """Family actions of the other members of the person's family: to do first by due date, then the latest
    done or cancelled ones. Empty when families are off or the person has no family."""
    # The person's small card says whether it has a family: most persons have none, and then no family is opened.
    if not user.organisation.families_enabled or not person_has_family(person, keyring):  # type: ignore[union-attr]
        return []
    others = [pid for pid in family_member_ids(person, keyring) if pid != person.pk]
    if not others:
        return []
    rows = actions_of(user).filter(person_id__in=others)
    todo = list(rows.filter(status=Status.TODO).order_by("due_at", "id")[:TODO_LIMIT])
    closed = list(rows.exclude(status=Status.TODO).order_by("-completed_at", "id")[: CLOSED_LIMIT * len(others)])
    # Teams and names are fetched for the family actions only (the ORM's prefetch costs more than decrypting).
    kept = [action for action, data in records_data(todo + closed, keyring) if data.get("family")]
    prefetch_related_objects(kept, "teams")
    return action_rows(kept, keyring)


@transaction.atomic
def action_family_set(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    family: bool,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Action:
    """Flag or unflag a family action, version-checked (ConflictError otherwise), with a history line.
    Nothing is written when the flag does not change."""
    if user.role not in ("admin", "normal", "restricted") or action.organisation_id != user.organisation_id:
        raise PermissionDenied
    data = record_data(action, keyring)
    if bool(data.get("family")) == family:
        return action
    history.append(data, history.entry(user, changes={"family": [bool(data.get("family")), family]}))
    data["family"] = family
    saved = record_update(action, keyring=keyring, user=user, data=data, expected_version=expected_version)
    audit(AuditAction.ACTION_UPDATE, organisation=user.organisation, actor=user, request=request, obj=saved)
    return saved


@transaction.atomic
def action_update_with_family(*, family: bool | None, **update: Any) -> Action:
    """services.action_update, then the family flag (None: the form did not offer it) in the same transaction,
    so a conflict on either writes nothing."""
    saved = action_update(**update)
    if family is None:
        return saved
    return action_family_set(
        user=update["user"],
        keyring=update["keyring"],
        action=saved,
        family=family,
        expected_version=saved.version,
        request=update.get("request"),
    )
