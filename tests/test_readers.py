"""Reading spreadsheet cells: exact row numbers, one normalised value per cell, any file type."""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from buitenbeeld.common.csvfile import CsvDialect, sniff_csv
from buitenbeeld.common.readers import ENGINES, SUPPORTED_SUFFIXES, list_sheets, read_rows, read_sheet
from buitenbeeld.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LO_ODS = FIXTURES / "interviews_libreoffice.ods"
LO_XLSX = FIXTURES / "interviews_libreoffice.xlsx"
LO_XLS = FIXTURES / "interviews_libreoffice.xls"
LO_CSV_UTF8 = FIXTURES / "interviews_libreoffice_utf8.csv"
LO_CSV_CP1252 = FIXTURES / "interviews_libreoffice_cp1252.csv"
LO_PASSWORD = FIXTURES / "interviews_libreoffice_wachtwoord.ods"

HEADER = (
    "naam", "gemeente", "wijk", "type", "datum_interview", "jongeren_bereik",
    "jongeren_buiten_beeld", "vertrouwensband", "toestemming_publicatie",
)
#: Sheet 'organisaties' of the LibreOffice fixtures (see tests/fixtures/README.md).
LIBREOFFICE_ROWS = [
    HEADER,
    ("Boksschool De Vuist", "Súdwest-Fryslân", "Sneek; Bolsward", "interesse/hobby",
     dt.date(2024, 3, 5), 40, "ca. 40", 4, "ja"),
    ("Kapsalon Fris", "Den Haag", "Schilderswijk", "commercieel",
     dt.date(2024, 3, 12), 1.5, 5, None, "nee"),
    (None,) * 9,
    ("Moskee Centrum", "Venlo", "Centrum\nBlerick", "cultuur/religie",
     dt.datetime(2024, 4, 2, 14, 30), 120, 8, "#DIV/0!", "ja"),
    ('Stichting "Samen Sterk"', "Leeuwarden", None, "sociale onderneming",
     "5 maart 2024", "30-50", "onbekend", 3, None),
]
#: The same sheet as LibreOffice (Dutch locale) exports it to CSV: text as shown.
LIBREOFFICE_CSV_ROWS = [
    HEADER,
    ("Boksschool De Vuist", "Súdwest-Fryslân", "Sneek; Bolsward", "interesse/hobby",
     "5-3-2024", "40", "ca. 40", "4", "ja"),
    ("Kapsalon Fris", "Den Haag", "Schilderswijk", "commercieel", "12-3-2024", "1,5", "5", None, "nee"),
    (None,) * 9,
    ("Moskee Centrum", "Venlo", "Centrum\nBlerick", "cultuur/religie",
     "2-4-2024 14:30", "120", "8", "#DIV/0!", "ja"),
    ('Stichting "Samen Sterk"', "Leeuwarden", None, "sociale onderneming",
     "5 maart 2024", "30-50", "onbekend", "3", None),
]

engines = pytest.mark.parametrize("engine", ENGINES)


