"""Checks across cells, rows and files: implausible values, duplicates, conflicts."""
from __future__ import annotations

import datetime as dt

from conftest import write_workbook

from buitenbeeld.ingest.interviews import load_interviews, read_interviews

HEADER = ["organisatie_id", "naam", "gemeente", "type", "datum_interview", "jongeren_bereik",
          "jongeren_buiten_beeld", "jongeren_zorgwekkend", "plaatsingen_werk_12m"]


def _book(tmp_path, name, rows):
    return write_workbook(tmp_path / name, {"organisaties": [HEADER, *rows]})


def test_contradicting_counts_are_warnings_and_the_row_stays(tmp_path):
    path = _book(tmp_path, "k.xlsx", [
        ["a", "Club", "Venlo", "hobby", None, 10, 20, 30, None],
        ["b", "Groot", "Venlo", "hobby", None, 5000, None, None, None],
        ["c", "Niets", "Venlo", "hobby", None, 0, None, None, 3],
    ])
    result = read_interviews(path)
    assert len(result.organisaties) == 3 and result.rejects.empty
    warnings = result.problems.set_index(["row", "column"])["reason"]
    assert "meer jongeren buiten beeld dan jongeren in contact" in warnings[(2, "jongeren_buiten_beeld")]
    assert "meer zorgwekkende" in warnings[(2, "jongeren_zorgwekkend")]
    assert "niet waarschijnlijk" in warnings[(3, "jongeren_bereik")]
    assert "plaatsingen, maar geen jongeren in contact" in warnings[(4, "plaatsingen_werk_12m")]
    flags = result.organisaties.set_index("organisatie_id")["waarschuwingen"]
    assert flags["a"] == ("buiten_beeld_boven_bereik", "zorgwekkend_boven_buiten_beeld")
    assert flags["b"] == ("bereik_onwaarschijnlijk",)


def test_missing_values_never_trigger_a_comparison(tmp_path):
    result = read_interviews(_book(tmp_path, "k.xlsx", [["a", "Club", "Venlo", "hobby", None, None, 20, None, None]]))
    assert result.problems.empty


def test_dates_in_the_future_or_long_ago_are_flagged(tmp_path):
    future = dt.date.today() + dt.timedelta(days=400)
    result = read_interviews(_book(tmp_path, "k.xlsx", [
        ["a", "Club", "Venlo", "hobby", future.strftime("%d-%m-%Y"), None, None, None, None],
        ["b", "Oud", "Venlo", "hobby", "5-3-2001", None, None, None, None],
    ]))
    reasons = result.problems.set_index("row")["reason"]
    assert "toekomst" in reasons[2] and "voor 2010" in reasons[3]


def test_identical_copy_in_a_second_file_is_rejected_once(tmp_path):
    row = ["a", "Club", "Venlo", "hobby", "5-3-2024", 10, 5, None, None]
    result = load_interviews([_book(tmp_path, "een.xlsx", [row]), _book(tmp_path, "twee.xlsx", [list(row)])])
    assert len(result.organisaties) == 1
    assert result.summary_lines()[-1] == "totaal: gelezen 2 = geladen 1 + afgewezen 1"
    reject = result.rejects.iloc[0]
    assert (reject["file"], reject["row"]) == ("twee.xlsx", 2)
    assert "dezelfde organisatie met dezelfde antwoorden als in bestand 'een.xlsx', rij 2" in reject["reason"]
    assert result.conflicts.empty


def test_conflict_keeps_the_newest_interview_and_shows_answers_side_by_side(tmp_path):
    old = ["a", "Club", "Venlo", "hobby", "5-3-2024", 10, 5, None, None]
    new = ["a", "Club", "Venlo", "hobby", "1-6-2024", 12, 5, None, None]
    result = load_interviews([_book(tmp_path, "een.xlsx", [old]), _book(tmp_path, "twee.xlsx", [new])])
    assert result.organisaties["bron_bestand"].tolist() == ["twee.xlsx"]
    assert result.organisaties["jongeren_bereik"].tolist() == [12.0]
    conflicts = result.conflicts.set_index("kolom")
    assert list(conflicts.index) == ["datum_interview", "jongeren_bereik"]
    # side by side: the kept interview (a) against the rejected one (b)
    assert (conflicts.loc["jongeren_bereik", "waarde_a"], conflicts.loc["jongeren_bereik", "waarde_b"]) == ("12", "10")
    assert conflicts.loc["jongeren_bereik", "besluit"] == "twee.xlsx rij 2 gehouden (nieuwste interview)"
    reject = result.rejects.iloc[0]
    assert reject["file"] == "een.xlsx" and "conflict met twee.xlsx rij 2" in reject["reason"]


