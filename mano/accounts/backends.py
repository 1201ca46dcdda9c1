from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from mano.accounts.models import User


class SessionBackend(BaseBackend):
    """Restores the user of a session. It never authenticates: login goes through
    accounts.services.auth.login, which also opens the user's keys."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("organisation").filter(pk=user_id, disabled=False).first()
        return user
