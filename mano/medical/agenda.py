"""The medical half in the agenda: consultations in the day, week and list views and at the reception desk, and
urgent medical comments in the Priorités. For health professionals only; the others get nothing, not a count."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mano.agenda.extras import Extra
from mano.agenda.priorities import LIMIT, Source
from mano.core.records import record_data
from mano.medical import selectors
from mano.medical.access import request_is_health
from mano.medical.models import MedicalComment
from mano.medical.selectors import visible_to
from mano.persons.index import card_names


def _rows(request: HttpRequest, start: datetime | None, end: datetime | None, scope: dict[str, Any]) -> list[Any]:
    team_ids = None if scope["whole"] else [t.pk for t in scope["teams"]]
    return selectors.consultations_between(
        user=request.user,  # type: ignore[arg-type]
        keyring=request.keyring,  # type: ignore[attr-defined]
        start=start,
        end=end,
        team_ids=team_ids,
        without_team=scope["without_team"],
        statuses=scope["statuses"],
    )


def _create_url(person_id: Any) -> str:
    return reverse("medical:consultation-add", args=[person_id])


CONSULTATIONS = Extra(
    key="consultations",
    label=_("Consultations"),
    template="medical/_agenda_rows.html",
    allowed=request_is_health,
    rows=_rows,
    button=_("Consultation"),
    create_url=_create_url,
)


def _urgent(request: HttpRequest) -> Any:
    team_ids = list(request.user.teams.values_list("pk", flat=True))  # type: ignore[union-attr]
    return MedicalComment.objects.filter(
        organisation_id=request.user.member_organisation_id,  # type: ignore[union-attr]
        deleted_at=None,
        urgent=True,
        team_id__in=team_ids,
    ).filter(visible_to(request.user))  # type: ignore[arg-type]


def _urgent_count(request: HttpRequest) -> int:
    return _urgent(request).count() if request_is_health(request) else 0


def _urgent_rows(request: HttpRequest) -> list[Any]:
    """Urgent medical comments of my teams, with their persons' names."""
    if not request_is_health(request):
        return []
    keyring = request.keyring  # type: ignore[attr-defined]
    comments = [(c, record_data(c, keyring)) for c in _urgent(request).select_related("created_by")[:LIMIT]]
    ids = {UUID(d["person"]) for _, d in comments if d.get("person")}
    names = card_names(request.user.member_organisation_id, ids, keyring, live_only=True)  # type: ignore[union-attr]
    return [(c, d, names.get(UUID(d["person"]), "")) for c, d in comments if UUID(d["person"]) in names]


URGENT_COMMENTS = Source(
    title=_("Commentaires médicaux prioritaires"),
    template="medical/_priority_rows.html",
    count=_urgent_count,
    rows=_urgent_rows,
)
