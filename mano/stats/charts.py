"""Charts as server-side SVG (pygal, never its CDN script: `js=[]`), sized for a 390 px phone.

The SVG goes into the page as an `<img>` data URI: pygal styles its charts with a `<style>` element, which our
Content-Security-Policy (`style-src 'self'`) would block inline, while an image keeps its own styles and runs
nothing. The numbers are always in an HTML table beside the chart, for screen readers and for copying.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pygal
from pygal.style import Style

from mano.stats.indicators import Indicator

# pygal writes its config into a <script> even with js=[]: an <img> would not run it, but nothing needs it either.
SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.DOTALL)
WIDTH = 400
ROW_HEIGHT = 30
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d2a36",
    foreground_strong="#1d2a36",
    foreground_subtle="#5b6670",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=14,
    colors=("#1f5fbf", "#d1495b", "#2a9d8f", "#e9a03b", "#6a4c93", "#5b6670", "#8ab17d", "#b56576"),
)


def _config(height: int, **extra: Any) -> pygal.Config:
    return pygal.Config(
        js=[],
        style=STYLE,
        width=WIDTH,
        height=height,
        disable_xml_declaration=True,
        no_prefix=True,
        show_y_guides=False,
        print_values=True,
        **extra,
    )


def _bar(indicator: Indicator) -> str:
    rows = indicator.rows
    chart = pygal.HorizontalBar(
        _config(60 + ROW_HEIGHT * len(rows), show_legend=False, truncate_label=28, show_x_labels=False)
    )
    # pygal draws a horizontal bar chart's first label at the bottom: reversed, the table's order reads top-down.
    chart.x_labels = [str(label) for label, _ in reversed(rows)]
    chart.add(str(indicator.label), [n for _, n in reversed(rows)])
    return str(chart.render(is_unicode=True))


def _pie(indicator: Indicator) -> str:
    rows = [(label, n) for label, n in indicator.rows if n]
    chart = pygal.Pie(_config(260 + 24 * len(rows), legend_at_bottom=True, legend_at_bottom_columns=2))
    for label, n in rows:
        chart.add(str(label), n)
    return str(chart.render(is_unicode=True))


def chart_uri(indicator: Indicator) -> str:
    """The chart as a data: URI for an <img>, or "" when there is nothing to draw."""
    if not indicator.chart or not any(n for _, n in indicator.rows):
        return ""
    svg = _pie(indicator) if indicator.chart == "pie" else _bar(indicator)
    return "data:image/svg+xml;base64," + base64.b64encode(SCRIPT.sub("", svg).encode()).decode()
