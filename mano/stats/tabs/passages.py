"""The Passages tab: named and anonymous passages of the period, and the named ones by their persons' gender."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.meetings import by_gender, meetings

UNIT = _("Passages")
NAMED, ANONYMOUS = _("Nominatifs"), _("Anonymes")


def build(ctx: StatsContext) -> list[Section]:
    found = meetings(ctx, "passages")
    total = found.named + found.anonymous
    kinds = Indicator(
        "kinds",
        _("Passages nominatifs et anonymes"),
        "pie",
        [(NAMED, found.named), (ANONYMOUS, found.anonymous)],
        total,
        unit=UNIT,
    )
    blocks = [
        Block("passages", UNIT, total),
        Block("passages_named", _("Passages nominatifs"), found.named),
        Block("passages_anonymous", _("Passages anonymes"), found.anonymous),
        Block("persons", _("Personnes venues"), len(found.per_person)),
    ]
    indicators = [kinds, *by_gender(ctx, found, UNIT, _("Passages par genre"))]
    note = _("Avec un filtre sur les personnes, les passages anonymes ne sont pas comptés.") if ctx.kept_ids else ""
    return [Section(_("Passages"), blocks=blocks, indicators=indicators, note=note)]


register(Tab("passages", _("Passages"), build, switch="passages_enabled"))
