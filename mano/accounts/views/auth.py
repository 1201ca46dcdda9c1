"""Login, logout, lock/unlock, charter, activation and password reset."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts import forms
from mano.accounts.models import TokenPurpose
from mano.accounts.services import auth
from mano.accounts.services.keys import user_has_access
from mano.accounts.services.members import charter_accept, session_forget, session_register
from mano.core.audit import AuditAction, audit
from mano.core.http import AuthenticatedHttpRequest, login_required, safe_next
from mano.core.session import keys_drop, keys_store, session_begin, session_finish


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = auth.login(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"], request=request
            )
        except auth.LoginError as exc:
            form.add_error(None, str(exc))
        else:
            session_begin(request, result.user, result.keyring)
            session_register(user=result.user, request=request)
            return redirect(safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit(AuditAction.LOGOUT, organisation=request.user.organisation, actor=request.user, request=request)
        session_forget(session_key=request.session.session_key or "")
    response = redirect("accounts:login")
    session_finish(request, response)
    messages.success(request, _("Vous êtes déconnecté·e."))
    return response


@require_POST
@login_required
def lock_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    keys_drop(request)
    audit(AuditAction.LOCK, organisation=request.user.organisation, actor=request.user, request=request)
    return redirect("accounts:unlock")


@require_http_methods(["GET", "POST"])
@login_required
def unlock_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.organisation_id is None:
        return redirect("accounts:home")
    if not user_has_access(user):
        return redirect("accounts:waiting")
    form = forms.UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = auth.login(email=user.email, password=form.cleaned_data["password"], request=request)
        except auth.LoginError as exc:
            form.add_error("password", str(exc))
        else:
            keys_store(request, result.keyring)
            audit(AuditAction.UNLOCK, organisation=user.organisation, actor=user, request=request)
            return redirect(safe_next(request))
    return render(request, "accounts/unlock.html", {"form": form, "next": request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
@login_required
def charter_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        charter_accept(user=request.user, request=request)
        messages.success(request, _("Merci. Vous pouvez commencer."))
        return redirect("accounts:home")
    return render(request, "accounts/charter.html", {"accepted": request.user.charter_accepted_at})


@require_http_methods(["GET"])
@login_required
def waiting_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.organisation_id is None or user_has_access(request.user):
        return redirect("accounts:home")
    return render(request, "accounts/waiting.html")


@require_http_methods(["GET", "POST"])
def activate_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invited = auth.token_user(token=token, purpose=TokenPurpose.INVITATION)
    except ValidationError:
        return render(request, "accounts/link_invalid.html", status=410)
    form = forms.ActivationForm(request.POST or None, initial={"name": invited.name})
    if request.method == "POST" and form.is_valid():
        done = auth.account_activate(
            token=token, password=form.cleaned_data["password"], name=form.cleaned_data["name"], request=request
        )
        session_begin(request, done.user, done.keyring)
        session_register(user=done.user, request=request)
        if done.recovery_code:
            return render(request, "accounts/recovery_code.html", {"code": done.recovery_code})
        return redirect("accounts:home")
    return render(request, "accounts/activate.html", {"form": form, "invited": invited})


@require_http_methods(["GET", "POST"])
def reset_request_view(request: HttpRequest) -> HttpResponse:
    form = forms.ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth.password_reset_request(email=form.cleaned_data["email"], request=request)
        return render(request, "accounts/reset_sent.html")
    return render(request, "accounts/reset_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def reset_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        auth.token_user(token=token, purpose=TokenPurpose.RESET)
    except ValidationError:
        return render(request, "accounts/link_invalid.html", status=410)
    form = forms.NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth.password_reset(token=token, password=form.cleaned_data["password"], request=request)
        messages.success(
            request, _("Mot de passe enregistré. Un·e administrateur·rice doit maintenant vous redonner l'accès.")
        )
        return redirect("accounts:login")
    return render(request, "accounts/reset.html", {"form": form})
