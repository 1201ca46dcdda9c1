"""`{% action_rows rows show_person next_url %}`: the list of actions of `agenda/_rows.html` (see rows.rows_html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString

from mano.agenda.rows import rows_html

register = template.Library()
_CSRF = CsrfTokenNode()


@register.simple_tag(takes_context=True)
def action_rows(context: template.Context, rows: Any, show_person: Any, next_url: Any) -> SafeString:
    """The rows with the same hidden CSRF field as `{% csrf_token %}` in each of their forms."""
    csrf_input = _CSRF.render(context)
    return rows_html(rows or [], show_person=bool(show_person), next_url=str(next_url), csrf_input=csrf_input)
