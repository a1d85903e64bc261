"""Interview rounds: from a ronde column or from the dates, the current kaart and the earlier rounds."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from conftest import write_workbook

from buitenbeeld.ingest.interviews import load_interviews
from buitenbeeld.ingest.pipeline import TABLES, build_processed, read_processed
from buitenbeeld.ingest.rounds import assign_rounds, parse_round, round_key, round_label, split_rounds

HEADER = ["organisatie_id", "naam", "gemeente", "type", "datum_interview", "jongeren_bereik"]


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """(file, gemeentecode, date, ronde) per row."""
    return pd.DataFrame([{"organisatie_id": f"o{i}", "bron_bestand": f, "gemeentecode": g, "datum_interview": d,
                          "ronde": r} for i, (f, g, d, r) in enumerate(rows)])


def test_parse_round_keeps_text_and_makes_whole_numbers_plain():
    assert [parse_round(v) for v in (1, 2.0, "2.0", " 2024-1 ", "Ronde  3", None, "", True)] == \
        ["1", "2", "2", "2024-1", "Ronde 3", None, None, None]


def test_rounds_are_ordered_naturally():
    assert sorted(["10", "2", "1"], key=round_key) == ["1", "2", "10"]
    assert sorted(["2025-1", "2024-2", "2024-10", "2024-1"], key=round_key) == ["2024-1", "2024-2", "2024-10", "2025-1"]


def test_labels_say_the_months():
    assert round_label("1", [dt.date(2024, 3, 5), dt.date(2024, 6, 1)]) == "ronde 1 (mrt-jun 2024)"
    assert round_label("2", [dt.date(2024, 11, 5), dt.date(2025, 2, 1)]) == "ronde 2 (nov 2024-feb 2025)"
    assert round_label("2024-1", []) == "ronde 2024-1"
    assert round_label("Ronde 3", [dt.date(2025, 1, 1)]) == "Ronde 3 (jan 2025)"


def test_dates_more_than_183_days_apart_start_a_new_round_per_gemeente():
    frame = assign_rounds(_frame([
        ("a", "GM0983", dt.date(2024, 1, 1), None),
        ("a", "GM0983", dt.date(2024, 7, 2), None),   # 183 days after the previous: same round
        ("b", "GM0983", dt.date(2025, 1, 2), None),   # 184 days after: round 2
        ("c", "GM0518", dt.date(2025, 1, 2), None),   # another gemeente: its own round 1
    ]))
    assert frame["ronde"].tolist() == ["1", "1", "2", "1"]
    assert frame["ronde_nr"].tolist() == [1, 1, 2, 1]
    assert frame["ronde_label"].tolist() == ["ronde 1 (jan-jul 2024)", "ronde 1 (jan-jul 2024)", "ronde 2 (jan 2025)",
                                             "ronde 1 (jan 2025)"]


def test_undated_rows_take_their_files_round_or_the_latest_of_the_gemeente():
    frame = assign_rounds(_frame([
        ("a", "GM0983", dt.date(2024, 1, 1), None),
        ("a", "GM0983", None, None),                  # file a is round 1
        ("b", "GM0983", dt.date(2024, 1, 1), None),
        ("b", "GM0983", dt.date(2025, 3, 1), None),
        ("b", "GM0983", None, None),                  # file b spans both: the latest
        ("c", "GM0983", None, None),                  # file c has no dates: the gemeente's latest
        ("d", "GM0983", dt.date(2031, 1, 1), None),   # a date in the future counts as none: no round of its own
    ]))
    assert frame["ronde"].tolist() == ["1", "1", "1", "2", "2", "2", "2"]


def test_a_ronde_column_wins_over_the_dates():
    frame = assign_rounds(_frame([
        ("a", "GM0983", dt.date(2024, 1, 1), "2024-1"),
        ("a", "GM0983", dt.date(2025, 6, 1), "2024-1"),  # far apart, but the column says one round
        ("b", "GM0983", dt.date(2024, 2, 1), "2024-2"),
        ("b", "GM0983", None, None),                     # the file's round
    ]))
    assert frame["ronde"].tolist() == ["2024-1", "2024-1", "2024-2", "2024-2"]
    assert frame["ronde_nr"].tolist() == [1, 1, 2, 2]
    assert frame["ronde_label"].iloc[0] == "ronde 2024-1 (jan 2024-jun 2025)"
    current, earlier = split_rounds(frame)
    assert current["organisatie_id"].tolist() == ["o2", "o3"] and earlier["organisatie_id"].tolist() == ["o0", "o1"]


def test_the_interviewronde_header_is_read(tmp_path):
    path = write_workbook(tmp_path / "k.xlsx", {"organisaties": [
        ["Interviewronde", *HEADER], [2, "a", "Club", "Venlo", "hobby", None, 20], ["2024-1", "b", "Kapper", "Venlo",
                                                                                  "commercieel", None, 5]]})
    result = load_interviews([path])
    assert result.organisaties["ronde"].tolist() == ["2024-1"] and result.eerdere_rondes["ronde"].tolist() == ["2"]


def test_no_dates_at_all_is_one_round():
    frame = assign_rounds(_frame([("a", "GM0983", None, None), ("b", "GM0983", None, None)]))
    assert frame["ronde_label"].tolist() == ["ronde 1", "ronde 1"]
    assert split_rounds(frame)[1].empty


def test_the_current_kaart_is_the_latest_round_and_the_rest_is_kept(tmp_path):
    one = write_workbook(tmp_path / "raw" / "k2024.xlsx", {"organisaties": [
        HEADER, ["a", "Club", "Venlo", "hobby", "5-3-2024", 10], ["b", "Kapper", "Venlo", "commercieel", "6-3-2024", 50],
        ["c", "Moskee", "Den Haag", "religieus", "6-3-2024", 70]]})
    two = write_workbook(tmp_path / "raw" / "k2025.xlsx", {"organisaties": [
        HEADER, ["a", "Club", "Venlo", "hobby", "5-3-2025", 20]]})
    result = load_interviews([one, two])
    assert result.organisaties.sort_values("organisatie_id")["organisatie_id"].tolist() == ["a", "c"]
    assert result.eerdere_rondes["organisatie_id"].tolist() == ["a", "b"]
    assert result.rejects.empty and result.conflicts.empty
    rounds = result.rounds_table()
    assert rounds[["gemeentecode", "ronde_nr", "organisaties"]].values.tolist() == [
        ["GM0518", 1, 1], ["GM0983", 1, 2], ["GM0983", 2, 1]]
    # and through processed/
    build_processed(tmp_path)
    assert (tmp_path / "processed" / TABLES["eerdere_rondes"]).exists()
    back = read_processed(tmp_path)
    assert back.eerdere_rondes["organisatie_id"].tolist() == ["a", "b"]
    assert back.eerdere_rondes["ronde_label"].tolist() == ["ronde 1 (mrt 2024)"] * 2
    assert set(back.organisaties["ronde_label"]) == {"ronde 2 (mrt 2025)", "ronde 1 (mrt 2024)"}
