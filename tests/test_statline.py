"""StatLine figures from recorded cbsodata output in CBS's real shape: categories by title, cache, offline, CLI.

Never the network: a fake cbsodata answers from tests/fixtures/statline (synthetic numbers, real shape).
"""
from __future__ import annotations

import copy
import json
import math
import re
import sys
from pathlib import Path

import pytest
import requests

from buitenbeeld.cli import main
from buitenbeeld.errors import BuitenbeeldError, MissingDataError
from buitenbeeld.ingest.statline import fetch_buiten_beeld
from buitenbeeld.ingest.statline_derive import (
    DEFAULT_TABLE,
    SERIES_BREAK_YEAR,
    TABLES,
    check_table,
    derive_buiten_beeld,
    plan_download,
    rounding_interval,
)

FIXTURES = Path(__file__).parent / "fixtures" / "statline"
TABLE = "86087NED"


def recorded(table: str) -> tuple[dict, list[dict]]:
    meta = json.loads((FIXTURES / f"{table}_meta.json").read_text(encoding="utf-8"))
    rows = json.loads((FIXTURES / f"{table}_data.json").read_text(encoding="utf-8"))
    return meta, rows


@pytest.fixture
def meta():
    return recorded(TABLE)[0]


@pytest.fixture
def rows():
    return recorded(TABLE)[1]


class FakeCbsodata:
    """cbsodata's get_meta/get_data answering from the recorded fixtures as StatLine would; counts the calls.

    ``get_data`` applies the OData filter (on category keys) and the select, and
    replaces keys by titles as cbsodata does. A table it has not got answers HTTP 404.
    """

    __version__ = "1.3.5"

    def __init__(self, *tables, offline=False):
        self.tables = {table: recorded(table) for table in tables}
        self.offline, self.calls = offline, []

    def _call(self, *args):
        self.calls.append(args)
        if self.offline:
            raise requests.ConnectionError("Max retries exceeded with url: /ODataApi/OData/86087NED")
        if args[1] not in self.tables:
            response = requests.Response()
            response.status_code = 404
            raise requests.HTTPError("404 Client Error: Not Found", response=response)

    def get_meta(self, table_id, name, catalog_url=None, **kwargs):
        self._call("meta", table_id, name)
        return copy.deepcopy(self.tables[table_id][0][name])

    def get_data(self, table_id, dir=None, typed=False, select=None, filters=None, catalog_url=None, **kwargs):
        self._call("data", table_id, filters, select)
        meta, rows = self.tables[table_id]
        groups = [dict(re.findall(r"(\w+) eq '([^']*)'", group)) for group in (filters or "").split(" or ")]
        titles = {(dimension, item["Key"]): item["Title"] for dimension in meta if dimension != "DataProperties"
                  for item in meta[dimension] if "Key" in item}
        kept = [row for row in rows if not filters or any(
            all(row[dim] == titles[(dim, key)] for dim, key in group.items()) for group in groups)]
        return [{k: v for k, v in row.items() if not select or k in select or k == "ID"} for row in copy.deepcopy(kept)]


