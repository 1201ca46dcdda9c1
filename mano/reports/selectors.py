"""What a report shows: every section is read from the other apps' rows placed in the report's moments, scoped
to the organisation, then to the teams; only the rows shown are decrypted."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum, Window

from mano.accounts.models import Team, User
from mano.agenda.models import Action, ServiceCount, Status
from mano.agenda.selectors import action_rows
from mano.core.crypto import Keyring
from mano.core.records import record_data, records_data
from mano.medical.access import is_health
from mano.medical.models import Consultation
from mano.medical.selectors import consultation_rows
from mano.persons.index import card_names, shard_lines
from mano.persons.models import Comment, Passage, Person, Rencontre
from mano.reports.models import Report
from mano.reports.scope import ReportScope, team_filter
from mano.structures.models import Referral
from mano.territories.models import Observation
from mano.territories.selectors import observations_in

SHOWN = 200  # rows listed per section; the counts are exact
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


def _listed(rows: QuerySet[Any], order: str) -> tuple[int, list[Any]]:
    """The count of the rows and the SHOWN first of them in one query: the database reads the rows once."""
    shown = list(rows.annotate(listed_total=Window(Count("pk"))).order_by(order)[:SHOWN])
    return (shown[0].listed_total if shown else 0), shown


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
        count, shown = _listed(rows.prefetch_related("teams"), "-created_at")
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
    count, shown = _listed(rows.select_related("team"), "-created_at")
    return Section("comments", count, _named(user, keyring, records_data(shown, keyring), "text"))


def _encounters(user: User, keyring: Keyring, scope: ReportScope, model: Any, key: str) -> Section:
    rows = _scoped(model, user, scope).filter(_window(scope, model, "date"), deleted_at=None)
    rows = rows.exclude(person__deleted_at__isnull=False)
    counts = rows.aggregate(named=Count("pk", filter=Q(person__isnull=False)), all=Count("pk"))
    shown = list(rows.filter(person__isnull=False).select_related("team").order_by("-date")[:SHOWN])
    section = Section(key, counts["all"], _named(user, keyring, records_data(shown, keyring), "comment"))
    section.extra = {"named": counts["named"], "anonymous": counts["all"] - counts["named"]}
    return section


def _persons_created(user: User, keyring: Keyring, scope: ReportScope) -> Section:
    rows = _scoped(Person, user, scope).filter(_window(scope, Person, "created_at"), deleted_at=None)
    count, shown = _listed(rows, "-created_at")
    names = card_names(user.member_organisation_id, [p.pk for p in shown], keyring)
    return Section("persons_created", count, [Item(p.pk, names.get(p.pk, ""), p.created_at) for p in shown])


def _persons_out(user: User, keyring: Keyring, scope: ReportScope) -> Section:
    """Exits from the active list dated in the report's days, read from the search shards' cards (one pass over
    64 envelopes; only the lines holding an exit are parsed)."""
    wanted = None if scope.whole else {str(t) for t in scope.team_ids or []}
    first, last = scope.first.isoformat(), scope.last.isoformat()
    found = []
    for raw in shard_lines(user.member_organisation_id, keyring, set()):
        if '"out_of_active_list":{"' not in raw:
            continue
        person_id, _teams_field, _name, _birth, _since, card, _search = raw.split("\t", 6)
        exits = json.loads(card).get("out_of_active_list") or {}
        for team_id, exit_ in exits.items():
            if (wanted is None or team_id in wanted) and first <= str(exit_.get("date") or "") <= last:
                found.append((UUID(person_id), exit_))
                break  # a person leaving several of the teams is listed once
    live = set(_org(Person, user).filter(pk__in=[p for p, _ in found], deleted_at=None).values_list("pk", flat=True))
    found = [(p, e) for p, e in found if p in live]
    names = card_names(user.member_organisation_id, [p for p, _ in found], keyring)
    rows = [Item(p, names.get(p, ""), e.get("date"), ", ".join(e.get("reasons") or [])) for p, e in found[:SHOWN]]
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
    count, rows = observations_in(user=user, keyring=keyring, moments=moments, team_ids=scope.team_ids, limit=SHOWN)
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
    return {
        key: Section(
            key,
            rows.count(),
            consultation_rows(user, keyring, list(rows.select_related("only_visible_by")[:SHOWN]), names=True),
        )
        for key, rows in picks.items()
    }


def report_sections(*, user: User, keyring: Keyring, scope: ReportScope) -> dict[str, Section]:
    """Every section of the report, by key. Restricted members get what they may see: passages, rencontres,
    observations, actions (no comments, no persons created or out, no services, no consultations)."""
    full = user.role in FULL_ROLES
    if scope.whole:
        night = _org(Team, user).filter(night_team=True).values_list("pk", flat=True)
        scope = replace(scope, org_night_ids=tuple(night))
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


def month_activity(*, user: User, team_ids: list[Any] | None, first: date, last: date) -> dict[date, set[str]]:
    """For the calendar: which days have a handover note ("note") or activity ("activity"), counted in SQL only."""
    marks: dict[date, set[str]] = defaultdict(set)
    reports = _org(Report, user).filter(deleted_at=None, date__gte=first, date__lte=last)
    counts = _org(ServiceCount, user).filter(date__gte=first, date__lte=last, count__gt=0)
    passages = _org(Passage, user).filter(deleted_at=None, date__date__gte=first, date__date__lte=last)
    if team_ids is not None:
        reports, counts, passages = (q.filter(team_id__in=team_ids) for q in (reports, counts, passages))
    for day in reports.values_list("date", flat=True):
        marks[day].add("note")
    for day in counts.values_list("date", flat=True).distinct():
        marks[day].add("activity")
    for moment in passages.datetimes("date", "day"):
        marks[moment.date()].add("activity")
    return marks
