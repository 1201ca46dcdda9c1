"""The organisation's territory switch (admins). Types and observation fields have their own editors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from mano.accounts.models import Organisation, User
from mano.core.audit import AuditAction, audit


@transaction.atomic
def territories_enabled_set(*, user: User, enabled: bool, request: HttpRequest | None = None) -> None:
    """Turn territories on or off for the whole organisation; turned off, they are hidden, never deleted."""
    if user.role != "admin":
        raise PermissionDenied
    Organisation.objects.filter(pk=user.member_organisation_id).update(territories_enabled=enabled)
    audit(
        AuditAction.SETTINGS_CHANGE,
        organisation=user.organisation,
        actor=user,
        request=request,
        change="territories_enabled",
        enabled=enabled,
    )
