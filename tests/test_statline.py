"""StatLine figures from recorded cbsodata output: categories by title, cache, offline, never the network."""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
import requests

from buitenbeeld.errors import BuitenbeeldError, MissingDataError
from buitenbeeld.ingest.statline import SERIES_BREAK_YEAR, derive_buiten_beeld, fetch_buiten_beeld

FIXTURES = Path(__file__).parent / "fixtures" / "statline"
TABLE = "86087NED"


@pytest.fixture
def meta():
    return json.loads((FIXTURES / f"{TABLE}_meta.json").read_text(encoding="utf-8"))


@pytest.fixture
def rows():
    return json.loads((FIXTURES / f"{TABLE}_data.json").read_text(encoding="utf-8"))


class FakeCbsodata:
    """cbsodata's get_meta/get_data answering from the recorded fixtures; counts the calls."""

    __version__ = "1.3.5"

    def __init__(self, meta, rows, offline=False):
        self.meta, self.rows, self.offline, self.calls = meta, rows, offline, []

    def _call(self, *args):
        self.calls.append(args)
        if self.offline:
            raise requests.ConnectionError("Max retries exceeded with url: /ODataApi/OData/86087NED")

    def get_meta(self, table_id, name, catalog_url=None, **kwargs):
        self._call("meta", table_id, name)
        return copy.deepcopy(self.meta[name])

    def get_data(self, table_id, dir=None, typed=False, select=None, filters=None, catalog_url=None, **kwargs):
        self._call("data", table_id, filters, select)
        return copy.deepcopy(self.rows)


def test_derived_count_and_share_known_answer(meta, rows):
    gemeenten, nederland, problems = derive_buiten_beeld(TABLE, meta, rows)
    amsterdam = gemeenten.set_index(["gemeentecode", "jaar"]).loc[("GM0363", 2017)]
    assert (amsterdam["gemeentenaam"], amsterdam["jongeren_15_27"], amsterdam["buiten_beeld"]) == ("Amsterdam", 145200, 9870)
    assert amsterdam["aandeel_buiten_beeld"] == pytest.approx(9870 / 145200)  # 6.8%
    assert sorted(set(gemeenten["gemeentecode"])) == ["GM0080", "GM0363", "GM0983", "GM1942"]  # no province
    assert len(gemeenten) == 8 and problems == []
    assert list(nederland["buiten_beeld"]) == [124300, 115600]
    assert nederland.loc[0, "aandeel_buiten_beeld"] == pytest.approx(124300 / 2561400)


def test_series_break_and_symbols_are_marked(meta, rows):
    gemeenten = derive_buiten_beeld(TABLE, meta, rows)[0].set_index(["gemeentecode", "jaar"])
    assert gemeenten.loc[("GM0363", 2017), "uwv_reeks"] == "t/m 2017"
    assert gemeenten.loc[("GM0363", 2018), "uwv_reeks"] == f"vanaf {SERIES_BREAK_YEAR}"
    assert list(gemeenten.xs("GM0363")["reeksbreuk_uwv"]) == [False, True]
    venlo = gemeenten.loc[("GM0983", 2018)]
    assert venlo["buiten_beeld_symbool"] == "." and math.isnan(venlo["buiten_beeld"])
    assert math.isnan(venlo["aandeel_buiten_beeld"])  # unknown, never zero


def test_categories_are_chosen_by_title_in_another_layout(meta, rows):
    # an older layout words the categories differently and uses other keys
    renames = {"Niet werkzaam": "Geen werkzame beroepsbevolking", "Niet geregistreerd bij UWV": "Niet geregistreerd"}
    for name in ("Arbeidskenmerken", "GeregistreerdWerkzoekendeUWV"):
        for item in meta[name]:
            item["Key"] = "X" + item["Key"]
            item["Title"] = renames.get(item["Title"], item["Title"])
    for row in rows:
        for name in ("Arbeidskenmerken", "GeregistreerdWerkzoekendeUWV"):
            row[name] = renames.get(row[name], row[name])
    gemeenten = derive_buiten_beeld("82252NED", meta, rows)[0]
    assert gemeenten.set_index(["gemeentecode", "jaar"]).loc[("GM0080", 2018), "buiten_beeld"] == 1180


