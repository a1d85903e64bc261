"""Boundary files: TopoJSON decoding, map geometry, finding and downloading with a cache."""
from __future__ import annotations

import json
import math
import time
import urllib.error

import pytest
from conftest import SHARED

from buitenbeeld.errors import MissingDataError
from buitenbeeld.reference import geo, pdok
from buitenbeeld.reference.gemeenten import list_gemeenten

GEO = SHARED / "data" / "geo"
needs_shared = pytest.mark.skipif(not GEO.is_dir(), reason="../shared/data/geo is not beside the repository")


def tiny_topology(name: str = "gemeente_2099") -> dict:
    """Two squares sharing an edge (B walks it backwards) and a MultiPolygon with a hole.

    Quantised: lon = 4 + x/2, lat = 52 + y/4. A spans lon 4-5, B lon 5-6, both lat 52-52.5.
    """
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [4, 52]},
        "arcs": [
            [[2, 0], [0, 2]],                            # 0: shared edge (2,0) -> (2,2)
            [[2, 2], [-2, 0], [0, -2], [2, 0]],          # 1: rest of A
            [[2, 0], [2, 0], [0, 2], [-2, 0]],           # 2: rest of B, ends at (2,2)
            [[6, 0], [4, 0], [0, 4], [-4, 0], [0, -4]],  # 3: C outer (6,0)-(10,4)
            [[7, 1], [0, 1], [1, 0], [0, -1], [-1, 0]],  # 4: C hole (7,1)-(8,2)
            [[12, 0], [1, 0], [0, 1], [-1, 0], [0, -1]],  # 5: C island (12,0)-(13,1)
        ],
        "objects": {name: {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "GM0001",
             "properties": {"statcode": "GM0001", "statnaam": "Aa"}},
            {"type": "Polygon", "arcs": [[2, -1]], "id": "GM0002",
             "properties": {"statcode": "GM0002", "statnaam": "Bé"}},
            {"type": "MultiPolygon", "arcs": [[[3], [4]], [[5]]], "id": "GM0003",
             "properties": {"statcode": "GM0003", "statnaam": "Ce"}},
            {"type": "Point", "coordinates": [0, 0]},
        ]}},
    }


def write_topology(folder, year: int = 2099) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"gemeente_{year}.topojson").write_text(json.dumps(tiny_topology(f"gemeente_{year}")), encoding="utf-8")


@pytest.fixture
def tiny():
    return {b.code: b for b in geo.decode_topology(tiny_topology(), "gemeente_2099")}


def test_decoding_gives_the_hand_computed_rings(tiny):
    assert list(tiny) == ["GM0001", "GM0002", "GM0003"]  # the Point is skipped
    assert tiny["GM0001"].naam == "Aa"
    assert tiny["GM0001"].polygons == ((((5, 52), (5, 52.5), (4, 52.5), (4, 52), (5, 52)),),)
    # the reversed shared edge (arc -1 = ~0) closes B's ring
    assert tiny["GM0002"].polygons == ((((5, 52), (6, 52), (6, 52.5), (5, 52.5), (5, 52)),),)


def test_multipolygon_keeps_parts_and_holes(tiny):
    outer_and_hole, island = tiny["GM0003"].polygons
    assert outer_and_hole[0] == ((7, 52), (9, 52), (9, 53), (7, 53), (7, 52))
    assert outer_and_hole[1] == ((7.5, 52.25), (7.5, 52.5), (8, 52.5), (8, 52.25), (7.5, 52.25))
    assert island == (((10, 52), (10.5, 52), (10.5, 52.25), (10, 52.25), (10, 52)),)


def test_centroid_weighs_parts_and_subtracts_holes(tiny):
    assert geo.centroid(tiny["GM0001"]) == pytest.approx((4.5, 52.25))
    # outer 2 deg2 at (8, 52.5), hole 0.125 at (7.75, 52.375), island 0.125 at (10.25, 52.125)
    assert geo.centroid(tiny["GM0003"]) == pytest.approx((16.3125 / 2, 104.96875 / 2))


