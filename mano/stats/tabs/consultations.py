"""The Consultations tab, for health professionals only: the period's consultations of the chosen teams (placed
as in the agenda) by type and by status, and the persons by type (the "medical" lines, `mano.medical.stats`).
Also the Général tab's count of consultations, for them only."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.medical.models import Status
from mano.medical.stats import LETTER_STATUSES, parsed
from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, general, register
from mano.stats.tabs.items import item_rows, person_rows, placed

UNIT = _("Consultations")


def medical_values(ctx: StatsContext) -> dict[str, dict[str, Any]]:
    """The "medical" lines of the organisation, parsed once per request."""
    return ctx.shared("medical", lambda: parsed(ctx.scope.organisation_id, ctx.keyring))


def consultations(ctx: StatsContext) -> dict[str, list[tuple[str, str]]]:
    """{person id: [(status letter, type), …]} of the period, for the live persons the filters keep."""
    if not ctx.health:
        return {}
    counter, live = ctx.scope.counter(), ctx.live_ids
    found: dict[str, list[tuple[str, str]]] = {}
    for person, value in medical_values(ctx).items():
        if person in live:
            items = [(letter, type_) for team, code, letter, type_ in value["c"] if placed(counter, team, code)]
            if items:
                found[person] = items
    return found


def build(ctx: StatsContext) -> list[Section]:
    found = consultations(ctx)
    types_order = [t["name"] for t in ctx.organisation.consultation_types or []]
    by_type: Counter[Any] = Counter()
    by_status: Counter[Any] = Counter()
    for items in found.values():
        for letter, type_ in items:
            by_type[type_ or None] += 1
            by_status[Status(LETTER_STATUSES.get(letter, "todo")).label] += 1
    total = sum(by_type.values())
    persons, members = person_rows({p: [t for _, t in items if t] for p, items in found.items()}, types_order)
    indicators = [
        Indicator("types", _("Consultations par type"), "bar", item_rows(by_type, types_order), total, unit=UNIT),
        Indicator(
            "status",
            _("Consultations par statut"),
            "pie",
            item_rows(by_status, [s.label for s in Status], unset=False),
            total,
            unit=UNIT,
        ),
        Indicator(
            "persons_types", _("Personnes par type de consultation"), "bar", persons, len(found), members=members
        ),
    ]
    blocks = [Block("consultations", UNIT, total), Block("persons", _("Personnes concernées"), len(found))]
    return [Section(_("Consultations"), blocks=blocks, indicators=indicators)]


def general_blocks(ctx: StatsContext) -> list[Block]:
    if not ctx.health:
        return []
    return [Block("consultations", UNIT, sum(len(items) for items in consultations(ctx).values()))]


register(Tab("consultations", _("Consultations"), build, health=True))
if general_blocks not in general.EXTRA_BLOCKS:
    general.EXTRA_BLOCKS.append(general_blocks)
