"""`{% consultation_rows rows show_person %}`: a list of ConsultationRow (see mano.medical.rows)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from mano.medical.rows import consultation_rows_html, list_html

register = template.Library()


@register.simple_tag
def consultation_rows(rows: Any, show_person: Any) -> SafeString:
    return consultation_rows_html(rows or [], show_person=bool(show_person))


@register.simple_tag
def consultation_list(rows: Any) -> SafeString:
    """Rows already written (`rows.row_html`, by the agenda) in their list."""
    return list_html(rows or [])
