"""`{% comment_rows entries person %}` and `{% comment_rows entries person on_action=True %}`: a comments list
(see mano.persons.timeline_rows)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from mano.persons.timeline_rows import comment_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_rows(context: Any, entries: Any, person: Any, on_action: bool = False) -> SafeString:
    request = context.get("request")
    back = request.get_full_path() if on_action and request is not None else ""
    return comment_rows_html(entries or [], person.pk, on_action=on_action, back=back)
