"""The report's figures: geometry that matches the numbers, unknowns never drawn as zero, descriptions."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from buitenbeeld.publish import plots
from buitenbeeld.publish.plots import PALETTE

NS = "{http://www.w3.org/2000/svg}"


def _root(chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def _rects(root: ET.Element, fill: str) -> list[dict[str, float]]:
    return [{k: float(r.get(k)) for k in ("x", "y", "width", "height")}
            for r in root.iter(f"{NS}rect") if r.get("fill") == fill]


def _bars(root: ET.Element, fill: str) -> list[dict[str, float]]:
    """Bars of the bar charts (16 px high), not the legend's squares."""
    return [r for r in _rects(root, fill) if r["height"] == 16]


def _texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def _axis_end(root: ET.Element) -> float:
    """The x where the horizontal axis line ends (the axis is drawn in the muted colour)."""
    return max(float(line.get("x2")) for line in root.iter(f"{NS}line")
               if line.get("stroke") == "#555555" and line.get("y1") == line.get("y2"))


def test_palette_is_seaborns_colourblind_palette():
    sns = pytest.importorskip("seaborn")
    assert list(PALETTE) == sns.color_palette("colorblind").as_hex()


def test_type_counts_bars_are_proportional_and_inside_the_axis():
    chart = plots.plot_type_counts(pd.Series([2, 4, 0], index=["commercieel", "formeel", "leefgebieden"]),
                                   "Almere", "interviews", synthetic=True)
    root = _root(chart)
    short, = _rects(root, PALETTE[0])
    long, = _rects(root, PALETTE[1])
    empty, = _rects(root, PALETTE[2])
    assert long["width"] == pytest.approx(2 * short["width"], abs=0.2)
    assert empty["width"] == 0
    assert long["x"] + long["width"] <= _axis_end(root) + 0.1
    assert ["2", "4", "0"] == [t.strip() for t in _texts(root) if t.strip() in {"0", "2", "4"}][-3:]
    assert chart.beschrijving == ("Figuur: Sociale kaart Almere: organisaties per type. "
                                  "Bron: interviews (SYNTHETISCHE DEMODATA)")
    assert root.find(f"{NS}title").text == chart.beschrijving


def test_stacked_bars_continue_where_the_first_part_ends():
    files = pd.DataFrame({"file": ["a.xlsx", "b.ods"], "loaded": [8, 3], "rejected": [2, 0]})
    root = _root(plots.plot_ingest_counts(files))
    loaded, rejected = _bars(root, PALETTE[2]), _bars(root, PALETTE[3])
    assert loaded[0]["x"] + loaded[0]["width"] == pytest.approx(rejected[0]["x"], abs=0.2)
    assert rejected[0]["width"] == pytest.approx(loaded[0]["width"] / 4, abs=0.2)  # 2 against 8
    assert "8 + 2" in _texts(root) and "3 + 0" in _texts(root)
    assert {"geladen", "afgewezen"} <= set(_texts(root))  # the legend


def test_problems_by_column_counts_errors_and_warnings_apart():
    problems = pd.DataFrame({"column": ["telefoon", "telefoon", None, "naam"],
                             "severity": ["error", "warning", "error", "warning"]})
    root = _root(plots.plot_problems_by_column(problems))
    assert [t for t in _texts(root) if t in {"telefoon", "(bestand)", "naam"}] == ["telefoon", "(bestand)", "naam"]
    errors, warnings = _bars(root, PALETTE[3]), _bars(root, PALETTE[1])
    assert [e["width"] > 0 for e in errors] == [True, True, False]  # telefoon 1, (bestand) 1, naam 0
    assert [w["width"] > 0 for w in warnings] == [True, False, True]


def test_unknown_share_reads_onbekend_and_draws_no_bar():
    root = _root(plots.plot_youth_share("Almere", None, 0.054, 2013, "CBS"))
    assert "onbekend" in _texts(root)
    assert _rects(root, PALETTE[0]) == []
    assert "5,4%" in _texts(root)


