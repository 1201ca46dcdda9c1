"""Organisation keys: creation, grants to users, recovery, opening a user's keyring."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mano.accounts.models import KeyGrant, Organisation, OrganisationKey, User
from mano.core import crypto
from mano.core.audit import AuditAction, audit
from mano.core.crypto import KeyKind, Keyring


class AccessError(Exception):
    """A grant cannot be made; the message is shown to the admin."""


@transaction.atomic
def organisation_keys_create(*, organisation: Organisation, first_admin: User, kek: bytes) -> tuple[str, Keyring]:
    """Create K_general and K_health v1, seal them to a new recovery key and to the first admin.

    Runs when the first admin chooses a password, so the platform operator never holds a key.
    Returns the recovery code (shown once) and the admin's keyring.
    """
    code, recovery_public = crypto.new_recovery_code()
    keyring = Keyring()
    for kind in KeyKind:
        key = crypto.random_key()
        keyring.add(kind, 1, key)
        OrganisationKey.objects.create(
            organisation=organisation, kind=kind, version=1, recovery_sealed=crypto.seal_key(recovery_public, key)
        )
    organisation.recovery_public_key = recovery_public
    organisation.save(update_fields=["recovery_public_key"])
    _grant(user=first_admin, keyring=keyring, granted_by=first_admin)
    audit(AuditAction.ORGANISATION_KEYS, organisation=organisation, actor=first_admin, obj=organisation)
    return code, user_keyring(user=first_admin, kek=kek)


def user_keyring(*, user: User, kek: bytes) -> Keyring:
    """Open every key sealed to `user`. A user waiting for access gets an empty keyring."""
    keyring = Keyring()
    if user.wrapped_private_key is None:
        return keyring
    private = crypto.unwrap_private_key(user_id=user.pk, wrapped=bytes(user.wrapped_private_key), kek=kek)
    for grant in KeyGrant.objects.filter(user=user):
        keyring.add(KeyKind(grant.kind), grant.version, crypto.unseal_key(private, bytes(grant.sealed)))
    return keyring


def _grant(*, user: User, keyring: Keyring, granted_by: User) -> list[str]:
    if user.public_key is None:
        raise AccessError(_("Cette personne n'a pas encore choisi son mot de passe."))
    kinds = [KeyKind.GENERAL] + ([KeyKind.HEALTH] if user.is_health_professional else [])
    granted = []
    for kind, version, key in keyring.items():
        if kind not in kinds:
            continue
        KeyGrant.objects.update_or_create(
            user=user,
            kind=kind,
            version=version,
            defaults={"sealed": crypto.seal_key(bytes(user.public_key), key), "granted_by": granted_by},
        )
        granted.append(kind.value)
    return granted


@transaction.atomic
def user_grant_access(*, actor: User, keyring: Keyring, user: User, request: HttpRequest | None = None) -> None:
    """Seal the organisation keys to `user`. The health key comes only from a health professional."""
    if user.organisation_id != actor.organisation_id or not actor.is_admin:
        raise AccessError(_("Seul un·e administrateur·rice de l'organisation peut donner l'accès."))
    if not keyring.has(KeyKind.GENERAL):
        raise AccessError(_("Votre session n'a pas les clés de l'organisation."))
    usable = Keyring({(k, v): key for k, v, key in keyring.items() if k == KeyKind.GENERAL})
    if user.is_health_professional and actor.is_health_professional and keyring.has(KeyKind.HEALTH):
        usable = keyring
    granted = _grant(user=user, keyring=usable, granted_by=actor)
    audit(
        AuditAction.GRANT,
        organisation=user.organisation,
        actor=actor,
        request=request,
        obj=user,
        kinds=",".join(sorted(set(granted))),
    )


def grants_revoke(*, user: User, kinds: list[KeyKind], actor: User | None, request: HttpRequest | None = None) -> None:
    deleted, _by_model = KeyGrant.objects.filter(user=user, kind__in=kinds).delete()
    if deleted:
        audit(
            AuditAction.REVOKE,
            organisation=user.organisation,
            actor=actor,
            request=request,
            obj=user,
            kinds=",".join(kinds),
        )


def user_has_access(user: User) -> bool:
    return KeyGrant.objects.filter(user=user, kind=KeyKind.GENERAL).exists()


def recovery_unlock(*, actor: User, code: str, request: HttpRequest | None = None) -> Keyring:
    """Open every organisation key with the recovery code. Audited whether it works or not."""
    organisation = actor.organisation
    assert organisation is not None
    try:
        private = crypto.recovery_private_key(code)
        keyring = Keyring()
        for row in OrganisationKey.objects.filter(organisation=organisation):
            keyring.add(KeyKind(row.kind), row.version, crypto.unseal_key(private, bytes(row.recovery_sealed)))
    except crypto.DecryptionError:
        audit(AuditAction.RECOVERY_USE, organisation=organisation, actor=actor, request=request, success=False)
        raise
    audit(AuditAction.RECOVERY_USE, organisation=organisation, actor=actor, request=request, success=True)
    return keyring
