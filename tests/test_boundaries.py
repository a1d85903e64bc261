"""The gemeente boundaries shipped with the package: maps on a fresh clone, without a download."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, SHARED

from buitenbeeld.errors import MissingDataError
from buitenbeeld.reference import geo
from buitenbeeld.reference.gemeenten import list_gemeenten

GEO = SHARED / "data" / "geo"
needs_shared = pytest.mark.skipif(not GEO.is_dir(), reason="../shared/data/geo is not beside the repository")
FILES = ("gemeente_2013.topojson", "gemeente_2026.topojson", "SOURCE.md")


def test_the_package_ships_both_years_with_their_source_and_licence():
    assert geo.PACKAGED_GEO == REPO / "lib" / "buitenbeeld" / "data" / "grenzen"
    assert sorted(p.name for p in geo.PACKAGED_GEO.iterdir()) == sorted(FILES)
    assert sum((geo.PACKAGED_GEO / name).stat().st_size for name in FILES[:2]) < 300_000  # generalised, small
    note = (geo.PACKAGED_GEO / "SOURCE.md").read_text(encoding="utf-8")
    assert "CBS" in note and "Kadaster" in note and "CC BY 4.0" in note and "cartomap/nl" in note
    assert "scripts/build_boundaries.py" in note


@pytest.mark.parametrize("year", [2013, 2026])
def test_the_packaged_boundaries_are_every_gemeente_of_the_year(year):
    boundaries = geo.read_boundaries(year, geo.PACKAGED_GEO)
    assert list(boundaries) == sorted(list_gemeenten(year)["gemeentecode"])
    assert boundaries["GM0983"].naam == "Venlo"


def test_with_no_boundary_folder_anywhere_the_packaged_ones_are_read(tmp_path, monkeypatch):
    import buitenbeeld.settings as settings

    monkeypatch.setattr(settings, "DEFAULT_DATA_DIR", tmp_path / "data")  # the project's data/ has no raw/geo either
    assert not geo.geo_dir().exists()
    assert geo.find_boundary_file(2026) == geo.PACKAGED_GEO / "gemeente_2026.topojson"
    assert len(geo.read_boundaries(2026)) == 342
    assert len(geo.read_boundaries(2013, geo.geo_dir(tmp_path / "elders"))) == 408  # any data folder's raw/geo


def test_a_file_of_ones_own_in_raw_geo_wins(tmp_path):
    from test_geo import write_topology

    folder = geo.geo_dir(tmp_path)
    write_topology(folder, 2026)
    assert list(geo.read_boundaries(2026, folder)) == ["GM0001", "GM0002", "GM0003"]
    assert len(geo.read_boundaries(2013, folder)) == 408  # the year it does not have: the packaged one


def test_a_folder_named_on_purpose_is_taken_at_its_word(tmp_path):
    with pytest.raises(MissingDataError, match="Geen gemeentegrenzen van 2026"):
        geo.read_boundaries(2026, tmp_path / "mijn-grenzen")
    with pytest.raises(MissingDataError):  # a year the package does not ship
        geo.read_boundaries(2020, geo.geo_dir(tmp_path))


def test_report_maps_draw_the_national_map_without_any_boundary_file(data_dir):
    from buitenbeeld.publish.report import load_report_data, report_maps

    assert not geo.geo_dir(data_dir).exists()
    maps = report_maps(load_report_data("Venlo", 2013, data_dir), None, data_dir)
    assert maps.land is not None and maps.land_note is None
    assert "Venlo" in maps.land.svg and "CBS, Kadaster (CC BY 4.0)" in maps.land.svg


def test_the_files_are_in_the_installed_package(tmp_path):
    """What setuptools puts in a wheel or an install: build_py with the project's package-data patterns."""
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert any(Path("data/grenzen/gemeente_2026.topojson").match(p) for p in patterns["buitenbeeld"])
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "lib", tmp_path / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                    "--build-lib", str(tmp_path / "out")], cwd=tmp_path, check=True, capture_output=True, timeout=300)
    built = tmp_path / "out" / "buitenbeeld" / "data" / "grenzen"
    assert sorted(p.name for p in built.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (built / name).read_bytes() == (geo.PACKAGED_GEO / name).read_bytes(), name


@needs_shared
def test_the_package_files_are_what_the_script_builds_from_shared(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_boundaries.py"), str(GEO), str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (geo.PACKAGED_GEO / name).read_bytes(), name


@needs_shared
@pytest.mark.parametrize("year", [2013, 2026])
def test_the_packaged_geometry_is_the_source_geometry(year):
    source = geo.read_boundaries(year, GEO)
    packaged = geo.read_boundaries(year, geo.PACKAGED_GEO)
    assert {c: (b.naam, b.polygons) for c, b in source.items()} == {c: (b.naam, b.polygons) for c, b in packaged.items()}
    kept = json.loads((geo.PACKAGED_GEO / f"gemeente_{year}.topojson").read_bytes())
    assert {tuple(g["properties"]) for g in kept["objects"][f"gemeente_{year}"]["geometries"]} == {("statcode", "statnaam")}
