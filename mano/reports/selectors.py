"""What a report shows: every section is read from the other apps' rows placed in the report's moments, scoped
to the organisation, then to the teams; only the rows shown are decrypted."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum

from mano.accounts.models import Team, User
from mano.agenda.models import Action, ServiceCount, Status
from mano.agenda.selectors import action_rows
from mano.core.crypto import Keyring
from mano.core.pagination import counted_first
from mano.core.records import record_data, records_data
from mano.medical.access import is_health
from mano.medical.models import Consultation
from mano.medical.selectors import consultation_rows
from mano.persons.index import card_names, open_part, shard_lines
from mano.persons.models import Comment, Passage, Person, PersonIndex, Rencontre
from mano.reports.models import Report
from mano.reports.scope import ReportScope, team_filter
from mano.structures.models import Referral
from mano.territories.models import Observation
from mano.territories.selectors import observations_in

FULL_ROLES = ("admin", "normal")


@dataclass
class Section:
    key: str
    count: int
    rows: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


def _org(model: Any, user: User) -> QuerySet[Any]:
    return model.objects.filter(organisation_id=user.member_organisation_id)


def _scoped(model: Any, user: User, scope: ReportScope) -> QuerySet[Any]:
    """The organisation's rows of the report's teams (all of them for the whole organisation)."""
    rows = _org(model, user)
    return rows if scope.whole else rows.filter(team_filter(model)([t.pk for t in scope.teams]))


def _listed(rows: QuerySet[Any], order: str, scope: ReportScope) -> tuple[int, list[Any]]:
    """The count of the rows and the first of them that the report lists."""
    return counted_first(rows, (order,), scope.shown)


def _window(scope: ReportScope, model: Any, field: str) -> Q:
    return scope.window(field, team_filter(model))


def _actions(user: User, keyring: Keyring, scope: ReportScope) -> dict[str, Section]:
    base = _scoped(Action, user, scope).filter(deleted_at=None, person__deleted_at=None)
    ended = _window(scope, Action, "completed_at")
    picks = {
        "actions_done": base.filter(ended, status=Status.DONE),
        "actions_cancelled": base.filter(ended, status=Status.CANCELLED),
        # Created in the report's days and not already done or cancelled in them (those are listed there).
        "actions_created": base.filter(_window(scope, Action, "created_at")).exclude(
            ended & Q(status__in=[Status.DONE, Status.CANCELLED])
        ),
    }
    sections = {}
    for key, rows in picks.items():
        count, shown = _listed(rows.prefetch_related("teams"), "-created_at", scope)
        sections[key] = Section(key, count, action_rows(shown, keyring))
    return sections


@dataclass(frozen=True)
class Item:
    """A row of a simple section: who, when, what, and where it links."""

    person_id: Any
    person_name: str
    moment: Any
    text: str = ""
    team: Any = None


def _named(user: User, keyring: Keyring, pairs: list[tuple[Any, dict[str, Any]]], text_key: str) -> list[Item]:
    names = card_names(user.member_organisation_id, {r.person_id for r, _ in pairs if r.person_id}, keyring)
    moment = "date" if pairs and hasattr(pairs[0][0], "date") else "created_at"
    return [
        Item(r.person_id, names.get(r.person_id, ""), getattr(r, moment), str(d.get(text_key) or ""), r.team)
        for r, d in pairs
    ]


def _comments(user: User, keyring: Keyring, scope: ReportScope) -> Section:
    rows = _scoped(Comment, user, scope).filter(
        _window(scope, Comment, "created_at"), deleted_at=None, person__deleted_at=None
    )
    count, shown = _listed(rows.select_related("team"), "-created_at", scope)
    return Section("comments", count, _named(user, keyring, records_data(shown, keyring), "text"))


def _encounters(user: User, keyring: Keyring, scope: ReportScope, model: Any, key: str) -> Section:
    rows = _scoped(model, user, scope).filter(_window(scope, model, "date"), deleted_at=None)
    rows = rows.exclude(person__deleted_at__isnull=False)
    counts = rows.aggregate(named=Count("pk", filter=Q(person__isnull=False)), all=Count("pk"))
    shown = list(rows.filter(person__isnull=False).select_related("team").order_by("-date")[: scope.shown])
    section = Section(key, counts["all"], _named(user, keyring, records_data(shown, keyring), "comment"))
    section.extra = {"named": counts["named"], "anonymous": counts["all"] - counts["named"]}
    return section


def _persons_created(user: User, keyring: Keyring, scope: ReportScope) -> Section:
    rows = _scoped(Person, user, scope).filter(_window(scope, Person, "created_at"), deleted_at=None)
    count, shown = _listed(rows, "-created_at", scope)
    names = card_names(user.member_organisation_id, [p.pk for p in shown], keyring)
    return Section("persons_created", count, [Item(p.pk, names.get(p.pk, ""), p.created_at) for p in shown])


# Below this many persons in the report's teams, their own cards cost less to open than the 64 search shards.
CARDS_OVER_SHARDS = 1500


def _exit_in(exits: dict[str, Any], wanted: set[str] | None, first: str, last: str) -> dict[str, Any] | None:
    """The first of a person's exits from the wanted teams dated in [first, last] (a person leaving several of
    the teams is listed once)."""
    for team_id, exit_ in exits.items():
        if (wanted is None or team_id in wanted) and first <= str(exit_.get("date") or "") <= last:
            return dict(exit_)
    return None


def _exit_cards(user: User, keyring: Keyring, scope: ReportScope) -> list[dict[str, Any]] | None:
    """The cards (with `id`) that may hold an exit from the report's teams: those of the persons assigned to
    them, or None when they are too many and the shards cost less."""
    if scope.whole:
        return None
    persons = _scoped(Person, user, scope).filter(deleted_at=None).values("pk")
    indexes = PersonIndex.objects.filter(organisation_id=user.member_organisation_id, person_id__in=persons)
    rows = list(indexes.only("person_id", "organisation_id", "card")[: CARDS_OVER_SHARDS + 1])
    if len(rows) > CARDS_OVER_SHARDS:
        return None
    return [{**open_part(ix, "card", keyring), "id": ix.person_id} for ix in rows]


def _shard_cards(user: User, keyring: Keyring) -> list[dict[str, Any]]:
    """The cards holding an exit, from the search shards (one pass over 64 envelopes; only those lines parsed)."""
    cards = []
    for raw in shard_lines(user.member_organisation_id, keyring, set()):
        if '"out_of_active_list":{"' in raw:
            person_id, _teams, _name, _birth, _since, card, _search = raw.split("\t", 6)
            cards.append({**json.loads(card), "id": UUID(person_id)})
    return cards


def _persons_out(user: User, keyring: Keyring, scope: ReportScope) -> Section:
    """Exits from the active list dated in the report's days."""
    wanted = None if scope.whole else {str(t.pk) for t in scope.teams}
    first, last = scope.first.isoformat(), scope.last.isoformat()
    cards = _exit_cards(user, keyring, scope)
    if cards is None:
        cards = _shard_cards(user, keyring)
    found = []
    for card in cards:
        if exit_ := _exit_in(card.get("out_of_active_list") or {}, wanted, first, last):
            found.append((card, exit_))
    live = set(
        _org(Person, user).filter(pk__in=[c["id"] for c, _ in found], deleted_at=None).values_list("pk", flat=True)
    )
    found = sorted(((c, e) for c, e in found if c["id"] in live), key=lambda pair: pair[1].get("date") or "")
    rows = [
        Item(c["id"], str(c.get("name") or ""), e.get("date"), ", ".join(e.get("reasons") or []))
        for c, e in found[: scope.shown]
    ]
    return Section("persons_out", len(found), rows)


