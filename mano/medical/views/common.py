"""What the medical views share: the audit of every opening, and the conflict answer that keeps the typing."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from mano.core.audit import AuditAction, audit
from mano.core.http import AuthenticatedHttpRequest
from mano.medical import selectors
from mano.persons.models import Person


def opened(request: AuthenticatedHttpRequest, person: Person) -> None:
    """Who opened which person's medical data, when. The event names the person only, never a health row: it
    tells no more than a visit of the person page by a health professional."""
    audit(
        AuditAction.MEDICAL_OPEN,
        organisation=request.user.organisation,
        actor=request.user,
        request=request,
        obj=person,
    )


def subject_of(request: AuthenticatedHttpRequest, person_id: UUID) -> dict[str, str | None] | None:
    """The consultation or treatment a comment or a document is about (?sur=…&id=…), checked to be this person's;
    None: the medical file itself."""
    kind, raw = request.GET.get("sur", ""), request.GET.get("id", "")
    if not kind:
        return None
    try:
        subject_id = UUID(raw)
    except ValueError as exc:
        raise Http404 from exc
    user, keyring = request.user, request.keyring
    if kind == "consultation":
        data = selectors.consultation_get(user=user, keyring=keyring, consultation_id=subject_id)[1]
    elif kind == "treatment":
        data = selectors.treatment_get(user=user, keyring=keyring, treatment_id=subject_id)[1]
    else:
        raise Http404
    if data.get("person") != str(person_id):
        raise Http404
    return {"kind": kind, "id": str(subject_id)}
