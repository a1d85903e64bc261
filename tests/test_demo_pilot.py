"""Tests of the synthetic pilot demo data and of the committed demo pilot files."""
from __future__ import annotations

from pathlib import Path

import pytest

from buitenbeeld.analysis.journeys import build_journeys, count_funnel
from buitenbeeld.common.readers import is_synthetic
from buitenbeeld.demo.interviews import DEMO_SEED, read_workbook_values
from buitenbeeld.demo.pilots import PILOT_DEMO, pilot_contents, write_pilot_demo
from buitenbeeld.ingest.interviews import read_interviews
from buitenbeeld.ingest.pilot import read_pilot
from buitenbeeld.privacy.gate import find_identifiers

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return write_pilot_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def results(written):
    return {path.stem: read_pilot(path) for path in written}


def test_regenerating_gives_identical_files(written, tmp_path):
    again = write_pilot_demo(tmp_path)
    assert [p.name for p in again] == ["pilot_den_haag.xlsx", "pilot_venlo.xlsx", "pilot_leeuwarden.xlsx"]
    for first, second in zip(written, again):
        assert first.read_bytes() == second.read_bytes()
    assert pilot_contents() == pilot_contents(DEMO_SEED) != pilot_contents(DEMO_SEED + 1)


def test_committed_files_match_the_generator(written):
    for path in written:
        committed = DEMO_DIR / "pilots" / path.name
        assert committed.is_file(), f"{committed} missing: regenerate the demo data"
        assert committed.read_bytes() == path.read_bytes(), f"{committed} differs from the generator"


def test_files_are_marked_synthetic_and_pass_the_privacy_gate(written):
    for path in written:
        assert is_synthetic(path)
        assert find_identifiers(path) == []


def test_files_load_without_rejects(results):
    for result in results.values():
        assert result.rejects.empty and result.problems.empty
        assert (result.sheets["read"] == result.sheets["loaded"]).all()
        assert result.synthetic


def test_sizes_and_gemeenten(results):
    for code, slug, _, (scouts_low, scouts_high), (youth_low, youth_high) in PILOT_DEMO:
        result = results[f"pilot_{slug}"]
        assert set(result.contacten["gemeentecode"]) == {code} == set(result.scouts["gemeentecode"])
        assert 6 <= scouts_low <= len(result.scouts) <= scouts_high <= 12
        young = result.contacten["jongere_id"].nunique()
        assert 60 <= youth_low <= young <= youth_high <= 200
        assert result.contacten["datum"].between("2017-03-01", "2018-12-31").all()


def test_journeys_are_plausible(results):
    for name, result in results.items():
        journeys = build_journeys(result.contacten)
        assert journeys["teruggevallen"].sum() > 0 and journeys["heractiveerd"].sum() > 0, name
        assert journeys["gestopt"].sum() > 0 and (~journeys["geactiveerd"]).sum() > 0, name
        assert set(journeys["warme_overdracht"]) >= {"ja", "nee"}
        assert journeys["leefgebieden"].map(len).sum() > 0
        funnel = count_funnel(result.contacten)["jongeren"].tolist()
        assert funnel == sorted(funnel, reverse=True) and funnel[-1] > 0


def test_organisations_come_from_the_demo_sociale_kaart(results):
    for _, slug, *_ in PILOT_DEMO:
        kaart = read_interviews(DEMO_DIR / "interviews" / f"sociale_kaart_{slug}.xlsx").organisaties
        informal = set(kaart.loc[kaart["type"] != "formeel", "organisatie_id"])
        result = results[f"pilot_{slug}"]
        ids = set(result.scouts["organisatie_id"].dropna()) | set(result.contacten["organisatie_id"].dropna())
        assert ids and ids <= informal, slug


def test_written_content_round_trips(written):
    contents = pilot_contents()
    for path in written:
        assert read_workbook_values(path) == contents[f"pilots/{path.name}"]
