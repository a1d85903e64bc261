"""The pilot evaluation as shown: choosing pilot and period, quarters, summary, scouts, pilots side by side,
and the notebook and report section for the three demo pilots."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_workbook

from buitenbeeld.analysis import evaluatie
from buitenbeeld.analysis import journeys
from buitenbeeld.errors import MissingDataError
from buitenbeeld.ingest.pilot import read_pilot
from buitenbeeld.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
HEADER = ["jongere_id", "scout_id", "gemeente", "datum", "stap", "plaatsing_soort", "warme_overdracht"]


def _pilot(tmp_path: Path) -> Path:
    """12 young people reached in January 2017, 3 more in April; 10 of the first placed in May; 2 scouts."""
    rows = [HEADER]
    for i in range(12):
        rows.append([f"J-{i:02d}", "S-1" if i < 6 else "S-2", "Venlo", dt.date(2017, 1, 2 + i), "bereikt", None, None])
    for i in range(12, 15):
        rows.append([f"J-{i:02d}", "S-1", "Venlo", dt.date(2017, 4, 3), "bereikt", None, None])
    for i in range(10):
        rows.append([f"J-{i:02d}", "S-1", "Venlo", dt.date(2017, 5, 1), "geactiveerd", None, "ja"])
        rows.append([f"J-{i:02d}", "S-1", "Venlo", dt.date(2017, 5, 20), "geplaatst", "werk", "ja"])
    scouts = [["scout_id", "gemeente", "woont_in_gemeente", "bekend_in_wijk", "groot_netwerk", "voorbeeldrol",
               "kent_ambtelijke_wereld", "training_afgerond"],
              ["S-1", "Venlo", "ja", "ja", "ja", "ja", "ja", "2017-01-01"],
              ["S-2", "Venlo", "ja", "nee", "ja", "nee", "ja", None]]
    return write_workbook(tmp_path / "pilot_test.xlsx", {"scouts": scouts, "contacten": rows})


def test_select_by_gemeente_label_and_period(tmp_path):
    pilots = read_pilot(_pilot(tmp_path))
    assert len(evaluatie.select_pilots(pilots, "venlo").contacten) == 35
    assert evaluatie.select_pilots(pilots, "GM0983").label == "Venlo"
    assert len(evaluatie.select_pilots(pilots, "pilot_test").contacten) == 35
    january = evaluatie.select_pilots(pilots, "", "2017-01-01", "2017-01-31")
    assert len(january.contacten) == 12 and january.label == "alle pilots"
    assert january.period == "1 januari 2017 tot en met 31 januari 2017"
    with pytest.raises(MissingDataError, match="Aanwezig: Venlo"):
        evaluatie.select_pilots(pilots, "Almere")
    with pytest.raises(ValueError, match="jjjj-mm-dd"):
        evaluatie.select_pilots(pilots, "", "1-1-2017")


def test_per_quarter_sums_months_and_suppresses_small_counts(tmp_path):
    quarters = evaluatie.per_period(evaluatie.select_pilots(read_pilot(_pilot(tmp_path))))
    assert quarters.to_dict("list") == {"periode": ["2017 K1", "2017 K2"], "nieuw bereikt": ["12", "<10"],
                                        "geplaatst": ["0", "10"]}


def test_summary_shows_counts_and_hides_small_ones(tmp_path):
    points = evaluatie.summary_points(evaluatie.select_pilots(read_pilot(_pilot(tmp_path))))
    # 15 reached and shown; 10 activated and 10 placed would leave 5 (below 10) by subtraction: x; 0 retained
    assert points[0] == ("Van 2 januari 2017 tot en met 20 mei 2017 bereikten de jongerenscouts 15 jongeren; "
                         "x werden geactiveerd, x geplaatst (op school, werk of stage) en 0 bleven daar bij een "
                         "latere controle.")
    assert not any("warme overdracht" in p for p in points)  # 10 of 10 with, 0 without: no comparison to make


def test_scouts_are_shown_together_and_never_one_by_one(tmp_path):
    shown = evaluatie.scouts_overview(evaluatie.select_pilots(read_pilot(_pilot(tmp_path))))
    assert list(shown["profiel"]) == ["alle vijf criteria", "niet alle criteria"]
    assert list(shown["scouts"]) == ["1", "1"]
    assert set(shown[["jongeren", "geplaatst", "geplaatst van bereikt"]].to_numpy().ravel()) == {"x"}


def test_pilots_side_by_side_takes_the_funnels_suppression():
    ev = evaluatie.load_evaluation(DATA)
    side = evaluatie.pilots_side_by_side(ev)
    funnel = journeys.show_funnel(journeys.count_funnel(ev.contacten, evaluatie.GROUP))
    for naam in side.columns:
        stages = funnel[funnel[evaluatie.GROUP] == naam].set_index("stap")["jongeren"]
        assert side.loc["jongeren bereikt", naam] == stages["bereikt"]
        assert side.loc["behouden", naam] == stages["behouden"]
    assert set(side.columns) == {"'s-Gravenhage", "Leeuwarden", "Venlo"}
    assert "00:00" not in " ".join(side.loc["eerste stap"])  # Dutch dates, not timestamps


def test_report_data_carries_the_gemeentes_pilot():
    from buitenbeeld.analysis import scoring
    from buitenbeeld.publish.report import accountability, load_report_data, pilot_evaluation

    venlo = load_report_data("Venlo", 2013, DATA)
    pilot = pilot_evaluation(venlo)
    assert pilot is not None and set(pilot.contacten["gemeentecode"]) == {"GM0983"}
    assert pilot_evaluation(load_report_data("Almere", 2013, DATA)) is None
    inputs = accountability(venlo, scoring.load_config(None), {}, "2026-11-30T00:00:00")["invoer"]
    assert "pilot_venlo.xlsx" in set(inputs["bestand"])


@pytest.mark.parametrize("pilot", ["Den Haag", "Venlo", "Leeuwarden"])
def test_pilot_notebook_and_report_section_render_for_the_demo_pilots(pilot, tmp_path):
    import papermill as pm

    from buitenbeeld.reference.gemeenten import resolve_gemeente
    from buitenbeeld.publish.render import RenderOptions, render_report
    from buitenbeeld.settings import NOTEBOOKS_DIR

    out = tmp_path / "pilot.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "pilot_evaluatie.ipynb"), str(out), parameters={"pilot": pilot},
                        cwd=str(NOTEBOOKS_DIR), progress_bar=False, kernel_name="buitenbeeld")
    text = out.read_text(encoding="utf-8")
    assert "Trechter" in text and "samenhang, geen effect" in text and "SYNTHETISCHE" in text
    html = render_report(resolve_gemeente(pilot), DATA, tmp_path / "rapport",
                         options=RenderOptions(pdf=False)).read_text(encoding="utf-8")
    section = html[html.index("6. Jongerenscouts en pilot"):html.index("7. Datakwaliteit")]
    assert "Tabel 6.</strong> Trechter van de pilot" in section
    assert "<title>Figuur: Trechter pilot jongerenscouts" in section
    assert "geen gegevens van een pilot" not in section
    assert "J-" not in html  # no code of a young person reaches the report


def test_per_quarter_counts_each_placed_young_person_once(tmp_path):
    rows = [HEADER, ["J-1", None, "Venlo", dt.date(2017, 1, 5), "bereikt", None, None],
            ["J-1", None, "Venlo", dt.date(2017, 1, 9), "geplaatst", "werk", None],
            ["J-1", None, "Venlo", dt.date(2017, 2, 9), "geplaatst", "stage", None]]
    pilots = read_pilot(write_workbook(tmp_path / "pilot_x.xlsx", {"contacten": rows}))
    quarters = evaluatie.per_period(evaluatie.select_pilots(pilots), threshold=1)
    assert quarters.to_dict("list") == {"periode": ["2017 K1"], "nieuw bereikt": ["1"], "geplaatst": ["1"]}


def test_scouts_without_criteria_or_without_young_people_do_not_break_the_overview(tmp_path):
    scouts = [["scout_id", "gemeente"], ["S-1", "Venlo"], ["S-2", "Venlo"], ["S-3", "Venlo"]]
    rows = [HEADER, ["J-1", "S-1", "Venlo", dt.date(2017, 1, 5), "bereikt", None, None]]
    pilots = read_pilot(write_workbook(tmp_path / "pilot_y.xlsx", {"scouts": scouts, "contacten": rows}))
    shown = evaluatie.scouts_overview(evaluatie.select_pilots(pilots), threshold=1)
    assert shown[["profiel", "scouts", "jongeren"]].values.tolist() == [["criteria onbekend", "3", "1"]]
    from buitenbeeld.analysis.journeys import summarise_scouts

    assert summarise_scouts(pilots.scouts)["geplaatst"].tolist() == [0, 0, 0]  # no steps: zeros, not missing


def test_an_empty_period_says_what_to_do(tmp_path):
    with pytest.raises(MissingDataError, match="kies een andere periode"):
        evaluatie.select_pilots(read_pilot(_pilot(tmp_path)), "Venlo", "2030-01-01")


def test_per_organisation_uses_the_names_a_report_may_show():
    ev = evaluatie.load_evaluation(DATA, "Venlo")
    table = evaluatie.per_organisation(ev)
    assert list(table.columns) == ["bereikt", "geactiveerd", "geplaatst", "behouden"]
    kaart = ev.organisaties[ev.organisaties["gemeentecode"] == "GM0983"]
    hidden = set(kaart.loc[~kaart["toestemming_publicatie"].astype(bool), "naam"])
    shown = {name for _, name in table.index}
    assert shown and not shown & hidden  # no organisation without consent under its own name
    assert any(name.startswith("Organisatie ") for name in shown)
    assert set(table.to_numpy().ravel()) <= {"x", "0"} | {f"<10"} | {str(n) for n in range(10, 200)}


def test_per_month_for_who_asks_for_it(tmp_path):
    months = evaluatie.per_period(evaluatie.select_pilots(read_pilot(_pilot(tmp_path))), threshold=1, eenheid="maand")
    assert months.to_dict("list") == {"periode": ["2017-01", "2017-02", "2017-03", "2017-04", "2017-05"],
                                      "nieuw bereikt": ["12", "0", "0", "3", "0"],
                                      "geplaatst": ["0", "0", "0", "0", "10"]}
    with pytest.raises(ValueError, match="kies kwartaal of maand"):
        evaluatie.per_period(evaluatie.select_pilots(read_pilot(_pilot(tmp_path))), eenheid="week")
