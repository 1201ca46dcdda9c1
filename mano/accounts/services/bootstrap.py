"""Ready-to-use organisations and members through the real services (demo seed and tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from mano.accounts.models import Team, User
from mano.accounts.services.auth import Activation, account_activate, superadmin_create
from mano.accounts.services.keys import user_grant_access
from mano.accounts.services.members import charter_accept, organisation_create, team_save, user_invite
from mano.core.crypto import Keyring


@dataclass(repr=False)
class Member:
    user: User
    password: str
    keyring: Keyring


@transaction.atomic
def organisation_bootstrap(
    *, name: str, admin_email: str, admin_name: str, password: str, admin_is_health_professional: bool = True
) -> tuple[Member, str]:
    """Create an organisation and activate its first admin; returns the admin and the recovery code."""
    operator = User.objects.filter(role="superadmin").first()
    _, admin, token = organisation_create(
        actor=operator,
        name=name,
        admin_name=admin_name,
        admin_email=admin_email,
    )
    admin.is_health_professional = admin_is_health_professional
    admin.save(update_fields=["is_health_professional"])
    done: Activation = account_activate(token=token, password=password, name=admin_name)
    assert done.recovery_code is not None
    return Member(done.user, password, done.keyring), done.recovery_code


@transaction.atomic
def member_add_active(
    *,
    admin: Member,
    email: str,
    name: str,
    role: str,
    password: str,
    teams: Iterable[Team],
    is_health_professional: bool = False,
    charter: bool = True,
) -> Member:
    """Invite, activate and grant access to a member in one go."""
    user, token = user_invite(
        actor=admin.user,
        email=email,
        name=name,
        phone="",
        role=role,
        is_health_professional=is_health_professional,
        teams=teams,
    )
    account_activate(token=token, password=password, name=name)
    user.refresh_from_db()
    user_grant_access(actor=admin.user, keyring=admin.keyring, user=user)
    if charter:
        charter_accept(user=user)
    # The keys just sealed to the member, taken from the admin's keyring: saves a second Argon2id.
    granted = {g.kind for g in user.grants.all()}
    keyring = Keyring({(k, v): key for k, v, key in admin.keyring.items() if k in granted})
    return Member(user, password, keyring)


def teams_create(*, admin: Member, names: Iterable[tuple[str, bool]]) -> list[Team]:
    return [team_save(actor=admin.user, name=name, night_team=night) for name, night in names]


__all__ = [
    "Member",
    "organisation_bootstrap",
    "member_add_active",
    "teams_create",
    "superadmin_create",
    "charter_accept",
]
