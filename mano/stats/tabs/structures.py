"""The Structures tab: referrals ("orientations") of the period by structure and by structure category, from the
plaintext `Referral` rows (structure, team, moment; no person). Also the Général tab's count of referrals."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core.statlines import half_day, team_key
from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, general, register
from mano.stats.tabs.items import item_rows, placed
from mano.structures.models import Referral, Structure

UNIT = _("Orientations")
_DAY = timedelta(days=1)


def referrals(ctx: StatsContext) -> Counter[Any]:
    """Referrals per structure id in the period, placed like the other items (a night team from noon to noon)."""
    scope = ctx.scope
    counter = scope.counter()
    rows = Referral.objects.filter(organisation_id=scope.organisation_id).order_by()
    # One day of margin on each side for the night teams; the half-day test below decides.
    rows = rows.filter(created_at__date__gte=scope.first - _DAY, created_at__date__lte=scope.last + _DAY)
    if scope.team_ids is not None:
        rows = rows.filter(team_id__in=scope.team_ids)
    found: Counter[Any] = Counter()
    for structure, team, at in rows.values_list("structure_id", "team_id", "created_at").iterator(5000):
        if placed(counter, team_key([team]), half_day(at)):
            found[structure] += 1
    return found


def build(ctx: StatsContext) -> list[Section]:
    found = referrals(ctx)
    structures = {
        s.pk: s for s in Structure.objects.filter(organisation_id=ctx.scope.organisation_id, pk__in=list(found))
    }
    by_name: Counter[Any] = Counter()
    by_category: Counter[Any] = Counter()
    for pk, n in found.items():
        structure = structures[pk]
        by_name[structure.name] += n
        for category in dict.fromkeys(structure.categories or [None]):
            by_category[category] += n
    total = sum(found.values())
    order = [item for g in ctx.organisation.structure_categories or [] for item in g["items"]]
    indicators = [
        Indicator(
            "structures", _("Orientations par structure"), "bar", item_rows(by_name, [], unset=False), total, unit=UNIT
        ),
        Indicator(
            "categories",
            _("Orientations par catégorie de structure"),
            "bar",
            item_rows(by_category, order),
            total,
            unit=UNIT,
        ),
    ]
    note = _("Une structure de plusieurs catégories compte dans chacune.")
    return [Section(_("Structures"), blocks=[Block("referrals", UNIT, total)], indicators=indicators, note=note)]


def general_blocks(ctx: StatsContext) -> list[Block]:
    return [Block("referrals", UNIT, sum(referrals(ctx).values()))]


register(Tab("structures", _("Structures"), build, person_filters=False))
if general_blocks not in general.EXTRA_BLOCKS:
    general.EXTRA_BLOCKS.append(general_blocks)
