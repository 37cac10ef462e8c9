"""The core's SVG bar charts (:mod:`luukku.core.svgchart`) for Django templates.

Numbers are written in the page's locale (a decimal comma in Finnish and Swedish) and
the drawing, whose every text the core escapes, is marked safe for the template.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from luukku.core import svgchart


def locale_number(value: float, decimals: int = 1) -> str:
    return number_format(round(value, decimals), decimals, use_l10n=True)


def column_chart(*args, **kwargs) -> SafeString:
    """Grouped vertical bars (:func:`luukku.core.svgchart.column_chart`)."""
    drawing = svgchart.column_chart(*args, number=locale_number, **kwargs)
    return mark_safe(drawing)  # noqa: S308 - every text piece is escaped by the core


def hbar_chart(*args, **kwargs) -> SafeString:
    """Horizontal grouped bars (:func:`luukku.core.svgchart.hbar_chart`)."""
    drawing = svgchart.hbar_chart(*args, number=locale_number, **kwargs)
    return mark_safe(drawing)  # noqa: S308 - every text piece is escaped by the core
