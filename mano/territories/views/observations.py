"""Observation pages: add from a territory's page (with the persons met, found while typing as in the action
form), open and edit (version-checked), delete after a confirmation."""

from __future__ import annotations

from typing import Any
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
from mano.agenda.views.common import uuids
from mano.agenda.views.person_options import FOUND
from mano.core.conflict import conflict_page
from mano.core.http import AuthenticatedHttpRequest, posted_version
from mano.core.records import ConflictError
from mano.persons.index import card_names
from mano.persons.selectors.persons import person_search, persons_of
from mano.territories import selectors
from mano.territories.access import MANAGE_ROLES, can_manage, territories_required
from mano.territories.forms import ObservationForm, now_minute
from mano.territories.models import Observation, Territory
from mano.territories.services import observations as services
from mano.territories.views.common import errors_to_form, observation_labels, organisation_of, unbound

FOUND_SHOWN = 20


def _form(
    request: AuthenticatedHttpRequest, *, keep: Territory, chosen: list[str], team_id: str | None, **kwargs: Any
) -> ObservationForm:
    """The observation form; persons are those ticked plus, after "Chercher", those found by the typed name."""
    searching = request.method == "POST" and "chercher" in request.POST
    query = request.POST.get("q", "").strip()[:100] if searching else ""
    found = person_search(user=request.user, keyring=request.keyring, query=query, page=1) if query else []
    candidates = persons_of(request.user).filter(pk__in=[*uuids(chosen), *[r.person_id for r in found][:FOUND_SHOWN]])
    posted = None
    if request.method == "POST":
        posted = request.POST.copy()
        posted.setlist("persons", chosen)  # ticked in the form and among the live results alike
    territories = selectors.territories_named(user=request.user, keyring=request.keyring, keep=keep)
    form = ObservationForm(
        posted,
        organisation=organisation_of(request),
        territories=[(str(t.pk), name) for t, name in territories],
        persons=candidates,
        team_id=team_id,
        **kwargs,
    )
    if "persons" in form.fields:
        names = card_names(request.user.organisation_id, candidates.values_list("pk", flat=True), request.keyring)
        form.fields["persons"].label_from_instance = lambda p: names.get(p.pk, "?")  # type: ignore[attr-defined]
    form.territories = {str(t.pk): t for t, _ in territories}  # type: ignore[attr-defined]
    form.query = query  # type: ignore[attr-defined]
    return unbound(form) if searching else form  # type: ignore[return-value]


def _chosen(request: AuthenticatedHttpRequest) -> list[str]:
    return [*request.POST.getlist("persons"), *request.POST.getlist(FOUND)]


def _territory_of(form: ObservationForm) -> Territory | None:
    return form.territories.get(form.cleaned_data.get("territory") or "")  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@territories_required()
def observation_add_view(request: AuthenticatedHttpRequest, territory_id: UUID) -> HttpResponse:
    row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
    team = current_team(request)
    initial = {"territory": str(row.territory.pk), "team": team, "observed_at": now_minute()}
    chosen = _chosen(request) if request.method == "POST" else []
    form = _form(request, keep=row.territory, chosen=chosen, team_id=str(team.pk) if team else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            observation = services.observation_create(
                user=request.user, keyring=request.keyring, values=form.values(_territory_of(form))
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Création réussie !"))
            return redirect(
                reverse("territories:detail", args=[observation.territory_id]) + f"#observation-{observation.pk}"
            )
    return render(request, "territories/observation_form.html", {"form": form, "row": row, "creating": True})


def _initial(observation: Observation, data: dict[str, Any], met: list[UUID]) -> dict[str, Any]:
    custom = {f"c_{key}": value for key, value in (data.get("custom") or {}).items()}
    return {
        **custom,
        "version": observation.version,
        "territory": str(observation.territory_id),
        "team": observation.team,
        "observed_at": timezone.localtime(observation.observed_at).replace(second=0, microsecond=0),
        "persons": met,
    }


def _saved(request: AuthenticatedHttpRequest, observation_id: UUID) -> tuple[int, list[tuple[str, Any]]]:
    fresh, data = selectors.observation_get(user=request.user, keyring=request.keyring, observation_id=observation_id)
    groups = organisation_of(request).observation_field_groups
    saved = [
        (_("Observation faite le"), timezone.localtime(fresh.observed_at).strftime("%d/%m/%Y %H:%M")),
        (_("Sous l’équipe"), fresh.team.name if fresh.team else "—"),
        *selectors.observation_values(groups, data),
    ]
    return fresh.version, saved


@require_http_methods(["GET", "POST"])
@territories_required()
def observation_edit_view(request: AuthenticatedHttpRequest, observation_id: UUID) -> HttpResponse:
    observation, data = selectors.observation_get(
        user=request.user, keyring=request.keyring, observation_id=observation_id
    )
    row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=observation.territory_id)
    met = list(selectors.persons_met(observation.organisation_id, [data])[0])
    chosen = _chosen(request) if request.method == "POST" else [str(p) for p in met]
    team_id = str(observation.team_id) if observation.team_id else None
    initial = _initial(observation, data, met)
    form = _form(request, keep=observation.territory, chosen=chosen, team_id=team_id, initial=initial)
    context = {
        "row": row,
        "observation": observation,
        "can_delete": can_manage(request.user),
        "history": list(reversed(data.get("history") or [])),
        "labels": observation_labels(organisation_of(request)),
    }
    if form.is_bound and form.is_valid():
        values = form.values(_territory_of(form))
        if "persons" not in form.fields:  # rencontres turned off since: the persons met stay as they are
            values.persons = list(persons_of(request.user).filter(pk__in=met))
        try:
            saved = services.observation_update(
                user=request.user,
                keyring=request.keyring,
                observation=observation,
                values=values,
                expected_version=posted_version(request),
            )
        except ConflictError:
            version, shown = _saved(request, observation_id)
            return conflict_page(
                request, "territories/observation_form.html", form, version=version, saved=shown, **context
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Observation mise à jour"))
            return redirect(reverse("territories:detail", args=[saved.territory_id]) + f"#observation-{saved.pk}")
    return render(request, "territories/observation_form.html", {**context, "form": form})


@require_http_methods(["GET", "POST"])
@territories_required(MANAGE_ROLES)
def observation_delete_view(request: AuthenticatedHttpRequest, observation_id: UUID) -> HttpResponse:
    observation, data = selectors.observation_get(
        user=request.user, keyring=request.keyring, observation_id=observation_id
    )
    if request.method == "POST":
        try:
            services.observation_delete(
                user=request.user,
                keyring=request.keyring,
                observation=observation,
                expected_version=posted_version(request),
                request=request,
            )
        except ConflictError:
            messages.error(
                request, _("Cette observation a été modifiée entre-temps : vérifiez-la avant de la supprimer.")
            )
            return redirect("territories:observation", observation_id)
        messages.success(request, _("Suppression réussie"))
        return redirect("territories:detail", observation.territory_id)
    met = selectors.persons_met(observation.organisation_id, [data])[0]
    context = {"observation": observation, "rencontres": sum(1 for r in met.values() if r is not None)}
    return render(request, "territories/observation_delete.html", context)
