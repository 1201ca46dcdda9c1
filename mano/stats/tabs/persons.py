"""The Personnes tab: the persons of the chosen definition (see `selectors.population`) and their indicators at
the end of the period."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.filters import POPULATIONS
from mano.stats.indicators import person_indicators
from mano.stats.tabs import Block, Section, Tab, register


def build(ctx: StatsContext) -> list[Section]:
    which = ctx.filters.population
    values = [v for _, v in ctx.population(which)]
    indicators = person_indicators(
        values, end=ctx.scope.last, ages=ctx.filters.ages, groups=list(ctx.organisation.person_field_groups or [])
    )
    title = _("Personnes %(which)s") % {"which": POPULATIONS[which]}
    return [Section(title, blocks=[Block("persons", _("Personnes"), len(values))], indicators=indicators)]


register(Tab("personnes", _("Personnes"), build))
