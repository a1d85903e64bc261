"""The crosswalk 2013 -> 2026: known mergers and splits, and figures converted with it."""
from __future__ import annotations

import csv
import math
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pandas as pd
import pytest
from conftest import REPO, SHARED

from buitenbeeld.errors import UnknownGemeenteError
from buitenbeeld.reference.crosswalk import MERGED, SPLIT, UNCHANGED, convert_to_2026, load_crosswalk, predecessors, successors
from buitenbeeld.reference.gemeenten import list_gemeenten

GEO = SHARED / "data" / "geo"
CSV = REPO / "lib" / "buitenbeeld" / "data" / "crosswalk_2013_2026.csv"


def codes(year: int) -> dict[str, str]:
    return dict(list_gemeenten(year).to_numpy().tolist())


def targets(code_2013: str) -> dict[str, float]:
    return {link.code_2026: link.aandeel for link in successors(code_2013)}


def test_every_2013_gemeente_is_shared_out_exactly_once():
    crosswalk = load_crosswalk()
    assert set(crosswalk["code_2013"]) == set(codes(2013))
    with CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    totals = defaultdict(Decimal)
    for row in rows:
        assert Decimal(row["aandeel"]) > 0
        totals[row["code_2013"]] += Decimal(row["aandeel"])
    assert set(totals.values()) == {Decimal("1")}


@pytest.mark.skipif(not GEO.is_dir(), reason="../shared/data/geo is not beside the repository")
def test_the_2013_list_of_the_source_is_covered():
    with (GEO / "gemeenten_2013.csv").open(encoding="utf-8", newline="") as f:
        source = {r["gemeentecode"] for r in csv.DictReader(f)}
    assert source == set(load_crosswalk()["code_2013"])


def test_codes_and_names_are_those_of_the_cbs_lists():
    crosswalk = load_crosswalk()
    old, new = codes(2013), codes(2026)
    assert all(new[c] == n for c, n in zip(crosswalk["code_2026"], crosswalk["naam_2026"]))
    assert all(old[c] == n for c, n in zip(crosswalk["code_2013"], crosswalk["naam_2013"]))
    assert set(crosswalk["code_2026"]) == set(new)  # every 2026 gemeente has a predecessor
    assert set(crosswalk["soort"]) == {UNCHANGED, MERGED, SPLIT}


def test_codes_that_still_exist_map_to_themselves():
    old, new = codes(2013), codes(2026)
    both = set(old) & set(new)
    assert len(both) == 319
    for code in both:
        assert targets(code) == {code: 1.0}
    assert {link.soort for code in both for link in successors(code)} == {UNCHANGED}


def test_gooise_meren_is_bussum_muiden_and_naarden():
    links = predecessors("GM1942")
    assert [(link.code_2013, link.naam_2013, link.aandeel, link.soort) for link in links] == [
        ("GM0381", "Bussum", 1.0, MERGED), ("GM0424", "Muiden", 1.0, MERGED), ("GM0425", "Naarden", 1.0, MERGED)]
    assert all(link.exact for link in links)
    assert [link.code_2013 for link in predecessors("Amsterdam")] == ["GM0363", "GM0457"]  # Weesp, 2022


def test_known_splits_are_split_by_area():
    # Haaren (2021): Haaren -> Oisterwijk, Helvoirt -> Vught, Biezenmortel -> Tilburg, Esch -> Boxtel
    assert set(targets("GM0788")) == {"GM0824", "GM0865", "GM0855", "GM0757"}
    # Littenseradiel (2018): Leeuwarden, Súdwest-Fryslân, Waadhoeke
    assert set(targets("GM0140")) == {"GM0080", "GM1900", "GM1949"}
    # Maasdonk (2015): Nuland and Vinkel -> 's-Hertogenbosch, Geffen -> Oss
    assert set(targets("GM1671")) == {"GM0796", "GM0828"}
    assert 0.6 < targets("GM1671")["GM0796"] < 0.8
    split = load_crosswalk().query("soort == @SPLIT")
    assert sorted(set(split["code_2013"])) == ["GM0053", "GM0055", "GM0140", "GM0788", "GM1671"]
    assert not any(link.exact for link in successors("GM0788"))


def test_mergers_are_whole():
    merged = load_crosswalk().query("soort == @MERGED")
    assert len(merged) == merged["code_2013"].nunique() == 84
    assert (merged["aandeel"] == 1.0).all()
    assert targets("GM0457") == {"GM0363": 1.0}  # Weesp -> Amsterdam
    assert targets("GM0040") == {"GM1952": 1.0}  # Slochteren -> Midden-Groningen (Meerstad part ignored)


def test_predecessors_of_an_unknown_gemeente():
    with pytest.raises(UnknownGemeenteError):
        predecessors("GM0381")  # Bussum is no 2026 gemeente


