"""The home page: what to do next, by role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mano.accounts.selectors import current_team
from mano.accounts.services.keys import user_has_access
from mano.core.crypto import KeyKind
from mano.core.http import login_required


@require_http_methods(["GET"])
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_superadmin:  # type: ignore[union-attr]
        return redirect("accounts:platform")
    if user.charter_accepted_at is None:  # type: ignore[union-attr]
        return redirect("accounts:charter")
    if not user_has_access(user):  # type: ignore[arg-type]
        return redirect("accounts:waiting")
    if not request.keyring.has(KeyKind.GENERAL):  # type: ignore[attr-defined]
        return redirect("accounts:unlock")
    return render(request, "accounts/home.html", {"team": current_team(request)})
