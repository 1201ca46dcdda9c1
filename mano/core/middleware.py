"""Session limits, the per-request keyring, no-store caching and decryption failures."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mano.core.audit import AuditAction, audit
from mano.core.crypto import DecryptionError, Keyring
from mano.core.session import LOGIN_AT, SEEN_AT, keys_open, session_finish, write_key_cookie

Handler = Callable[[HttpRequest], HttpResponse]
# The "last seen" stamp is written at most this often, to spare a session write per click.
SEEN_RESOLUTION_SECONDS = 30


class SessionLimitsMiddleware:
    """Log out after the idle limit (organisation setting) or 12 hours, whichever comes first."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            organisation = getattr(user, "organisation", None)
            idle = 60 * (organisation.idle_minutes if organisation else settings.MANO_IDLE_MINUTES)
            seen = request.session.get(SEEN_AT, 0)
            started = request.session.get(LOGIN_AT, 0)
            if now - seen > idle or now - started > settings.MANO_ABSOLUTE_HOURS * 3600:
                session_finish(request)
                messages.info(request, _("Votre session a expiré. Reconnectez-vous."))
                response = redirect(reverse("accounts:login"))
                response.delete_cookie(settings.MANO_KEY_COOKIE, path="/", samesite="Strict")
                return response
            if now - seen > SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class KeyringMiddleware:
    """Open the organisation keys for this request only, and hand a new secret to the browser."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.keyring = keys_open(request) if request.user.is_authenticated else Keyring()  # type: ignore[attr-defined]
        response = self.get_response(request)
        write_key_cookie(request, response)
        return response


class NoStoreMiddleware:
    """Pages of logged-in users may show personal data: never store them in any cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


class DecryptionErrorMiddleware:
    """A record that does not open gives a clear page and an audit event, never a traceback."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DecryptionError):
            return None
        user = request.user if request.user.is_authenticated else None
        audit(
            AuditAction.DECRYPTION_FAILURE,
            organisation=getattr(user, "organisation", None),
            actor=user,
            request=request,
            path=request.path[:200],
        )
        return render(request, "core/decryption_error.html", status=500)