def test_undated_conflict_rejects_both_until_resolved(tmp_path):
    one = ["a", "Club", "Venlo", "hobby", None, 10, 5, None, None]
    two = ["a", "Club", "Venlo", "hobby", None, 40, 5, None, None]
    result = load_interviews([_book(tmp_path, "een.xlsx", [one]), _book(tmp_path, "twee.xlsx", [two])])
    assert result.organisaties.empty
    assert sorted(result.rejects["file"]) == ["een.xlsx", "twee.xlsx"]
    assert result.conflicts["besluit"].iloc[0] == "alle rijen afgewezen: los het conflict op"
    assert result.summary_lines()[-1] == "totaal: gelezen 2 = geladen 0 + afgewezen 2"


def test_duplicate_within_a_file_rejects_the_later_row(tmp_path):
    result = read_interviews(_book(tmp_path, "k.xlsx", [
        ["a", "Club", "Venlo", "hobby", None, 10, None, None, None],
        ["a", "Andere club", "Venlo", "sport", None, 20, None, None, None],
    ]))
    assert result.organisaties["naam"].tolist() == ["Club"]
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["column"], reject["reason"]) == (
        3, "organisatie_id", "dubbel: dezelfde organisatie staat ook in rij 2")


def test_three_copies_keep_only_the_newest(tmp_path):
    # within one interview round (dates at most 183 days apart); a year apart they would be three rounds
    copies = [("een.xlsx", "1-3-2024", 40), ("twee.xlsx", "1-5-2024", 50), ("drie.xlsx", "1-7-2024", 60)]
    paths = [_book(tmp_path, name, [["a", "Club", "Venlo", "hobby", date, reach, 5, None, None]]) for name, date, reach in copies]
    result = load_interviews(paths)
    assert result.organisaties["jongeren_bereik"].tolist() == [60.0]
    assert sorted(result.rejects["file"]) == ["een.xlsx", "twee.xlsx"]
    assert result.summary_lines()[-1] == "totaal: gelezen 3 = geladen 1 + afgewezen 2"


def test_the_same_organisation_a_year_later_is_a_new_round_not_a_duplicate(tmp_path):
    copies = [("een.xlsx", "1-3-2023", 40), ("twee.xlsx", "1-3-2024", 50), ("drie.xlsx", "1-3-2025", 60)]
    paths = [_book(tmp_path, name, [["a", "Club", "Venlo", "hobby", date, reach, 5, None, None]]) for name, date, reach in copies]
    result = load_interviews(paths)
    assert result.rejects.empty and result.conflicts.empty
    assert result.organisaties["jongeren_bereik"].tolist() == [60.0]  # the current kaart: the latest round
    assert result.organisaties["ronde_label"].tolist() == ["ronde 3 (mrt 2025)"]
    assert result.eerdere_rondes["jongeren_bereik"].tolist() == [40.0, 50.0]
    assert result.summary_lines()[-1] == "totaal: gelezen 3 = geladen 3 + afgewezen 0"


def test_personal_columns_never_make_a_conflict_or_reach_a_reject(tmp_path):
    header = [*HEADER, "interviewer", "email"]
    one = write_workbook(tmp_path / "een.xlsx", {"organisaties": [header, ["a", "Club", "Venlo", "hobby", None, 10, 5, None, None,
                                                                          "Jan Jansen", "jan@voorbeeld.nl"]]})
    row = ["a", "Club", "Venlo", "hobby", None, 10, 5, None, None, "Piet Pieters", "piet@voorbeeld.nl"]
    two = write_workbook(tmp_path / "twee.xlsx", {"organisaties": [header, row]})
    result = load_interviews([one, two])
    assert result.conflicts.empty  # same answers: a copy, not a conflict
    shown = result.problems.astype(str).to_csv()
    assert "Jansen" not in shown and "Pieters" not in shown and "voorbeeld.nl" not in shown


