"""Organisations, teams and members: creation, invitations, roles, sessions, charter."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Role, Team, TokenPurpose, User, UserSession
from mano.accounts.services.auth import invitation_token_new, send_link, sessions_end_all
from mano.accounts.services.keys import grants_revoke
from mano.core.audit import AuditAction, audit, client_ip
from mano.core.crypto import KeyKind
from mano.core.session import sessions_delete

EMAIL_TAKEN = _("Un compte existe déjà avec cette adresse e-mail.")
ORGANISATION_TAKEN = _("Une organisation porte déjà ce nom.")
TEAM_TAKEN = _("Une équipe porte déjà ce nom.")
TEAM_REQUIRED = _("Choisissez au moins une équipe.")
LAST_ADMIN = _("L'organisation doit garder au moins un·e administrateur·rice actif·ve.")


@transaction.atomic
def organisation_create(
    *, actor: User | None, name: str, admin_name: str, admin_email: str, request: HttpRequest | None = None
) -> tuple[Organisation, User, str]:
    """Create an organisation and invite its first admin. No key exists until that admin activates.

    `actor` (for the audit log) is None when a seed bootstraps an organisation without a platform operator."""
    if Organisation.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": ORGANISATION_TAKEN})
    organisation = Organisation.objects.create(name=name.strip())
    admin, token = _invite(
        organisation=organisation,
        email=admin_email,
        name=admin_name,
        phone="",
        role=Role.ADMIN,
        is_health_professional=False,
        teams=[],
    )
    audit(AuditAction.ORGANISATION_CREATE, organisation=organisation, actor=actor, request=request, obj=organisation)
    return organisation, admin, token


def _invite(
    *,
    organisation: Organisation,
    email: str,
    name: str,
    phone: str,
    role: str,
    is_health_professional: bool,
    teams: Iterable[Team],
) -> tuple[User, str]:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user = User(
        email=email,
        name=name.strip(),
        phone=phone.strip(),
        organisation=organisation,
        role=role,
        is_health_professional=is_health_professional and role != Role.RESTRICTED,
    )
    user.set_unusable_password()
    user.save()
    user.teams.set(list(teams))
    token = invitation_token_new(user)
    send_link(user=user, token=token, purpose=TokenPurpose.INVITATION)
    return user, token


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    name: str,
    phone: str,
    role: str,
    is_health_professional: bool,
    teams: Iterable[Team],
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create a member of the actor's organisation and e-mail a 72-hour activation link."""
    assert actor.organisation is not None
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": TEAM_REQUIRED})
    user, token = _invite(
        organisation=actor.organisation,
        email=email,
        name=name,
        phone=phone,
        role=role,
        is_health_professional=is_health_professional,
        teams=teams,
    )
    audit(AuditAction.INVITATION, organisation=actor.organisation, actor=actor, request=request, obj=user, role=role)
    return user, token


@transaction.atomic
def invitation_resend(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    token = invitation_token_new(user)
    send_link(user=user, token=token, purpose=TokenPurpose.INVITATION)
    audit(AuditAction.INVITATION, organisation=user.organisation, actor=actor, request=request, obj=user, resent=True)
    return token


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    name: str,
    phone: str,
    role: str,
    is_health_professional: bool,
    teams: Iterable[Team],
    disabled: bool,
    request: HttpRequest | None = None,
) -> User:
    """Change a member; losing a right deletes the matching grants and ends their sessions."""
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": TEAM_REQUIRED})
    is_health_professional = is_health_professional and role != Role.RESTRICTED
    if user.is_admin and (role != Role.ADMIN or disabled) and _active_admins(user.organisation).count() <= 1:
        raise ValidationError(LAST_ADMIN)
    lost_health = user.is_health_professional and (not is_health_professional or disabled)
    before = (user.role, user.is_health_professional, user.disabled, {t.pk for t in user.teams.all()})
    changed = before != (role, is_health_professional, disabled, {t.pk for t in teams})
    user.name, user.phone, user.role = name.strip(), phone.strip(), role
    user.is_health_professional, user.disabled = is_health_professional, disabled
    user.save()
    user.teams.set(teams)
    if disabled:
        grants_revoke(user=user, kinds=[KeyKind.GENERAL, KeyKind.HEALTH], actor=actor, request=request)
    elif lost_health:
        grants_revoke(user=user, kinds=[KeyKind.HEALTH], actor=actor, request=request)
    if disabled or lost_health:
        sessions_end_all(user)
    if changed:
        audit(
            AuditAction.ROLE_CHANGE,
            organisation=user.organisation,
            actor=actor,
            request=request,
            obj=user,
            role=role,
            health=is_health_professional,
            disabled=disabled,
        )
    return user


def _active_admins(organisation: Organisation | None):
    return User.objects.filter(organisation=organisation, role=Role.ADMIN, disabled=False)


def account_update(*, user: User, name: str, phone: str) -> User:
    user.name, user.phone = name.strip(), phone.strip()
    user.save(update_fields=["name", "phone"])
    return user


def charter_accept(*, user: User, request: HttpRequest | None = None) -> None:
    user.charter_accepted_at = timezone.now()
    user.save(update_fields=["charter_accepted_at"])
    audit(AuditAction.CHARTER_ACCEPTED, organisation=user.organisation, actor=user, request=request)


@transaction.atomic
def team_save(
    *, actor: User, name: str, night_team: bool, team: Team | None = None, request: HttpRequest | None = None
) -> Team:
    """Create or rename a team of the actor's organisation; the creator joins a team they create."""
    organisation = actor.organisation
    clash = Team.objects.filter(organisation=organisation, name__iexact=name.strip())
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": TEAM_TAKEN})
    created = team is None
    team = team or Team(organisation=organisation)
    team.name, team.night_team = name.strip(), night_team
    team.save()
    if created:
        actor.teams.add(team)
    audit(AuditAction.TEAM_CHANGE, organisation=organisation, actor=actor, request=request, obj=team, created=created)
    return team


def session_register(*, user: User, request: HttpRequest) -> None:
    UserSession.objects.create(
        user=user,
        session_key=request.session.session_key or "",
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )


def session_end(*, user: User, session_id: int, request: HttpRequest | None = None) -> None:
    """End one of the user's own sessions (another device)."""
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return
    sessions_delete([row.session_key])
    row.delete()
    audit(AuditAction.SESSION_ENDED, organisation=user.organisation, actor=user, request=request)


def session_forget(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).delete()


def organisation_update(*, actor: User, idle_minutes: int, request: HttpRequest | None = None) -> Organisation:
    organisation = actor.organisation
    assert organisation is not None
    organisation.idle_minutes = idle_minutes
    organisation.save(update_fields=["idle_minutes"])
    audit(
        AuditAction.SETTINGS_CHANGE,
        organisation=organisation,
        actor=actor,
        request=request,
        obj=organisation,
        idle_minutes=idle_minutes,
    )
    return organisation
