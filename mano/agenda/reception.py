"""Writes at the reception desk: service counters, a person created by name, passages of the day.

Counters carry no version: each click is an atomic increment in the database, so two receptionists clicking
at the same moment are both counted, and a count never goes below zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team, User
from mano.accounts.selectors import teams_for
from mano.agenda.models import ServiceCount
from mano.agenda.reception_selectors import offers, reception_day
from mano.core.crypto import Keyring
from mano.core.dates import DATE_OUT_OF_RANGE, in_range
from mano.persons.models import Passage, Person
from mano.persons.selectors.persons import likely_duplicates
from mano.persons.services import passages
from mano.persons.services.persons import NAME_REQUIRED, person_create

WRITE_ROLES = ("admin", "normal", "restricted")
RECEPTION_OFF = _("L’accueil de jour n’est pas activé pour votre organisation.")
SERVICE_UNKNOWN = _("Ce service n’est pas (ou plus) proposé par cette équipe : rechargez la page.")
FUTURE_DAY = _("On ne peut pas compter un service pour un jour qui n’est pas encore arrivé.")
COUNT_RANGE = _("Le nombre doit être compris entre 0 et 100 000.")
PERSON_EXISTS = _("Une personne porte déjà ce nom : sélectionnez-la dans la liste plutôt que d’en créer une autre.")
TEAM_REQUIRED = _("Choisissez d’abord une équipe.")
MAX_COUNT = 100_000


def _check(user: User, team: Team | None = None) -> Organisation:
    """The user's organisation as saved now (its services may have just changed), if the user may work here."""
    if user.role not in WRITE_ROLES or user.organisation_id is None:
        raise PermissionDenied
    organisation = Organisation.objects.get(pk=user.organisation_id)
    if team is not None and (
        team.organisation_id != organisation.pk or not teams_for(user).filter(pk=team.pk).exists()
    ):
        raise PermissionDenied
    if not organisation.reception_enabled:
        raise ValidationError(RECEPTION_OFF)
    return organisation


def service_count_change(
    *, user: User, team: Team, day: date, service: str, delta: int | None = None, count: int | None = None
) -> int:
    """Add `delta` to the team's count of `service` on `day` (never below 0), or set it to `count`.

    Race-safe without a version: the row is created once (the unique constraint settles a tie) and changed
    by one UPDATE computed in the database. Returns the count now stored."""
    organisation = _check(user, team)
    if day > reception_day(team):
        raise ValidationError({"date": FUTURE_DAY})
    if not in_range(day):  # (a day after today was refused above)
        raise ValidationError({"date": DATE_OUT_OF_RANGE})
    if count is not None and not 0 <= count <= MAX_COUNT:
        raise ValidationError({"count": COUNT_RANGE})
    if count is None and (delta is None or abs(delta) > MAX_COUNT):
        raise ValidationError({"count": COUNT_RANGE})
    with transaction.atomic():
        # Read the services under the organisation lock a rename holds: a click never writes a renamed name.
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not offers(organisation, team, service):
            raise ValidationError({"service": SERVICE_UNKNOWN})
        row, _created = ServiceCount.objects.get_or_create(
            team=team, date=day, service=service, defaults={"organisation": organisation}
        )
        rows = ServiceCount.objects.filter(pk=row.pk)
        if count is not None:
            rows.update(count=count)
        else:
            rows.update(count=Greatest(F("count") + Value(delta), Value(0)))
        return rows.values_list("count", flat=True).get()


@transaction.atomic
def reception_person_create(
    *, user: User, keyring: Keyring, team: Team | None, name: str, request: HttpRequest | None = None
) -> Person:
    """Create a person from a name only, followed by the current team. A name already used by a person of
    the organisation (ignoring case and accents) is refused: the receptionist picks that person instead."""
    organisation = _check(user, team)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    if team is None:
        raise ValidationError({"name": TEAM_REQUIRED})
    # Two receptionists typing the same new name at once: the second one waits here, then sees the first.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if likely_duplicates(user=user, keyring=keyring, name=name, birth_date=None):
        raise ValidationError({"name": PERSON_EXISTS})
    return person_create(user=user, keyring=keyring, teams=[team], name=name, request=request)


def reception_passages(*, user: User, keyring: Keyring, team: Team, persons: Iterable[Person]) -> list[Passage]:
    """One passage now for each person, for the team; all or nothing."""
    if not _check(user, team).passages_enabled:
        raise PermissionDenied
    created = passages.encounters_create(
        user=user, keyring=keyring, kind="passage", team=team, date=timezone.now(), persons=persons
    )
    return created  # type: ignore[return-value]


def reception_anonymous_passage(*, user: User, keyring: Keyring, team: Team) -> Passage:
    """One anonymous passage now for the team."""
    if not _check(user, team).passages_enabled:
        raise PermissionDenied
    return passages.passage_create(user=user, keyring=keyring, team=team, date=timezone.now())
