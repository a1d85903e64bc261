"""Reading CBS youth-figure tables: header found, symbols kept, Nederland apart, problems listed per row."""
from __future__ import annotations

import math

import pytest
from conftest import write_workbook, youth_table_rows
from openpyxl import Workbook

from buitenbeeld.errors import InputError, MissingDataError
from buitenbeeld.ingest.cbs import in_current_layout, looks_like_youth_table, read_youth_table, select_youth_table
from buitenbeeld.ingest.cbs_layout import load_column_mapping
from buitenbeeld.reference.gemeenten import list_gemeenten


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
    with pytest.raises(InputError, match=r"jongeren.xlsx', blad 'Tabel', rij 6, kolom 'buiten_beeld'.*'veel'"):
        read_youth_table(path)


def test_selecting_a_missing_year_says_which_years_exist(table_path):
    with pytest.raises(MissingDataError, match=r"peiljaar 2020.*jongeren.xlsx \(2013\)"):
        select_youth_table([table_path], 2020)
    assert select_youth_table([table_path], 2013).peiljaar == 2013


# --------------------------------------------------------------------------- CBS maatwerk layouts


def cbs_workbook(path, rows, merges=()):
    """An xlsx as CBS publishes it: one sheet, merged header cells (only the first cell keeps its text)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tabel 1"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


FOOTNOTES = [
    ["1) Geen onderwijs, geen werk, geen uitkering en niet bij UWV ingeschreven."],
    ["Bron: CBS, maatwerktabel."],
    [],
    ["Verklaring van tekens"],
    [". = gegevens ontbreken"],
    ["x = geheim"],
]


@pytest.fixture
def maatwerk(tmp_path):
    """Title rows, a two-row header with merged group headings, text counts, symbols, footnotes."""
    rows = [
        ["Jongeren buiten beeld 2013"],
        ["Jongeren van 15 tot 27 jaar op 1 oktober 2013, per gemeente (maatwerk 2015/49)"],
        [],
        ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld 1)", None,
         "Jongeren buiten beeld naar geslacht"],
        [None, None, None, "totaal", "waarvan zonder bekende reden", "man", "vrouw"],
        ["NL01", "Nederland", "2.489.440", "134.430", "65.910", 72000, "62.430"],
        ["GM0518", "'s-Gravenhage", "90.000", "6.300", 3150, 3400, 2900],
        ["GM0983", "Venlo", 17000, 850, "x", 460, 390],
        ["GM0034", "Almere", 36000, "1.810", ".", "-", "x"],
        *FOOTNOTES,
    ]
    return cbs_workbook(tmp_path / "maatwerk.xlsx", rows, ["A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:G4"])


def test_two_row_header_with_merged_group_headings(maatwerk):
    table = read_youth_table(maatwerk)
    assert table.columns == {
        "jongeren_15_27": "jongeren 15 tot 27 jaar", "buiten_beeld": "jongeren buiten beeld totaal",
        "zonder_bekende_reden": "jongeren buiten beeld waarvan zonder bekende reden",
        "buiten_beeld_man": "jongeren buiten beeld naar geslacht man",
        "buiten_beeld_vrouw": "jongeren buiten beeld naar geslacht vrouw"}
    assert (table.peiljaar, table.indeling, table.title) == (2013, 2013, "Jongeren buiten beeld 2013")
    rows = table.gemeenten.set_index("gemeentecode")
    assert rows.loc["GM0518", ["jongeren_15_27", "buiten_beeld", "zonder_bekende_reden"]].tolist() == [90000, 6300, 3150]
    assert rows.loc["GM0034", "buiten_beeld"] == 1810  # thousands separator in text
    assert rows.loc["GM0034", "buiten_beeld_man"] == 0 and rows.loc["GM0034", "buiten_beeld_man_symbool"] == "-"
    assert math.isnan(rows.loc["GM0034", "zonder_bekende_reden"]) and rows.loc["GM0034", "zonder_bekende_reden_symbool"] == "."
    assert rows.loc["GM0983", "zonder_bekende_reden_symbool"] == "x"
    assert (table.nederland["buiten_beeld"], table.nederland["buiten_beeld_vrouw"]) == (134430, 62430)
    assert table.footnotes[0].startswith("1) Geen onderwijs") and table.footnotes[-1] == "x = geheim"
    assert table.problems == [] and table.rows_read == table.rows_loaded == 4


def test_codes_only_with_the_national_row_last(tmp_path):
    rows = [["Tabel 3. Jongeren buiten beeld, 2013"], [],
            [None, "Jongeren (15 tot 27 jaar)", "Buiten beeld"], ["Regio's", 2013, "2013"],  # a row of periods
            ["GM0363", 145000, 9800], ["GM0080", 18900, 1200], ["GM1680", 3700, "x"], ["NL01", 2489440, 134430]]
    table = read_youth_table(cbs_workbook(tmp_path / "codes.xlsx", rows))
    assert list(table.gemeenten["gemeentenaam"]) == ["Amsterdam", "Leeuwarden", "Aa en Hunze"]
    assert table.gemeenten["buiten_beeld"].tolist()[:2] == [9800, 1200]
    assert table.nederland["jongeren_15_27"] == 2489440


def test_names_only_as_users_write_them(tmp_path):
    rows = [["Jongeren buiten beeld op 1 oktober 2013"], ["Gemeente", "Jongeren 15-27 jaar", "Jongeren buiten beeld"],
            ["Nederland", 2489440, 134430], ["Den Haag", 90000, 6300], ["den bosch", 27900, 1500], ["Venlo 1)", 17000, 850],
            ["1) Inclusief jongeren in instellingen."]]
    table = read_youth_table(cbs_workbook(tmp_path / "namen.xlsx", rows))
    assert list(zip(table.gemeenten["gemeentecode"], table.gemeenten["gemeentenaam"])) == [
        ("GM0518", "'s-Gravenhage"), ("GM0796", "'s-Hertogenbosch"), ("GM0983", "Venlo")]
    assert table.footnotes == ["1) Inclusief jongeren in instellingen."]


def test_a_2013_gemeente_that_no_longer_exists_keeps_its_2013_code_and_name(tmp_path):
    rows = [["Jongeren buiten beeld per gemeente"], [],  # the year is in the file name only
            ["Gemeentecode", "Gemeentenaam", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
            ["NL01", "Nederland", 2489440, 134430], ["GM0381", "Bussum", 4700, 180], ["", "Naarden", 2700, 90],
            ["GM0017", "Haren", 4000, 120]]
    table = read_youth_table(cbs_workbook(tmp_path / "jongeren_buiten_beeld_2013.xlsx", rows))
    assert (table.peiljaar, table.indeling) == (2013, 2013)
    assert list(zip(table.gemeenten["gemeentecode"], table.gemeenten["gemeentenaam"])) == [
        ("GM0381", "Bussum"), ("GM0425", "Naarden"), ("GM0017", "Haren")]
    assert table.problems == []


def test_a_table_in_a_later_layout_is_checked_against_that_list(tmp_path):
    rows = [["Jongeren buiten beeld, 1 oktober 2013 (gemeentelijke indeling 2026)"],
            ["Gemeentecode", "Gemeente", "Jongeren buiten beeld"], ["GM1942", "Gooise Meren", 520], ["GM0381", "Bussum", 180]]
    table = read_youth_table(cbs_workbook(tmp_path / "t.xlsx", rows), strict=False)
    assert (table.peiljaar, table.indeling) == (2013, 2026)
    assert list(table.gemeenten["gemeentecode"]) == ["GM1942"]
    (problem,) = table.problems
    assert (problem.row, problem.column, problem.value) == (4, "gemeente", "GM0381")
    assert "staat niet in de CBS-lijst van 2026" in problem.reason
    assert "Bussum is opgegaan in Gooise Meren (GM1942)" in problem.reason


def test_unreadable_rows_are_listed_never_lost(tmp_path):
    rows = [["Jongeren buiten beeld 2013"], ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
            ["NL01", "Nederland", 2489440, 134430], ["GM0363", "Amsterdam", 145000, "veel"], ["", "Amsterdm", 1000, 10],
            ["PV27", "Noord-Holland (PV)", 440000, 23000], ["GM0080", "Venlo", 18900, 1200], ["GM0983", "Venlo", 17000, 850]]
    path = cbs_workbook(tmp_path / "fouten.xlsx", rows)
    table = read_youth_table(path, strict=False)
    assert table.rows_read == 6 == table.rows_loaded + len(table.rejected_rows) + len(table.skipped_rows)
    assert (table.rejected_rows, table.skipped_rows) == ([4, 5], [6])  # the province row is left out, not rejected
    messages = [p.message() for p in table.problems]
    assert "fouten.xlsx', blad 'Tabel 1', rij 4, kolom 'buiten_beeld'" in messages[0] and "'veel'" in messages[0]
    assert "rij 5, kolom 'gemeente'" in messages[1] and "Bedoel je: Amsterdam?" in messages[1]
    assert table.problems[2].severity == "warning" and "geen gemeente" in messages[2]
    assert table.problems[3].severity == "warning" and "code GM0080 (Leeuwarden in 2013); de code wordt gebruikt" in messages[3]
    assert list(table.gemeenten["gemeentenaam"]) == ["Leeuwarden", "Venlo"]
    with pytest.raises(InputError, match="rij 4, kolom 'buiten_beeld'"):
        read_youth_table(path)  # strict: the first row that cannot be read


def _complete_2013_rows(national_extra: int) -> list[list]:
    gemeenten = list_gemeenten(2013)
    pairs = zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"])
    rows = [[c, n, 10 * (300 + i), 10 * (15 + i % 7)] for i, (c, n) in enumerate(pairs)]
    national = ["NL01", "Nederland", sum(r[2] for r in rows), sum(r[3] for r in rows) + national_extra]
    return [["Jongeren buiten beeld, 2013"], ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
            national, *rows]


def test_gemeenten_add_up_to_nederland_within_rounding(tmp_path):
    # 408 gemeenten rounded to tens: the sum may differ from the total by (408 + 1) x 5 = 2045
    table = read_youth_table(cbs_workbook(tmp_path / "som.xlsx", _complete_2013_rows(2040)))
    assert len(table.gemeenten) == 408 and table.problems == []


def test_a_total_that_does_not_add_up_names_the_column(tmp_path):
    table = read_youth_table(cbs_workbook(tmp_path / "som.xlsx", _complete_2013_rows(3000)))
    (problem,) = table.problems
    assert (problem.column, problem.row, problem.severity) == ("buiten_beeld", 3, "warning")
    assert "verschil -3.000" in problem.reason and "marge van 2.045" in problem.reason


def test_a_partial_table_may_not_exceed_the_national_row(tmp_path):
    rows = youth_table_rows()
    rows[4][3] = 5000  # Nederland below the sum of its gemeenten
    table = read_youth_table(write_workbook(tmp_path / "deel.xlsx", {"Tabel": rows}))
    assert [(p.column, p.severity) for p in table.problems] == [("buiten_beeld", "warning")]
    assert "hoogstens even groot, met een marge van" in table.problems[0].reason


def test_own_mapping_file(tmp_path):
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text("[kolommen.buiten_beeld]\npatronen = ['\\bneet\\b']\nverplicht = true\n"
                       "[kolommen.jongeren_15_27]\npatronen = ['inwoners']\n", encoding="utf-8")
    rows = [["NEET 2013"], ["Gemeente", "Inwoners 15-26", "NEET-jongeren"], ["Venlo", 17000, 850]]
    table = read_youth_table(cbs_workbook(tmp_path / "neet.xlsx", rows), mapping=mapping)
    assert table.gemeenten[["jongeren_15_27", "buiten_beeld"]].values.tolist() == [[17000, 850]]
    with pytest.raises(InputError, match=r"geen kop past bij de verplichte kolom buiten_beeld"):
        read_youth_table(cbs_workbook(tmp_path / "neet.xlsx", rows))


def test_a_broken_mapping_file_names_the_section(tmp_path):
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text("[kolommen.buiten_beeld]\npatronen = ['(buiten']\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"kolommen.toml', kolom '\[kolommen.buiten_beeld\]': een patroon klopt niet"):
        load_column_mapping(mapping)
    assert [r.name for r in load_column_mapping()][-2:] == ["buiten_beeld", "jongeren_15_27"]


# --------------------------------------------------------------------------- review 2


def _accounted(table) -> bool:
    return table.rows_read == table.rows_loaded + len(table.rejected_rows) + len(table.skipped_rows)


@pytest.mark.parametrize("heading", ["Provincies", "Landsdelen", "COROP-gebieden", "Regio's"])
def test_rows_under_a_region_heading_are_not_read_as_gemeenten(tmp_path, heading):
    # province Groningen and Utrecht share their names with gemeenten: only the rows under "Gemeenten" are those
    rows = [["Jongeren buiten beeld, 1 oktober 2013"], [], ["Regio", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
            ["Nederland", 2489440, 134430], [heading], ["Groningen", 110000, 6100], ["Utrecht", 240000, 11000],
            ["Gemeenten"], ["Groningen", 60000, 4200], ["Utrecht", 80000, 5200], ["Venlo", 17000, 850]]
    path = cbs_workbook(tmp_path / "secties.xlsx", rows)
    table = read_youth_table(path, strict=False)
    assert table.gemeenten[["gemeentecode", "rij", "buiten_beeld"]].values.tolist() == [
        ["GM0014", 9, 4200], ["GM0344", 10, 5200], ["GM0983", 11, 850]]
    assert (table.rejected_rows, table.skipped_rows, table.rows_read) == ([], [6, 7], 6) and _accounted(table)
    assert [(p.row, p.severity) for p in table.problems] == [(6, "warning"), (7, "warning")]
    assert f"onder het kopje '{heading}'" in table.problems[0].reason
    assert len(read_youth_table(path).gemeenten) == 3  # strict: nothing to raise


def test_a_gemeente_code_is_a_gemeente_under_any_heading(tmp_path):
    rows = [["Jongeren buiten beeld 2013"], ["Regio", "Regiocode", "Jongeren buiten beeld"],
            ["Provincies"], ["Groningen (PV)", "PV20", 6100], ["Groningen", "GM0014", 4200]]
    table = read_youth_table(cbs_workbook(tmp_path / "codes.xlsx", rows), strict=False)
    assert table.gemeenten["gemeentecode"].tolist() == ["GM0014"] and table.skipped_rows == [4]


def test_region_rows_do_not_switch_off_the_sum_check(tmp_path):
    rows = _complete_2013_rows(3000)
    rows.insert(3, ["PV20", "Groningen (PV)", 110000, 6100])
    table = read_youth_table(cbs_workbook(tmp_path / "som.xlsx", rows))
    assert (table.rejected_rows, table.skipped_rows) == ([], [4]) and _accounted(table)
    (total,) = [p for p in table.problems if p.column == "buiten_beeld"]
    assert "verschil -3.000" in total.reason and "verwacht: gelijk, met een marge van 2.045" in total.reason


def test_a_rejected_row_weakens_the_sum_check_to_at_most(tmp_path):
    rows = _complete_2013_rows(-5000)  # the national row is below the sum of the gemeenten
    rows[5][3] = "veel"  # a gemeente that cannot be read
    table = read_youth_table(cbs_workbook(tmp_path / "som.xlsx", rows), strict=False)
    assert table.rejected_rows == [6]
    (total,) = [p for p in table.problems if p.column == "buiten_beeld" and p.severity == "warning"]
    assert "verwacht: hoogstens even groot, met een marge van" in total.reason
    assert "minder streng ('hoogstens even groot') omdat 1 rij is afgewezen (rij 6)" in total.reason
    rows = _complete_2013_rows(3000)  # a shortfall may be the rejected row: no warning
    rows[5][3] = "veel"
    table = read_youth_table(cbs_workbook(tmp_path / "som2.xlsx", rows), strict=False)
    assert [p.column for p in table.problems] == ["buiten_beeld"] and table.problems[0].severity == "error"


def test_two_rejected_rows_are_named_in_dutch_plural(tmp_path):
    rows = _complete_2013_rows(-5000)
    rows[5][3] = rows[6][3] = "veel"
    table = read_youth_table(cbs_workbook(tmp_path / "som.xlsx", rows), strict=False)
    (total,) = [p for p in table.problems if p.column == "buiten_beeld" and p.severity == "warning"]
    assert "omdat 2 rijen zijn afgewezen (rijen 6 en 7)" in total.reason and "(s)" not in total.reason


@pytest.mark.parametrize("title", [
    ["Jongeren buiten beeld, 1 oktober 2013", None, None, None, "Tabel 1"],  # a note at the right
    ["Tabel 1", "Jongeren buiten beeld naar gemeente, 2013"],  # the title in the name column
])
def test_a_title_row_directly_above_the_header_is_no_header(tmp_path, title):
    rows = [title, ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld",
                    "Waarvan zonder bekende reden"],
            ["NL01", "Nederland", 2489440, 134430, 65910], ["GM0518", "Den Haag", 90000, 6300, 3150]]
    path = cbs_workbook(tmp_path / "titel.xlsx", rows)
    table = read_youth_table(path)
    assert table.columns == {"jongeren_15_27": "jongeren 15 tot 27 jaar", "buiten_beeld": "jongeren buiten beeld",
                             "zonder_bekende_reden": "waarvan zonder bekende reden"}
    assert table.gemeenten[["gemeentecode", "buiten_beeld"]].values.tolist() == [["GM0518", 6300]]
    assert (table.peiljaar, table.problems) == (2013, []) and looks_like_youth_table(path)


def test_label_columns_are_never_figures(tmp_path):
    # a short title without a year stays in the header block: it must not make the name column a figure
    rows = [["Jongeren buiten beeld", None, "Tabel 1"], ["Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
            ["Venlo", 17000, 850]]
    table = read_youth_table(cbs_workbook(tmp_path / "label.xlsx", rows))
    assert table.gemeenten[["gemeentecode", "buiten_beeld"]].values.tolist() == [["GM0983", 850]]


def _own_columns_2013(tmp_path, muiden_neet="x"):
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text("[kolommen.buiten_beeld]\npatronen = ['buiten beeld']\nverplicht = true\n"
                       "[kolommen.neet]\npatronen = ['\\bneet\\b']\n", encoding="utf-8")
    rows = [["Jongeren buiten beeld 2013"], [], ["Gemeentecode", "Gemeente", "NEET-jongeren", "Jongeren buiten beeld"],
            ["GM0381", "Bussum", 300, 180], ["GM0424", "Muiden", muiden_neet, 20], ["GM0425", "Naarden", 200, 90]]
    return read_youth_table(cbs_workbook(tmp_path / "neet.xlsx", rows), mapping=mapping, strict=False)


def test_the_current_layout_converts_the_columns_of_the_users_mapping(tmp_path):
    converted = in_current_layout(_own_columns_2013(tmp_path))
    (gooise_meren,) = converted.gemeenten.to_dict("records")
    assert (gooise_meren["gemeentecode"], gooise_meren["buiten_beeld"]) == ("GM1942", 290)
    assert math.isnan(gooise_meren["neet"]) and gooise_meren["neet_symbool"] == "x"  # Muiden is secret


def test_the_current_layout_names_a_rejected_part_as_rejected(tmp_path):
    table = _own_columns_2013(tmp_path, muiden_neet="20?")
    assert (table.rejected_rows, table.rejected_gemeenten) == ([5], {"GM0424": 5})
    (gooise_meren,) = in_current_layout(table).gemeenten.to_dict("records")
    assert gooise_meren["buiten_beeld_toelichting"] == "rij afgekeurd: Muiden (GM0424)"
    assert math.isnan(gooise_meren["buiten_beeld"])


def test_a_second_national_row_is_rejected(tmp_path):
    rows = [["Jongeren buiten beeld 2013"], [], ["Gemeentecode", "Gemeente", "Jongeren buiten beeld"],
            ["NL01", "Nederland", 134430], ["GM0518", "Den Haag", 6300], ["NL01", "Nederland", 134000]]
    table = read_youth_table(cbs_workbook(tmp_path / "twee.xlsx", rows), strict=False)
    assert (table.nederland["rij"], table.nederland["buiten_beeld"], table.rejected_rows) == (4, 134430, [6])
    assert table.rows_read == 3 and _accounted(table)
    (problem,) = table.problems
    assert (problem.row, problem.severity, problem.reason) == (6, "error", "tweede rij voor heel Nederland (ook rij 4)")


@pytest.mark.parametrize("line", ["Voorlopige cijfers.", "Den Haag/Heerlen, 2015", "a) Exclusief jongeren in instellingen",
                                  "Gemeente: 1 oktober 2013"])
def test_a_text_line_below_the_table_is_a_footnote(tmp_path, line):
    rows = [*youth_table_rows()[:8], [], [line]]
    table = read_youth_table(write_workbook(tmp_path / "voet.xlsx", {"Tabel": rows}))
    assert (table.footnotes, table.problems, table.rows_read) == ([line], [], 4)


def test_a_text_line_between_gemeenten_is_still_read_and_rejected(tmp_path):
    rows = youth_table_rows()
    rows.insert(6, ["Voorlopige cijfers."])  # a line inside the table is never a footnote: never lost
    table = read_youth_table(write_workbook(tmp_path / "midden.xlsx", {"Tabel": rows}), strict=False)
    assert table.rejected_rows == [7] and len(table.gemeenten) == 3 and _accounted(table)


def test_a_totaal_row_without_a_code_and_a_marker_like_a(tmp_path):
    rows = youth_table_rows()[:8]
    rows[4] = ["", "Totaal", 2489440, 134430, 65910]
    rows[6] = ["GM0983", "Venlo a)", 17000, 850, "x"]
    table = read_youth_table(write_workbook(tmp_path / "totaal.xlsx", {"Tabel": rows}))
    assert (table.nederland["rij"], table.nederland["buiten_beeld"], table.problems) == (5, 134430, [])
    assert table.gemeenten["gemeentenaam"].tolist() == ["'s-Gravenhage", "Venlo", "Almere"]


# --------------------------------------------------------------------------- CBS region titles without codes


def test_gemeente_titles_as_cbs_writes_them_without_codes(tmp_path):
    # StatLine and code-less maatwerk tables write "(gemeente)" where a province or landsdeel has the same name
    rows = [["Jongeren buiten beeld, 1 oktober 2013"], ["Regio's", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
            ["Nederland", 2489440, 134430], ["Groningen (PV)", 110000, 6100], ["Noord-Nederland (LD)", 330000, 17000],
            ["Oost-Groningen (CR)", 20000, 1100], ["'s-Gravenhage (gemeente)", 90000, 6300],
            ["Groningen (gemeente)", 60000, 4200], ["Utrecht ( Gemeente )", 80000, 5200],
            ["Bergen (NH.) (gemeente)", 4500, 200], ["Bergen (L.)", 2400, 90]]
    table = read_youth_table(cbs_workbook(tmp_path / "statline.xlsx", rows), strict=False)
    assert list(zip(table.gemeenten["gemeentecode"], table.gemeenten["gemeentenaam"])) == [
        ("GM0518", "'s-Gravenhage"), ("GM0014", "Groningen"), ("GM0344", "Utrecht"), ("GM0373", "Bergen (NH.)"),
        ("GM0893", "Bergen (L.)")]
    assert (table.rejected_rows, table.skipped_rows) == ([], [4, 5, 6]) and _accounted(table)
    assert [(p.row, p.severity) for p in table.problems] == [(4, "warning"), (5, "warning"), (6, "warning")]
    assert all("geen gemeente" in p.reason for p in table.problems)


def test_a_gemeente_title_is_a_gemeente_under_a_regio_heading(tmp_path):
    rows = [["Jongeren buiten beeld 2013"], ["Regio", "Jongeren buiten beeld"], ["Nederland", 134430],
            ["Regio's"], ["Groningen (PV)", 6100], ["Groningen (gemeente)", 4200], ["Groningen", 4200]]
    table = read_youth_table(cbs_workbook(tmp_path / "regio.xlsx", rows), strict=False)
    assert table.gemeenten["gemeentecode"].tolist() == ["GM0014"]
    assert table.skipped_rows == [5, 7]  # the province title, and a plain name under a region heading


def test_a_title_with_a_code_that_agrees_gives_no_warning(tmp_path):
    rows = [["Jongeren buiten beeld 2013"], ["Regiocode", "Regio", "Jongeren buiten beeld"],
            ["GM0518", "'s-Gravenhage (gemeente)", 6300], ["PV20", "Groningen (PV)", 6100]]
    table = read_youth_table(cbs_workbook(tmp_path / "codes.xlsx", rows), strict=False)
    assert table.gemeenten["gemeentecode"].tolist() == ["GM0518"] and table.skipped_rows == [4]
    assert [p.severity for p in table.problems] == ["warning"]


def test_a_merged_gemeente_in_a_2026_table_says_what_it_went_into(tmp_path):
    rows = [["Jongeren buiten beeld 2024 (gemeentelijke indeling 2026)"], ["Gemeente", "Jongeren buiten beeld"],
            ["Gooise Meren (gemeente)", 520], ["Bussum (gemeente)", 180]]
    table = read_youth_table(cbs_workbook(tmp_path / "t.xlsx", rows), strict=False)
    assert table.gemeenten["gemeentecode"].tolist() == ["GM1942"] and table.rejected_rows == [4]
    (problem,) = table.problems
    assert problem.reason.startswith("Bussum is opgegaan in Gooise Meren (GM1942).")
