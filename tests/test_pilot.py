"""Tests of reading pilot workbooks (fixtures built in code)."""
from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
from conftest import write_workbook

from buitenbeeld.errors import IdentifiersFoundError, InputError
from buitenbeeld.ingest.pilot import (
    PILOT_TABLES,
    is_pilot_companion,
    is_pilot_workbook,
    load_pilots,
    read_pilot,
    scouts_csv_for,
)

SCOUTS = [
    ["Scout-id", "Gemeente", "organisatie_id", "startdatum", "einddatum", "woont_in_gemeente", "Bekend in de wijk",
     "groot_netwerk", "voorbeeldrol", "kent_ambtelijke_wereld", "training_afgerond", "vergoeding", "certificaat",
     "faciliteiten"],
    ["S-1", "Den Haag", "DH-001", dt.date(2017, 3, 1), None, "ja", "ja", "nee", "J", "x", dt.date(2017, 4, 1),
     "ja", "nee", None],
    ["S-2", "GM0518", None, "1-3-2017", "1-2-2017", "nee", "ja", "ja", "ja", "nee", None, "nee", "nee", "nee"],
    ["S-2", "Den Haag", None, None, None, None, None, None, None, None, None, None, None, None],
]
CONTACT_HEADER = ["jongere_id", "scout_id", "organisatie_id", "gemeente", "datum", "stap", "plaatsing_soort",
                  "warme_overdracht", "leefgebieden", "leeftijd", "opmerking"]
CONTACTS = [
    CONTACT_HEADER,
    ["J-A", "S-1", "DH-001", "den haag", dt.date(2017, 4, 3), " Bereikt", None, None, None, 17, "kwam via de sportclub"],
    ["J-A", "S-1", None, "'s-Gravenhage", "5-5-2017", "GEACTIVEERD", None, "ja", "werk & opleiding; 1", 17, None],
    ["J-A", "S-1", None, "GM0518", "12 juni 2017", "geplaatst", "Werk", "ja", "2;4", "17", None],
    ["J-B", "S-9", None, "Den Haag", 43000, "bereikt", None, None, None, 30, None],           # age out of range, unknown scout
    ["J-C", "S-2", None, "Den Haag", dt.date(2017, 6, 1), "geplaatst", None, None, None, None, None],   # no kind
    ["J-D", "S-2", None, "Den Haag", dt.date(2017, 6, 1), "op vakantie", None, None, None, None, None],  # unknown step
    ["J-E", "S-2", None, "Nergenshuizen", dt.date(2017, 6, 1), "bereikt", None, None, None, None, None],  # unknown gemeente
    [None, "S-2", None, "Den Haag", dt.date(2017, 6, 1), "bereikt", None, None, None, None, None],  # no id
    ["J-F", None, None, "Den Haag", None, "bereikt", None, "misschien", "14", None, None],  # no date, bad bool, bad zrm
]


@pytest.fixture
def pilot_file(tmp_path):
    return write_workbook(tmp_path / "pilot_den_haag.xlsx",
                          {"toelichting": [["test"]], "scouts": SCOUTS, "contacten": CONTACTS})


def _problems(result, column):
    return result.problems[result.problems["column"] == column]


