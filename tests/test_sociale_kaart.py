"""Summaries of the sociale kaart: counts by type and wijk, neutral labels."""
from __future__ import annotations

import pandas as pd

from buitenbeeld.analysis.sociale_kaart import NO_WIJK, count_by_type, count_by_wijk, display_names, wijk_type_table
from buitenbeeld.common.vocabulary import ORGANISATION_TYPES


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "organisatie_id": ["a", "b", "c", "d"],
        "naam": ["Boks", "Kapper", "Moskee", "Werkplein"],
        "type": ["interesse/hobby", "commercieel", "cultuur/religie", "interesse/hobby"],
        "wijk": [("Noord", "Zuid"), ("Noord",), (), ("Zuid",)],
        "toestemming_publicatie": [True, False, False, True],
    })


def test_count_by_type_keeps_all_six_types_in_order():
    counts = count_by_type(_frame())
    assert list(counts.index) == list(ORGANISATION_TYPES)
    assert counts.to_dict() == {"commercieel": 1, "sociale onderneming": 0, "interesse/hobby": 2,
                                "leefgebieden": 0, "cultuur/religie": 1, "formeel": 0}


def test_count_by_wijk_counts_an_organisation_in_each_of_its_wijken():
    counts = count_by_wijk(_frame())
    assert counts.to_dict() == {"Noord": 2, "Zuid": 2, NO_WIJK: 1}
    assert counts.index[-1] == NO_WIJK


def test_wijk_type_table_has_zeros_where_no_organisation_works():
    table = wijk_type_table(_frame())
    assert table.loc["Noord", "commercieel"] == 1 and table.loc["Zuid", "commercieel"] == 0
    assert table.loc["Zuid", "interesse/hobby"] == 2
    assert table.loc[NO_WIJK, "cultuur/religie"] == 1
    assert int(table.to_numpy().sum()) == 5


def test_organisations_without_consent_get_neutral_labels():
    assert display_names(_frame()).tolist() == [
        "Boks", "Organisatie A (commercieel)", "Organisatie B (cultuur/religie)", "Werkplein",
    ]


def test_empty_kaart_gives_empty_summaries():
    empty = _frame().iloc[0:0]
    assert count_by_type(empty).sum() == 0
    assert count_by_wijk(empty).empty and wijk_type_table(empty).empty
