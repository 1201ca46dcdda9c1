"""What the Passages and Rencontres tabs share: a period's items of a person-keyed item source, per person (and
anonymous ones apart), joined with the persons' lines for their gender."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.persons.models import GENDERS
from mano.persons.stats import ANONYMOUS
from mano.stats.context import StatsContext
from mano.stats.indicators import NOT_SET, Indicator, gender
from mano.stats.tabs.items import item_rows


@dataclass
class Meetings:
    per_person: dict[str, int] = field(default_factory=dict)
    anonymous: int = 0

    @property
    def named(self) -> int:
        return sum(self.per_person.values())


def meetings(ctx: StatsContext, source: str) -> Meetings:
    """The period's items of the chosen teams; with person filters, only the kept persons' (and no anonymous
    item: nothing is known of who came)."""
    counter, kept, width = ctx.scope.counter(), ctx.kept_ids, statstore.SOURCES[source].width
    found = Meetings()
    for raw in statstore.lines(ctx.scope.organisation_id, ctx.keyring, source):
        key = raw[: raw.index("\t")]
        if key.startswith(ANONYMOUS):
            if kept is None:
                found.anonymous += counter.count(raw, width)
        elif (kept is None or key in kept) and (n := counter.count(raw, width)):
            found.per_person[key] = n
    return found


def by_gender(ctx: StatsContext, found: Meetings, unit: Any, label: Any) -> list[Indicator]:
    """Items per gender of their persons, and the persons per gender (with their drill-down)."""
    lines = [p for p in ctx.lines if p.person_id in found.per_person]
    values = ctx.values(lines)
    items: dict[Any, int] = {}
    for v in values:
        key = v.get("gender") or None
        items[key] = items.get(key, 0) + found.per_person[v["id"]]
    persons = gender(values)
    persons.label = _("Personnes par genre")
    persons.key = "persons_gender"
    rows = item_rows(items, GENDERS)
    return [Indicator("gender", label, "bar", rows, sum(n for _, n in rows), unit=unit), persons]


__all__ = ["NOT_SET", "Meetings", "by_gender", "meetings"]
