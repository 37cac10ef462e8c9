"""The SVG bar charts' geometry and markup, without Django: readable without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from luukku.core.svgchart import (
    VALUE_FONT,
    WIDTH,
    column_chart,
    hbar_chart,
    nice_top,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def _bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def test_column_chart__each_series_has_its_own_pattern_also_in_the_legend():
    series = [(name, [1.0, 2.0]) for name in ("walk-in", "booked", "passed on", "other")]
    root = _parse(column_chart("v", "Visits", ["W1", "W2"], series))
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert patterns == {"v-p1", "v-p2", "v-p3"}
    fills = [b.get("fill") for b in _bars(root)]
    assert fills[:4] == ["#1f5f8b", "url(#v-p1)", "url(#v-p2)", "url(#v-p3)"]
    legend = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("width") == "12"]
    assert legend == fills[:4]
    # Every bar names its category, series and value.
    assert _bars(root)[1].find(f"{SVG}title").text == "W1 · booked: 1.0 "


def test_column_chart__one_series__solid_without_patterns_or_legend():
    root = _parse(column_chart("s", "t", ["a"], [("x", [3.0])]))
    assert root.find(f"{SVG}defs") is None and not list(root.iter(f"{SVG}pattern"))
    assert len(_bars(root)) == 1


def test_column_chart__values_on_top_where_they_fit():
    few = _parse(column_chart("f", "t", ["W1", "W2"], [("x", [80.0, 95.5])], "%", values=True))
    tops = [t.text for t in few.iter(f"{SVG}text") if t.get("font-size") == str(VALUE_FONT)]
    assert tops == ["80.0", "95.5"]
    # Sixty narrow columns: no value would fit its bar, so none is written.
    many = _parse(column_chart("m", "t", [str(i) for i in range(60)], [("x", [88.8] * 60)],
                               values=True))  # fmt: skip
    assert not [t for t in many.iter(f"{SVG}text") if t.get("font-size") == str(VALUE_FONT)]
    # A full-height value stays inside the picture, below the unit line.
    bar = _bars(few)[1]
    assert float(bar.get("y")) - 3 - VALUE_FONT >= 10


def test_charts__text_and_ids_are_escaped_and_parse_as_xml():
    svg = column_chart('c"1', "<b>A & B</b>", ["<9>"], [("x'", [1.0]), ("y", [2.0])])
    assert "<b>" not in svg and "&lt;b&gt;A &amp; B&lt;/b&gt;" in svg
    assert 'aria-labelledby="c&quot;1-title"' in svg
    root = _parse(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "<b>A & B</b>"
    assert "style=" not in svg and "<script" not in svg


def test_hbar_chart__percent_bars_fill_at_most_the_top_and_carry_their_value():
    root = _parse(
        hbar_chart("u", "t", ["booth", "room"], [("in use", [50.0, 120.0])], "%", top=100)
    )
    widths = [float(b.get("width")) for b in _bars(root)]
    assert widths[0] == pytest.approx(widths[1] / 2)
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("font-size") == str(VALUE_FONT)]
    assert values == ["50.0 %", "120.0 %"]
    for text in root.iter(f"{SVG}text"):
        if text.get("font-size") == str(VALUE_FONT):
            assert float(text.get("x")) + text_width(text.text, VALUE_FONT) <= WIDTH


def test_charts__numbers_are_written_by_the_caller():
    svg = hbar_chart("n", "t", ["a"], [("x", [12.5])], "m²", number=lambda v, d: f"{v:.{d}f}!")
    assert ">12.5! m²<" in svg


@pytest.mark.parametrize(("top", "axis"), [(0, 1), (0.7, 1), (3, 5), (12, 20), (240, 250)])
def test_nice_top__rounds_up_to_a_readable_axis(top, axis):
    assert nice_top(top) == axis