def xlsx(path: Path, sheets: dict[str, dict[str, object]]) -> Path:
    """Write an xlsx with openpyxl from ``{sheet: {"B3": value}}`` (cell by cell)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, cells in sheets.items():
        sheet = workbook.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
    workbook.save(path)
    return path


# --------------------------------------------------------------------------- row numbers


@engines
def test_row_numbers_are_kept_with_empty_rows_at_the_top_and_in_the_middle(tmp_path, engine):
    path = xlsx(tmp_path / "k.xlsx", {"organisaties": {
        "A3": "naam", "B3": "gemeente",
        "A4": "Club", "B4": "Venlo",
        # row 5 and 6 empty
        "B7": "Den Haag",  # column A empty: columns keep their place too
        "A9": " x ",  # spaces are kept
    }})
    rows = read_rows(path, "organisaties", engine=engine)
    assert rows == [
        (None, None), (None, None),
        ("naam", "gemeente"), ("Club", "Venlo"),
        (None, None), (None, None),
        (None, "Den Haag"),
        (None, None),
        (" x ", None),
    ]
    assert rows[7 - 1] == (None, "Den Haag")  # spreadsheet row 7


@engines
def test_trailing_empty_rows_and_columns_are_dropped(tmp_path, engine):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B2"] = "a", "b"
    sheet["F20"].number_format = "0.00"  # formatted but empty: not a value
    sheet["D10"] = ""
    workbook.save(tmp_path / "k.xlsx")
    assert read_rows(tmp_path / "k.xlsx", engine=engine) == [("a", None), (None, "b")]


@engines
def test_an_empty_sheet_gives_no_rows(tmp_path, engine):
    path = xlsx(tmp_path / "k.xlsx", {"leeg": {}, "organisaties": {"A1": "x"}})
    assert read_rows(path, "leeg", engine=engine) == []
    assert read_rows(path, engine=engine) == []  # the first sheet when none is named


# --------------------------------------------------------------------------- normalisation

MIXED = {
    "A1": "naam", "B1": " met  spaties ", "C1": "regel 1\nregel 2", "D1": "0612345678",
    "A2": 40, "B2": 40.0, "C2": 1.5, "D2": -3, "E2": 1234567890123, "F2": 0.25, "G2": 1e20,
    "A3": dt.date(2024, 3, 5), "B3": dt.datetime(2024, 3, 5), "C3": dt.datetime(2024, 3, 5, 14, 30),
    "D3": dt.time(9, 15), "E3": dt.timedelta(hours=30),
    "A4": True, "B4": False,
    "A5": "#DIV/0!", "B5": "#N/A",  # openpyxl writes these as error cells (t="e")
    "C5": "=2+3",  # openpyxl writes no cached value
}


@engines
def test_cell_values_are_normalised(tmp_path, engine):
    rows = read_rows(xlsx(tmp_path / "k.xlsx", {"blad": MIXED}), engine=engine)
    text, numbers, dates, booleans, errors = rows
    assert text[:4] == ("naam", " met  spaties ", "regel 1\nregel 2", "0612345678")
    assert numbers[:7] == (40, 40, 1.5, -3, 1234567890123, 0.25, 1e20)
    assert [type(v) for v in numbers[:7]] == [int, int, float, int, int, float, float]
    assert dates[:5] == (dt.date(2024, 3, 5), dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 14, 30),
                         dt.time(9, 15), dt.timedelta(hours=30))
    assert type(dates[0]) is dt.date and type(dates[1]) is dt.date
    assert type(dates[2]) is dt.datetime
    assert booleans[:2] == (True, False) and type(booleans[0]) is bool
    assert errors[:3] == ("#DIV/0!", "#N/A", None)  # a formula without cached value is empty


def test_both_engines_give_identical_rows(tmp_path):
    path = xlsx(tmp_path / "k.xlsx", {"toelichting": {"A1": "uitleg"},
                                      "organisaties": {**MIXED, "H9": "laatste", "A12": 7.25}})
    by_engine = {engine: read_rows(path, "organisaties", engine=engine) for engine in ENGINES}
    assert by_engine["calamine"] == by_engine["openpyxl"]
    assert len(by_engine["calamine"]) == 12 and {len(row) for row in by_engine["calamine"]} == {8}


@engines
def test_xlsm_is_read_like_xlsx(tmp_path, engine):
    path = xlsx(tmp_path / "k.xlsx", {"organisaties": {"A1": "naam", "A2": 3.0}})
    macro = shutil.copyfile(path, tmp_path / "k.xlsm")
    assert read_rows(macro, engine=engine) == [("naam",), (3,)]
    assert list_sheets(macro) == ["organisaties"]


# --------------------------------------------------------------------------- LibreOffice files


@pytest.mark.parametrize("path, engine", [(LO_ODS, "calamine"), (LO_XLSX, "calamine"), (LO_XLSX, "openpyxl")])
def test_libreoffice_files_give_known_rows(path, engine):
    """Cached formula values (=2+3 -> 5, =1/0 -> '#DIV/0!'), dates, 1.5, accents."""
    assert read_rows(path, "organisaties", engine=engine) == LIBREOFFICE_ROWS


def test_libreoffice_ods_and_xlsx_agree():
    assert read_rows(LO_ODS, "organisaties") == read_rows(LO_XLSX, "organisaties")
    assert read_rows(LO_ODS) == read_rows(LO_XLSX) == [
        ("Synthetische testwerkmap: geen echte organisaties.",),
        ("Vul per organisatie één rij in op het blad 'organisaties'.",),
    ]


def test_ods_durations_become_timedeltas(tmp_path):
    """calamine gives an ods duration cell as ISO text ('PT30H00M00S'); xlsx gives a timedelta."""
    from buitenbeeld.common.workbooks import normalise_ods_cell

    assert normalise_ods_cell("PT30H00M00S") == dt.timedelta(hours=30)
    assert normalise_ods_cell("-PT01H30M15.5S") == -dt.timedelta(hours=1, minutes=30, seconds=15.5)
    assert normalise_ods_cell("PT-teksten") == "PT-teksten"


# --------------------------------------------------------------------------- CSV

#: A CSV exactly as Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)".
EXCEL_CSV_ROWS = [
    ["naam", "gemeente", "wijk", "jongeren_bereik", "opmerkingen"],
    ["Café Ëxtra", "Súdwest-Fryslân", "Sneek; Bolsward", "1,5", 'zei: "goed"'],
    ["", "", "", "", ""],
    ["Buurthuis", "Den Haag", "Laak", "1.200", "regel 1\nregel 2"],
    ["Club", "Venlo", "", "ca. 40", " spatie "],
]
EXCEL_CSV_EXPECTED = [
    ("naam", "gemeente", "wijk", "jongeren_bereik", "opmerkingen"),
    ("Café Ëxtra", "Súdwest-Fryslân", "Sneek; Bolsward", "1,5", 'zei: "goed"'),
    (None, None, None, None, None),
    ("Buurthuis", "Den Haag", "Laak", "1.200", "regel 1\nregel 2"),
    ("Club", "Venlo", None, "ca. 40", " spatie "),
]


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "cp1252",
              line_end: str = "\r\n") -> bytes:
    """CSV bytes the way Excel writes them: quotes only where needed, CRLF records."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_excel_csv_cp1252_semicolon_crlf(tmp_path):
    data = csv_bytes(EXCEL_CSV_ROWS)
    assert b"\r\n" in data and "é".encode("cp1252") in data  # really what Excel writes
    path = write_csv(tmp_path / "kaart.csv", data)
    assert sniff_csv(data) == CsvDialect("cp1252", ";", ",")
    rows = read_rows(path)
    assert rows == EXCEL_CSV_EXPECTED
    assert rows[1][3] == "1,5"  # never converted: values.py reads Dutch notation


