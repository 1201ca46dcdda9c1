"""Passage and rencontre pages: add for one person or many (or anonymous passages), edit, delete, lists.

One set of views serves both kinds: the URL patterns pass `kind` ("passage" or "rencontre").
"""

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

from mano.accounts.models import Team
from mano.accounts.selectors import current_team
from mano.core.http import AuthenticatedHttpRequest, member_required, safe_next
from mano.core.records import ConflictError
from mano.core.search_param import is_search_post, search_of, see_other
from mano.persons.forms import check_range
from mano.persons.models import Passage, Person, Rencontre
from mano.persons.selectors import passages as selectors
from mano.persons.selectors.persons import person_get, persons_of
from mano.persons.services import passages as services
from mano.persons.views.comments import DateTimeInput, add_errors

WRITE_ROLES = ("admin", "normal", "restricted")
DELETE_ROLES = ("admin", "normal")
SAVED = {
    ("passage", False): _("Passage enregistré !"),
    ("passage", True): _("Passages enregistrés !"),
    ("rencontre", False): _("Rencontre enregistrée !"),
    ("rencontre", True): _("Rencontres enregistrées !"),
}
UPDATED = {"passage": _("Passage mis à jour."), "rencontre": _("Rencontre mise à jour.")}


class EncounterForm(forms.Form):
    date = forms.DateTimeField(
        label=_("Date"), widget=DateTimeInput(), error_messages={"required": services.DATE_REQUIRED}
    )
    team = forms.ModelChoiceField(
        label=_("Sous l'équipe"),
        queryset=Team.objects.none(),
        empty_label="—",
        error_messages={"required": services.TEAM_REQUIRED},
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=services.MAX_COMMENT, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]

    def clean_date(self) -> datetime | None:
        return check_range(self.cleaned_data.get("date"))  # type: ignore[return-value]


# One transaction writes every passage: keep it short enough not to block the other writers.
MAX_PERSONS = 100
MAX_QUERY = 100


