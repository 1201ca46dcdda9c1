"""The Structures tab: referrals ("orientations") of the period by structure and by structure category, from the
plaintext `Referral` rows (structure, team, moment; no person). Also the Général tab's count of referrals.

A row names no person, so the person filters cannot narrow these counts (the page says so). A referral whose
action was cancelled is not counted, as in the Résultats tab's delays: its row is found again through the keyed
link of the organisation's cancelled actions of those days."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.agenda.models import Action, Status
from mano.core.statlines import half_day, team_key
from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, general, register
from mano.stats.tabs.items import item_rows, placed
from mano.structures.models import Referral, Structure
from mano.structures.referrals import link

UNIT = _("Orientations")
UNFILTERED = _("Orientations (sans les filtres sur les personnes)")
_DAY = timedelta(days=1)


def referrals(ctx: StatsContext) -> Counter[Any]:
    """Referrals per structure id in the period, placed like the other items (a night team from noon to noon);
    read once per request (the Général and Structures tabs of an export both count them)."""
    return ctx.shared("referrals", lambda: _referrals(ctx))


def _referrals(ctx: StatsContext) -> Counter[Any]:
    scope = ctx.scope
    counter = scope.counter()
    rows = Referral.objects.filter(organisation_id=scope.organisation_id).order_by()
    # One day of margin on each side for the night teams; the half-day test below decides.
    rows = rows.filter(created_at__date__gte=scope.first - _DAY, created_at__date__lte=scope.last + _DAY)
    if scope.team_ids is not None:
        rows = rows.filter(team_id__in=scope.team_ids)
    kept = [
        (structure, link_)
        for structure, team, at, link_ in rows.values_list("structure_id", "team_id", "created_at", "action_link")
        if placed(counter, team_key([team]), half_day(at))
    ]
    cancelled = _cancelled_links(ctx) if kept else set()
    return Counter(structure for structure, link_ in kept if link_ not in cancelled)


def _cancelled_links(ctx: StatsContext) -> set[str]:
    """The links of the cancelled actions due in the period (with its margin): a referral's action is due at the
    moment its row was written. Only a few days' cancelled actions are hashed, not the organisation's."""
    scope = ctx.scope
    actions = Action.objects.filter(
        organisation_id=scope.organisation_id,
        deleted_at=None,
        status=Status.CANCELLED,
        due_at__date__gte=scope.first - _DAY,
        due_at__date__lte=scope.last + _DAY,
    ).order_by()
    return {link(ctx.keyring, pk) for pk in actions.values_list("pk", flat=True).iterator(5000)}


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
    note = _(
        "Une structure de plusieurs catégories compte dans chacune. Une orientation dont l’action a été annulée "
        "n’est pas comptée."
    )
    return [Section(_("Structures"), blocks=[Block("referrals", UNIT, total)], indicators=indicators, note=note)]


def general_blocks(ctx: StatsContext) -> list[Block]:
    label = UNFILTERED if ctx.person_filters.is_set() else UNIT
    return [Block("referrals", label, sum(referrals(ctx).values()))]


register(Tab("structures", _("Structures"), build, person_filters=False))
if general_blocks not in general.EXTRA_BLOCKS:
    general.EXTRA_BLOCKS.append(general_blocks)
