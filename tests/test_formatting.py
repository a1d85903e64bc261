"""Dutch formatting and disclosure control: known answers."""
from __future__ import annotations

import datetime as dt

import pytest

from buitenbeeld.common.formatting import format_count, format_date, format_number, format_share
from buitenbeeld.privacy.disclosure import is_suppressed, show_count


@pytest.mark.parametrize("value,text", [(134430, "134.430"), (2489440.0, "2.489.440"), (0, "0"), (None, "."),
                                        (float("nan"), ".")])
def test_format_count(value, text):
    assert format_count(value) == text


def test_format_share_and_number():
    assert format_share(134430 / 2489440) == "5,4%"
    assert format_share(0.0705, 2) == "7,05%"
    assert format_number(1234.5) == "1.234,5"
    assert format_share(None) == "."


def test_format_date_in_dutch():
    assert format_date(dt.date(2024, 3, 5)) == "5 maart 2024"
    assert format_date(None) == "."


@pytest.mark.parametrize("value,text", [(5, "<10"), (9, "<10"), (10, "10"), (0, "0"), (1200, "1.200"), (None, ".")])
def test_small_counts_of_young_people_are_suppressed(value, text):
    assert show_count(value) == text


def test_threshold_is_configurable():
    assert show_count(12, threshold=15) == "<15"
    assert not is_suppressed(12, threshold=10)


def test_letters_and_missing_are_one_helper_each():
    import pandas as pd

    from buitenbeeld.common.formatting import format_letters, is_missing

    assert [format_letters(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    assert all(is_missing(v) for v in (None, float("nan"), pd.NA)) and not is_missing(0)
    assert format_count(pd.NA) == "."


def test_cached_formatting_gives_one_text_per_value_whatever_came_first():
    from buitenbeeld.common.formatting import format_count, format_number, format_share

    assert format_number(-0.0) == format_number(0.0) == "0,0"  # -0.0 and 0.0 share a cache entry: one text
    assert format_share(-0.0) == format_share(0.0) == "0,0%"
    assert format_count(-0.2) == format_count(0.2) == "0"
    assert format_number(1) == format_number(1.0) == "1,0" and format_number(2.25, 2) == "2,25"


def test_markdown_table_escapes_every_header_and_cell():
    from buitenbeeld.common.formatting import markdown_table

    text = markdown_table(["Wijk", "A|B"], [["<b>x</b>", None], ["Laak", 3]])
    assert text.splitlines() == ["| Wijk | A&#124;B |", "|---|---|", "| &#60;b&#62;x&#60;/b&#62; | . |", "| Laak | 3 |"]
