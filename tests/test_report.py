"""What the gemeente report shows, computed from a small data folder built in code."""
from __future__ import annotations

import pytest

from buitenbeeld.errors import MissingDataError, UnknownGemeenteError
from buitenbeeld.publish.report import (
    data_quality_notes,
    data_quality_table,
    header_markdown,
    load_report_data,
    rejects_table,
    shares,
    youth_figures_table,
)


def test_loads_only_the_gemeentes_organisations(data_dir):
    data = load_report_data("den haag", 2013, data_dir)
    assert data.gemeente.code == "GM0518"
    assert sorted(data.organisaties["naam"]) == ["Boksschool Test", "Kapsalon Test", "Werkplein Test"]
    assert not data.synthetic


def test_header_names_cbs_name_and_code(data_dir):
    header = header_markdown(load_report_data("GM0518", 2013, data_dir))
    assert "&#39;s-Gravenhage" in header and "GM0518" in header and "SYNTHETISCH" not in header


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
    assert "zijn 2 rijen afgewezen" in notes and "[verantwoording](verantwoording.html)" in notes
    rejects = rejects_table(data)  # their file, row, column and reason: in the verantwoording
    assert rejects["rij"].tolist() == [6, 7] and set(rejects["kolom"]) == {"naam", "type"}


def test_unknown_gemeente_fails_with_suggestions(data_dir):
    with pytest.raises(UnknownGemeenteError, match="Bedoel je: Leeuwarden"):
        load_report_data("Leuwarden", 2013, data_dir)


def test_missing_peiljaar_says_what_is_there(data_dir):
    with pytest.raises(MissingDataError, match="peiljaar 2019"):
        load_report_data("Den Haag", 2019, data_dir)


def test_folder_without_cbs_figures_gives_a_report_that_says_how_to_get_them(tmp_path, interview_file):
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.publish.report import cbs_section, howto_notes, key_figures, nothing_known, report_maps, summary_points

    data = load_report_data("Den Haag", 2013, tmp_path)
    assert data.youth is None and data.series is None and data.youth_row is None
    assert shares(data) == (None, None) and nothing_known(data) is None  # it has organisations
    maps = report_maps(data, tmp_path / "geen-grenzen")
    section = cbs_section(data, maps)
    assert all(isinstance(part, str) for part in section)  # no table, chart or map
    text = " ".join(section)
    assert "Er staan geen CBS-cijfers over jongeren buiten beeld in dit rapport" in text
    assert "geen kaart van Nederland en geen vergelijking met andere gemeenten" in text
    assert "[verantwoording](verantwoording.html)" in text
    # how to get them is for the maker of the report, in the verantwoording; the council reads no command or folder
    assert "buitenbeeld cbs" not in text and "raw/" not in text and "maatwerktabel" not in text
    howto = " ".join(f"{item['tekst']} {item['opdracht']}" for item in howto_notes(data, maps))
    assert "buitenbeeld cbs" in howto and "maatwerktabel" in howto and "onder raw/" in howto
    assert "buitenbeeld demo" not in text + howto  # never synthetic figures in real work
    assert "CBS-cijfers" in header_markdown(data) and "geen CBS-cijfers" in header_markdown(data)
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=20)
    assert not any("buiten beeld" in p and "landelijke" in p for p in summary_points(data, comparison))
    figures = key_figures(data, comparison, comparison.config, "2026-01-01T00:00:00")
    assert figures["peiljaar"] is None and figures["aandeel_buiten_beeld"] is None and figures["organisaties"] == 3


def test_report_reads_the_processed_tables_not_the_raw_files(data_dir):
    import pandas as pd

    from buitenbeeld.ingest.pipeline import TABLES

    load_report_data("Den Haag", 2013, data_dir)
    table = data_dir / "processed" / TABLES["organisaties"]
    assert table.exists()
    # a change in the processed table (same manifest) shows up in the report data
    frame = pd.read_parquet(table)
    frame.loc[frame["naam"] == "Kapsalon Test", "naam"] = "Kapsalon Gewijzigd"
    frame.to_parquet(table, index=False)
    names = set(load_report_data("Den Haag", 2013, data_dir).organisaties["naam"])
    assert "Kapsalon Gewijzigd" in names