def test_ring_area_is_in_square_kilometres():
    # one degree square at the equator: about 111 km x 111 km
    assert geo.ring_area([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]) == pytest.approx(12_365, rel=2e-3)
    assert geo.ring_area([(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]) > 0  # either winding


def test_svg_paths_fit_the_box_north_up(tiny):
    both = {code: tiny[code] for code in ("GM0001", "GM0002")}
    paths = geo.svg_paths(both, 100, 100)
    # 2 x cos(52.2) wide, 0.5 high: the width fills 100, the height (40.8) is centred
    assert paths["GM0001"] == "M50.0,70.4L50.0,29.6 0.0,29.6 0.0,70.4Z"
    assert paths["GM0002"] == "M50.0,70.4L100.0,70.4 100.0,29.6 50.0,29.6Z"
    assert geo.svg_paths({"GM0003": tiny["GM0003"]}, 10, 10)["GM0003"].count("M") == 3  # outer, hole, island


def test_map_frame_agrees_with_the_paths(tiny):
    frame = geo.fit_map(tiny.values(), 200, 100, padding=5)
    # 6.5 x cos(52.2) wide, 1 high: the width is the limit, so the padding shows left and right
    assert frame(4, 53)[0] == pytest.approx(5) and frame(10.5, 52)[0] == pytest.approx(195)
    assert frame(4, 53)[1] + frame(4, 52)[1] == pytest.approx(100)  # centred vertically
    assert frame(4, 53)[1] < frame(4, 52)[1]  # north up
    assert geo.project(5, 52) == pytest.approx((5 * math.cos(math.radians(52.2)), -52))


def test_default_folder_is_raw_geo_of_the_data_folder(tmp_path):
    assert geo.geo_dir(tmp_path) == tmp_path / "raw" / "geo"
    assert geo.boundary_file(2026, tmp_path) == tmp_path / "gemeente_2026.topojson"


def test_missing_file_says_how_to_get_it(tmp_path):
    with pytest.raises(MissingDataError) as caught:
        geo.find_boundary_file(2026, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"Geen gemeentegrenzen van 2026: {tmp_path / 'gemeente_2026.topojson'} bestaat niet.")
    assert "Haal ze op met `buitenbeeld grenzen --jaar 2026`" in message
    assert f"gemeente_2026.geojson of gemeente_2026.topojson in {tmp_path}" in message


def test_read_boundaries_from_a_folder(tmp_path):
    write_topology(tmp_path)
    boundaries = geo.read_boundaries(2099, tmp_path)
    assert list(boundaries) == ["GM0001", "GM0002", "GM0003"]


def test_a_file_that_is_not_a_boundary_file_is_reported(tmp_path):
    (tmp_path / "gemeente_2099.topojson").write_text("<html>not found</html>", encoding="utf-8")
    with pytest.raises(MissingDataError, match="gemeente_2099"):
        geo.read_boundaries(2099, tmp_path)


@needs_shared
@pytest.mark.parametrize("year,count,multi", [(2013, 408, 4), (2026, 342, 8)])
def test_shared_files_decode_to_every_gemeente(year, count, multi):
    boundaries = geo.read_boundaries(year, GEO)
    assert len(boundaries) == count
    assert list(boundaries) == list(list_gemeenten(year)["gemeentecode"])
    assert sum(len(b.polygons) > 1 for b in boundaries.values()) == multi
    assert all(ring[0] == ring[-1] and len(ring) >= 4
               for b in boundaries.values() for polygon in b.polygons for ring in polygon)


@needs_shared
def test_amsterdam_lies_where_it_should():
    boundaries = geo.read_boundaries(2026, GEO)
    lon, lat = geo.centroid(boundaries["GM0363"])
    assert abs(lon - 4.9) < 0.05 and abs(lat - 52.37) < 0.03
    # CBS: about 219 km2 including water; the generalised boundary is close
    assert 200 < geo.area_km2(boundaries["GM0363"]) < 240
    assert 33_000 < sum(geo.area_km2(b) for b in boundaries.values()) < 42_000


@needs_shared
def test_svg_paths_for_the_country_are_fast():
    boundaries = geo.read_boundaries(2026, GEO)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        paths = geo.svg_paths(boundaries, 600, 700, padding=10)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05
    assert len(paths) == 342 and all(d.startswith("M") and d.endswith("Z") for d in paths.values())
    numbers = [float(v) for d in paths.values()
               for pair in d.replace("M", " ").replace("L", " ").replace("Z", " ").split() for v in pair.split(",")]
    assert min(numbers) >= 0 and max(numbers) <= 700


# --- downloading: never the network, a fake fetch instead ---------------------------------------

def fake_fetch(payload: bytes, calls: list):
    def fetch(url, timeout):
        calls.append(url)
        return payload
    return fetch


def offline(url, timeout):
    raise urllib.error.URLError("no network")


def test_download_writes_the_file_and_a_sidecar(tmp_path):
    payload = json.dumps(tiny_topology("gemeente_2026")).encode("utf-8")
    calls = []
    result = pdok.download_boundaries(2026, tmp_path / "geo", bron="cartomap", fetch=fake_fetch(payload, calls))
    assert result.status == "downloaded"
    assert calls == ["https://cartomap.github.io/nl/wgs84/gemeente_2026.topojson"]
    assert result.path.read_bytes() == payload
    sidecar = json.loads((tmp_path / "geo" / "gemeente_2026.source.json").read_text(encoding="utf-8"))
    assert sidecar["url"] == calls[0] and sidecar["sha256"] == result.sha256 and sidecar["downloaded"][:2] == "20"
    written = sorted(p.name for p in (tmp_path / "geo").iterdir())
    assert written == ["gemeente_2026.source.json", "gemeente_2026.topojson"]  # no temporary files left
    assert list(geo.read_boundaries(2026, tmp_path / "geo")) == ["GM0001", "GM0002", "GM0003"]


def test_a_file_in_place_is_used_without_the_network(tmp_path):
    write_topology(tmp_path, 2026)
    calls = []
    result = pdok.download_boundaries(2026, tmp_path, fetch=fake_fetch(b"", calls))
    assert (result.status, calls) == ("cached", [])
    assert result.message == f"Het grensbestand staat er al en wordt gebruikt: {tmp_path / 'gemeente_2026.topojson'}"


def test_offline_with_a_file_in_place_uses_it(tmp_path):
    write_topology(tmp_path, 2026)
    before = (tmp_path / "gemeente_2026.topojson").read_bytes()
    result = pdok.download_boundaries(2026, tmp_path, refresh=True, fetch=offline)
    assert result.status == "cached-offline"
    assert "no network" in result.message and "het grensbestand dat er al staat wordt gebruikt" in result.message
    assert (tmp_path / "gemeente_2026.topojson").read_bytes() == before


def test_offline_without_a_file_says_how_to_get_it(tmp_path):
    with pytest.raises(MissingDataError) as caught:
        pdok.download_boundaries(2026, tmp_path, fetch=offline)
    message = str(caught.value)
    assert message.startswith("Ophalen van de gemeentegrenzen van 2026 van https://service.pdok.nl/")
    assert "https://service.pdok.nl/cbs/gebiedsindelingen/2026/wfs/v1_0" in message  # the source, PDOK
    assert "https://cartomap.github.io/nl/wgs84/gemeente_2026.topojson" in message  # or the copy
    assert "buitenbeeld grenzen --jaar 2026" in message and str(tmp_path) in message
    assert isinstance(caught.value.__cause__, urllib.error.URLError)
    assert list(tmp_path.iterdir()) == []


def test_a_download_that_is_no_boundary_file_is_not_kept(tmp_path):
    with pytest.raises(MissingDataError, match="Ophalen van de gemeentegrenzen van 2026 .* lukte niet"):
        pdok.download_boundaries(2026, tmp_path, fetch=fake_fetch(b"<html>rate limited</html>", []))
    assert list(tmp_path.iterdir()) == []


def test_the_default_fetch_goes_through_urllib(tmp_path, monkeypatch):
    payload = json.dumps(tiny_topology("gemeente_2026")).encode("utf-8")
    seen = {}

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return payload

    def urlopen(url, timeout):
        seen.update(url=url, timeout=timeout)
        return Response()

    monkeypatch.setattr(pdok.urllib.request, "urlopen", urlopen)
    result = pdok.download_boundaries(2026, tmp_path, bron="cartomap", timeout=7)
    assert result.status == "downloaded" and seen == {"url": pdok.BOUNDARY_URL.format(year=2026), "timeout": 7}



def _feature(code: str, naam: str, x: float, y: float, lat_first: bool = False) -> dict:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    if lat_first:
        ring = [[b, a] for a, b in ring]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"statcode": code, "statnaam": naam}}


