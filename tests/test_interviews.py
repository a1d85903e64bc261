"""Reading interview workbooks: typed values, rejects with locations, nothing lost."""
from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from conftest import HEADER, ROWS, write_workbook

from buitenbeeld.common import values
from buitenbeeld.errors import InputError, RowProblem
from buitenbeeld.ingest.interviews import COLUMN_ABSENT, PERSONAL_COLUMNS, load_interviews, read_interviews


def test_every_row_is_loaded_or_rejected(interview_file):
    result = read_interviews(interview_file)
    assert result.summary_lines() == [
        "kaart.xlsx: gelezen 6 = geladen 4 + afgewezen 2",
        "totaal: gelezen 6 = geladen 4 + afgewezen 2",
    ]
    assert len(result.organisaties) == 4
    assert set(result.rejects["row"]) == {6, 7}


def test_rejects_name_file_sheet_row_column_and_reason(interview_file):
    rejects = read_interviews(interview_file).rejects.set_index("row")
    assert rejects.loc[6, "column"] == "naam"
    assert "moet ingevuld zijn" in rejects.loc[6, "reason"]
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
    assert result.summary_lines()[0] == "k.xlsx: gelezen 2 = geladen 0 + afgewezen 2"
    assert "'type'" in result.rejects.iloc[0]["reason"]


def test_unknown_gemeente_is_rejected_with_a_suggestion(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [["naam", "gemeente", "type"], ["A", "Gooise Merem", "hobby"]]})
    reject = read_interviews(path).rejects.iloc[0]
    assert reject["column"] == "gemeente" and "Gooise Meren" in reject["reason"]


def test_duplicate_organisation_is_rejected(tmp_path):
    rows = [["naam", "gemeente", "type"], ["Club", "Venlo", "hobby"], ["Club", "venlo", "sport"]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    assert len(result.organisaties) == 1
    assert result.rejects.iloc[0]["row"] == 3 and "ook in rij 2" in result.rejects.iloc[0]["reason"]


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
    with pytest.raises(InputError, match=r"k.xlsx.*geen blad 'organisaties'.*Blad1"):
        read_interviews(path)


def test_load_interviews_combines_files_and_keeps_unreadable_ones_visible(tmp_path, interview_file):
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"not a workbook")
    result = load_interviews([interview_file, broken])
    assert len(result.organisaties) == 4
    assert "kapot.xlsx" in set(result.problems["file"])
    assert result.summary_lines()[-1] == "totaal: gelezen 6 = geladen 4 + afgewezen 2"


def test_files_with_the_same_name_in_two_folders_stay_apart(tmp_path):
    rows = [["naam", "gemeente", "type"], ["Club", "Venlo", "hobby"]]
    one = write_workbook(tmp_path / "noord" / "kaart.xlsx", {"organisaties": rows})
    two = write_workbook(tmp_path / "zuid" / "kaart.xlsx", {"organisaties": [rows[0], ["Club", "Venlo", "formeel"]]})
    result = load_interviews([one, two])
    assert result.files["file"].tolist() == ["noord/kaart.xlsx", "zuid/kaart.xlsx"]
    assert result.summary_lines()[-1] == "totaal: gelezen 2 = geladen 0 + afgewezen 2"  # an undated conflict


# --------------------------------------------------------------------------- consent: only an explicit yes


def test_consent_is_only_an_explicit_yes_and_an_unclear_answer_is_a_warning(tmp_path):
    answers = {"A": "ja", "B": "Ja, mag genoemd worden.", "C": "akkoord", "D": "x", "E": "1", "F": "wel", "G": "?",
               "H": "y", "I": "nee", "J": None, "K": "geen toestemming", "L": True, "M": 1}
    rows = [["naam", "gemeente", "type", "toestemming_publicatie"],
            *[[f"Club {name}", "Venlo", "hobby", answer] for name, answer in answers.items()]]
    result = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows}))
    consent = result.organisaties.set_index("naam")["toestemming_publicatie"]
    assert consent.map(bool).to_dict() == {f"Club {name}": name in "ABC" for name in answers}
    assert len(result.organisaties) == len(answers)  # an unclear answer never rejects the row
    warnings = result.problems[result.problems["column"] == "toestemming_publicatie"]
    assert (warnings["severity"] == "warning").all()
    assert sorted(warnings["row"]) == [5, 6, 7, 8, 9, 13, 14]  # x, 1, wel, ?, y, TRUE, 1: not nee, empty or a no
    assert warnings["value"].tolist() == ["x", "1", "wel", "?", "y", "WAAR", "1"]
    assert (warnings["reason"] == values.CONSENT_UNCLEAR).all() and (warnings["hint"] == values.CONSENT_HINT).all()
    message = RowProblem(**warnings.iloc[0].to_dict()).message()
    assert message == ("bestand 'k.xlsx', blad 'organisaties', rij 5, kolom 'toestemming_publicatie': niet duidelijk of "
                       "dit toestemming is; het telt als geen toestemming: de naam van de organisatie komt niet in een "
                       "rapport (waarde: 'x'). Schrijf 'ja' als de organisatie toestemming geeft om haar naam in een "
                       "rapport te noemen. Schrijf 'nee' of laat de cel leeg als dat niet mag")


def test_consent_in_the_shared_rows_reads_ja_as_yes_and_empty_as_no(interview_file):
    rows = [HEADER, *ROWS[:4]]
    rows[3] = [*rows[3][:-1], "x"]  # Werkplein Test: an 'x' that used to count as consent
    result = read_interviews(write_workbook(interview_file.parent / "x.xlsx", {"organisaties": rows}))
    consent = result.organisaties.set_index("naam")["toestemming_publicatie"].map(bool).to_dict()
    assert consent == {"Boksschool Test": True, "Kapsalon Test": False, "Werkplein Test": False, "Moskee Test": True}
    warning = result.problems.set_index("column").loc["toestemming_publicatie"]
    assert (warning["row"], warning["severity"], warning["value"]) == (4, "warning", "x")