@pytest.mark.parametrize("encoding, sniffed", [
    ("utf-8-sig", "utf-8-sig"),  # Excel "CSV UTF-8 (door komma's gescheiden)"
    ("utf-8", "utf-8"),
    ("utf-16", "utf-16"),  # with BOM, as Excel's "Unicode-tekst"
])
def test_csv_unicode_encodings(tmp_path, encoding, sniffed):
    data = csv_bytes(EXCEL_CSV_ROWS, encoding=encoding)
    assert sniff_csv(data) == CsvDialect(sniffed, ";", ",")
    rows = read_rows(write_csv(tmp_path / "kaart.csv", data))
    assert rows == EXCEL_CSV_EXPECTED
    assert rows[0][0] == "naam"  # no byte order mark glued to the first header


@pytest.mark.parametrize("delimiter, decimal", [(";", ","), (",", "."), ("\t", ",")])
def test_csv_delimiters(tmp_path, delimiter, decimal):
    rows = [[cell.replace("1,5", "1.5") if delimiter == "," else cell for cell in row] for row in EXCEL_CSV_ROWS]
    data = csv_bytes(rows, delimiter=delimiter, encoding="utf-8", line_end="\n")
    assert sniff_csv(data) == CsvDialect("utf-8", delimiter, decimal)
    assert read_rows(write_csv(tmp_path / "kaart.csv", data))[1][2:4] == (
        "Sneek; Bolsward", "1.5" if delimiter == "," else "1,5")


