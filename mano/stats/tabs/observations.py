"""The Observations tab: every observation field shown in statistics, over the territories' observations of the
period by the chosen teams (the "observations" lines, `mano.territories.stats`). Also the Général tab's count."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.core.statlines import team_key
from mano.core.statmonths import month_items
from mano.stats.context import StatsContext
from mano.stats.indicators import custom_fields, custom_indicator
from mano.stats.tabs import Block, Section, Tab, general, register
from mano.stats.tabs.items import placed
from mano.territories.stats import SOURCE

UNIT = _("Observations")


def observations(ctx: StatsContext) -> list[dict[str, Any]]:
    """The custom values of each observation of the period and teams."""
    if not ctx.organisation.territories_enabled:
        return []
    scope, counter = ctx.scope, ctx.scope.counter()
    items = month_items(statstore.lines(scope.organisation_id, ctx.keyring, SOURCE), scope.first, scope.last)
    return [{"custom": custom} for team, code, custom in items if placed(counter, team_key([team]), code)]


def build(ctx: StatsContext) -> list[Section]:
    found = observations(ctx)
    indicators = []
    for definition in custom_fields(list(ctx.organisation.observation_field_groups or [])):
        indicator = custom_indicator(definition, found)
        if indicator is not None:
            indicator.unit, indicator.members = UNIT, []
            indicators.append(indicator)
    note = _("Les observations ne nomment personne : les filtres sur les personnes ne s’y appliquent pas.")
    return [
        Section(_("Observations"), blocks=[Block("observations", UNIT, len(found))], indicators=indicators, note=note)
    ]


def general_blocks(ctx: StatsContext) -> list[Block]:
    if not ctx.organisation.territories_enabled:
        return []
    return [Block("observations", UNIT, len(observations(ctx)))]


register(Tab("observations", _("Observations"), build, switch="territories_enabled", person_filters=False))
if general_blocks not in general.EXTRA_BLOCKS:
    general.EXTRA_BLOCKS.append(general_blocks)
