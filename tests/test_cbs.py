"""Reading CBS youth-figure tables: header found, symbols kept, Nederland apart."""
from __future__ import annotations

import math

import pytest
from conftest import write_workbook, youth_table_rows

from buitenbeeld.cbs import looks_like_youth_table, read_youth_table, select_youth_table
from buitenbeeld.errors import InputError, MissingDataError


@pytest.fixture
def table_path(tmp_path):
    return write_workbook(tmp_path / "jongeren.xlsx", {"Tabel": youth_table_rows()})


def test_finds_the_table_below_title_rows(table_path):
    table = read_youth_table(table_path)
    assert table.peiljaar == 2013
    assert table.title.startswith("Jongeren buiten beeld, 1 oktober 2013")
    assert list(table.gemeenten["gemeentecode"]) == ["GM0518", "GM0983", "GM0034"]
    assert table.footnotes == ["Bron: test.", "x = geheim"]


def test_nederland_row_is_kept_apart(table_path):
    nederland = read_youth_table(table_path).nederland
    assert (nederland["jongeren_15_27"], nederland["buiten_beeld"], nederland["zonder_bekende_reden"]) == (2489440, 134430, 65910)


def test_symbols_become_missing_with_the_symbol_as_reason(table_path):
    rows = read_youth_table(table_path).gemeenten.set_index("gemeentecode")
    assert math.isnan(rows.loc["GM0983", "zonder_bekende_reden"])
    assert rows.loc["GM0983", "zonder_bekende_reden_symbool"] == "x"
    assert rows.loc["GM0034", "zonder_bekende_reden"] == 0  # '-' is nil
    assert rows.loc["GM0034", "buiten_beeld"] == 5  # a count stored as text


def test_detection_tells_tables_from_other_workbooks(table_path, tmp_path):
    assert looks_like_youth_table(table_path)
    other = write_workbook(tmp_path / "other.xlsx", {"Blad1": [["naam", "waarde"], ["a", 1]]})
    assert not looks_like_youth_table(other)


def test_bad_cell_names_row_and_column(tmp_path):
    rows = youth_table_rows()
    rows[5][3] = "veel"
    path = write_workbook(tmp_path / "jongeren.xlsx", {"Tabel": rows})
    with pytest.raises(InputError, match=r"jongeren.xlsx', sheet 'Tabel', row 6, column 'buiten_beeld'.*'veel'"):
        read_youth_table(path)


def test_selecting_a_missing_year_says_which_years_exist(table_path):
    with pytest.raises(MissingDataError, match=r"peiljaar 2020.*jongeren.xlsx \(2013\)"):
        select_youth_table([table_path], 2020)
    assert select_youth_table([table_path], 2013).peiljaar == 2013