@pytest.mark.parametrize("text, dialect", [
    # quoted ';' and ',' inside fields do not count
    ('naam;wijk\n"A, B";"x; y"\n"C";"z"\n', CsvDialect("utf-8", ";", ",")),
    ('naam,wijk,n\n"A; B","x; y",1.5\nC,z,2\n', CsvDialect("utf-8", ",", ".")),
    # decimal commas in every row: ';' still wins (consistent, more fields)
    ("a;1,5;x\nb;2,5;y\n", CsvDialect("utf-8", ";", ",")),
    ("a;1,5\nb;2,5\n", CsvDialect("utf-8", ";", ",")),
    # point decimals in a ';' file (an English-locale export)
    ("naam;n\na;1.5\nb;0.25\n", CsvDialect("utf-8", ";", ".")),
    # '1.200' is a thousands separator, no evidence: the Dutch default
    ("naam;n\na;1.200\nb;40\n", CsvDialect("utf-8", ";", ",")),
    ("naam;n\na;1.200,50\n", CsvDialect("utf-8", ";", ",")),
    # a quoted newline in a ',' file
    ('naam,opmerking\nA,"regel 1\nregel 2; meer"\nB,kort\n', CsvDialect("utf-8", ",", ".")),
    # one column: nothing to split, ';' by default
    ("naam\nA\nB\n", CsvDialect("utf-8", ";", ",")),
    # Excel's 'sep=' line decides
    ("sep=,\nnaam;wijk,n\na;b,1\n", CsvDialect("utf-8", ",", ".")),
    # a ragged hand-edited file: the most consistent delimiter wins
    ("naam;gemeente;n\nA;Venlo;1\nB;Venlo\nC;Venlo;3\nD, E;Venlo;4\n", CsvDialect("utf-8", ";", ",")),
])
def test_sniff_csv_cases(text, dialect):
    assert sniff_csv(text.encode("utf-8")) == dialect


def test_sniff_csv_encodings():
    assert sniff_csv("naam;n\nCafé;1\n".encode("cp1252")).encoding == "cp1252"
    assert sniff_csv("naam;n\nCafé;1\n".encode("utf-8")).encoding == "utf-8"
    assert sniff_csv(b"\xef\xbb\xbfnaam;n\n").encoding == "utf-8-sig"
    assert sniff_csv(b"naam;n\nabc;1\n").encoding == "utf-8"  # plain ASCII
    assert sniff_csv(b"naam;n\n\x81\x8d;1\n").encoding == "latin-1"  # not even cp1252
    # a sample cut in the middle of a UTF-8 character is still UTF-8
    assert sniff_csv("naam;n\nSúdwest;1\n".encode("utf-8")[:13]).encoding == "utf-8"


def test_csv_sep_line_is_not_a_row(tmp_path):
    path = write_csv(tmp_path / "k.csv", b"sep=;\r\nnaam;n\r\nA;1,5\r\n")
    assert read_rows(path) == [("naam", "n"), ("A", "1,5")]


def test_csv_blank_lines_keep_row_numbers(tmp_path):
    path = write_csv(tmp_path / "k.csv", b"\r\nnaam;n\r\n\r\nA;1\r\n;\r\n\r\n")
    assert read_rows(path) == [(None, None), ("naam", "n"), (None, None), ("A", "1")]


def test_csv_engine_is_ignored_and_sheet_is_the_file(tmp_path):
    path = write_csv(tmp_path / "kaart.csv", b"a;b\n1;2\n")
    assert read_rows(path, engine="openpyxl") == read_rows(path, "kaart") == [("a", "b"), ("1", "2")]
    assert list_sheets(path) == ["kaart"]
    with pytest.raises(InputError, match=r"geen blad 'organisaties' \(bladen: 'kaart'\)"):
        read_rows(path, "organisaties")


def test_empty_csv(tmp_path):
    assert read_rows(write_csv(tmp_path / "k.csv", b"")) == []


@pytest.mark.parametrize("path, dialect", [
    (LO_CSV_UTF8, CsvDialect("utf-8", ";", ",")),
    (LO_CSV_CP1252, CsvDialect("cp1252", ";", ",")),
])
def test_libreoffice_csv_exports(path, dialect):
    assert sniff_csv(path.read_bytes()) == dialect
    assert read_rows(path) == LIBREOFFICE_CSV_ROWS


