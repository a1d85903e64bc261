"""Pilot evaluations rendered per pilot into reports/pilots/<slug>/: scanned, atomic, listed in the hub."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import HEADER as INTERVIEW_HEADER
from conftest import ROWS as INTERVIEW_ROWS
from conftest import write_workbook

from buitenbeeld.ingest.pipeline import build_processed
from buitenbeeld.publish import pilot_reports
from buitenbeeld.publish.pilot_reports import Pilot, PilotReportError, pilot_slug, pilots_in_data, render_pilot_reports

CONTACT_HEADER = ["jongere_id", "scout_id", "gemeente", "datum", "stap", "plaatsing_soort", "warme_overdracht"]
SCOUT_HEADER = ["scout_id", "gemeente", "woont_in_gemeente", "bekend_in_wijk", "groot_netwerk", "voorbeeldrol",
                "kent_ambtelijke_wereld", "training_afgerond"]


def _pilot(path: Path, gemeente: str, prefix: str) -> Path:
    """A small pilot: 15 young people reached in 2017, 10 of them activated and placed; two scouts."""
    rows = [CONTACT_HEADER]
    for i in range(15):
        rows.append([f"{prefix}-{i:02d}", "S-1" if i < 8 else "S-2", gemeente, dt.date(2017, 1 + i % 6, 2), "bereikt",
                     None, None])
    for i in range(10):
        rows.append([f"{prefix}-{i:02d}", "S-1", gemeente, dt.date(2017, 8, 1), "geactiveerd", None, "ja"])
        rows.append([f"{prefix}-{i:02d}", "S-1", gemeente, dt.date(2017, 9, 1), "geplaatst", "werk", "ja"])
    scouts = [SCOUT_HEADER, ["S-1", gemeente, "ja", "ja", "ja", "ja", "ja", "2017-01-01"],
              ["S-2", gemeente, "ja", "nee", "ja", "nee", "ja", None]]
    return write_workbook(path, {"scouts": scouts, "contacten": rows})


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Interviews (with personal columns) and the pilots of Venlo and Leeuwarden, processed."""
    folder = tmp_path_factory.mktemp("data")
    write_workbook(folder / "raw" / "interviews" / "kaart.xlsx", {"organisaties": [INTERVIEW_HEADER, *INTERVIEW_ROWS]})
    _pilot(folder / "raw" / "pilots" / "pilot_venlo.xlsx", "Venlo", "JV")
    _pilot(folder / "raw" / "pilots" / "pilot_leeuwarden.xlsx", "Leeuwarden", "JL")
    build_processed(folder)
    return folder


