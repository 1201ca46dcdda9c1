"""Deleting an action (or an occurrence and the following ones), after a confirmation page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mano.agenda import selectors, series, services
from mano.agenda.forms_recurrence import scope_of
from mano.agenda.views.common import CHANGED_MEANWHILE
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version, safe_next
from mano.core.records import ConflictError


@require_http_methods(["GET", "POST"])
@member_required(roles=services.DELETE_ROLES)
def action_delete_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    action, status = row.action, 200
    if request.method == "POST":
        # Only the confirmation form deletes; any other POST goes back to it.
        if request.POST.get("confirm") != "1":
            return redirect(request.path)
        try:
            count = services.action_delete(
                user=request.user,
                keyring=request.keyring,
                action=action,
                expected_version=posted_version(request),
                scope=scope_of(request.POST),
                request=request,
            )
        except ConflictError:
            messages.error(request, CHANGED_MEANWHILE)
            row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
            status = 409
        else:
            messages.success(
                request, ngettext("Action supprimée.", "%(count)s actions supprimées.", count) % {"count": count}
            )
            # Back where the user came from; else today's agenda (the deleted day may now be empty, or far).
            return redirect(safe_next(request, "agenda:day"))
    context = {
        "row": row,
        "rule_text": series.rule_text(row.action, row.data),
        "following": series.following(row.action).count(),
    }
    return render(request, "agenda/delete.html", context, status=status)
