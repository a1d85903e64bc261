"""Maps: colour classes, the outlined gemeente, unknown shares, the wijk map and reading wijk files."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from buitenbeeld.publish.maps import CLASS_COLOURS, MISSING_COLOUR, class_bounds, plot_share_map, plot_wijk_map
from buitenbeeld.reference.geo import Boundary, find_wijk_file, read_boundaries, read_wijken

NS = "{http://www.w3.org/2000/svg}"
SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo"


def _square(code: str, naam: str, x: float, y: float, size: float = 0.1) -> Boundary:
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return Boundary(code, naam, ((ring,),))


def test_class_bounds_are_quantiles_ending_at_the_maximum():
    values = [v / 100 for v in range(1, 11)]  # 1% .. 10%
    assert class_bounds(values) == [0.03, 0.05, 0.07, 0.09, 0.10]
    assert class_bounds([None, float("nan")]) == []
    assert class_bounds([0.05] * 4) == [0.05]  # equal values: one class, not five empty ones


def test_share_map_colours_outlines_and_marks_unknown():
    boundaries = {b.code: b for b in [_square("GM0001", "Laag", 5.0, 52.0), _square("GM0002", "Hoog", 5.2, 52.0),
                                      _square("GM0003", "Geheim", 5.4, 52.0)]}
    chart = plot_share_map(boundaries, {"GM0001": 0.02, "GM0002": 0.08, "GM0003": None}, "GM0002", "Hoog", 2013,
                           "CBS", synthetic=True)
    root = ET.fromstring(chart.svg)
    areas = {p.find(f"{NS}title").text: p.get("fill") for p in root.iter(f"{NS}path") if p.find(f"{NS}title") is not None}
    assert areas == {"Laag: 2,0%": CLASS_COLOURS[0], "Hoog: 8,0%": CLASS_COLOURS[1], "Geheim: onbekend": MISSING_COLOUR}
    outlined = [p for p in root.iter(f"{NS}path") if p.get("stroke-width") == "2.5"]
    assert len(outlined) == 1 and outlined[0].get("fill") == "none"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Hoog" in texts and "onbekend of geheim" in texts
    assert "SYNTHETISCHE DEMODATA" in chart.beschrijving and "CBS, Kadaster (CC BY 4.0)" in chart.beschrijving


@pytest.mark.skipif(not SHARED_GEO.exists(), reason="../shared/data/geo is not beside the repository")
def test_national_map_of_every_gemeente():
    boundaries = read_boundaries(2026, SHARED_GEO)
    chart = plot_share_map(boundaries, {code: 0.05 for code in boundaries}, "GM1942", "Gooise Meren", 2013, "CBS")
    root = ET.fromstring(chart.svg)
    assert len([p for p in root.iter(f"{NS}path") if p.find(f"{NS}title") is not None]) == 342
    assert "Gooise Meren: 5,0%" in chart.svg


def test_wijk_map_counts_organisations_per_wijk_by_name():
    wijken = {b.code: b for b in [_square("WK000101", "Centrum", 5.0, 52.0), _square("WK000102", "Noord", 5.1, 52.0),
                                  _square("WK000103", "Oost", 5.2, 52.0)]}
    chart = plot_wijk_map(wijken, {"centrum ": 4, "NOORD": 1, "Elders": 9}, "Testdorp", "interviews")
    root = ET.fromstring(chart.svg)
    areas = {p.find(f"{NS}title").text: p.get("fill") for p in root.iter(f"{NS}path")}
    assert set(areas) == {"Centrum: 4 organisatie(s)", "Noord: 1 organisatie(s)", "Oost: 0 organisatie(s)"}
    assert areas["Centrum: 4 organisatie(s)"] == "#08306b" and areas["Oost: 0 organisatie(s)"] == "#ffffff"
    numbers = [t.text for t in root.iter(f"{NS}text") if t.get("text-anchor") == "middle"]
    assert sorted(numbers) == ["0", "1", "4"]  # the count is written on the map, not only coloured


def _topology(name: str, geometries: list[dict]) -> dict:
    return {"type": "Topology", "arcs": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]],
            "objects": {name: {"type": "GeometryCollection", "geometries": geometries}}}


def test_read_wijken_takes_the_newest_file_and_only_the_gemeentes_wijken(tmp_path):
    assert read_wijken("GM0363", tmp_path) == {} and find_wijk_file(tmp_path) is None
    geometries = [{"type": "Polygon", "arcs": [[0]], "properties": {"statcode": code, "statnaam": naam}}
                  for code, naam in [("WK036300", "Centrum"), ("WK036301", "Westpoort"), ("WK051800", "Centrum")]]
    (tmp_path / "wijk_2020.topojson").write_text(json.dumps(_topology("wijk_2020", geometries[:1])))
    (tmp_path / "wijk_2024.topojson").write_text(json.dumps(_topology("wijk_2024", geometries)))
    wijken = read_wijken("GM0363", tmp_path)
    assert list(wijken) == ["WK036300", "WK036301"]
    assert [b.naam for b in wijken.values()] == ["Centrum", "Westpoort"]
    assert find_wijk_file(tmp_path).name == "wijk_2024.topojson"


def test_a_value_at_the_class_bound_stays_in_its_class():
    from buitenbeeld.publish.maps import _colour

    values = [0.05449] * 3 + [0.0545] * 3 + [0.1]
    bounds = class_bounds(values)
    assert bounds == [0.055, 0.1]  # rounded up, not down to 5,4% below the values it should hold
    assert [_colour(v, bounds) for v in values] == [CLASS_COLOURS[0]] * 6 + [CLASS_COLOURS[1]]
