"""The per-request keyring: sealed in the server session, opened by a cookie-only secret."""

from __future__ import annotations

import base64
import secrets
import time

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse

from mano.core.crypto import DecryptionError, Keyring, new_session_secret

KEYS = "mano_keys"
KEYS_ID = "mano_keys_id"
LOGIN_AT = "mano_login_at"
SEEN_AT = "mano_seen_at"
NEW_SECRET_ATTR = "_mano_new_key_secret"


def _aad(request: HttpRequest, keys_id: str) -> str:
    return f"mano/v1|session|{request.user.pk}|{keys_id}"


def keys_store(request: HttpRequest, keyring: Keyring) -> None:
    """Seal `keyring` into the session; the secret leaves only as a cookie on this response."""
    secret = new_session_secret()
    keys_id = secrets.token_hex(8)
    request.session[KEYS_ID] = keys_id
    request.session[KEYS] = keyring.seal_for_session(secret, _aad(request, keys_id))
    setattr(request, NEW_SECRET_ATTR, secret)
    request.keyring = keyring  # type: ignore[attr-defined]


def keys_open(request: HttpRequest) -> Keyring:
    sealed = request.session.get(KEYS)
    cookie = request.COOKIES.get(settings.MANO_KEY_COOKIE, "")
    if not sealed or not cookie:
        return Keyring()
    try:
        secret = base64.urlsafe_b64decode(cookie.encode())
        return Keyring.open_from_session(sealed, secret, _aad(request, request.session.get(KEYS_ID, "")))
    except (DecryptionError, ValueError):
        return Keyring()


def keys_drop(request: HttpRequest) -> None:
    request.session.pop(KEYS, None)
    request.session.pop(KEYS_ID, None)
    request.keyring = Keyring()  # type: ignore[attr-defined]


def write_key_cookie(request: HttpRequest, response: HttpResponse) -> None:
    secret = getattr(request, NEW_SECRET_ATTR, None)
    if secret is not None:
        response.set_cookie(
            settings.MANO_KEY_COOKIE,
            base64.urlsafe_b64encode(secret).decode(),
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Strict",
            path="/",
        )


def session_begin(request: HttpRequest, user: object, keyring: Keyring) -> None:
    """Log `user` in with a fresh session id, stamp the clocks, and store the keys."""
    login(request, user, backend="mano.accounts.backends.SessionBackend")  # type: ignore[arg-type]
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    keys_store(request, keyring)
    request.session.save()


def session_finish(request: HttpRequest, response: HttpResponse | None = None) -> None:
    logout(request)
    if response is not None:
        response.delete_cookie(settings.MANO_KEY_COOKIE, path="/", samesite="Strict")


def sessions_delete(session_keys: list[str]) -> None:
    Session.objects.filter(session_key__in=session_keys).delete()
