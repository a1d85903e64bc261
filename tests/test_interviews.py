"""Reading interview workbooks: typed values, rejects with locations, nothing lost."""
from __future__ import annotations

import math

import pytest
from conftest import write_workbook

from buitenbeeld.errors import InputError
from buitenbeeld.ingest.interviews import COLUMN_ABSENT, PERSONAL_COLUMNS, load_interviews, read_interviews


def test_every_row_is_loaded_or_rejected(interview_file):
    result = read_interviews(interview_file)
    assert result.summary_lines() == [
        "kaart.xlsx: read 6 = loaded 4 + rejected 2",
        "total: read 6 = loaded 4 + rejected 2",
    ]
    assert len(result.organisaties) == 4
    assert set(result.rejects["row"]) == {6, 7}


def test_rejects_name_file_sheet_row_column_and_reason(interview_file):
    rejects = read_interviews(interview_file).rejects.set_index("row")
    assert rejects.loc[6, "column"] == "naam"
    assert "required" in rejects.loc[6, "reason"]
    assert rejects.loc[7, "column"] == "type"
    assert rejects.loc[7, "value"] == "weet niet"
    assert "sociale onderneming" in rejects.loc[7, "reason"]
    assert (rejects["file"] == "kaart.xlsx").all() and (rejects["sheet"] == "organisaties").all()


def test_values_are_typed_and_estimates_flagged(interview_file):
    orgs = read_interviews(interview_file).organisaties.set_index("naam")
    boks = orgs.loc["Boksschool Test"]
    assert boks["gemeentecode"] == "GM0518" and boks["gemeentenaam"] == "'s-Gravenhage"
    assert boks["type"] == "interesse/hobby"
    assert boks["wijk"] == ("Schilderswijk", "Transvaal")
    assert (boks["jongeren_bereik"], bool(boks["jongeren_bereik_geschat"])) == (40.0, True)
    estimate = (boks["jongeren_buiten_beeld"], boks["jongeren_buiten_beeld_min"], boks["jongeren_buiten_beeld_max"])
    assert estimate == (40.0, 30.0, 50.0)
    assert boks["leefgebieden"] == ("financiën", "werk & opleiding")
    assert orgs.loc["Werkplein Test", "jongeren_bereik"] == 1200.0
    assert orgs.loc["Kapsalon Test", "type"] == "commercieel"
    assert str(orgs.loc["Kapsalon Test", "datum_interview"]) == "2024-03-05"


def test_unknown_answers_stay_missing_never_zero(interview_file):
    orgs = read_interviews(interview_file).organisaties.set_index("naam")
    assert math.isnan(orgs.loc["Kapsalon Test", "jongeren_buiten_beeld"])
    assert orgs.loc["Kapsalon Test", "jongeren_buiten_beeld_onbekend"] == "onbekend"
    # a column the file does not have is "not asked", not "empty"
    assert orgs.loc["Kapsalon Test", "jongeren_zorgwekkend_onbekend"] == COLUMN_ABSENT


def test_personal_columns_are_kept_apart(interview_file):
    result = read_interviews(interview_file)
    assert not set(PERSONAL_COLUMNS) & set(result.organisaties.columns)
    assert list(result.personal.columns) == ["organisatie_id", "bron_bestand", "bron_rij", *PERSONAL_COLUMNS]
    # rejected rows' contact details are kept too (for the privacy check), without an organisatie_id
    assert result.personal.loc[result.personal["bron_rij"] == 6, "interviewer"].tolist() == ["Interviewer Een"]
    assert result.personal.loc[result.personal["bron_rij"] == 6, "organisatie_id"].isna().all()
    assert "piet@voorbeeld.nl" in set(result.personal["email"])
    assert not result.organisaties.astype(str).apply(lambda c: c.str.contains("voorbeeld.nl")).any().any()


