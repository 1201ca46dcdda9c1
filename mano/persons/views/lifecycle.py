"""Lifecycle pages of a person: out of / back into the active list, merge two files, delete a file."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mano.accounts.selectors import current_team
from mano.core.dates import DATE_OUT_OF_RANGE, in_range
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version
from mano.core.records import ConflictError
from mano.core.search_param import search_of, see_other
from mano.persons import custom_fields
from mano.persons.forms import DateInput, check_range
from mano.persons.selectors.lifecycle import MergeRow, merge_rows, person_choices
from mano.persons.selectors.persons import PersonView, person_get
from mano.persons.services import lifecycle as services

FULL_ROLES = ("admin", "normal")
MAX_QUERY = 200
WRONG_NAME = _("Le texte renseigné est incorrect")
CONFIRM_REQUIRED = _("Cochez la case pour confirmer : cette opération est irréversible.")
CHANGED = _(
    "Quelqu’un a modifié ce dossier pendant que vous remplissiez ce formulaire : rien n’a été enregistré. "
    "La page montre maintenant la version à jour, avec ce que vous aviez saisi ; vérifiez puis validez de nouveau."
)
NO_TEAM = _("Choisissez d’abord l’équipe pour laquelle vous travaillez.")
INCOMPLETE = _("Le formulaire est incomplet : rechargez la page et recommencez.")


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE})


def _get(request: AuthenticatedHttpRequest, person_id: UUID) -> PersonView:
    return person_get(user=request.user, keyring=request.keyring, person_id=person_id)


def _with_version(request: AuthenticatedHttpRequest, **versions: int) -> QueryDict:
    """What the user typed, resubmittable on the versions just read (a conflict keeps the input)."""
    data = request.POST.copy()
    for key, value in versions.items():
        data[key] = str(value)
    return data


class ActiveListExitForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Veuillez préciser le(s) motif(s) de sortie"), required=False, widget=forms.CheckboxSelectMultiple
    )
    date = forms.DateField(label=_("Date de sortie"), widget=DateInput())
    version = _version_field()

    def __init__(self, *args: Any, reasons: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reasons"]
        field.choices = [(r, r) for r in reasons]  # type: ignore[attr-defined]
        field.required = bool(reasons)
        field.error_messages["required"] = services.REASON_REQUIRED

    def clean_date(self) -> Any:
        return check_range(self.cleaned_data.get("date"))


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def active_list_exit_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view, team = _get(request, person_id), current_team(request)
    if team is None:
        messages.error(request, NO_TEAM)
        return redirect("persons:detail", person_id=person_id)
    current = (view.data.get("out_of_active_list") or {}).get(str(team.pk)) or {}
    initial = {"date": current.get("date") or timezone.localdate(), "reasons": current.get("reasons", [])}
    reasons = list(request.user.organisation.active_list_reasons)  # type: ignore[union-attr]
    form = ActiveListExitForm(
        request.POST if request.method == "POST" else None,
        reasons=reasons,
        initial={**initial, "version": view.person.version},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.person_leave_active_list(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                team=team,
                reasons=form.cleaned_data["reasons"],
                day=form.cleaned_data["date"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ConflictError:
            view = _get(request, person_id)
            form = ActiveListExitForm(_with_version(request, version=view.person.version), reasons=reasons)
            messages.error(request, CHANGED)
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La personne est sortie de la file active de l’équipe."))
            return redirect("persons:detail", person_id=person_id)
    context = {"view": view, "form": form, "team": team}
    return render(request, "persons/lifecycle_exit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def active_list_rejoin_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view, team = _get(request, person_id), current_team(request)
    if team is None:
        messages.error(request, NO_TEAM)
        return redirect("persons:detail", person_id=person_id)
    if request.method == "POST":
        try:
            services.person_rejoin_active_list(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                team=team,
                expected_version=posted_version(request),
                request=request,
            )
        except ConflictError:
            messages.error(request, CHANGED)
            return redirect("persons:active-in", person_id=person_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("persons:detail", person_id=person_id)
        messages.success(request, _("La personne est réintégrée dans la file active de l’équipe."))
        return redirect("persons:detail", person_id=person_id)
    current = (view.data.get("out_of_active_list") or {}).get(str(team.pk))
    return render(request, "persons/lifecycle_rejoin.html", {"view": view, "team": team, "exit": current})


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def merge_choose_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _get(request, person_id)
    search = search_of(request, limit=MAX_QUERY)
    if request.method == "POST":  # the person search posts, so that the typed words never reach a URL
        return see_other(request, search.pairs())
    rows = person_choices(user=request.user, keyring=request.keyring, query=search.text, exclude=view.person.pk)
    choices = [(row, f"{row.person_id}/") for row in rows]
    context = {"view": view, "query": search.text, "choices": choices}
    return render(request, "persons/lifecycle_merge_choose.html", context)


def _override_field(row: MergeRow) -> forms.Field:
    kind = row.definition["type"]
    if row.custom:
        field = custom_fields.form_field({**row.definition, "required": False})
    elif kind == "date":
        field = forms.DateField(widget=DateInput())
    elif kind == "email":
        field = forms.EmailField(max_length=254)
    elif kind == "textarea":
        field = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))
    else:
        field = forms.CharField(max_length=300)
    field.required = False
    field.label = _("Autre valeur pour « %(label)s »") % {"label": row.label}
    return field


class MergeForm(forms.Form):
    """One radio (left / right) and, for free-text types, an override per field; versions of both files."""

    left_version = _version_field()
    right_version = _version_field()
    confirm = forms.BooleanField(
        label=_("Cette opération est irréversible : je confirme la fusion des deux dossiers."),
        error_messages={"required": CONFIRM_REQUIRED},
    )

    def __init__(self, *args: Any, rows: list[MergeRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"pick_{row.name}"] = forms.ChoiceField(
                label=row.label,
                choices=[("left", row.left_text), ("right", row.right_text)],
                initial=row.default,
                widget=forms.RadioSelect,
            )
            if row.overridable:
                self.fields[f"value_{row.name}"] = _override_field(row)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.fixed: dict[str, Any] = {}
        self.custom: dict[str, Any] = {}
        for row in self.rows:
            override = cleaned.get(f"value_{row.name}")
            picked = row.left if cleaned.get(f"pick_{row.name}") == "left" else row.right
            value = custom_fields.to_payload(override) if override not in (None, "") else picked
            if isinstance(override, date) and not in_range(override):
                self.add_error(f"value_{row.name}", DATE_OUT_OF_RANGE)
            if row.name == "f_name" and not str(value or "").strip():
                self.add_error(f"pick_{row.name}", services.NAME_REQUIRED)
            (self.custom if row.custom else self.fixed)[row.key] = value
        return cleaned

    def bound_rows(self) -> list[tuple[MergeRow, forms.BoundField, forms.BoundField | None]]:
        return [(r, self[f"pick_{r.name}"], self[f"value_{r.name}"] if r.overridable else None) for r in self.rows]


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def merge_view(request: AuthenticatedHttpRequest, person_id: UUID, other_id: UUID) -> HttpResponse:
    left, right = _get(request, person_id), _get(request, other_id)
    if left.person.pk == right.person.pk:
        messages.error(request, services.MERGE_ITSELF)
        return redirect("persons:merge-choose", person_id=person_id)
    groups = request.user.organisation.person_field_groups  # type: ignore[union-attr]
    versions = {"left_version": left.person.version, "right_version": right.person.version}
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        rows=merge_rows(groups=groups, left=left, right=right),
        initial=versions,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.person_merge(
                user=request.user,
                keyring=request.keyring,
                kept=left.person,
                other=right.person,
                fixed=form.fixed,
                custom=form.custom,
                kept_version=form.cleaned_data["left_version"],
                other_version=form.cleaned_data["right_version"],
                request=request,
            )
        except ConflictError:
            left, right = _get(request, person_id), _get(request, other_id)
            data = _with_version(request, left_version=left.person.version, right_version=right.person.version)
            form = MergeForm(data, rows=merge_rows(groups=groups, left=left, right=right))
            messages.error(request, CHANGED)
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Fusion réussie !"))
            return redirect("persons:detail", person_id=person_id)
    context = {"left": left, "right": right, "form": form}
    return render(request, "persons/lifecycle_merge.html", context, status=status)


class DeleteForm(forms.Form):
    name = forms.CharField(max_length=300, error_messages={"required": WRONG_NAME})
    version = _version_field()

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected.strip()
        self.fields["name"].label = _("Pour confirmer, tapez le nom de la personne : %(name)s") % {"name": expected}

    def clean_name(self) -> str:
        if self.cleaned_data["name"] != self.expected:
            raise forms.ValidationError(WRONG_NAME)
        return str(self.cleaned_data["name"])


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def person_delete_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = _get(request, person_id)
    form = DeleteForm(
        request.POST if request.method == "POST" else None, expected=view.name, initial={"version": view.person.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.person_delete(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ConflictError:
            view = _get(request, person_id)
            form = DeleteForm(_with_version(request, version=view.person.version), expected=view.name)
            messages.error(request, CHANGED)
            status = 409
        else:
            messages.success(request, _("Suppression réussie"))
            return redirect("persons:list")
    return render(request, "persons/lifecycle_delete.html", {"view": view, "form": form}, status=status)