def test_derived_count_share_and_interval_known_answer(meta, rows):
    gemeenten, nederland, problems = derive_buiten_beeld(TABLE, meta, rows)
    amsterdam = gemeenten.set_index(["gemeentecode", "jaar"]).loc[("GM0363", 2018)]
    assert (amsterdam["gemeentenaam"], amsterdam["jongeren_15_27"], amsterdam["buiten_beeld"]) == ("Amsterdam", 147300, 9900)
    assert amsterdam["aandeel_buiten_beeld"] == pytest.approx(9900 / 147300)  # 6.7%
    assert amsterdam["aandeel_laag"] == pytest.approx(9850 / 147350)
    assert amsterdam["aandeel_hoog"] == pytest.approx(9950 / 147250)
    assert sorted(set(gemeenten["gemeentecode"])) == ["GM0014", "GM0034", "GM0080", "GM0344", "GM0363", "GM0518",
                                                     "GM0983", "GM1942"]  # no province
    names = dict(zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"]))
    assert (names["GM0014"], names["GM0518"], names["GM0344"]) == ("Groningen", "'s-Gravenhage", "Utrecht")
    assert len(gemeenten) == 8 * 4 and problems == []
    assert list(nederland["jaar"]) == [2017, 2018, 2022, 2023]
    assert nederland.loc[1, "buiten_beeld"] == 115600
    assert nederland.loc[1, "aandeel_buiten_beeld"] == pytest.approx(115600 / 2583900)


def test_a_small_gemeente_share_says_how_uncertain_it_is(meta, rows):
    gemeenten = derive_buiten_beeld(TABLE, meta, rows)[0].set_index(["gemeentecode", "jaar"])
    gooise_meren = gemeenten.loc[("GM1942", 2018)]  # 300 of 9,100 young people, both rounded to hundreds
    assert gooise_meren["aandeel_buiten_beeld"] == pytest.approx(300 / 9100)  # 3.3%
    assert (gooise_meren["aandeel_laag"], gooise_meren["aandeel_hoog"]) == (pytest.approx(250 / 9150),
                                                                          pytest.approx(350 / 9050))  # 2.7% - 3.9%
    amsterdam = gemeenten.loc[("GM0363", 2018)]
    assert amsterdam["aandeel_hoog"] - amsterdam["aandeel_laag"] < \
        (gooise_meren["aandeel_hoog"] - gooise_meren["aandeel_laag"]) / 10


@pytest.mark.parametrize("count, total, margin, expected", [
    (300, 9100, 50, (250 / 9150, 350 / 9050)),
    (0, 1100, 50, (0.0, 50 / 1050)),  # clipped at 0
    (100, 100, 50, (50 / 150, 1.0)),  # at most 1
    (3500, 67900, 150, (3350 / 68050, 3650 / 67750)),  # a sum of three rounded parts
    (None, 1000, 50, (None, None)), (100, 0, 50, (None, None)), (float("nan"), 500, 50, (None, None)),
])
def test_rounding_interval_known_answers(count, total, margin, expected):
    low, high = rounding_interval(count, total, margin)
    assert (low, high) == ((pytest.approx(expected[0]), pytest.approx(expected[1])) if expected[0] is not None
                           else expected)


def test_before_2018_the_uwv_cells_are_unknown_and_the_break_is_marked(meta, rows):
    gemeenten = derive_buiten_beeld(TABLE, meta, rows)[0].set_index(["gemeentecode", "jaar"])
    leeuwarden = gemeenten.loc[("GM0080", 2017)]
    assert leeuwarden["jongeren_15_27"] == 19900  # the total is there
    assert math.isnan(leeuwarden["buiten_beeld"]) and leeuwarden["buiten_beeld_symbool"] == "."
    assert math.isnan(leeuwarden["aandeel_buiten_beeld"]) and math.isnan(leeuwarden["aandeel_laag"])  # never zero
    assert gemeenten.loc[("GM0080", 2017), "uwv_reeks"] == "t/m 2017"
    assert gemeenten.loc[("GM0080", 2018), "uwv_reeks"] == f"vanaf {SERIES_BREAK_YEAR}"
    assert list(gemeenten.xs("GM0080")["reeksbreuk_uwv"]) == [False, True, False, False]
    venlo = gemeenten.loc[("GM0983", 2022)]
    assert venlo["buiten_beeld_symbool"] == "." and math.isnan(venlo["buiten_beeld"])


def test_typed_none_cells_are_unknown_too():
    meta, rows = recorded("86223NED")  # this recording has None where CBS prints '.'
    assert any(row["Jongeren_1"] is None for row in rows)
    gemeenten, nederland, problems = derive_buiten_beeld("86223NED", meta, rows)
    assert math.isnan(nederland.set_index("jaar").loc[2017, "buiten_beeld"]) and problems == []
    assert gemeenten.set_index(["gemeentecode", "jaar"]).loc[("GM0363", 2022), "buiten_beeld"] == 9500


def test_provisional_years_are_marked(meta, rows):
    nederland = derive_buiten_beeld(TABLE, meta, rows)[1].set_index("jaar")
    assert nederland.loc[2023, "voorlopig"] and not nederland.loc[2022, "voorlopig"]  # "2023*", key 2023JJ00
    assert nederland.index.dtype.kind == "i"


def test_categories_are_chosen_by_their_real_titles(meta):
    categories = plan_download(TABLE, meta)["categories"]
    assert {role: (c["doel"], c["totaal"]) for role, c in categories.items()} == {
        "onderwijs": ("A048584", "T001040"),  # "Niet onderwijsvolgend", "Totaal "
        "arbeid": ("A048588", "T001097"),  # "Arb.pos.: niet-werkzame bevolking", not "...werkzame beroepsbevolking"
        "uitkering": ("A048590", "T001458"),  # "Zonder uitkering", "Totaal met of zonder uitkering"
        "uwv": ("A048592", "T001459"),  # "Niet geregistreerd werkzoekende bij UWV", not "Geregistreerd ..."
    }


def test_the_old_dimension_names_work_too():
    meta, rows = recorded("84455NED")  # Onderwijsdeelname, Kenmerken arbeid, Ingeschreven UWV werkbedrijf
    categories = plan_download("84455NED", meta)["categories"]
    assert {role: c["dimensie"] for role, c in categories.items()} == {
        "onderwijs": "Onderwijsdeelname", "arbeid": "KenmerkenArbeid", "uitkering": "Uitkering",
        "uwv": "IngeschrevenUWVWerkbedrijf"}
    assert (categories["arbeid"]["doel"], categories["uwv"]["doel"]) == ("A025258", "A025262")
    gemeenten, nederland, problems = derive_buiten_beeld("84455NED", meta, rows)
    assert list(nederland["buiten_beeld"]) == [128700, 124300] and list(nederland["voorlopig"]) == [False, True]
    assert set(nederland["uwv_reeks"]) == {"t/m 2017"} and problems == []
    assert "GM0017" in set(gemeenten["gemeentecode"])  # Haren: its own gemeente in the 2018 layout


def test_a_changed_title_fails_naming_the_titles_found(meta, rows):
    for item in meta["Arbeidskenmerken"]:
        if item["Title"] == "Arb.pos.: niet-werkzame bevolking":
            item["Title"] = "Arb.pos.: overig"
    with pytest.raises(BuitenbeeldError, match=r"In dimensie 'Arbeidskenmerken' past geen enkele categorie.*"
                                               r"'Arb\.pos\.: werkzame beroepsbevolking'.*'Arb\.pos\.: overig'"):
        derive_buiten_beeld(TABLE, meta, rows)


def test_two_matching_titles_fail_too(meta, rows):
    meta["GeregistreerdWerkzoekendeBijUWV"].append({"Key": "A099999", "Title": "Niet geregistreerd bij UWV",
                                                    "Description": None, "CategoryGroupID": None})
    with pytest.raises(BuitenbeeldError, match=r"past 2 categorieën.*'Niet geregistreerd bij UWV'"):
        derive_buiten_beeld(TABLE, meta, rows)


def test_82252NED_cannot_give_buiten_beeld():
    assert "82252NED" not in TABLES
    with pytest.raises(MissingDataError, match=r"82252NED .*kan geen jongeren buiten beeld geven.*UWV"):
        check_table("82252NED")
    meta, rows = recorded("82252NED")  # two dimensions, work status as topics
    with pytest.raises(MissingDataError, match=r"82252NED .*kan geen jongeren buiten beeld geven"):
        derive_buiten_beeld("82252NED", meta, rows)
    with pytest.raises(MissingDataError, match=r"tabel 99999NED kan geen jongeren buiten beeld geven.*ontbreken"):
        derive_buiten_beeld("99999NED", meta, rows)


def test_download_is_cached_with_its_query_and_reused(tmp_path):
    client = FakeCbsodata(TABLE)
    first = fetch_buiten_beeld(TABLE, data_dir=tmp_path, client=client)
    assert first.status == "download" and first.notes == []
    assert first.cache_file.parent == tmp_path / "raw" / "cbs" and TABLE in first.cache_file.name
    sidecar = json.loads(first.cache_file.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["tabel"] == TABLE and sidecar["cbsodata"] == "1.3.5" and sidecar["gedownload"]
    assert sidecar["titel"] == "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio (indeling 2024)"
    assert sidecar["synthetisch"] is False and not first.synthetic
    assert "Onderwijsvolgend eq 'A048584'" in sidecar["filters"] and "Jongeren_1" in sidecar["select"]
    assert sidecar["rijen"] == 80  # the two combinations only: StatLine applied the filter
    data_call = next(c for c in client.calls if c[0] == "data")
    assert data_call[2] == sidecar["filters"]
    again = fetch_buiten_beeld(TABLE, data_dir=tmp_path, client=FakeCbsodata(TABLE, offline=True))
    assert again.status == "cache"
    assert again.gemeenten.equals(first.gemeenten)


def test_offline_refresh_uses_the_cache_and_says_so(tmp_path):
    fetch_buiten_beeld(TABLE, cache_dir=tmp_path, client=FakeCbsodata(TABLE))
    with pytest.warns(UserWarning, match=r"kon niet worden gedownload.*eerdere download van"):
        result = fetch_buiten_beeld(TABLE, cache_dir=tmp_path, refresh=True, client=FakeCbsodata(TABLE, offline=True))
    assert result.status == "cache (offline)" and "eerdere download" in result.notes[0]
    assert result.nederland.set_index("jaar").loc[2018, "buiten_beeld"] == 115600


def test_offline_without_cache_says_how_to_get_the_data(tmp_path):
    with pytest.raises(MissingDataError, match=r"Kon StatLine-tabel 86087NED niet downloaden.*Maak verbinding"):
        fetch_buiten_beeld(TABLE, cache_dir=tmp_path, client=FakeCbsodata(TABLE, offline=True))


def test_the_default_is_86223NED_and_falls_back_to_86087NED(tmp_path):
    newest = fetch_buiten_beeld(cache_dir=tmp_path / "a", client=FakeCbsodata("86223NED", TABLE))
    assert DEFAULT_TABLE == "86223NED" and newest.table_id == "86223NED" and newest.notes == []
    fallback = fetch_buiten_beeld(cache_dir=tmp_path / "b", client=FakeCbsodata(TABLE))  # StatLine has no 86223NED
    assert fallback.table_id == TABLE and "geen tabel 86223NED" in fallback.notes[0]


def test_the_default_offline_uses_an_earlier_fallback_download(tmp_path):
    fetch_buiten_beeld(TABLE, cache_dir=tmp_path, client=FakeCbsodata(TABLE))
    with pytest.warns(UserWarning, match="eerdere download van 86087NED"):
        result = fetch_buiten_beeld(cache_dir=tmp_path, client=FakeCbsodata(TABLE, offline=True))
    assert result.table_id == TABLE and result.status == "cache"
    with pytest.raises(MissingDataError, match=r"86223NED.*86087NED.*'buitenbeeld cbs'"):
        fetch_buiten_beeld(cache_dir=tmp_path / "leeg", client=FakeCbsodata(TABLE, offline=True))


def test_cbsodata_is_imported_only_for_a_download():
    import subprocess

    code = ("import sys, buitenbeeld.ingest.statline, buitenbeeld.ingest.statline_series, buitenbeeld.ingest.cbs; "
            "print('cbsodata' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_missing_cbsodata_without_cache_is_a_missing_data_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cbsodata", None)  # import fails
    with pytest.raises(MissingDataError, match=r"pip install cbsodata"):
        fetch_buiten_beeld(TABLE, cache_dir=tmp_path)


def test_an_unknown_table_is_not_called_offline(tmp_path):
    with pytest.raises(BuitenbeeldError, match="Onbekende StatLine-tabel '99999NED'.*86223NED.*86087NED"):
        fetch_buiten_beeld("99999NED", cache_dir=tmp_path, client=FakeCbsodata(TABLE))
    with pytest.raises(BuitenbeeldError, match="StatLine heeft geen tabel 86223NED \\(HTTP 404\\)") as info:
        fetch_buiten_beeld("86223NED", cache_dir=tmp_path, client=FakeCbsodata(TABLE))
    assert "internet" not in str(info.value)


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("table", ["86087NED", "86223NED"])
def test_cbs_command_gives_counts_from_2018_on(table, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cbsodata", FakeCbsodata("86087NED", "86223NED"))
    assert main(["cbs", "--tabel", table, "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"StatLine-tabel {table}" in out and "gedownload" in out and "8 gemeenten, jaren 2017-2023" in out
    assert "Jongeren buiten beeld vanaf 2018" in out
    lines = [line.split() for line in out.splitlines() if re.match(r"\s+20\d\d\*?\s", line)]
    assert [line[0] for line in lines] == ["2018", "2022", "2023*"]  # not 2017: no UWV registration then
    assert lines[0][1:4] == ["2.583.900", "115.600", "4,5%"]
    assert "* voorlopig cijfer" in out and "Bestand:" in out
    assert (tmp_path / "raw" / "cbs").is_dir()


def test_cbs_command_without_table_falls_back_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cbsodata", FakeCbsodata("86087NED"))
    assert main(["cbs", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("StatLine heeft (nog) geen tabel 86223NED; de cijfers komen uit 86087NED.")


def test_cbs_command_refuses_82252NED_in_dutch(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cbsodata", FakeCbsodata("82252NED"))
    assert main(["cbs", "--tabel", "82252NED", "--data", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "Tabel 82252NED (gemeentelijke indeling 2013) kan geen jongeren buiten beeld geven" in captured.err
    assert "Traceback" not in captured.out + captured.err and not (tmp_path / "raw" / "cbs").exists()
