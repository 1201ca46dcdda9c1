"""The handover note ("transmission") and co-interventions of one team's day, saved from the day's report."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mano.accounts.models import Team
from mano.accounts.selectors import team_for
from mano.agenda.categories import categories_of, category_add, config_version
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.core.records import ConflictError
from mano.reports import services
from mano.reports.collaborations import COLLABORATIONS
from mano.reports.forms import NoteForm
from mano.reports.views.day import _day, day_page


@require_POST
@member_required(roles=("admin", "normal"))
def note_view(request: AuthenticatedHttpRequest, day: str) -> HttpResponse:
    """Save the note; on any error the day's page comes back with the typing kept (never a lost note)."""
    when = _day(day)
    team = team_for(request.user, request.POST.get("equipe", ""))
    if team is None:
        raise Http404
    organisation = request.user.organisation
    assert organisation is not None
    form = NoteForm(
        request.POST, organisation=organisation, initial={"collaborations": request.POST.getlist("collaborations")}
    )
    if not form.is_valid():
        return day_page(request, when, note_form=form, status=400)
    data = form.cleaned_data
    chosen = list(data["collaborations"])
    new = data["new_collaboration"].strip() if request.user.is_admin else ""
    if new:
        _add_collaboration(request, new)
        chosen.append(new)
    try:
        saved = _save(request, team, when, data, chosen)
    except ValidationError as exc:
        form.add_error(None, exc)
        return day_page(request, when, note_form=form, status=400)
    if saved.merged:
        messages.warning(
            request,
            _(
                "Un·e collègue a enregistré la transmission pendant que vous écriviez : vos deux textes sont "
                "gardés, le vôtre à la suite. Relisez-la."
            ),
        )
    else:
        messages.success(request, _("Transmission enregistrée."))
    return redirect(f"{reverse('reports:day', args=[when.isoformat()])}?equipe={team.pk}#transmission")


def _save(
    request: AuthenticatedHttpRequest, team: Team, when: date, data: dict[str, Any], chosen: list[str]
) -> services.Saved:
    call = {
        "user": request.user,
        "keyring": request.keyring,
        "team": team,
        "day": when,
        "note": data["note"],
        "collaborations": chosen,
        "base_note": data["base_note"] or "",
    }
    try:
        return services.report_save(**call, expected_version=data["version"] or 0)
    except ConflictError:  # created by a colleague at the same instant: merge with theirs
        return services.report_save(**call, expected_version=-1)


def _add_collaboration(request: AuthenticatedHttpRequest, name: str) -> None:
    """Admins add a partner to the organisation's list from the report (the form offers it to them only)."""
    organisation = request.user.organisation
    assert organisation is not None
    with suppress(ValidationError):  # already in the list (under any spelling): it is simply chosen
        category_add(
            user=request.user,
            name=name,
            group=categories_of(organisation, COLLABORATIONS)[0]["group"],
            config_version=config_version(organisation, COLLABORATIONS),
            spec=COLLABORATIONS,
            request=request,
        )
    organisation.refresh_from_db()
