"""The interview template: derived from COLUMNS, readable when empty, lossless when filled."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from buitenbeeld.common import values
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest.interviews import COLUMNS, PERSONAL_COLUMNS, read_interviews
from buitenbeeld.ingest.template import JA_NEE_SOMS, LAST_ROW, LEEFGEBIED_UITLEG, SHEETS, write_interview_template

KINDS = {column.name: column.kind for column in COLUMNS}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_interview_template(tmp_path_factory.mktemp("template") / "interviews.xlsx")


@pytest.fixture(scope="module")
def workbook(template):
    return load_workbook(template)


def _letter(name: str) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter([c.name for c in COLUMNS].index(name) + 1)


def _range_values(workbook, defined_name: str) -> list:
    sheet_name, cells = next(iter(workbook.defined_names[defined_name].destinations))
    return [row[0].value for row in workbook[sheet_name][cells]]


def _validation_of(sheet, name: str):
    """The data validation covering the data rows of column ``name``, or None."""
    letter = _letter(name)
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv and f"{letter}{LAST_ROW}" in dv]
    assert len(found) <= 1
    return found[0] if found else None


def test_sheets_header_and_properties(workbook):
    assert tuple(workbook.sheetnames) == SHEETS
    assert workbook.sheetnames[1] == "organisaties"
    sheet = workbook["organisaties"]
    header = [cell.value for cell in sheet[1]]
    assert header == [column.label for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert workbook.properties.title == "Sociale kaart: interviews"
    assert workbook.properties.creator == "buitenbeeld"


def test_required_and_personal_columns_are_marked(workbook):
    sheet = workbook["organisaties"]
    fills = {column.name: sheet.cell(1, index).fill.fgColor.rgb for index, column in enumerate(COLUMNS, start=1)}
    required = {fills[c.name] for c in COLUMNS if c.required}
    personal = {fills[c.name] for c in COLUMNS if c.kind == "personal"}
    others = {fills[c.name] for c in COLUMNS if not c.required and c.kind != "personal"}
    assert len(required) == len(personal) == len(others) == 1
    assert len(required | personal | others) == 3
    for index, column in enumerate(COLUMNS, start=1):
        comment = sheet.cell(1, index).comment
        if column.required:
            assert "Verplicht" in comment.text
        elif column.kind == "personal":
            assert "nooit in een rapport" in comment.text
    assert sheet.column_dimensions[_letter("datum_interview")].number_format == "d-m-yyyy"


def test_explanation_lists_every_column(workbook):
    sheet = workbook["toelichting"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    table = {row[1]: row for row in rows if row[1] in KINDS}
    assert list(table) == [column.name for column in COLUMNS]
    for column in COLUMNS:
        label, _, required, what = table[column.name]
        assert label == column.label and required == ("ja" if column.required else "nee") and what
    text = "\n".join(str(v) for row in rows for v in row if v)
    for words in ("onbekend", "ca. 40", "30-50", "nooit 0", ";", "geen beoordeling", "nooit in een rapport",
                  "leeg betekent nee"):
        assert words in text or words.capitalize() in text, words
    for name in PERSONAL_COLUMNS:
        assert "nooit in een rapport" in table[name][3]


def test_lists_are_the_constants(workbook):
    assert _range_values(workbook, "lijst_types") == list(values.ORGANISATION_TYPES)
    assert _range_values(workbook, "lijst_rollen") == list(values.ROLES)
    assert _range_values(workbook, "lijst_leefgebieden") == list(values.LEEFGEBIEDEN)
    assert _range_values(workbook, "lijst_leefgebied_nummers") == list(range(1, 14))
    assert _range_values(workbook, "lijst_janeesoms") == list(JA_NEE_SOMS)
    assert _range_values(workbook, "lijst_janee") == ["ja", "nee"]
    assert _range_values(workbook, "lijst_schaal") == [1, 2, 3, 4, 5, "onbekend"]
    # the answers in the lists are what the reader understands
    assert [values.parse_ja_nee_soms(a) for a in JA_NEE_SOMS] == list(JA_NEE_SOMS)
    assert [values.parse_bool(a) for a in JA_NEE_SOMS[:2]] == [True, False]


def test_leefgebieden_sheet(workbook):
    rows = list(workbook["leefgebieden"].iter_rows(min_row=2, max_row=14, values_only=True))
    assert [(number, name) for number, name, _ in rows] == list(enumerate(values.LEEFGEBIEDEN, start=1))
    assert all(explanation for _, _, explanation in rows)
    assert set(LEEFGEBIED_UITLEG) == set(values.LEEFGEBIEDEN)


def test_data_validations(workbook):
    sheet = workbook["organisaties"]
    type_dv = _validation_of(sheet, "type")
    assert (type_dv.type, type_dv.formula1) == ("list", "lijst_types")
    assert "lijsten" in workbook.defined_names["lijst_types"].attr_text
    for name, kind in KINDS.items():
        dv = _validation_of(sheet, name)
        if kind == "scale":
            assert (dv.type, dv.formula1, dv.showErrorMessage) == ("list", "lijst_schaal", True)
        elif kind in ("bool", "consent"):  # consent: the drop-down offers ja and nee, and only ja counts
            assert (dv.type, dv.formula1) == ("list", "lijst_janee")
        elif kind == "janeesoms":
            assert (dv.type, dv.formula1) == ("list", "lijst_janeesoms")
        elif kind in ("roles", "leefgebieden"):  # a drop-down that still allows 'bereiken; activeren'
            assert dv.type == "list" and not dv.showErrorMessage
        elif kind == "date":
            assert (dv.type, dv.errorStyle) == ("date", "warning")
        elif kind == "number":  # estimates must stay possible: only an input message
            assert dv.type is None and not dv.showErrorMessage and "ca. 40" in dv.prompt
        else:
            assert dv is None or name == "type", name


def test_empty_template_reads_as_nothing(template):
    result = read_interviews(template)
    row = result.files.iloc[0]
    assert (row["read"], row["loaded"], row["rejected"]) == (0, 0, 0)
    assert result.organisaties.empty
    assert not (result.problems["severity"] == "error").any()


def test_refuses_to_overwrite(tmp_path):
    path = write_interview_template(tmp_path / "kaart.xlsx")
    path.write_bytes(b"my own work")
    with pytest.raises(BuitenbeeldError, match="overwrite"):
        write_interview_template(path)
    assert path.read_bytes() == b"my own work"
    assert write_interview_template(path, overwrite=True) == path
    assert load_workbook(path).sheetnames == list(SHEETS)
    with pytest.raises(BuitenbeeldError, match=".xlsx"):
        write_interview_template(tmp_path / "kaart.csv")


# ---------------------------------------------------------------- round trip

def _number(value, low=None, high=None, estimate=False, missing=None):
    low = value if low is None else low
    high = value if high is None else high
    return {"": value, "_min": low, "_max": high, "_geschat": estimate, "_onbekend": missing}


UNKNOWN = _number(None, missing="onbekend")
EMPTY = _number(None, missing="leeg")

# (what the interviewer types, what the reader gives) per column, three organisations
FILLED = [
    {
        "organisatie_id": ("DH-001", "DH-001"),
        "naam": ("Boksschool De Vuist", "Boksschool De Vuist"),
        "gemeente": ("Den Haag", ("GM0518", "'s-Gravenhage")),
        "wijk": ("Schilderswijk; Transvaal", ("Schilderswijk", "Transvaal")),
        "postcode": ("2525ab", "2525 AB"),
        "type": ("hobby", "interesse/hobby"),
        "datum_interview": (dt.datetime(2024, 3, 5), dt.date(2024, 3, 5)),
        "ronde": (1, "1"),
        "interviewer": ("Interviewer Een", "Interviewer Een"),
        "contactpersoon": ("Piet Contact", "Piet Contact"),
        "telefoon": ("06-00000001", "06-00000001"),
        "email": ("piet@voorbeeld.nl", "piet@voorbeeld.nl"),
        "jongeren_bereik": ("ca. 40", _number(40.0, estimate=True)),
        "jongeren_buiten_beeld": ("30-50", _number(40.0, 30.0, 50.0, True)),
        "jongeren_zorgwekkend": ("onbekend", UNKNOWN),
        "vertrouwensband": (4, 4),
        "leefgebieden": ("2;5", ("werk & opleiding", "huiselijke relaties")),
        "gesprekken_per_maand": (12, _number(12.0)),
        "doorverwijzingen_12m": ("ca. 10", _number(10.0, estimate=True)),
        "plaatsingen_opleiding_12m": ("3", _number(3.0)),
        "plaatsingen_werk_12m": (2, _number(2.0)),
        "plaatsingen_stage_12m": (0, _number(0.0)),
        "contact_na_plaatsing": ("soms", "soms"),
        "terugval_opgevangen_12m": (1, _number(1.0)),
        "rollen_nu": ("bereiken; activeren", ("bereiken", "activeren")),
        "rollen_bereid": ("bereiken; activeren; plaatsen", ("bereiken", "activeren", "plaatsen")),
        "rollen_gemeente": ("activeren", ("activeren",)),
        "inschatting_gemeente_buiten_beeld": ("80", _number(80.0)),
        "samenwerking_gemeente": (3, 3),
        "behoeften": ("Een vaste contactpersoon bij de gemeente", "Een vaste contactpersoon bij de gemeente"),
        "risicos": ("Jongeren haken af als het officieel wordt", "Jongeren haken af als het officieel wordt"),
        "toestemming_publicatie": ("ja", True),
        "opmerkingen": ("Training op dinsdag", "Training op dinsdag"),
    },
    {
        "organisatie_id": (None, "GM0518-kapsalon-de-kam"),
        "naam": ("Kapsalon De Kam", "Kapsalon De Kam"),
        "gemeente": ("GM0518", ("GM0518", "'s-Gravenhage")),
        "wijk": ("Transvaal", ("Transvaal",)),
        "postcode": (None, None),
        "type": ("commercieel", "commercieel"),
        "datum_interview": ("12-11-2023", dt.date(2023, 11, 12)),
        "ronde": (None, "1"),  # no round of its own: its file's round in Den Haag
        "interviewer": ("Interviewer Twee", "Interviewer Twee"),
        "contactpersoon": ("Ali Contact", "Ali Contact"),
        "telefoon": (None, None),
        "email": ("ali@voorbeeld.nl", "ali@voorbeeld.nl"),
        "jongeren_bereik": (120, _number(120.0)),
        "jongeren_buiten_beeld": ("onbekend", UNKNOWN),
        "jongeren_zorgwekkend": (None, EMPTY),
        "vertrouwensband": ("onbekend", None),
        "leefgebieden": (None, ()),
        "gesprekken_per_maand": ("30-50", _number(40.0, 30.0, 50.0, True)),
        "doorverwijzingen_12m": (None, EMPTY),
        "plaatsingen_opleiding_12m": (None, EMPTY),
        "plaatsingen_werk_12m": (None, EMPTY),
        "plaatsingen_stage_12m": (None, EMPTY),
        "contact_na_plaatsing": (None, None),
        "terugval_opgevangen_12m": ("onbekend", UNKNOWN),
        "rollen_nu": ("bereiken", ("bereiken",)),
        "rollen_bereid": (None, ()),
        "rollen_gemeente": (None, ()),
        "inschatting_gemeente_buiten_beeld": ("ca. 40", _number(40.0, estimate=True)),
        "samenwerking_gemeente": (None, None),
        "behoeften": (None, None),
        "risicos": ("Klanten blijven weg bij zichtbare gemeente", "Klanten blijven weg bij zichtbare gemeente"),
        "toestemming_publicatie": ("nee", False),
        "opmerkingen": (None, None),
    },
    {
        "organisatie_id": ("VL-007", "VL-007"),
        "naam": ("Moskee Al Noor", "Moskee Al Noor"),
        "gemeente": ("Venlo", ("GM0983", "Venlo")),
        "wijk": (None, ()),
        "postcode": ("5911 AA", "5911 AA"),
        "type": ("cultuur/religie", "cultuur/religie"),
        "datum_interview": (None, None),
        "ronde": ("2024-1", "2024-1"),
        "interviewer": ("Interviewer Twee", "Interviewer Twee"),
        "contactpersoon": ("Omar Contact", "Omar Contact"),
        "telefoon": ("077-0000000", "077-0000000"),
        "email": (None, None),
        "jongeren_bereik": (60, _number(60.0)),
        "jongeren_buiten_beeld": (8, _number(8.0)),
        "jongeren_zorgwekkend": ("ca. 3", _number(3.0, estimate=True)),
        "vertrouwensband": (5, 5),
        "leefgebieden": ("werk & opleiding; sociaal netwerk", ("werk & opleiding", "sociaal netwerk")),
        "gesprekken_per_maand": (None, EMPTY),
        "doorverwijzingen_12m": (4, _number(4.0)),
        "plaatsingen_opleiding_12m": (1, _number(1.0)),
        "plaatsingen_werk_12m": ("onbekend", UNKNOWN),
        "plaatsingen_stage_12m": (None, EMPTY),
        "contact_na_plaatsing": ("ja", "ja"),
        "terugval_opgevangen_12m": (None, EMPTY),
        "rollen_nu": ("bereiken; activeren", ("bereiken", "activeren")),
        "rollen_bereid": ("behouden", ("behouden",)),
        "rollen_gemeente": ("Bereiken; plaatsen", ("bereiken", "plaatsen")),
        "inschatting_gemeente_buiten_beeld": ("onbekend", UNKNOWN),
        "samenwerking_gemeente": (4, 4),
        "behoeften": ("Ruimte voor huiswerkbegeleiding", "Ruimte voor huiswerkbegeleiding"),
        "risicos": (None, None),
        "toestemming_publicatie": (None, False),
        "opmerkingen": ("Contact via de imam", "Contact via de imam"),
    },
]


def _same(actual, expected) -> bool:
    if expected is None:
        return actual is None or actual is pd.NA or (isinstance(actual, float) and math.isnan(actual))
    if isinstance(expected, tuple):
        return tuple(actual) == expected
    return actual == expected


def test_filled_template_reads_back_without_loss(template, tmp_path):
    assert {name for row in FILLED for name in row} == set(KINDS)  # every column is covered
    workbook = load_workbook(template)
    sheet = workbook["organisaties"]
    position = {cell.value: cell.column for cell in sheet[1]}
    for row_number, row in enumerate(FILLED, start=2):
        for column in COLUMNS:
            sheet.cell(row_number, position[column.label], row[column.name][0])
    filled = tmp_path / "ingevuld.xlsx"
    workbook.save(filled)

    result = read_interviews(filled)
    counts = result.files.iloc[0]
    assert (counts["read"], counts["loaded"], counts["rejected"]) == (3, 3, 0)
    assert result.problems.empty, result.problems.to_dict("records")
    organisaties = result.organisaties.set_index("organisatie_id")
    personal = result.personal.set_index("organisatie_id")
    assert not set(PERSONAL_COLUMNS) & set(organisaties.columns)
    for row in FILLED:
        org_id = row["organisatie_id"][1]
        for name, (typed, expected) in row.items():
            if KINDS[name] == "personal":
                assert _same(personal.loc[org_id, name], expected), (org_id, name)
            elif KINDS[name] == "number":
                for suffix, value in expected.items():
                    assert _same(organisaties.loc[org_id, name + suffix], value), (org_id, name + suffix)
            elif KINDS[name] == "gemeente":
                code, naam = expected
                assert tuple(organisaties.loc[org_id, ["gemeentecode", "gemeentenaam"]]) == (code, naam)
            elif name != "organisatie_id":
                assert _same(organisaties.loc[org_id, name], expected), (org_id, name, typed)
