"""Inline SVG bar charts drawn server-side: no JavaScript, no CDN, no Django.

Labels never overlap: a text's width is estimated from its length (``text_width``,
generous for a sans-serif face), column labels turn 45° when they do not fit their
slot, long category names get a horizontal bar chart with the names in a column of
their own (wrapped onto two lines past ``WRAP`` characters), and the legend wraps.

Readable without colour: the second, third and fourth series are filled with a
pattern (stripes, dots, cross-hatching) as well as a colour, and the legend shows the
same fill; horizontal bars carry their value at the end, and columns carry it on top
when asked (``values``) and it fits. Every bar has a ``<title>`` with its category,
series and value, and the chart a ``<title>`` it is labelled by. Every text is
escaped; the caller decides how numbers are written (``number``, e.g. a locale's
decimal comma) and marks the result safe for its template language.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from html import escape

WIDTH = 640
FONT = 11  # px, labels and legend
VALUE_FONT = 10  # px, a bar's value
CHAR_EM = 0.62  # mean glyph width of a sans-serif face, in em, rounded up
WRAP = 26  # characters per line of a category name
COLOURS = ("#1f5f8b", "#b4531b", "#3d7c4a", "#6f4a94")  # 4.5:1 or more on white

Number = Callable[[float, int], str]
Series = list[tuple[str, list[float]]]


def plain_number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_EM


def nice_top(top: float) -> float:
    """The axis maximum: 1, 2, 2.5 or 5 times a power of ten, at or above ``top``."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= top)


def _pattern(pid: str, j: int, colour: str) -> str:
    """The fill of series ``j`` (1–3): stripes, dots or cross-hatching in its colour."""
    if j == 1:
        mark = f'<rect width="3" height="6" fill="{colour}"/>'
        return (
            f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>{mark}'
            "</pattern>"
        )
    if j == 2:
        mark = f'<circle cx="2.5" cy="2.5" r="1.6" fill="{colour}"/>'
        return (
            f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
            f'<rect width="5" height="5" fill="#fff"/>{mark}</pattern>'
        )
    return (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" '
        f'stroke="{colour}" stroke-width="1.4"/></pattern>'
    )


class _Fills:
    """The fill attributes of a chart's series, and the patterns they need."""

    def __init__(self, chart_id: str, k: int):
        self.chart_id, self.k = escape(chart_id), k

    def defs(self) -> str:
        patterns = [
            _pattern(f"{self.chart_id}-p{j}", j, COLOURS[j]) for j in range(1, min(self.k, 4))
        ]
        return f"<defs>{''.join(patterns)}</defs>" if patterns else ""

    def __call__(self, j: int) -> str:
        colour = COLOURS[j % 4]
        if j % 4 == 0:
            return f'fill="{colour}"'
        return f'fill="url(#{self.chart_id}-p{j % 4})" stroke="{colour}"'


def _open(chart_id: str, title: str, height: float, fills: _Fills) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{cid}-title" font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        fills.defs(),
    ]


def _legend(series: Series, top: float, fills: _Fills) -> tuple[list[str], float]:
    """Legend entries left to right, wrapping to a new row; returns parts and height."""
    if len(series) < 2:
        return [], 0.0
    parts, x, y = [], 8.0, top
    for j, (name, _) in enumerate(series):
        w = 16 + text_width(name) + 18
        if x + w > WIDTH - 8 and x > 8:
            x, y = 8.0, y + FONT + 8
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 1:.1f}" width="12" height="12" {fills(j)}/>'
            f'<text x="{x + 16:.1f}" y="{y + 9:.1f}">{escape(name)}</text>'
        )
        x += w
    return parts, y + FONT + 8 - top


