"""Consultations: typed by the organisation's consultation types, planned, done or cancelled, optionally visible
to their author only. Version-checked like every record; every change leaves a history line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.agenda.recurrence import Rule, occurrences
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.medical import words
from mano.medical.access import require_health
from mano.medical.index import medical_index_refresh
from mano.medical.models import Consultation, Status
from mano.medical.services.common import (
    checked_person,
    checked_teams,
    clean_text,
    link_of,
    soft_delete,
    subject_delete,
    subject_items,
)
from mano.persons import history
from mano.persons.models import Person

TYPE_REQUIRED = _("Veuillez choisir un type de consultation.")
TYPE_ARCHIVED = _("Ce type de consultation est archivé : choisissez-en un autre.")
DUE_REQUIRED = _("La date prévue est obligatoire.")
STATUS_UNKNOWN = _("Statut inconnu.")
ONLY_AUTHOR = _("Seul·e l’auteur·rice d’une consultation peut la rendre visible seulement par elle ou lui.")
NAME_MAX = 200
HISTORY_KEYS = ["type", "name", "status", "due_at", "completed_at", "teams", "only_me"]


@dataclass
class ConsultationInput:
    type: str
    due_at: datetime | None
    status: str = Status.TODO
    name: str = ""
    completed_at: datetime | None = None
    teams: Iterable[Team] = ()
    only_me: bool = False
    custom: dict[str, Any] = field(default_factory=dict)


def active_types(organisation: Any) -> list[str]:
    return [t["name"] for t in organisation.consultation_types if not t.get("archived")]


def _check(user: User, values: ConsultationInput, *, current_type: str | None = None) -> list[Team]:
    errors: dict[str, Any] = {}
    names = [t["name"] for t in user.organisation.consultation_types]  # type: ignore[union-attr]
    if not values.type or values.type not in names:
        errors["type"] = TYPE_REQUIRED
    elif values.type != current_type and values.type not in active_types(user.organisation):
        errors["type"] = TYPE_ARCHIVED
    if values.due_at is None:
        errors["due_at"] = DUE_REQUIRED
    if values.status not in Status.values:
        errors["status"] = STATUS_UNKNOWN
    teams: list[Team] = []
    try:
        teams = checked_teams(user, values.teams)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return teams


def _completed(values: ConsultationInput, previous: datetime | None = None) -> datetime | None:
    """Done: the given date, else the one it had, else now. To do: none. Cancelled keeps a date like an action."""
    if values.status == Status.TODO:
        return None
    return values.completed_at or previous or timezone.now()


@transaction.atomic
def consultation_create(
    *, user: User, keyring: Keyring, person: Person | None, values: ConsultationInput, refresh: bool = True
) -> Consultation:
    """`refresh`: rebuild the person's search line now (a batch does it once at its end)."""
    person = checked_person(user, keyring, person)
    teams = _check(user, values)
    data = {
        "person": str(person.pk),
        "type": values.type,
        "name": clean_text(values.name, NAME_MAX),
        "custom": values.custom,
        "history": [],
    }
    consultation = record_create(
        Consultation,
        keyring=keyring,
        organisation=person.organisation,
        user=user,
        data=data,
        person_link=link_of(keyring, person),
        status=values.status,
        due_at=values.due_at,
        completed_at=_completed(values),
        only_visible_by=user if values.only_me else None,
    )
    consultation.teams.set(teams)
    if refresh:
        medical_index_refresh(consultation.organisation_id, keyring, [consultation.person_link])
    return consultation


@transaction.atomic
def consultations_create(
    *, user: User, keyring: Keyring, person: Person | None, values: ConsultationInput, rule: Rule | None = None
) -> list[Consultation]:
    """One consultation, or one per occurrence of `rule` from the planned date (all "à faire" but the first,
    which keeps the chosen status). Each is then a consultation of its own: no series to edit together."""
    if rule is None or values.due_at is None:
        return [consultation_create(user=user, keyring=keyring, person=person, values=values)]
    moments = occurrences(rule, values.due_at)  # like actions: the rule's days, from the planned date on
    created = [
        consultation_create(
            user=user,
            keyring=keyring,
            person=person,
            values=values if index == 0 else replace(values, due_at=moment, status=Status.TODO, completed_at=None),
            refresh=False,
        )
        for index, moment in enumerate(moments)
    ]
    if created and created[0].due_at != moments[0]:
        created[0] = _moved(created[0], moments[0])
    medical_index_refresh(created[0].organisation_id, keyring, [created[0].person_link])
    return created


