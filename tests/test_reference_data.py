"""The package's gemeente lists are exactly the CBS lists they were generated from."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from conftest import REPO, SHARED

from buitenbeeld.reference.gemeenten import list_gemeenten

GEO = SHARED / "data" / "geo"


@pytest.mark.skipif(not GEO.is_dir(), reason="../shared/data/geo is not beside the repository")
@pytest.mark.parametrize("year", [2013, 2026])
def test_package_lists_match_the_cbs_source(year):
    with (GEO / f"gemeenten_{year}.csv").open(encoding="utf-8", newline="") as f:
        source = sorted((r["gemeentecode"], r["gemeentenaam"]) for r in csv.DictReader(f))
    assert list(map(tuple, list_gemeenten(year).to_numpy().tolist())) == source


@pytest.mark.skipif(not GEO.is_dir(), reason="../shared/data/geo is not beside the repository")
def test_generator_script_reproduces_the_committed_files(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts/build_reference_data.py"), str(GEO), str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("gemeenten_2013.csv", "gemeenten_2026.csv", "SOURCE.md"):
        assert (tmp_path / name).read_bytes() == (REPO / "lib/buitenbeeld/data" / name).read_bytes(), name


def test_source_and_licence_are_noted_beside_the_data():
    note = (REPO / "lib/buitenbeeld/data/SOURCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in note and "CBS" in note and "build_reference_data.py" in note
