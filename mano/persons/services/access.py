"""The role and organisation check every person-file service makes itself, so that a future API router
or command calling it directly cannot do what the pages forbid."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mano.accounts.models import User

FULL_ROLES = ("admin", "normal")


def require(user: User, organisation_id: Any, roles: tuple[str, ...] = FULL_ROLES) -> None:
    """Refuse a member of another organisation, or a role the action is not open to."""
    if user.role not in roles or user.organisation_id != organisation_id:
        raise PermissionDenied