def _data_with_2013_parts(tmp_path, interview_file):
    """A 2013 table with Bussum, Muiden and Naarden (Gooise Meren since 2016) and Littenseradiel (split in 2018)."""
    from conftest import write_workbook

    rows = [
        ["Jongeren buiten beeld, 1 oktober 2013, per gemeente (gemeentelijke indeling 2013)"], [],
        ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld", "Waarvan zonder bekende reden"],
        ["NL01", "Nederland", 2489440, 134430, 65910],
        ["GM0381", "Bussum", 5000, 250, 120],
        ["GM0424", "Muiden", 1000, 40, "x"],
        ["GM0425", "Naarden", 2500, 110, 60],
        ["GM0080", "Leeuwarden", 20000, 1200, 500],
        ["GM0081", "Leeuwarderadeel", 1500, 70, 30],
        ["GM0055", "Boarnsterhim", 3000, 100, 40],
        ["GM0140", "Littenseradiel", 2000, 100, 50],
        [], ["Bron: test."],
    ]
    write_workbook(tmp_path / "raw" / "cbs" / "jongeren.xlsx", {"Tabel": rows})
    return tmp_path


def test_gooise_meren_gets_the_2013_figures_of_bussum_muiden_and_naarden(tmp_path, interview_file):
    from buitenbeeld.publish.report import layout_note

    data = load_report_data("Gooise Meren", 2013, _data_with_2013_parts(tmp_path, interview_file))
    assert data.youth_row["jongeren_15_27"] == 5000 + 1000 + 2500
    assert data.youth_row["buiten_beeld"] == 250 + 40 + 110
    assert data.youth_row["zonder_bekende_reden"] != data.youth_row["zonder_bekende_reden"]  # Muiden's part is secret
    assert data.youth_row["zonder_bekende_reden_symbool"] == "x"
    assert not data.youth_row["geschat"]
    note = layout_note(data)
    assert "Bussum, Muiden, Naarden" in note and "schatting" not in note
    assert "omgerekend naar de gemeentelijke indeling 2026" in data.youth_source
    assert youth_figures_table(data).loc["waarvan zonder bekende reden", "Gooise Meren"] == "x"


def test_a_split_gemeente_is_shared_out_by_area_and_called_an_estimate(tmp_path, interview_file):
    from buitenbeeld.publish.report import layout_note
    from buitenbeeld.reference.crosswalk import successors

    data = load_report_data("Leeuwarden", 2013, _data_with_2013_parts(tmp_path, interview_file))
    share = {link.code_2026: link.aandeel for link in successors("GM0140")}["GM0080"]
    boarn = {link.code_2026: link.aandeel for link in successors("GM0055")}["GM0080"]
    assert data.youth_row["jongeren_15_27"] == round(20000 + 1500 + 3000 * boarn + 2000 * share, -1)  # to tens
    assert data.youth_row["geschat"]
    note = layout_note(data)
    assert "Littenseradiel (deels" in note and "schatting" in note


def test_a_gemeente_that_did_not_change_gets_no_layout_note(data_dir):
    from buitenbeeld.publish.report import layout_note

    assert layout_note(load_report_data("Den Haag", 2013, data_dir)) is None


def test_comparable_gemeenten_by_urbanisation_when_the_table_has_it(data_dir):
    import pandas as pd

    from buitenbeeld.publish.report import comparable_gemeenten, comparable_rule

    data = load_report_data("Den Haag", 2013, data_dir)
    assert comparable_rule(data) == "alleen op grootte vergelijkbaar"
    table = pd.DataFrame({
        "gemeentecode": ["GM0518", "GM0001", "GM0002", "GM0003"],
        "gemeentenaam": ["'s-Gravenhage", "Groot maar landelijk", "Stedelijk klein", "Stedelijk groot"],
        "jongeren_15_27": [90000, 88000, 20000, 60000], "buiten_beeld": [6300, 4000, 800, 3000],
        "stedelijkheid": [1, 4, 1, 1],
    })
    data.youth.gemeenten = table
    data.youth_row = table.iloc[0].to_dict()
    assert comparable_rule(data).startswith("zelfde stedelijkheid (klasse 1)")
    assert list(comparable_gemeenten(data, count=1)["gemeentenaam"]) == ["'s-Gravenhage", "Stedelijk groot"]
    data.youth.gemeenten = table.drop(columns="stedelijkheid")
    assert list(comparable_gemeenten(data, count=1)["gemeentenaam"]) == ["'s-Gravenhage", "Groot maar landelijk"]


