"""Person pages: list and search, create, detail, edit, custom groups, history."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mano.accounts.models import Team
from mano.accounts.selectors import current_team
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version
from mano.core.records import ConflictError
from mano.core.search_param import is_search_post, replace_params, search_of, see_other
from mano.persons import custom_fields
from mano.persons.filters import OPERATORS, UNKNOWN_FIELD, PersonFilters, filter_fields, filters_of
from mano.persons.forms import CustomFieldsForm, PersonForm, custom_initial
from mano.persons.history import FIXED_LABELS
from mano.persons.sections import sections_for
from mano.persons.selectors import persons as selectors
from mano.persons.services import persons as services

PERSON_ROLES = ("admin", "normal", "restricted")
FULL_ROLES = ("admin", "normal")
MAX_QUERY = 200
SORTS = ("created", "name", "birth_date", "-followed_since", "interaction")
FILTER_PARAMS = ("f", "fk", "fo", "fv")


def _team_id(request: AuthenticatedHttpRequest) -> str | None:
    team = current_team(request)
    return str(team.pk) if team else None


def _groups(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return request.user.organisation.person_field_groups  # type: ignore[union-attr]


@require_http_methods(["GET", "POST"])
@member_required(roles=PERSON_ROLES)
def person_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = search_of(request, limit=MAX_QUERY)
    if is_search_post(request):  # the search form posts, so that the typed words never reach a URL
        return see_other(request, search.pairs())
    params = request.POST if request.method == "POST" else request.GET
    whole = params.get("tout") == "1"
    team = None if whole else current_team(request)
    full = request.user.role in FULL_ROLES
    filters = _filters(request, params, team, full)
    sort = params.get("tri", "created")
    sort = sort if sort in SORTS else "created"
    if request.method == "POST":  # so does the filter form: a typed value leaves as its token only
        return see_other(request, ([("tout", "1")] if whole else []) + filters.pairs() + [("tri", sort)])
    context = {
        "page": _page(request, search.text, team, filters, sort),
        "whole": whole,
        "query": search.text,
        "filters": filters,
        "sort": sort,
        "fields": _fields(request) if full else [],
        "operators": OPERATORS.items() if full else [],
        "unknown_field": UNKNOWN_FIELD,
    }
    return render(request, "persons/list.html", context)


def _fields(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return filter_fields(f for g in _groups(request) for f in g["fields"])


def _filters(request: AuthenticatedHttpRequest, params: QueryDict, team: Team | None, full: bool) -> PersonFilters:
    """The filters asked; a condition typed in an old link is swapped for its token in the request itself."""
    fields = _fields(request) if full else []
    filters = filters_of(request, params, team_id=str(team.pk) if team else None, fields=fields)
    if request.method == "GET" and any(name in request.GET for name in FILTER_PARAMS):
        replace_params(request, FILTER_PARAMS, [pair for c in filters.conditions for pair in c.pairs()])
    # Restricted members never see custom fields, so they may not filter on them either.
    return filters if full else replace(filters, conditions=())


def _page(
    request: AuthenticatedHttpRequest, query: str, team: Team | None, filters: PersonFilters, sort: str
) -> Page[selectors.Row]:
    if query:
        return selectors.person_search(
            user=request.user, keyring=request.keyring, query=query, page=request.GET.get("page")
        )
    return selectors.person_list(
        user=request.user,
        keyring=request.keyring,
        team=team,
        filters=filters,
        sort=sort,
        page=request.GET.get("page"),
    )


@require_http_methods(["GET", "POST"])
@member_required(roles=PERSON_ROLES)
def person_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    team = current_team(request)
    restricted = request.user.role == "restricted"
    form = PersonForm(
        request.POST or None,
        organisation=request.user.organisation,
        restricted=restricted,
        initial={"teams": [team] if team else []},
    )
    custom = CustomFieldsForm(
        request.POST or None, groups=[] if restricted else _groups(request), team_id=_team_id(request)
    )
    duplicates: list[selectors.Row] = []
    if request.method == "POST" and form.is_valid() and custom.is_valid():
        birth = form.cleaned_data.get("birth_date")
        duplicates = selectors.likely_duplicates(
            user=request.user,
            keyring=request.keyring,
            name=form.cleaned_data["name"],
            birth_date=birth.isoformat() if birth else None,
        )
        if not duplicates or request.POST.get("confirm_duplicate"):
            try:
                person = services.person_create(
                    user=request.user,
                    keyring=request.keyring,
                    request=request,
                    teams=form.cleaned_data["teams"],
                    custom=custom.custom_values(),
                    **form.fixed_values(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Personne créée."))
                return redirect("persons:detail", person_id=person.pk)
    return render(
        request, "persons/form.html", {"form": form, "custom": custom, "creating": True, "duplicates": duplicates}
    )


@require_http_methods(["GET"])
@member_required(roles=PERSON_ROLES)
def person_detail_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    return render(request, "persons/detail.html", _detail_context(request, person_id))


def _detail_context(request: AuthenticatedHttpRequest, person_id: UUID) -> dict[str, Any]:
    view = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    team_id = _team_id(request)
    custom = view.data.get("custom", {})
    groups = (
        [
            (
                index,
                group["name"],
                [
                    (f["label"], custom_fields.display(f, custom.get(f["key"])))
                    for f in group["fields"]
                    if custom_fields.enabled_for(f, team_id)
                ],
            )
            for index, group in enumerate(_groups(request))
        ]
        if request.user.role in FULL_ROLES
        else []
    )
    exits = view.data.get("out_of_active_list", {})
    return {
        "view": view,
        "groups": groups,
        "sections": sections_for(request, view),
        "exit": exits.get(team_id) if team_id else None,
    }


@require_http_methods(["GET", "POST"])
@member_required(roles=PERSON_ROLES)
def person_edit_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    initial = {**view.data, "teams": list(view.person.teams.all()), "version": view.person.version}
    form = PersonForm(
        request.POST or None,
        organisation=request.user.organisation,
        initial=initial,
        restricted=request.user.role == "restricted",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
                teams=form.cleaned_data["teams"],
                **form.fixed_values(),
            )
        except ConflictError:
            return _conflict(request, person_id, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("persons:detail", person_id=person_id)
    return render(request, "persons/form.html", {"form": form, "view": view})


@require_http_methods(["GET", "POST"])
@member_required(roles=FULL_ROLES)
def person_group_edit_view(request: AuthenticatedHttpRequest, person_id: UUID, group_index: int) -> HttpResponse:
    view = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    groups = _groups(request)
    if group_index >= len(groups):
        raise Http404
    group = groups[group_index]
    initial = {**custom_initial(view.data.get("custom", {})), "version": view.person.version}
    form = CustomFieldsForm(request.POST or None, groups=[group], team_id=_team_id(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                expected_version=posted_version(request),
                request=request,
                custom=form.custom_values(),
            )
        except ConflictError:
            messages.error(
                request,
                _(
                    "Quelqu’un a modifié ce dossier entre-temps : vos changements n’ont pas été "
                    "enregistrés. Voici la version à jour, refaites-les."
                ),
            )
            return redirect("persons:group-edit", person_id=person_id, group_index=group_index)
        messages.success(request, _("Modifications enregistrées."))
        return redirect("persons:detail", person_id=person_id)
    return render(
        request, "persons/group_form.html", {"form": form, "view": view, "group": group, "version": view.person.version}
    )


@require_http_methods(["GET"])
@member_required(roles=FULL_ROLES)
def person_history_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    labels = {**FIXED_LABELS, **{f"custom.{f['key']}": f["label"] for g in _groups(request) for f in g["fields"]}}
    rows = list(reversed(view.data.get("history", [])))
    return render(request, "persons/history.html", {"view": view, "rows": rows, "labels": labels})


def _conflict(request: AuthenticatedHttpRequest, person_id: UUID, typed: PersonForm) -> HttpResponse:
    """Show what the other person saved beside what this user typed; the form resubmits on the new version."""
    latest = selectors.person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    data = request.POST.copy()
    data["version"] = str(latest.person.version)
    form = PersonForm(data, organisation=request.user.organisation, restricted=request.user.role == "restricted")
    form.is_valid()
    context = {"form": form, "view": latest, "typed": typed.cleaned_data}
    return render(request, "persons/conflict.html", context, status=409)


@require_http_methods(["GET"])
@member_required(roles=FULL_ROLES)
def person_print_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    """The whole file on paper: same sections as the page, print layout."""
    return render(request, "persons/print.html", _detail_context(request, person_id))