def pdok_pages(features: list[dict], calls: list):
    """A fake of PDOK's WFS: answers each page (count, startIndex) from ``features``."""
    def fetch(url, timeout):
        calls.append(url)
        query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
        start, count = int(query["startIndex"]), int(query["count"])
        return json.dumps({"type": "FeatureCollection", "features": features[start:start + count]}).encode()
    return fetch


def test_download_from_pdok_page_by_page_as_geojson(tmp_path):
    features = [_feature(f"GM000{i}", f"Gemeente {i}", 4 + i / 10, 52) for i in range(1, 6)]
    calls = []
    result = pdok.download_boundaries(2026, tmp_path, fetch=pdok_pages(features, calls), page=2)
    assert result.status == "downloaded" and result.path == tmp_path / "gemeente_2026.geojson"
    assert [c.split("startIndex=")[1] for c in calls] == ["0", "2", "4"]  # 2 + 2 + 1: the last page is short
    assert "typeName=gebiedsindelingen:gemeente_gegeneraliseerd" in calls[0] and "/2026/wfs/" in calls[0]
    boundaries = geo.read_boundaries(2026, tmp_path)
    assert list(boundaries) == ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005"]
    assert boundaries["GM0001"].polygons[0][0][0] == (4.1, 52.0)
    sidecar = json.loads((tmp_path / "gemeente_2026.source.json").read_text(encoding="utf-8"))
    assert sidecar["areas"] == 5 and sidecar["url"] == calls[0]
    again = pdok.download_boundaries(2026, tmp_path, fetch=offline)
    assert again.status == "cached"  # the file in place: no network needed