def test_report_maps_without_boundaries_say_how_to_get_them(data_dir, tmp_path):
    from buitenbeeld.publish.report import report_maps

    maps = report_maps(load_report_data("Den Haag", 2013, data_dir), tmp_path / "leeg")
    assert maps.land is None and maps.land_note.startswith("Geen kaart van Nederland: de grenzen van de gemeenten van 2026")
    assert maps.wijken is None and maps.wijken_note.startswith("Geen wijkkaart")
    for note in (maps.land_note, maps.wijken_note):  # a sentence for the council: no folder, no command
        assert str(tmp_path) not in note and "buitenbeeld" not in note and "/" not in note.replace("verantwoording.html", "")
    commands = [item["opdracht"] for item in maps.howto]
    assert commands == ["buitenbeeld grenzen --jaar 2026", "buitenbeeld grenzen --wijken"]
    assert all(str(tmp_path) not in item["tekst"] for item in maps.howto)  # the folder by its name only


def test_report_maps_with_boundaries_suppress_small_shares(data_dir):
    from pathlib import Path

    from buitenbeeld.publish.report import report_maps

    geo = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo"
    if not geo.exists():
        pytest.skip("../shared/data/geo is not beside the repository")
    maps = report_maps(load_report_data("Den Haag", 2013, data_dir), geo)
    assert maps.land is not None and maps.land_note is None
    assert "&#39;s-Gravenhage: 7,0%" in maps.land.svg
    assert "Almere: onbekend" in maps.land.svg  # 5 buiten beeld: below the threshold, so its share is hidden too


def test_the_users_column_mapping_reads_a_table_with_other_headers(tmp_path, interview_file):
    from conftest import write_workbook

    write_workbook(tmp_path / "raw" / "cbs" / "neet.xlsx", {"Tabel": [
        ["Jongeren buiten beeld, 1 oktober 2013, per gemeente"], [],
        ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "NEET zonder uitkering"],
        ["NL01", "Nederland", 2489440, 134430], ["GM0518", "'s-Gravenhage", 90000, 6300], [], ["Bron: test."]]})
    from buitenbeeld.publish.report import cbs_section, howto_notes

    unread = load_report_data("Den Haag", 2013, tmp_path)
    assert unread.youth is None
    assert not any("neet.xlsx" in part for part in cbs_section(unread) if isinstance(part, str))
    assert any("neet.xlsx" in item["tekst"] and "--kolommen" in item["opdracht"] for item in howto_notes(unread))
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text('versie = "eigen"\n\n[kolommen.buiten_beeld]\nverplicht = true\npatronen = [\'neet\']\n\n'
                       "[kolommen.jongeren_15_27]\npatronen = ['15 tot 27']\n", encoding="utf-8")
    data = load_report_data("Den Haag", 2013, tmp_path, cbs_kolommen=mapping)
    assert data.youth_row["buiten_beeld"] == 6300 and shares(data)[0] == pytest.approx(0.07)


def _comparison(organisaties, names, advice):
    import pandas as pd

    from buitenbeeld.analysis.compare import Comparison

    empty = pd.DataFrame()
    return Comparison(None, organisaties, names, empty, advice, empty, {}, empty, empty)