def _referrals(user: User, scope: ReportScope) -> Section:
    rows = _scoped(Referral, user, scope).filter(_window(scope, Referral, "created_at"))
    per = dict(rows.values_list("structure__name").annotate(n=Count("id")).values_list("structure__name", "n"))
    return Section("referrals", sum(per.values()), sorted(per.items()))


def _observations(user: User, keyring: Keyring, scope: ReportScope) -> Section:
    organisation = user.organisation
    if organisation is None or not organisation.territories_enabled:
        return Section("observations", 0)
    moments = _window(scope, Observation, "observed_at")
    count, rows = observations_in(
        user=user, keyring=keyring, moments=moments, team_ids=scope.team_ids, limit=scope.shown
    )
    return Section("observations", count, rows)


def _services(user: User, scope: ReportScope) -> Section:
    rows = _scoped(ServiceCount, user, scope).filter(date__gte=scope.first, date__lte=scope.last)
    totals = list(rows.values_list("service").annotate(n=Sum("count")).order_by("service"))
    return Section("services", sum(n for _, n in totals), [(s, n) for s, n in totals if n])


def _consultations(user: User, keyring: Keyring, scope: ReportScope) -> dict[str, Section]:
    if not is_health(user, keyring):
        return {}
    base = _scoped(Consultation, user, scope).filter(deleted_at=None)
    ended = _window(scope, Consultation, "completed_at")
    picks = {
        "consultations_done": base.filter(ended, status=Status.DONE),
        "consultations_cancelled": base.filter(ended, status=Status.CANCELLED),
        "consultations_created": base.filter(_window(scope, Consultation, "created_at")),
    }
    sections = {}
    for key, rows in picks.items():
        count, shown = _listed(rows.select_related("only_visible_by"), "-created_at", scope)
        sections[key] = Section(key, count, consultation_rows(user, keyring, shown, names=True))
    return sections


