"""Organisation administration: members, access, teams, settings, audit log, recovery."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts import forms, selectors
from mano.accounts.services import keys, members
from mano.core.crypto import DecryptionError
from mano.core.http import AuthenticatedHttpRequest, admin_required, member_required
from mano.core.session import keys_store


@require_http_methods(["GET"])
@admin_required
def member_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.members_with_state(organisation=request.user.organisation)  # type: ignore[arg-type]
    return render(request, "accounts/member_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_required
def member_invite_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.InviteForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            member, _token = members.user_invite(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": member.email})
            return redirect("accounts:members")
    return render(request, "accounts/member_invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
@admin_required
def member_edit_view(request: AuthenticatedHttpRequest, member_id: UUID) -> HttpResponse:
    member = selectors.member_get(user=request.user, member_id=member_id)
    initial = {
        "name": member.name,
        "phone": member.phone,
        "role": member.role,
        "disabled": member.disabled,
        "is_health_professional": member.is_health_professional,
        "teams": list(member.teams.all()),
    }
    form = forms.MemberEditForm(request.POST or None, initial=initial, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            members.user_update(actor=request.user, user=member, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("accounts:members")
    context = {"form": form, "member": member, "state": selectors.member_access_state(member)}
    return render(request, "accounts/member_edit.html", context)


@require_POST
@admin_required
def member_grant_view(request: AuthenticatedHttpRequest, member_id: UUID) -> HttpResponse:
    member = selectors.member_get(user=request.user, member_id=member_id)
    try:
        keys.user_grant_access(actor=request.user, keyring=request.keyring, user=member, request=request)
    except keys.AccessError as exc:
        messages.error(request, str(exc))
    else:
        done = _("%(member)s a maintenant accès aux données de l'organisation.") % {"member": member}
        messages.success(request, done)
    return redirect("accounts:member-edit", member_id=member.pk)


@require_POST
@admin_required
def member_resend_view(request: AuthenticatedHttpRequest, member_id: UUID) -> HttpResponse:
    member = selectors.member_get(user=request.user, member_id=member_id)
    if member.has_password:
        messages.error(request, _("Ce compte est déjà activé."))
    else:
        members.invitation_resend(actor=request.user, user=member, request=request)
        messages.success(request, _("Nouvelle invitation envoyée à %(email)s.") % {"email": member.email})
    return redirect("accounts:member-edit", member_id=member.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def team_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = members.team_save(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Équipe « %(name)s » créée. Vous en faites partie.") % {"name": team.name})
            return redirect("accounts:teams")
    teams = selectors.teams_for(request.user)
    return render(request, "accounts/team_list.html", {"form": form, "teams": teams})


@require_http_methods(["GET", "POST"])
@admin_required
def team_edit_view(request: AuthenticatedHttpRequest, team_id: UUID) -> HttpResponse:
    team = selectors.team_get(user=request.user, team_id=team_id)
    form = forms.TeamForm(request.POST or None, initial={"name": team.name, "night_team": team.night_team})
    if request.method == "POST" and form.is_valid():
        try:
            members.team_save(actor=request.user, team=team, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Équipe enregistrée."))
            return redirect("accounts:teams")
    return render(request, "accounts/team_edit.html", {"form": form, "team": team})


@require_http_methods(["GET", "POST"])
@admin_required
def organisation_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None
    form = forms.OrganisationForm(request.POST or None, initial={"idle_minutes": organisation.idle_minutes})
    if request.method == "POST" and form.is_valid():
        members.organisation_update(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Réglages enregistrés."))
        return redirect("accounts:organisation")
    return render(request, "accounts/organisation.html", {"form": form, "organisation": organisation})


@require_http_methods(["GET"])
@admin_required
def audit_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    events = selectors.audit_list(organisation=request.user.organisation)  # type: ignore[arg-type]
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page})


@require_http_methods(["GET", "POST"])
@member_required(roles=("admin",), unlocked=False)
def recovery_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            keyring = keys.recovery_unlock(actor=request.user, code=form.cleaned_data["code"], request=request)
        except DecryptionError:
            form.add_error("code", _("Ce code de récupération ne correspond pas à votre organisation."))
        else:
            keys_store(request, keyring)
            messages.success(request, _("Clés ouvertes pour cette session. Redonnez l'accès aux membres en attente."))
            return redirect("accounts:members")
    return render(request, "accounts/recovery.html", {"form": form})
