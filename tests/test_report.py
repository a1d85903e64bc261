"""What the gemeente report shows, computed from a small data folder built in code."""
from __future__ import annotations

import pytest

from buitenbeeld.errors import MissingDataError, UnknownGemeenteError
from buitenbeeld.report import (
    data_quality_notes, data_quality_table, header_markdown, load_report_data, rejects_table,
    shares, youth_figures_table,
)


def test_loads_only_the_gemeentes_organisations(data_dir):
    data = load_report_data("den haag", 2013, data_dir)
    assert data.gemeente.code == "GM0518"
    assert sorted(data.organisaties["naam"]) == ["Boksschool Test", "Kapsalon Test", "Werkplein Test"]
    assert not data.synthetic


def test_header_names_cbs_name_and_code(data_dir):
    header = header_markdown(load_report_data("GM0518", 2013, data_dir))
    assert "'s-Gravenhage" in header and "GM0518" in header and "SYNTHETISCH" not in header


def test_youth_figures_against_the_national_share(data_dir):
    data = load_report_data("Den Haag", 2013, data_dir)
    own, national = shares(data)
    assert own == pytest.approx(6300 / 90000)  # 7,0%
    assert national == pytest.approx(134430 / 2489440)  # 5,4%
    table = youth_figures_table(data)
    assert table.loc["Jongeren buiten beeld", "'s-Gravenhage"] == "6.300"
    assert table.loc["Aandeel buiten beeld"].tolist() == ["7,0%", "5,4%"]


def test_small_youth_counts_are_suppressed_in_the_table(data_dir):
    table = youth_figures_table(load_report_data("Almere", 2013, data_dir))
    assert table.loc["Jongeren buiten beeld", "Almere"] == "<10"


def test_data_quality_counts_answers_estimates_unknowns_and_absent_columns(data_dir):
    table = data_quality_table(load_report_data("Den Haag", 2013, data_dir))
    # bereik: 'ca. 40' (estimate), 120, '1.200' -> 3 answered, 1 estimated
    assert table.loc["jongeren bereik"].tolist() == [3, 1, 0, 0]
    # buiten beeld: '30-50' (estimate), 'onbekend', 10
    assert table.loc["jongeren buiten beeld"].tolist() == [2, 1, 1, 0]
    # zorgwekkend is not a column of the file: not asked
    assert table.loc["jongeren zorgwekkend"].tolist() == [0, 0, 0, 3]


def test_data_quality_notes_and_rejects(data_dir):
    data = load_report_data("Den Haag", 2013, data_dir)
    notes = " ".join(data_quality_notes(data))
    assert "6 rijen; 4 geladen en 2 afgewezen" in notes
    assert "5 maart 2024" in notes
    rejects = rejects_table(data)
    assert rejects["rij"].tolist() == [6, 7] and set(rejects["kolom"]) == {"naam", "type"}


def test_unknown_gemeente_fails_with_suggestions(data_dir):
    with pytest.raises(UnknownGemeenteError, match="Did you mean: Leeuwarden"):
        load_report_data("Leuwarden", 2013, data_dir)


def test_missing_peiljaar_says_what_is_there(data_dir):
    with pytest.raises(MissingDataError, match="peiljaar 2019"):
        load_report_data("Den Haag", 2019, data_dir)


def test_folder_without_cbs_table_says_how_to_get_data(tmp_path):
    with pytest.raises(MissingDataError, match="buitenbeeld demo"):
        load_report_data("Den Haag", 2013, tmp_path)


def test_report_reads_the_processed_tables_not_the_raw_files(data_dir):
    import pandas as pd

    from buitenbeeld.ingest import TABLES

    load_report_data("Den Haag", 2013, data_dir)
    table = data_dir / "processed" / TABLES["organisaties"]
    assert table.exists()
    # a change in the processed table (same manifest) shows up in the report data
    frame = pd.read_parquet(table)
    frame.loc[frame["naam"] == "Kapsalon Test", "naam"] = "Kapsalon Gewijzigd"
    frame.to_parquet(table, index=False)
    names = set(load_report_data("Den Haag", 2013, data_dir).organisaties["naam"])
    assert "Kapsalon Gewijzigd" in names
