"""The comparison as a public report shows it: bands within the type (never a rank), what organisations ask
for themselves under the names a report may show, and the sentences of the summary, with known answers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from buitenbeeld.analysis.compare import (
    BANDS,
    compare_organisations,
    gaps_sentence,
    reach_gap_views,
    type_bands,
    types_sentence,
)
from buitenbeeld.analysis.scoring import load_config
from buitenbeeld.common.vocabulary import ROLES


def _kaart(scores: dict[str, list[float]], types: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisations whose profiles are given directly (no estimates: every draw gives the same score)."""
    n = len(types)
    organisaties = pd.DataFrame({"organisatie_id": [f"o{i}" for i in range(n)], "gemeentecode": "GM0518", "type": types})
    profiles = pd.DataFrame(index=organisaties.index)
    for role in ROLES:
        profiles[role] = scores.get(role, [5.0] * n)
    return organisaties, profiles


def _bands_by_hand(monkeypatch, organisaties, profiles, low=None, high=None):
    """type_bands with the sensitivity analysis replaced by the point ranks (and optional 5th/95th percentiles)."""
    from buitenbeeld.analysis import compare
    from buitenbeeld.analysis.uncertainty import competition_ranks

    def fake(frame, role, config, group_column="gemeentecode", draws=None, **_):
        rank = competition_ranks(profiles[role].to_numpy(dtype=float)[:, None], frame[group_column].to_numpy())[:, 0]
        size = pd.Series(profiles[role].notna().to_numpy()).groupby(frame[group_column].to_numpy()).transform("sum")
        return pd.DataFrame({"rang": rank, "rang_laag": low if low is not None else rank,
                             "rang_hoog": high if high is not None else rank, "kans_top_k": np.nan,
                             "groepsgrootte": size.to_numpy()}, index=frame.index)

    monkeypatch.setattr(compare, "sensitivity", fake)
    monkeypatch.setattr(compare, "_TYPE_RANKS", {})  # no national ranks from an earlier test
    return type_bands(organisaties, profiles, organisaties.index, load_config())


def test_a_band_is_the_third_of_the_type_an_organisation_falls_in(monkeypatch):
    organisaties, profiles = _kaart({"bereiken": [9, 8, 7, 6, 5, 4, 3, 2, 1]}, ["commercieel"] * 9)
    bands = _bands_by_hand(monkeypatch, organisaties, profiles)
    # positions 0, 1/8, ..., 1: below 1/3 sterk, above 2/3 beperkt
    assert bands["bereiken_band"].tolist() == ["sterk"] * 3 + ["gemiddeld"] * 3 + ["beperkt"] * 3
    assert bands["bereiken_ook"].map(len).sum() == 0 and (bands["bereiken_vergeleken"] == 9).all()


def test_equal_values_share_their_band_and_an_all_equal_type_is_gemiddeld(monkeypatch):
    """Competition ranks give every tie the best place: five commercial places all at 0 must not all be 'sterk'."""
    organisaties, profiles = _kaart({"behouden": [0.0] * 5 + [1, 2, 3, 4, 5]},
                                    ["commercieel"] * 5 + ["formeel"] * 5)
    bands = _bands_by_hand(monkeypatch, organisaties, profiles)
    assert bands.loc[:4, "behouden_band"].tolist() == ["gemiddeld"] * 5
    assert bands.loc[5:, "behouden_band"].tolist() == ["beperkt", "beperkt", "gemiddeld", "sterk", "sterk"]


def test_the_sensitivity_interval_names_the_other_bands_it_allows(monkeypatch):
    organisaties, profiles = _kaart({"plaatsen": [9, 8, 7, 6, 5, 4]}, ["interesse/hobby"] * 6)
    low = np.array([1, 1, 3, 4, 5, 6.0])
    high = np.array([1, 4, 3, 4, 6, 6.0])  # the second may fall to place 4 (gemiddeld); the fifth stays beperkt
    bands = _bands_by_hand(monkeypatch, organisaties, profiles, low, high)
    assert bands.loc[0, "plaatsen_band"] == "sterk" and bands.loc[0, "plaatsen_ook"] == ()
    assert bands.loc[1, "plaatsen_band"] == "sterk" and bands.loc[1, "plaatsen_ook"] == ("gemiddeld",)
    assert bands.loc[4, "plaatsen_ook"] == ()