class BulkForm(EncounterForm):
    """Several persons at once, or anonymous passages. Person checkboxes are drawn by the template."""

    kind = forms.ChoiceField(label=_("Type"))
    persons = forms.ModelMultipleChoiceField(label=_("Personnes"), queryset=Person.objects.none(), required=False)
    anonymous = forms.BooleanField(label=_("Passage anonyme"), required=False)
    anonymous_count = forms.IntegerField(
        label=_("Nombre de passages anonymes"),
        required=False,
        min_value=1,
        max_value=services.MAX_ANONYMOUS,
        error_messages={"min_value": services.COUNT_RANGE, "max_value": services.COUNT_RANGE},
    )
    field_order = ["kind", "persons", "anonymous", "anonymous_count", "date", "team", "comment"]

    def __init__(self, *args: Any, user: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, organisation=user.organisation, **kwargs)
        self.fields["kind"].choices = [(k, _("Passage") if k == "passage" else _("Rencontre")) for k in kinds]  # type: ignore[attr-defined]
        self.fields["persons"].queryset = persons_of(user)  # type: ignore[attr-defined]
        if "passage" not in kinds:
            del self.fields["anonymous"], self.fields["anonymous_count"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        anonymous = data.get("anonymous")
        if anonymous and data.get("kind") == "rencontre":
            self.add_error("anonymous", _("Une rencontre ne peut pas être anonyme."))
        elif anonymous and not data.get("anonymous_count") and "anonymous_count" not in self.errors:
            self.add_error("anonymous_count", services.COUNT_REQUIRED)
        if not anonymous and not data.get("persons") and "persons" not in self.errors:
            self.add_error("persons", services.PERSON_REQUIRED)
        if len(data.get("persons") or []) > MAX_PERSONS:
            self.add_error("persons", _("Au plus %(n)d personnes à la fois.") % {"n": MAX_PERSONS})
        return data


def _enabled(request: AuthenticatedHttpRequest, kind: str) -> None:
    if kind not in selectors.enabled_kinds(request.user.organisation):  # type: ignore[arg-type]
        raise Http404


def _back(record: Passage | Rencontre) -> str:
    if record.person_id is None:
        return reverse("persons:passages")
    return reverse("persons:detail", args=[record.person_id]) + "#passages"


@require_http_methods(["GET", "POST"])
@member_required(roles=WRITE_ROLES)
def encounter_add_view(request: AuthenticatedHttpRequest, person_id: UUID, kind: str) -> HttpResponse:
    _enabled(request, kind)
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    initial = {"date": timezone.now(), "team": current_team(request)}
    form = EncounterForm(request.POST or None, organisation=request.user.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.encounters_create(
                user=request.user,
                keyring=request.keyring,
                kind=kind,
                persons=[view.person],
                team=form.cleaned_data["team"],
                date=form.cleaned_data["date"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, SAVED[(kind, False)])
            return redirect(reverse("persons:detail", args=[person_id]) + "#passages")
    context = {"form": form, "kind": kind, "person_name": view.name, "person_id": person_id}
    return render(request, "persons/passage_form.html", context)


@require_http_methods(["GET", "POST"])
@member_required(roles=WRITE_ROLES)
def encounter_edit_view(request: AuthenticatedHttpRequest, record_id: UUID, kind: str) -> HttpResponse:
    record = selectors.encounter_get(user=request.user, kind=kind, record_id=record_id)
    row = selectors.encounter_row(user=request.user, keyring=request.keyring, kind=kind, record=record)
    initial = {"date": record.date, "team": record.team, "comment": row.comment, "version": record.version}
    form = EncounterForm(request.POST or None, organisation=request.user.organisation, initial=initial)
    # Opened from the reception desk (or any page of the site), the edit goes back there.
    back = safe_next(request, default_url=_back(record))
    context: dict[str, Any] = {"form": form, "kind": kind, "row": row, "person_name": row.person_name, "back": back}
    if request.method == "POST" and form.is_valid():
        try:
            services.encounter_update(
                user=request.user,
                keyring=request.keyring,
                record=record,
                expected_version=form.cleaned_data["version"] or 0,
                team=form.cleaned_data["team"],
                date=form.cleaned_data["date"],
                comment=form.cleaned_data["comment"],
            )
        except ConflictError:
            return _conflict(request, kind, record, context)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, UPDATED[kind])
            return redirect(back)
    return render(request, "persons/passage_form.html", context)


def _conflict(
    request: AuthenticatedHttpRequest, kind: str, record: Passage | Rencontre, context: dict[str, Any]
) -> HttpResponse:
    """Show what is saved now; the form keeps what the user typed and resubmits on the new version."""
    latest = type(record).objects.filter(pk=record.pk, deleted_at=None).select_related("team").first()
    if latest is None:
        messages.error(request, _("Cet élément a été supprimé entre-temps : rien n’a été enregistré."))
        return redirect(context["back"])
    data = request.POST.copy()
    data["version"] = str(latest.version)
    form = EncounterForm(data, organisation=request.user.organisation)
    form.is_valid()
    latest_row = selectors.encounter_row(user=request.user, keyring=request.keyring, kind=kind, record=latest)
    context = {**context, "form": form, "latest": latest_row}
    return render(request, "persons/passage_form.html", context, status=409)


@require_http_methods(["GET", "POST"])
@member_required(roles=DELETE_ROLES)
def encounter_delete_view(request: AuthenticatedHttpRequest, record_id: UUID, kind: str) -> HttpResponse:
    record = selectors.encounter_get(user=request.user, kind=kind, record_id=record_id)
    back = safe_next(request, default_url=_back(record))  # the reception desk, when opened from it
    if request.method == "POST":
        # Only the confirmation form deletes; any other POST goes back to it.
        if request.POST.get("confirm") != "1":
            return redirect(request.path)
        services.encounter_delete(user=request.user, keyring=request.keyring, record=record, request=request)
        messages.success(request, _("Suppression réussie."))
        return redirect(back)
    row = selectors.encounter_row(user=request.user, keyring=request.keyring, kind=kind, record=record)
    return render(request, "persons/passage_delete.html", {"row": row, "kind": kind, "back": back})


@require_http_methods(["GET"])
@member_required(roles=WRITE_ROLES)
def person_encounters_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    kinds = selectors.enabled_kinds(request.user.organisation)  # type: ignore[arg-type]
    kind = request.GET.get("type", "")
    kind = kind if kind in kinds else (kinds[0] if kinds else "")
    _enabled(request, kind)
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    page = selectors.person_encounters(
        user=request.user, keyring=request.keyring, person=view.person, kind=kind, page=request.GET.get("page")
    )
    context = {
        "view": view,
        "page": page,
        "kind": kind,
        "kinds": kinds,
        "can_delete": request.user.role in DELETE_ROLES,
    }
    return render(request, "persons/passage_list.html", context)


@require_http_methods(["GET", "POST"])
@member_required(roles=WRITE_ROLES)
def passages_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Passages or rencontres for several persons at once, anonymous passages, and today's list of the team."""
    kinds = selectors.enabled_kinds(request.user.organisation)  # type: ignore[arg-type]
    if not kinds:
        raise Http404
    search = search_of(request, limit=MAX_QUERY)
    if is_search_post(request):  # the name filter posts, so that the typed words never reach a URL
        return see_other(request, search.pairs())
    team = current_team(request)
    initial = {"kind": kinds[0], "date": timezone.now(), "team": team}
    form = BulkForm(request.POST or None, user=request.user, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.encounters_create(
                user=request.user,
                keyring=request.keyring,
                kind=data["kind"],
                persons=data["persons"],
                anonymous_count=data["anonymous_count"] if data.get("anonymous") else None,
                team=data["team"],
                date=data["date"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, SAVED[(data["kind"], len(created) > 1)])
            return redirect(request.get_full_path())
    query = search.text
    choices = selectors.team_person_choices(user=request.user, keyring=request.keyring, team=team, query=query)
    today = selectors.day_encounters(user=request.user, keyring=request.keyring, team=team)
    checked = {str(v) for v in (form["persons"].value() or [])}
    context = {"form": form, "choices": choices, "checked": checked, "query": query, "today": today, "team": team}
    context["can_delete"] = request.user.role in DELETE_ROLES
    return render(request, "persons/passage_bulk.html", context)
