"""Consultation pages: create (from a person page, the agenda or the reception desk), open and edit, duplicate,
delete. Only health professionals reach them; a private consultation of a colleague answers 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from mano.agenda.forms_recurrence import RecurrenceForm, add_errors, start_of
from mano.core.conflict import conflict_page
from mano.core.http import AuthenticatedHttpRequest, posted_version, safe_next
from mano.core.records import ConflictError
from mano.medical import selectors
from mano.medical.access import health_required
from mano.medical.forms import ConsultationForm, MedicalCommentForm
from mano.medical.models import Consultation, Status
from mano.medical.services import consultations as services
from mano.medical.views.common import opened
from mano.persons import custom_fields
from mano.persons.selectors.persons import person_get


def _form(request: AuthenticatedHttpRequest, **kwargs: Any) -> ConsultationForm:
    return ConsultationForm(request.POST or None, organisation=request.user.organisation, **kwargs)  # type: ignore[arg-type]


def _types(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return request.user.organisation.consultation_types  # type: ignore[union-attr]


@require_http_methods(["GET", "POST"])
@health_required
def consultation_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    initial: dict[str, Any] = {"due_at": timezone.localtime().replace(second=0, microsecond=0)}
    teams = list(request.user.organisation.teams.all())  # type: ignore[union-attr]
    if len(teams) == 1:
        initial["teams"] = teams
    source = request.GET.get("dupliquer", "")
    if source:
        try:
            original, _data = selectors.consultation_get(
                user=request.user, keyring=request.keyring, consultation_id=UUID(source)
            )
        except ValueError as exc:
            raise Http404 from exc
        initial.update(services.duplicate_values(original, request.keyring))
    form = _form(request, initial=initial)
    repeat = RecurrenceForm(request.POST or None, start=start_of(request.POST or None, timezone.localdate()))
    if request.method == "POST" and form.is_valid() and repeat.is_valid():
        ok, rule = repeat.rule_from(form.cleaned_data["due_at"])
        try:
            created = (
                services.consultations_create(
                    user=request.user, keyring=request.keyring, person=view.person, values=form.values(), rule=rule
                )
                if ok
                else []
            )
        except ValidationError as exc:
            add_errors(exc, form, repeat)
        else:
            if created:
                count = len(created)
                messages.success(
                    request,
                    ngettext("Consultation enregistrée.", "%(count)s consultations enregistrées.", count)
                    % {"count": count},
                )
                default = reverse("medical:consultation", args=[created[0].pk])
                return redirect(safe_next(request, default_url=default))
    context = {
        "form": form,
        "active_types": services.active_types(request.user.organisation),
        "repeat": repeat,
        "view": view,
        "creating": True,
        "types": _types(request),
        "repeat_help": _("Toutes les consultations sont créées d’un coup ; chacune se modifie ensuite seule."),
    }
    return render(request, "medical/consultation_form.html", context)


HISTORY_LABELS = {
    "type": gettext_lazy("Type"),
    "name": gettext_lazy("Nom"),
    "status": gettext_lazy("Statut"),
    "due_at": gettext_lazy("Date prévue"),
    "completed_at": gettext_lazy("Date réalisée"),
    "teams": gettext_lazy("Équipe(s) en charge"),
    "only_me": gettext_lazy("Seulement visible par moi"),
}


def _history_labels(types: list[dict[str, Any]]) -> dict[str, Any]:
    fields = {f"custom.{f['key']}": f["label"] for t in types for f in t.get("fields", [])}
    return {**HISTORY_LABELS, **fields}


def _saved(consultation: Consultation, data: dict[str, Any], types: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    fields: list[dict[str, Any]] = next((t["fields"] for t in types if t["name"] == data.get("type")), [])
    return [
        (_("Type"), data.get("type") or "—"),
        (_("Nom"), data.get("name") or "—"),
        (_("Statut"), consultation.get_status_display()),
        (_("Date prévue"), timezone.localtime(consultation.due_at).strftime("%d/%m/%Y %H:%M")),
        *[(f["label"], custom_fields.display(f, (data.get("custom") or {}).get(f["key"])) or "—") for f in fields],
    ]


@require_http_methods(["GET", "POST"])
@health_required
def consultation_view(request: AuthenticatedHttpRequest, consultation_id: UUID) -> HttpResponse:
    consultation, data = selectors.consultation_get(
        user=request.user, keyring=request.keyring, consultation_id=consultation_id
    )
    view = selectors.person_of(request.user, request.keyring, data)
    opened(request, view.person)
    initial = {
        "type": data.get("type"),
        "name": data.get("name"),
        "status": consultation.status,
        "due_at": timezone.localtime(consultation.due_at),
        "completed_at": timezone.localtime(consultation.completed_at) if consultation.completed_at else None,
        "teams": list(consultation.teams.all()),
        "only_me": consultation.only_visible_by_id is not None,
        "version": consultation.version,
        **{f"c_{k}": v for k, v in (data.get("custom") or {}).items()},
    }
    form = _form(request, initial=initial, current_type=data.get("type"))
    context = {
        "form": form,
        "view": view,
        "consultation": consultation,
        "data": data,
        "types": _types(request),
        "comments": selectors.subject_comments(
            request.user, request.keyring, view.person, "consultation", consultation.pk
        ),
        "comment_form": MedicalCommentForm(),
        "documents": selectors.subject_documents(
            request.user, request.keyring, view.person, "consultation", consultation.pk
        ),
        "history": list(reversed(data.get("history") or [])),
        "history_labels": _history_labels(_types(request)),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                user=request.user,
                keyring=request.keyring,
                consultation=consultation,
                values=form.values(),
                expected_version=posted_version(request),
            )
        except ConflictError:
            fresh, fresh_data = selectors.consultation_get(
                user=request.user, keyring=request.keyring, consultation_id=consultation_id
            )
            saved = _saved(fresh, fresh_data, _types(request))
            return conflict_page(
                request,
                "medical/consultation_form.html",
                form,
                version=fresh.version,
                saved=saved,
                **{k: v for k, v in context.items() if k != "form"},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = form.cleaned_data["status"] == Status.DONE
            messages.success(request, _("Consultation faite.") if done else _("Consultation enregistrée."))
            return redirect(
                safe_next(request, default_url=reverse("persons:detail", args=[view.person.pk]) + "#medical")
            )
    return render(request, "medical/consultation_form.html", context)


@require_http_methods(["GET", "POST"])
@health_required
def consultation_delete_view(request: AuthenticatedHttpRequest, consultation_id: UUID) -> HttpResponse:
    consultation, data = selectors.consultation_get(
        user=request.user, keyring=request.keyring, consultation_id=consultation_id
    )
    view = selectors.person_of(request.user, request.keyring, data)
    if request.method == "POST":
        try:
            services.consultation_delete(
                user=request.user,
                keyring=request.keyring,
                consultation=consultation,
                expected_version=posted_version(request),
            )
        except ConflictError:
            messages.error(
                request, _("Cette consultation a été modifiée entre-temps : vérifiez-la avant de la supprimer.")
            )
            return redirect("medical:consultation", consultation_id=consultation_id)
        messages.success(request, _("Consultation supprimée."))
        return redirect(reverse("persons:detail", args=[view.person.pk]) + "#medical")
    context = {"consultation": consultation, "data": data, "view": view}
    return render(request, "medical/consultation_delete.html", context)