def test_unknown_and_too_few_to_compare(monkeypatch):
    organisaties, profiles = _kaart({"activeren": [np.nan, 5, 6, 7]}, ["leefgebieden"] * 4)
    bands = _bands_by_hand(monkeypatch, organisaties, profiles)
    assert bands["activeren_band"].tolist() == ["onbekend"] + ["te weinig om te vergelijken"] * 3


def test_the_band_table_names_organisations_as_a_report_may_and_holds_no_rank(data_dir):
    from buitenbeeld.publish.report import load_report_data

    data = load_report_data("Den Haag", 2013, data_dir)
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=30)
    table = comparison.band_table()
    assert list(table.columns) == ["Organisatie", "Type", "Bereiken", "Activeren", "Plaatsen", "Behouden",
                             "Vergeleken met (aantal van dit type)"]
    assert set(table["Organisatie"]) == set(comparison.names)  # neutral labels without consent
    assert "Kapsalon Test" not in set(table["Organisatie"])  # no consent in the fixture
    allowed = set(BANDS) | {"onbekend", "te weinig om te vergelijken"}
    for role in ("Bereiken", "Activeren", "Plaatsen", "Behouden"):
        assert all(cell.split(" (")[0] in allowed for cell in table[role])
    bands = table.drop(columns=["Vergeleken met (aantal van dit type)"])
    assert not bands.apply(lambda c: c.astype(str).str.fullmatch(r"\d+")).any().any()  # no number beside a name


def test_the_demo_bands_never_rest_on_a_tie_at_the_top():
    from buitenbeeld.ingest.pipeline import build_processed
    from buitenbeeld.settings import PROJECT_ROOT

    organisaties = build_processed(PROJECT_ROOT / "data").result.organisaties
    comparison = compare_organisations(organisaties, "GM0796", draws=50)
    commercial = comparison.organisaties["type"] == "commercieel"
    behouden = comparison.profiles.loc[commercial, "behouden"]
    if behouden.nunique() == 1:  # every commercial place at the same value: the same band, and not 'sterk'
        assert set(comparison.bands.loc[commercial, "behouden_band"]) == {"gemiddeld"}


def test_what_the_organisations_ask_for_themselves_under_the_names_a_report_may_show(data_dir):
    from buitenbeeld.publish.report import load_report_data

    data = load_report_data("Den Haag", 2013, data_dir)
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=20)
    frame = comparison.organisaties.copy()
    frame["behoeften"] = ["een vast aanspreekpunt", None, "  "]
    frame["risicos"] = [None, "klanten haken af", None]
    frame["samenwerking_gemeente"] = pd.array([4, None, None], dtype="Int64")
    comparison.organisaties = frame
    table = comparison.wishes_table()
    assert list(table.columns) == ["Organisatie", "Wat de organisatie nodig heeft", "Risico's die ze ziet",
                                   "Samenwerking met de gemeente nu (1-5)"]
    assert len(table) == 2  # the third answered nothing
    assert table["Organisatie"].tolist() == comparison.names.iloc[:2].tolist()
    assert table.iloc[0, 1:].tolist()[:2] == ["een vast aanspreekpunt", ""] and table.iloc[0, 3] == 4
    assert table.iloc[1, 2] == "klanten haken af" and pd.isna(table.iloc[1, 3])


