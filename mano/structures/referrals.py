"""Referrals ("orienter vers"): an action for each person, linked to the structure, and a count per structure.

The link from the action to the structure lives only in the action's encrypted payload ("structure"). The
`Referral` row that counts it names neither the person nor the action in clear (see models.Referral).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.agenda import categories as action_categories
from mano.agenda import services as agenda
from mano.agenda.models import Action, Status
from mano.agenda.selectors import ActionRow, actions_of
from mano.core.audit import AuditAction, audit
from mano.core.crypto import KeyKind, Keyring, keyed_link
from mano.core.http import AuthenticatedHttpRequest
from mano.core.records import records_data
from mano.persons.models import Person
from mano.persons.selectors.persons import PersonView
from mano.structures.models import Referral, Structure

PURPOSE = "referral-action"
PAYLOAD_KEY = "structure"
ARCHIVED = _("Cette structure est archivée : on ne peut plus y orienter personne.")
REFERRAL_ROLES = ("admin", "normal", "restricted")
# The category the referral actions carry; the organisation's own spelling is used when it has one.
CATEGORY = "Orientation"


def link(keyring: Keyring, action_id: Any) -> str:
    return keyed_link(keyring, KeyKind.GENERAL, purpose=PURPOSE, value=action_id)


def _category(user: User) -> str:
    organisation = user.organisation
    assert organisation is not None
    return action_categories.find(action_categories.categories_of(organisation), CATEGORY) or CATEGORY


@transaction.atomic
def referral_create(
    *,
    user: User,
    keyring: Keyring,
    structure: Structure,
    persons: Iterable[Person],
    team: Team,
    comment: str = "",
    request: HttpRequest | None = None,
) -> list[Any]:
    """One done action "Orientation vers <structure>" per person, carrying the structure's id in its payload,
    and one counted Referral each. Archived structures and other organisations' rows are refused."""
    if user.role not in REFERRAL_ROLES or structure.organisation_id != user.organisation_id:
        raise PermissionDenied
    if structure.archived_at is not None:
        raise ValidationError({"structure": ARCHIVED})
    now = timezone.now()
    actions = agenda.actions_create(
        user=user,
        keyring=keyring,
        persons=persons,
        name=gettext("Orientation vers %(name)s") % {"name": structure.name},
        teams=[team],
        due_at=now,
        with_time=True,
        categories=[_category(user)],
        comment=comment,
        links={PAYLOAD_KEY: str(structure.pk)},
        request=request,
    )
    for action in actions:
        agenda.action_set_status(
            user=user, keyring=keyring, action=action, status=Status.DONE, expected_version=action.version
        )
    Referral.objects.bulk_create(
        Referral(
            organisation_id=structure.organisation_id, structure=structure, team=team, action_link=link(keyring, a.pk)
        )
        for a in actions
    )
    audit(
        AuditAction.REFERRAL_CREATE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=structure,
        count=len(actions),
    )
    return actions


def referrals_forget(keyring: Keyring, action_ids: list[Any]) -> None:
    """Deleted actions stop counting as referrals (registered in agenda.services.REMOVED_HANDLERS)."""
    if action_ids and keyring.has(KeyKind.GENERAL):
        Referral.objects.filter(action_link__in=[link(keyring, pk) for pk in action_ids]).delete()


def referral_count(*, user: User, structure: Structure) -> int | None:
    """How many referrals a structure received; None for members who may not see persons."""
    if user.role not in REFERRAL_ROLES or structure.organisation_id != user.organisation_id:
        return None
    return Referral.objects.filter(organisation_id=structure.organisation_id, structure=structure).count()


@dataclass(frozen=True)
class ReferralRow:
    action: Action
    name: str  # the action's, shown when its structure was deleted
    structure: Structure | None


def person_referrals(*, user: User, keyring: Keyring, person: Person) -> list[ReferralRow]:
    """The person's referral actions, newest first, each with its structure (None if it was deleted). The
    section shows no team nor person name: the actions are only opened, not made into agenda rows."""
    actions = actions_of(user).filter(person=person).order_by("-due_at")
    opened = [(action, data) for action, data in records_data(actions, keyring) if data.get(PAYLOAD_KEY)]
    ids = {data[PAYLOAD_KEY] for _, data in opened}
    known = {str(s.pk): s for s in Structure.objects.filter(organisation_id=person.organisation_id, pk__in=ids)}
    return [ReferralRow(a, str(data.get("name") or ""), known.get(data[PAYLOAD_KEY])) for a, data in opened]


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """The "Orientations" section of the person page."""
    user, keyring = request.user, request.keyring  # type: ignore[attr-defined]
    return {"person": view.person, "rows": person_referrals(user=user, keyring=keyring, person=view.person)}  # type: ignore[arg-type]


def action_card(request: AuthenticatedHttpRequest, row: ActionRow) -> str:
    """The structure's card on the page of an action made by a referral."""
    structure_id = row.data.get(PAYLOAD_KEY)
    if not structure_id:
        return ""
    structure = Structure.objects.filter(organisation_id=row.action.organisation_id, pk=structure_id).first()
    if structure is None:
        return ""
    from mano.structures.selectors import card_of  # the selectors render hours; imported late to keep this light

    return render_to_string(
        "structures/_action_card.html", {"card": card_of(structure, now=timezone.now())}, request=request
    )
