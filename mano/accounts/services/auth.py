"""Login, lockout, activation, password change and reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import AccountToken, KeyGrant, LoginFailure, TokenPurpose, User, UserSession
from mano.accounts.services.keys import organisation_keys_create, user_keyring
from mano.core import crypto
from mano.core.audit import AuditAction, audit, client_ip
from mano.core.crypto import Keyring
from mano.core.session import sessions_delete

LOGIN_FAILED = _("E-mail ou mot de passe incorrect.")
LOCKED_OUT = _("Trop de tentatives. Réessayez dans 15 minutes.")
LINK_INVALID = _("Ce lien n'est pas valide ou a expiré.")
WRONG_PASSWORD = _("Mot de passe incorrect.")
IP_FAILURE_LIMIT = 50
INVITATION_HOURS = 72
RESET_HOURS = 1
# Timing: unknown e-mails pay the same Argon2id on this dummy salt.
_DUMMY_SALT = b"mano-dummy-salt!"


class LoginError(Exception):
    pass


@dataclass(frozen=True, repr=False)
class LoginResult:
    user: User
    keyring: Keyring


def _is_locked(email: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(minutes=settings.MANO_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(email=email).count() >= settings.MANO_LOCKOUT_FAILURES:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= IP_FAILURE_LIMIT


def _fail(email: str, user: User | None, request: HttpRequest | None) -> None:
    LoginFailure.objects.create(email=email, ip=client_ip(request))
    organisation = user.organisation if user else None
    audit(AuditAction.LOGIN_FAILURE, organisation=organisation, actor=user, request=request)


def check_password(*, user: User, password: str) -> bytes | None:
    """Return the key-encryption key when `password` is right, else None (constant time)."""
    secrets_ = crypto.derive_login_secrets(password, bytes(user.kdf_salt or _DUMMY_SALT))
    if user.verifier is None or not crypto.verifier_matches(bytes(user.verifier), secrets_.verifier):
        return None
    return secrets_.kek


def login(*, email: str, password: str, request: HttpRequest | None = None) -> LoginResult:
    """Verify the password with one Argon2id and open the user's keys.

    Every failure raises LoginError with the same message, after the same work.
    """
    email = email.strip().lower()
    user = User.objects.select_related("organisation").filter(email=email).first()
    if _is_locked(email, client_ip(request)):
        audit(AuditAction.LOCKOUT, organisation=user.organisation if user else None, actor=user, request=request)
        raise LoginError(LOCKED_OUT)
    if user is None:
        crypto.derive_login_secrets(password, _DUMMY_SALT)
        _fail(email, None, request)
        raise LoginError(LOGIN_FAILED)
    kek = check_password(user=user, password=password)
    if kek is None or user.disabled:
        _fail(email, user, request)
        raise LoginError(LOGIN_FAILED)
    keyring = user_keyring(user=user, kek=kek)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    audit(AuditAction.LOGIN_SUCCESS, organisation=user.organisation, actor=user, request=request)
    return LoginResult(user=user, keyring=keyring)


def _set_password(user: User, password: str) -> bytes:
    salt = crypto.new_salt()
    secrets_ = crypto.derive_login_secrets(password, salt)
    user.kdf_salt, user.verifier = salt, secrets_.verifier
    user.password_changed_at = timezone.now()
    return secrets_.kek


def _token_new(user: User, purpose: TokenPurpose, hours: int) -> str:
    AccountToken.objects.filter(user=user, purpose=purpose, used_at=None).update(used_at=timezone.now())
    token = crypto.new_token()
    AccountToken.objects.create(
        user=user,
        purpose=purpose,
        token_hash=crypto.token_hash(token),
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    return token


def token_user(*, token: str, purpose: TokenPurpose) -> User:
    """The user behind a valid, unused, unexpired link, else ValidationError(LINK_INVALID)."""
    row = (
        AccountToken.objects.select_related("user")
        .filter(token_hash=crypto.token_hash(token), purpose=purpose, used_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or row.user.disabled:
        raise ValidationError(LINK_INVALID)
    return row.user


def _token_use(token: str) -> None:
    AccountToken.objects.filter(token_hash=crypto.token_hash(token)).update(used_at=timezone.now())


def send_link(*, user: User, token: str, purpose: TokenPurpose) -> None:
    """E-mail an invitation or reset link once the transaction has committed."""
    route = "accounts:activate" if purpose == TokenPurpose.INVITATION else "accounts:reset"
    url = settings.SITE_URL.rstrip("/") + reverse(route, args=[token])
    context = {
        "user": user,
        "url": url,
        "hours": INVITATION_HOURS if purpose == TokenPurpose.INVITATION else RESET_HOURS,
    }
    if purpose == TokenPurpose.INVITATION:
        subject = gettext("Bienvenue dans Mano")
    else:
        subject = gettext("Réinitialiser votre mot de passe Mano")
    body = render_to_string(f"accounts/email_{purpose}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def invitation_token_new(user: User) -> str:
    return _token_new(user, TokenPurpose.INVITATION, INVITATION_HOURS)


@dataclass(frozen=True, repr=False)
class Activation:
    user: User
    keyring: Keyring
    recovery_code: str | None


@transaction.atomic
def account_activate(*, token: str, password: str, name: str, request: HttpRequest | None = None) -> Activation:
    """Choose a password from an invitation: creates the key pair; the first admin also creates the keys."""
    user = token_user(token=token, purpose=TokenPurpose.INVITATION)
    kek = _set_password(user, password)
    pair = crypto.new_user_key_pair(user_id=user.pk, kek=kek)
    user.public_key, user.wrapped_private_key = pair.public_key, pair.wrapped_private_key
    user.name = name or user.name
    user.save()
    _token_use(token)
    audit(AuditAction.ACTIVATION, organisation=user.organisation, actor=user, request=request, obj=user)
    organisation = user.organisation
    if organisation is not None and not organisation.has_keys and user.is_admin:
        code, keyring = organisation_keys_create(organisation=organisation, first_admin=user, kek=kek)
        return Activation(user, keyring, code)
    return Activation(user, user_keyring(user=user, kek=kek), None)


@transaction.atomic
def password_change(
    *, user: User, current: str, new: str, keep_session: str | None, request: HttpRequest | None = None
) -> None:
    """Rewrap the private key under the new password and end every other session."""
    old_kek = check_password(user=user, password=current)
    if old_kek is None:
        raise ValidationError({"current": WRONG_PASSWORD})
    new_kek = _set_password(user, new)
    user.wrapped_private_key = crypto.rewrap_private_key(
        user_id=user.pk, wrapped=bytes(user.wrapped_private_key or b""), old_kek=old_kek, new_kek=new_kek
    )
    user.save()
    others = UserSession.objects.filter(user=user).exclude(session_key=keep_session or "")
    sessions_delete(list(others.values_list("session_key", flat=True)))
    others.delete()
    audit(AuditAction.PASSWORD_CHANGE, organisation=user.organisation, actor=user, request=request)


@transaction.atomic
def password_reset_request(*, email: str, request: HttpRequest | None = None) -> None:
    """Send a reset link when the account exists; the caller shows the same message either way."""
    user = User.objects.filter(email=email.strip().lower(), disabled=False).first()
    if user is None or not user.has_password:
        return
    token = _token_new(user, TokenPurpose.RESET, RESET_HOURS)
    send_link(user=user, token=token, purpose=TokenPurpose.RESET)
    audit(AuditAction.PASSWORD_RESET_REQUEST, organisation=user.organisation, actor=user, request=request)


@transaction.atomic
def password_reset(*, token: str, password: str, request: HttpRequest | None = None) -> User:
    """New password and key pair; old grants and sessions go, so the user waits for an admin again."""
    user = token_user(token=token, purpose=TokenPurpose.RESET)
    kek = _set_password(user, password)
    pair = crypto.new_user_key_pair(user_id=user.pk, kek=kek)
    user.public_key, user.wrapped_private_key = pair.public_key, pair.wrapped_private_key
    user.save()
    _token_use(token)
    KeyGrant.objects.filter(user=user).delete()
    sessions_end_all(user)
    audit(AuditAction.PASSWORD_RESET, organisation=user.organisation, actor=user, request=request)
    return user


def sessions_end_all(user: User) -> None:
    rows = UserSession.objects.filter(user=user)
    sessions_delete(list(rows.values_list("session_key", flat=True)))
    rows.delete()


@transaction.atomic
def superadmin_create(*, email: str, name: str, password: str) -> User:
    """The platform operator: no organisation, no key pair, never any grant."""
    user = User(email=email.strip().lower(), name=name, role="superadmin")
    user.set_unusable_password()
    _set_password(user, password)
    user.charter_accepted_at = timezone.now()
    user.save()
    return user
