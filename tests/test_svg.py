"""The SVG building blocks: ticks, scales, colours, escaping and well-formed output."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from buitenbeeld.publish.svg import Canvas, Chart, Scale, blend, escape, nice_ticks, readable_on, text_width

NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0, 0.0736, [0.0, 0.02, 0.04, 0.06, 0.08]),  # the last tick reaches past the largest value
    (0, 5.25, [0, 2, 4, 6]),
    (0, 1, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (1, 21, [0, 5, 10, 15, 20, 25]),
    (0, 0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # an empty range still gets an axis
    (0, 130, [0, 50, 100, 150]),  # 130/5 = 26 per step: 50 is the next round step
    (0, 120, [0, 25, 50, 75, 100, 125]),
])
def test_nice_ticks(low, high, expected):
    assert nice_ticks(low, high) == expected


def test_scale_maps_linearly():
    scale = Scale(0, 10, 100, 200)
    assert (scale(0), scale(5), scale(10)) == (100, 150, 200)
    assert Scale(0, 10, 300, 100)(2.5) == 250  # a y axis runs upwards
    assert Scale(3, 3, 0, 10)(3) == 0  # no division by zero on an empty range


def test_colours():
    assert blend("#000000", "#ffffff", 0.5) == "#808080"
    assert blend("#f7fbff", "#08306b", 0) == "#f7fbff"
    assert blend("#f7fbff", "#08306b", 7) == "#08306b"  # clipped to the dark end
    assert readable_on("#08306b") == "#ffffff"
    assert readable_on("#f7fbff") != "#ffffff"


def test_text_width_grows_with_text_and_size():
    assert text_width("ab", 10) == pytest.approx(12.0)
    assert text_width("WW", 10) > text_width("ii", 10)
    assert text_width("abc", 20) == pytest.approx(2 * text_width("abc", 10))


def test_canvas_writes_wellformed_escaped_svg():
    canvas = Canvas(200, 100)
    canvas.rect(10, 10, 50, 20, "#0173b2", tooltip="A & B <c>")
    canvas.rect(10, 40, -5, 20, "#0173b2")  # a negative width is drawn as nothing, not an error
    canvas.line(0, 0, 10, 10, dash="4 2")
    canvas.circle(5, 5, 3, "#de8f05")
    canvas.text(20, 20, '<script>alert("x")</script> & "quote"', rotate=-30)
    chart = canvas.finish("Figuur: test & <proef>")
    root = ET.fromstring(chart.svg)  # parses: everything was escaped
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Figuur: test & <proef>"
    assert root.find(f"{NS}text").text == '<script>alert("x")</script> & "quote"'
    assert "<script>" not in chart.svg
    widths = [r.get("width") for r in root.iter(f"{NS}rect")]
    assert widths == ["100%", "50.0", "0.0"]


def test_chart_displays_as_svg_with_text_fallback(tmp_path):
    chart = Chart('<svg xmlns="http://www.w3.org/2000/svg"><title>t</title></svg>', "Figuur: t")
    bundle = chart._repr_mimebundle_()
    assert bundle == {"image/svg+xml": chart.svg, "text/plain": "Figuur: t"}
    saved = chart.save(tmp_path / "figuur.svg")
    assert ET.parse(saved).getroot().tag == f"{NS}svg"


def test_escape_is_the_one_helper_and_gives_valid_xml():
    from buitenbeeld.common import formatting

    assert escape is formatting.escape
    text = escape("a<b>&'\" [x](javascript:y)")
    assert text == "a&#60;b&#62;&#38;&#39;&#34; &#91;x&#93;(javascript:y)"
    root = ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{text}</text></svg>')
    assert root[0].text == "a<b>&'\" [x](javascript:y)"