def _moved(consultation: Consultation, moment: Any) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(due_at=moment)
    consultation.refresh_from_db()
    return consultation


def _moment(value: Any) -> str | None:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else None


def _snapshot(
    data: dict[str, Any], *, status: str, due_at: Any, completed_at: Any, teams: list[Team], only_me: bool
) -> dict[str, Any]:
    """What the history compares, as people read it: labels of status, local dates, team names."""
    return {
        "type": data.get("type"),
        "name": data.get("name"),
        "status": str(Status(status).label),
        "due_at": _moment(due_at),
        "completed_at": _moment(completed_at),
        "teams": ", ".join(sorted(t.name for t in teams)) or None,
        "only_me": str(_("Oui")) if only_me else None,
        **{f"custom.{k}": v for k, v in (data.get("custom") or {}).items()},
    }


def editable(consultation: Consultation, user: User, keyring: Keyring) -> None:
    """Health professionals of the organisation; a private consultation by its author only."""
    require_health(user, keyring, consultation.organisation_id)
    if consultation.only_visible_by_id not in (None, user.pk):
        raise PermissionDenied


@transaction.atomic
def consultation_update(
    *, user: User, keyring: Keyring, consultation: Consultation, values: ConsultationInput, expected_version: int
) -> Consultation:
    editable(consultation, user, keyring)
    data = record_data(consultation, keyring)
    teams = _check(user, values, current_type=data.get("type"))
    if values.only_me and consultation.only_visible_by_id is None and consultation.created_by_id != user.pk:
        raise ValidationError({"only_me": ONLY_AUTHOR})
    before = _snapshot(
        data,
        status=consultation.status,
        due_at=consultation.due_at,
        completed_at=consultation.completed_at,
        teams=list(consultation.teams.all()),
        only_me=consultation.only_visible_by_id is not None,
    )
    data.update(type=values.type, name=clean_text(values.name, NAME_MAX))
    data["custom"] = {**(data.get("custom") or {}), **values.custom}
    completed = _completed(values, consultation.completed_at)
    after = _snapshot(
        data,
        status=values.status,
        due_at=values.due_at,
        completed_at=completed,
        teams=teams,
        only_me=bool(values.only_me),
    )
    changes = history.diff(before, after, sorted(set(before) | set(after)))
    if changes:
        history.append(data, history.entry(user, changes=changes))
    saved = record_update(
        consultation,
        keyring=keyring,
        user=user,
        data=data,
        expected_version=expected_version,
        status=values.status,
        due_at=values.due_at,
        completed_at=completed,
        only_visible_by=user if values.only_me else None,
    )
    saved.teams.set(teams)
    for item in subject_items(saved, keyring):  # what is written on it follows its privacy
        type(item).objects.filter(pk=item.pk).update(only_visible_by=saved.only_visible_by_id)
    medical_index_refresh(saved.organisation_id, keyring, [saved.person_link])
    return saved


@transaction.atomic
def consultation_delete(*, user: User, keyring: Keyring, consultation: Consultation, expected_version: int) -> None:
    """The consultation and its comments and documents leave every list at once."""
    editable(consultation, user, keyring)
    soft_delete(consultation, user=user, expected_version=expected_version)
    words.WORDS.drop(user.member_organisation_id, keyring, Consultation.objects.filter(pk=consultation.pk))
    subject_delete(consultation, keyring, user)
    medical_index_refresh(consultation.organisation_id, keyring, [consultation.person_link])
    audit(AuditAction.RECORD_DELETE, organisation=user.organisation, actor=user, obj=consultation)


def duplicate_values(consultation: Consultation, keyring: Keyring) -> dict[str, Any]:
    """What the creation form starts with when duplicating: everything but the status and dates."""
    data = record_data(consultation, keyring)
    return {
        "type": data.get("type", ""),
        "name": data.get("name", ""),
        "teams": list(consultation.teams.all()),
        "only_me": consultation.only_visible_by_id is not None,
        **{f"c_{k}": v for k, v in (data.get("custom") or {}).items()},
    }
