"""Inline SVG bar charts drawn server-side: no JavaScript, no CDN.

Labels never overlap: a text's width is estimated from its length (``text_width``,
generous for a sans-serif face), column labels turn 45° when they do not fit their
slot, long category names get a horizontal bar chart with the names in a column of
their own (wrapped onto two lines past ``WRAP`` characters), and the legend wraps.
"""

from __future__ import annotations

import math
import textwrap

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
FONT = 11  # px, labels and legend
CHAR_EM = 0.62  # mean glyph width of a sans-serif face, in em, rounded up
WRAP = 26  # characters per line of a category name
COLOURS = ("#1f5f8b", "#b4531b", "#3d7c4a", "#6f4a94")  # 4.5:1 or more on white


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_EM


def _num(value: float, decimals: int = 1) -> str:
    return number_format(round(value, decimals), decimals, use_l10n=True)


def _nice_top(top: float) -> float:
    """The axis maximum: 1, 2, 2.5 or 5 times a power of ten, at or above ``top``."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= top)


def _open(chart_id: str, title: str, height: float) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title" font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]


def _legend(series: list[tuple[str, list[float]]], top: float) -> tuple[list[str], float]:
    """Legend entries left to right, wrapping to a new row; returns parts and height."""
    if len(series) < 2:
        return [], 0.0
    parts, x, y = [], 8.0, top
    for j, (name, _) in enumerate(series):
        w = 14 + text_width(name) + 18
        if x + w > WIDTH - 8 and x > 8:
            x, y = 8.0, y + FONT + 8
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{COLOURS[j % 4]}"/>'
            f'<text x="{x + 14:.1f}" y="{y + 9:.1f}">{escape(name)}</text>'
        )
        x += w
    return parts, y + FONT + 8 - top


def column_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    unit: str = "",
) -> SafeString:
    """Grouped vertical bars for short labels (hours); labels turn 45° if they crowd."""
    left, right, plot_top, plot_h = 48.0, 12.0, 16.0, 180.0
    top = _nice_top(max((v for _, values in series for v in values), default=0))
    n, k = max(len(labels), 1), max(len(series), 1)
    slot = (WIDTH - left - right) / n
    bar = slot * 0.8 / k
    widest = max((text_width(x) for x in labels), default=0)
    rotate = widest > slot * 0.9
    label_h = (widest * math.sin(math.pi / 4) + FONT) if rotate else FONT + 4
    base = plot_top + plot_h
    legend, legend_h = _legend(series, base + label_h + 10)
    height = base + label_h + 10 + legend_h + 4
    parts = _open(chart_id, title, height)
    for frac in (0, 0.5, 1):
        y = base - plot_h * frac
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="{"#333" if frac == 0 else "#ccc"}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_num(top * frac, 0 if top >= 10 else 1))}</text>"
        )
    if unit:
        parts.append(f'<text x="{left}" y="{plot_top - 4}">{escape(unit)}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (name, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = plot_h * v / top
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[j % 4]}"><title>{escape(label)} · '
                f"{escape(name)}: {escape(_num(v))} {escape(unit)}</title></rect>"
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
    return mark_safe("".join(parts))  # noqa: S308 - every text piece is escaped above


def hbar_chart(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    unit: str = "",
) -> SafeString:
    """Horizontal grouped bars: each category name in its own row, values at the bar ends."""
    k = max(len(series), 1)
    lines = [textwrap.wrap(x, WRAP) or [""] for x in labels]
    label_w = max((text_width(line) for ls in lines for line in ls), default=0) + 12
    value_w = max(
        (text_width(f"{_num(v)} {unit}".strip()) for _, vs in series for v in vs), default=0
    )
    bar_h, gap = 12.0, 10.0
    row_h = max(k * bar_h + 2, max(len(ls) for ls in lines) * (FONT + 2) if lines else 0) + gap
    plot_x = label_w + 4
    plot_w = max(60.0, WIDTH - plot_x - value_w - 12)
    top = max((v for _, values in series for v in values), default=0) or 1
    y0 = 8.0
    legend, legend_h = _legend(series, y0 + len(labels) * row_h + 6)
    height = y0 + len(labels) * row_h + 6 + legend_h + 4
    parts = _open(chart_id, title, height)
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
        for j, (name, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            w = plot_w * v / top
            by = ry + j * bar_h
            text = f"{_num(v)} {unit}".strip()
            parts.append(
                f'<rect x="{plot_x:.1f}" y="{by:.1f}" width="{w:.1f}" height="{bar_h - 1:.1f}" '
                f'fill="{COLOURS[j % 4]}"><title>{escape(label)} · {escape(name)}: '
                f"{escape(text)}</title></rect>"
                f'<text x="{plot_x + w + 4:.1f}" y="{by + bar_h - 2:.1f}" font-size="10">'
                f"{escape(text)}</text>"
            )
    parts += legend
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text piece is escaped above