def test_comparable_marks_own_gemeente_and_the_national_line():
    table = pd.DataFrame({"gemeentenaam": ["Almere", "Breda & Co <x>"], "aandeel": [0.064, 0.06],
                          "eigen": [True, False]})
    chart = plots.plot_comparable(table, 0.054, 2013, "CBS", synthetic=False)
    root = _root(chart)
    assert len(_rects(root, PALETTE[0])) == 1 and len(_rects(root, "#b0b0b0")) == 1
    assert "Nederland 5,4%" in _texts(root)
    assert "Breda & Co <x>" in _texts(root)  # escaped in the SVG, read back intact
    own, = _rects(root, PALETTE[0])
    assert own["x"] + own["width"] <= _axis_end(root) + 0.1  # 6,4% fits: the axis reaches 8%
    assert "SYNTHETISCH" not in chart.svg


def test_heatmap_cells_show_counts_and_colour_by_size():
    table = pd.DataFrame([[0, 3], [1, 0]], index=pd.Index(["Noord", "Zuid"], name="wijk"),
                         columns=["formeel", "commercieel"])
    root = _root(plots.plot_wijk_type(table, "Venlo", "interviews"))
    cells = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert [c.find(f"{NS}title").text for c in cells] == [
        "Noord, formeel: 0", "Noord, commercieel: 3", "Zuid, formeel: 1", "Zuid, commercieel: 0"]
    assert cells[1].get("fill") == "#08306b"  # the largest count is the darkest
    assert cells[0].get("fill") == "#f7fbff"  # a gap stays visible as a pale 0
    assert [t for t in _texts(root) if t in {"0", "1", "3"}] == ["0", "3", "1", "0"]


def test_coverage_uses_the_green_scale():
    coverage = pd.DataFrame([[2, 0]], index=["Centrum"], columns=["bereiken", "plaatsen"])
    root = _root(plots.plot_coverage(coverage, "Venlo", "interviews"))
    assert any(r.get("fill") == "#00441b" for r in root.iter(f"{NS}rect"))


def _profiles() -> tuple[pd.DataFrame, pd.Series]:
    profiles = pd.DataFrame({
        "bereiken": [5.0, 10.0], "bereiken_min": [5.0, 8.0], "bereiken_max": [5.0, 10.0],
        "activeren": [math.nan, 2.5], "activeren_min": [math.nan, 2.5], "activeren_max": [math.nan, 2.5],
        "plaatsen": [0.0, 1.0], "plaatsen_min": [0.0, 1.0], "plaatsen_max": [0.0, 1.0],
        "behouden": [7.5, 7.5], "behouden_min": [7.5, 7.5], "behouden_max": [7.5, 7.5],
    }, index=[10, 11])
    return profiles, pd.Series({10: "Boksschool", 11: "Moskee"})


def test_profiles_draw_values_on_0_to_10_and_unknown_as_text():
    profiles, names = _profiles()
    root = _root(plots.plot_profiles(profiles, names, "Profielen", "interviews"))
    background = _rects(root, "#eeeeee")
    assert len(background) == 8  # two organisations x four roles
    full = background[0]["width"]
    bereiken = _rects(root, PALETTE[0])
    assert [b["width"] for b in bereiken] == pytest.approx([full / 2, full], abs=0.2)
    assert _texts(root).count("onbekend") == 1  # Boksschool's activeren
    assert [b["width"] for b in _rects(root, PALETTE[1])] == pytest.approx([full / 4], abs=0.2)  # only Moskee
    assert [b["width"] for b in _rects(root, PALETTE[2])] == pytest.approx([0, full / 10], abs=0.2)  # 0 is drawn
    ranges = [line for line in root.iter(f"{NS}line") if line.get("stroke") == "#222222"]
    assert len(ranges) == 1  # only Moskee's bereiken has a range (8 to 10)
    assert float(ranges[0].get("x2")) - float(ranges[0].get("x1")) == pytest.approx(full / 5, abs=0.2)


