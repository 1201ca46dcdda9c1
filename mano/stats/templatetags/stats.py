from __future__ import annotations

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from mano.stats.charts import chart_svg
from mano.stats.indicators import Indicator

register = template.Library()


@register.simple_tag
def stats_row_url(indicator: Indicator, query: str, index: int) -> str:
    """The drill-down page of one row of an indicator: the persons behind it."""
    return f"{reverse('stats:detail')}?{query}&indicateur={quote(indicator.key)}&ligne={index}"


@register.simple_tag
def stats_chart(indicator: Indicator, query: str, printing: bool = False) -> SafeString:
    """The indicator's chart, each bar or slice linked to the persons behind its row (not on paper)."""
    if printing or not indicator.members:
        return chart_svg(indicator)
    return chart_svg(indicator, lambda index: stats_row_url(indicator, query, index))


@register.filter
def percent(count: int, total: int) -> str:
    """A share of the persons counted, "12,5 %" (a person can be in several rows of a multiple choice)."""
    return f"{number_format(100 * count / total, 1)} %" if total else "–"