@pytest.mark.skipif(not GEO.is_dir(), reason="../shared/data/geo is not beside the repository")
def test_generator_script_reproduces_the_committed_file(tmp_path):
    pytest.importorskip("shapely")
    out = tmp_path / "crosswalk.csv"
    subprocess.run([sys.executable, str(REPO / "scripts/build_crosswalk.py"), str(GEO), str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == CSV.read_bytes()


# --- converting figures ---------------------------------------------------------------------------

def gooi(bussum, muiden, naarden, symbols=(None, None, None)) -> pd.DataFrame:
    return pd.DataFrame({"gemeentecode": ["GM0381", "GM0424", "GM0425"],
                         "gemeentenaam": ["Bussum", "Muiden", "Naarden"],
                         "buiten_beeld": [bussum, muiden, naarden],
                         "buiten_beeld_symbool": list(symbols)})


def test_gooise_meren_sums_its_parts():
    result = convert_to_2026(gooi(120.0, 30.0, 50.0), ["buiten_beeld"])
    assert result.to_dict("records") == [{
        "gemeentecode": "GM1942", "gemeentenaam": "Gooise Meren", "buiten_beeld": 200.0,
        "buiten_beeld_symbool": None, "buiten_beeld_toelichting": None, "geschat": False,
        "voorgangers": "GM0381, GM0424, GM0425"}]


def test_a_missing_part_makes_the_whole_missing():
    result = convert_to_2026(gooi(120.0, None, 50.0, (None, "x", None)), ["buiten_beeld"]).iloc[0]
    assert math.isnan(result["buiten_beeld"])
    assert result["buiten_beeld_symbool"] == "x"
    assert "Muiden (GM0424)" in result["buiten_beeld_toelichting"] and "geheim" in result["buiten_beeld_toelichting"]
    mixed = convert_to_2026(gooi(None, None, 50.0, (".", "x", None)), ["buiten_beeld"]).iloc[0]
    assert mixed["buiten_beeld_symbool"] == "."


def test_a_part_absent_from_the_table_makes_the_whole_missing():
    result = convert_to_2026(gooi(120.0, 30.0, 50.0).drop(index=1), ["buiten_beeld"]).iloc[0]
    assert math.isnan(result["buiten_beeld"])
    assert result["buiten_beeld_toelichting"] == "niet in de tabel: Muiden (GM0424)"


def test_nil_everywhere_stays_nil():
    result = convert_to_2026(gooi(0.0, 0.0, 0.0, ("-", "-", "-")), ["buiten_beeld"]).iloc[0]
    assert (result["buiten_beeld"], result["buiten_beeld_symbool"]) == (0.0, "-")


def test_a_split_gemeente_is_shared_out_and_flagged():
    table = pd.DataFrame({"gemeentecode": ["GM0788", "GM0865"], "n": [1000.0, 2000.0]})
    result = convert_to_2026(table, ["n"]).set_index("gemeentecode")
    share = targets("GM0788")["GM0865"]
    assert result.loc["GM0865", "n"] == pytest.approx(2000 + 1000 * share)
    assert result.loc["GM0865", "geschat"]
    assert result.loc["GM0865", "voorgangers"] == "GM0788, GM0865"
    # Boxtel, Oisterwijk and Tilburg lack their own 2013 row: unknown
    assert result["n"].isna().sum() == 3


def test_a_full_table_keeps_the_national_total():
    old = list_gemeenten(2013)
    table = pd.DataFrame({"gemeentecode": old["gemeentecode"], "n": [float(i % 97) for i in range(len(old))]})
    result = convert_to_2026(table, ["n"])
    assert len(result) == 342 and result["n"].notna().all()
    assert result["n"].sum() == pytest.approx(table["n"].sum())
    assert sorted(result.loc[result["geschat"], "gemeentecode"]) == sorted(
        load_crosswalk().query("soort == @SPLIT")["code_2026"].unique())


def test_codes_outside_the_2013_layout_are_refused():
    with pytest.raises(UnknownGemeenteError, match="GM1942"):
        convert_to_2026(pd.DataFrame({"gemeentecode": ["GM1942"], "n": [1.0]}), ["n"])
    with pytest.raises(ValueError, match="GM0381"):
        convert_to_2026(pd.DataFrame({"gemeentecode": ["GM0381", "GM0381"], "n": [1.0, 2.0]}), ["n"])


def test_each_year_is_converted_on_its_own():
    table = pd.concat([gooi(120.0, 30.0, 50.0).assign(jaar=2013),
                       gooi(100.0, None, 40.0, (None, ".", None)).assign(jaar=2014)])
    result = convert_to_2026(table, ["buiten_beeld"], by=["jaar"])
    assert list(result.columns[:3]) == ["jaar", "gemeentecode", "gemeentenaam"]
    assert result["jaar"].tolist() == [2013, 2014]
    assert result["buiten_beeld"].iloc[0] == 200.0 and math.isnan(result["buiten_beeld"].iloc[1])


def test_a_rejected_part_is_named_as_rejected_not_as_absent():
    table = gooi(120.0, 30.0, 50.0).drop(index=1)  # Muiden's row was in the source table but rejected
    result = convert_to_2026(table, ["buiten_beeld"], rejected=["GM0424"]).iloc[0]
    assert math.isnan(result["buiten_beeld"]) and result["buiten_beeld_symbool"] == "."
    assert result["buiten_beeld_toelichting"] == "rij afgekeurd: Muiden (GM0424)"
    both = convert_to_2026(gooi(120.0, 30.0, 50.0).drop(index=[1, 2]), ["buiten_beeld"], rejected={"gm0424": 5}).iloc[0]
    assert both["buiten_beeld_toelichting"] == "niet in de tabel: Naarden (GM0425); rij afgekeurd: Muiden (GM0424)"
