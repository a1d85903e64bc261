"""Checks across cells, rows and files: implausible values, duplicates, conflicts."""
from __future__ import annotations

import datetime as dt

from conftest import write_workbook

from buitenbeeld.interviews import load_interviews, read_interviews

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
    assert "more young people buiten beeld than in contact" in warnings[(2, "jongeren_buiten_beeld")]
    assert "more zorgwekkende" in warnings[(2, "jongeren_zorgwekkend")]
    assert "implausible" in warnings[(3, "jongeren_bereik")]
    assert "placements without any young people" in warnings[(4, "plaatsingen_werk_12m")]
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
    assert "future" in reasons[2] and "before 2010" in reasons[3]


def test_identical_copy_in_a_second_file_is_rejected_once(tmp_path):
    row = ["a", "Club", "Venlo", "hobby", "5-3-2024", 10, 5, None, None]
    result = load_interviews([_book(tmp_path, "een.xlsx", [row]), _book(tmp_path, "twee.xlsx", [list(row)])])
    assert len(result.organisaties) == 1
    assert result.summary_lines()[-1] == "total: read 2 = loaded 1 + rejected 1"
    reject = result.rejects.iloc[0]
    assert (reject["file"], reject["row"]) == ("twee.xlsx", 2)
    assert "same organisation and answers as file 'een.xlsx' row 2" in reject["reason"]
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
    assert (conflicts.loc["jongeren_bereik", "waarde_a"], conflicts.loc["jongeren_bereik", "waarde_b"]) == ("12.0", "10.0")
    assert conflicts.loc["jongeren_bereik", "besluit"] == "kept twee.xlsx rij 2 (newest interview)"
    reject = result.rejects.iloc[0]
    assert reject["file"] == "een.xlsx" and "conflict with twee.xlsx rij 2" in reject["reason"]


def test_undated_conflict_rejects_both_until_resolved(tmp_path):
    one = ["a", "Club", "Venlo", "hobby", None, 10, 5, None, None]
    two = ["a", "Club", "Venlo", "hobby", None, 40, 5, None, None]
    result = load_interviews([_book(tmp_path, "een.xlsx", [one]), _book(tmp_path, "twee.xlsx", [two])])
    assert result.organisaties.empty
    assert sorted(result.rejects["file"]) == ["een.xlsx", "twee.xlsx"]
    assert result.conflicts["besluit"].iloc[0] == "all rejected: resolve the conflict"
    assert result.summary_lines()[-1] == "total: read 2 = loaded 0 + rejected 2"


def test_duplicate_within_a_file_rejects_the_later_row(tmp_path):
    result = read_interviews(_book(tmp_path, "k.xlsx", [
        ["a", "Club", "Venlo", "hobby", None, 10, None, None, None],
        ["a", "Andere club", "Venlo", "sport", None, 20, None, None, None],
    ]))
    assert result.organisaties["naam"].tolist() == ["Club"]
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["column"], reject["reason"]) == (3, "organisatie_id", "duplicate of row 2")


def test_three_copies_keep_only_the_newest(tmp_path):
    copies = [("een.xlsx", "1-3-2023", 40), ("twee.xlsx", "1-3-2024", 50), ("drie.xlsx", "1-3-2025", 60)]
    paths = [_book(tmp_path, name, [["a", "Club", "Venlo", "hobby", date, reach, 5, None, None]]) for name, date, reach in copies]
    result = load_interviews(paths)
    assert result.organisaties["jongeren_bereik"].tolist() == [60.0]
    assert sorted(result.rejects["file"]) == ["een.xlsx", "twee.xlsx"]
    assert result.summary_lines()[-1] == "total: read 3 = loaded 1 + rejected 2"


def test_personal_columns_never_make_a_conflict_or_reach_a_reject(tmp_path):
    header = [*HEADER, "interviewer", "email"]
    one = write_workbook(tmp_path / "een.xlsx", {"organisaties": [header, ["a", "Club", "Venlo", "hobby", None, 10, 5, None, None,
                                                                          "Jan Jansen", "jan@voorbeeld.nl"]]})
    two = write_workbook(tmp_path / "twee.xlsx", {"organisaties": [header, ["a", "Club", "Venlo", "hobby", None, 10, 5, None, None,
                                                                           "Piet Pieters", "piet@voorbeeld.nl"]]})
    result = load_interviews([one, two])
    assert result.conflicts.empty  # same answers: a copy, not a conflict
    shown = result.problems.astype(str).to_csv()
    assert "Jansen" not in shown and "Pieters" not in shown and "voorbeeld.nl" not in shown
