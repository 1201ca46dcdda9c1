"""Priorités: urgent actions and comments of my teams, and the count in the top bar."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mano.agenda import priorities
from mano.agenda.models import Action
from mano.agenda.views.common import ROLES, uuids
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version
from mano.core.records import ConflictError
from mano.persons.models import Comment


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def priorities_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    actions, comments = priorities.priorities(user=request.user, keyring=request.keyring)
    extra = [(source, source.rows(request)) for source in priorities.SOURCES]
    return render(request, "agenda/priorities.html", {"actions": actions, "comments": comments, "extra": extra})


@require_POST
@member_required(roles=ROLES)
def deprioritize_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    model = Comment if request.POST.get("kind") == "comment" else Action
    if model is Comment and request.user.role not in priorities.COMMENT_ROLES:
        raise Http404
    item = model.objects.filter(
        organisation_id=request.user.member_organisation_id, deleted_at=None, pk__in=uuids([request.POST.get("id", "")])
    ).first()
    if item is None:
        raise Http404
    try:
        priorities.deprioritize(
            user=request.user,
            keyring=request.keyring,
            item=item,
            expected_version=posted_version(request),
            request=request,
        )
    except ConflictError:
        messages.error(request, _("Cet élément vient d’être modifié par quelqu’un d’autre : vérifiez-le."))
    else:
        messages.success(request, _("Retiré des priorités."))
    return redirect("agenda:priorities")


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def priority_badge_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The count beside "Priorités", fetched after the page by htmx so that no page waits for it."""
    count = priorities.priority_count(request.user) + sum(s.count(request) for s in priorities.SOURCES)
    return render(request, "agenda/_badge.html", {"count": count})