@pytest.fixture(scope="module")
def rendered(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return render_pilot_reports(data, out), out


def test_a_pilot_gets_a_folder_name_of_its_own():
    assert pilot_slug("pilot_den_haag") == "pilot-den-haag"
    assert pilot_slug("Pilot Súdwest-Fryslân 2017") == "pilot-sudwest-fryslan-2017"
    assert pilot_slug("../..") == "pilot"


def test_the_pilots_of_the_data_and_of_chosen_gemeenten(data, tmp_path):
    pilots = pilots_in_data(data)
    assert [(p.naam, p.gemeenten, p.codes) for p in pilots] == [
        ("pilot_leeuwarden", ("Leeuwarden",), ("GM0080",)), ("pilot_venlo", ("Venlo",), ("GM0983",))]
    assert [p.parameter for p in pilots] == ["GM0080", "GM0983"]  # the only pilot of its gemeente: by its gemeente
    assert [p.naam for p in pilots_in_data(data, ["GM0983", "GM0518"])] == ["pilot_venlo"]
    assert pilots_in_data(tmp_path / "leeg") == []

    two = tmp_path / "twee"
    _pilot(two / "raw" / "a.xlsx", "Venlo", "JA")
    _pilot(two / "raw" / "b.xlsx", "Venlo", "JB")
    build_processed(two)
    assert [(p.naam, p.parameter) for p in pilots_in_data(two)] == [("a", "a"), ("b", "b")]  # two of Venlo: by name


@pytest.mark.slow
def test_every_pilot_is_rendered_scanned_and_listed_in_the_hub(rendered):
    summary, out = rendered
    assert summary.ok and [r.status for r in summary.results] == ["ok", "ok"]
    assert "pilotevaluaties: 2 gemaakt, 0 mislukt" in summary.table()
    folder = out / "pilots" / "pilot-venlo"
    assert sorted(p.name for p in folder.iterdir()) == ["evaluatie.html", "evaluatie.ipynb", "evaluatie.json"]
    assert not [p for p in (out / "pilots").iterdir() if p.name.startswith(".")]  # no staging folder left
    page = (folder / "evaluatie.html").read_text(encoding="utf-8")
    assert "<title>Evaluatie jongerenscouts: Venlo</title>" in page
    assert '<meta http-equiv="Content-Security-Policy"' in page and "<script" not in page
    assert "Trechter" in page and "JV-0" not in page and "JL-0" not in page  # no code of a young person
    assert ".pilot-venlo-" not in (folder / "evaluatie.ipynb").read_text(encoding="utf-8")  # the final folder
    details = json.loads((folder / "evaluatie.json").read_text(encoding="utf-8"))
    assert details["pilot"] == "pilot_venlo" and details["gemeenten"] == ["Venlo"] and details["synthetisch"] is False
    assert details["periode"] == "2 januari 2017 tot en met 1 september 2017"

    index = (out / "index.html").read_text(encoding="utf-8")
    links = [html.unescape(href) for href in re.findall(r'<a href="([^"]*)"', index)]
    assert "pilots/pilot-venlo/evaluatie.html" in links and "pilots/pilot-leeuwarden/evaluatie.ipynb" in links
    assert all((out / link).is_file() for link in links if not link.startswith("#"))
    listed = index.split('id="pilotevaluaties"', 1)[1]
    assert listed.index("Leeuwarden") < listed.index("Venlo")  # by gemeente
    assert "2 januari 2017 tot en met 1 september 2017" in listed and "Niet gelukt" not in index


@pytest.mark.slow
def test_a_failing_pilot_stops_neither_the_others_nor_leaves_a_half_page(data, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    old = out / "pilots" / "pilot-venlo"
    old.mkdir(parents=True)
    (old / "evaluatie.html").write_text("<title>vorige</title>", encoding="utf-8")
    (old / "evaluatie.json").write_text(json.dumps({"pilot": "pilot_venlo", "gemeenten": ["Venlo"]}), encoding="utf-8")

    original = pilot_reports.check_report

    def check(path, personal):  # Venlo's contact person is named like a heading that every evaluation shows
        assert not isinstance(personal, pd.DataFrame)  # the values of the personal table, made once per batch
        return original(path, {**personal, "Warme overdracht": "contactpersoon"} if ".pilot-venlo-" in str(path)
                        else personal)

    monkeypatch.setattr(pilot_reports, "check_report", check)
    summary = render_pilot_reports(data, out)
    results = {r.pilot.naam: r for r in summary.results}
    assert not summary.ok and results["pilot_leeuwarden"].ok and not results["pilot_venlo"].ok
    assert results["pilot_venlo"].index_message.startswith("gestopt: persoonsgegevens gevonden in sectie")
    assert "Warme overdracht" not in results["pilot_venlo"].message  # the message never repeats the value
    assert "pilotevaluaties: 1 gemaakt, 1 mislukt" in summary.table()
    assert (old / "evaluatie.html").read_text(encoding="utf-8") == "<title>vorige</title>"  # the old one stays
    assert not [p for p in (out / "pilots").iterdir() if p.name.startswith(".")]

    index = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    failed = index.split("Niet gelukt", 1)[1]
    assert "pilot_venlo" in failed and "gestopt: persoonsgegevens gevonden" in failed
    assert "laatste poging mislukt; dit is de vorige evaluatie" in index


@pytest.mark.slow
def test_a_failing_notebook_names_its_cell_and_is_kept(data, tmp_path):
    with pytest.raises(PilotReportError) as caught:
        pilot_reports.render_pilot_report(Pilot("pilot_nergens", ("Nergenshuizen",), ("GM9999",), "Nergenshuizen"),
                                          data, tmp_path)
    assert caught.value.cell is not None and "Geen pilotgegevens voor 'Nergenshuizen'" in str(caught.value)
    assert str(caught.value).startswith(f"Evaluatie van pilot_nergens mislukt (cel {caught.value.cell}): ")
    assert (tmp_path / "pilots" / "_mislukt" / "pilot-nergens.ipynb").is_file()
    assert sorted(p.name for p in (tmp_path / "pilots").iterdir()) == ["_mislukt"]
