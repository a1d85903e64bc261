"""The buitenbeeld command: help lists the subcommands, errors are one clear line, everything in Dutch."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buitenbeeld.cli import build_parser, main


def test_help_lists_the_subcommands():
    text = build_parser().format_help()
    for command in ("rapporten", "demo", "gemeente"):
        assert command in text


def test_console_script_is_installed_and_runs():
    script = shutil.which("buitenbeeld", path=str(Path(sys.executable).parent))
    assert script, "the console script 'buitenbeeld' is not installed next to this Python"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    assert "rapporten" in result.stdout


def test_gemeente_lookup(capsys):
    assert main(["gemeente", "den bosch"]) == 0
    assert capsys.readouterr().out.startswith("GM0796\t's-Hertogenbosch")


def test_unknown_gemeente_is_one_line_not_a_traceback(capsys):
    assert main(["gemeente", "Amsterdm"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("buitenbeeld: fout: Onbekende gemeente 'Amsterdm'") and "Bedoel je: Amsterdam" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("subcommand", [["rapporten"], ["demo"]])
def test_data_option_on_every_subcommand_that_reads_data(subcommand):
    args = build_parser().parse_args([*subcommand, "--data", "elders"])
    assert args.data == "elders"


def test_demo_writes_the_demo_files_into_the_chosen_data_folder(tmp_path, capsys):
    assert main(["demo", "--data", str(tmp_path)]) == 0
    written = sorted(p.relative_to(tmp_path / "raw" / "demo").as_posix() for p in (tmp_path / "raw" / "demo").rglob("*.xlsx"))
    from buitenbeeld.demo.generate import demo_workbooks

    assert written == sorted(demo_workbooks())
    assert "synthetische demobestanden" in capsys.readouterr().out


def test_rapporten_with_an_unknown_gemeente_stops_before_any_data_is_read(tmp_path, capsys):
    data, out = tmp_path / "data", tmp_path / "out"
    code = main(["rapporten", "--data", str(data), "--uit", str(out), "--gemeente", "Venlo", "--gemeente", "Nergenshuizen"])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("buitenbeeld: fout: Onbekende gemeente 'Nergenshuizen'")
    assert "Traceback" not in captured.err and captured.out == ""
    assert main(["rapporten", "--data", str(data), "--uit", str(out), "--gemeente", "Venllo"]) == 2
    assert "Bedoel je: Venlo?" in capsys.readouterr().err
    assert main(["rapporten", "--data", str(data), "--uit", str(out), "--gemeente", "Haaren"]) == 2  # split over four
    assert "verdeeld over Boxtel (GM0757)" in capsys.readouterr().err
    assert not data.exists() and not out.exists()  # nothing read, nothing written


def _fake_batch(monkeypatch, gemeenten_ok=True, pilots_ok=True) -> dict:
    """render_reports and render_pilot_reports replaced: what they were asked is recorded, their outcome is given."""
    from buitenbeeld.publish import pilot_reports, render

    asked = {}

    def reports(**kwargs):
        asked.update(kwargs)
        return render.RenderSummary([render.RenderResult("Venlo (GM0983)", gemeenten_ok, cell=None if gemeenten_ok else 3,
                                                         message="" if gemeenten_ok else "KeyError: 'x'")])

    def pilots(data_dir, output, gemeenten, drempel):
        asked["pilots"] = gemeenten
        pilot = pilot_reports.Pilot("pilot_venlo", ("Venlo",), ("GM0983",))
        return pilot_reports.PilotSummary([pilot_reports.PilotResult(pilot, pilots_ok, message="" if pilots_ok else "stuk")])

    monkeypatch.setattr(render, "render_reports", reports)
    monkeypatch.setattr(pilot_reports, "render_pilot_reports", pilots)
    return asked


def test_rapporten_exits_nonzero_when_a_gemeente_fails(tmp_path, data_dir, capsys, monkeypatch):
    _fake_batch(monkeypatch, gemeenten_ok=False)
    code = main(["rapporten", "--data", str(data_dir), "--uit", str(tmp_path / "out"), "--gemeente", "Venlo", "--geen-pdf"])
    assert code == 1
    out = capsys.readouterr().out
    assert "MISLUKT" in out and re.search(r"Venlo \(GM0983\)\s+MISLUKT\s+cel 3: KeyError: 'x'", out)
    assert "rapporten: 0 gemaakt, 1 mislukt" in out and "pilotevaluaties: 1 gemaakt, 0 mislukt" in out
    assert f"overzicht: {tmp_path / 'out' / 'index.html'}" in out


def test_rapporten_exits_nonzero_when_a_pilot_evaluation_fails(tmp_path, data_dir, capsys, monkeypatch):
    _fake_batch(monkeypatch, pilots_ok=False)
    assert main(["rapporten", "--data", str(data_dir), "--uit", str(tmp_path / "out"), "--geen-pdf"]) == 1
    out = capsys.readouterr().out
    assert "rapporten: 1 gemaakt, 0 mislukt" in out and "pilotevaluaties: 0 gemaakt, 1 mislukt" in out
    assert re.search(r"pilot_venlo \(Venlo\)\s+MISLUKT\s+stuk", out)


def test_rapporten_with_the_name_of_a_merged_gemeente_makes_the_report_of_its_successor(tmp_path, data_dir, capsys,
                                                                                        monkeypatch):
    asked = _fake_batch(monkeypatch)
    assert main(["rapporten", "--data", str(data_dir), "--uit", str(tmp_path / "out"), "--gemeente", "Bussum",
                 "--gemeente", "Gooise Meren", "--gemeente", "venlo"]) == 0
    assert asked["gemeenten"] == ["GM1942", "GM0983"] and asked["pilots"] == ["GM1942", "GM0983"]
    out = capsys.readouterr().out
    assert "Let op: Bussum is opgegaan in Gooise Meren (GM1942). Het rapport gaat over Gooise Meren." in out


def test_help_and_argparse_errors_are_dutch(capsys):
    parser = build_parser()
    texts = [parser.format_help()]
    for command in ("rapporten", "training", "grenzen", "demo", "inlezen", "valideer", "pseudonimiseer", "template",
                    "gemeente", "cbs"):
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
        texts.append(capsys.readouterr().out)
    for text in texts:
        assert text.startswith("gebruik: buitenbeeld") and "opties:" in text and "toon deze hulp en stop" in text
        for english in ("usage:", "options:", "show this help", "default:", "folder", "render", "the "):
            assert english not in text, (english, text[:80])
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["rapportn"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "buitenbeeld: fout: argument OPDRACHT: ongeldige keuze: 'rapportn' (kies uit 'rapporten'," in err
    with pytest.raises(SystemExit):
        parser.parse_args(["rapporten", "--peiljaar", "dertien"])
    assert "buitenbeeld rapporten: fout: argument --peiljaar: ongeldige waarde: 'dertien'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["template"])
    assert "fout: deze argumenten ontbreken: BESTAND" in capsys.readouterr().err


def test_training_refreshes_the_hub_and_keeps_the_last_failures(tmp_path, capsys, monkeypatch):
    from buitenbeeld.publish import training
    from buitenbeeld.publish.index import write_index

    def lessons(output, gemeente, data, pdf):
        (output / "1_les.slides.html").write_text("<title>Les 1: Wie?</title>", encoding="utf-8")
        (output / "1_les.html").write_text("<title>Training 1: Wie &amp; waarom?</title>", encoding="utf-8")
        return []

    monkeypatch.setattr(training, "build_training", lessons)
    reports = tmp_path / "reports"
    write_index(reports, [("Almere (GM0034)", "cel 3 mislukt")], [("pilot_venlo", "stuk")])
    (reports / "training").mkdir()
    assert main(["training", "--uit", str(reports / "training"), "--geen-pdf"]) == 0
    assert f"overzicht bijgewerkt: {reports / 'index.html'}" in capsys.readouterr().out
    page = (reports / "index.html").read_text(encoding="utf-8")
    links = [html.unescape(href) for href in re.findall(r'<a href="([^"]*)"', page)]
    assert "training/1_les.slides.html" in links and "training/1_les.html" in links
    assert "Training 1: Wie &#38; waarom?" in page
    assert "Almere (GM0034)" in page and "pilot_venlo" in html.unescape(page).split("Niet gelukt", 1)[1]


def test_rapporten_on_an_empty_folder_says_what_to_do(tmp_path, capsys):
    assert main(["rapporten", "--data", str(tmp_path), "--uit", str(tmp_path / "out")]) == 1
    assert "buitenbeeld demo" in capsys.readouterr().out


def _kaart(folder, rows):
    from conftest import write_workbook

    return write_workbook(folder / "kaart.xlsx", {"organisaties": [["naam", "gemeente", "type", "vertrouwensband"], *rows]})


def test_valideer_exit_codes(tmp_path, capsys):
    clean = _kaart(tmp_path / "schoon", [["Club", "Venlo", "hobby", 3]])
    warned = _kaart(tmp_path / "fout", [["Club", "Venlo", "hobby", 9]])
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"geen spreadsheet")
    assert main(["valideer", str(clean)]) == 0
    assert main(["valideer", str(warned)]) == 1
    assert main(["valideer", str(clean), str(broken)]) == 2
    out = capsys.readouterr().out
    assert "waarschuwing: bestand 'kaart.xlsx', blad 'organisaties', rij 2, kolom 'vertrouwensband'" in out
    assert "totaal: gelezen 1 = geladen 1 + afgewezen 0" in out


def test_valideer_json_has_counts_and_problems_per_file_and_in_total(tmp_path, capsys):
    import json

    path = _kaart(tmp_path, [["Club", "Venlo", "hobby", 9], ["", "Venlo", "hobby", 2]])
    assert main(["valideer", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == {"read": 2, "loaded": 1, "rejected": 1, "skipped": 0, "problems": 2}
    (entry,) = report["files"]
    assert (entry["file"], entry["read"], entry["loaded"], entry["rejected"]) == ("kaart.xlsx", 2, 1, 1)
    problems = {(p["row"], p["column"], p["severity"]) for p in entry["problems"]}
    assert problems == {(2, "vertrouwensband", "warning"), (3, "naam", "error")}
    assert all(set(p) == {"file", "sheet", "row", "column", "value", "severity", "message"} for p in entry["problems"])


def test_valideer_writes_nothing(tmp_path):
    path = _kaart(tmp_path, [["Club", "Venlo", "hobby", 3]])
    before = sorted(tmp_path.rglob("*"))
    main(["valideer", str(path)])
    assert sorted(tmp_path.rglob("*")) == before


def test_inlezen_prints_the_counts_and_is_a_noop_the_second_time(data_dir, capsys):
    assert main(["inlezen", "--data", str(data_dir)]) == 0
    first = capsys.readouterr().out
    assert "kaart.xlsx: gelezen 6 = geladen 4 + afgewezen 2" in first and "opnieuw gemaakt" in first
    assert main(["inlezen", "--data", str(data_dir)]) == 0
    assert "waren al bijgewerkt" in capsys.readouterr().out


def test_template_command_writes_a_workbook_that_reads_back_empty(tmp_path, capsys):
    from buitenbeeld.ingest.interviews import read_interviews

    target = tmp_path / "kaart.xlsx"
    assert main(["template", "interviews", str(target)]) == 0
    assert read_interviews(target).summary_lines()[0] == "kaart.xlsx: gelezen 0 = geladen 0 + afgewezen 0"
    assert main(["template", "interviews", str(target)]) == 2
    assert "overschrijven" in capsys.readouterr().err


def test_valideer_on_a_csv_without_header_exits_2_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "los.csv"
    path.write_text("Club;Venlo;hobby\n", encoding="utf-8")
    assert main(["valideer", str(path)]) == 2
    captured = capsys.readouterr()
    assert "niet de kolomnamen" in captured.out and "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("subcommand", [["grenzen"], ["cbs"]])
def test_data_option_on_the_download_commands(subcommand):
    assert build_parser().parse_args([*subcommand, "--data", "elders"]).data == "elders"


def test_grenzen_offline_without_cache_says_how_to_get_them(tmp_path, monkeypatch, capsys):
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert main(["grenzen", "--data", str(tmp_path), "--jaar", "2026"]) == 2
    err = capsys.readouterr().err
    assert "gemeente_2026.topojson" in err and "buitenbeeld grenzen --jaar 2026" in err
    assert str(tmp_path / "raw" / "geo") in err
    assert "Traceback" not in err


def test_grenzen_uses_the_file_already_there_without_the_network(tmp_path, monkeypatch, capsys):
    import urllib.request

    geo = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo" / "gemeente_2026.topojson"
    if not geo.exists():
        pytest.skip("../shared/data/geo is not beside the repository")
    folder = tmp_path / "raw" / "geo"
    folder.mkdir(parents=True)
    shutil.copy(geo, folder / geo.name)
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("went to the network"))
    assert main(["grenzen", "--data", str(tmp_path), "--jaar", "2026"]) == 0
    assert "Het grensbestand staat er al en wordt gebruikt" in capsys.readouterr().out


def test_cbs_offline_without_cache_says_how_to_get_the_data(tmp_path, monkeypatch, capsys):
    import types

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setitem(sys.modules, "cbsodata", types.SimpleNamespace(get_meta=offline, get_data=offline,
                                                                        __version__="test"))
    assert main(["cbs", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "86087NED" in err and "buitenbeeld cbs" in err and "Traceback" not in err


def _pilot_with_identifiers(path: Path) -> Path:
    from conftest import write_workbook

    return write_workbook(path, {"contacten": [
        ["jongere_id", "naam", "bsn", "gemeente", "datum", "stap", "opmerking"],
        ["J1", "Piet Jansen", "111222333", "Venlo", "2017-03-01", "bereikt", "bel hem op 06-12345678"],
        ["J1", "Piet Jansen", "111222333", "Venlo", "2017-04-01", "geactiveerd", None],
    ]})


def test_valideer_refuses_a_pilot_file_with_identifiers_and_pseudonimiseer_makes_a_clean_copy(tmp_path, monkeypatch,
                                                                                              capsys):
    monkeypatch.setenv("BUITENBEELD_PSEUDONIEM_KEY", str(tmp_path / "sleutel" / "pseudoniem.key"))
    source = _pilot_with_identifiers(tmp_path / "pilot.xlsx")
    before = source.read_bytes()
    assert main(["valideer", str(source)]) == 2
    out = capsys.readouterr().out
    assert "naam" in out and "bsn" in out and "buitenbeeld pseudonimiseer" in out
    assert "Piet" not in out and "111222333" not in out and "12345678" not in out  # the message repeats no value
    assert main(["pseudonimiseer", str(source), str(tmp_path / "schoon.xlsx")]) == 0
    assert source.read_bytes() == before  # the original is untouched
    capsys.readouterr()
    assert main(["valideer", "--json", str(tmp_path / "schoon.xlsx")]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert report["total"] == {"read": 2, "loaded": 2, "rejected": 0, "skipped": 0, "problems": 0}
    assert [entry["sheet"] for entry in report["files"]] == ["contacten"]


def test_training_writes_slides_and_handouts(tmp_path, capsys):
    assert main(["training", "--uit", str(tmp_path), "--geen-pdf"]) == 0
    out = capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.glob("*.slides.html"))
    assert len(names) == 4 and names[0].startswith("1_wie_zijn_jongeren_buiten_beeld")
    assert all((tmp_path / n.replace(".slides.html", ".html")).exists() for n in names)
    assert not list(tmp_path.glob("*.pdf"))  # --geen-pdf
    assert out.count(" ok ") == 4 and str(tmp_path) in out


def _cbs_table(path: Path, header: str, national: int) -> Path:
    from conftest import write_workbook

    return write_workbook(path, {"Tabel": [
        ["Jongeren buiten beeld, 1 oktober 2013, per gemeente (gemeentelijke indeling 2013)"], [],
        ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", header],
        ["NL01", "Nederland", 2489440, national],
        ["GM0518", "'s-Gravenhage", 90000, 6300], ["GM0983", "Venlo", 17000, 850], ["GM9999", "Nergenshuizen", 10, 1],
        [], ["Bron: test."]]})


def test_valideer_checks_a_cbs_table_too(tmp_path, capsys):
    path = _cbs_table(tmp_path / "cbs.xlsx", "Jongeren buiten beeld", 134430)
    assert main(["valideer", "--json", str(path)]) == 1
    import json

    report = json.loads(capsys.readouterr().out)
    entry, = report["files"]
    assert (entry["file"], entry["read"], entry["loaded"] + entry["rejected"] + entry["skipped"]) == ("cbs.xlsx", 4, 4)
    assert entry["rejected"] == 1  # the gemeente that does not exist in 2013
    assert any("GM9999" in str(p["value"]) or "GM9999" in p["message"] for p in entry["problems"])


def test_a_column_mapping_of_ones_own_reads_other_headers(tmp_path, capsys):
    path = _cbs_table(tmp_path / "cbs.xlsx", "NEET-jongeren zonder uitkering", 7150)
    assert main(["valideer", str(path)]) == 2  # the shipped mapping finds no buiten beeld column
    mapping = tmp_path / "kolommen.toml"
    mapping.write_text('versie = "eigen"\n\n[kolommen.buiten_beeld]\nverplicht = true\n'
                       "patronen = ['neet']\n\n[kolommen.jongeren_15_27]\npatronen = ['15 tot 27']\n",
                       encoding="utf-8")
    capsys.readouterr()
    main(["valideer", "--kolommen", str(mapping), str(path)])
    out = capsys.readouterr().out
    assert "cbs.xlsx [CBS-tabel]: gelezen 4 = geladen 3 + afgewezen 1" in out


def test_valideer_takes_an_interview_sheet_with_a_buiten_beeld_column_for_interviews(tmp_path, capsys):
    from conftest import write_workbook

    path = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": [
        ["naam", "gemeente", "wijk", "type", "jongeren_bereik", "jongeren_buiten_beeld"],
        ["Boksschool De Vuist", "Venlo", "Centrum", "interesse/hobby", 40, 12],
        ["Kapsalon Fade", "Venlo", "Noord", "commercieel", "ca. 30", "onbekend"]]})
    main(["valideer", str(path)])
    out = capsys.readouterr().out
    assert "kaart.xlsx: gelezen 2 = geladen 2 + afgewezen 0" in out and "CBS-tabel" not in out
    assert "rij 2.0" not in out


def test_valideer_counts_region_rows_of_a_cbs_table_as_skipped(tmp_path, capsys):
    from conftest import write_workbook

    path = write_workbook(tmp_path / "cbs.xlsx", {"Tabel": [
        ["Jongeren buiten beeld, 1 oktober 2013, per gemeente (gemeentelijke indeling 2013)"], [],
        ["Regio's", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld"],
        ["Nederland", 2489440, 134430], ["Provincies"], ["Groningen", 110000, 6100],
        ["Gemeenten"], ["Groningen", 40000, 2400], ["Venlo", 17000, 850], [], ["Bron: test."]]})
    main(["valideer", str(path)])
    out = capsys.readouterr().out
    assert "cbs.xlsx [CBS-tabel]: gelezen 4 = geladen 3 + afgewezen 0 + overgeslagen 1 (regio's)" in out


def test_grenzen_wijken_from_pdok_offline_says_how(tmp_path, monkeypatch, capsys):
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert main(["grenzen", "--data", str(tmp_path), "--wijken"]) == 2
    err = capsys.readouterr().err
    assert "wijk_gegeneraliseerd" in err and "buitenbeeld grenzen --jaar 2026 --wijken" in err


def test_valideer_goes_on_past_a_file_that_is_no_spreadsheet(tmp_path, capsys):
    from conftest import HEADER, ROWS, write_workbook

    good = write_workbook(tmp_path / "kaart.xlsx", {"organisaties": [HEADER, *ROWS[:2]]})
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"dit is geen spreadsheet")
    assert main(["valideer", str(broken), str(good)]) == 2  # unusable file: exit 2, and the good one is checked
    out = capsys.readouterr().out
    assert "kapot.xlsx: gelezen 0 = geladen 0 + afgewezen 0" in out and "kaart.xlsx: gelezen 2" in out


def test_valideer_json_has_whole_row_numbers_and_no_nan(tmp_path, capsys):
    import json

    from conftest import write_workbook

    # no sheet 'organisaties': a sheet-level warning without row, column or value
    path = write_workbook(tmp_path / "kaart.xlsx", {"blad1": [["naam", "gemeente", "type", "vertrouwensband"],
                                                               *[["Club", "Venlo", "hobby", 3]] * 9,
                                                               ["Buurthuis", "Venlo", "hobby", 9]]})
    assert main(["valideer", "--json", str(path)]) == 1
    text = capsys.readouterr().out
    assert "nan" not in text.lower() and "11.0" not in text
    problems = json.loads(text)["files"][0]["problems"]
    sheet_level = next(p for p in problems if p["row"] is None)
    assert sheet_level["column"] is None and sheet_level["value"] is None and sheet_level["sheet"] == "blad1"
    assert "kolom" not in sheet_level["message"] and "waarde" not in sheet_level["message"]
    row_level = next(p for p in problems if p["row"] is not None)
    assert row_level["row"] == 11 and type(row_level["row"]) is int
    assert "rij 11," in row_level["message"]


def test_valideer_text_output_says_no_nan_either(tmp_path, capsys):
    from conftest import write_workbook

    path = write_workbook(tmp_path / "kaart.xlsx", {"blad1": [["naam", "gemeente", "type"],
                                                               ["Club", "Venlo", "hobby"]]})
    assert main(["valideer", str(path)]) == 1
    assert "nan" not in capsys.readouterr().out.lower()


@pytest.mark.parametrize("command", ["rapporten", "training"])
def test_uit_pointing_at_a_file_is_one_clear_line(tmp_path, capsys, command):
    existing = tmp_path / "rapport.html"
    existing.write_text("niet overschrijven", encoding="utf-8")
    for target, phrase in ((existing, "is een bestand"), (existing / "sub", "kan geen map worden")):
        assert main([command, "--data", str(tmp_path / "data"), "--uit", str(target), "--geen-pdf"]) == 2
        captured = capsys.readouterr()
        assert captured.err.startswith("buitenbeeld: fout: --uit ") and phrase in captured.err
        assert "Kies een andere map" in captured.err and "Traceback" not in captured.err + captured.out
    assert existing.read_text(encoding="utf-8") == "niet overschrijven"
    assert not (tmp_path / "data").exists()  # stopped before any work
