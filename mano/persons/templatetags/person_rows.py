from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from mano.persons.rows import person_rows_html
from mano.persons.selectors.persons import Row

register = template.Library()


@register.simple_tag(takes_context=True)
def person_rows(context: dict[str, Any], rows: Iterable[Row]) -> SafeString:
    """The rows of a persons list or search page (see `mano.persons.rows`)."""
    organisation = context["user"].organisation
    return person_rows_html(rows, families=bool(organisation and organisation.families_enabled))