_FIELD = st.text(alphabet=st.sampled_from(list('abcXYZ éëúâ019 -."\n')), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=st.integers(2, 5).flatmap(
        lambda width: st.lists(st.lists(_FIELD, min_size=width, max_size=width), min_size=2, max_size=6)),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["cp1252", "utf-8", "utf-8-sig"]),
    line_end=st.sampled_from(["\r\n", "\n"]),
)
def test_csv_round_trip(tmp_path, table, delimiter, encoding, line_end):
    """Whatever the content (quotes, newlines, accents), the delimiter is found and cells come back."""
    table[0][0] = "naam"  # a header starts with text, as in every real file
    data = csv_bytes(table, delimiter, encoding, line_end)
    dialect = sniff_csv(data)
    assert dialect.delimiter == delimiter
    if any(ch in "éëúâ" for row in table for cell in row for ch in cell):
        assert dialect.encoding == encoding
    path = write_csv(tmp_path / "k.csv", data)
    expected = [tuple(cell or None for cell in row) for row in table]
    while expected and all(cell is None for cell in expected[-1]):
        expected.pop()
    width = max((max((i + 1 for i, c in enumerate(row) if c is not None), default=0) for row in expected), default=0)
    assert read_rows(path) == [row[:width] for row in expected]


# --------------------------------------------------------------------------- sheets


def test_list_sheets_on_every_format(tmp_path):
    path = xlsx(tmp_path / "k.xlsx", {"toelichting": {"A1": 1}, "organisaties": {"A1": 1}, "lijsten": {}})
    assert list_sheets(path) == ["toelichting", "organisaties", "lijsten"]
    assert list_sheets(LO_XLSX) == list_sheets(LO_ODS) == ["toelichting", "organisaties"]
    assert list_sheets(LO_CSV_UTF8) == ["interviews_libreoffice_utf8"]
    assert SUPPORTED_SUFFIXES == (".xlsx", ".xlsm", ".ods", ".csv")


@engines
def test_missing_sheet_lists_the_sheets(tmp_path, engine):
    path = write_workbook(tmp_path / "kaart.xlsx", {"toelichting": [["x"]], "Organisaties ": [["naam"]]})
    with pytest.raises(InputError) as raised:
        read_rows(path, "organisaties", engine=engine)
    problem = raised.value.problem
    assert (problem.file, problem.sheet, problem.row) == ("kaart.xlsx", "organisaties", None)
    assert "er is geen blad 'organisaties' (bladen: 'toelichting', 'Organisaties ')" in problem.reason
    assert "kaart.xlsx" in str(raised.value)


def test_missing_sheet_in_ods():
    with pytest.raises(InputError, match="bladen: 'toelichting', 'organisaties'"):
        read_rows(LO_ODS, "Blad1")


# --------------------------------------------------------------------------- errors


def test_unknown_engine_is_a_programming_error(tmp_path):
    path = xlsx(tmp_path / "k.xlsx", {"a": {"A1": 1}})
    with pytest.raises(ValueError, match="unknown engine 'pandas'"):
        read_rows(path, engine="pandas")
    with pytest.raises(ValueError, match="unknown engine"):
        read_rows(LO_CSV_UTF8, engine="xlrd")


def test_openpyxl_cannot_read_ods():
    with pytest.raises(ValueError, match="openpyxl.*ods"):
        read_rows(LO_ODS, engine="openpyxl")


def assert_input_error(path: Path, reason: str, hint: str, engine: str = "calamine") -> None:
    with pytest.raises(InputError) as raised:
        read_rows(path, engine=engine)
    problem = raised.value.problem
    assert problem.file == path.name and problem.row is None
    assert reason in problem.reason, problem.reason
    assert hint in problem.hint, problem.hint


@engines
def test_xls_is_refused_with_a_hint(tmp_path, engine):
    assert_input_error(LO_XLS, "oud Excel-bestand (Excel 97-2003, .xls)", "sla het op als .xlsx", engine)
    renamed = shutil.copyfile(LO_XLS, tmp_path / "kaart.xlsx")
    assert_input_error(renamed, "oud Excel-bestand (Excel 97-2003, .xls) met '.xlsx' in de naam", "sla het op als .xlsx",
                       engine)


@engines
def test_corrupt_files(tmp_path, engine):
    good = xlsx(tmp_path / "good.xlsx", {"a": {"A1": 1}}).read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    assert_input_error(truncated, "beschadigd", "sla het opnieuw op", engine)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(bytes(range(256)) * 4)
    assert_input_error(garbage, "geen rekenblad", "", engine)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert_input_error(empty, "leeg", "", engine)
    # a zip, but not a workbook
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    assert_input_error(other, "kan niet worden geopend", "sla het opnieuw op", engine)


