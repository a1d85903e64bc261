"""The aanpak workbook (the five steps): template, reader, analysis, report section and demo."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_workbook, youth_table_rows
from openpyxl import load_workbook

from buitenbeeld.analysis.aanpak import passed_reviews, role_gaps, step_status, target_group, wijk_overview
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest.aanpak import load_aanpak, looks_like_aanpak, read_aanpak
from buitenbeeld.ingest.aanpak_template import KADERS, STEPS, write_aanpak_template
from buitenbeeld.ingest.sources import classify_input
from buitenbeeld.publish.report import load_report_data
from buitenbeeld.publish.report_aanpak import aanpak_markdown

TODAY = dt.date(2025, 10, 1)


def _filled(path: Path, gemeente: str = "Leeuwarden") -> Path:
    """The template filled in by hand: known answers in every step, and a few bad rows."""
    template = write_aanpak_template(path.with_name("leeg_" + path.name))
    workbook = load_workbook(template)
    workbook["toelichting"]["B3"] = gemeente
    stap1 = workbook["stap1"]
    stap1["B2"], stap1["B4"], stap1["B5"] = "Iedereen doet mee", "Ingestemd", "8-11-2023"
    header = next(c.row for c in stap1["A"] if c.value == "Jaar")
    stap1.cell(header + 1, 1, 2024), stap1.cell(header + 1, 2, "€ 180.000")
    stap1.cell(header + 2, 1, "volgend jaar"), stap1.cell(header + 2, 2, 200000)  # row header+2: no year
    stap2 = workbook["stap2"]
    stap2["B2"], stap2["B3"], stap2["B6"], stap2["B8"] = 16, "23 jaar", "ca. 250", "Binnenstad; Huizum"
    stap3 = workbook["stap3"]
    for row in (["Binnenstad", "plaatsen", 2], ["Huizum", "Bereiken; activeren", 1], ["Westeinde", "vliegen", 1],
                ["binnenstad", "plaatsen", 3]):
        stap3.append(row)
    stap4 = workbook["stap4"]
    stap4.append(["scouts", 3, "Huizum", "5 maart 2024"])
    stap4.append(["jongerenwerker", None])
    stap5 = workbook["stap5"]
    stap5["B2"], stap5["D2"], stap5["E2"] = "ja", "beleidsmedewerker jeugd", "1-3-2025"
    stap5["B3"], stap5["E3"] = "Deels", "2027-01-15"
    workbook.save(path)
    return path


def test_the_template_has_a_sheet_per_step_and_reads_back_empty_without_errors(tmp_path):
    path = write_aanpak_template(tmp_path / "aanpak.xlsx")
    assert load_workbook(path).sheetnames == ["toelichting", *STEPS, "lijsten"]
    assert looks_like_aanpak(path) and classify_input(path) == "aanpak"
    result = read_aanpak(path)
    assert (result.problems["severity"] != "error").all()
    assert result.files.iloc[0][["read", "loaded", "rejected"]].tolist() == [0, 0, 0]
    assert result.gemeenten.empty
    with pytest.raises(BuitenbeeldError, match="bestaat al"):
        write_aanpak_template(path)
    assert write_aanpak_template(path, overwrite=True) == path
    with pytest.raises(BuitenbeeldError, match=".xlsx"):
        write_aanpak_template(tmp_path / "aanpak.ods")


def test_a_filled_workbook_loads_its_known_values(tmp_path):
    result = read_aanpak(_filled(tmp_path / "aanpak.xlsx"))
    assert result.gemeenten["gemeentecode"].tolist() == ["GM0080"]
    stap1 = result.stap1.iloc[0]
    assert stap1["missie"] == "Iedereen doet mee" and stap1["standpunt_gemeenteraad"] == "ingestemd"
    assert stap1["datum_raadsbesluit"] == dt.date(2023, 11, 8)
    assert result.budget[["jaar", "budget"]].values.tolist() == [[2024, 180000.0]]
    stap2 = result.stap2.iloc[0]
    assert (stap2["leeftijd_van"], stap2["leeftijd_tot"], stap2["beoogd_aantal"]) == (16, 23, 250.0)
    assert bool(stap2["beoogd_aantal_geschat"]) and stap2["focus_wijken"] == ("Binnenstad", "Huizum")
    assert result.rollen[["wijk", "rol", "minimaal_aantal"]].values.tolist() == [
        ["Binnenstad", "plaatsen", 2], ["Huizum", "bereiken", 1], ["Huizum", "activeren", 1]]
    assert result.inzet[["soort", "aantal", "wijk"]].values.tolist() == [["jongerenscout", 3, "Huizum"]]
    assert result.inzet["startdatum"].tolist() == [dt.date(2024, 3, 5)]
    kaders = result.kaders.set_index("kader")
    assert list(kaders.index) == list(KADERS)
    assert kaders.loc["visie en transparantie", "afgesproken"] == "ja"
    assert kaders.loc["volwaardige partners", "afgesproken"] == "deels"
    assert kaders["contactpersoon_ingevuld"].tolist() == [True, False, False, False, False]
    assert "vaste_contactpersoon" not in result.kaders  # only whether it is filled in
    files = result.files.iloc[0]
    assert files["read"] == files["loaded"] + files["rejected"]


def test_bad_rows_are_rejected_with_file_sheet_row_column_and_reason(tmp_path):
    result = read_aanpak(_filled(tmp_path / "aanpak.xlsx"))
    errors = result.rejects.set_index(["sheet", "column"])
    assert set(errors.index) == {("stap1", "jaar"), ("stap3", "rol"), ("stap4", "aantal")}
    assert (errors["file"] == "aanpak.xlsx").all() and errors["reason"].str.len().gt(10).all()
    rows = result.rejects.groupby("sheet")["row"].apply(sorted).to_dict()
    assert rows["stap3"] == [4, 5]  # 'vliegen', and 'binnenstad plaatsen' again
    assert "staat al in rij 2" in result.rejects.loc[result.rejects["row"] == 5, "reason"].iloc[0]
    assert int(result.files.iloc[0]["rejected"]) == 4


def test_a_second_workbook_of_the_same_gemeente_and_an_unknown_gemeente_are_rejected(tmp_path):
    first, second = _filled(tmp_path / "a.xlsx"), _filled(tmp_path / "b.xlsx")
    unknown = _filled(tmp_path / "c.xlsx", gemeente="Leeuwardn")
    result = load_aanpak([first, second, unknown])
    files = result.files.set_index("file")
    assert files.loc["b.xlsx", "loaded"] == 0 and files.loc["b.xlsx", "rejected"] == files.loc["b.xlsx", "read"]
    assert bool(files.loc["c.xlsx", "unusable"]) and len(result.gemeenten) == 1


def test_an_answer_without_its_question_is_rejected_and_counted_without_its_text(tmp_path):
    name = "Jan Jansen"  # a stray answer may be a name: it never goes into the reason
    rows = {"toelichting": [["Aanpak"], [], ["Gemeente", "Leeuwarden"]],
            "stap1": [["Vraag", "Antwoord"], ["Missie: waarom doet de gemeente dit?", "Iedereen doet mee"]],
            "stap2": [["Vraag", "Antwoord"], ["Leeftijd vanaf", 16], [None, name], *([[None, None]] * 20),
                      [None, "nog iets"]]}
    result = read_aanpak(write_workbook(tmp_path / "aanpak.xlsx", rows))
    stray = result.rejects[result.rejects["sheet"] == "stap2"]
    assert stray["row"].tolist() == [3, 24] and (stray["column"] == "B").all() and (stray["file"] == "aanpak.xlsx").all()
    assert stray["reason"].str.contains("geen vraag").all() and stray["hint"].str.len().gt(10).all()
    assert not stray["reason"].str.contains("Jan").any() and not stray["hint"].str.contains("Jan").any()
    assert result.stap2.iloc[0]["leeftijd_van"] == 16  # the answer beside its question still counts
    files = result.files.iloc[0]
    assert (files["read"], files["loaded"], files["rejected"]) == (5, 3, 2)  # gemeente, missie, leeftijd + 2 stray


def test_every_row_of_a_table_sheet_without_its_header_row_is_rejected_with_its_row_number(tmp_path):
    rows = {"toelichting": [["Aanpak"], [], ["Gemeente", "Leeuwarden"]],
            "stap3": [["Binnenstad", "plaatsen", 2], [], ["Huizum", "bereiken", 1]],
            "stap4": [["Soort", "Aantal"], ["jongerenscout", 2]]}
    result = read_aanpak(write_workbook(tmp_path / "aanpak.xlsx", rows))
    rejected = result.rejects[result.rejects["sheet"] == "stap3"]
    assert rejected["row"].tolist() == [1, 3] and (rejected["file"] == "aanpak.xlsx").all()
    assert rejected["reason"].str.contains("kolomnamen").all() and rejected["hint"].str.contains("rij 1").all()
    assert not rejected["reason"].str.contains("Binnenstad|Huizum").any()
    assert result.rollen.empty and len(result.inzet) == 1
    files = result.files.iloc[0]
    assert (files["read"], files["loaded"], files["rejected"]) == (4, 2, 2)
    assert files["read"] == files["loaded"] + files["rejected"]


# --------------------------------------------------------------------------- analysis, by hand


def test_the_checks_give_known_answers():
    coverage = pd.DataFrame({"bereiken": [2, 1], "activeren": [0, 1], "plaatsen": [0, 3], "behouden": [0, 0]},
                            index=["Binnenstad", "(wijk onbekend)"])
    rollen = pd.DataFrame({"wijk": ["binnenstad ", "Huizum"], "rol": ["plaatsen", "bereiken"], "minimaal_aantal": [2, 1]})
    gaps = role_gaps(rollen, coverage)
    assert gaps[["gewenst", "gevonden", "tekort"]].values.tolist() == [[2, 0, True], [1, 0, True]]
    kaders = pd.DataFrame({"kader": ["a", "b", "c"],
                           "evaluatiedatum": [dt.date(2025, 3, 1), dt.date(2026, 1, 1), None]})
    assert passed_reviews(kaders, TODAY)["kader"].tolist() == ["a"]
    stap2 = pd.DataFrame([{"leeftijd_van": 16, "leeftijd_tot": 23, "beoogd_aantal": 250.0, "beoogd_aantal_geschat": True}])
    group = target_group(stap2, {"buiten_beeld": 1000.0}, 2023, 0.043, {"buiten_beeld": 1200, "zonder_bekende_reden": 500},
                         2013)
    assert group.andere_leeftijden and group.deel_van_cbs == 0.25 and group.deel_van_zonder_reden == 0.5
    same = target_group(stap2.assign(leeftijd_van=15, leeftijd_tot=27), None, None, None, None, None)
    assert not same.andere_leeftijden and same.deel_van_cbs is None
    wijken = pd.DataFrame({"wijk": ["Huizum", "Oud", "Huizum"], "jaar": [2024, 2024, 2023],
                           "jongeren_15_24": [300, 40, 1], "leeftijdsgroep": ["15-24"] * 3})
    organisaties = pd.DataFrame({"organisatie_id": ["x", "y"], "type": ["formeel", "formeel"],
                                 "wijk": [("huizum",), ("Nieuw",)]})
    table = wijk_overview(wijken, organisaties, ("Nieuw",)).set_index("wijk")
    assert table.loc["Huizum", ["jongeren", "organisaties"]].tolist() == [300, 1]
    assert table.index[0] == "Nieuw" and bool(table.loc["Nieuw", "focus"]) and pd.isna(table.loc["Nieuw", "jongeren"])


def test_step_status_says_what_is_filled_in(tmp_path):
    status = step_status(read_aanpak(_filled(tmp_path / "aanpak.xlsx"))).set_index("stap")
    assert status.loc["stap1", "status"] == "deels" and "visie" in status.loc["stap1", "ontbreekt"]
    assert status.loc["stap3", "status"] == "ingevuld"
    assert status.loc["stap4", "ontbreekt"] == ("jongerenwerker",)  # its row was rejected
    assert status.loc["stap5", "status"] == "deels"


# --------------------------------------------------------------------------- the report section


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from buitenbeeld.demo.generate import write_demo_data

    data = tmp_path_factory.mktemp("demo")
    write_demo_data(data / "raw" / "demo")
    return data


def test_the_leeuwarden_demo_section_names_a_role_gap_a_passed_review_and_the_cbs_figures(demo):
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.common.formatting import format_date
    from buitenbeeld.demo.aanpak import PASSED_REVIEW

    data = load_report_data("Leeuwarden", 2013, demo)
    assert data.aanpak.synthetic and data.synthetic
    coverage = compare_organisations(data.kaart.organisaties, data.gemeente.code).coverage
    found = {(wijk.casefold(), role): int(coverage.at[wijk, role]) for wijk in coverage.index for role in coverage.columns}
    short = [r for r in data.aanpak.rollen.itertuples()
             if found.get((r.wijk.casefold(), r.rol), 0) < r.minimaal_aantal]
    assert short, "the demo asks for at least one role the demo interviews do not cover"
    text = aanpak_markdown(data, TODAY)
    for r in short:
        have = found.get((r.wijk.casefold(), r.rol), 0)
        assert f"Gewenst: minimaal {r.minimaal_aantal} voor {r.rol} in {r.wijk}, gevonden {have}." in text
    assert format_date(PASSED_REVIEW) in text and "die datum is voorbij" in text
    assert "Volgens het CBS waren in" in text and "geen reden bekend" in text
    assert "andere leeftijdsgroep" in text  # the demo chose 16 to 23
    assert text.startswith("**De aanpak van Leeuwarden.**")


def test_no_reason_known_leaves_out_the_numbers_when_the_rest_is_a_small_count(demo):
    from buitenbeeld.common.formatting import format_count

    data = load_report_data("Leeuwarden", 2013, demo)
    total = int(data.youth_row["buiten_beeld"])
    assert total > 20
    safe = aanpak_markdown(data, TODAY)
    assert f"van de {format_count(total)} jongeren buiten beeld geen reden bekend" in safe
    data.youth_row = {**data.youth_row, "zonder_bekende_reden": total - 4}  # the rest, 4, is below the threshold
    text = aanpak_markdown(data, TODAY)
    assert "geen reden bekend" in text and "om kleine aantallen te beschermen" in text
    assert f"van de {format_count(total)}" not in text and f"voor {format_count(total - 4)}" not in text


def test_counts_in_sentences_are_formatted_and_a_hidden_intended_number_reads_as_minder_dan(demo):
    data = load_report_data("Leeuwarden", 2013, demo)
    data.aanpak.rollen = data.aanpak.rollen.assign(minimaal_aantal=1200)
    data.aanpak.stap2 = data.aanpak.stap2.assign(beoogd_aantal=5.0, beoogd_aantal_geschat=True)
    text = aanpak_markdown(data, TODAY)
    assert "Gewenst: minimaal 1.200 voor" in text and "minimaal 1200" not in text
    assert "Het beoogde aantal is minder dan 10 jongeren." in text and "Het beoogde aantal is ongeveer" not in text


def test_a_gemeente_without_workbook_gets_one_line_on_how_to_start(demo):
    text = aanpak_markdown(load_report_data("Venlo", 2013, demo), TODAY)
    assert "\n" not in text and "nog niet ingevuld" in text and "verantwoording" in text
    assert "raw/" not in text and "buitenbeeld" not in text  # a report holds no commands or paths


def test_script_links_and_formulas_in_the_workbook_render_inert_and_the_contact_person_never_appears(tmp_path):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    payloads = ["<script>alert(1)</script>", "[klik](javascript:alert(2))", "<a href=\"javascript:alert(3)\">x</a>",
                "=HYPERLINK(\"https://aanval.example\",\"klik\")"]
    secret = "Geheime Persoon 0612345678 geheim@example.org"
    rows = {
        "toelichting": [["Aanpak"], [], ["Gemeente", "Den Haag"]],
        "stap1": [["Vraag", "Antwoord"], ["Missie: waarom doet de gemeente dit?", payloads[0]],
                  ["Standpunt gemeenteraad", payloads[1]]],
        "stap2": [["Vraag", "Antwoord"], ["Omschrijving van de doelgroep", payloads[2]], ["Focus-wijken", "; ".join(payloads)]],
        "stap3": [["Wijk", "Rol", "Minimaal aantal organisaties"], *([p, "bereiken", 1] for p in payloads)],
        "stap4": [["Soort", "Aantal", "Wijk"], *(["jongerenscout", 1, p] for p in payloads)],
        "stap5": [["Kader", "Afgesproken", "Toelichting", "Vaste contactpersoon", "Evaluatiedatum"],
                  ["integrale aanpak", "ja", payloads[0], secret, "1-1-2025"]],
    }
    write_workbook(tmp_path / "raw" / "aanpak den haag.xlsx", rows)
    write_workbook(tmp_path / "raw" / "cbs.xlsx", {"Tabel": youth_table_rows()})
    data = load_report_data("Den Haag", 2013, tmp_path)
    assert len(data.aanpak.rollen) >= 3  # the payloads are wijken the section shows
    text = aanpak_markdown(data, TODAY)
    html = markdown2html_mistune(text)
    assert "<script" not in html and "<a " not in html and "](javascript" not in text
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript", html, re.IGNORECASE)
    assert "=HYPERLINK" not in text or "&#" in text  # shown as text at most
    for part in ("Geheime", "0612345678", "geheim@example.org"):
        assert part not in text and part not in html
    validation = (tmp_path / "processed" / "validatie.md").read_text(encoding="utf-8")
    assert "0612345678" not in validation and "<script" not in validation
    assert "0612345678" not in (tmp_path / "processed" / "afgewezen.csv").read_text(encoding="utf-8-sig")


def test_the_committed_demo_workbook_matches_its_generator_and_is_synthetic():
    from buitenbeeld.common.readers import is_synthetic
    from buitenbeeld.demo.aanpak import AANPAK_PATH, aanpak_contents, uncovered_wijken
    from buitenbeeld.demo.interviews import read_workbook_values

    path = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo" / AANPAK_PATH
    assert read_workbook_values(path) == aanpak_contents()[AANPAK_PATH], "run `buitenbeeld demo`"
    assert is_synthetic(path) and uncovered_wijken()  # a wijk the demo interviews do not name
