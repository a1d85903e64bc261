"""A corpus of bad and odd interview files, as people really send them, each with its message.

Every case checks that ``read = loaded + rejected`` and names the expected problem:
severity, spreadsheet row, column and a key phrase of the reason.
"""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import REPO, write_workbook
from openpyxl import Workbook

from buitenbeeld.errors import InputError
from buitenbeeld.ingest.interviews import read_interviews

FIXTURES = REPO / "tests" / "fixtures"
GOOD = ["Club", "Venlo", "hobby"]


def _assert_adds_up(result):
    files = result.files
    assert (files["read"] == files["loaded"] + files["rejected"]).all()


def _problem(result, severity, row, column, phrase):
    problems = result.problems
    match = problems[(problems["severity"] == severity) & (problems["row"].astype("Int64") == row)
                     & (problems["column"] == column) & problems["reason"].str.contains(phrase, regex=False)]
    assert len(match) == 1, problems[["severity", "row", "column", "reason"]].to_string()


def test_wrong_headers_make_the_file_unusable_with_a_hint(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [["Wie", "Waar", "Wat"], GOOD]})
    with pytest.raises(InputError,
                       match=r"k.xlsx', blad 'organisaties': in de eerste rijen staan niet de kolomnamen.*Zet de kolomnamen"):
        read_interviews(path)


def test_title_rows_above_the_header_keep_row_numbers_exact(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [
        ["Sociale kaart Venlo, interviews voorjaar 2024"], [], ["naam", "gemeente", "type", "jongeren_bereik"],
        [*GOOD, "veel"]]})
    result = read_interviews(path)
    _assert_adds_up(result)
    assert result.organisaties["bron_rij"].tolist() == [4]
    _problem(result, "warning", 4, "jongeren_bereik", "hier hoort een aantal")


def test_merged_header_cells_are_reported_and_the_column_ignored(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "organisaties"
    sheet.append(["naam", "gemeente", "type", "plaatsingen (12 mnd)", None])
    sheet.append([*GOOD, 3, 4])
    sheet.merge_cells("D1:E1")
    workbook.save(tmp_path / "k.xlsx")
    result = read_interviews(tmp_path / "k.xlsx")
    _assert_adds_up(result)
    assert len(result.organisaties) == 1
    _problem(result, "warning", 1, "E", "heeft gegevens, maar geen naam in de rij met kolomnamen (zijn cellen samengevoegd?)")


def test_empty_interview_sheet_reads_zero_rows_with_a_warning(tmp_path):
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": []}))
    _assert_adds_up(result)
    assert result.summary_lines()[0] == "k.xlsx: gelezen 0 = geladen 0 + afgewezen 0"
    assert result.problems["reason"].tolist() == ["het blad is leeg"]


def test_sheet_named_differently_is_used_when_it_is_the_only_candidate(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"Uitleg": [["lees dit"]], "Blad1": [["naam", "gemeente", "type"], GOOD]})
    result = read_interviews(path)
    _assert_adds_up(result)
    assert len(result.organisaties) == 1 and result.organisaties["bron_blad"].tolist() == ["Blad1"]
    assert "het blad 'Blad1' heeft de interviews en wordt gebruikt" in result.problems["reason"].iloc[0]


def test_no_interview_sheet_at_all_lists_the_sheets(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"Uitleg": [["lees dit"]], "Blad2": [["x", "y"]]})
    with pytest.raises(InputError, match=r"geen blad 'organisaties' \(bladen: Uitleg, Blad2\)"):
        read_interviews(path)


@pytest.mark.parametrize("column,value,phrase", [
    ("jongeren_bereik", "heel veel", "hier hoort een aantal"),
    ("jongeren_bereik", "-3", "onder 0"),
    ("jongeren_bereik", "50-30", "het laagste getal eerst"),
    ("vertrouwensband", 7, "van 1 tot en met 5"),
    ("datum_interview", "31-2-2024", "bestaat niet"),
    ("leefgebieden", "14", "bestaat niet"),
    ("rollen_nu", "helpen", "onbekende rol"),
    ("contact_na_plaatsing", "misschien", "hier hoort ja, nee of soms"),
    ("postcode", "12345", "Nederlandse postcode"),
])
def test_impossible_or_unreadable_optional_values_are_warnings_and_become_unknown(tmp_path, column, value, phrase):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [["naam", "gemeente", "type", column], [*GOOD, value]]})
    result = read_interviews(path)
    _assert_adds_up(result)
    assert len(result.organisaties) == 1
    _problem(result, "warning", 2, column, phrase)
    assert pd.isna(result.organisaties.loc[0, column]) or result.organisaties.loc[0, column] is None


@pytest.mark.parametrize("column,value,phrase", [
    ("type", "weet niet", "onbekend type"),
    ("gemeente", "Nergenshuizen", "Onbekende gemeente"),
    ("naam", "  ", "moet ingevuld zijn, maar de cel is leeg"),
])
def test_bad_required_values_reject_the_row(tmp_path, column, value, phrase):
    row = dict(zip(["naam", "gemeente", "type"], GOOD)) | {column: value}
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [list(row), list(row.values()), ["Ander", "Venlo", "sport"]]})
    result = read_interviews(path)
    _assert_adds_up(result)
    assert result.summary_lines()[0] == "k.xlsx: gelezen 2 = geladen 1 + afgewezen 1"
    _problem(result, "error", 2, column, phrase)


