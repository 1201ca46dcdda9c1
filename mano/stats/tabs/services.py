"""The Services tab: the reception services given in the period by the chosen teams (plaintext counts per team,
day and service: `mano.agenda.models.ServiceCount`), only for an organisation with the reception desk on."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from mano.agenda.models import ServiceCount
from mano.core import grouped
from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.items import item_rows

UNIT = _("Services rendus")


def counts(ctx: StatsContext) -> dict[str, int]:
    rows = ServiceCount.objects.filter(
        organisation_id=ctx.scope.organisation_id, date__gte=ctx.scope.first, date__lte=ctx.scope.last
    )
    if ctx.scope.team_ids is not None:
        rows = rows.filter(team_id__in=ctx.scope.team_ids)
    totals = rows.values("service").annotate(total=Sum("count")).order_by()
    return {row["service"]: row["total"] for row in totals if row["total"]}


def build(ctx: StatsContext) -> list[Section]:
    found = counts(ctx)
    config = ctx.organisation.services or []
    total = sum(found.values())
    services = item_rows(found, grouped.all_items(config), unset=False)
    group_of = {item: g["group"] for g in config for item in g["items"]}
    per_group: dict[str, int] = {}
    for service, n in found.items():
        group = group_of.get(service, str(_("Hors de la liste")))
        per_group[group] = per_group.get(group, 0) + n
    groups = item_rows(per_group, [g["group"] for g in config], unset=False)
    indicators = [
        Indicator("services", _("Services rendus par service"), "bar", services, total, unit=UNIT),
        Indicator("groups", _("Services rendus par groupe"), "bar", groups, total, unit=UNIT),
    ]
    note = _(
        "Les services sont des comptes par équipe et par jour : les filtres sur les personnes ne s’y appliquent pas."
    )
    return [Section(_("Services"), blocks=[Block("services", UNIT, total)], indicators=indicators, note=note)]


register(Tab("services", _("Services"), build, switch="reception_enabled", person_filters=False))
