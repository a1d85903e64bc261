"""The pilot evaluation as a reader sees it: funnel, tables, durations, warm handover, retention and relapse
with disclosure control, and the quarters, summary, scouts, pilots side by side and organisations of an evaluation."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import write_workbook

from buitenbeeld.analysis import evaluatie, journeys
from buitenbeeld.analysis.journeys import (
    add_rate_columns,
    compare_warm_handover,
    count_funnel,
    count_placements,
    measure_durations,
)
from buitenbeeld.ingest.pilot import read_pilot
from buitenbeeld.privacy.disclosure import derivable_small_counts
from buitenbeeld.publish import pilot_tables
from buitenbeeld.publish.pilot_tables import (
    WARM_HANDOVER_NOTE,
    show_durations,
    show_funnel,
    show_relapses,
    show_retention,
    show_table,
    show_warm_handover,
)
from test_evaluatie import DATA, HEADER, pilot_workbook
from test_journeys import hand_made_contacten


@pytest.fixture
def contacten() -> pd.DataFrame:
    return hand_made_contacten()


def test_the_warm_handover_note_says_association_not_effect():
    assert "samenhang, geen effect" in WARM_HANDOVER_NOTE


def test_show_durations_only_from_the_threshold(contacten):
    durations = measure_durations(contacten)  # n = 5, 4, 4 (test_journeys.test_durations)
    shown = show_durations(durations, threshold=6)
    assert shown["n"].tolist() == ["<6"] * 3 and set(shown["mediaan"]) == {"x"}
    assert show_durations(durations, threshold=5)["mediaan"].tolist() == ["15", "x", "x"]


def test_show_funnel_suppresses_small_counts_and_differences():
    rows = []
    for number in range(40):  # 40 reached, 35 activated, 12 placed, 3 retained
        steps = ["bereikt"] + ["geactiveerd"] * (number < 35) + ["geplaatst"] * (number < 12) + ["behouden"] * (number < 3)
        rows += [(f"J-{number}", pd.Timestamp("2018-01-01") + pd.Timedelta(days=i), s) for i, s in enumerate(steps)]
    frame = pd.DataFrame(rows, columns=["jongere_id", "datum", "stap"])
    shown = show_funnel(count_funnel(frame)).set_index("stap")
    assert shown["jongeren"].tolist() == ["40", "x", "12", "<10"]  # 40 - 35 = 5 would be disclosed
    assert shown.loc["geplaatst", "van bereikt"] == "30%"
    assert shown.loc["geactiveerd", "van vorige stap"] == "x" and shown.loc["behouden", "van bereikt"] == "x"


def test_show_table_uses_disclosure_control(contacten):
    placements = count_placements(contacten, "gemeentecode")
    shown = show_table(placements, ["opleiding", "werk", "stage", "totaal"], total_column="totaal")
    assert set(shown[["opleiding", "werk", "totaal"]].to_numpy().ravel()) <= {"0", "<10", "x"}
    handover = compare_warm_handover(contacten)
    shown = show_table(handover, ["geactiveerd", "geplaatst"], {"aandeel_geplaatst": ("geplaatst", "geactiveerd")},
                       threshold=2)
    # nee: 2 of 3 placed; 67% and 3 would give away the 1 not placed (below the threshold of 2)
    assert shown["aandeel_geplaatst"].tolist() == ["100%", "x", "."]
    assert shown["aandeel_geplaatst (95%)"].tolist()[:2] == ["34% – 100%", "x"]
    shown = show_table(handover, ["geactiveerd", "geplaatst"], {"aandeel_geplaatst": ("geplaatst", "geactiveerd")},
                       threshold=1)
    assert shown["aandeel_geplaatst"].tolist()[:2] == ["100%", "67%"]  # no threshold to protect: shown


def test_show_warm_handover_protects_the_rows_against_the_funnel_total():
    table = add_rate_columns(pd.DataFrame({"warme_overdracht": ["ja", "nee", "onbekend"], "geactiveerd": [20, 12, 2],
                                           "geplaatst": [15, 3, 1]}), "aandeel_geplaatst", "geplaatst", "geactiveerd")
    shown = show_warm_handover(table, threshold=10).set_index("warme_overdracht")
    # the rows add up to the funnel's 34 activated and 19 placed, so "samen" is a total row:
    # onbekend's 2 activated is hidden, and 12 (nee) with it, or 34 - 20 - 12 would give it back
    assert shown["geactiveerd"].to_dict() == {"ja": "20", "nee": "x", "onbekend": "<10", "samen": "34"}
    assert shown["geplaatst"].to_dict() == {"ja": "15", "nee": "<10", "onbekend": "<10", "samen": "19"}
    # 15 of 20 placed leaves 5 not placed: the share would give that away
    assert shown["aandeel_geplaatst"].to_dict() == {"ja": "x", "nee": "x", "onbekend": "x", "samen": "56%"}


def test_show_relapses_hides_a_part_that_differs_little_from_its_whole():
    table = add_rate_columns(pd.DataFrame({"jongeren": [40], "geplaatst": [20], "teruggevallen": [15],
                                           "heractiveerd": [12]}), "aandeel_heractiveerd", "heractiveerd",
                             "teruggevallen")
    shown = show_relapses(table, threshold=10).iloc[0]
    assert (shown["jongeren"], shown["geplaatst"], shown["teruggevallen"]) == ("40", "20", "15")
    assert shown["heractiveerd"] == "x"  # 15 - 12 = 3 would be read off
    assert shown["aandeel_heractiveerd"] == "x"


def test_show_retention_is_an_equation_behouden_plus_uitgevallen():
    table = add_rate_columns(pd.DataFrame({
        "maanden": [3, 6], "geplaatst": [67, 67], "nog_niet": [9, 18], "venster_voorbij": [58, 49],
        "behouden": [54, 35], "uitgevallen": [4, 13], "onbekend": [0, 1], "noemer": [58, 48]}),
        "aandeel_behouden", "behouden", "noemer")
    shown = show_retention(table, threshold=10).set_index("maanden")
    assert list(shown.columns[:3]) == ["behouden", "uitgevallen", "noemer"]
    assert "nog_niet" not in shown and "geplaatst" not in shown  # sums that would give the hidden counts back
    assert shown.loc["3", ["behouden", "uitgevallen", "noemer"]].tolist() == ["x", "<10", "58"]
    assert shown.loc["6", ["behouden", "uitgevallen", "noemer", "aandeel_behouden"]].tolist() == ["35", "13", "48", "73%"]


def test_per_quarter_sums_months_and_suppresses_small_counts(tmp_path):
    quarters = pilot_tables.per_period(evaluatie.select_pilots(read_pilot(pilot_workbook(tmp_path))))
    # 12 in K1 and the funnel's 15 reached would give the 3 of K2 away: the quarters add up to the funnel
    assert quarters.to_dict("list") == {"periode": ["2017 K1", "2017 K2"], "nieuw bereikt": ["x", "<10"],
                                        "geplaatst": ["0", "10"]}


def test_summary_shows_counts_and_hides_small_ones(tmp_path):
    points = pilot_tables.summary_points(evaluatie.select_pilots(read_pilot(pilot_workbook(tmp_path))))
    # 15 reached and shown; 10 activated and 10 placed would leave 5 (below 10) by subtraction: x; 0 retained
    assert points[0] == ("Van 2 januari 2017 tot en met 20 mei 2017 bereikten de jongerenscouts 15 jongeren; "
                         "enkele werden geactiveerd, enkele geplaatst (op school, werk of stage) "
                         "en bij 0 bleek bij een latere controle dat ze hun plek hadden gehouden.")
    assert "x werden" not in points[0] and "bleven daar" not in points[0]
    assert not any("warme overdracht" in p for p in points)  # 10 of 10 with, 0 without: no comparison to make


def test_scouts_are_shown_together_and_never_one_by_one(tmp_path):
    shown = pilot_tables.scouts_overview(evaluatie.select_pilots(read_pilot(pilot_workbook(tmp_path))))
    assert list(shown["profiel"]) == ["alle vijf criteria", "niet alle criteria"]
    assert list(shown["scouts"]) == ["1", "1"]
    assert set(shown[["jongeren", "geplaatst", "geplaatst van bereikt"]].to_numpy().ravel()) == {"x"}


def test_pilots_side_by_side_takes_the_funnels_suppression():
    ev = evaluatie.load_evaluation(DATA)
    side = pilot_tables.pilots_side_by_side(ev)
    funnel = pilot_tables.show_funnel(journeys.count_funnel(ev.contacten, evaluatie.GROUP))
    for naam in side.columns:
        stages = funnel[funnel[evaluatie.GROUP] == naam].set_index("stap")["jongeren"]
        assert side.loc["jongeren bereikt", naam] == stages["bereikt"]
        assert side.loc["behouden", naam] == stages["behouden"]
    assert set(side.columns) == {"'s-Gravenhage", "Leeuwarden", "Venlo"}
    assert "00:00" not in " ".join(side.loc["eerste stap"])  # Dutch dates, not timestamps


def test_per_quarter_counts_each_placed_young_person_once(tmp_path):
    rows = [HEADER, ["J-1", None, "Venlo", dt.date(2017, 1, 5), "bereikt", None, None],
            ["J-1", None, "Venlo", dt.date(2017, 1, 9), "geplaatst", "werk", None],
            ["J-1", None, "Venlo", dt.date(2017, 2, 9), "geplaatst", "stage", None]]
    pilots = read_pilot(write_workbook(tmp_path / "pilot_x.xlsx", {"contacten": rows}))
    quarters = pilot_tables.per_period(evaluatie.select_pilots(pilots), threshold=1)
    assert quarters.to_dict("list") == {"periode": ["2017 K1"], "nieuw bereikt": ["1"], "geplaatst": ["1"]}


def test_scouts_without_criteria_or_without_young_people_do_not_break_the_overview(tmp_path):
    scouts = [["scout_id", "gemeente"], ["S-1", "Venlo"], ["S-2", "Venlo"], ["S-3", "Venlo"]]
    rows = [HEADER, ["J-1", "S-1", "Venlo", dt.date(2017, 1, 5), "bereikt", None, None]]
    pilots = read_pilot(write_workbook(tmp_path / "pilot_y.xlsx", {"scouts": scouts, "contacten": rows}))
    shown = pilot_tables.scouts_overview(evaluatie.select_pilots(pilots), threshold=1)
    assert shown[["profiel", "scouts", "jongeren"]].values.tolist() == [["criteria onbekend", "3", "1"]]
    from buitenbeeld.analysis.journeys import summarise_scouts

    assert summarise_scouts(pilots.scouts)["geplaatst"].tolist() == [0, 0, 0]  # no steps: zeros, not missing


def test_per_organisation_uses_the_names_a_report_may_show():
    ev = evaluatie.load_evaluation(DATA, "Venlo")
    table = pilot_tables.per_organisation(ev)
    assert list(table.columns) == ["bereikt", "geactiveerd", "geplaatst", "behouden"]
    kaart = ev.organisaties[ev.organisaties["gemeentecode"] == "GM0983"]
    hidden = set(kaart.loc[~kaart["toestemming_publicatie"].astype(bool), "naam"])
    shown = {name for _, name in table.index}
    assert shown and not shown & hidden  # no organisation without consent under its own name
    assert any(name.startswith("Organisatie ") for name in shown)
    assert set(table.to_numpy().ravel()) <= {"x", "0"} | {"<10"} | {str(n) for n in range(10, 200)}


def test_per_month_for_who_asks_for_it(tmp_path):
    months = pilot_tables.per_period(evaluatie.select_pilots(read_pilot(pilot_workbook(tmp_path))), threshold=1,
                                     eenheid="maand")
    assert months.to_dict("list") == {"periode": ["2017-01", "2017-02", "2017-03", "2017-04", "2017-05"],
                                      "nieuw bereikt": ["12", "0", "0", "3", "0"],
                                      "geplaatst": ["0", "0", "0", "0", "10"]}
    with pytest.raises(ValueError, match="kies kwartaal of maand"):
        pilot_tables.per_period(evaluatie.select_pilots(read_pilot(pilot_workbook(tmp_path))), eenheid="week")


# --------------------------------------------------------------------------- one document, audited as a whole


def _document(ev, threshold=10):
    """Every table pilot_tables shows for one pilot, as shown, and the sums a reader knows hold between them."""
    group = evaluatie.GROUP
    contacten = ev.contacten
    naam = contacten[group].iloc[0]
    shown_funnel = show_funnel(count_funnel(contacten, group), threshold)
    tables = {
        "trechter": shown_funnel.set_index("stap")[["jongeren"]],
        "naast": pilot_tables.pilots_side_by_side(ev, threshold),
        "warm": show_warm_handover(compare_warm_handover(contacten, group), threshold,
                                   shown_funnel).set_index("warme_overdracht")[["geactiveerd", "geplaatst"]],
        "organisatie": pilot_tables.per_organisation(ev, threshold).droplevel(0),
        "periode": pilot_tables.per_period(ev, threshold).set_index("periode"),
        "terugval": show_relapses(journeys.count_relapses(contacten, group), threshold).set_index(group),
        "behoud": show_retention(journeys.measure_retention(contacten, group), threshold).set_index("maanden"),
        "scouts": pilot_tables.scouts_overview(ev, threshold).set_index("profiel"),
    }
    relations = []
    for stap, label in (("bereikt", "jongeren bereikt"), ("geactiveerd", "geactiveerd"), ("geplaatst", "geplaatst"),
                        ("behouden", "behouden")):
        relations.append((("trechter", stap, "jongeren"), [("naast", label, naam)]))
        relations.append((("trechter", stap, "jongeren"), [("organisatie", o, stap) for o in tables["organisatie"].index]))
    relations.append((("naast", "geactiveerd met warme overdracht", naam), [("warm", "ja", "geactiveerd")]))
    for column in ("geactiveerd", "geplaatst"):
        relations.append((("warm", "samen", column), [("warm", g, column) for g in ("ja", "nee", "onbekend")]))
        relations.append((("trechter", column, "jongeren"), [("warm", "samen", column)]))
    relations.append((("trechter", "bereikt", "jongeren"), [("periode", p, "nieuw bereikt")
                                                           for p in tables["periode"].index]))
    relations.append((("trechter", "bereikt", "jongeren"), [("terugval", naam, "jongeren")]))
    relations.append((("trechter", "geplaatst", "jongeren"), [("terugval", naam, "geplaatst")]))
    for column in ("teruggevallen", "heractiveerd"):
        relations.append((("naast", column, naam), [("terugval", naam, column)]))
    for maanden in tables["behoud"].index:
        relations.append((("behoud", maanden, "noemer"), [("behoud", maanden, "behouden"),
                                                          ("behoud", maanden, "uitgevallen")]))
    for column, stap in (("jongeren", "bereikt"), ("geplaatst", "geplaatst")):
        relations.append((("trechter", stap, "jongeren"), [("scouts", p, column) for p in tables["scouts"].index]))
    return tables, relations


def test_the_old_side_by_side_with_warm_handover_ja_gave_the_unknown_group_away():
    # before: the side by side showed ja = 24 on its own, the warm-handover table nee = 30 and the funnel 59
    tables = {"naast": pd.DataFrame({"Venlo": ["59", "24"]}, index=["geactiveerd", "geactiveerd met warme overdracht"]),
              "warm": pd.DataFrame({"geactiveerd": ["x", "30", "<10", "59"]}, index=["ja", "nee", "onbekend", "samen"])}
    relations = [(("warm", "samen", "geactiveerd"), [("warm", g, "geactiveerd") for g in ("ja", "nee", "onbekend")]),
                 (("naast", "geactiveerd met warme overdracht", "Venlo"), [("warm", "ja", "geactiveerd")])]
    assert derivable_small_counts(tables, relations, 10) == {("warm", "onbekend", "geactiveerd"): 5}


@pytest.mark.parametrize("pilot", ["Venlo", "Leeuwarden", "Den Haag"])
def test_no_small_count_of_a_demo_pilot_can_be_derived_across_its_tables(pilot):
    ev = evaluatie.load_evaluation(DATA, pilot)
    tables, relations = _document(ev)
    assert derivable_small_counts(tables, relations, 10) == {}
    if pilot == "Venlo":
        warm = tables["warm"]
        assert list(warm.index) == ["ja", "nee", "onbekend", "samen"]  # onbekend always shown as a group
        assert warm.at["onbekend", "geactiveerd"] == "<10"
        assert tables["naast"].at["geactiveerd met warme overdracht", "Venlo"] == warm.at["ja", "geactiveerd"]


def test_show_warm_handover_hides_the_total_the_funnel_hides():
    table = add_rate_columns(pd.DataFrame({"warme_overdracht": ["ja", "nee", "onbekend"], "geactiveerd": [20, 15, 0],
                                           "geplaatst": [15, 12, 0]}), "aandeel_geplaatst", "geplaatst", "geactiveerd")
    funnel = pd.DataFrame({"stap": ["bereikt", "geactiveerd", "geplaatst", "behouden"],
                           "jongeren": ["40", "x", "27", "<10"]})
    shown = show_warm_handover(table, 10, funnel).set_index("warme_overdracht")
    assert shown.at["samen", "geactiveerd"] == "x"
    assert shown["geactiveerd"].tolist().count("x") >= 2  # the hidden total is not the sum of the shown rows
    assert shown.at["samen", "geplaatst"] == "27"
    tables = {"trechter": funnel.set_index("stap"), "warm": shown[["geactiveerd", "geplaatst"]]}
    assert derivable_small_counts(tables, [(("warm", "samen", "geactiveerd"), [("warm", g, "geactiveerd") for g in
                                                                              ("ja", "nee", "onbekend")])]) == {}
