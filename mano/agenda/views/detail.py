"""The action page's own actions: add a comment to the action, duplicate a cancelled action."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mano.accounts.selectors import current_team
from mano.agenda import selectors
from mano.agenda.action_comments import action_comment_add
from mano.agenda.duplicate import NOT_CANCELLED, action_duplicate, duplicate_initial
from mano.agenda.family import family_field_keep
from mano.agenda.forms import ActionForm
from mano.agenda.models import Status
from mano.agenda.views.common import ROLES
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.persons.selectors.persons import persons_of
from mano.persons.views.comments import COMMENT_ROLES, CommentForm, add_errors


def _page(action_id: UUID, tab: str = "") -> str:
    url = reverse("agenda:edit", args=[action_id])
    return f"{url}?onglet={tab}#onglets" if tab else url


@require_http_methods(["GET", "POST"])
@member_required(roles=COMMENT_ROLES)
def action_comment_add_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    form = CommentForm(request.POST or None, family=False, initial={"date": timezone.now()})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        values.pop("family", None)
        try:
            action_comment_add(
                user=request.user,
                keyring=request.keyring,
                action=row.action,
                team=current_team(request),
                request=request,
                **values,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Commentaire enregistré."))
            return redirect(_page(action_id, "commentaires"))
    return render(request, "agenda/comment_form.html", {"form": form, "row": row})


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def action_duplicate_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    action = row.action
    if action.status != Status.CANCELLED:
        messages.error(request, NOT_CANCELLED)
        return redirect(_page(action_id))
    form = ActionForm(
        request.POST or None,
        persons=persons_of(request.user).filter(pk=action.person_id),
        organisation=request.user.organisation,
        restricted=request.user.role == "restricted",
        initial=duplicate_initial(action, request.keyring),
    )
    form.fields["persons"].label_from_instance = lambda p: row.person_name  # type: ignore[attr-defined]
    form.fields["persons"].disabled = True  # the copy is for the same person
    if "comment" in form.fields:
        form.fields["comment"].help_text = ""  # one person: no "each person gets their own copy"
    form.fields["due_at"].help_text = _("Choisissez la nouvelle date : l’action d’origine garde la sienne.")
    family_field_keep(form, user=request.user, keyring=request.keyring, persons=[action.person], current=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = action_duplicate(
                user=request.user,
                keyring=request.keyring,
                action=action,
                comment=data.get("comment", ""),
                **form.action_fields(),
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Action dupliquée : la nouvelle action est à faire."))
            return redirect(_page(created.pk))
    return render(request, "agenda/duplicate.html", {"form": form, "row": row})