def test_reads_contacts_and_scouts_with_counts(pilot_file):
    result = read_pilot(pilot_file)
    sheets = result.sheets.set_index("sheet")
    assert sheets.loc["contacten", ["read", "loaded", "rejected"]].tolist() == [9, 4, 5]
    assert sheets.loc["scouts", ["read", "loaded", "rejected"]].tolist() == [3, 2, 1]
    assert (result.sheets["read"] == result.sheets["loaded"] + result.sheets["rejected"]).all()
    contacten = result.contacten
    assert contacten["jongere_id"].tolist() == ["J-A", "J-A", "J-A", "J-B"]
    assert set(contacten["gemeentecode"]) == {"GM0518"} and set(contacten["gemeentenaam"]) == {"'s-Gravenhage"}
    assert contacten["stap"].tolist() == ["bereikt", "geactiveerd", "geplaatst", "bereikt"]
    assert contacten["datum"].tolist() == [pd.Timestamp(2017, 4, 3), pd.Timestamp(2017, 5, 5),
                                           pd.Timestamp(2017, 6, 12), pd.Timestamp(2017, 9, 22)]
    assert contacten["plaatsing_soort"].tolist()[2] == "werk"
    assert contacten["leefgebieden"].tolist()[1:3] == [("financiën", "werk & opleiding"),
                                                      ("werk & opleiding", "huisvesting")]
    assert contacten["leeftijd"].tolist()[:3] == [17, 17, 17] and pd.isna(contacten["leeftijd"].iloc[3])
    assert contacten["bron_rij"].tolist() == [2, 3, 4, 5] and set(contacten["bron_blad"]) == {"contacten"}
    assert "opmerking" not in contacten.columns  # free text never reaches the table
    assert set(contacten["pilot"]) == {"pilot_den_haag"}
    scouts = result.scouts.set_index("scout_id")
    assert scouts.loc["S-1", "voorbeeldrol"] and scouts.loc["S-1", "kent_ambtelijke_wereld"]
    assert bool(scouts.loc["S-1", "training_gedaan"]) and not bool(scouts.loc["S-2", "training_gedaan"])
    assert pd.isna(scouts.loc["S-1", "faciliteiten"])


def test_problems_name_file_sheet_row_column(pilot_file):
    result = read_pilot(pilot_file)
    errors = result.rejects.set_index("row")
    assert errors.loc[6, "column"] == "plaatsing_soort" and "hoort een soort plaatsing" in errors.loc[6, "reason"]
    assert errors.loc[7, "column"] == "stap" and "onbekende stap" in errors.loc[7, "reason"]
    assert errors.loc[8, "column"] == "gemeente"
    assert errors.loc[9, "column"] == "jongere_id"
    assert errors.loc[10, "column"] == "datum"
    assert set(result.rejects["file"]) == {"pilot_den_haag.xlsx"}
    warnings = result.problems[result.problems["severity"] == "warning"]
    age = warnings[warnings["column"] == "leeftijd"].iloc[0]
    assert age["row"] == 5 and "buiten 15 tot en met 27 jaar" in age["reason"]
    scout = warnings[(warnings["column"] == "scout_id") & (warnings["sheet"] == "contacten")].iloc[0]
    assert scout["row"] == 5 and "'S-9'" in scout["reason"]
    assert {"warme_overdracht", "leefgebieden"} <= set(warnings[warnings["row"] == 10]["column"])
    duplicate = result.rejects[(result.rejects["sheet"] == "scouts")].iloc[0]
    assert duplicate["row"] == 4 and "ook in rij 3" in duplicate["reason"]
    assert not _problems(result, "einddatum").empty  # end before start: a warning


def test_wrong_kind_on_a_placement_is_an_error(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [
        CONTACT_HEADER[:7], ["J-A", None, None, "Venlo", dt.date(2018, 1, 1), "geplaatst", "vakantiewerk"]]})
    result = read_pilot(path)
    assert result.contacten.empty and result.rejects.iloc[0]["column"] == "plaatsing_soort"


def test_contacts_without_scouts_sheet(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [
        CONTACT_HEADER[:6], ["J-A", "S-404", None, "Venlo", dt.date(2018, 1, 1), "bereikt"]]})
    result = read_pilot(path)
    assert len(result.contacten) == 1 and result.problems.empty and result.scouts.empty
    assert result.sheets["sheet"].tolist() == ["contacten"]


