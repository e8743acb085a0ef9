"""Server-drawn SVG charts: accessible, escaped, and without inline styles."""

from __future__ import annotations

import re

from vcs_portal.dashboards.charts import Bar, bar_chart, describe


def test_chart_is_an_image_named_and_described():
    bars = [Bar("Alice Lewis", 12), Bar("Bob Thorpe", 3)]

    svg = bar_chart(chart_id="c", title="Open cases", description=describe(bars), bars=bars)

    assert svg.startswith('<svg class="app-chart"')
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Open cases</title>' in svg
    assert '<desc id="c-desc">Alice Lewis: 12; Bob Thorpe: 3.</desc>' in svg
    assert ">12</text>" in svg and ">Alice Lewis</text>" in svg


def test_labels_are_escaped():
    bars = [Bar('<script>alert("x")</script>', 1)]

    svg = bar_chart(chart_id="c", title="<b>", description=describe(bars), bars=bars)

    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_colours_are_presentation_attributes_not_styles():
    svg = bar_chart(chart_id="c", title="t", description="d", bars=[Bar("a", 1, highlight=True), Bar("b", 2)])

    assert "style=" not in svg
    assert 'fill="#d4351c"' in svg and 'fill="#1d70b8"' in svg


def test_benchmark_is_marked_and_described():
    bars = [Bar("Engaged", 64.1, text="64.1%", benchmark=77)]

    svg = bar_chart(chart_id="c", title="t", description=describe(bars), bars=bars, maximum=100)

    assert 'stroke-dasharray="4 3"' in svg
    assert "benchmark 77%" in svg


def test_zero_values_draw_no_bar_but_keep_the_label():
    svg = bar_chart(chart_id="c", title="t", description="d", bars=[Bar("Nobody", 0)])

    assert "<rect" not in svg
    assert ">0</text>" in svg


def _value_x(svg: str, text: str) -> float:
    return float(
        re.search(rf'<text x="([0-9.]+)"[^>]*font-weight="bold"[^>]*>{re.escape(text)}</text>', svg)[1]
    )


def test_a_zero_bars_value_stays_at_the_axis_not_at_the_benchmark():
    svg = str(
        bar_chart(
            chart_id="c",
            title="t",
            description="d",
            bars=[Bar("None yet", 0, text="No cases", benchmark=90)],
            maximum=100,
        )
    )
    assert _value_x(svg, "No cases") < 240  # the axis is at 220; the marker is near 517


def test_a_value_that_would_cross_the_benchmark_moves_past_it():
    svg = str(
        bar_chart(
            chart_id="c",
            title="t",
            description="d",
            bars=[Bar("Close", 85, text="85%", benchmark=90)],
            maximum=100,
        )
    )
    marker = 220 + 0.9 * (640 - 220 - 90)
    assert _value_x(svg, "85%") > marker
