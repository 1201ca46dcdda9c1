"""What every medical write shares: the health check, the person's link, team checks, soft deletion."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core.crypto import Keyring
from mano.core.records import ConflictError, record_data
from mano.medical.access import person_link, require_health
from mano.medical.models import HealthRecord
from mano.persons.models import Person

TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")
PERSON_REQUIRED = _("Choisissez la personne suivie.")


def checked_person(user: User, keyring: Keyring, person: Person | None) -> Person:
    require_health(user, keyring)
    if person is None:
        raise ValidationError({"person": PERSON_REQUIRED})
    require_health(user, keyring, person.organisation_id)
    if person.deleted_at is not None:
        raise ValidationError({"person": PERSON_REQUIRED})
    return person


def link_of(keyring: Keyring, person: Person) -> str:
    return person_link(keyring, person.pk)


def checked_teams(user: User, teams: Iterable[Team]) -> list[Team]:
    teams = list(teams)
    if any(t.organisation_id != user.organisation_id for t in teams):
        raise ValidationError({"teams": TEAM_OUTSIDE})
    return teams


def soft_delete(record: HealthRecord, *, user: User, expected_version: int | None = None) -> None:
    """Mark deleted (the payload stays sealed until the person goes); a stale version is a conflict."""
    rows = type(record)._default_manager.filter(pk=record.pk, deleted_at=None)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(deleted_at=timezone.now(), updated_by=user) != 1:
        raise ConflictError(None)


def clean_text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def subject_owner(user: User, keyring: Keyring, person: Person, subject: dict[str, Any] | None) -> Any:
    """Who alone may see what is written about `subject`: the author of a private consultation, else nobody."""
    from mano.medical.models import Consultation

    if not subject or subject.get("kind") != "consultation":
        return None
    consultation = Consultation.objects.filter(
        pk=str(subject.get("id")), organisation_id=person.organisation_id, person_link=link_of(keyring, person)
    ).first()
    return consultation.only_visible_by_id if consultation else None


def subject_items(record: HealthRecord, keyring: Keyring) -> list[Any]:
    """The live comments and documents written about one consultation or treatment."""
    from mano.medical.models import MedicalComment, MedicalDocument

    found: list[Any] = []
    for model in (MedicalComment, MedicalDocument):
        rows = model.objects.filter(
            organisation_id=record.organisation_id, person_link=record.person_link, deleted_at=None
        )
        found += [r for r in rows if (record_data(r, keyring).get("subject") or {}).get("id") == str(record.pk)]
    return found


def subject_delete(record: HealthRecord, keyring: Keyring, user: User) -> None:
    """A deleted consultation or treatment takes its comments and documents (and their files) with it."""
    from mano.medical.models import MedicalDocument
    from mano.persons.selectors.documents import file_path

    now = timezone.now()
    for item in subject_items(record, keyring):
        type(item).objects.filter(pk=item.pk).update(deleted_at=now, updated_by=user)
        if isinstance(item, MedicalDocument):
            transaction.on_commit(partial(file_path(item.organisation_id, item.storage_name).unlink, missing_ok=True))
