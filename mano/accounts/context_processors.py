from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mano.accounts.selectors import current_team, request_teams


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role-dependent navigation and the current-team selector."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return {}
    keyring = getattr(request, "keyring", None)
    # Nothing to navigate to before the charter is accepted (and no htmx fetch racing it).
    charter_ok = user.charter_accepted_at is not None
    return {
        "current_team": current_team(request),
        "switchable_teams": request_teams(request),
        "unlocked": bool(keyring),
        "nav_persons": charter_ok and user.role in ("admin", "normal", "restricted"),
        "nav_admin": charter_ok and user.role == "admin",
        "nav_stats": charter_ok and user.role in ("admin", "normal", "stats"),
    }
