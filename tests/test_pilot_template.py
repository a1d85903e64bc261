"""The empty pilot workbook: what the pilot reader reads, clean for the privacy gate, valid when empty."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from buitenbeeld.cli import main
from buitenbeeld.common import values
from buitenbeeld.common.vocabulary import CONTACT_SHEET, PLAATSING_SOORTEN, SCOUT_SHEET, STAPPEN
from buitenbeeld.ingest.pilot import read_pilot
from buitenbeeld.ingest.pilot_columns import CONTACT_COLUMNS, SCOUT_COLUMNS, SHEET_HEADERS
from buitenbeeld.ingest.pilot_template import LAST_ROW, LEFT_OUT, SHEETS, write_pilot_template
from buitenbeeld.privacy.gate import check_identifiers, find_identifiers, header_kind

READER = {SCOUT_SHEET: SCOUT_COLUMNS, CONTACT_SHEET: CONTACT_COLUMNS}
#: One plausible row per sheet, by column name (codes, never names).
FILLED = {
    SCOUT_SHEET: {"scout_id": "S01", "gemeente": "Venlo", "organisatie_id": "ORG-03", "startdatum": dt.date(2025, 1, 6),
                  "woont_in_gemeente": "ja", "bekend_in_wijk": "ja", "groot_netwerk": "nee", "voorbeeldrol": "ja",
                  "kent_ambtelijke_wereld": "nee", "training_afgerond": dt.date(2025, 2, 3), "vergoeding": "ja",
                  "certificaat": "nee", "faciliteiten": "ja"},
    CONTACT_SHEET: {"jongere_id": "J0001", "scout_id": "S01", "organisatie_id": "ORG-03", "gemeente": "GM0983",
                    "datum": dt.date(2025, 3, 5), "stap": "geplaatst", "plaatsing_soort": "werk",
                    "warme_overdracht": "ja", "leefgebieden": "werk & opleiding; financiën", "leeftijd": 19},
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_pilot_template(tmp_path_factory.mktemp("pilot") / "pilot.xlsx")


@pytest.fixture(scope="module")
def workbook(template):
    return load_workbook(template)


def _headers(workbook, sheet: str) -> list[str]:
    return [cell.value for cell in workbook[sheet][1] if cell.value is not None]


def test_sheets_and_headers_are_the_readers(workbook):
    assert tuple(workbook.sheetnames) == SHEETS
    for sheet, columns in READER.items():
        headers = _headers(workbook, sheet)
        mapped = [SHEET_HEADERS[sheet][values.normalise_header(h)].name for h in headers]
        assert mapped == [c.name for c in columns if c.name not in LEFT_OUT]
        assert {c.name for c in columns if c.required} <= set(mapped)


def test_no_header_invites_a_direct_identifier(template, workbook):
    for sheet in (SCOUT_SHEET, CONTACT_SHEET):
        for header in _headers(workbook, sheet):
            assert header_kind(header) is None, header
    assert find_identifiers(template) == []  # every sheet, the explanation included
    assert "opmerking" in LEFT_OUT  # free text is never analysed, so the template does not ask for it


def test_the_explanation_asks_for_codes_and_holds_no_date(workbook):
    text = "\n".join(str(v) for row in workbook["toelichting"].iter_rows(values_only=True) for v in row if v)
    for words in ("S01", "J0001", "Geen namen", "geen telefoonnummers", "geen e-mailadressen", "geen geboortedata",
                  "pseudonimiseer"):
        assert words in text, words
    for columns in READER.values():
        for column in columns:
            assert (column.name in text) == (column.name not in LEFT_OUT), column.name
    # an example date would one day lie 10 to 30 years back, and the gate would take it for a birth date
    assert not re.search(r"\b(19|20)\d\d\b", text)


def _validation(sheet, header: str):
    letter = next(cell.column_letter for cell in sheet[1] if cell.value == header)
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv and f"{letter}{LAST_ROW}" in dv]
    assert len(found) == 1, header
    return found[0]


def _list_values(workbook, name: str) -> list:
    sheet_name, cells = next(iter(workbook.defined_names[name].destinations))
    return [row[0].value for row in workbook[sheet_name][cells]]


def test_closed_answers_have_drop_downs_of_the_readers_values(workbook):
    contacts, scouts = workbook[CONTACT_SHEET], workbook[SCOUT_SHEET]
    label = {c.name: c.label for c in CONTACT_COLUMNS + SCOUT_COLUMNS}
    stap = _validation(contacts, label["stap"])
    assert stap.type == "list" and stap.showErrorMessage and _list_values(workbook, stap.formula1) == list(STAPPEN)
    soort = _validation(contacts, label["plaatsing_soort"])
    assert _list_values(workbook, soort.formula1) == list(PLAATSING_SOORTEN)
    leefgebieden = _validation(contacts, label["leefgebieden"])
    assert leefgebieden.type == "list" and not leefgebieden.showErrorMessage  # 'a; b' must stay possible
    assert _list_values(workbook, leefgebieden.formula1) == list(values.LEEFGEBIEDEN)
    for sheet, columns in ((contacts, CONTACT_COLUMNS), (scouts, SCOUT_COLUMNS)):
        for column in columns:
            if column.kind == "bool":
                dv = _validation(sheet, column.label)
                assert _list_values(workbook, dv.formula1) == ["ja", "nee"]
    age = _validation(contacts, label["leeftijd"])
    assert (age.type, age.formula1, age.formula2) == ("whole", "15", "27")
    assert _validation(contacts, label["jongere_id"]).prompt  # every column has an input message


def test_the_empty_workbook_passes_valideer(template, capsys):
    assert main(["valideer", str(template)]) == 0
    out = capsys.readouterr().out
    assert "[contacten]: gelezen 0 = geladen 0 + afgewezen 0" in out
    assert "[scouts]: gelezen 0 = geladen 0 + afgewezen 0" in out


def test_a_filled_row_per_sheet_passes_the_gate_and_loads(template, tmp_path, capsys):
    workbook = load_workbook(template)
    for sheet, row in FILLED.items():
        headers = [values.normalise_header(h) for h in _headers(workbook, sheet)]
        names = [SHEET_HEADERS[sheet][h].name for h in headers]
        for position, name in enumerate(names, start=1):
            workbook[sheet].cell(2, position, row.get(name))
    filled = tmp_path / "pilot_venlo.xlsx"
    workbook.save(filled)
    check_identifiers(filled)  # raises when the gate refuses
    result = read_pilot(filled)
    assert result.problems.empty, result.problems.to_dict("records")
    assert result.contacten[["jongere_id", "gemeentecode", "stap", "plaatsing_soort", "leeftijd"]].values.tolist() == \
        [["J0001", "GM0983", "geplaatst", "werk", 19]]
    assert result.scouts["scout_id"].tolist() == ["S01"] and bool(result.scouts["training_gedaan"].iloc[0])
    assert main(["valideer", str(filled)]) == 0
    assert "gelezen 1 = geladen 1 + afgewezen 0" in capsys.readouterr().out