def test_detection(tmp_path, pilot_file, interview_file):
    assert is_pilot_workbook(pilot_file)
    assert not is_pilot_workbook(interview_file)
    contacts = tmp_path / "venlo_contacten.csv"
    scouts = tmp_path / "venlo_scouts.csv"
    for path, rows in ((contacts, CONTACTS[:4]), (scouts, SCOUTS[:3])):
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, delimiter=";").writerows(
                [["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in r] for r in rows])
    assert is_pilot_workbook(contacts) and not is_pilot_workbook(scouts)
    assert is_pilot_companion(scouts) and not is_pilot_companion(contacts)
    assert scouts_csv_for(contacts) == scouts
    result = read_pilot(contacts)
    assert result.sheets[["file", "read", "loaded", "rejected"]].values.tolist() == [
        ["venlo_contacten.csv", 3, 3, 0], ["venlo_scouts.csv", 2, 2, 0]]
    assert set(result.contacten["pilot"]) == {"venlo"} and len(result.scouts) == 2


def test_privacy_gate_refuses_identifiers(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [
        CONTACT_HEADER + ["Naam"],
        ["J-A", None, None, "Venlo", dt.date(2018, 1, 1), "bereikt", None, None, None, 17, "bel 06-12345678", "Sanne"]]})
    with pytest.raises(IdentifiersFoundError) as caught:
        read_pilot(path)
    assert isinstance(caught.value, InputError)
    assert "'Naam'" in str(caught.value) and "'opmerking'" in str(caught.value)
    assert "pseudonimiseer" in str(caught.value)


def test_batch_lists_a_refused_file_and_loads_the_rest(tmp_path, pilot_file):
    bad = write_workbook(tmp_path / "bad.xlsx", {"contacten": [["jongere_id", "email"], ["J-A", "a@voorbeeld.nl"]]})
    none = write_workbook(tmp_path / "geen.xlsx", {"blad": [["x"]]})
    result = load_pilots([pilot_file, bad, none])
    assert len(result.contacten) == 4
    unusable = result.sheets[result.sheets["unusable"]]
    assert unusable["file"].tolist() == ["bad.xlsx", "geen.xlsx"]
    assert "persoon direct herkent" in result.rejects.set_index("file").loc["bad.xlsx", "reason"]
    assert set(PILOT_TABLES) == {"contacten", "scouts", "problems", "sheets"}


def test_missing_required_column_rejects_every_row(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [
        ["jongere_id", "gemeente", "stap"], ["J-A", "Venlo", "bereikt"], ["J-B", "Venlo", "bereikt"]]})
    result = read_pilot(path)
    assert result.sheets[["read", "loaded", "rejected"]].values.tolist() == [[2, 0, 2]]
    assert "'datum'" in result.rejects.iloc[0]["reason"]


@pytest.mark.parametrize("written, stap", [
    ("gestopt_uitgevallen", "gestopt"), ("Gestopt-uitgevallen", "gestopt"), ("gestopt / uitgevallen", "gestopt"),
    ("Teruggevallen ", "teruggevallen"), ("terugval", "teruggevallen"),
    ("Stage plek", None), ("Uitgevallen", None)])
def test_step_spellings(tmp_path, written, stap):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [
        CONTACT_HEADER[:6], ["J-A", None, None, "Venlo", dt.date(2018, 1, 1), written]]})
    result = read_pilot(path)
    if stap is None:  # a kind of placement is no step; "uitgevallen" could be teruggevallen or gestopt
        assert result.contacten.empty and "onbekende stap" in result.rejects.iloc[0]["reason"]
    else:
        assert result.problems.empty and result.contacten["stap"].tolist() == [stap]


def test_placement_spellings(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [CONTACT_HEADER[:7]] + [
        [f"J-{n}", None, None, "Venlo", dt.date(2018, 1, 1), "geplaatst", soort]
        for n, soort in enumerate(["Stage-plek", "stage plek", "School", "BAAN"])]})
    assert read_pilot(path).contacten["plaatsing_soort"].tolist() == ["stage", "stage", "opleiding", "werk"]


@pytest.mark.parametrize("column, value, words", [
    ("scout_id", "Jan de Vries 2", "Jan Vries"), ("jongere_id", "Fatima El Amrani", "Fatima Amrani"),
    ("jongere_id", "Kees van der Berg-1", "Kees Berg"), ("scout_id", "Sanne01", "Sanne"),
    ("opmerking", "moeder heet Yvonne", "moeder Yvonne"), ("opmerking", "mail jan(at)mail(punt)nl", "jan (at) (punt)"),
    ("opmerking", "gesprek met mevrouw Kuipers", "gesprek mevrouw Kuipers"),
    ("opmerking", "Shanice belt terug", "Shanice belt terug")])
def test_privacy_gate_refuses_names_and_hidden_email_addresses(tmp_path, column, value, words):
    row = dict(zip(CONTACT_HEADER, ["J-A", "S-1", None, "Venlo", dt.date(2018, 1, 1), "bereikt", None, None, None,
                                    17, "kwam via Team Noord"]))
    row[column] = value
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [CONTACT_HEADER, list(row.values())]})
    with pytest.raises(IdentifiersFoundError) as caught:
        read_pilot(path)
    message = str(caught.value)
    assert f"kolom '{column}'" in message and "rij 2" in message
    assert [word for word in words.split() if word in message] == []  # neither the value nor the words around it


