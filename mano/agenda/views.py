"""The agenda: day view, creating actions for one or several persons, editing, one-tap status."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts.selectors import current_team
from mano.agenda import priorities, selectors, services
from mano.agenda.days import agenda_day_of
from mano.agenda.forms import ActionEditForm, ActionForm
from mano.agenda.models import Action, Status
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version, safe_next
from mano.core.records import ConflictError
from mano.persons.index import card_names
from mano.persons.models import Comment
from mano.persons.selectors.persons import person_search, persons_of

ROLES = ("admin", "normal", "restricted")
STATUS_FILTERS = {
    "todo": [Status.TODO],
    "done": [Status.DONE],
    "cancelled": [Status.CANCELLED],
    "all": [Status.TODO, Status.DONE, Status.CANCELLED],
}


def _day(request: AuthenticatedHttpRequest, night: bool) -> date:
    try:
        return date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        return agenda_day_of(timezone.now(), night=night)


def _scope(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The filters every agenda view shares, read from the URL: team or whole organisation, status."""
    team = current_team(request)
    whole = request.GET.get("equipe") == "toutes"
    teams = [] if whole or team is None else [team]
    status = request.GET.get("statut", "todo") if request.GET.get("statut") in STATUS_FILTERS else "todo"
    night = bool(teams) and all(t.night_team for t in teams)
    return {
        "team": team,
        "whole": whole,
        "teams": teams,
        "status": status,
        "night": night,
        "statuses": STATUS_FILTERS[status],
    }


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def day_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = _scope(request)
    teams, statuses = scope["teams"], scope["statuses"]
    day = _day(request, scope["night"])
    context = {
        **scope,
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "counts": selectors.day_counts(user=request.user, teams=teams, day=day, statuses=statuses),
        "rows": selectors.day_actions(
            user=request.user, keyring=request.keyring, teams=teams, day=day, statuses=statuses
        ),
    }
    return render(request, "agenda/day.html", context)


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def week_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = _scope(request)
    day = _day(request, scope["night"])
    monday = day - timedelta(days=day.weekday())
    days = selectors.week_actions(
        user=request.user, keyring=request.keyring, teams=scope["teams"], monday=monday, statuses=scope["statuses"]
    )
    context = {
        **scope,
        "days": days,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "monday": monday,
    }
    return render(request, "agenda/week.html", context)


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = _scope(request)
    newest_first = request.GET.get("tri") == "recentes"
    page = selectors.actions_page(
        user=request.user,
        keyring=request.keyring,
        teams=scope["teams"],
        statuses=scope["statuses"],
        newest_first=newest_first,
        page=request.GET.get("page"),
    )
    return render(request, "agenda/list.html", {**scope, "page": page, "newest_first": newest_first})


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def action_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = request.POST.getlist("persons") or request.GET.getlist("personne")
    query = request.GET.get("q", "").strip()[:100]
    found = (
        [r.person_id for r in person_search(user=request.user, keyring=request.keyring, query=query, page=1)][:20]
        if query
        else []
    )
    candidates = persons_of(request.user).filter(pk__in=[*_uuids(chosen), *found])
    team = current_team(request)
    due = timezone.localtime()
    with suppress(ValueError):  # the "+" of a week-view day: that day, at nine
        due = timezone.make_aware(datetime.combine(date.fromisoformat(request.GET.get("jour", "")), time(9)))
    initial = {"persons": _uuids(chosen), "teams": [team] if team else [], "due_at": due}
    form = ActionForm(
        request.POST or None,
        persons=candidates,
        organisation=request.user.organisation,
        restricted=request.user.role == "restricted",
        initial=initial,
    )
    names = card_names(request.user.organisation_id, candidates.values_list("pk", flat=True), request.keyring)
    form.fields["persons"].label_from_instance = lambda p: names.get(p.pk, "?")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.actions_create(
                user=request.user,
                keyring=request.keyring,
                persons=data["persons"],
                name=data["name"],
                teams=data["teams"],
                due_at=data["due_at"],
                with_time=data["with_time"],
                urgent=data["urgent"],
                description=data.get("description", ""),
                categories=form.category_list(),
                comment=data.get("comment", ""),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Action créée." if len(created) == 1 else f"{len(created)} actions créées.")
            return redirect(safe_next(request, "agenda:day"))
    return render(request, "agenda/form.html", {"form": form, "query": query, "creating": True})


def _uuids(values: list[str]) -> list[UUID]:
    result = []
    for value in values:
        try:
            result.append(UUID(value))
        except ValueError:
            continue
    return result


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def action_edit_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    action = row.action
    initial = {
        **row.data,
        "categories": ", ".join(row.data.get("categories") or []),
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
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update(
                user=request.user,
                keyring=request.keyring,
                action=action,
                expected_version=data["version"],
                name=data["name"],
                teams=data["teams"],
                due_at=data["due_at"],
                with_time=data["with_time"],
                urgent=data["urgent"],
                description=data.get("description", ""),
                categories=form.category_list(),
                status=data["status"],
                completed_at=data["completed_at"],
                request=request,
            )
        except ConflictError:
            messages.error(
                request,
                "Quelqu’un a modifié cette action entre-temps : rien n’a été écrasé. "
                "Voici la version à jour ; votre saisie est restée dans le formulaire.",
            )
            form.data = form.data.copy()
            form.data["version"] = str(action.__class__.objects.get(pk=action.pk).version)
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Action enregistrée.")
            return redirect(safe_next(request, "agenda:day"))
    return render(request, "agenda/form.html", {"form": form, "row": row}, status=status)


@require_POST
@member_required(roles=ROLES)
def action_status_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    status = request.POST.get("status", "")
    if status not in Status.values:
        messages.error(request, "Statut inconnu.")
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
            messages.error(request, "Cette action vient d’être modifiée par quelqu’un d’autre : vérifiez-la.")
        else:
            messages.success(request, "Statut mis à jour.")
    return redirect(safe_next(request, "agenda:day"))


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def priorities_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    actions, comments = priorities.priorities(user=request.user, keyring=request.keyring)
    return render(request, "agenda/priorities.html", {"actions": actions, "comments": comments})


@require_POST
@member_required(roles=ROLES)
def deprioritize_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    model = Comment if request.POST.get("kind") == "comment" else Action
    if model is Comment and request.user.role not in priorities.COMMENT_ROLES:
        raise Http404
    item = model.objects.filter(
        organisation_id=request.user.organisation_id, deleted_at=None, pk__in=_uuids([request.POST.get("id", "")])
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
        messages.error(request, "Cet élément vient d’être modifié par quelqu’un d’autre : vérifiez-le.")
    else:
        messages.success(request, "Retiré des priorités.")
    return redirect("agenda:priorities")


@require_http_methods(["GET"])
@member_required(roles=ROLES)
def priority_badge_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The count beside "Priorités", fetched after the page by htmx so that no page waits for it."""
    return render(request, "agenda/_badge.html", {"count": priorities.priority_count(request.user)})
