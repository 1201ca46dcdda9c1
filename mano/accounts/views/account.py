"""The member's own account: profile, password, sessions, current team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts import forms, selectors
from mano.accounts.services import auth, members
from mano.core.http import AuthenticatedHttpRequest, login_required, member_required, safe_next


@require_http_methods(["GET", "POST"])
@member_required(unlocked=False)
def account_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = forms.AccountForm(request.POST or None, initial={"name": user.name, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        members.account_update(user=user, **form.cleaned_data)
        messages.success(request, _("Vos informations sont enregistrées."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def password_change_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            auth.password_change(
                user=request.user,
                current=form.cleaned_data["current"],
                new=form.cleaned_data["password"],
                keep_session=request.session.session_key,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Mot de passe modifié. Vos autres sessions sont fermées."))
            return redirect("accounts:sessions")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET"])
@login_required
def sessions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.session_list(user=request.user)
    return render(request, "accounts/sessions.html", {"rows": rows, "current": request.session.session_key})


@require_POST
@login_required
def session_end_view(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    members.session_end(user=request.user, session_id=session_id, request=request)
    messages.success(request, _("La session est fermée."))
    return redirect("accounts:sessions")


@require_POST
@member_required(unlocked=False)
def team_switch_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    team = selectors.team_for(request.user, request.POST.get("team", ""))
    if team is not None:
        request.session[selectors.TEAM_SESSION_KEY] = str(team.pk)
    return redirect(safe_next(request))
