"""The rows of a person's timeline lists, written in Python (see mano.persons.timeline_rows):
`{% comment_rows entries person %}` (`on_action=True` on an action's page) and
`{% passage_rows rows show_person=… can_delete=… empty=… %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from mano.persons.timeline_rows import comment_rows_html, passage_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_rows(context: Any, entries: Any, person: Any, on_action: bool = False) -> SafeString:
    request = context.get("request")
    back = request.get_full_path() if on_action and request is not None else ""
    return comment_rows_html(entries or [], person.pk, on_action=on_action, back=back)


@register.simple_tag
def passage_rows(rows: Any, *, show_person: bool, can_delete: bool, empty: str) -> SafeString:
    return passage_rows_html(rows or [], show_person=show_person, can_delete=bool(can_delete), empty=empty)
