"""Carries out merges and deletions made without the health key, on the next request of a health professional."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mano.medical.access import request_is_health
from mano.medical.models import PendingHealthChange
from mano.medical.services.pending import run_pending


class PendingHealthChangesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_is_health(request) and request.method == "GET":
            organisation_id = request.user.member_organisation_id  # type: ignore[union-attr]
            if PendingHealthChange.objects.filter(organisation_id=organisation_id).exists():
                run_pending(user=request.user, keyring=request.keyring)  # type: ignore[arg-type, attr-defined]
        return self.get_response(request)
