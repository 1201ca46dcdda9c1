"""Comment pages of a person: add, edit (version-checked), delete with confirmation, the full list."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mano.accounts.selectors import current_team
from mano.core.http import AuthenticatedHttpRequest, member_required, safe_next
from mano.core.records import ConflictError
from mano.persons.forms import check_range
from mano.persons.models import Comment
from mano.persons.selectors import comments as selectors
from mano.persons.selectors.families import person_has_family
from mano.persons.selectors.persons import PersonView, person_get
from mano.persons.services import comments as services

COMMENT_ROLES = ("admin", "normal")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Tie a service's errors to the form's fields, or to the form when the field is not shown."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Commentaire"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"required": services.TEXT_REQUIRED},
    )
    date = forms.DateTimeField(
        label=_("Concerne le"), required=False, widget=DateTimeInput(), help_text=_("Vide : maintenant.")
    )
    urgent = forms.BooleanField(
        label=_("Commentaire prioritaire"),
        required=False,
        help_text=_("Ce commentaire sera mis en avant par rapport aux autres."),
    )
    family = forms.BooleanField(
        label=_("Commentaire familial"),
        required=False,
        help_text=_("Ce commentaire sera valable pour chaque membre de la famille."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, family: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not family:
            del self.fields["family"]

    def clean_date(self) -> datetime | None:
        return check_range(self.cleaned_data.get("date"))  # type: ignore[return-value]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "date": data.get("date"),
            "urgent": data.get("urgent", False),
            "family": data.get("family", False),
        }


def _person(request: AuthenticatedHttpRequest, person_id: UUID) -> PersonView:
    return person_get(user=request.user, keyring=request.keyring, person_id=person_id)


def _back(request: AuthenticatedHttpRequest, view: PersonView) -> str:
    """Back where the comment was opened from (an action's page), else the person's comments."""
    return safe_next(request, default_url=reverse("persons:detail", args=[view.person.pk]) + "#commentaires")


@require_http_methods(["GET", "POST"])
@member_required(roles=COMMENT_ROLES)
def comment_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    family = person_has_family(view.person, request.keyring)
    form = CommentForm(request.POST or None, family=family, initial={"date": timezone.now()})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_create(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                team=current_team(request),
                request=request,
                **form.values(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Commentaire enregistré."))
            return redirect(_back(request, view))
    return render(request, "persons/comment_form.html", {"form": form, "view": view})


@require_http_methods(["GET", "POST"])
@member_required(roles=COMMENT_ROLES)
def comment_edit_view(request: AuthenticatedHttpRequest, person_id: UUID, comment_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    try:
        comment = selectors.comment_get(user=request.user, person=view.person, comment_id=comment_id)
    except Http404:
        gone = selectors.comment_was_deleted(user=request.user, person=view.person, comment_id=comment_id)
        if request.method == "POST" and gone:
            return _conflict(request, view, comment_id, family=bool(request.POST.get("family")))
        raise
    entry = selectors.comment_entry(comment, request.keyring)
    initial = {"text": entry.text, "date": entry.moment, "urgent": entry.urgent, "family": entry.family}
    family = entry.family or person_has_family(view.person, request.keyring)
    form = CommentForm(request.POST or None, family=family, initial={**initial, "version": comment.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(
                user=request.user,
                keyring=request.keyring,
                comment=comment,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
                **form.values(),
            )
        except ConflictError:
            return _conflict(request, view, comment_id, family)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Commentaire mis à jour."))
            return redirect(_back(request, view))
    return render(request, "persons/comment_form.html", {"form": form, "view": view, "entry": entry})


def _conflict(request: AuthenticatedHttpRequest, view: PersonView, comment_id: UUID, family: bool) -> HttpResponse:
    """Nothing was overwritten: show the saved version and keep what the user typed, on the new version."""
    latest = Comment.objects.filter(pk=comment_id, person=view.person, deleted_at=None).first()
    data = request.POST.copy()
    data["version"] = str(latest.version) if latest else ""
    form = CommentForm(data, family=family)
    form.is_valid()
    entry = selectors.comment_entry(latest, request.keyring) if latest else None
    context = {"form": form, "view": view, "conflict": True, "entry": entry}
    return render(request, "persons/comment_form.html", context, status=409)


@require_http_methods(["GET", "POST"])
@member_required(roles=COMMENT_ROLES)
def comment_delete_view(request: AuthenticatedHttpRequest, person_id: UUID, comment_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    comment = selectors.comment_get(user=request.user, person=view.person, comment_id=comment_id)
    if request.method == "POST":
        # Only the confirmation form deletes; any other POST goes back to it.
        if request.POST.get("confirm") != "1":
            return redirect(request.path)
        services.comment_delete(user=request.user, keyring=request.keyring, comment=comment, request=request)
        messages.success(request, _("Commentaire supprimé."))
        return redirect(_back(request, view))
    entry = selectors.comment_entry(comment, request.keyring)
    return render(request, "persons/comment_delete.html", {"view": view, "entry": entry})


@require_http_methods(["GET"])
@member_required(roles=COMMENT_ROLES)
def comment_list_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _person(request, person_id)
    timeline = selectors.comment_timeline(
        user=request.user, keyring=request.keyring, person=view.person, page=page_number(request.GET.get("page"))
    )
    return render(request, "persons/comment_list.html", {"view": view, "timeline": timeline})
