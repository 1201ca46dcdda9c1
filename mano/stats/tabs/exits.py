"""The Sorties tab: persons who left the active list of a chosen team during the period, by reason and by team
(the persons' lines carry `out_of_active_list`: {team id: {date, reasons}})."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.indicators import Indicator
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.items import person_rows


def _exits(ctx: StatsContext) -> dict[str, list[tuple[str, list[Any]]]]:
    """{person id: [(team id, reasons), …]} of the exits in the period from the chosen teams."""
    first, last = ctx.scope.first.isoformat(), ctx.scope.last.isoformat()
    found: dict[str, list[tuple[str, list[Any]]]] = {}
    candidates = [p for p in ctx.lines if '"out_of_active_list"' in p.values_json]
    for values in ctx.values(candidates):
        for team, exit_ in (values.get("out_of_active_list") or {}).items():
            day = str((exit_ or {}).get("date") or "")[:10]
            if first <= day <= last and ctx.scope.chosen([team]):
                found.setdefault(values["id"], []).append((team, list((exit_ or {}).get("reasons") or [])))
    return found


def build(ctx: StatsContext) -> list[Section]:
    exits = _exits(ctx)
    reasons = {p: [r for _, rs in items for r in rs if r] for p, items in exits.items()}
    names = {str(t.pk): t.name for t in ctx.teams}
    teams = {p: [names.get(t, t) for t, _ in items] for p, items in exits.items()}
    by_reason, reason_members = person_rows(reasons, list(ctx.organisation.active_list_reasons or []))
    by_team, team_members = person_rows(teams, [t.name for t in ctx.teams])
    total = len(exits)
    indicators = [
        Indicator("reasons", _("Sorties de file active par motif"), "bar", by_reason, total, members=reason_members),
        Indicator("teams", _("Sorties de file active par équipe"), "bar", by_team, total, members=team_members),
    ]
    blocks = [Block("exits", _("Personnes sorties de la file active"), total)]
    note = _("Une personne sortie pour plusieurs motifs compte dans chacun.")
    return [Section(_("Sorties de file active"), blocks=blocks, indicators=indicators, note=note)]


register(Tab("sorties", _("Sorties"), build))
