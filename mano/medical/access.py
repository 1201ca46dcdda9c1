"""Who reaches the medical half, and the keyed link that ties a health row to its person."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from mano.accounts.models import User
from mano.core.crypto import KeyKind, Keyring, keyed_link
from mano.core.http import member_required

HEALTH_ROLES = ("admin", "normal")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_health(user: Any, keyring: Keyring | None) -> bool:
    """A health professional with a full role whose session holds K_health."""
    return bool(
        getattr(user, "is_health_professional", False)
        and getattr(user, "role", None) in HEALTH_ROLES
        and keyring is not None
        and keyring.has(KeyKind.HEALTH)
    )


def request_is_health(request: HttpRequest) -> bool:
    return is_health(request.user, getattr(request, "keyring", None))


def require_health(user: User, keyring: Keyring, organisation_id: Any = None) -> None:
    """The services' own check: views hide the medical half, services refuse it."""
    if not is_health(user, keyring):
        raise PermissionDenied
    if organisation_id is not None and organisation_id != user.organisation_id:
        raise PermissionDenied


def health_required(view: View) -> View:
    """Members only (login, charter, unlock first); then anyone without the health key gets a plain 404: the
    medical pages do not exist for them, not even as a "forbidden"."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request_is_health(request):
            raise Http404
        return view(request, *args, **kwargs)

    return member_required()(wrapper)  # type: ignore[return-value]


def person_link(keyring: Keyring, person_id: Any) -> str:
    """The value of `person_link` for this person: an HMAC under a K_health subkey, never the id itself."""
    return keyed_link(keyring, KeyKind.HEALTH, purpose="medical-person", value=person_id)