def test_an_unmatched_category_names_the_titles(meta, rows):
    meta["Uitkering"] = [i for i in meta["Uitkering"] if i["Title"] != "Geen uitkering"]
    with pytest.raises(BuitenbeeldError, match=r"no category of dimension 'Uitkering'.*'Met uitkering'"):
        derive_buiten_beeld(TABLE, meta, rows)


def test_download_is_cached_with_its_query_and_reused(meta, rows, tmp_path):
    client = FakeCbsodata(meta, rows)
    first = fetch_buiten_beeld(TABLE, data_dir=tmp_path, client=client)
    assert first.status == "download"
    assert first.cache_file.parent == tmp_path / "raw" / "cbs" and TABLE in first.cache_file.name
    sidecar = json.loads(first.cache_file.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["tabel"] == TABLE and sidecar["cbsodata"] == "1.3.5" and sidecar["gedownload"]
    assert "Onderwijsvolgend eq 'A028541'" in sidecar["filters"] and "Jongeren_1" in sidecar["select"]
    data_call = next(c for c in client.calls if c[0] == "data")
    assert data_call[2] == sidecar["filters"]
    again = fetch_buiten_beeld(TABLE, data_dir=tmp_path, client=FakeCbsodata(meta, rows, offline=True))
    assert again.status == "cache"
    assert again.gemeenten.equals(first.gemeenten)


def test_offline_refresh_uses_the_cache_and_says_so(meta, rows, tmp_path):
    fetch_buiten_beeld(TABLE, cache_dir=tmp_path, client=FakeCbsodata(meta, rows))
    with pytest.warns(UserWarning, match=r"could not be downloaded.*using the download of"):
        result = fetch_buiten_beeld(TABLE, cache_dir=tmp_path, refresh=True, client=FakeCbsodata(meta, rows, offline=True))
    assert result.status == "cache (offline)"
    assert result.gemeenten.loc[0, "buiten_beeld"] == 1230


def test_offline_without_cache_says_how_to_get_the_data(meta, rows, tmp_path):
    with pytest.raises(MissingDataError, match=r"Could not download StatLine table 86087NED.*Connect to the internet"):
        fetch_buiten_beeld(TABLE, cache_dir=tmp_path, client=FakeCbsodata(meta, rows, offline=True))


def test_cbsodata_is_imported_only_for_a_download():
    import subprocess
    import sys

    code = "import sys, buitenbeeld.ingest.statline, buitenbeeld.ingest.cbs; print('cbsodata' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_missing_cbsodata_without_cache_is_a_missing_data_error(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "cbsodata", None)  # import fails
    with pytest.raises(MissingDataError, match=r"pip install cbsodata"):
        fetch_buiten_beeld(TABLE, cache_dir=tmp_path)


def test_an_unknown_table_is_not_called_offline(tmp_path, meta, rows):
    from buitenbeeld.errors import BuitenbeeldError

    with pytest.raises(BuitenbeeldError, match="Unknown StatLine table '99999NED'.*86087NED"):
        fetch_buiten_beeld("99999NED", cache_dir=tmp_path, client=FakeCbsodata(meta, rows))

    class NotFound(FakeCbsodata):
        def _call(self, *args):
            response = requests.Response()
            response.status_code = 404
            raise requests.HTTPError("404 Client Error: Not Found", response=response)

    with pytest.raises(BuitenbeeldError, match="StatLine has no table 86087NED \\(HTTP 404\\)") as info:
        fetch_buiten_beeld(TABLE, cache_dir=tmp_path, client=NotFound(meta, rows))
    assert "internet" not in str(info.value)
