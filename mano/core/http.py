"""Typed request and the access decorators every member view starts with."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from mano.core.crypto import KeyKind, Keyring

if TYPE_CHECKING:
    from mano.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    keyring: Keyring


View = TypeVar("View", bound=Callable[..., HttpResponseBase])
MEMBER_ROLES = ("admin", "normal", "restricted", "stats")


def _leave(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; htmx would follow a 302 and swap the whole target page into a fragment, so it gets HX-Redirect."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# Typed text in an old bookmark (?q=…, fv=…, f=key~op~value): never carried on into a `next`.
TYPED_PARAMS = ("q", "fv")


def _back_here(request: HttpRequest) -> str:
    """The current address for a `next`, without the typed text an old link may carry in clear."""
    kept = [
        (key, value)
        for key, values in request.GET.lists()
        for value in values
        if key not in TYPED_PARAMS and not (key == "f" and "~" in value)
    ]
    return f"{request.path}?{urlencode(kept)}" if kept else request.path


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return _leave(request, f"{reverse('accounts:login')}?{urlencode({'next': _back_here(request)})}")


def member_required(roles: Iterable[str] = MEMBER_ROLES, *, unlocked: bool = True) -> Callable[[View], View]:
    """Anonymous → login; wrong organisation role → 403; charter first; keys locked → unlock page."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return _login_redirect(request)
            if user.organisation_id is None:
                raise Http404
            if user.role not in allowed:
                return render(request, "core/forbidden.html", status=403)
            if user.charter_accepted_at is None:
                return _leave(request, reverse("accounts:charter"))
            if unlocked and not request.keyring.has(KeyKind.GENERAL):  # type: ignore[attr-defined]
                return _leave(request, f"{reverse('accounts:unlock')}?{urlencode({'next': _back_here(request)})}")
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


admin_required = member_required(roles=("admin",))


def superadmin_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _login_redirect(request)
        if not request.user.is_superadmin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def login_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return _login_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(request: HttpRequest, default: str = "accounts:home", *, default_url: str | None = None) -> str:
    """The `next` parameter when it stays on this site, else `default_url`, else the page named `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default_url if default_url is not None else reverse(default)


def posted_version(request: HttpRequest) -> int:
    """The record version a form was built on; garbage reads as 0, which always ends on a conflict page."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else 0
