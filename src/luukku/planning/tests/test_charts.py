"""The planner's SVG charts: labels that never overlap, whatever their length."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from luukku.core.svgchart import FONT, WIDTH, text_width
from luukku.planning.templatetags.planning_format import percent
from luukku.web.charts import column_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"
SPACES_FI = [
    "näkösuojattu palvelupiste", "palveluhuone", "etäpalveluhuone", "turvahuone",
    "neuvotteluhuone (enintään 6)", "asiakaspääte", "neuvontapiste", "odotuspaikat",
    "taustatyöpiste",
]  # fmt: skip
SPACES_SV = [
    "avskärmad serviceplats", "servicerum", "rum för distansservice", "säkerhetsrum",
    "mötesrum (högst 6 personer)", "självbetjäningsterminal", "rådgivningspunkt",
    "väntplatser", "arbetsplats för bakgrundsarbete",
]  # fmt: skip


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def _box(text: ET.Element, line: ET.Element) -> tuple[float, float, float, float]:
    """Estimated box (x0, y0, x1, y1) of an unrotated text line (a text or its tspan)."""
    x, y, w = float(line.get("x")), float(line.get("y")), text_width(line.text)
    anchor = text.get("text-anchor", "start")
    x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
    return (x0, y - FONT, x0 + w, y)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("labels", [SPACES_FI, SPACES_SV], ids=["fi", "sv"])
def test_hbar_chart__long_space_names__no_label_overlaps_another_or_a_bar(labels):
    svg = hbar_chart("c", "t", labels, [("pooled", [100.0] * 9), ("separate", [250.0] * 9)], "m²")
    root = _parse(svg)
    rows = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end" and list(t)]
    assert len(rows) == len(labels)
    boxes = [_box(t, line) for t in rows for line in t.iter(f"{SVG}tspan")]
    assert all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    bar_left = min(
        float(r.get("x")) for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None
    )
    assert max(b[2] for b in boxes) <= bar_left
    assert min(b[0] for b in boxes) >= 0
    # The value at every bar's end stays inside the picture.
    for text in root.iter(f"{SVG}text"):
        if text.get("font-size") == "10":
            assert float(text.get("x")) + text_width(text.text) <= WIDTH


def test_column_chart__short_hours__sit_flat_without_overlap():
    hours = [f"{h}–{h + 1}" for h in range(9, 18)]
    root = _parse(column_chart("h", "t", hours, [("visits", [5.0] * 9)]))
    labels = [t for t in root.iter(f"{SVG}text") if t.text in hours]
    assert len(labels) == 9 and not any(t.get("transform") for t in labels)
    boxes = [_box(t, t) for t in labels]
    assert all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_column_chart__crowded_labels__turn_and_keep_apart():
    labels = [f"long label number {i}" for i in range(12)]
    root = _parse(column_chart("x", "t", labels, [("a", [1.0] * 12), ("b", [2.0] * 12)]))
    turned = [t for t in root.iter(f"{SVG}text") if t.get("transform")]
    assert len(turned) == 12
    xs = [float(t.get("x")) for t in turned]
    # Rotated by 45°, neighbours are dx·sin 45° apart across the text's direction.
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) * math.sin(math.pi / 4) >= FONT
    height = float(root.get("viewBox").split()[3])
    longest = max(text_width(x) for x in labels) * math.sin(math.pi / 4)
    assert float(turned[0].get("y")) + longest <= height


def test_charts__ids_and_text__are_escaped_and_labelled():
    svg = column_chart("c-1", "A & B", ["<9>"], [("x", [1.0])])
    assert 'aria-labelledby="c-1-title"' in svg and "A &amp; B" in svg and "&lt;9&gt;" in svg


@pytest.mark.parametrize(
    ("lang", "share", "expected"),
    [
        pytest.param("fi", 0.879, "88\xa0%", id="fi"),
        pytest.param("sv", 0.879, "88\xa0%", id="sv"),
        pytest.param("en", 0.879, "88%", id="en"),
        pytest.param("fi", 0.5123, "51,2\xa0%", id="fi-one-decimal"),
    ],
)
def test_percent__a_share__is_a_percentage_in_the_locale(lang, share, expected):
    decimals = 1 if "," in expected else 0
    with translation.override(lang):
        assert percent(share, decimals) == expected


def test_percent__not_a_number__is_empty():
    assert percent(None) == "" and percent("x") == ""


def test_hbar_chart__values__use_the_locale_decimal_comma():
    with translation.override("fi"):
        svg = hbar_chart("c", "t", ["a"], [("x", [12.5])], "m²")
    assert re.search(r">12,5 m²<", svg)
