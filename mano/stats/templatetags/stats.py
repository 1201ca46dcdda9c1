from __future__ import annotations

from django import template
from django.utils.formats import number_format

from mano.stats.charts import chart_uri as _chart_uri
from mano.stats.indicators import Indicator

register = template.Library()


@register.filter
def chart_uri(indicator: Indicator) -> str:
    return _chart_uri(indicator)


@register.filter
def percent(count: int, total: int) -> str:
    """A share of the persons counted, "12,5 %" (a person can be in several rows of a multiple choice)."""
    return f"{number_format(100 * count / total, 1)} %" if total else "–"
