"""The reception desk ("Accueil de jour"): the current team's day — persons, passages, service counters, agenda.

The person picker is one POST form (so typed names never land in URLs or logs): Enter searches, and the
buttons send the ticked persons to the passage, action or person-creation endpoints.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts.models import Team
from mano.accounts.selectors import current_team, team_for
from mano.agenda import extras, reception, selectors
from mano.agenda import reception_selectors as reads
from mano.agenda.models import Status
from mano.agenda.reception_forms import CounterForm
from mano.agenda.views.common import ROLES, uuids
from mano.core.http import AuthenticatedHttpRequest, member_required, safe_next
from mano.persons.selectors.persons import persons_of
from mano.persons.text import fold

ALL_STATUSES: list[str] = [Status.TODO, Status.DONE, Status.CANCELLED]
MAX_PERSONS = 100
ONE_PERSON = gettext_lazy("Une %(what)s concerne une seule personne : n’en cochez qu’une.")


def _selected_ids(request: AuthenticatedHttpRequest) -> list[UUID]:
    source = request.POST if request.method == "POST" else request.GET
    return uuids(source.getlist("personne"))[:MAX_PERSONS]


def _page(
    request: AuthenticatedHttpRequest, *, query: str = "", selected: list[UUID] | None = None, error: str = ""
) -> HttpResponse:
    """The whole reception page of the current team for its day."""
    user, keyring = request.user, request.keyring
    organisation = user.organisation
    team = current_team(request)
    if organisation is None or not organisation.reception_enabled:
        return render(request, "agenda/reception.html", {"off": True}, status=404)
    if team is None:
        return render(request, "agenda/reception.html", {"no_team": True})
    day = reads.reception_day(team)
    chosen = reads.selected_persons(user=user, keyring=keyring, ids=selected or [])
    matches = reads.person_matches(user=user, keyring=keyring, query=query, exclude={pk for pk, _ in chosen})
    context: dict[str, Any] = {
        "team": team,
        "day": day,
        "query": query,
        "error": error,
        "chosen": chosen,
        "matches": matches,
        "tick_single": len(matches) == 1 and not chosen,
        "can_create": bool(query) and all(fold(match.name) != fold(query) for match in matches),
        "passages_enabled": organisation.passages_enabled,
        "passages": reads.today_passages(user=user, keyring=keyring, team=team, day=day)
        if organisation.passages_enabled
        else None,
        "counters": reads.team_counters(organisation=organisation, team=team, day=day),
        "rows": selectors.day_actions(user=user, keyring=keyring, teams=[team], day=day, statuses=ALL_STATUSES),
        "can_delete": user.role in ("admin", "normal"),
        "extra_buttons": extras.reception_buttons(request),
    }
    return render(request, "agenda/reception.html", context)


def _team_or_404(request: AuthenticatedHttpRequest) -> Team:
    reads.reception_check(request.user)
    team = current_team(request)
    if team is None:
        raise Http404
    return team


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def reception_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the page (``?personne=`` preselects persons). POST: search persons, keeping the ticked ones."""
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    return _page(request, query=query, selected=_selected_ids(request))


@require_POST
@member_required(roles=ROLES)
def reception_selection_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The buttons for the ticked persons: "Passage" (one each, now) or "Action" (the action form, prefilled)."""
    team = _team_or_404(request)
    ids = _selected_ids(request)
    persons = list(persons_of(request.user).filter(pk__in=ids))
    query = request.POST.get("q", "").strip()[:100]
    if not persons:
        return _page(request, query=query, error=_("Sélectionnez au moins une personne."))
    if request.POST.get("do") == "action":
        params = [("personne", str(p.pk)) for p in persons] + [("next", reverse("agenda:reception"))]
        return redirect(f"{reverse('agenda:create')}?{urlencode(params)}")
    extra = next((e for e in extras.reception_buttons(request) if e.key == request.POST.get("do")), None)
    if extra is not None and extra.create_url is not None:
        if len(persons) > 1:
            return _page(
                request, query=query, selected=ids, error=str(ONE_PERSON) % {"what": str(extra.button).lower()}
            )
        return redirect(f"{extra.create_url(persons[0].pk)}?{urlencode({'next': reverse('agenda:reception')})}")
    if not request.user.organisation.passages_enabled:  # type: ignore[union-attr]
        raise Http404
    created = reception.reception_passages(user=request.user, keyring=request.keyring, team=team, persons=persons)
    count = len(created)
    messages.success(
        request, ngettext("Passage enregistré.", "%(count)s passages enregistrés.", count) % {"count": count}
    )
    return redirect(reverse("agenda:reception") + "#passages")


@require_POST
@member_required(roles=ROLES)
def reception_person_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Créer « X »": a new person of the current team from the typed name, then selected on the page."""
    team = _team_or_404(request)
    name = request.POST.get("name", "")[:200]
    selected = _selected_ids(request)
    try:
        person = reception.reception_person_create(
            user=request.user, keyring=request.keyring, team=team, name=name, request=request
        )
    except ValidationError as exc:
        return _page(request, query=name.strip()[:100], selected=selected, error=" ".join(exc.messages))
    messages.success(request, _("Nouvelle personne ajoutée !"))
    params = [("personne", str(pk)) for pk in [*selected, person.pk]]
    return redirect(f"{reverse('agenda:reception')}?{urlencode(params)}")


@require_POST
@member_required(roles=ROLES)
def reception_anonymous_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "+1 passage anonyme" for the current team, now."""
    team = _team_or_404(request)
    if not request.user.organisation.passages_enabled:  # type: ignore[union-attr]
        raise Http404
    reception.reception_anonymous_passage(user=request.user, keyring=request.keyring, team=team)
    messages.success(request, _("Passage anonyme enregistré."))
    return redirect(reverse("agenda:reception") + "#passages")


@require_POST
@member_required(roles=ROLES)
def reception_count_view(request: AuthenticatedHttpRequest, team_id: UUID, day: str) -> HttpResponse:
    """A counter's − or + (or a new count) for one of the user's teams on one day; htmx gets the counter back."""
    organisation = reads.reception_check(request.user)
    team = team_for(request.user, str(team_id))
    try:
        when = date.fromisoformat(day)
    except ValueError:
        when = None
    if team is None or when is None:
        raise Http404
    form = CounterForm(request.POST)
    back = safe_next(request, default_url=reverse("agenda:reception") + "#services")  # the desk, or a report
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return HttpResponse(headers={"HX-Redirect": back}) if request.htmx else redirect(back)  # type: ignore[attr-defined]
    data = form.cleaned_data
    try:
        count = reception.service_count_change(
            user=request.user, team=team, day=when, service=data["service"], delta=data["delta"], count=data["count"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponse(headers={"HX-Redirect": back}) if request.htmx else redirect(back)  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        counter = reads.Counter(data["service"], count)
        context = {"counter": counter, "team": team, "day": when, "organisation": organisation}
        return render(request, "agenda/_service_counters.html#counter", context)
    return redirect(back)
