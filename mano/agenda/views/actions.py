"""Creating actions for one or several persons, editing them, one-tap status."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts.selectors import current_team
from mano.agenda import selectors, series, services
from mano.agenda.action_page import action_page
from mano.agenda.days import agenda_day_of
from mano.agenda.family import family_field_keep
from mano.agenda.forms import ActionEditForm, ActionForm
from mano.agenda.forms_recurrence import RecurrenceForm, ScopeForm, add_errors, scope_of, start_of
from mano.agenda.models import Status
from mano.agenda.views.common import CHANGED_MEANWHILE, ROLES, asked_day, uuids
from mano.agenda.views.person_options import FOUND
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version, safe_next
from mano.core.records import ConflictError
from mano.persons.index import card_names
from mano.persons.selectors.persons import person_search, persons_of


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def action_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = [*request.POST.getlist("persons"), *request.POST.getlist(FOUND)] or request.GET.getlist("personne")
    # "Chercher" posts the whole form: what is typed and ticked stays while more persons are added.
    searching = request.method == "POST" and "chercher" in request.POST
    # Posted, never in the URL: typed names would otherwise reach browser history and proxies.
    query = request.POST.get("q", "").strip()[:100] if searching else ""
    found = (
        [r.person_id for r in person_search(user=request.user, keyring=request.keyring, query=query, page=1)][:20]
        if query
        else []
    )
    candidates = persons_of(request.user).filter(pk__in=[*uuids(chosen), *found])
    team = current_team(request)
    night = bool(team and team.night_team)
    due = timezone.localtime()
    # A day of the agenda: at nine, or nine at night for a night team, which also gets tonight (or, after
    # midnight, the night still going on) rather than "now", whose date may be the next night's.
    if (day := asked_day(request.GET.get("jour", ""))) or night:
        day = day or agenda_day_of(timezone.now(), night=True)
        due = timezone.make_aware(datetime.combine(day, time(21 if night else 9)))
    initial = {"persons": uuids(chosen), "teams": [team] if team else [], "due_at": due}
    posted = None
    if request.method == "POST":
        posted = request.POST.copy()
        posted.setlist("persons", chosen)  # ticked in the form and among the live results alike
    form = ActionForm(
        posted,
        persons=candidates,
        organisation=request.user.organisation,
        restricted=request.user.role == "restricted",
        initial=initial,
    )
    names = card_names(request.user.organisation_id, candidates.values_list("pk", flat=True), request.keyring)
    form.fields["persons"].label_from_instance = lambda p: names.get(p.pk, "?")  # type: ignore[attr-defined]
    if candidates:
        family_field_keep(form, user=request.user, keyring=request.keyring, persons=candidates, current=False)
    else:
        form.fields["persons"].help_text = _("Cochez les personnes trouvées par la recherche, au-dessus.")
        if not request.user.organisation.families_enabled:  # type: ignore[union-attr]
            form.fields.pop("family", None)  # no person yet: those found while typing may have a family
    repeat = RecurrenceForm(request.POST or None, start=start_of(request.POST or None, timezone.localdate(due)))
    if searching:
        form, repeat = _unbound(form), _unbound(repeat)
    valid = [form.is_valid(), repeat.is_valid()]  # both, so that every error shows at once
    checked: tuple[bool, Any] = (False, None)
    if request.method == "POST" and valid[1] and "due_at" in getattr(form, "cleaned_data", {}):
        checked = repeat.rule_from(form.cleaned_data["due_at"])  # the rule's errors too, even if the form has some
    if request.method == "POST" and valid[0] and checked[0]:
        data = form.cleaned_data
        try:
            created = services.actions_create(
                user=request.user,
                keyring=request.keyring,
                persons=data["persons"],
                comment=data.get("comment", ""),
                recurrence=checked[1],
                **form.action_fields(),
                request=request,
            )
        except ValidationError as exc:
            add_errors(exc, form, repeat)
        else:
            count = len(created)
            shown = number_format(count, force_grouping=True)  # "1 821", not "1821"
            messages.success(request, ngettext("Action créée.", "%(count)s actions créées.", count) % {"count": shown})
            return redirect(safe_next(request, "agenda:day"))
    context = {"form": form, "query": query, "creating": True, "repeat": repeat}
    return render(request, "agenda/form.html", context)


def _unbound(form: Any) -> Any:
    """The same form, showing what was typed as its initial values and no errors (nothing is saved)."""
    typed = {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    form.is_bound, form.data, form.initial = False, {}, {**form.initial, **typed}
    return form


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def action_edit_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    action = row.action
    initial = {
        **row.data,
        "categories": row.data.get("categories") or [],
        "due_at": action.due_at,
        "with_time": action.with_time,
        "urgent": action.urgent,
        "teams": list(action.teams.all()),
        "status": action.status,
        "completed_at": action.completed_at,
        "version": action.version,
    }
    form = ActionEditForm(
        request.POST or None,
        persons=None,
        organisation=request.user.organisation,
        restricted=request.user.role == "restricted",
        initial=initial,
    )
    family_field_keep(
        form, user=request.user, keyring=request.keyring, persons=[action.person], current=bool(row.data.get("family"))
    )
    status, conflict, was = 200, None, action.status
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update(
                user=request.user,
                keyring=request.keyring,
                action=action,
                expected_version=data["version"],
                status=data["status"],
                completed_at=data["completed_at"],
                scope=scope_of(request.POST),
                request=request,
                **form.action_fields(),
            )
        except ConflictError:
            messages.error(
                request,
                _(
                    "Quelqu’un a modifié cette action entre-temps : rien n’a été écrasé. Votre saisie est restée dans "
                    "le formulaire ; comparez-la avec la version enregistrée ci-dessous avant d’enregistrer à nouveau."
                ),
            )
            fresh = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
            resubmitted = cast(QueryDict, form.data).copy()  # the form is bound to request.POST
            resubmitted["version"] = str(fresh.action.version)
            form.data = resubmitted
            conflict = _saved_differences(fresh, data, form, restricted=request.user.role == "restricted")
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if data["status"] == Status.CANCELLED and was != Status.CANCELLED:
                # The action page offers "Dupliquer pour une date ultérieure" on a cancelled action.
                messages.success(request, _("Action annulée. Vous pouvez la dupliquer pour une date ultérieure."))
                back = urlencode({"next": safe_next(request, "agenda:day")})
                return redirect(f"{reverse('agenda:edit', args=[action.pk])}?{back}")
            messages.success(request, _("Action enregistrée."))
            return redirect(safe_next(request, "agenda:day"))
    context = {
        "form": form,
        "row": row,
        "conflict": conflict,
        **action_page(request, row),
        **_series_context(request, row),
    }
    return render(request, "agenda/form.html", context, status=status)


def _saved_differences(
    fresh: selectors.ActionRow, typed: dict[str, Any], form: ActionEditForm, *, restricted: bool
) -> list[tuple[str, str]]:
    """What the other person saved that differs from what this user typed, as (label, saved value)."""
    action = fresh.action
    saved: dict[str, Any] = {
        "name": fresh.name,
        "status": action.get_status_display(),
        "due_at": timezone.localtime(action.due_at).strftime("%d/%m/%Y %H:%M"),
        "teams": ", ".join(sorted(t.name for t in action.teams.all())),
        "urgent": _("oui") if action.urgent else _("non"),
        "categories": ", ".join(fresh.data.get("categories") or []),
    }
    mine: dict[str, Any] = {
        "name": typed["name"].strip(),
        "status": dict(Status.choices).get(typed["status"], ""),
        "due_at": timezone.localtime(services.day_only(typed["due_at"], typed["with_time"])).strftime("%d/%m/%Y %H:%M"),
        "teams": ", ".join(sorted(t.name for t in typed["teams"])),
        "urgent": _("oui") if typed["urgent"] else _("non"),
        "categories": ", ".join(form.category_list()),
    }
    if not restricted:
        saved["description"] = str(fresh.data.get("description") or "")
        mine["description"] = typed.get("description", "").strip()
    return [(str(form.fields[key].label), value or "—") for key, value in saved.items() if value != mine[key]]


def _series_context(request: AuthenticatedHttpRequest, row: selectors.ActionRow) -> dict[str, Any]:
    """The rule in words and the "this one / the following ones" choice of an occurrence; the delete link."""
    context: dict[str, Any] = {
        "can_delete": request.user.role in services.DELETE_ROLES,
        "can_repeat": row.action.status == Status.TODO,
    }
    if row.action.recurrence_id:
        context["rule_text"] = series.rule_text(row.action, row.data)
        context["scope_form"] = ScopeForm(request.POST or None)
    return context


@require_POST
@member_required(roles=ROLES)
def action_status_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    status = request.POST.get("status", "")
    if status not in Status.values:
        messages.error(request, _("Statut inconnu."))
    else:
        try:
            services.action_set_status(
                user=request.user,
                keyring=request.keyring,
                action=row.action,
                status=status,
                expected_version=posted_version(request),
                request=request,
            )
        except ConflictError:
            messages.error(request, CHANGED_MEANWHILE)
        else:
            messages.success(request, _("Statut mis à jour."))
    return redirect(safe_next(request, "agenda:day"))
