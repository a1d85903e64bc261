"""The pilot evaluation: choosing pilot and period, the pilot in the report data, and the notebook and report
section for the three demo pilots (the tables as shown: test_pilot_tables)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_workbook

from buitenbeeld.analysis import evaluatie
from buitenbeeld.errors import MissingDataError
from buitenbeeld.ingest.pilot import read_pilot
from buitenbeeld.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
HEADER = ["jongere_id", "scout_id", "gemeente", "datum", "stap", "plaatsing_soort", "warme_overdracht"]


def pilot_workbook(tmp_path: Path) -> Path:
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
    pilots = read_pilot(pilot_workbook(tmp_path))
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

    from buitenbeeld.publish.render import RenderOptions, render_report
    from buitenbeeld.reference.gemeenten import resolve_gemeente
    from buitenbeeld.settings import NOTEBOOKS_DIR

    out = tmp_path / "pilot.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "pilot_evaluatie.ipynb"), str(out), parameters={"pilot": pilot},
                        cwd=str(NOTEBOOKS_DIR), progress_bar=False, kernel_name="buitenbeeld")
    text = out.read_text(encoding="utf-8")
    assert "Trechter" in text and "samenhang, geen effect" in text and "SYNTHETISCHE" in text
    html = render_report(resolve_gemeente(pilot), DATA, tmp_path / "rapport",
                         options=RenderOptions(pdf=False)).read_text(encoding="utf-8")
    start = html.index('id="6.-Jongerenscouts-en-pilot"')  # the heading, not its line in the table of contents
    section = html[start:html.index('id="8.-Datakwaliteit"')]
    assert "Tabel 6.</strong> Trechter van de pilot" in section
    assert "<title>Figuur: Trechter pilot jongerenscouts" in section
    assert "geen gegevens van een pilot" not in section
    assert "J-" not in html  # no code of a young person reaches the report


def test_an_empty_period_says_what_to_do(tmp_path):
    with pytest.raises(MissingDataError, match="kies een andere periode"):
        evaluatie.select_pilots(read_pilot(pilot_workbook(tmp_path)), "Venlo", "2030-01-01")
