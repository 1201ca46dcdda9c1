"""What a person's deletion, merge or new name, and a comment written on an action, do to the actions (registered
with the persons' services in mano.agenda.apps).

- Merge: the actions of the merged file go to the kept one, like its comments and passages.
- Deletion: the family actions go to another member of the family (with their comments), as in the original
  app; the person's other actions are soft-deleted, so they leave the agenda with the person.
- New name, comment written: the action's words hold the person's name and its comments (mano.agenda.words), so
  the actions concerned take a new `words_version`, not a `version` (nothing of the action itself changed: an open
  edit form stays valid).

Only plaintext columns change (person, deleted_at): the encrypted payloads are bound to their row and
organisation, not to a person, so nothing is re-encrypted. Each moved or deleted action takes a new version and
write time like any change (an open edit form sees the conflict, and the agenda's words see a changed day).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from mano.accounts.models import User
from mano.agenda.models import Action
from mano.agenda.services import actions_removed
from mano.core.crypto import Keyring
from mano.core.records import records_data
from mano.persons.models import Comment, Person


def _changed(user: User) -> dict[str, Any]:
    return {"updated_at": timezone.now(), "updated_by": user, "version": F("version") + 1}


def actions_merge(*, kept: Person, other: Person, user: User, keyring: Keyring) -> None:
    Action.objects.filter(organisation_id=other.organisation_id, person=other).update(person=kept, **_changed(user))


def family_actions_hand_down(*, person: Person, heir: Person, user: User, keyring: Keyring) -> None:
    rows = Action.objects.filter(organisation_id=person.organisation_id, person=person, deleted_at=None)
    moved = [action.pk for action, data in records_data(rows, keyring) if data.get("family")]
    if not moved:
        return
    Action.objects.filter(pk__in=moved).update(person=heir, **_changed(user))
    live = Comment.objects.filter(organisation_id=person.organisation_id, person=person, deleted_at=None)
    live.filter(action_id__in=moved).update(person=heir)


def actions_delete(*, person: Person, user: User, keyring: Keyring) -> None:
    live = Action.objects.filter(organisation_id=person.organisation_id, person=person, deleted_at=None)
    ids = list(live.values_list("pk", flat=True))
    changed = _changed(user)
    Action.objects.filter(pk__in=ids).update(deleted_at=changed["updated_at"], **changed)
    actions_removed(person.organisation_id, keyring, ids)


def _words_changed() -> dict[str, Any]:
    return {"updated_at": timezone.now(), "words_version": F("words_version") + 1}


def person_renamed(person: Person) -> None:
    live = Action.objects.filter(organisation_id=person.organisation_id, person=person, deleted_at=None)
    live.update(**_words_changed())


def comment_written(comment: Comment) -> None:
    if comment.action_id is not None:
        Action.objects.filter(organisation_id=comment.organisation_id, pk=comment.action_id).update(**_words_changed())
