"""Reads for accounts: always scoped to the viewer's organisation."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest

from mano.accounts.models import Organisation, Team, User, UserSession
from mano.core.audit import AuditEvent
from mano.core.crypto import KeyKind

TEAM_SESSION_KEY = "mano_team_id"


def teams_for(user: User) -> QuerySet[Team]:
    """Admins may act for any team of their organisation; others for their own teams."""
    if user.is_admin:
        return Team.objects.filter(organisation_id=user.member_organisation_id)
    return user.teams.all()


def team_for(user: User, team_id: str) -> Team | None:
    """One of the teams the user may act for, from an untrusted id (None when it is not one)."""
    try:
        return teams_for(user).filter(pk=UUID(str(team_id))).first()
    except ValueError:
        return None


def request_teams(request: HttpRequest) -> list[Team]:
    """The teams the user may act for (by name), read once per request: the current team and the navigation's
    team switcher of every page share them."""
    cached: list[Team] | None = getattr(request, "_mano_teams", None)
    if cached is None:
        cached = list(teams_for(request.user))  # type: ignore[arg-type]
        request._mano_teams = cached  # type: ignore[attr-defined]
    return cached


def current_team(request: HttpRequest) -> Team | None:
    """The team chosen in this session, else the user's first team by name (None without any)."""
    user = request.user
    if not user.is_authenticated or user.organisation_id is None:
        return None
    teams = request_teams(request)
    chosen = str(request.session.get(TEAM_SESSION_KEY) or "")
    return next((team for team in teams if str(team.pk) == chosen), teams[0] if teams else None)


def team_get(*, user: User, team_id: UUID) -> Team:
    team = Team.objects.filter(organisation_id=user.member_organisation_id, pk=team_id).first()
    if team is None:
        raise Http404
    return team


def member_list(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation).prefetch_related("teams").order_by("name", "email")


def member_get(*, user: User, member_id: UUID) -> User:
    member = User.objects.filter(organisation_id=user.member_organisation_id, pk=member_id).first()
    if member is None:
        raise Http404
    return member


def member_access_state(member: User) -> str:
    """invited → waiting → active, or disabled."""
    if member.disabled:
        return "disabled"
    if not member.has_password:
        return "invited"
    kinds = {g.kind for g in member.grants.all()}
    return "active" if KeyKind.GENERAL in kinds else "waiting"


def members_with_state(*, organisation: Organisation) -> list[tuple[User, str, bool]]:
    members = list(member_list(organisation=organisation).prefetch_related("grants"))
    return [(m, member_access_state(m), any(g.kind == KeyKind.HEALTH for g in m.grants.all())) for m in members]


def session_list(*, user: User) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user).order_by("-last_seen_at")


def audit_list(*, organisation: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")


def organisation_counts() -> QuerySet[Organisation]:
    """For the platform operator: names and counts only, never content."""
    return Organisation.objects.annotate(
        user_count=Count("users", distinct=True), team_count=Count("teams", distinct=True)
    ).order_by("name")
