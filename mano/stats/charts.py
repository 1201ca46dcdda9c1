"""Charts as inline SVG built here, sized for a 390 px phone and growing with the page.

Colours and sizes are SVG presentation attributes, never `style`: our Content-Security-Policy (`style-src 'self'`)
blocks inline styles but not attributes, and the SVG runs no script. Each bar, slice and legend line links to the
persons behind its row (the drill-down) when the member may follow it. The numbers are always in an HTML table
beside the chart, which is what screen readers and keyboards use: the SVG is hidden from them and its links are
out of the tab order, so nothing is announced or focused twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mano.stats.indicators import Indicator

WIDTH = 360
TEXT = "#1d2a36"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13"'
COLORS = ("#1f5fbf", "#d1495b", "#2a9d8f", "#e9a03b", "#6a4c93", "#5b6670", "#8ab17d", "#b56576")
LABEL_MAX = 48
BAR_ROW, BAR_MAX = 36, WIDTH - 60
PIE_RADIUS, LEGEND_ROW = 90, 22

Link = Callable[[int], str | None]  # a row's index → its drill-down URL, or None


def _label(text: object) -> str:
    plain = str(text)
    return escape(plain if len(plain) <= LABEL_MAX else plain[: LABEL_MAX - 1] + "…")


def _linked(body: str, href: str | None) -> str:
    return f'<a href="{escape(href)}" tabindex="-1">{body}</a>' if href else body


def _svg(height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text and URL inside is escaped above
        f'<svg class="stats__chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-hidden="true" focusable="false" {FONT} fill="{TEXT}">{body}</svg>'
    )


def _bars(indicator: Indicator, link: Link) -> SafeString:
    """One line per row, top-down in the table's order: its label, then its bar and number."""
    top = max((n for _, n in indicator.rows), default=0) or 1
    parts = []
    for index, (label, n) in enumerate(indicator.rows):
        y = index * BAR_ROW
        width = round(BAR_MAX * n / top) if n else 0
        color = COLORS[0]
        body = (
            f'<text x="0" y="{y + 13}">{_label(label)}</text>'
            f'<rect x="0" y="{y + 18}" width="{width}" height="12" rx="2" fill="{color}"/>'
            f'<text x="{width + 6}" y="{y + 29}">{n}</text>'
        )
        parts.append(_linked(body, link(index) if n else None))
    return _svg(BAR_ROW * len(indicator.rows), "".join(parts))


def _slice(start: float, end: float, color: str) -> str:
    cx = cy = PIE_RADIUS
    if end - start >= 1:
        return f'<circle cx="{cx}" cy="{cy}" r="{PIE_RADIUS}" fill="{color}"/>'
    a, b = 2 * math.pi * start - math.pi / 2, 2 * math.pi * end - math.pi / 2
    x1, y1 = cx + PIE_RADIUS * math.cos(a), cy + PIE_RADIUS * math.sin(a)
    x2, y2 = cx + PIE_RADIUS * math.cos(b), cy + PIE_RADIUS * math.sin(b)
    large = 1 if end - start > 0.5 else 0
    return (
        f'<path d="M{cx},{cy} L{x1:.2f},{y1:.2f} A{PIE_RADIUS},{PIE_RADIUS} 0 {large} 1 {x2:.2f},{y2:.2f} Z" '
        f'fill="{color}" stroke="white" stroke-width="1"/>'
    )


def _pie(indicator: Indicator, link: Link) -> SafeString:
    """The slices of the rows that count, then a legend line for each (colour, label, number)."""
    shown = [(index, label, n) for index, (label, n) in enumerate(indicator.rows) if n]
    total = sum(n for _, _, n in shown)
    slices, legend, start = [], [], 0.0
    top = 2 * PIE_RADIUS + 16
    for position, (index, label, n) in enumerate(shown):
        color, href = COLORS[position % len(COLORS)], link(index)
        end = start + n / total
        slices.append(_linked(_slice(start, end, color), href))
        y = top + position * LEGEND_ROW
        line = (
            f'<rect x="0" y="{y}" width="14" height="14" rx="2" fill="{color}"/>'
            f'<text x="22" y="{y + 12}">{_label(label)} : {n}</text>'
        )
        legend.append(_linked(line, href))
        start = end
    return _svg(
        top + LEGEND_ROW * len(shown),
        f'<g transform="translate({WIDTH // 2 - PIE_RADIUS},0)">{"".join(slices)}</g>{"".join(legend)}',
    )


def chart_svg(indicator: Indicator, link: Link | None = None) -> SafeString:
    """The indicator's chart, or "" when there is nothing to draw. `link`: the drill-down URL of a row."""
    if not indicator.chart or not any(n for _, n in indicator.rows):
        return mark_safe("")
    draw = _pie if indicator.chart == "pie" else _bars
    return draw(indicator, link or (lambda _index: None))
