"""Known-answer tests of journeys and pilot metrics, on small hand-made journeys (shown: test_pilot_tables).

The journeys (end of data: 2018-12-20, the last date):

- A (Den Haag): bereikt 10-1, geactiveerd 1-2 (warm), geplaatst 1-3 (werk), behouden 5-6 and 1-9;
  its rows are given out of order.
- B (Den Haag): bereikt 5-1, geactiveerd 20-1 (not warm), geplaatst 10-2 (opleiding),
  teruggevallen 1-4, geactiveerd 1-5, geplaatst 1-7 (stage): a relapse and re-engagement.
- C: bereikt in Den Haag 1-3, geactiveerd (warm) 1-5 and geplaatst (werk) 1-6 in Venlo: two gemeenten.
- D (Venlo): bereikt 1-8, geactiveerd 15-8 (not warm), geplaatst 15-10 (werk), behouden 20-12:
  the 3-month window ends 15-1-2019, after the data's end.
- E (Venlo): bereikt 1-2, gestopt 1-4.
- F (Venlo): bereikt 1-3, geactiveerd 10-3 (not warm), gestopt 1-5.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from buitenbeeld.analysis.journeys import (
    build_journeys,
    compare_pilots,
    compare_warm_handover,
    count_funnel,
    count_leefgebieden,
    count_per_month,
    count_placements,
    count_relapses,
    measure_durations,
    measure_retention,
    summarise_scouts,
    wilson_interval,
)

DH, VL = "GM0518", "GM0983"
ROWS = [  # jongere, gemeente, datum, stap, soort, warm, leefgebieden, scout
    ("A", DH, "2018-03-01", "geplaatst", "werk", None, (), "S-1"),
    ("A", DH, "2018-09-01", "behouden", None, None, (), "S-1"),
    ("A", DH, "2018-01-10", "bereikt", None, None, (), "S-1"),
    ("A", DH, "2018-06-05", "behouden", None, None, (), "S-1"),
    ("A", DH, "2018-02-01", "geactiveerd", None, True, ("financiën", "werk & opleiding"), "S-1"),
    ("B", DH, "2018-01-05", "bereikt", None, None, (), "S-1"),
    ("B", DH, "2018-01-20", "geactiveerd", None, False, ("werk & opleiding",), "S-1"),
    ("B", DH, "2018-02-10", "geplaatst", "opleiding", None, (), "S-1"),
    ("B", DH, "2018-04-01", "teruggevallen", None, None, (), "S-1"),
    ("B", DH, "2018-05-01", "geactiveerd", None, None, (), "S-1"),
    ("B", DH, "2018-07-01", "geplaatst", "stage", None, (), "S-1"),
    ("C", DH, "2018-03-01", "bereikt", None, None, (), "S-1"),
    ("C", VL, "2018-05-01", "geactiveerd", None, True, (), "S-2"),
    ("C", VL, "2018-06-01", "geplaatst", "werk", None, (), "S-2"),
    ("D", VL, "2018-08-01", "bereikt", None, None, (), "S-2"),
    ("D", VL, "2018-08-15", "geactiveerd", None, False, (), "S-2"),
    ("D", VL, "2018-10-15", "geplaatst", "werk", None, (), "S-2"),
    ("D", VL, "2018-12-20", "behouden", None, None, (), "S-2"),
    ("E", VL, "2018-02-01", "bereikt", None, None, (), None),
    ("E", VL, "2018-04-01", "gestopt", None, None, (), None),
    ("F", VL, "2018-03-01", "bereikt", None, None, (), "S-2"),
    ("F", VL, "2018-03-10", "geactiveerd", None, False, (), "S-2"),
    ("F", VL, "2018-05-01", "gestopt", None, None, (), "S-2"),
]


def hand_made_contacten() -> pd.DataFrame:
    """The contacten table of the journeys A to F (module docstring)."""
    frame = pd.DataFrame(ROWS, columns=["jongere_id", "gemeentecode", "datum", "stap", "plaatsing_soort",
                                        "warme_overdracht", "leefgebieden", "scout_id"])
    frame["datum"] = pd.to_datetime(frame["datum"])
    frame["warme_overdracht"] = frame["warme_overdracht"].astype("boolean")
    frame["pilot"] = frame["gemeentecode"].map({DH: "den_haag", VL: "venlo"})
    return frame


@pytest.fixture
def contacten() -> pd.DataFrame:
    return hand_made_contacten()


def _funnel(table: pd.DataFrame, **where) -> list[int]:
    for column, value in where.items():
        table = table[table[column] == value]
    return table["jongeren"].tolist()


@pytest.mark.parametrize("successes, n, expected", [
    (5, 10, (0.2366, 0.7634)), (0, 10, (0.0, 0.2775)), (10, 10, (0.7225, 1.0))])
def test_wilson_known_answers(successes, n, expected):
    low, high = wilson_interval(successes, n)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_of_nothing_is_unknown():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_out_of_order_rows_give_the_same_journeys(contacten):
    reference = build_journeys(contacten.sort_values(["jongere_id", "datum"]))
    for seed in range(3):
        shuffled = build_journeys(contacten.sample(frac=1, random_state=seed))
        pd.testing.assert_frame_equal(shuffled, reference)
    a = reference.set_index("jongere_id").loc["A"]
    assert a["stappen"] == ("bereikt", "geactiveerd", "geplaatst", "behouden", "behouden")
    assert a["datum_behouden"] == pd.Timestamp("2018-06-05")


def test_funnel_pilot_wide_and_implication(contacten):
    funnel = count_funnel(contacten)
    assert funnel["stap"].tolist() == ["bereikt", "geactiveerd", "geplaatst", "behouden"]
    assert funnel["jongeren"].tolist() == [6, 5, 4, 2]
    assert funnel["van_vorige"].round(4).tolist()[1:] == [0.8333, 0.8, 0.5]
    assert funnel["van_bereikt"].round(4).tolist() == [1.0, 0.8333, 0.6667, 0.3333]
    low, high = wilson_interval(2, 4)
    assert funnel.iloc[3]["van_vorige_laag"] == pytest.approx(low)
    assert funnel.iloc[3]["van_vorige_hoog"] == pytest.approx(high)


def test_a_young_person_in_two_gemeenten_counts_in_each(contacten):
    funnel = count_funnel(contacten, "gemeentecode")
    assert _funnel(funnel, gemeentecode=DH) == [3, 2, 2, 1]  # A, B, C (C only reached here)
    assert _funnel(funnel, gemeentecode=VL) == [4, 3, 2, 1]  # C (placed here, so also reached), D, E, F
    assert sum(_funnel(funnel, stap="bereikt")) == 7 and _funnel(count_funnel(contacten), stap="bereikt") == [6]
    c = build_journeys(contacten, "gemeentecode").set_index(["gemeentecode", "jongere_id"])
    assert c.loc[(VL, "C"), "bereikt"] and pd.isna(c.loc[(VL, "C"), "datum_bereikt"])


def test_relapse_and_re_engagement(contacten):
    relapses = count_relapses(contacten).iloc[0]
    assert relapses[["jongeren", "geplaatst", "teruggevallen", "heractiveerd"]].tolist() == [6, 4, 1, 1]
    b = build_journeys(contacten).set_index("jongere_id").loc["B"]
    assert b["teruggevallen"] and b["heractiveerd"] and b["plaatsing_soort"] == "opleiding"
    assert b["datum_geplaatst"] == pd.Timestamp("2018-02-10")


def test_retention_with_a_window_not_yet_passed(contacten):
    retention = measure_retention(contacten).set_index("maanden")
    # 3 months: A behouden, B uitgevallen, C onbekend, D nog niet (window ends 15-1-2019)
    columns = ["geplaatst", "nog_niet", "venster_voorbij", "behouden", "uitgevallen", "onbekend", "noemer"]
    assert retention.loc[3, columns].tolist() == [4, 1, 3, 1, 1, 1, 2]
    assert retention.loc[3, "aandeel_behouden"] == 0.5
    assert (retention.loc[3, "aandeel_behouden_laag"], retention.loc[3, "aandeel_behouden_hoog"]) == \
        pytest.approx(wilson_interval(1, 2))
    assert retention.loc[6, columns].tolist() == [4, 1, 3, 1, 1, 1, 2]  # A's follow-up on 1-9 is on time
    assert retention.loc[12, columns].tolist() == [4, 4, 0, 0, 0, 0, 0]
    assert math.isnan(retention.loc[12, "aandeel_behouden"])
    later = measure_retention(contacten, einddatum="2019-01-31").set_index("maanden")
    # D's window has passed now, but its follow-up on 20-12 is too early for 3 months (15-1 minus 14 days)
    assert later.loc[3, ["nog_niet", "behouden", "onbekend"]].tolist() == [0, 1, 2]


def test_durations(contacten):
    durations = measure_durations(contacten).set_index(["van", "naar"])
    # A 22, B 15, C 61, D 14, F 9 days
    assert durations.loc[("bereikt", "geactiveerd"), ["n", "mediaan", "q1", "q3"]].tolist() == [5, 15, 14, 22]
    assert durations.loc[("geactiveerd", "geplaatst"), ["n", "mediaan"]].tolist() == [4, 29.5]
    assert durations.loc[("bereikt", "geplaatst"), ["n", "mediaan"]].tolist() == [4, 62.5]


def test_placements_leefgebieden_and_months(contacten):
    placements = count_placements(contacten).iloc[0]
    assert placements[["opleiding", "werk", "stage", "totaal"]].tolist() == [1, 3, 0, 4]
    domains = count_leefgebieden(contacten).set_index("leefgebied")["jongeren"]
    assert domains["werk & opleiding"] == 2 and domains["financiën"] == 1 and domains.sum() == 3
    months = count_per_month(contacten).set_index("maand")
    assert len(months) == 12 and months.index[0] == "2018-01" and months.index[-1] == "2018-12"
    assert months["nieuw_bereikt"][months["nieuw_bereikt"] > 0].to_dict() == {
        "2018-01": 2, "2018-02": 1, "2018-03": 2, "2018-08": 1}
    assert months["geplaatst"][months["geplaatst"] > 0].to_dict() == {
        "2018-02": 1, "2018-03": 1, "2018-06": 1, "2018-07": 1, "2018-10": 1}


def test_warm_handover_is_an_association(contacten):
    handover = compare_warm_handover(contacten).set_index("warme_overdracht")
    assert handover.loc["ja", ["geactiveerd", "geplaatst"]].tolist() == [2, 2]  # A, C
    assert handover.loc["nee", ["geactiveerd", "geplaatst"]].tolist() == [3, 2]  # B, D placed; F not
    assert handover.loc["onbekend", "geactiveerd"] == 0


def test_scouts_and_pilot_comparison(contacten):
    scouts = pd.DataFrame({
        "scout_id": ["S-1", "S-2"], "pilot": ["den_haag", "venlo"], "gemeentecode": [DH, VL],
        "organisatie_id": [None, None],
        **{c: pd.array(v, dtype="boolean") for c, v in {
            "woont_in_gemeente": [True, True], "bekend_in_wijk": [True, False], "groot_netwerk": [True, None],
            "voorbeeldrol": [True, True], "kent_ambtelijke_wereld": [True, False], "training_gedaan": [True, False],
            "vergoeding": [True, False], "certificaat": [True, True], "faciliteiten": [False, None]}.items()}})
    summary = summarise_scouts(scouts, contacten).set_index("scout_id")
    assert summary["criteria"].tolist() == [5, 2] and summary["waardering"].tolist() == [2, 1]
    assert summary.loc["S-1", ["jongeren", "geactiveerd", "geplaatst", "behouden"]].tolist() == [3, 2, 2, 1]
    assert summary.loc["S-2", ["jongeren", "geactiveerd", "geplaatst", "behouden"]].tolist() == [3, 3, 2, 1]
    pilots = compare_pilots(contacten, scouts).set_index("pilot")
    assert pilots.loc["venlo", ["scouts", "scouts_alle_criteria", "scouts_getraind"]].tolist() == [1, 0, 0]
    assert pilots.loc["den_haag", ["bereikt", "geactiveerd", "geplaatst", "behouden", "teruggevallen",
                                   "heractiveerd"]].tolist() == [3, 2, 2, 1, 1, 1]
    assert pilots.loc["venlo", "geplaatst_van_bereikt"] == 0.5


def test_empty_input_gives_empty_tables():
    empty = pd.DataFrame(columns=["jongere_id", "gemeentecode", "datum", "stap", "plaatsing_soort",
                                  "warme_overdracht", "leefgebieden", "scout_id", "pilot"])
    for function in (count_funnel, measure_durations, measure_retention, count_relapses, count_placements,
                     count_leefgebieden, count_per_month, compare_warm_handover):
        assert function(empty, "gemeentecode").empty
        function(empty)  # the whole-pilot version of nothing: zeros or an empty table, no error
    assert compare_pilots(empty).empty


def test_journey_columns_are_stable(contacten):
    from buitenbeeld.analysis.journeys import _JOURNEY_COLUMNS

    assert list(build_journeys(contacten).columns) == ["jongere_id", *_JOURNEY_COLUMNS]


def test_retention_counts_each_pilot_until_its_own_last_date():
    rows = [("A1", "2018-03-01", "bereikt"), ("A1", "2018-03-01", "geplaatst"), ("A1", "2018-06-15", "behouden"),
            ("B1", "2018-01-01", "bereikt"), ("B1", "2018-12-31", "bereikt")]
    contacten = pd.DataFrame([{"jongere_id": j, "datum": pd.Timestamp(d), "stap": s, "pilot": "a" if j[0] == "A" else "b",
                               "gemeentecode": "GM0983", "plaatsing_soort": "werk" if s == "geplaatst" else None,
                               "warme_overdracht": None, "leefgebieden": (), "scout_id": None} for j, d, s in rows])
    by_pilot = measure_retention(contacten, "pilot").set_index(["pilot", "maanden"])
    # pilot a ends on 15 June 2018: six months after 1 March have not passed there, whatever pilot b does
    assert by_pilot.loc[("a", 6), "nog_niet"] == 1 and by_pilot.loc[("a", 6), "onbekend"] == 0
    assert by_pilot.loc[("a", 3), "behouden"] == 1