def test_cautions_once_per_type_and_conflicts_under_the_name_a_report_may_show():
    import pandas as pd

    organisaties = pd.DataFrame({"type": ["interesse/hobby", "formeel", "interesse/hobby"]}, index=[4, 7, 9])
    names = pd.Series({4: "Boksschool", 7: "Organisatie A (formeel)", 9: "St. Jozef"})
    advice = pd.DataFrame({"let_op": ["geen flyers", "let op de drempel", "geen flyers"],
                           "conflict_toelichting": ["", "De gemeente denkt aan plaatsen.", "Niet bereid."]},
                          index=[4, 7, 9])
    comparison = _comparison(organisaties, names, advice)
    cautions = comparison.cautions_by_type()
    assert cautions.to_dict("records") == [{"type": "interesse/hobby", "let_op": "geen flyers"},
                                           {"type": "formeel", "let_op": "let op de drempel"}]
    conflicts = comparison.conflicts()
    assert conflicts.to_dict("records") == [
        {"organisatie": "Organisatie A (formeel)", "toelichting": "De gemeente denkt aan plaatsen."},
        {"organisatie": "St. Jozef", "toelichting": "Niet bereid."}]  # never the real name of A

    nobody = _comparison(pd.DataFrame(), pd.Series(dtype=str), pd.DataFrame(index=pd.RangeIndex(0)))
    assert nobody.cautions_by_type().empty and list(nobody.cautions_by_type().columns) == ["type", "let_op"]
    assert nobody.conflicts().empty and list(nobody.conflicts().columns) == ["organisatie", "toelichting"]


def test_the_summary_counts_the_conflicts_the_report_lists(data_dir):
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.publish.report import summary_points

    data = load_report_data("Den Haag", 2013, data_dir)
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=20)
    conflicts = len(comparison.conflicts())
    said = [p for p in summary_points(data, comparison) if "lopen de plannen van de gemeente" in p]
    word = "organisatie" if conflicts == 1 else "organisaties"
    assert said == ([f"Bij {conflicts} {word} lopen de plannen van de gemeente en het roladvies uiteen."]
                    if conflicts else [])


def test_a_table_shows_dutch_headers_no_index_text_left_and_numbers_right():
    import re

    import pandas as pd

    from buitenbeeld.publish.report import table_frame, table_html

    cross = pd.crosstab(pd.Series(["Laak", "Laak", "Centrum"], name="wijk"),
                        pd.Series(["formeel", "commercieel", "formeel"], name="type"))
    flat = table_frame(cross)
    assert list(flat.columns) == ["Wijk", "Commercieel", "Formeel"]  # no 'type' above, no empty header cells
    html = table_html(pd.DataFrame({"aandeel_geplaatst": ["42%", "<10"], "warme_overdracht": ["ja", "<b>nee</b>"],
                                    "jongeren": [1200, 7], "waarde": [2.5, float("nan")]}, index=[3, 9]))
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert headers == ["Aandeel geplaatst", "Warme overdracht", "Jongeren", "Waarde"]  # the unnamed index is gone
    assert html.count("<tr>") == 3 and "<th></th>" not in html and ">3<" not in html and ">9<" not in html
    aligned = dict(re.findall(r'<th scope="col" style="text-align:(\w+)">([^<]*)</th>', html)[i][::-1] for i in range(4))
    assert aligned == {"Aandeel geplaatst": "right", "Warme overdracht": "left", "Jongeren": "right", "Waarde": "right"}
    assert ">1.200<" in html and ">2,5<" in html and ">.<" in html  # Dutch numbers, unknown as a dot
    assert "<b>" not in html and "&#60;b&#62;nee&#60;/b&#62;" in html  # every value through escape
    named = table_frame(pd.DataFrame({"x": [1]}, index=pd.Index(["a"], name="organisatie")))
    assert list(named.columns) == ["Organisatie", "X"]


def test_the_summary_says_ongeveer_gelijk_within_the_rounding_as_section_2_does(data_dir):
    """'s-Hertogenbosch 2013: 1.490 of 27.760 is 5,37%, Nederland 5,40%: both read 5,4%, never 'lager dan'."""
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.publish.report import cbs_section, summary_points

    data = load_report_data("Den Haag", 2013, data_dir)
    data.youth_row = {**data.youth_row, "jongeren_15_27": 27760, "buiten_beeld": 1490, "aandeel_buiten_beeld": None}
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=20)
    first = summary_points(data, comparison)[0]
    assert "5,4% van de jongeren van 15 tot 27 jaar buiten beeld, ongeveer gelijk aan het landelijke aandeel van 5,4%" \
        in first
    text = " ".join(p for p in cbs_section(data) if isinstance(p, str))
    assert "Dat is ongeveer gelijk aan het aandeel in heel Nederland (5,4%)." in text  # the latest year, in words
    assert "lager dan het" not in text and "hoger dan het" not in text
    assert "In 2013 was in &#39;s-Gravenhage 5,4% van de jongeren buiten beeld: ongeveer gelijk aan het aandeel in heel " \
           "Nederland (5,4%)." in text  # the sentence under the 2013 table agrees