# --------------------------------------------------------------------------- every text a user reads is Dutch

#: Common English words that must not appear in what a user reads about a row.
ENGLISH_WORDS = ("expected", "required", "unknown", "column", "row", "file", "sheet", "must", "missing",
                 "the", "not", "value", "empty", "cannot", "invalid", "allowed", "treated")


def _english(text: str) -> list[str]:
    return [word for word in ENGLISH_WORDS if re.search(rf"\b{word}s?\b", str(text), re.IGNORECASE)]


def test_no_row_problem_of_a_bad_interview_file_reads_english(tmp_path):
    extra = ["postcode", "contact_na_plaatsing", "gesprekken_per_maand", "rollen_bereid", "naam", ""]
    header = HEADER + extra
    good = [*ROWS[0][:-1], "x", "9999 XX", "soms", 3, None, None, None]  # 'x': unclear consent
    bad_values = [
        # naam, gemeente, wijk, type, datum, interviewer, contact, telefoon, email, bereik, buiten beeld, band,
        # leefgebieden, rollen, toestemming, postcode, contact na plaatsing, gesprekken, rollen bereid, naam (twice), ""
        ["Club Een", "Nergenshuizen", None, "hobby", "31-2-2024", None, None, None, None, "heel veel", "50-30", 7,
         "14", "helpen", "wel", "12345", "misschien", "1.2.3", "bereiken; dansen", None, "los"],
        ["Club Twee", "Venlo", None, "snackbar", "5 foo 2024", None, None, None, None, -5, 12.5, "3,5",
         "politie", None, "?", None, None, "#DIV/0!", None, None, None],
        ["Club Drie", "Venlo", None, "hobby", dt.date(2030, 1, 1), None, None, None, None, 100001, dt.date(2024, 5, 1),
         None, 1.3, None, 1, None, None, "inf", None, None, None],
        ["Club Vier", "Venlo", None, "hobby", dt.date(2001, 1, 1), None, None, None, None, 0, 3, None, None, None,
         None, None, None, None, None, None, None],
        ["  ", "Venlo", None, None, None, None, None, None, None, 5, None, None, None, None, None, None, None,
         None, None, None, None],
        ["Club Vijf", "Venlo", None, "hobby", None, None, None, None, None, 3000, 3001, None, None, None, None,
         None, None, None, None, None, None],
        ["Club Vijf", "Venlo", None, "hobby", None, None, None, None, None, 10, None, None, None, None, None,
         None, None, None, None, None, None],
    ]
    rows = [["Sociale kaart, titelrij"], header, good, *[[*row[:15], *row[15:]] for row in bad_values],
            *[[*row, None, None, None, None, None, None] for row in ROWS[1:]]]
    bad = write_workbook(tmp_path / "slecht.xlsx", {"organisaties": rows})
    no_type = write_workbook(tmp_path / "zonder_type.xlsx", {"organisaties": [["naam", "gemeente"], ["A", "Venlo"]]})
    other_sheet = write_workbook(tmp_path / "ander_blad.xlsx", {"Blad1": [["naam", "gemeente", "type"],
                                                                          ["Club Zes", "Venlo", "hobby"]]})
    no_sheet = write_workbook(tmp_path / "geen_blad.xlsx", {"Uitleg": [["tekst"]]})
    no_header = write_workbook(tmp_path / "geen_kop.xlsx", {"organisaties": [["iets"], ["anders"]]})
    empty = write_workbook(tmp_path / "leeg.xlsx", {"organisaties": []})
    text = tmp_path / "tekst.xlsx"
    text.write_text("naam;gemeente\nClub;Venlo\n", encoding="utf-8")
    old = tmp_path / "oud.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    copy = write_workbook(tmp_path / "kopie.xlsx", {"organisaties": [header[:5], ["Moskee Test", "Venlo", None, "formeel",
                                                                                  dt.date(2024, 1, 1)]]})
    result = load_interviews([bad, no_type, other_sheet, no_sheet, no_header, empty, text, old, copy, tmp_path / "weg.csv"])

    problems = result.problems
    assert len(problems) >= 40 and {"error", "warning"} == set(problems["severity"])
    records = [{k: (None if k == "row" and v != v else v) for k, v in record.items()}
               for record in problems.to_dict("records")]
    for record in records:
        problem = RowProblem(**record)
        for text in (problem.reason, problem.hint, problem.message()):
            assert not _english(text), (_english(text), text)
        assert "nan" not in problem.message().lower().replace("nanda", "") and "None" not in problem.message()
    for line in result.summary_lines():
        assert not _english(line), line
    shown = " ".join(result.conflicts.astype(str).to_numpy().ravel())
    assert not _english(shown) and "True" not in shown and "False" not in shown and ".0 " not in shown
    # the bad values each have their row problem, so the check above has read them all
    columns = set(zip(problems["file"], problems["column"].fillna("")))
    for column in ("gemeente", "datum_interview", "jongeren_bereik", "jongeren_buiten_beeld", "vertrouwensband",
                   "leefgebieden", "rollen_nu", "toestemming_publicatie", "postcode", "contact_na_plaatsing",
                   "gesprekken_per_maand", "rollen_bereid", "type", "naam", "organisatie_id", "U"):
        assert ("slecht.xlsx", column) in columns, column
    assert {"zonder_type.xlsx", "ander_blad.xlsx", "geen_blad.xlsx", "geen_kop.xlsx", "leeg.xlsx", "tekst.xlsx",
            "oud.xls", "weg.csv"} <= set(problems["file"])
