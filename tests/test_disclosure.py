"""Disclosure control: primary and secondary suppression, known answers and properties."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buitenbeeld.common.formatting import format_count
from buitenbeeld.errors import DisclosureError
from buitenbeeld.privacy.disclosure import (
    DEFAULT_THRESHOLD,
    SECONDARY,
    derivable_small_counts,
    is_suppressed,
    show_count,
    suppress_series,
    suppress_table,
    suppress_table_given,
)

SMALL = f"<{DEFAULT_THRESHOLD}"


def _with_margins(rows: dict[str, list[int]], columns: list[str]) -> pd.DataFrame:
    """A table of ``rows`` with a ``Totaal`` column and a ``Totaal`` row."""
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table["Totaal"] = table.sum(axis=1)
    table.loc["Totaal"] = table.sum(axis=0)
    return table


def _hidden(shown: pd.DataFrame) -> set[tuple[str, str]]:
    return {(r, c) for r in shown.index for c in shown.columns if shown.loc[r, c] in (SMALL, SECONDARY)}


def test_single_values_keep_their_behaviour():
    assert DEFAULT_THRESHOLD == 10
    assert show_count(4) == "<10" and show_count(0) == "0" and show_count(None) == "."
    assert show_count(pd.NA) == "." and not is_suppressed(pd.NA)
    assert show_count(12, threshold=15) == "<15"


def test_one_small_cell_is_protected_in_its_row_and_column():
    table = _with_margins({"r1": [4, 20, 30], "r2": [15, 12, 40], "r3": [25, 35, 50]}, ["A", "B", "C"])
    shown = suppress_table(table, total_row="Totaal", total_column="Totaal")
    assert shown.loc["r1", "A"] == "<10"
    assert shown.loc["r1", "B"] == "x"  # smallest other cell in row r1
    assert shown.loc["r2", "A"] == "x"  # smallest other cell in column A
    assert shown.loc["r2", "B"] == "x"  # closes the rectangle: row r2 and column B had one each
    assert _hidden(shown) == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    assert shown.loc["Totaal", "Totaal"] == "231" and shown.loc["r3", "C"] == "50"
    assert list(shown.index) == list(table.index) and list(shown.columns) == list(table.columns)


def test_secondary_suppression_can_trigger_more():
    table = _with_margins(
        {"r1": [4, 20, 50, 60], "r2": [30, 40, 15, 70], "r3": [12, 45, 55, 25]}, ["A", "B", "C", "D"]
    )
    shown = suppress_table(table, total_row="Totaal", total_column="Totaal")
    # Row r1 hides B (20), column A hides r3 (12), column B hides r2 (40); then row r2
    # hides C (15), row r3 hides D (25); then column C hides r1 (50), column D r1 (60).
    assert shown.loc["r1"].tolist() == ["<10", "x", "x", "x", "134"]
    assert shown.loc["r2"].tolist() == ["30", "x", "x", "70", "155"]
    assert shown.loc["r3"].tolist() == ["x", "45", "55", "x", "137"]
    assert shown.loc["Totaal"].tolist() == ["46", "105", "120", "155", "426"]


def test_two_small_cells_in_a_row_need_no_secondary_suppression():
    table = pd.DataFrame({"A": [3, 20], "B": [5, 30], "C": [140, 25]}, index=["r1", "r2"])
    table["Totaal"] = table.sum(axis=1)
    shown = suppress_table(table, total_column="Totaal")
    assert shown.loc["r1"].tolist() == ["<10", "<10", "140", "148"]
    assert shown.loc["r2"].tolist() == ["20", "30", "25", "75"]


def test_two_small_cells_in_a_row_with_both_margins():
    table = _with_margins({"r1": [3, 5, 140], "r2": [20, 30, 25], "r3": [35, 12, 50]}, ["A", "B", "C"])
    shown = suppress_table(table, total_row="Totaal", total_column="Totaal")
    assert shown.loc["r1"].tolist() == ["<10", "<10", "140", "148"]  # nothing extra in row r1
    assert _hidden(shown) == {
        ("r1", "A"), ("r1", "B"), ("r2", "A"), ("r3", "B"), ("r2", "C"), ("r3", "A"), ("r3", "C"),
    }


def test_zeros_are_never_suppressed_nor_chosen_as_complement():
    table = pd.DataFrame({"A": [4], "B": [0], "C": [0], "D": [30], "E": [20]}, index=["r1"])
    table["Totaal"] = table.sum(axis=1)
    shown = suppress_table(table, total_column="Totaal")
    assert shown.loc["r1"].tolist() == ["<10", "0", "0", "30", "x", "54"]


def test_a_small_total_is_suppressed_itself():
    table = pd.DataFrame({"A": [4, 30], "B": [0, 40]}, index=["r1", "r2"])
    table["Totaal"] = table.sum(axis=1)
    shown = suppress_table(table, total_column="Totaal")
    assert shown.loc["r1"].tolist() == ["<10", "0", "<10"]  # two hidden cells: safe, nothing else
    assert shown.loc["r2"].tolist() == ["30", "40", "70"]


def test_missing_values_and_threshold():
    table = pd.DataFrame({"A": [12.0, None], "B": [1500, 14]}, index=["r1", "r2"])
    shown = suppress_table(table, threshold=15)
    assert shown.loc["r1"].tolist() == ["<15", "1.500"]
    assert shown.loc["r2"].tolist() == [".", "<15"]


def test_series_with_a_total():
    series = pd.Series({"sport": 4, "religie": 0, "buurthuis": 15, "kapsalon": 22, "Totaal": 41}, name="jongeren")
    shown = suppress_series(series, total_label="Totaal")
    assert shown.to_dict() == {"sport": "<10", "religie": "0", "buurthuis": "x", "kapsalon": "22", "Totaal": "41"}
    assert shown.name == "jongeren"
    assert suppress_series(pd.Series([4, 15])).tolist() == ["<10", "15"]  # no total: primary only


def test_bad_tables_are_refused():
    table = pd.DataFrame({"A": [4, 30]}, index=["r1", "r2"])
    with pytest.raises(DisclosureError, match="total_row 'Totaal'"):
        suppress_table(table, total_row="Totaal")
    with pytest.raises(DisclosureError, match="negative"):
        suppress_table(pd.DataFrame({"A": [-1]}))
    with pytest.raises(DisclosureError, match="counts only"):
        suppress_table(pd.DataFrame({"A": ["veel"]}))


@st.composite
def _tables(draw):
    n_rows, n_columns = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    cell = st.one_of(st.integers(0, 12), st.integers(0, 60))
    rows = {f"r{i}": draw(st.lists(cell, min_size=n_columns, max_size=n_columns)) for i in range(n_rows)}
    table = _with_margins(rows, [f"c{j}" for j in range(n_columns)])
    margins = draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    threshold = draw(st.integers(2, 15))
    return table, threshold, "Totaal" if margins[0] else None, "Totaal" if margins[1] else None


@settings(max_examples=200, deadline=None)
@given(_tables())
def test_no_suppressed_cell_can_be_recomputed(case):
    table, threshold, total_row, total_column = case
    shown = suppress_table(table, threshold, total_row=total_row, total_column=total_column)
    hidden = shown.isin([f"<{threshold}", SECONDARY])
    if total_column is not None:  # every row has a total
        assert not (hidden.sum(axis=1) == 1).any()
    if total_row is not None:  # every column has a total
        assert not (hidden.sum(axis=0) == 1).any()
    for r in table.index:
        for c in table.columns:
            value, text = table.loc[r, c], shown.loc[r, c]
            if 0 < value < threshold:
                assert text == f"<{threshold}"
            elif text == SECONDARY:
                assert value >= threshold
            else:
                assert text == format_count(value)


def test_reading_back_a_shown_count():
    from buitenbeeld.privacy.disclosure import is_shown, share_is_safe, shown_value

    assert shown_value("1.234") == 1234 and shown_value("0") == 0
    assert all(not is_shown(text) for text in ("<10", "x", ".", "", None))
    assert is_shown("0") and is_shown(show_count(12))
    # 14 of 19: the 5 others would be read off the share; 15 of 30 leaves 15: fine; a whole of 0: no share
    assert not share_is_safe(14, 19, 10) and share_is_safe(15, 30, 10) and share_is_safe(10, 10, 10)
    assert not share_is_safe(5, 30, 10) and not share_is_safe(0, 0, 10) and not share_is_safe(None, 10, 10)


def test_suppress_table_given_protects_a_cell_hidden_elsewhere():
    table = pd.DataFrame({"n": [20, 15, 0, 35]}, index=["ja", "nee", "onbekend", "samen"])
    hidden = pd.DataFrame({"n": [False, False, False, True]}, index=table.index)
    assert suppress_table(table, total_row="samen")["n"].tolist() == ["20", "15", "0", "35"]
    # the total is hidden elsewhere (x): 20 + 15 would give it back, so the smaller part goes too
    assert suppress_table_given(table, hidden, total_row="samen")["n"].tolist() == ["20", SECONDARY, "0", SECONDARY]
    nothing = pd.DataFrame(False, index=table.index, columns=table.columns)
    assert suppress_table_given(table, nothing, total_row="samen").equals(suppress_table(table, total_row="samen"))


def test_derivable_small_counts_across_tables():
    # one table shows ja = 24 and nee = 30 with onbekend hidden, another the total 59: 59 - 24 - 30 = 5
    tables = {"warm": pd.DataFrame({"n": ["24", "30", SMALL]}, index=["ja", "nee", "onbekend"]),
              "trechter": pd.DataFrame({"n": ["59"]}, index=["geactiveerd"])}
    relations = [(("trechter", "geactiveerd", "n"), [("warm", g, "n") for g in ("ja", "nee", "onbekend")])]
    assert derivable_small_counts(tables, relations) == {("warm", "onbekend", "n"): 5}
    tables["warm"].at["nee", "n"] = SECONDARY  # complementary suppression: two unknowns, nothing follows
    assert derivable_small_counts(tables, relations) == {}
    # chained: a derived cell helps derive the next, and an equality is a relation with one part
    tables = {"a": pd.DataFrame({"n": ["40", SECONDARY, SMALL]}, index=["samen", "x", "y"]),
              "b": pd.DataFrame({"n": ["33"]}, index=["x"])}
    relations = [(("a", "samen", "n"), [("a", "x", "n"), ("a", "y", "n")]), (("b", "x", "n"), [("a", "x", "n")])]
    assert derivable_small_counts(tables, relations) == {("a", "y", "n"): 7}
    assert derivable_small_counts(tables, relations, threshold=5) == {}