def test_pdok_wijken_in_latitude_first_order_are_turned_round(tmp_path):
    features = [_feature("WK036300", "Centrum", 4.9, 52.37, lat_first=True),
                _feature("WK036301", "Westpoort", 4.8, 52.40, lat_first=True),
                _feature("WK051800", "Centrum", 4.3, 52.07, lat_first=True)]
    result = pdok.download_boundaries(2024, tmp_path, wijken=True, fetch=pdok_pages(features, []))
    assert result.path.name == "wijk_2024.geojson"
    wijken = geo.read_wijken("GM0363", tmp_path)
    assert list(wijken) == ["WK036300", "WK036301"]
    lon, lat = wijken["WK036300"].polygons[0][0][0]
    assert (lon, lat) == (4.9, 52.37)  # longitude first again


def test_a_pdok_answer_without_boundaries_is_not_kept(tmp_path):
    with pytest.raises(MissingDataError, match="geen gemeente met een CBS-code in de download"):
        pdok.download_boundaries(2026, tmp_path, fetch=pdok_pages([_feature("PV20", "Groningen", 6, 53)], []))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="wijken komen alleen van PDOK"):
        pdok.download_boundaries(2026, tmp_path, wijken=True, bron="cartomap")


# --- 2015 and before: not on PDOK's WFS; said plainly, never a trip to the network ------------------------

def no_network(url, timeout):
    pytest.fail(f"went to the network: {url}")


def test_2013_from_pdok_says_where_the_boundaries_come_from(tmp_path):
    with pytest.raises(MissingDataError) as caught:
        pdok.download_boundaries(2013, tmp_path / "geo", fetch=no_network)
    message = str(caught.value)
    assert message.startswith(f"Geen gemeentegrenzen van 2013 in {tmp_path / 'geo'}. De gemeentegrenzen van 2013 staan "
                              "niet in de downloaddienst (WFS) van PDOK die de werkbank gebruikt.")
    assert "van 1995 tot en met 2015 in een aparte, historische dataset" in message
    assert "`buitenbeeld grenzen --jaar 2013 --bron cartomap`" in message
    assert f"gemeente_2013.geojson of gemeente_2013.topojson van het CBS in {tmp_path / 'geo'}" in message
    assert "`buitenbeeld rapporten --grenzen MAP`" in message
    assert not (tmp_path / "geo").exists()