def test_duplicated_ids_in_one_file(tmp_path):
    rows = [["organisatie_id", "naam", "gemeente", "type"], ["x1", *GOOD], ["x1", "Ander", "Venlo", "formeel"]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    _assert_adds_up(result)
    _problem(result, "error", 3, "organisatie_id", "ook in rij 2")


DUTCH_EXCEL_CSV = (
    "naam;gemeente;type;jongeren_bereik;gesprekken_per_maand;datum_interview;toestemming_publicatie\r\n"
    "Caf\u00e9 De Hoek;den bosch;Commerci\u00eble organisatie;1.200;;5-3-2024;ja\r\n"
    "Stichting \"Samen\";Den Haag;sociale onderneming;\"ca. 40\";;5 maart 2024;nee\r\n"
    "Club;Venlo;hobby;25;2,5;;\r\n"
)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_csv_as_dutch_excel_saves_it(tmp_path, encoding):
    path = tmp_path / "kaart.csv"
    path.write_bytes(DUTCH_EXCEL_CSV.encode(encoding))
    result = read_interviews(path)
    _assert_adds_up(result)
    orgs = result.organisaties.set_index("naam")
    assert orgs.loc["Caf\u00e9 De Hoek", "jongeren_bereik"] == 1200.0
    assert orgs.loc["Caf\u00e9 De Hoek", "type"] == "commercieel"
    assert orgs.loc["Caf\u00e9 De Hoek", "gemeentecode"] == "GM0796"
    assert orgs.loc["Club", "jongeren_bereik"] == 25 and orgs.loc["Club", "gesprekken_per_maand"] == 2.5
    assert bool(orgs.loc['Stichting "Samen"', "jongeren_bereik_geschat"])
    assert result.organisaties["bron_blad"].tolist() == ["", "", ""]


LIBREOFFICE_FILES = ["interviews_libreoffice.ods", "interviews_libreoffice.xlsx",
                     "interviews_libreoffice_utf8.csv", "interviews_libreoffice_cp1252.csv"]


@pytest.mark.parametrize("name", LIBREOFFICE_FILES)
def test_files_saved_by_libreoffice(name):
    result = read_interviews(FIXTURES / name)
    _assert_adds_up(result)
    assert result.summary_lines()[0] == f"{name}: gelezen 4 = geladen 4 + afgewezen 0"
    orgs = result.organisaties.set_index("naam")
    assert orgs.loc["Boksschool De Vuist", "gemeentenaam"] == "Súdwest-Fryslân"
    assert orgs.loc["Boksschool De Vuist", "wijk"] == ("Sneek", "Bolsward")
    assert orgs.loc["Moskee Centrum", "wijk"] == ("Centrum", "Blerick")
    assert orgs.loc["Stichting \"Samen Sterk\"", "jongeren_bereik"] == 40.0  # '30-50'
    # the spreadsheet error #DIV/0! in vertrouwensband is a warning; the value is unknown
    _problem(result, "warning", 5, "vertrouwensband", "foutmelding van Excel of LibreOffice (#DIV/0!)")
    assert pd.isna(orgs.loc["Moskee Centrum", "vertrouwensband"])


def test_every_format_saved_by_libreoffice_gives_the_same_table():
    frames = [read_interviews(FIXTURES / name).organisaties.drop(columns=["bron_bestand", "bron_blad"])
              for name in LIBREOFFICE_FILES]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


@pytest.mark.parametrize("name,phrase", [
    ("interviews_libreoffice.xls", "sla het op als .xlsx"),
    ("interviews_libreoffice_wachtwoord.ods", "wachtwoord"),
])
def test_unusable_files_say_what_to_do(name, phrase):
    with pytest.raises(InputError) as info:
        read_interviews(FIXTURES / name)
    assert phrase in str(info.value).lower() or phrase in info.value.problem.hint.lower()


def test_a_file_without_header_is_unusable_and_the_others_still_load(tmp_path):
    from buitenbeeld.ingest.interviews import load_interviews

    title_only = write_workbook(tmp_path / "titel.xlsx", {"organisaties": [["Sociale kaart 2024"], ["nog in te vullen"]]})
    no_header = tmp_path / "los.csv"
    no_header.write_text("Club;Venlo;hobby\nKapper;Venlo;commercieel\n", encoding="utf-8")
    good = write_workbook(tmp_path / "goed.xlsx", {"organisaties": [["naam", "gemeente", "type"], GOOD]})
    result = load_interviews([title_only, no_header, good])
    _assert_adds_up(result)
    assert result.files.set_index("file")["unusable"].to_dict() == {"titel.xlsx": True, "los.csv": True, "goed.xlsx": False}
    assert len(result.organisaties) == 1


def test_names_without_latin_letters_get_distinct_ids(tmp_path):
    rows = [["naam", "gemeente", "type"], ["مسجد النور", "Venlo", "religieus"], ["مركز الشباب", "Venlo", "hobby"]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    assert len(result.organisaties) == 2 and result.organisaties["organisatie_id"].is_unique
