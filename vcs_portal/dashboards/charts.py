"""Accessible bar charts drawn on the server as SVG: no JavaScript, no inline styles.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(which states every value, so a screen reader gets the data in one go), with a text label on
every bar. The page shows the same figures in a table next to the chart. Colours come from the
GOV.UK palette and are set with SVG presentation attributes (``fill=``), which a strict
Content-Security-Policy allows where inline ``style=`` is not.

Contrast against white: blue #1d70b8 5.2:1, red #d4351c 4.5:1, text #0b0c0c 19.6:1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1d70b8"
RED = "#d4351c"
TEXT = "#0b0c0c"
GREY = "#505a5f"
AXIS = "#b1b4b6"

WIDTH = 640
LABEL_WIDTH = 220  # room for a label of about 26 characters at 16px
VALUE_ROOM = 90  # room to the right of the longest bar for its value
BAR_HEIGHT = 24
GAP = 12
TOP = 8
BOTTOM = 8
FONT_SIZE = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # the value as shown; defaults to the number
    highlight: bool = False  # drawn in red, e.g. a count of missed offers
    benchmark: float | None = None  # a marker line at this value, e.g. an inspectors' benchmark

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        return f"{self.value:g}"


def _text_width(text: str) -> float:
    """A generous estimate of the width of ``text`` in bold Arial at ``FONT_SIZE``."""
    return len(text) * FONT_SIZE * 0.62


def _fit(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float | None = None,
    benchmark_label: str = "benchmark",
) -> SafeString:
    """A horizontal bar chart as inline SVG; ``maximum`` fixes the scale (100 for percentages)."""
    top_value = max([maximum or 0, *(b.value for b in bars), *(b.benchmark or 0 for b in bars)]) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) - GAP + BOTTOM
    parts: list[str] = [
        format_html(
            '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" role="img" focusable="false" '
            'width="{}" height="{}" viewBox="0 0 {} {}" aria-labelledby="{}-title {}-desc">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            WIDTH,
            height,
            WIDTH,
            height,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            description,
        )
    ]
    # The axis the bars start from.
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            LABEL_WIDTH,
            TOP - 4,
            LABEL_WIDTH,
            height - BOTTOM + 4,
            AXIS,
        )
    )
    for i, bar in enumerate(bars):
        y = TOP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2
        length = max(0.0, bar.value) / top_value * plot
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="central" font-size="{}" '
                'fill="{}">{}</text>',
                LABEL_WIDTH - 8,
                middle,
                FONT_SIZE,
                TEXT,
                _fit(bar.label),
            )
        )
        if length > 0:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    LABEL_WIDTH,
                    y,
                    f"{length:.1f}",
                    BAR_HEIGHT,
                    RED if bar.highlight else BLUE,
                )
            )
        label_x = LABEL_WIDTH + length + 6
        if bar.benchmark is not None:
            x = LABEL_WIDTH + bar.benchmark / top_value * plot
            # The value sits just after its bar (at the axis for 0 or "No cases"), so it reads as
            # the bar's; only when it would cross the marker does it move past the marker.
            if label_x - 4 <= x <= label_x + _text_width(bar.shown) + 4:
                label_x = x + 8
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" '
                    'stroke-dasharray="4 3"><title>{} {}%</title></line>',
                    f"{x:.1f}",
                    y - 4,
                    f"{x:.1f}",
                    y + BAR_HEIGHT + 4,
                    TEXT,
                    benchmark_label,
                    f"{bar.benchmark:g}",
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" dominant-baseline="central" font-size="{}" font-weight="bold" '
                'fill="{}">{}</text>',
                f"{label_x:.1f}",
                middle,
                FONT_SIZE,
                TEXT,
                bar.shown,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through format_html


def describe(bars: Sequence[Bar], *, unit: str = "") -> str:
    """A sentence listing every bar's value, for the chart's ``<desc>``."""
    items = []
    for bar in bars:
        text = f"{bar.label}: {bar.shown}{unit}"
        if bar.benchmark is not None:
            text += f" (benchmark {bar.benchmark:g}%)"
        items.append(text)
    return "; ".join(items) + "." if items else "No data."
