"""Who does what with territories: admins and normal members manage them; restricted members read them and record
observations; stats-only members see nothing. Everything answers 404 while the organisation has them turned off."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from mano.accounts.models import User
from mano.core.http import View, member_required

READ_ROLES = ("admin", "normal", "restricted")
MANAGE_ROLES = ("admin", "normal")


def enabled_for(user: User) -> bool:
    organisation = user.organisation
    return organisation is not None and organisation.territories_enabled


def can_manage(user: User) -> bool:
    return user.role in MANAGE_ROLES


def check(user: User, roles: Iterable[str], organisation_id: Any = None) -> None:
    """PermissionDenied unless the user has one of `roles`, territories are on, and the row is of their org."""
    if user.role not in roles or not enabled_for(user):
        raise PermissionDenied
    if organisation_id is not None and organisation_id != user.organisation_id:
        raise PermissionDenied


def territories_required(roles: Iterable[str] = READ_ROLES) -> Callable[[View], View]:
    """member_required(roles) (login, 403, charter, unlock), then 404 while the organisation has no territories."""
    allowed = tuple(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def enabled_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not enabled_for(request.user):  # type: ignore[arg-type]
                raise Http404
            return view(request, *args, **kwargs)

        return member_required(roles=allowed)(enabled_only)  # type: ignore[return-value]

    return decorator
