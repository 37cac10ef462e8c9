"""Inline SVG bar charts drawn server-side: no JavaScript, no CDN."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 240, 40


def bar_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float]]], unit: str = ""
) -> SafeString:
    """Grouped bars with a <title> and per-bar <title> tooltips for screen readers."""
    top = max((v for _, values in series for v in values), default=0) or 1
    n, k = max(len(labels), 1), max(len(series), 1)
    slot = (WIDTH - 2 * PAD) / n
    bar = slot * 0.8 / k
    colours = ("#1f5f8b", "#e07b39", "#4c9a5b", "#8a5fb0")
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 40}" role="img" aria-labelledby="t-{id(labels)}">',
        f'<title id="t-{id(labels)}">{escape(title)}</title>',
        f'<line x1="{PAD}" y1="{HEIGHT}" x2="{WIDTH - PAD}" y2="{HEIGHT}" stroke="#333"/>',
        f'<text x="4" y="14" font-size="11">{escape(f"{top:.0f} {unit}".strip())}</text>',
    ]
    for i, label in enumerate(labels):
        x0 = PAD + i * slot + slot * 0.1
        for j, (name, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = (HEIGHT - 20) * v / top
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{HEIGHT - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colours[j % 4]}">'
                f"<title>{escape(label)} · {escape(name)}: {v:.1f} {escape(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + slot * 0.4:.1f}" y="{HEIGHT + 14}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    for j, (name, _) in enumerate(series):
        parts.append(
            f'<rect x="{PAD + j * 150}" y="{HEIGHT + 24}" width="10" height="10" fill="{colours[j % 4]}"/>'
        )
        parts.append(
            f'<text x="{PAD + j * 150 + 14}" y="{HEIGHT + 33}" font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text piece is escaped above