@pytest.mark.parametrize("types,expected", [
    (["commercieel"] * 5 + ["formeel"] * 5 + ["leefgebieden"] * 3 + ["cultuur/religie"] * 2,
     "De sociale kaart telt 15 organisaties van 4 typen; het vaakst komen commercieel en formeel voor (elk 5 van de 15)."),
    (["commercieel"] * 5 + ["formeel"] * 4 + ["leefgebieden"] * 11,
     "De sociale kaart telt 20 organisaties van 3 typen; de meeste zijn leefgebieden (11 van de 20)."),
    (["commercieel"] * 5 + ["formeel"] * 4 + ["leefgebieden"] * 3,
     "De sociale kaart telt 12 organisaties van 3 typen; het vaakst komt commercieel voor (5 van de 12)."),
    (["formeel"], "De sociale kaart telt 1 organisatie van 1 type."),
])
def test_the_most_common_type_is_said_right_with_ties_and_without_a_majority(types, expected):
    assert types_sentence(pd.DataFrame({"type": types})) == expected


def test_a_wijk_gap_names_the_role_that_is_missing():
    coverage = pd.DataFrame({"bereiken": [1, 0, 2, 0], "activeren": 1, "plaatsen": [0, 0, 1, 1], "behouden": 0},
                            index=["Laak", "Centrum", "Escamp", "(wijk onbekend)"])
    sentence = gaps_sentence(coverage)
    assert sentence == "In 2 wijken is geen organisatie in beeld die past: voor bereiken in Centrum; voor plaatsen in " \
                       "Centrum en Laak."
    only_plaatsen = gaps_sentence(coverage.assign(bereiken=1))
    assert only_plaatsen == "In 2 wijken is geen organisatie in beeld die past: voor plaatsen in Centrum en Laak."
    assert "bereiken" not in only_plaatsen
    assert gaps_sentence(coverage.assign(bereiken=1, plaatsen=1)) is None
    one = gaps_sentence(coverage.assign(bereiken=1, plaatsen=[1, 0, 1, 1]))
    assert one.startswith("In 1 wijk is")


def test_the_estimate_beforehand_and_the_interview_are_two_views_not_a_verdict():
    gap = pd.DataFrame({"inschatting_gemeente": [40.0, 30, 5], "interview": [20.0, 30, 9],
                        "verschil": [20.0, 0, -4]})
    text = reach_gap_views(gap, drempel=10)
    assert text.startswith("Bij 3 organisaties zijn er twee getallen: de schatting van de gemeente vooraf (samen 75 "
                           "jongeren buiten beeld) en het eigen antwoord van de organisatie in het interview (samen 59).")
    assert "Bij 1 noemde de gemeente meer jongeren, bij 1 noemde de organisatie zelf meer en bij 1 was het getal gelijk." \
        in text
    assert "onbewust bekwaam" in text and "te hoog" not in text and "overschat" not in text
    small = reach_gap_views(pd.DataFrame({"inschatting_gemeente": [4.0], "interview": [3.0], "verschil": [1.0]}), 10)
    assert "samen <10 jongeren" in small and "samen <10)" in small  # counts of young people through show_count
    assert reach_gap_views(gap.iloc[:0]) is None


def test_the_national_ranks_are_computed_once_per_content(monkeypatch):
    from buitenbeeld.analysis import compare

    calls = []
    real = compare.sensitivity
    monkeypatch.setattr(compare, "_TYPE_RANKS", {})
    monkeypatch.setattr(compare, "sensitivity", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    organisaties = pd.DataFrame({"type": ["hobby"] * 3, "jongeren_bereik": [10.0, 20.0, 30.0]},
                                index=pd.Index(["a", "b", "c"]))
    config = load_config()
    first = compare._type_ranks(organisaties, "bereiken", config, 50)
    again = compare._type_ranks(organisaties.copy(), "bereiken", config, 50)
    assert calls == ["bereiken"] and again is first  # the same content: computed once
    compare._type_ranks(organisaties.assign(jongeren_bereik=[10.0, 20.0, 31.0]), "bereiken", config, 50)
    assert calls == ["bereiken", "bereiken"]  # other content: computed again