def test_a_name_with_a_dot_stays_as_it_is_and_numbers_are_dutch():
    """Only numbers become Dutch (through babel): the dots in "St. Jozef v.d. Berg" stay dots."""
    profiles, _ = _profiles()
    names = pd.Series({10: "St. Jozef v.d. Berg", 11: "Moskee 2.0"})
    root = _root(plots.plot_profiles(profiles, names, "Profielen", "interviews"))
    tooltips = [r.find(f"{NS}title").text for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert "St. Jozef v.d. Berg, bereiken: 5,0" in tooltips
    assert "Moskee 2.0, activeren: 2,5" in tooltips and "Moskee 2.0, bereiken: 10,0" in tooltips
    assert "St. Jozef v.d. Berg" in _texts(root)
    sensitivity = pd.DataFrame({"rang": [1.0], "rang_laag": [1.0], "rang_hoog": [2.5]}, index=[10])
    root = _root(plots.plot_rank_intervals(sensitivity, names, "bereiken", "Venlo", "interviews"))
    dot, = root.iter(f"{NS}circle")
    assert dot.find(f"{NS}title").text == "St. Jozef v.d. Berg: positie 1 (90%: 1 tot 2,5)"
    table = pd.DataFrame([[1200]], index=pd.Index(["Wijk St. Anna"], name="wijk"), columns=["formeel"])
    cell, = [r for r in _root(plots.plot_wijk_type(table, "Venlo", "interviews")).iter(f"{NS}rect")
             if r.find(f"{NS}title") is not None]
    assert cell.find(f"{NS}title").text == "Wijk St. Anna, formeel: 1.200"


def test_rank_intervals_skip_unranked_and_order_by_rank():
    sensitivity = pd.DataFrame({"rang": [2.0, 1.0, math.nan], "rang_laag": [1.0, 1.0, math.nan],
                                "rang_hoog": [2.0, 2.0, math.nan]}, index=[1, 2, 3])
    names = pd.Series({1: "Tweede", 2: "Eerste", 3: "Onbekend"})
    root = _root(plots.plot_rank_intervals(sensitivity, names, "bereiken", "Venlo", "interviews"))
    dots = list(root.iter(f"{NS}circle"))
    assert [d.find(f"{NS}title").text for d in dots] == [
        "Eerste: positie 1 (90%: 1 tot 2)", "Tweede: positie 2 (90%: 1 tot 2)"]
    assert float(dots[0].get("cx")) < float(dots[1].get("cx"))  # position 1 on the left
    assert "Onbekend" not in _texts(root)


def test_reach_gap_marks_exact_and_estimated_answers_apart():
    gap = pd.DataFrame({"interview": [10.0, 20.0, 30.0, math.nan], "inschatting_gemeente": [20.0, 20.0, 5.0, 4.0],
                        "interview_geschat": [False, False, True, False]})
    root = _root(plots.plot_reach_gap(gap, "Venlo", "interviews"))
    circles = list(root.iter(f"{NS}circle"))
    assert len(circles) == 2  # the row without an interview answer is not drawn
    squares = [r for r in _rects(root, PALETTE[1]) if r["width"] == 9]
    assert len(squares) == 1
    diagonal = [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray")]
    assert len(diagonal) == 1
    first, second = (float(c.get("cy")) for c in circles)
    assert first == pytest.approx(second)  # both estimated at 20 by the gemeente
    texts = " ".join(_texts(root))
    assert "Twee kijken" in texts and "te hoog" not in texts and "schatte hoger" not in texts  # two views, no verdict


def test_funnel_and_period_charts_draw_no_bar_for_a_suppressed_count():
    shown = pd.DataFrame({"stap": ["bereikt", "geactiveerd", "geplaatst", "behouden"],
                          "jongeren": ["1.215", "x", "<10", "0"], "van bereikt": ["100%", "x", "x", ""]})
    root = _root(plots.plot_funnel(shown, "Trechter", "pilot"))
    bars = [r for colour in PALETTE[:4] for r in _bars(root, colour)]
    assert [b["width"] > 0 for b in bars] == [True, False]  # 1.215 drawn, 0 drawn as nothing, x and <10 not at all
    assert {"1.215 (100% van bereikt)", "x", "<10"} <= set(_texts(root))
    periods = pd.DataFrame({"periode": ["2017 K1", "2017 K2"], "nieuw bereikt": ["12", "<10"], "geplaatst": ["0", "10"]})
    root = _root(plots.plot_per_period(periods, "Per kwartaal", "pilot"))
    drawn = [r for r in root.iter(f"{NS}rect") if r.get("height") == "8.0"]
    assert len(drawn) == 3  # 12, 0 and 10; not the <10
    assert "<10" in _texts(root)


def _trend_frame(shares, lows, highs, provisional=(), breaks=()):
    years = [2016, 2017, 2018, 2019]
    return pd.DataFrame({"jaar": years, "aandeel_buiten_beeld": shares, "aandeel_laag": lows, "aandeel_hoog": highs,
                         "voorlopig": [y in provisional for y in years], "reeksbreuk": [y in breaks for y in years]})


def _lines(root: ET.Element, stroke: str) -> list[tuple[float, float, float, float]]:
    return [tuple(float(line.get(k)) for k in ("x1", "y1", "x2", "y2")) for line in root.iter(f"{NS}line")
            if line.get("stroke") == stroke]


def test_trend_places_years_shares_margins_the_break_and_the_provisional_year():
    # Venlo: 6% (5,5-6,5%) in 2016, 2017 hidden, 4% (3,5-4,5%) in 2018 after a break, 5% (4,5-5,5%) in 2019, provisional
    gemeente = _trend_frame([0.06, math.nan, 0.04, 0.05], [0.055, math.nan, 0.035, 0.045],
                            [0.065, math.nan, 0.045, 0.055], provisional=[2019], breaks=[2018])
    nederland = _trend_frame([0.05, 0.05, 0.045, 0.044], [0.05, 0.05, 0.045, 0.044], [0.05, 0.05, 0.045, 0.044],
                             provisional=[2019], breaks=[2018])
    chart = plots.plot_trend(gemeente, nederland, "Venlo", "CBS")
    root = _root(chart)
    # x: four years over 60-700 px, 160 px each, centred: 140, 300, 460, 620. y: 0-8% (ticks of 2% up to
    # 6,5% * 1,15) over 220 px from the top of the plot (84) down to 304: y(s) = 304 - s / 0.08 * 220.
    dots = [c for c in root.iter(f"{NS}circle") if c.get("fill") == PALETTE[0]]
    assert [(float(c.get("cx")), float(c.get("cy"))) for c in dots] == [(140, 139), (460, 194), (620, 166.5)]
    assert dots[2].find(f"{NS}title").text == "Venlo, 2019 (voorlopig): 5,0% (marge 4,5% tot 5,5%)"
    hollow = [c for c in root.iter(f"{NS}circle") if c.get("fill") == "#ffffff"]
    assert [(float(c.get("cx")), float(c.get("cy"))) for c in hollow] == [(620, 183), (620, 166.5)]  # Nederland first
    assert len([c for c in root.iter(f"{NS}circle") if c.get("fill") == PALETTE[7]]) == 4
    own = _lines(root, PALETTE[0])
    whiskers = [line for line in own if line[0] == line[2]]
    assert whiskers == [(140, 152.8, 140, 125.2), (460, 207.8, 460, 180.2), (620, 180.2, 620, 152.8)]  # 1 pp = 27,5 px
    assert [line for line in own if line[0] != line[2]] == [(460, 194, 620, 166.5)]  # not across 2017 or the break
    national = [line for line in _lines(root, PALETTE[7]) if line[0] != line[2]]
    assert [(line[0], line[2]) for line in national] == [(140, 300), (460, 620)]  # no whiskers: no margin
    dashed = [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray")]
    assert [(float(d.get("x1")), float(d.get("x2"))) for d in dashed] == [(380, 380)]  # between 2017 and 2018
    texts = _texts(root)
    assert "breuk in de reeks" in texts
    assert [t for t in texts if t.startswith("20")] == ["2016", "2017", "2018", "2019*"]
    assert [t for t in texts if t.endswith("%")] == ["0%", "2%", "4%", "6%", "8%"]
    assert chart.beschrijving == ("Figuur: Jongeren buiten beeld per jaar: Venlo en Nederland. Bron: CBS; streepje = "
                                  "marge door afronding; * = voorlopig cijfer; geen stip = onbekend of te klein aantal")
    assert root.find(f"{NS}title").text == chart.beschrijving
