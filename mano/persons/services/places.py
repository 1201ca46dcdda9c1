"""Writes on places frequented: organisation-wide places (name encrypted) and the person ↔ place links."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import record_create, record_data, record_update
from mano.persons.models import Person, PersonPlace, Place
from mano.persons.services.access import require
from mano.persons.text import fold

NAME_REQUIRED = _("Le nom du lieu est obligatoire.")
PLACE_EXISTS = _("Ce lieu existe déjà.")
ALREADY_LINKED = _("Ce lieu est déjà enregistré pour cette personne.")
CHOOSE_ONE = _("Choisissez un lieu existant ou saisissez le nom d'un nouveau lieu.")
OUTSIDE = _("Ce lieu n'existe pas dans votre organisation.")


def _check_name(user: User, keyring: Keyring, name: str, exclude: Place | None = None) -> str:
    """The stripped name, if no other live place of the organisation has the same folded name."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    # Serialise place writes per organisation so two people cannot create the same name at once.
    Organisation.objects.select_for_update().filter(pk=user.member_organisation_id).first()
    others = Place.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if any(fold(record_data(p, keyring).get("name")) == fold(name) for p in others):
        raise ValidationError({"name": PLACE_EXISTS})
    return name


@transaction.atomic
def place_create(*, user: User, keyring: Keyring, name: str) -> Place:
    """A new place of the organisation; names are unique once folded (case, accents, spaces)."""
    require(user, user.organisation_id)
    name = _check_name(user, keyring, name)
    return record_create(Place, keyring=keyring, organisation=user.organisation, user=user, data={"name": name})


@transaction.atomic
def place_link_add(
    *, user: User, keyring: Keyring, person: Person, place: Place | None = None, name: str = ""
) -> PersonPlace:
    """Record that `person` frequents `place`, or a new place called `name` (exactly one of the two)."""
    require(user, person.organisation_id)
    if (place is None) == (not name.strip()):
        raise ValidationError(CHOOSE_ONE)
    if place is None:
        place = place_create(user=user, keyring=keyring, name=name)
    if {place.organisation_id, person.organisation_id} != {user.organisation_id} or place.deleted_at is not None:
        raise ValidationError({"place": OUTSIDE})
    assert user.organisation is not None  # the check above: the user's organisation is the place's
    if PersonPlace.objects.filter(person=person, place=place).exists():
        raise ValidationError({"place": ALREADY_LINKED})
    return PersonPlace.objects.create(organisation=user.organisation, person=person, place=place, created_by=user)


@transaction.atomic
def place_link_remove(*, user: User, link: PersonPlace) -> None:
    """Forget that a person frequents a place (the place itself stays for everybody)."""
    require(user, link.organisation_id)
    PersonPlace.objects.filter(pk=link.pk, organisation_id=user.member_organisation_id).delete()


@transaction.atomic
def place_rename(*, user: User, keyring: Keyring, place: Place, name: str, expected_version: int) -> Place:
    """Rename a place for every person who frequents it, unless someone saved it since `expected_version`."""
    require(user, place.organisation_id)
    name = _check_name(user, keyring, name, exclude=place)
    data = {**record_data(place, keyring), "name": name}
    return record_update(place, keyring=keyring, user=user, data=data, expected_version=expected_version)


@transaction.atomic
def place_delete(*, user: User, place: Place, request: HttpRequest | None = None) -> None:
    """Delete a place for everybody: the row is soft-deleted and every person's link to it is removed."""
    require(user, place.organisation_id)
    Place.objects.filter(pk=place.pk, organisation_id=user.member_organisation_id, deleted_at=None).update(
        deleted_at=timezone.now(), updated_by=user
    )
    PersonPlace.objects.filter(place=place).delete()
    audit(AuditAction.PLACE_DELETE, organisation=user.organisation, actor=user, request=request, obj=place)
