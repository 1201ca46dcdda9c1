"""The Évolution tab: for one field followed in time, each person's value on the first and on the last day of
the period side by side, and who moved from which value to which (from the changes kept in the persons' lines;
a choice renamed in the settings reads under its new name)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.followed import followed_fields, shown, value_on
from mano.stats.indicators import NOT_SET, Indicator, tally
from mano.stats.tabs import Block, Section, Tab, register

NO_FIELD = _("Aucun champ à choix : ajoutez-en un dans les réglages des personnes pour suivre son évolution.")
UNKNOWN_FIELD = _("Le champ demandé n’existe pas ou plus : le premier champ à choix est affiché.")


def chosen_field(ctx: StatsContext) -> tuple[dict[str, Any] | None, Any]:
    """The field of the URL, else the first one followed in time (with a notice when the URL named another)."""
    fields = followed_fields(ctx)
    found = next((f for f in fields if f.get("key") == ctx.filters.field_key), None)
    if found is not None:
        return found, ""
    return (fields[0] if fields else None), (UNKNOWN_FIELD if ctx.filters.field_key and fields else "")


def build(ctx: StatsContext) -> list[Section]:
    field, notice = chosen_field(ctx)
    if field is None:
        return [Section(_("Évolution"), note=NO_FIELD)]
    key, first, last = str(field["key"]), ctx.scope.first, ctx.scope.last
    # Everyone the chosen teams follow who existed on the first day: the same persons on both dates.
    lines = [p for p in ctx.lines if p.created <= first.isoformat() and ctx.scope.chosen(p.team_ids)]
    values = ctx.values(lines)
    ids = [p.person_id for p in lines]
    before = [shown(value_on(v, key, first)) for v in values]
    after = [shown(value_on(v, key, last)) for v in values]
    order = [str(o) for o in field.get("options") or []] or ["Oui", "Non"]
    indicators = []
    for ident, day, found in (("evolution-before", first, before), ("evolution-after", last, after)):
        rows, members = tally(([v] if v else [] for v in found), ids, order)
        label = gettext("%(field)s au %(day)s") % {"field": field.get("label"), "day": date_format(day, "d/m/Y")}
        indicators.append(Indicator(ident, label, "bar", rows, len(ids), members=members))
    moves: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    for person_id, old, new in zip(ids, before, after, strict=True):
        if old != new:
            moves[(old or NOT_SET, new or NOT_SET)].append(person_id)
    ranked = sorted(moves.items(), key=lambda item: (-len(item[1]), str(item[0])))
    indicators.append(
        Indicator(
            "evolution-moves",
            _("Changements entre les deux dates"),
            "bar",
            [(f"{old} → {new}", len(members)) for (old, new), members in ranked],
            len(ids),
            members=[members for _, members in ranked],
        )
    )
    changed = sum(len(m) for m in moves.values())
    blocks = [
        Block("evolution_persons", _("Personnes suivies aux deux dates"), len(ids)),
        Block("evolution_changed", _("Dont la valeur a changé"), changed),
    ]
    title = _("Évolution : %(field)s") % {"field": field.get("label")}
    return [Section(title, blocks=blocks, indicators=indicators, notice=notice)]


def controls(ctx: StatsContext) -> dict[str, Any]:
    field, _notice = chosen_field(ctx)
    options = [str(o) for o in (field or {}).get("options") or []] or ["Oui", "Non"]
    return {"field": field, "followed_fields": followed_fields(ctx), "field_options": options}


register(Tab("evolution", _("Évolution"), build, controls="stats/_field_choice.html", controls_context=controls))
