"""Territory pages: the list with its posted search, create, the territory's page with its observations, edit
(version-checked, history), archive and restore, delete with a typed confirmation."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mano.agenda.categories import categories_of
from mano.core.conflict import conflict_page
from mano.core.http import AuthenticatedHttpRequest, posted_version
from mano.core.records import ConflictError
from mano.core.search_param import is_search_post, search_of, see_other
from mano.territories import selectors
from mano.territories.access import MANAGE_ROLES, can_manage, territories_required
from mano.territories.forms import DeleteForm, TerritoryForm
from mano.territories.services import territories as services
from mano.territories.types import TERRITORY_TYPES
from mano.territories.views.common import TERRITORY_LABELS, errors_to_form, organisation_of

MAX_QUERY = 100


@require_http_methods(["GET", "POST"])
@territories_required()
def territory_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = search_of(request, limit=MAX_QUERY)
    if is_search_post(request):  # the search posts, so that the typed words never reach a URL
        archived = request.POST.get("archives") == "1"
        return see_other(request, search.pairs() + ([("archives", "1")] if archived else []))
    archived = request.GET.get("archives") == "1"
    rows = selectors.territory_list(user=request.user, keyring=request.keyring, query=search.text, archived=archived)
    context = {
        "rows": rows,
        "query": search.text,
        "archived": archived,
        "with_archived": urlencode([*search.pairs(), ("archives", "1")]),
        "without_archived": urlencode(search.pairs()),
        "can_manage": can_manage(request.user),
    }
    return render(request, "territories/list.html", context)


def _form(request: AuthenticatedHttpRequest, current: list[str] | None = None, **kwargs: object) -> TerritoryForm:
    config = categories_of(organisation_of(request), TERRITORY_TYPES)
    return TerritoryForm(request.POST or None, config=config, current=current, **kwargs)


@require_http_methods(["GET", "POST"])
@territories_required(MANAGE_ROLES)
def territory_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            territory = services.territory_create(
                user=request.user, keyring=request.keyring, data=form.territory_data()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Création réussie !"))
            return redirect("territories:detail", territory.pk)
    return render(request, "territories/form.html", {"form": form, "creating": True})


@require_GET
@territories_required()
def territory_view(request: AuthenticatedHttpRequest, territory_id: UUID) -> HttpResponse:
    row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
    page = selectors.observations_page(
        user=request.user, keyring=request.keyring, territory=row.territory, number=request.GET.get("page")
    )
    context = {"row": row, "page": page, "can_manage": can_manage(request.user)}
    return render(request, "territories/detail.html", context)


def _saved(row: selectors.TerritoryRow) -> list[tuple[str, object]]:
    values = {key: row.data.get(key) for key in TERRITORY_LABELS}
    values["types"] = ", ".join(row.types)
    return [(str(label), values[key] or "—") for key, label in TERRITORY_LABELS.items()]


@require_http_methods(["GET", "POST"])
@territories_required(MANAGE_ROLES)
def territory_edit_view(request: AuthenticatedHttpRequest, territory_id: UUID) -> HttpResponse:
    row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
    form = _form(request, current=row.types, initial={**row.data, "version": row.territory.version})
    context = {"row": row, "history": list(reversed(row.data.get("history") or [])), "labels": TERRITORY_LABELS}
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_update(
                user=request.user,
                keyring=request.keyring,
                territory=row.territory,
                data=form.territory_data(),
                expected_version=posted_version(request),
            )
        except ConflictError:
            fresh = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
            version = fresh.territory.version
            return conflict_page(
                request, "territories/form.html", form, version=version, saved=_saved(fresh), **context
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Territoire mis à jour."))
            return redirect("territories:detail", territory_id)
    return render(request, "territories/form.html", {**context, "form": form})


@require_POST
@territories_required(MANAGE_ROLES)
def territory_archive_view(request: AuthenticatedHttpRequest, territory_id: UUID) -> HttpResponse:
    row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
    archived = request.POST.get("archiver") == "1"
    services.territory_archive(user=request.user, territory=row.territory, archived=archived)
    messages.success(request, _("Territoire archivé.") if archived else _("Territoire restauré."))
    return redirect("territories:detail", territory_id)


@require_http_methods(["GET", "POST"])
@territories_required(MANAGE_ROLES)
def territory_delete_view(request: AuthenticatedHttpRequest, territory_id: UUID) -> HttpResponse:
    row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
    posted = request.POST if request.method == "POST" else None
    form = DeleteForm(posted, expected=row.name, initial={"version": row.territory.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_delete(
                user=request.user,
                keyring=request.keyring,
                territory=row.territory,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except ConflictError:
            messages.error(request, _("Ce territoire a été modifié entre-temps : vérifiez-le avant de le supprimer."))
            row = selectors.territory_get(user=request.user, keyring=request.keyring, territory_id=territory_id)
            form = DeleteForm(None, expected=row.name, initial={"version": row.territory.version})
            status = 409
        else:
            messages.success(request, _("Suppression réussie"))
            return redirect("territories:list")
    context = {"row": row, "form": form, "count": selectors.observation_count(row.territory)}
    return render(request, "territories/delete.html", context, status=status)
