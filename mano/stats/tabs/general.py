"""The Général tab: persons created and followed in the period, then each item source's count."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.stats import selectors
from mano.stats.context import StatsContext
from mano.stats.tabs import Block, Section, Tab, register


def general_blocks(ctx: StatsContext) -> list[Block]:
    scope, activity = ctx.scope, ctx.activity
    first, last = scope.first.isoformat(), scope.last.isoformat()
    created = {p.person_id for p in ctx.lines if first <= p.created <= last and scope.chosen(p.team_ids)}
    blocks = [
        Block("persons_created", _("Personnes créées"), len(created)),
        Block("persons_followed", _("Personnes suivies"), len((activity.followed() | created) & ctx.live_ids)),
    ]
    if "actions" in activity.persons:
        count = len(activity.persons["actions"] & ctx.live_ids)
        blocks.append(Block("persons_with_actions", _("Personnes suivies concernées par une action"), count))
    for source in selectors.item_sources(ctx.organisation):
        blocks.append(Block(source.name, source.label, activity.counts[source.name]))
    return blocks + [block for extra in EXTRA_BLOCKS for block in extra(ctx)]


# Counts that do not come from the store's item sources (plaintext counters such as services or referrals):
# their apps' tabs add a function here.
EXTRA_BLOCKS: list = []


def build(ctx: StatsContext) -> list[Section]:
    return [Section(_("Général"), blocks=general_blocks(ctx))]


register(Tab("general", _("Général"), build))