def test_2013_wijken_are_not_offered_from_cartomap(tmp_path):
    with pytest.raises(MissingDataError) as caught:
        pdok.download_boundaries(2013, tmp_path, wijken=True, fetch=no_network)
    message = str(caught.value)
    assert "De wijkgrenzen van 2013 staan niet in de downloaddienst (WFS) van PDOK" in message
    assert "cartomap" not in message
    assert "wijk_2013.geojson of wijk_2013.topojson van het CBS" in message


def test_a_2013_file_in_place_is_used_even_with_refresh(tmp_path):
    write_topology(tmp_path, 2013)
    assert pdok.download_boundaries(2013, tmp_path, fetch=no_network).status == "cached"
    again = pdok.download_boundaries(2013, tmp_path, refresh=True, fetch=no_network)
    assert again.status == "cached" and "opnieuw ophalen kan niet: de WFS van PDOK heeft geen grenzen van 2013" in again.message


def test_2013_from_the_cartomap_copy(tmp_path):
    calls = []
    payload = json.dumps(tiny_topology("gemeente_2013")).encode("utf-8")
    result = pdok.download_boundaries(2013, tmp_path, bron="cartomap", fetch=fake_fetch(payload, calls))
    assert calls == ["https://cartomap.github.io/nl/wgs84/gemeente_2013.topojson"]
    assert result.status == "downloaded" and result.path == tmp_path / "gemeente_2013.topojson"
    assert result.message.startswith("3 gemeentegebieden opgehaald van https://cartomap.github.io/")
    assert list(geo.read_boundaries(2013, tmp_path)) == ["GM0001", "GM0002", "GM0003"]


def test_a_missing_2013_file_points_to_cartomap_and_the_cbs_files(tmp_path):
    with pytest.raises(MissingDataError) as caught:
        geo.find_boundary_file(2013, tmp_path)
    message = str(caught.value)
    assert "staan niet in de downloaddienst (WFS) van PDOK" in message and "--jaar 2013 --bron cartomap" in message
    assert "buitenbeeld grenzen --jaar 2013`" not in message  # the PDOK command would not work


def test_cli_grenzen_2013_exits_2_in_dutch_without_a_traceback(tmp_path, monkeypatch, capsys):
    import urllib.request

    from buitenbeeld.cli import main
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("went to the network"))
    assert main(["grenzen", "--data", str(tmp_path), "--jaar", "2013"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("buitenbeeld: fout: Geen gemeentegrenzen van 2013 in ")
    assert "staan niet in de downloaddienst (WFS) van PDOK" in captured.err and "--bron cartomap" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_cli_grenzen_goes_on_with_2026_after_2013(tmp_path, monkeypatch, capsys):
    import urllib.request

    from buitenbeeld.cli import main
    write_topology(tmp_path / "raw" / "geo", 2026)
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("went to the network"))
    assert main(["grenzen", "--data", str(tmp_path), "--jaar", "2013", "--jaar", "2026"]) == 2
    captured = capsys.readouterr()
    assert "Geen gemeentegrenzen van 2013" in captured.err
    assert captured.out.startswith("Het grensbestand staat er al en wordt gebruikt:") and "gemeente_2026" in captured.out
    assert main(["grenzen", "--data", str(tmp_path)]) == 0  # the default: 2026, the layout of the reports
    assert "Geen gemeentegrenzen" not in capsys.readouterr().err


def test_cli_grenzen_wijken_from_cartomap_is_one_dutch_line(tmp_path, capsys):
    from buitenbeeld.cli import main
    assert main(["grenzen", "--data", str(tmp_path), "--wijken", "--bron", "cartomap"]) == 2
    assert capsys.readouterr().err == "buitenbeeld: fout: Wijkgrenzen komen alleen van PDOK: laat --bron cartomap weg.\n"