# --------------------------------------------------------------------------- cells the reader could not hand over


def _adds_up(result):
    files = result.files
    assert (files["read"] == files["loaded"] + files["rejected"]).all(), files


def test_a_csv_row_with_another_delimiter_is_rejected_with_the_delimiter_named(tmp_path):
    path = tmp_path / "kaart.csv"
    path.write_text("naam;gemeente;type;jongeren_bereik\n"
                    "Club;Venlo;hobby;40\n"
                    "Buurthuis,Venlo,welzijn,12\n"
                    "Moskee;Venlo;religieus;60\n", encoding="utf-8")
    result = read_interviews(path)
    _adds_up(result)
    assert result.files[["read", "loaded", "rejected"]].values.tolist() == [[3, 2, 1]]
    (problem,) = result.problems.to_dict("records")
    assert (problem["row"], problem["column"], problem["severity"]) == (3, "naam", "error")
    assert problem["reason"].startswith("deze rij gebruikt ',' (komma) als scheidingsteken, "
                                        "de rest van het bestand ';' (puntkomma)")
    assert "moet ingevuld" not in problem["reason"] and problem["hint"]
    assert problem["value"] is None  # the row may hold personal data: not repeated


def test_a_formula_without_value_is_a_warning_naming_the_cell(tmp_path):
    path = _book(tmp_path, "k.xlsx", [
        ["a", "Club", "Venlo", "hobby", None, "=1+1", None, None, None],
        ["b", "Buurthuis", "=\"Venlo\"", "hobby", None, 12, None, None, None],
    ])
    result = read_interviews(path)
    _adds_up(result)
    problems = result.problems.set_index("row")
    warning = problems.loc[2]
    assert (warning["column"], warning["severity"]) == ("jongeren_bereik", "warning")
    assert "cel F2 heeft een formule zonder berekende waarde" in warning["reason"]
    assert "Open en bewaar het bestand in Excel of LibreOffice" in warning["hint"]
    organisation = result.organisaties.set_index("naam").loc["Club"]
    assert organisation["jongeren_bereik"] != organisation["jongeren_bereik"]  # unknown (NaN), never 0
    # in a required column the row cannot load: one error that says why, not "required and empty"
    error = result.problems[result.problems["row"] == 3]
    assert error[["column", "severity"]].values.tolist() == [["gemeente", "error"]]
    assert "cel C3 heeft een formule zonder berekende waarde" in error["reason"].iloc[0]
    assert result.organisaties["naam"].tolist() == ["Club"]


def test_a_cell_over_the_length_limit_is_unknown_or_rejects_its_row(tmp_path, monkeypatch):
    import dataclasses

    from buitenbeeld import settings

    monkeypatch.setattr(settings, "LIMITS", dataclasses.replace(settings.LIMITS, max_cell_chars=30))
    long = "Bel 06-12345678 of mail jan@voorbeeld.nl voor meer"
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [
        ["naam", "gemeente", "type", "opmerkingen"],
        ["Club", "Venlo", "hobby", long],
        [long, "Venlo", "hobby", None],
        [None, None, None, long],  # only the long cell: still read, and rejected, never lost
    ]})
    result = read_interviews(path)
    _adds_up(result)
    assert result.files[["read", "loaded", "rejected"]].values.tolist() == [[3, 1, 2]]
    found = result.problems[["row", "column", "severity"]].values.tolist()
    assert [2, "opmerkingen", "warning"] in found and [3, "naam", "error"] in found
    assert [4, "opmerkingen", "warning"] in found and [4, "naam", "error"] in found
    assert result.organisaties["opmerkingen"].tolist() == [None]
    too_long = result.problems[result.problems["reason"].str.startswith("de cel is te lang")]
    assert len(too_long) == 3 and too_long["value"].isna().all()
    assert "BUITENBEELD_MAX_CEL_TEKENS" in too_long["reason"].iloc[0]
    assert not result.problems.astype(str).apply(lambda c: c.str.contains("06-12345678")).any().any()
