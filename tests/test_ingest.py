"""Rebuilding processed/ from raw/: tables, rejects, report, personal data apart, no-op reruns."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from conftest import REPO

from buitenbeeld.ingest.interviews import PERSONAL_COLUMNS
from buitenbeeld.ingest.pipeline import (
    MANIFEST,
    PERSONAL_TABLE,
    REJECTS_CSV,
    TABLES,
    VALIDATION_REPORT,
    build_processed,
    read_processed,
)


def _hashes(folder):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_every_table_and_the_report(data_dir):
    build = build_processed(data_dir)
    processed = data_dir / "processed"
    for name in [*TABLES.values(), REJECTS_CSV, VALIDATION_REPORT, MANIFEST, str(PERSONAL_TABLE)]:
        assert (processed / name).exists(), name
    assert build.rebuilt
    assert "totaal: gelezen 6 = geladen 4 + afgewezen 2" in build.summary_lines()


def test_analysis_table_has_no_personal_columns_and_they_are_kept_apart(data_dir):
    build_processed(data_dir)
    organisaties = pd.read_parquet(data_dir / "processed" / TABLES["organisaties"])
    assert not set(PERSONAL_COLUMNS) & set(organisaties.columns)
    text = organisaties.astype(str).to_csv()
    assert "voorbeeld.nl" not in text and "06-0000" not in text
    personal = pd.read_parquet(data_dir / "processed" / PERSONAL_TABLE)
    assert set(personal["email"].dropna()) == {"piet@voorbeeld.nl", "ali@voorbeeld.nl", "els@voorbeeld.nl", "omar@voorbeeld.nl"}


def test_every_row_is_in_the_table_or_the_rejects_file(data_dir):
    build_processed(data_dir)
    processed = data_dir / "processed"
    files = pd.read_parquet(processed / TABLES["files"])
    assert (files["read"] == files["loaded"] + files["rejected"]).all()
    organisaties = pd.read_parquet(processed / TABLES["organisaties"])
    rejects = pd.read_csv(processed / REJECTS_CSV, sep=";", encoding="utf-8-sig")
    rejected_rows = rejects[["bestand", "rij"]].drop_duplicates()
    assert len(organisaties) + len(rejected_rows) == files["read"].sum()
    assert set(map(tuple, rejected_rows.to_numpy().tolist())) == {("kaart.xlsx", 6), ("kaart.xlsx", 7)}


def test_raw_files_are_never_modified(data_dir):
    before = _hashes(data_dir / "raw")
    build_processed(data_dir, force=True)
    assert _hashes(data_dir / "raw") == before


def test_rerun_on_unchanged_input_is_a_noop_and_a_forced_rebuild_is_identical(data_dir):
    build_processed(data_dir)
    processed = data_dir / "processed"
    first = _hashes(processed)
    mtimes = {p: p.stat().st_mtime_ns for p in first}
    again = build_processed(data_dir)
    assert not again.rebuilt
    assert {p: p.stat().st_mtime_ns for p in first} == mtimes
    assert "waren al bijgewerkt" in again.summary_lines()[-2]
    build_processed(data_dir, force=True)
    assert _hashes(processed) == first


def test_changed_input_rebuilds(data_dir):
    from conftest import HEADER, ROWS, write_workbook

    build_processed(data_dir)
    write_workbook(data_dir / "raw" / "interviews" / "kaart.xlsx", {"organisaties": [HEADER, *ROWS[:2]]})
    build = build_processed(data_dir)
    assert build.rebuilt and build.summary_lines()[-3] == "totaal: gelezen 2 = geladen 2 + afgewezen 0"


def test_read_processed_restores_types(data_dir):
    build_processed(data_dir)
    organisaties = read_processed(data_dir).organisaties.set_index("naam")
    assert organisaties.loc["Boksschool Test", "wijk"] == ("Schilderswijk", "Transvaal")
    assert organisaties.loc["Boksschool Test", "rollen_nu"] == ("bereiken", "activeren")
    assert str(organisaties.loc["Boksschool Test", "datum_interview"])[:10] == "2024-03-05"
    assert organisaties.loc["Boksschool Test", "jongeren_buiten_beeld_min"] == 30.0


def test_validation_report_is_readable_dutch_with_locations(data_dir):
    build_processed(data_dir)
    report = (data_dir / "processed" / VALIDATION_REPORT).read_text(encoding="utf-8")
    assert "Gelezen: **6** rijen = **4** geladen + **2** afgewezen." in report
    assert "| kaart.xlsx | organisaties | 7 | type | weet niet |" in report
    assert "## Conflicten tussen bestanden" in report


def test_demo_data_goes_through_the_same_path(tmp_path):
    import shutil

    shutil.copytree(REPO / "data" / "raw" / "demo", tmp_path / "raw" / "demo")
    build = build_processed(tmp_path)
    files = build.result.files
    assert (files["read"] == files["loaded"] + files["rejected"]).all()
    assert len(files) == 8 and files["synthetic"].all()  # seven gemeenten, Den Haag in two rounds
    assert files["rejected"].sum() == 3
    assert build.result.organisaties.groupby("gemeentecode").size().min() >= 15
    # the pilot workbooks are recognised as pilots (their contacten sheet is not an interview sheet)
    assert [p.name for p in build.inputs.pilots] == ["pilot_den_haag.xlsx", "pilot_leeuwarden.xlsx", "pilot_venlo.xlsx"]
    pilots = build.pilots
    assert (pilots.sheets["read"] == pilots.sheets["loaded"] + pilots.sheets["rejected"]).all()
    assert set(pilots.contacten["gemeentecode"]) == {"GM0518", "GM0080", "GM0983"}
    assert "opmerking" not in pilots.contacten.columns  # free text never reaches the processed tables
    again = build_processed(tmp_path)  # read back from processed/, not rebuilt
    assert not again.rebuilt
    pd.testing.assert_frame_equal(again.pilots.contacten, pilots.contacten)
    assert "# Validatie pilotbestanden" in (tmp_path / "processed" / "validatie.md").read_text(encoding="utf-8")


def test_validation_report_has_dutch_headers_ja_nee_and_real_plurals(data_dir):
    import re

    build_processed(data_dir)
    processed = data_dir / "processed"
    report = (processed / VALIDATION_REPORT).read_text(encoding="utf-8")
    assert "| bestand | gelezen | geladen | afgewezen | synthetisch | onbruikbaar |" in report
    assert "| kaart.xlsx | 6 | 4 | 2 | nee | nee |" in report
    assert "| bestand | blad | rij | kolom | waarde | reden | wat te doen |" in report
    for word in ("True", "False", "nan", "None", "rij(en)", "row(s)", "error", "warning", "severity"):
        assert word not in report, word
    for header in ("file", "sheet", "row", "column", "value", "reason", "hint", "read", "loaded", "rejected"):
        assert not re.search(rf"\| {header} \|", report), header
    # the rejects file people open in Excel: Dutch headers and 'fout' instead of 'error'
    rejects = pd.read_csv(processed / REJECTS_CSV, sep=";", encoding="utf-8-sig")
    assert list(rejects.columns) == ["bestand", "blad", "rij", "kolom", "waarde", "reden", "wat te doen", "soort"]
    assert set(rejects["soort"]) == {"fout"} and rejects["rij"].tolist() == [6, 7]


def test_validation_report_of_one_row_says_rij_and_escapes_the_input(tmp_path):
    from conftest import HEADER, ROWS, write_workbook

    from buitenbeeld.ingest.interviews import read_interviews
    from buitenbeeld.ingest.pipeline import validation_markdown

    row = [*ROWS[0][:-1], "x"]  # an unclear consent: a warning
    row[0] = "Club *vet* | <b>"
    result = read_interviews(write_workbook(tmp_path / "een_rij.xlsx", {"organisaties": [HEADER, row]}))
    report = validation_markdown(result)
    assert "Gelezen: **1** rij = **1** geladen + **0** afgewezen." in report
    assert "| toestemming&#95;publicatie | x | niet duidelijk of dit toestemming is" in report
    assert "*vet*" not in report and "<b>" not in report  # every input value is escaped


def test_pilot_problems_in_the_validation_report_are_fout_or_waarschuwing(tmp_path):
    import datetime as dt

    from conftest import write_workbook

    from buitenbeeld.ingest.interviews import read_interviews
    from buitenbeeld.ingest.pilot import read_pilot
    from buitenbeeld.ingest.pipeline import validation_markdown

    pilot = write_workbook(tmp_path / "pilot.xlsx", {"contacten": [
        ["jongere_id", "gemeente", "datum", "stap", "warme_overdracht"],
        ["J-A", "Venlo", dt.date(2018, 1, 1), "bereikt", "misschien"],
        ["J-B", "Venlo", dt.date(2018, 1, 1), "op vakantie", None]]})
    interviews = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": [["naam", "gemeente", "type"]]}))
    report = validation_markdown(interviews, read_pilot(pilot))
    assert "| bestand | blad | rij | kolom | waarde | reden | wat te doen | soort |" in report
    assert "| waarschuwing |" in report and "| fout |" in report
    assert "| pilot.xlsx | contacten | 2 | 1 | 1 | nee | nee |" in report


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_both_engines_give_the_same_tables(tmp_path, engine):
    import shutil

    shutil.copytree(REPO / "data" / "raw" / "demo", tmp_path / "raw" / "demo")
    result = build_processed(tmp_path, engine=engine).result
    reference = build_processed(tmp_path, engine="calamine", force=True).result
    pd.testing.assert_frame_equal(result.organisaties, reference.organisaties)
    pd.testing.assert_frame_equal(result.problems, reference.problems)