def test_a_csv_with_an_xlsx_name(tmp_path):
    path = tmp_path / "kaart.xlsx"
    path.write_bytes(csv_bytes(EXCEL_CSV_ROWS))
    assert_input_error(path, "gewone tekst", "Verander de extensie dan in .csv")


def test_corrupt_ods(tmp_path):
    damaged = tmp_path / "kaart.ods"
    damaged.write_bytes(LO_ODS.read_bytes()[:3000])
    assert_input_error(damaged, "beschadigd", "sla het opnieuw op")


def test_ods_and_xlsx_with_each_others_name(tmp_path):
    assert_input_error(shutil.copyfile(LO_ODS, tmp_path / "kaart.xlsx"), "OpenDocument-bestand (.ods)", "in .ods")
    assert_input_error(shutil.copyfile(LO_XLSX, tmp_path / "kaart.ods"), "Excel-bestand", "in .xlsx")


def test_password_protected_workbooks(tmp_path):
    assert_input_error(LO_PASSWORD, "beveiligd met een wachtwoord", "zonder wachtwoord")
    with pytest.raises(InputError, match="beveiligd met een wachtwoord"):
        list_sheets(LO_PASSWORD)
    # An encrypted xlsx is an OLE2 container with an EncryptionInfo stream. No tool
    # here writes one (LibreOffice 7.4 fails to), so this stands in for its first bytes.
    encrypted = tmp_path / "kaart.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "EncryptionInfo".encode("utf-16-le"))
    assert_input_error(encrypted, "beveiligd met een wachtwoord", "zonder wachtwoord")


def test_missing_file_and_unsupported_types(tmp_path):
    assert_input_error(tmp_path / "weg.xlsx", "het bestand is niet gevonden", "Controleer de map en de naam")
    assert_input_error(write_csv(tmp_path / "kaart.txt", b"a;b\n"), "geen bestanden van het type '.txt'", ".csv")
    with pytest.raises(InputError, match="oud Excel"):
        list_sheets(LO_XLS)


def test_suffix_is_case_insensitive(tmp_path):
    path = shutil.copyfile(LO_XLSX, tmp_path / "KAART.XLSX")
    assert read_rows(path, "organisaties") == LIBREOFFICE_ROWS


# --------------------------------------------------------------------------- cells the reader leaves empty, with a note


