"""The Résultats tab: what follows the first contact. For the persons created in the period by the chosen teams:
the time to their first action done, to their first referral to a structure and, for a chosen field and value,
to leaving the street; for the persons met in the period: the share seen again within 30 days; and the exits
from the active list, month by month."""

from __future__ import annotations

import statistics
from bisect import bisect_left
from datetime import date, timedelta
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.core.statlines import CODE, day_number
from mano.stats.context import StatsContext
from mano.stats.followed import contact_codes, done_days, first_change_to, referral_days
from mano.stats.indicators import NO, YES, Indicator, tally
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.evolution import chosen_field, controls

NOT_YET = _("Pas encore")
DELAYS = (
    (0, _("Le jour même")),
    (7, _("1 à 7 jours")),
    (30, _("8 à 30 jours")),
    (91, _("1 à 3 mois")),
    (182, _("3 à 6 mois")),
    (10**6, _("Plus de 6 mois")),
)
AGAIN_WITHIN = 30
CONTACTS = ("passages", "rencontres", "comments")  # a meeting; an action planned is not one
MONTHS = ("", _("janvier"), _("février"), _("mars"), _("avril"), _("mai"), _("juin"), _("juillet"), _("août"),
          _("septembre"), _("octobre"), _("novembre"), _("décembre"))  # fmt: skip


def _delay_label(days: int) -> Any:
    return next(label for top, label in DELAYS if days <= top)


def delays(key: str, label: Any, start: dict[str, date], reached: dict[str, date]) -> Indicator:
    """Persons by the time from their first contact to the day they reached something (Pas encore: not yet)."""
    ids = list(start)
    spans = [max(0, (reached[p] - start[p]).days) if p in reached else None for p in ids]
    keys = [[_delay_label(d)] if d is not None else [NOT_YET] for d in spans]
    rows, members = tally(keys, ids, [label for _, label in DELAYS] + [NOT_YET], unset=False)
    known = [d for d in spans if d is not None]
    summary = []
    if known:
        summary = [(_("Délai médian"), gettext("%(n)s jours") % {"n": number_format(statistics.median(known), 0)})]
    return Indicator(key, label, "bar", rows, len(ids), summary, members)


def _created(ctx: StatsContext) -> dict[str, date]:
    first, last = ctx.scope.first.isoformat(), ctx.scope.last.isoformat()
    return {
        p.person_id: date.fromisoformat(p.created)
        for p in ctx.lines
        if first <= p.created <= last and ctx.scope.chosen(p.team_ids)
    }


def _code(half_day: int) -> str:
    return f"{half_day:0{CODE}d}"


def seen_again(ctx: StatsContext) -> Indicator:
    """Of the persons met in the period (a passage, a rencontre or a comment), those met again on another day
    within 30 days of their first meeting in the period (the days after the period count)."""
    sources = [name for name in CONTACTS if name in statstore.SOURCES]
    # Every live person: one without a contact in the period has none of its codes before the period's end.
    codes = contact_codes(ctx, sources, ctx.live_ids, until=ctx.scope.last + timedelta(days=AGAIN_WITHIN))
    after_period = _code(2 * day_number(ctx.scope.last) + 2)
    ids, keys = [], []
    for person_id, found in codes.items():
        if found[0] >= after_period:
            continue  # met only after the period
        first = int(found[0]) // 2
        # Met again: a half-day code of the days first + 1 … first + 30.
        at = bisect_left(found, _code(2 * first + 2))
        again = at < len(found) and found[at] < _code(2 * (first + AGAIN_WITHIN) + 2)
        ids.append(person_id)
        keys.append([YES if again else NO])
    rows, members = tally(keys, ids, [YES, NO], unset=False)
    label = _("Personnes revues dans les 30 jours après leur premier contact de la période")
    return Indicator("seen-again", label, "pie", rows, len(ids), members=members)


def exits_by_month(ctx: StatsContext) -> Indicator:
    first, last = ctx.scope.first.isoformat(), ctx.scope.last.isoformat()
    ids, keys = [], []
    for line, values in zip(ctx.lines, ctx.values(ctx.lines), strict=True):
        months = set()
        for team, exit_ in (values.get("out_of_active_list") or {}).items():
            day = str((exit_ or {}).get("date") or "")[:10]
            if day and first <= day <= last and ctx.scope.chosen([team]):
                months.add(day[:7])
        if months:
            ids.append(line.person_id)
            keys.append(sorted(months))
    order = sorted({m for k in keys for m in k})
    rows, members = tally(keys, ids, order, unset=False)
    named = [(f"{MONTHS[int(m[5:7])]} {m[:4]}", n) for m, n in rows]
    return Indicator("exits-by-month", _("Sorties de la file active, mois par mois"), "bar", named, 0, [], members)


def build(ctx: StatsContext) -> list[Section]:
    created = _created(ctx)
    cohort = set(created)
    indicators = [
        delays(
            "to-first-action",
            _("Délai entre le premier contact et la première action faite"),
            created,
            done_days(ctx, cohort),
        ),
        delays(
            "to-first-referral",
            _("Délai entre le premier contact et la première orientation"),
            created,
            referral_days(ctx, cohort),
        ),
    ]
    field, notice = chosen_field(ctx)
    note: Any = ""
    if field is not None and ctx.filters.field_value:
        key, value = str(field["key"]), ctx.filters.field_value
        values = dict(zip((p.person_id for p in ctx.lines), ctx.values(ctx.lines), strict=True))
        left = {p: d for p in created if (d := first_change_to(values[p], key, value)) is not None}
        label = gettext("Délai jusqu’à la sortie de rue (%(field)s : %(value)s)") % {
            "field": field.get("label"),
            "value": value,
        }
        indicators.append(delays("to-leaving-street", label, created, left))
    else:
        note = _("Choisissez le champ et la valeur qui signifient « sorti·e de la rue » pour mesurer ce délai.")
    indicators += [seen_again(ctx), exits_by_month(ctx)]
    blocks = [Block("outcome_cohort", _("Personnes créées dans la période (premier contact)"), len(created))]
    return [Section(_("Résultats"), blocks=blocks, indicators=indicators, note=note, notice=notice)]


register(Tab("resultats", _("Résultats"), build, controls="stats/_field_choice.html", controls_context=controls))
