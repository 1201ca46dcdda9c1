"""The Sorties tab: persons who left the active list of a chosen team during the period, by reason, by team, and
by month and reason (the persons' lines carry `out_of_active_list`: {team id: {date, reasons}})."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.indicators import NOT_SET, Indicator, tally
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.items import bucket_label, person_rows

Exit = tuple[str, str, list[Any]]  # team id, day (ISO), reasons


def _exits(ctx: StatsContext) -> dict[str, list[Exit]]:
    """{person id: [(team id, day, reasons), …]} of the exits in the period from the chosen teams."""
    first, last = ctx.scope.first.isoformat(), ctx.scope.last.isoformat()
    found: dict[str, list[Exit]] = {}
    candidates = [p for p in ctx.lines if '"out_of_active_list"' in p.values_json]
    for values in ctx.values(candidates):
        for team, exit_ in (values.get("out_of_active_list") or {}).items():
            day = str((exit_ or {}).get("date") or "")[:10]
            if first <= day <= last and ctx.scope.chosen([team]):
                reasons = [r for r in (exit_ or {}).get("reasons") or [] if r]
                found.setdefault(values["id"], []).append((team, day, reasons))
    return found


def by_month(exits: dict[str, list[Exit]], known: list[Any]) -> Indicator:
    """Persons per month and reason ("février 2026 — Hébergée"): only the pairs met, months in order, then the
    organisation's reasons in its order, others after, an exit without a reason last."""
    keys = {p: {(day[:7], r) for _, day, reasons in items for r in reasons or [None]} for p, items in exits.items()}
    met = {pair for pairs in keys.values() for pair in pairs}
    reasons = known + sorted({r for _, r in met if r is not None and r not in known}, key=str) + [None]
    months = sorted({m for m, _ in met})
    label = {
        (m, r): f"{bucket_label(date.fromisoformat(m + '-01'), 'month')} — {NOT_SET if r is None else r}"
        for m in months
        for r in reasons
    }
    order = [label[m, r] for m in months for r in reasons if (m, r) in met]
    ids = list(keys)
    rows, members = tally([[label[pair] for pair in keys[p]] for p in ids], ids, order, unset=False)
    title = _("Sorties de file active par mois et par motif")
    return Indicator("reasons-by-month", title, "bar", rows, len(ids), members=members)


def build(ctx: StatsContext) -> list[Section]:
    exits = _exits(ctx)
    known = list(ctx.organisation.active_list_reasons or [])
    reasons = {p: [r for _, _, rs in items for r in rs] for p, items in exits.items()}
    names = {str(t.pk): t.name for t in ctx.teams}
    teams = {p: [names.get(t, t) for t, _, _ in items] for p, items in exits.items()}
    by_reason, reason_members = person_rows(reasons, known)
    by_team, team_members = person_rows(teams, [t.name for t in ctx.teams])
    total = len(exits)
    indicators = [
        Indicator("reasons", _("Sorties de file active par motif"), "bar", by_reason, total, members=reason_members),
        Indicator("teams", _("Sorties de file active par équipe"), "bar", by_team, total, members=team_members),
        by_month(exits, known),
    ]
    blocks = [Block("exits", _("Personnes sorties de la file active"), total)]
    note = _("Une personne sortie pour plusieurs motifs compte dans chacun.")
    return [Section(_("Sorties de file active"), blocks=blocks, indicators=indicators, note=note)]


register(Tab("sorties", _("Sorties"), build))
