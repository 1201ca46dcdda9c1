"""Which teams and which days a report covers, and the moments that bound it (a night team's day runs noon to
noon, as in the agenda)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team
from mano.agenda.days import day_window

END_BEFORE_START = _("La fin de la période ne peut pas précéder son début.")
TOO_LONG = _("Pour toute l’organisation, une période d’un an au plus.")
MAX_DAYS = 366
SHOWN_DAY, SHOWN_PERIOD = 200, 100


@dataclass(frozen=True)
class ReportScope:
    teams: list[Team]  # the chosen teams; empty with `whole`
    whole: bool
    first: date
    last: date  # inclusive
    # With `whole`: the organisation's night teams, read once per report (report_sections fills it).
    org_night_ids: tuple[Any, ...] = ()

    @property
    def night(self) -> bool:
        return bool(self.teams) and all(t.night_team for t in self.teams)

    @property
    def start(self) -> datetime:
        return day_window(self.first, night=self.night)[0]

    @property
    def end(self) -> datetime:
        return day_window(self.last, night=self.night)[1]

    @property
    def shown(self) -> int:
        """Rows listed per section (the counts are exact): a day's in full, the first of a longer period's."""
        return SHOWN_DAY if self.one_day else SHOWN_PERIOD

    @property
    def one_day(self) -> bool:
        return self.first == self.last

    @property
    def team_ids(self) -> list[Any] | None:
        """None for the whole organisation (no team filter)."""
        return None if self.whole else [t.pk for t in self.teams]

    @property
    def single_team(self) -> Team | None:
        return self.teams[0] if len(self.teams) == 1 and not self.whole else None

    def window(self, field: str, in_teams: Callable[[list[Any]], Q]) -> Q:
        """Rows whose `field` falls in the report's moments, a night team's rows in its noon-to-noon days;
        `in_teams(ids)` selects the rows of those teams.

        With teams of both kinds (or the whole organisation), each row is placed by its own team's kind. The
        outer range holds both kinds' moments, so that the database reads one indexed range and sorts the rows
        out inside it."""
        day_start, day_end = day_window(self.first, night=False)[0], day_window(self.last, night=False)[1]
        night_start, night_end = day_window(self.first, night=True)[0], day_window(self.last, night=True)[1]
        by_day = Q(**{f"{field}__gte": day_start, f"{field}__lt": day_end})
        by_night = Q(**{f"{field}__gte": night_start, f"{field}__lt": night_end})
        chosen = list(self.org_night_ids) if self.whole else [t.pk for t in self.teams if t.night_team]
        if not chosen:
            return by_day
        if not self.whole and len(chosen) == len(self.teams):
            return by_night
        at_night = in_teams(chosen)
        both = Q(**{f"{field}__gte": day_start, f"{field}__lt": night_end})
        return both & ((at_night & by_night) | (~at_night & by_day))

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def checked_period(first: date, last: date, *, whole: bool) -> tuple[date, date]:
    if last < first:
        raise ValidationError({"au": END_BEFORE_START})
    if whole and (last - first).days >= MAX_DAYS:
        raise ValidationError({"au": TOO_LONG})
    return first, last


def team_filter(model: Any) -> Callable[[list[Any]], Q]:
    """How to select a model's rows of some teams. A many-to-many `teams` is read through its link table in a
    correlated subquery (one index probe a row): a join would repeat the rows and need a DISTINCT over their
    encrypted payloads."""
    field = model._meta.get_field("teams" if hasattr(model, "teams") else "team")
    if not field.many_to_many:
        return lambda ids: Q(team_id__in=ids)
    links = field.remote_field.through.objects
    own = f"{model._meta.model_name}_id"
    return lambda ids: Q(Exists(links.filter(**{own: OuterRef("pk")}, team_id__in=ids)))
