"""Writing Excel workbooks safely, for every export (the structures directory, the statistics)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """What a cell receives: text a spreadsheet would evaluate (= + - @ tab CR) starts with a quote, so it stays
    text; characters XML cannot hold are dropped; numbers and dates are left as they are."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(FORMULA_START) else text


def append_row(sheet: Any, values: list[Any]) -> None:
    """One row of safe cells; dates shown as dates, multi-line text wrapped."""
    sheet.append([safe_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(cell.value, str) and "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