def test_the_report_texts_count_in_plain_dutch(data_dir):
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.publish.report import summary_points

    data = load_report_data("Den Haag", 2013, data_dir)
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=20)
    text = " ".join(summary_points(data, comparison) + data_quality_notes(data) + [header_markdown(data)])
    assert "(en)" not in text and "(s)" not in text and "(15-27 jaar)" not in text
    assert "Ingelezen: 1 interviewbestand met 6 rijen; 4 geladen en 2 afgewezen" in text
    assert "datum onbekend" in text  # the Werkplein has no date: said, with the right number
    data.organisaties = data.organisaties.assign(datum_interview=data.organisaties["datum_interview"].ffill().bfill())
    assert "datum onbekend" not in " ".join(data_quality_notes(data))  # a count of 0 is not a sentence


def test_the_pilot_never_reads_x_bleven_daar(monkeypatch):
    from types import SimpleNamespace

    import pandas as pd

    from buitenbeeld.publish import pilot_tables, report

    funnel = pd.DataFrame({"stap": ["bereikt", "geactiveerd", "geplaatst", "behouden"],
                           "jongeren": ["77", "59", "25", "x"]})
    monkeypatch.setattr(pilot_tables, "show_funnel", lambda *args: funnel)
    monkeypatch.setattr(pilot_tables, "summary_points", lambda *args: [
        "Van ... x bleven daar bij een latere controle.", "<10 jongeren vielen terug na een stap vooruit; <10 van hen."])
    monkeypatch.setattr("buitenbeeld.analysis.journeys.count_funnel", lambda contacten: None)
    points = report.pilot_points(SimpleNamespace(contacten=None, period="maart 2017 tot en met december 2018"))
    assert points[0].startswith("Van maart 2017 tot en met december 2018 bereikten de jongerenscouts 77 jongeren; "
                                "daarvan 59 werden geactiveerd en 25 werden geplaatst (op school, werk of stage).")
    assert "Hoeveel jongeren behouden zijn, staat er niet" in points[0] and "x bleven" not in " ".join(points)
    assert points[1] == "Minder dan 10 jongeren vielen terug na een stap vooruit; minder dan 10 van hen."


def test_the_last_section_credits_the_sources_and_sends_the_technical_account_elsewhere(data_dir):
    from buitenbeeld.analysis.scoring import load_config
    from buitenbeeld.publish.report import accountability_markdown

    data = load_report_data("Den Haag", 2013, data_dir)
    text = accountability_markdown(data, load_config(), "2026-11-30T12:00:00")
    assert "30 november 2026" in text and "[verantwoording](verantwoording.html)" in text
    assert "*Handreiking jongeren buiten beeld*" in text
    assert "Impacttool Sociale Kaart (ISK) van IZI Solutions en Movisie" in text
    assert "Samenwerkingsverband Marokkaanse Nederlanders (SMN)" in text and "Inspraakorgaan Turken in Nederland (IOT)" in text
    for internal in ("sha256", "scoring.toml", ".xlsx", "docs/", "raw/", str(data_dir), "pandas"):
        assert internal not in text, internal


def test_the_published_tables_keep_numbers_as_numbers_and_cbs_symbols_as_text(tmp_path, interview_file):
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.publish.report import published_tables

    data = load_report_data("Gooise Meren", 2013, _data_with_2013_parts(tmp_path, interview_file))
    tables = published_tables(data, compare_organisations(data.kaart.organisaties, data.gemeente.code, draws=20))
    cbs = tables["cbs_2013"].set_index("")
    assert cbs.loc["Jongeren 15 tot 27 jaar", "Gooise Meren"] == 8500
    assert cbs.loc["waarvan zonder bekende reden", "Gooise Meren"] == "x"  # Muiden's part is secret: CBS's symbol
    assert cbs.loc["Aandeel buiten beeld (%)", "Gooise Meren"] == pytest.approx(4.7)
    for frame in tables.values():
        assert not any("_" in str(c) or str(c) == "index" for c in frame.columns)
