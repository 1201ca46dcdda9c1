"""The Dossier médical tab, for health professionals only: every medical file field shown in statistics, for the
persons of the Personnes tab's definition (a person without a medical file is Non renseigné)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.stats.context import StatsContext
from mano.stats.filters import POPULATIONS
from mano.stats.indicators import custom_fields, custom_indicator
from mano.stats.tabs import Block, Section, Tab, register
from mano.stats.tabs.consultations import medical_values


def build(ctx: StatsContext) -> list[Section]:
    which = ctx.filters.population
    files = medical_values(ctx) if ctx.health else {}
    persons = [line.person_id for line, _ in ctx.population(which)]
    values = [{"id": p, "custom": (files.get(p) or {}).get("f") or {}} for p in persons]
    indicators = []
    for definition in custom_fields(list(ctx.organisation.medical_field_groups or [])):
        indicator = custom_indicator(definition, values)
        if indicator is not None:
            indicators.append(indicator)
    with_file = sum(1 for p in persons if (files.get(p) or {}).get("f"))
    blocks = [
        Block("persons", _("Personnes"), len(persons)),
        Block("files", _("Avec un dossier médical renseigné"), with_file),
    ]
    title = _("Dossier médical des personnes %(which)s") % {"which": POPULATIONS[which]}
    return [Section(title, blocks=blocks, indicators=indicators)]


register(Tab("dossier-medical", _("Dossier médical"), build, health=True))
