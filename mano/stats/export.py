"""The statistics page as an Excel workbook: one sheet per tab the member sees, each section's headline counts
and each indicator's table (value, count, share, then its summary lines), as on the page."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from mano.core.spreadsheet import append_row
from mano.stats import tabs
from mano.stats.context import StatsContext
from mano.stats.tabs import Section

SHEET_NAME_MAX = 31
NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)


def _bold_row(sheet: Any, values: list[Any]) -> None:
    append_row(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _scope_rows(sheet: Any, ctx: StatsContext) -> None:
    filters = ctx.filters
    teams = ", ".join(t.name for t in ctx.chosen_teams) or _("toute l’organisation")
    append_row(sheet, [_("Période"), f"{filters.first:%d/%m/%Y} – {filters.last:%d/%m/%Y}"])
    append_row(sheet, [_("Équipes"), teams])
    if ctx.person_filters.is_set():
        append_row(sheet, [_("Personnes filtrées"), _("oui")])
    append_row(sheet, [])


def _section_rows(sheet: Any, section: Section) -> None:
    _bold_row(sheet, [str(section.title)])
    for block in section.blocks:
        append_row(sheet, [str(block.label), block.count])
    append_row(sheet, [])
    for indicator in section.indicators:
        _bold_row(sheet, [str(indicator.label)])
        append_row(sheet, [_("Valeur"), str(indicator.unit), _("Part (%)") if indicator.total else ""])
        for label, count in indicator.rows:
            share = round(100 * count / indicator.total, 1) if indicator.total else ""
            append_row(sheet, [str(label), count, share])
        for label, text in indicator.summary:
            append_row(sheet, [str(label), text])
        append_row(sheet, [])


def _sheet_name(label: Any, taken: set[str]) -> str:
    name = NOT_IN_SHEET_NAME.sub(" ", str(label))[:SHEET_NAME_MAX] or "Onglet"
    while name in taken:
        name = name[: SHEET_NAME_MAX - 1] + "_"
    taken.add(name)
    return name


def workbook(ctx: StatsContext) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for tab in tabs.visible(ctx):
        sheet = book.create_sheet(_sheet_name(tab.label, taken))
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 16
        _scope_rows(sheet, ctx)
        for section in tab.build(ctx):
            _section_rows(sheet, section)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