def test_privacy_gate_checks_the_scouts_csv_and_passes_codes(tmp_path):
    contacts, scouts = tmp_path / "venlo_contacten.csv", tmp_path / "venlo_scouts.csv"
    contacts.write_text("jongere_id;scout_id;gemeente;datum;stap;opmerking\n"
                        "J-3F2A7KQ2ZX;JS-0042;Venlo;2018-01-01;bereikt;Team Noord, afspraak op 3 Jan\n",
                        encoding="utf-8")
    scouts.write_text("scout_id;gemeente\nJS-0042;Venlo\nKees van der Berg;Venlo\n", encoding="utf-8")
    with pytest.raises(IdentifiersFoundError) as caught:
        read_pilot(contacts)
    assert "venlo_scouts.csv" in str(caught.value) and "Kees" not in str(caught.value)
    scouts.write_text("scout_id;gemeente\nJS-0042;Venlo\nS01;Venlo\n", encoding="utf-8")
    result = read_pilot(contacts)
    assert result.rejects.empty and result.contacten["scout_id"].tolist() == ["JS-0042"]


def test_a_formula_without_value_and_a_row_with_another_delimiter_say_so(tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"contacten": [
        CONTACT_HEADER[:6], ["J-A", "S-1", None, "Venlo", dt.date(2018, 1, 1), "=\"bereikt\""],
        ["J-B", "S-1", None, "Venlo", dt.date(2018, 1, 1), "bereikt"]]})
    result = read_pilot(path)  # openpyxl writes the formula without a cached value
    assert result.contacten["jongere_id"].tolist() == ["J-B"]
    formula = result.rejects.iloc[0]
    assert (formula["row"], formula["column"]) == (2, "stap") and "formule zonder berekende waarde" in formula["reason"]
    assert "bereikt" not in formula["reason"]

    text = "jongere_id;scout_id;gemeente;datum;stap\r\nJ-A;S-1;Venlo;1-1-2018;bereikt\r\nJ-B,S-1,Venlo,1-1-2018,bereikt\r\n"
    csv_path = tmp_path / "pilot_venlo.csv"
    csv_path.write_text(text, encoding="utf-8")
    result = read_pilot(csv_path)
    assert result.contacten["jongere_id"].tolist() == ["J-A"]
    mixed = result.rejects.iloc[0]
    assert mixed["row"] == 3 and "scheidingsteken" in mixed["reason"] and "moet ingevuld" not in mixed["reason"]
    assert (result.sheets["read"] == result.sheets["loaded"] + result.sheets["rejected"]).all()


def test_no_row_problem_of_a_bad_pilot_file_reads_english(tmp_path, pilot_file):
    import re

    from buitenbeeld.errors import RowProblem

    english = ("expected", "required", "unknown", "column", "row", "file", "sheet", "must", "missing", "the", "not",
               "value", "empty", "treated", "duplicate", "needs")
    doubled = write_workbook(tmp_path / "dubbel.xlsx", {"contacten": [
        ["jongere_id", "jongere_id", "gemeente", "stap"], ["J-A", "J-A", "Venlo", "bereikt"]]})
    no_sheet = write_workbook(tmp_path / "geen.xlsx", {"blad": [["x"]]})
    refused = write_workbook(tmp_path / "namen.xlsx", {"contacten": [["jongere_id", "naam"], ["J-A", "Sanne"]]})
    result = load_pilots([pilot_file, doubled, no_sheet, refused])
    assert len(result.problems) >= 15
    for record in result.problems.to_dict("records"):
        problem = RowProblem(**{k: (None if k == "row" and v != v else v) for k, v in record.items()})
        for text in (problem.reason, problem.hint, problem.message()):
            found = [w for w in english if re.search(rf"\b{w}s?\b", text, re.IGNORECASE)]
            assert not found, (found, text)
        assert "None" not in problem.message() and "nan" not in problem.message()
    for line in result.summary_lines():
        assert "None" not in line and not re.search(r"\b(read|loaded|rejected|unusable)\b", line), line
