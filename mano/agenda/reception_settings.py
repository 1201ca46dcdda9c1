"""Writes on the reception desk configuration ("Accueil de jour"): the switch, grouped services, teams per service.

Every write locks the organisation row, so two admins editing at once apply their changes one after the other
on the latest list (the grouped functions work on names: a name gone meanwhile gives a clear message). Renaming
a service rewrites its existing counts in the same transaction; deleting one leaves its counts in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team, User
from mano.agenda.models import ServiceCount
from mano.core import grouped
from mano.core.audit import AuditAction, audit

SERVICE_REQUIRED = _("Le nom du service est obligatoire.")
SERVICE_EXISTS = _("Ce service existe déjà : {group} › {name}")
TEAMS_REQUIRED = _("Choisissez au moins une équipe (ou supprimez le service).")
TEAM_OUTSIDE = _("Cette équipe n'appartient pas à votre organisation.")


def _locked(user: User) -> Organisation:
    if not user.is_admin or user.organisation_id is None:
        raise PermissionDenied
    return Organisation.objects.select_for_update().get(pk=user.organisation_id)


def _save(organisation: Organisation, user: User, request: HttpRequest | None, change: str) -> None:
    organisation.save(update_fields=["reception_enabled", "services", "service_teams"])
    audit(
        AuditAction.SETTINGS_CHANGE,
        organisation=organisation,
        actor=user,
        request=request,
        obj=organisation,
        change=change,
    )


def _apply(user: User, request: HttpRequest | None, change: str, edit: Callable[[grouped.Grouped], Any]) -> None:
    organisation = _locked(user)
    organisation.services = edit(organisation.services)
    _save(organisation, user, request, change)


def _service_name(organisation: Organisation, name: str, *, allow: str | None = None) -> str:
    """A clean new service name, unique in the organisation (case and spaces ignored: counts are kept by name)."""
    name = grouped.clean_name(name, SERVICE_REQUIRED)
    existing = grouped.find(organisation.services, name, key=str.casefold)
    if existing is not None and existing != allow:
        group = grouped.group_of(organisation.services, existing)
        raise ValidationError({"name": str(SERVICE_EXISTS).format(group=group, name=existing)})
    return name


@transaction.atomic
def reception_toggle(*, user: User, enabled: bool, request: HttpRequest | None = None) -> Organisation:
    """Switch the reception desk on or off; the configured services and their counts are kept either way."""
    organisation = _locked(user)
    organisation.reception_enabled = enabled
    _save(organisation, user, request, "reception_on" if enabled else "reception_off")
    return organisation


@transaction.atomic
def service_group_add(*, user: User, title: str, request: HttpRequest | None = None) -> None:
    """Append an empty group of services (titles are unique)."""
    _apply(user, request, "service_group_add", lambda services: grouped.add_group(services, title))


@transaction.atomic
def service_group_rename(*, user: User, old: str, new: str, request: HttpRequest | None = None) -> None:
    """Rename a group; its services and their counts are untouched (counts are kept by service name)."""
    _apply(user, request, "service_group_rename", lambda services: grouped.rename_group(services, old, new))


@transaction.atomic
def service_group_move(*, user: User, title: str, offset: int, request: HttpRequest | None = None) -> None:
    _apply(user, request, "service_group_move", lambda services: grouped.move_group(services, title, offset))


@transaction.atomic
def service_group_delete(*, user: User, title: str, request: HttpRequest | None = None) -> None:
    """Delete a group and its services; the counts already recorded for them stay."""
    organisation = _locked(user)
    removed: list[str] = next((g["items"] for g in organisation.services if g["group"] == title), [])
    organisation.services = grouped.delete_group(organisation.services, title)
    organisation.service_teams = {k: v for k, v in organisation.service_teams.items() if k not in removed}
    _save(organisation, user, request, "service_group_delete")


@transaction.atomic
def service_add(*, user: User, group: str, name: str, request: HttpRequest | None = None) -> str:
    """Add a service at the end of `group`, offered by every team. Names are unique in the organisation."""
    organisation = _locked(user)
    name = _service_name(organisation, name)
    organisation.services = grouped.add_item(organisation.services, group, name)
    _save(organisation, user, request, "service_add")
    return name


@transaction.atomic
def service_rename(*, user: User, old: str, new: str, request: HttpRequest | None = None) -> int:
    """Rename a service and rewrite its recorded counts and its teams under the new name, all or nothing.

    Returns how many counts (one per team and day) were rewritten."""
    organisation = _locked(user)
    if grouped.group_of(organisation.services, old) is None:
        raise ValidationError({"item": grouped.UNKNOWN_ITEM})
    new = _service_name(organisation, new, allow=old)
    if new == old:
        return 0
    organisation.services = grouped.rename_item(organisation.services, old, new)
    teams = organisation.service_teams
    if old in teams:
        teams[new] = teams.pop(old)
    rows = ServiceCount.objects.filter(organisation=organisation, service=old)
    affected = rows.count()
    # Counts of a deleted service may already carry the new name: add them up rather than break uniqueness.
    same_day = ServiceCount.objects.filter(team=OuterRef("team"), date=OuterRef("date"), service=new)
    for row in rows.filter(Exists(same_day)).select_for_update():
        ServiceCount.objects.filter(team=row.team_id, date=row.date, service=new).update(count=F("count") + row.count)
        row.delete()
    rows.update(service=new)
    _save(organisation, user, request, "service_rename")
    return affected


@transaction.atomic
def service_delete(*, user: User, name: str, request: HttpRequest | None = None) -> None:
    """Remove a service from the list; the counts already recorded for it stay (statistics keep them)."""
    organisation = _locked(user)
    organisation.services = grouped.delete_item(organisation.services, name)
    organisation.service_teams.pop(name, None)
    _save(organisation, user, request, "service_delete")


@transaction.atomic
def service_move(
    *, user: User, name: str, offset: int = 0, to_group: str | None = None, request: HttpRequest | None = None
) -> None:
    """Move a service up or down in its group, or to the end of another group."""
    _apply(
        user,
        request,
        "service_move",
        lambda services: grouped.move_item(services, name, offset=offset, to_group=to_group),
    )


@transaction.atomic
def service_teams_set(*, user: User, name: str, teams: Iterable[Team], request: HttpRequest | None = None) -> None:
    """Which teams offer `name`. Every team of the organisation means "all teams", which then includes
    the teams created later."""
    organisation = _locked(user)
    if grouped.group_of(organisation.services, name) is None:
        raise ValidationError({"item": grouped.UNKNOWN_ITEM})
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": TEAMS_REQUIRED})
    if any(t.organisation_id != organisation.pk for t in teams):
        raise ValidationError({"teams": TEAM_OUTSIDE})
    chosen = {str(t.pk) for t in teams}
    every = {str(pk) for pk in Team.objects.filter(organisation=organisation).values_list("pk", flat=True)}
    if chosen >= every:
        organisation.service_teams.pop(name, None)
    else:
        organisation.service_teams[name] = sorted(chosen)
    _save(organisation, user, request, "service_teams")
