"""Medical comments: on the medical file, a consultation or a treatment; urgent ones reach the health
professionals' Priorités."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.medical.access import require_health
from mano.medical.index import medical_index_refresh
from mano.medical.models import MedicalComment
from mano.medical.services.common import checked_person, link_of, soft_delete, subject_owner
from mano.persons.models import Person

TEXT_REQUIRED = _("Le commentaire est obligatoire.")
TEXT_TOO_LONG = _("Ce commentaire est trop long (20 000 caractères au plus).")
MAX_TEXT = 20_000
SUBJECT_KINDS = ("file", "consultation", "treatment")


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": TEXT_REQUIRED})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": TEXT_TOO_LONG})
    return text


@transaction.atomic
def medical_comment_create(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    text: str,
    urgent: bool = False,
    team: Team | None = None,
    subject: dict[str, Any] | None = None,
) -> MedicalComment:
    """`subject`: {"kind": "consultation" | "treatment", "id"}; the medical file itself when None."""
    person = checked_person(user, keyring, person)
    if team is not None and team.organisation_id != user.organisation_id:
        raise PermissionDenied
    subject = subject or {"kind": "file", "id": None}
    if subject.get("kind") not in SUBJECT_KINDS:
        raise PermissionDenied
    data = {
        "person": str(person.pk),
        "text": _text(text),
        "date": timezone.now().isoformat(),
        "subject": subject,
        "edited": [],
    }
    comment = record_create(
        MedicalComment,
        keyring=keyring,
        organisation=person.organisation,
        user=user,
        data=data,
        person_link=link_of(keyring, person),
        team=team,
        urgent=bool(urgent),
        only_visible_by_id=subject_owner(user, keyring, person, subject),
    )
    medical_index_refresh(comment.organisation_id, keyring, [comment.person_link])
    return comment


@transaction.atomic
def medical_comment_update(
    *, user: User, keyring: Keyring, comment: MedicalComment, text: str, urgent: bool, expected_version: int
) -> MedicalComment:
    require_health(user, keyring, comment.organisation_id)
    data = record_data(comment, keyring)
    data["text"] = _text(text)
    data.setdefault("edited", []).append({"by": str(user.pk), "at": timezone.now().isoformat()})
    saved = record_update(
        comment, keyring=keyring, user=user, data=data, expected_version=expected_version, urgent=bool(urgent)
    )
    medical_index_refresh(saved.organisation_id, keyring, [saved.person_link])
    return saved


@transaction.atomic
def medical_comment_delete(*, user: User, keyring: Keyring, comment: MedicalComment, expected_version: int) -> None:
    require_health(user, keyring, comment.organisation_id)
    soft_delete(comment, user=user, expected_version=expected_version)
    medical_index_refresh(comment.organisation_id, keyring, [comment.person_link])
    audit(AuditAction.RECORD_DELETE, organisation=user.organisation, actor=user, obj=comment)
