"""Treatments: name and start date required, dosage, frequency, indication, end date; history of every change."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.medical.access import require_health
from mano.medical.index import medical_index_refresh
from mano.medical.models import Treatment
from mano.medical.services.common import checked_person, clean_text, link_of, soft_delete, subject_delete
from mano.persons import history
from mano.persons.models import Person

NAME_REQUIRED = _("Le nom est obligatoire.")
START_REQUIRED = _("La date de début est obligatoire.")
END_BEFORE_START = _("La date de fin ne peut pas précéder la date de début.")
TEXT_MAX = 1000


@dataclass
class TreatmentInput:
    name: str
    start: date | None
    end: date | None = None
    dosage: str = ""
    frequency: str = ""
    indication: str = ""

    def payload(self) -> dict[str, Any]:
        errors = {}
        if not self.name.strip():
            errors["name"] = NAME_REQUIRED
        if self.start is None:
            errors["start"] = START_REQUIRED
        elif self.end is not None and self.end < self.start:
            errors["end"] = END_BEFORE_START
        if errors:
            raise ValidationError(errors)
        values = {k: clean_text(v, TEXT_MAX) for k, v in asdict(self).items() if k not in ("start", "end")}
        return {
            **values,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


FIELDS = ["name", "dosage", "frequency", "indication", "start", "end"]


@transaction.atomic
def treatment_create(*, user: User, keyring: Keyring, person: Person | None, values: TreatmentInput) -> Treatment:
    person = checked_person(user, keyring, person)
    data = {"person": str(person.pk), **values.payload(), "history": []}
    treatment = record_create(
        Treatment,
        keyring=keyring,
        organisation=person.organisation,
        user=user,
        data=data,
        person_link=link_of(keyring, person),
    )
    medical_index_refresh(treatment.organisation_id, keyring, [treatment.person_link])
    return treatment


@transaction.atomic
def treatment_update(
    *, user: User, keyring: Keyring, treatment: Treatment, values: TreatmentInput, expected_version: int
) -> Treatment:
    require_health(user, keyring, treatment.organisation_id)
    data = record_data(treatment, keyring)
    new = values.payload()
    changes = history.diff(data, new, FIELDS)
    data.update(new)
    if changes:
        history.append(data, history.entry(user, changes=changes))
    saved = record_update(treatment, keyring=keyring, user=user, data=data, expected_version=expected_version)
    medical_index_refresh(saved.organisation_id, keyring, [saved.person_link])
    return saved


@transaction.atomic
def treatment_delete(*, user: User, keyring: Keyring, treatment: Treatment, expected_version: int) -> None:
    require_health(user, keyring, treatment.organisation_id)
    soft_delete(treatment, user=user, expected_version=expected_version)
    subject_delete(treatment, keyring, user)
    medical_index_refresh(treatment.organisation_id, keyring, [treatment.person_link])
    audit(AuditAction.RECORD_DELETE, organisation=user.organisation, actor=user, obj=treatment)
