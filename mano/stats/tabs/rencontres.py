"""The Rencontres tab: the period's rencontres, by their persons' gender."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.meetings import by_gender, meetings

UNIT = _("Rencontres")


def build(ctx: StatsContext) -> list[Section]:
    found = meetings(ctx, "rencontres")
    blocks = [
        Block("rencontres", UNIT, found.named),
        Block("persons", _("Personnes rencontrées"), len(found.per_person)),
    ]
    return [Section(_("Rencontres"), blocks=blocks, indicators=by_gender(ctx, found, UNIT, _("Rencontres par genre")))]


register(Tab("rencontres", _("Rencontres"), build, switch="rencontres_enabled"))
