"""The Actions tab: the period's actions of the chosen teams (placed as in the agenda: done or cancelled date,
else due date) by category, by group of categories and by status, and the actions done per day, week or month.
Read from the "action-categories" lines (`mano.agenda.stats`); categories are named as the actions name them, so
a category deleted from the list still counts, after the list's own."""

from __future__ import annotations

from collections import Counter as Tally
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.agenda.categories import categories_of
from mano.agenda.models import Status
from mano.agenda.stats import CATEGORIES, CATEGORIES_WIDTH, LETTER_STATUSES, STATUS_LETTERS, split
from mano.core import statstore
from mano.core.statlines import CODE, TEAMS_SEP
from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.items import bucket, bucket_label, buckets, day_of, grain, item_members, item_rows, night_of

UNIT = _("Actions")
DONE = STATUS_LETTERS[Status.DONE]
OUTSIDE = _("Hors de la liste")  # the group of a category deleted from the list
GRAINS = {
    "day": _("Actions faites par jour"),
    "week": _("Actions faites par semaine"),
    "month": _("Actions faites par mois"),
}


Sets = Tally[tuple[str, tuple[str, ...]]]
Persons = dict[tuple[str, tuple[str, ...]], set[str]]


def _tallies(ctx: StatsContext) -> tuple[Sets, Persons, Tally[tuple[str, str]]]:
    """(status letter, categories) → actions, and → their persons; (teams field, entry's team index and code)
    → actions done."""
    counter, kept = ctx.scope.counter(), ctx.kept_ids
    sets: Sets = Tally()
    persons: Persons = defaultdict(set)
    done: Tally[tuple[str, str]] = Tally()
    for raw in statstore.lines(ctx.scope.organisation_id, ctx.keyring, CATEGORIES):
        person = raw[: raw.index("\t")]
        if kept is not None and person not in kept:
            continue
        line, table, _referrals = split(raw)
        entries = counter.entries(line, CATEGORIES_WIDTH)
        if not entries:
            continue
        for suffix, n in Tally(e[-2:] for e in entries).items():
            key = (suffix[0], tuple(table[ord(suffix[1]) - 48]))
            sets[key] += n
            persons[key].add(person)
        teams = line.split("\t", 2)[1]
        done.update((teams, e[: 1 + CODE]) for e in entries if e[-2] == DONE)
    return sets, persons, done


def build(ctx: StatsContext) -> list[Section]:
    sets, persons, done = _tallies(ctx)
    config = categories_of(ctx.organisation)
    group_of = {item: g["group"] for g in config for item in g["items"]}
    statuses, categories, groups = Rows(), Rows(), Rows()
    for key, n in sets.items():
        letter, names = key
        who = persons[key]
        statuses.add(Status(LETTER_STATUSES[letter]).label, n, who)
        for name in names or [None]:
            categories.add(name, n, who)
        for group in {group_of.get(name, OUTSIDE) for name in names} or {None}:
            groups.add(group, n, who)
    total = sum(sets.values())
    counter, unit = ctx.scope.counter(), grain(ctx.scope.first, ctx.scope.last)
    per_bucket: Tally[Any] = Tally()
    for (teams, entry), n in done.items():
        night = night_of(counter, teams.split(TEAMS_SEP)[ord(entry[0]) - 48])
        per_bucket[bucket(day_of(int(entry[1:]), bool(night)), unit)] += n
    days = buckets(ctx.scope.first, ctx.scope.last, unit)
    items = [item for g in config for item in g["items"]]
    indicators = [
        categories.indicator("categories", _("Actions par catégorie"), "bar", items, total),
        groups.indicator("groups", _("Actions par groupe de catégories"), "bar", [g["group"] for g in config], total),
        statuses.indicator("status", _("Actions par statut"), "pie", [s.label for s in Status], total, unset=False),
        Indicator("done", GRAINS[unit], "bar", [(bucket_label(d, unit), per_bucket[d]) for d in days], 0, unit=UNIT),
    ]
    blocks = [Block("actions", UNIT, total), Block("actions_done", _("Actions faites"), sum(done.values()))]
    note = _("Une action de plusieurs catégories compte dans chacune.")
    return [Section(_("Actions"), blocks=blocks, indicators=indicators, note=note)]


class Rows:
    """Actions per label and the persons behind them (a row's drill-down lists persons, not actions)."""

    def __init__(self) -> None:
        self.counts: Tally[Any] = Tally()
        self.persons: dict[Any, set[str]] = defaultdict(set)

    def add(self, label: Any, n: int, persons: set[str]) -> None:
        self.counts[label] += n
        self.persons[label] |= persons

    def indicator(
        self, key: str, label: Any, chart: str, order: list[Any], total: int, *, unset: bool = True
    ) -> Indicator:
        rows = item_rows(self.counts, order, unset=unset)
        return Indicator(key, label, chart, rows, total, members=item_members(rows, self.persons), unit=UNIT)


register(Tab("actions", _("Actions"), build))