def _rewrite_sheet(path: Path, replacements: dict[bytes, bytes]) -> Path:
    """Replace bytes in the first sheet's XML of an xlsx (to write what Excel writes and openpyxl does not)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    for old, new in replacements.items():
        assert old in parts[sheet], old
        parts[sheet] = parts[sheet].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@engines
def test_a_formula_without_cached_value_is_empty_with_a_note_naming_the_cell(tmp_path, engine):
    # openpyxl writes the formula and no value, as every program does that does not calculate
    path = xlsx(tmp_path / "k.xlsx", {"organisaties": {"A1": "a", "B1": "b", "C1": "som",
                                                       "A2": 1, "B2": 2, "C2": "=A2+B2"}})
    sheet = read_sheet(path, "organisaties", engine=engine)
    assert sheet.name == "organisaties"
    assert sheet.rows == [("a", "b", "som"), (1, 2, None)]
    (note,) = sheet.notes
    assert (note.row, note.column, note.kind) == (2, 2, "formule")
    assert "cel C2 heeft een formule zonder berekende waarde" in note.reason
    assert "Open en bewaar het bestand in Excel of LibreOffice" in note.hint
    assert read_rows(path, "organisaties", engine=engine) == sheet.rows  # read_rows: the same rows


@engines
def test_a_formula_with_a_cached_value_has_no_note(tmp_path, engine):
    path = xlsx(tmp_path / "k.xlsx", {"organisaties": {"A1": 1, "B1": 2, "C1": "=A1+B1", "D1": '=""', "E1": "x"}})
    # what Excel writes: the result beside the formula; an empty text result is typed t="str"
    _rewrite_sheet(path, {b"<f>A1+B1</f><v />": b"<f>A1+B1</f><v>3</v>",
                          b'<c r="D1"><f>""</f><v /></c>': b'<c r="D1" t="str"><f>""</f><v></v></c>'})
    sheet = read_sheet(path, engine=engine)
    assert sheet.rows == [(1, 2, 3, None, "x")]
    assert sheet.notes == []


@pytest.mark.parametrize("path, engine", [(LO_ODS, "calamine"), (LO_XLSX, "calamine"), (LO_XLSX, "openpyxl")])
def test_libreoffice_formulas_have_their_values_and_no_notes(path, engine):
    assert read_sheet(path, "organisaties", engine=engine).notes == []


@pytest.fixture
def short_cells(monkeypatch):
    """Cells of at most 10 characters, for this test."""
    import dataclasses

    from buitenbeeld import settings as package_settings

    monkeypatch.setattr(package_settings, "LIMITS", dataclasses.replace(package_settings.LIMITS, max_cell_chars=10))


@engines
def test_a_cell_over_the_length_limit_is_empty_with_a_note(tmp_path, engine, short_cells):
    path = xlsx(tmp_path / "k.xlsx", {"organisaties": {"A1": "tien tekens", "B1": "0123456789",
                                                       "A2": "x", "A3": "06-12345678 en meer"}})
    sheet = read_sheet(path, engine=engine)
    assert sheet.rows == [(None, "0123456789"), ("x", None), (None, None)]  # the last row stays, for its note
    assert [(n.row, n.column, n.kind) for n in sheet.notes] == [(1, 0, "te_lang"), (3, 0, "te_lang")]
    note = sheet.notes[1]
    assert "de cel is te lang: 19 tekens; de grens is 10 tekens (BUITENBEELD_MAX_CEL_TEKENS)" in note.reason
    assert "BUITENBEELD_MAX_CEL_TEKENS" in note.hint
    assert "06-12345678" not in note.reason + note.hint  # the value may be personal: never repeated


def test_a_csv_field_longer_than_the_csv_modules_limit_is_one_note_not_an_unusable_file(tmp_path):
    long = "x" * 200_000  # the csv module stops at 131,072 characters by default
    path = write_csv(tmp_path / "k.csv", f"naam;gemeente\n{long};Venlo\nClub;Venlo\n".encode("utf-8"))
    sheet = read_sheet(path)
    assert sheet.rows == [("naam", "gemeente"), (None, "Venlo"), ("Club", "Venlo")]
    (note,) = sheet.notes
    assert (note.row, note.column, note.kind) == (2, 0, "te_lang") and "200.000 tekens" in note.reason
    assert "aanhalingsteken" in note.hint  # in a CSV, a missing quote makes one long cell


def test_a_csv_row_with_another_delimiter_has_a_note_for_the_row(tmp_path):
    text = ("Sociale kaart, gemeente Venlo\n"  # a title with a comma: no row of the table
            "naam;gemeente;type;jongeren_bereik\n"
            "Club;Venlo;hobby;40\n"
            "Buurthuis,Venlo,welzijn,12\n"
            "Jansen, Pietersen en Co;;;\n"  # a name with a comma, the other cells empty: text
            "Moskee;Venlo;religieus;60\n")
    sheet = read_sheet(write_csv(tmp_path / "k.csv", text.encode("utf-8")))
    assert sheet.rows[3][0] == "Buurthuis,Venlo,welzijn,12"  # the cells stay as read
    (note,) = sheet.notes
    assert (note.row, note.column, note.kind) == (4, None, "scheidingsteken")
    assert note.reason.startswith("deze rij gebruikt ',' (komma) als scheidingsteken, "
                                  "de rest van het bestand ';' (puntkomma)")
    assert "';' (puntkomma) tussen de waarden" in note.hint
    assert "Buurthuis" not in note.reason + note.hint


def test_a_tab_row_in_a_semicolon_csv(tmp_path):
    text = "naam;gemeente;type\nClub;Venlo;hobby\nBuurthuis\tVenlo\twelzijn\n"
    (note,) = read_sheet(write_csv(tmp_path / "k.csv", text.encode("utf-8"))).notes
    assert note.row == 3 and "gebruikt een tab als scheidingsteken" in note.reason