def test_consent_absent_means_no(interview_file):
    orgs = read_interviews(interview_file).organisaties.set_index("naam")
    assert orgs["toestemming_publicatie"].to_dict() == {
        "Boksschool Test": True, "Kapsalon Test": False, "Werkplein Test": False, "Moskee Test": True,
    }


def test_headers_with_capitals_spaces_and_dutch_labels(tmp_path):
    header = ["Naam organisatie", "GEMEENTE", "Type Organisatie", "Jongeren bereik", "Datum Interview", "notities intern"]
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [header, ["Club", "Venlo", "sport", "ca 20", "2024-01-02", "x"]]})
    orgs = read_interviews(path).organisaties
    assert orgs.loc[0, "naam"] == "Club" and orgs.loc[0, "jongeren_bereik"] == 20.0
    assert "notities intern" not in orgs.columns and "notities_intern" not in orgs.columns


def test_missing_required_column_rejects_every_row(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [["naam", "gemeente"], ["A", "Venlo"], ["B", "Venlo"]]})
    result = read_interviews(path)
    assert result.summary_lines()[0] == "k.xlsx: read 2 = loaded 0 + rejected 2"
    assert "'type'" in result.rejects.iloc[0]["reason"]


def test_unknown_gemeente_is_rejected_with_a_suggestion(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [["naam", "gemeente", "type"], ["A", "Gooise Merem", "hobby"]]})
    reject = read_interviews(path).rejects.iloc[0]
    assert reject["column"] == "gemeente" and "Gooise Meren" in reject["reason"]


def test_duplicate_organisation_is_rejected(tmp_path):
    rows = [["naam", "gemeente", "type"], ["Club", "Venlo", "hobby"], ["Club", "venlo", "sport"]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    assert len(result.organisaties) == 1
    assert result.rejects.iloc[0]["row"] == 3 and "duplicate of row 2" in result.rejects.iloc[0]["reason"]


def test_bad_optional_value_is_a_warning_and_the_row_stays(tmp_path):
    rows = [["naam", "gemeente", "type", "vertrouwensband"], ["Club", "Venlo", "hobby", 9]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    assert len(result.organisaties) == 1 and result.organisaties["vertrouwensband"].isna().all()
    warning = result.problems.iloc[0]
    assert (warning["severity"], warning["row"], warning["column"]) == ("warning", 2, "vertrouwensband")


def test_empty_rows_are_not_counted(tmp_path):
    rows = [["naam", "gemeente", "type"], [None, None, None], ["Club", "Venlo", "hobby"]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    assert result.files.iloc[0][["read", "loaded", "rejected"]].tolist() == [1, 1, 0]
    assert result.organisaties.loc[0, "bron_rij"] == 3


def test_workbook_without_interview_sheet_raises_with_file_and_hint(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"Blad1": [["x"]]})
    with pytest.raises(InputError, match=r"k.xlsx.*no sheet 'organisaties'.*Blad1"):
        read_interviews(path)


def test_load_interviews_combines_files_and_keeps_unreadable_ones_visible(tmp_path, interview_file):
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"not a workbook")
    result = load_interviews([interview_file, broken])
    assert len(result.organisaties) == 4
    assert "kapot.xlsx" in set(result.problems["file"])
    assert result.summary_lines()[-1] == "total: read 6 = loaded 4 + rejected 2"


def test_files_with_the_same_name_in_two_folders_stay_apart(tmp_path):
    rows = [["naam", "gemeente", "type"], ["Club", "Venlo", "hobby"]]
    one = write_workbook(tmp_path / "noord" / "kaart.xlsx", {"organisaties": rows})
    two = write_workbook(tmp_path / "zuid" / "kaart.xlsx", {"organisaties": [rows[0], ["Club", "Venlo", "formeel"]]})
    result = load_interviews([one, two])
    assert result.files["file"].tolist() == ["noord/kaart.xlsx", "zuid/kaart.xlsx"]
    assert result.summary_lines()[-1] == "total: read 2 = loaded 0 + rejected 2"  # an undated conflict
