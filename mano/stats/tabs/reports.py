"""The Comptes rendus tab: the teams' reports of the period and the co-interventions they name (the "reports"
lines, `mano.reports.stats`). A report is a team's day: no noon bound."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core import grouped, statstore
from mano.core.statmonths import month_items
from mano.reports.stats import SOURCE
from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.items import item_rows

UNIT = _("Comptes rendus")


def build(ctx: StatsContext) -> list[Section]:
    scope = ctx.scope
    first, last = scope.first.isoformat(), scope.last.isoformat()
    items = month_items(statstore.lines(scope.organisation_id, ctx.keyring, SOURCE), scope.first, scope.last)
    reports = [names for team, day, names in items if first <= day <= last and scope.chosen([team])]
    counts: Counter[Any] = Counter()
    for names in reports:
        counts.update(names or [None])
    order = grouped.all_items(list(ctx.organisation.collaborations or []))
    rows = item_rows(counts, order)
    indicators = [Indicator("collaborations", _("Co-interventions"), "bar", rows, len(reports), unit=UNIT)]
    blocks = [
        Block("reports", UNIT, len(reports)),
        Block("collaborations", _("Co-interventions"), sum(n for names in reports for n in [len(names)])),
    ]
    note = _("Un compte rendu peut nommer plusieurs co-interventions : il compte dans chacune.")
    return [Section(_("Comptes rendus"), blocks=blocks, indicators=indicators, note=note)]


register(Tab("comptes-rendus", _("Comptes rendus"), build, person_filters=False))