def column_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: Series,
    unit: str = "",
    *,
    values: bool = False,
    number: Number = plain_number,
) -> str:
    """Grouped vertical bars for short labels (hours, weeks); labels turn 45° if they crowd.

    ``values``: write each value on top of its bar where it fits the bar's width.
    """
    left, right, plot_h = 48.0, 12.0, 180.0
    plot_top = 30.0 if values else 16.0
    fills = _Fills(chart_id, len(series))
    top = nice_top(max((v for _, vs in series for v in vs), default=0))
    n, k = max(len(labels), 1), max(len(series), 1)
    slot = (WIDTH - left - right) / n
    bar = slot * 0.8 / k
    widest = max((text_width(x) for x in labels), default=0)
    rotate = widest > slot * 0.9
    label_h = (widest * math.sin(math.pi / 4) + FONT) if rotate else FONT + 4
    base = plot_top + plot_h
    legend, legend_h = _legend(series, base + label_h + 10, fills)
    height = base + label_h + 10 + legend_h + 4
    parts = _open(chart_id, title, height, fills)
    for frac in (0, 0.5, 1):
        y = base - plot_h * frac
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{"#333" if frac == 0 else "#ccc"}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(number(top * frac, 0 if top >= 10 else 1))}</text>"
        )
    if unit:
        parts.append(f'<text x="{left}" y="{10 if values else plot_top - 4}">{escape(unit)}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (name, vs) in enumerate(series):
            v = vs[i] if i < len(vs) else 0
            h = plot_h * v / top
            text = number(v, 1)
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" {fills(j)}><title>{escape(label)} · '
                f"{escape(name)}: {escape(text)} {escape(unit)}</title></rect>"
            )
            if values and text_width(text, VALUE_FONT) <= bar + 2:
                parts.append(
                    f'<text x="{x0 + (j + 0.5) * bar:.1f}" y="{base - h - 3:.1f}" '
                    f'text-anchor="middle" font-size="{VALUE_FONT}">{escape(text)}</text>'
                )
        cx = left + (i + 0.5) * slot
        if rotate:
            parts.append(
                f'<text x="{cx:.1f}" y="{base + 12:.1f}" text-anchor="end" '
                f'transform="rotate(-45 {cx:.1f} {base + 12:.1f})">{escape(label)}</text>'
            )
        else:
            parts.append(
                f'<text x="{cx:.1f}" y="{base + FONT + 2:.1f}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts += legend
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: Series,
    unit: str = "",
    *,
    number: Number = plain_number,
    top: float | None = None,
) -> str:
    """Horizontal grouped bars: each category name in its own row, values at the bar ends.

    ``top``: the value of a full-width bar (e.g. 100 for percentages); the largest
    value by default.
    """
    fills = _Fills(chart_id, len(series))
    k = max(len(series), 1)
    lines = [textwrap.wrap(x, WRAP) or [""] for x in labels]
    label_w = max((text_width(line) for ls in lines for line in ls), default=0) + 12
    value_w = max(
        (text_width(f"{number(v, 1)} {unit}".strip()) for _, vs in series for v in vs), default=0
    )
    bar_h, gap = 12.0, 10.0
    row_h = max(k * bar_h + 2, max(len(ls) for ls in lines) * (FONT + 2) if lines else 0) + gap
    plot_x = label_w + 4
    plot_w = max(60.0, WIDTH - plot_x - value_w - 12)
    top = top or max((v for _, vs in series for v in vs), default=0) or 1
    y0 = 8.0
    legend, legend_h = _legend(series, y0 + len(labels) * row_h + 6, fills)
    height = y0 + len(labels) * row_h + 6 + legend_h + 4
    parts = _open(chart_id, title, height, fills)
    parts.append(
        f'<line x1="{plot_x}" y1="{y0 - 2}" x2="{plot_x}" '
        f'y2="{y0 + len(labels) * row_h - gap + 2:.1f}" stroke="#333"/>'
    )
    for i, label in enumerate(labels):
        ry = y0 + i * row_h
        bars_h = k * bar_h
        text_h = len(lines[i]) * (FONT + 2)
        ty = ry + (max(bars_h, text_h) - text_h) / 2 + FONT
        tspans = "".join(
            f'<tspan x="{label_w}" y="{ty + n * (FONT + 2):.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines[i])
        )
        parts.append(f'<text text-anchor="end">{tspans}</text>')
        for j, (name, vs) in enumerate(series):
            v = vs[i] if i < len(vs) else 0
            w = plot_w * min(v, top) / top
            by = ry + j * bar_h
            text = f"{number(v, 1)} {unit}".strip()
            parts.append(
                f'<rect x="{plot_x:.1f}" y="{by:.1f}" width="{w:.1f}" height="{bar_h - 1:.1f}" '
                f"{fills(j)}><title>{escape(label)} · {escape(name)}: "
                f"{escape(text)}</title></rect>"
                f'<text x="{plot_x + w + 4:.1f}" y="{by + bar_h - 2:.1f}" '
                f'font-size="{VALUE_FONT}">{escape(text)}</text>'
            )
    parts += legend
    parts.append("</svg>")
    return "".join(parts)
