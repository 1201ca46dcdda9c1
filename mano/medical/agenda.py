"""The medical half in the agenda: consultations in the day, week and list views and at the reception desk, and
urgent medical comments in the Priorités. For health professionals only; the others get nothing, not a count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.agenda.days import firsts_by_day
from mano.agenda.extras import Extra, Windows
from mano.agenda.priorities import LIMIT, Source
from mano.core.crypto import Envelope
from mano.core.day_words import UtcDay, days_of
from mano.core.raw import UtcText, as_uuid, moment_of, raw_values
from mano.core.records import record_data
from mano.medical import words
from mano.medical.access import is_health, request_is_health
from mano.medical.models import Consultation, MedicalComment
from mano.medical.rows import Shown, Words, fixed_words, row_html
from mano.medical.selectors import consultation_title, visible_to
from mano.persons.index import card_names

AGENDA_CAP = 500  # consultations read a day of a window, at most
MOMENT = UtcText(Coalesce("agenda_at", "due_at"))  # thousands in a week: read as text, not converted


class Placed(NamedTuple):
    """A consultation of the agenda as first read from SQL: enough to place it in its day."""

    pk: UUID
    moment: datetime  # where the agenda places it: done or cancelled date, else the planned date


class Sealed(NamedTuple):
    """What the agenda shows of a consultation, before it is opened."""

    pk: UUID
    status: str
    due_at: datetime
    completed_at: datetime | None
    owner_id: UUID | None
    payload: Envelope


def _scoped(request: HttpRequest, scope: dict[str, Any]) -> QuerySet[Consultation] | None:
    """The consultations the agenda may show for `scope` (its statuses and teams), or None when it shows none: the
    user is not a health professional, or a category filter is set (a consultation has no category: a category
    filter hides them all, as in the original)."""
    user = request.user
    filters = scope.get("filters")
    if not is_health(user, getattr(request, "keyring", None)) or (
        filters is not None and (filters.categories or filters.without_category)
    ):
        return None
    live = Consultation.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)  # type: ignore[union-attr]
    rows = live.filter(status__in=scope["statuses"])
    if not scope["whole"]:
        # EXISTS, not IN: PostgreSQL checks the week's few rows instead of listing every consultation of the teams.
        links = Consultation.teams.through.objects
        of_teams = Exists(links.filter(consultation_id=OuterRef("pk"), team_id__in=[t.pk for t in scope["teams"]]))
        no_team = ~Exists(links.filter(consultation_id=OuterRef("pk")))
        rows = rows.filter(of_teams | no_team if scope["without_team"] else of_teams)
    return rows


def _rows(request: HttpRequest, start: datetime | None, end: datetime | None, scope: dict[str, Any]) -> list[Placed]:
    """The consultations placed in [start, end) by their agenda date (no window: the latest ones), for the teams
    of `scope`: ids and dates only. At most AGENDA_CAP a day of the window. The agenda's filters apply (see
    `_scoped`); a free text keeps those that hold its words."""
    rows = _scoped(request, scope)
    if rows is None:
        return []
    filters = scope.get("filters")
    cap = AGENDA_CAP
    if start is not None and end is not None:
        rows = rows.filter(agenda_at__gte=start, agenda_at__lt=end).order_by("agenda_at", "pk")
        cap *= max(1, round((end - start) / timedelta(days=1)))
    else:
        rows = rows.order_by("-agenda_at")
    if filters is None or not filters.text:
        return [Placed(as_uuid(pk), moment_of(at)) for pk, at in raw_values(rows.values_list("pk", MOMENT)[:cap])]
    found = raw_values(rows.values_list("pk", MOMENT, "version", UtcDay("agenda_at"), "only_visible_by_id")[:cap])
    texts = [words.Row(as_uuid(pk), version, day, owner and as_uuid(owner)) for pk, _, version, day, owner in found]
    days = days_of(start, end) if start is not None and end is not None else None
    accepted = words.matching(request.user, request.keyring, texts, filters.words, days)  # type: ignore[arg-type, attr-defined]
    return [Placed(row.pk, moment_of(at)) for row, (_, at, *_) in zip(texts, found, strict=True) if row.pk in accepted]


def _week(
    request: HttpRequest, windows: Windows, scope: dict[str, Any], per_day: int, first: int
) -> dict[date, tuple[list[Placed], int]] | None:
    """Each day's count and consultations `first` to `first + per_day` (by agenda date) from one query, only those
    placed (a week holds ~2,000 at full size). None with a free text: the words of every row decide."""
    filters = scope.get("filters")
    if filters is not None and filters.text:
        return None
    rows = _scoped(request, scope)
    if rows is None:
        return {day: ([], 0) for day in windows}
    ordered = rows.annotate(moment=MOMENT)
    counts, firsts = firsts_by_day(ordered, windows, per_day, ("agenda_at", "pk"), "pk", "moment", first=first)
    return {day: ([Placed(as_uuid(pk), moment_of(at)) for pk, at in firsts[day]], counts[day]) for day in windows}


def _sealed(values: tuple[Any, ...]) -> Sealed:
    """A Sealed from raw values: ids as the driver gives them, moments as `UtcText`."""
    pk, status, due, completed, owner, payload = values
    return Sealed(
        as_uuid(pk), status, moment_of(due), completed and moment_of(completed), owner and as_uuid(owner), payload
    )


def _open(request: HttpRequest, placed: list[Placed]) -> list[SafeString]:
    """These consultations as medical/_agenda_rows.html lists them; the private ones of other professionals
    stay sealed and show their owner's name only."""
    if not placed:
        return []
    user = request.user
    organisation_id = user.member_organisation_id  # type: ignore[union-attr]
    sealed = Consultation.objects.filter(organisation_id=organisation_id, pk__in=[p.pk for p in placed])
    fields = ("pk", "status", UtcText("due_at"), UtcText("completed_at"), "only_visible_by_id", "payload")
    rows = {row.pk: row for row in map(_sealed, raw_values(sealed.values_list(*fields)))}
    ordered = [rows[p.pk] for p in placed]
    hidden = {r.owner_id for r in ordered if r.owner_id not in (None, user.pk)}
    owners = dict(User.objects.filter(organisation_id=organisation_id, pk__in=hidden).values_list("pk", "name"))
    keyring = request.keyring  # type: ignore[attr-defined]
    data = words.opened(user, keyring, [(r.pk, r.payload) for r in ordered if r.owner_id not in hidden])  # type: ignore[arg-type]
    names = words.persons_named(user, keyring, data)  # type: ignore[arg-type]
    fixed = fixed_words()
    return [_shown(r, data.get(r.pk), names, owners, fixed) for r in ordered]


def _shown(
    row: Sealed, data: dict[str, Any] | None, names: dict[UUID, str], owners: dict[Any, str], fixed: Words
) -> SafeString:
    """One consultation as the person's medical section lists it, with a link to its person."""
    private = row.owner_id is not None
    if data is None:
        owner = owners.get(row.owner_id, "")
        return row_html(Shown(row.pk, row.status, row.due_at, row.completed_at, private, None, owner=owner), fixed)
    person = str(data.get("person") or "")
    shown = Shown(
        row.pk,
        row.status,
        row.due_at,
        row.completed_at,
        private,
        consultation_title(data),
        kind=str(data.get("type") or ""),
        person_id=person,
        person_name=names.get(UUID(person), "") if person else "",
    )
    return row_html(shown, fixed)


def _create_url(person_id: Any) -> str:
    return reverse("medical:consultation-add", args=[person_id])


CONSULTATIONS = Extra(
    key="consultations",
    label=_("Consultations"),
    template="medical/_agenda_rows.html",
    allowed=request_is_health,
    rows=_rows,
    open=_open,
    week=_week,
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