def with_night_teams(user: User, scope: ReportScope) -> ReportScope:
    """The scope knowing the organisation's night teams, read once, when it covers the whole organisation."""
    if not scope.whole or scope.org_night_ids:
        return scope
    night = _org(Team, user).filter(night_team=True).values_list("pk", flat=True)
    return replace(scope, org_night_ids=tuple(night))


def report_sections(*, user: User, keyring: Keyring, scope: ReportScope) -> dict[str, Section]:
    """Every section of the report, by key. Restricted members get what they may see: passages, rencontres,
    observations, actions (no comments, no persons created or out, no services, no consultations)."""
    full = user.role in FULL_ROLES
    scope = with_night_teams(user, scope)
    sections: dict[str, Section] = {**_actions(user, keyring, scope)}
    if full:
        sections["comments"] = _comments(user, keyring, scope)
    organisation = user.organisation
    assert organisation is not None
    if organisation.passages_enabled:
        sections["passages"] = _encounters(user, keyring, scope, Passage, "passages")
    if organisation.rencontres_enabled:
        sections["rencontres"] = _encounters(user, keyring, scope, Rencontre, "rencontres")
    sections["observations"] = _observations(user, keyring, scope)
    sections["referrals"] = _referrals(user, scope)
    if full:
        sections["persons_created"] = _persons_created(user, keyring, scope)
        sections["persons_out"] = _persons_out(user, keyring, scope)
        sections["services"] = _services(user, scope)
        sections.update(_consultations(user, keyring, scope))
    return sections


@dataclass(frozen=True)
class NoteRow:
    report: Report
    data: dict[str, Any]


def report_notes(*, user: User, keyring: Keyring, scope: ReportScope) -> list[NoteRow]:
    """The handover notes and co-interventions of the report's teams and days, by day then team. Restricted
    members get none: a note speaks freely of the persons met."""
    if user.role not in FULL_ROLES:
        return []
    rows = _scoped(Report, user, scope).filter(deleted_at=None, date__gte=scope.first, date__lte=scope.last)
    return [NoteRow(r, d) for r, d in records_data(rows.select_related("team").order_by("date", "team__name"), keyring)]


def report_for(*, user: User, keyring: Keyring, team_id: Any, day: date) -> tuple[Report | None, dict[str, Any]]:
    report = _org(Report, user).filter(team_id=team_id, date=day, deleted_at=None).first()
    return report, (record_data(report, keyring) if report else {})


def month_activity(*, user: User, scope: ReportScope) -> dict[date, set[str]]:
    """For the calendar: which days of the scope have a handover note ("note") or activity ("activity": a
    passage, rencontre, comment, observation, action done or service given), counted in SQL only."""
    scope = with_night_teams(user, scope)
    marks: dict[date, set[str]] = defaultdict(set)
    for day in (
        _scoped(Report, user, scope)
        .filter(deleted_at=None, date__gte=scope.first, date__lte=scope.last)
        .values_list("date", flat=True)
    ):
        marks[day].add("note")
    counts = _scoped(ServiceCount, user, scope).filter(date__gte=scope.first, date__lte=scope.last, count__gt=0)
    active = set(counts.values_list("date", flat=True).distinct())
    organisation = user.organisation
    sources: list[tuple[QuerySet[Any], str]] = [
        (_scoped(Passage, user, scope).filter(deleted_at=None), "date"),
        (_scoped(Rencontre, user, scope).filter(deleted_at=None), "date"),
        (_scoped(Comment, user, scope).filter(deleted_at=None), "created_at"),
        (_scoped(Action, user, scope).filter(deleted_at=None, status=Status.DONE), "completed_at"),
    ]
    if organisation is not None and organisation.territories_enabled:
        sources.append((_scoped(Observation, user, scope).filter(deleted_at=None), "observed_at"))
    for day in scope.days():
        one = replace(scope, first=day, last=day)
        # One indexed probe a day and kind, stopping at the first row: the database never reads a month of rows.
        if day in active or any(rows.filter(_window(one, rows.model, at)).exists() for rows, at in sources):
            marks[day].add("activity")
    return marks
