"""End to end: papermill renders real reports from a data folder built in code."""
from __future__ import annotations

import re

import pytest
from conftest import ROWS

from buitenbeeld.errors import ReportError
from buitenbeeld.publish.render import FAILED_DIR, render_report, render_reports
from buitenbeeld.reference.gemeenten import resolve_gemeente

PERSONAL_VALUES = [value for row in ROWS for value in row[5:9] if value]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render the fixture data once for the module: every gemeente plus one unknown name."""
    from conftest import HEADER, write_workbook, youth_table_rows

    root = tmp_path_factory.mktemp("render")
    data = root / "data"
    write_workbook(data / "raw" / "kaart.xlsx", {"organisaties": [HEADER, *ROWS]})
    write_workbook(data / "raw" / "cbs.xlsx", {"Tabel": youth_table_rows()})
    out = root / "reports"
    summary = render_reports(data, out, gemeenten=["Den Haag", "Venlo", "Nergenshuizen"])
    return summary, out, data


def test_batch_renders_what_works_and_reports_what_failed(rendered):
    summary, out, _ = rendered
    status = {r.gemeente: r.ok for r in summary.results}
    assert status == {"'s-Gravenhage (GM0518)": True, "Venlo (GM0983)": True, "Nergenshuizen": False}
    assert not summary.ok
    table = summary.table()
    assert "MISLUKT" in table and "Onbekende gemeente 'Nergenshuizen'" in table
    assert table.splitlines()[-1] == "rapporten: 2 gemaakt, 1 mislukt"


def test_each_report_has_notebook_html_and_tables(rendered):
    _, out, _ = rendered
    from buitenbeeld.publish.pdf import find_chromium

    folder = out / "GM0518-s-gravenhage"
    expected = ["kerncijfers.json", "rapport.html", "rapport.ipynb", "tabellen", "tabellen.xlsx", "verantwoording.html",
                "vingerafdruk.json"]
    if find_chromium():
        expected.insert(1, "rapport.pdf")
        assert (folder / "rapport.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    csv = (folder / "tabellen" / "organisaties_per_type.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "Type;Organisaties"  # the Dutch headers the report shows


def test_html_is_dutch_standalone_without_code_and_with_images(rendered):
    _, out, _ = rendered
    html = (out / "GM0518-s-gravenhage" / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="nl"' in html
    assert "Jongeren buiten beeld en de sociale kaart: &#39;s-Gravenhage" in html or \
        "Jongeren buiten beeld en de sociale kaart: 's-Gravenhage" in html
    assert "GM0518" in html
    import nbformat

    executed = nbformat.read(out / "GM0518-s-gravenhage" / "rapport.ipynb", as_version=4)
    charts = [o["data"]["image/svg+xml"] for c in executed.cells for o in c.get("outputs", [])
              if "image/svg+xml" in o.get("data", {})]
    assert len(charts) >= 5  # youth share, types, wijk x type, coverage, profiles
    assert not any("Positie" in chart or "positie" in chart for chart in charts)  # no rank chart in a public report
    inline = re.findall(r'<svg[^>]*\srole="img"[^>]*>.*?</svg>', html, flags=re.S)
    assert len(inline) == len(charts)  # every chart inline, as it was made (not sanitised away)
    assert all(re.search(r"<title>Figuur: [^<]+\. Bron: ", chart) for chart in inline)  # described for screen readers
    assert "<img src=\"data:image/png" not in html  # no raster figures left
    assert not re.search(r'<(script|img|link)[^>]+(src|href)="https?://', html)  # opens offline
    assert "load_report_data" not in html and "import " not in html  # no code cells
    code_cells = re.findall(r'<div [^>]*\bclass="jp-Cell jp-CodeCell[^"]*"', html)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    assert 'class="highlight' not in html
    assert "SYNTHETISCH" not in html  # the fixture data is not marked synthetic


def test_no_personal_value_reaches_the_report(rendered):
    _, out, _ = rendered
    for folder in ("GM0518-s-gravenhage", "GM0983-venlo"):
        html = (out / folder / "rapport.html").read_text(encoding="utf-8")
        leaked = [value for value in PERSONAL_VALUES if str(value) in html]
        assert leaked == [], f"{folder}: {leaked}"
        assert not re.search(r"[\w.]+@[\w-]+\.\w+", html.split("<style")[0] + html.split("</style>")[-1])


def test_failed_render_leaves_no_complete_looking_report(tmp_path, data_dir):
    gemeente = resolve_gemeente("Den Haag")
    with pytest.raises(ReportError, match=r"'s-Gravenhage \(GM0518\).*cel \d+.*MissingDataError.*peiljaar 2019") as info:
        render_report(gemeente, data_dir, tmp_path / "out", peiljaar=2019)
    assert info.value.cell is not None
    assert not (tmp_path / "out" / gemeente.slug).exists()
    assert (tmp_path / "out" / FAILED_DIR / f"{gemeente.slug}.ipynb").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [FAILED_DIR]  # no temporary folders left


def test_rerender_replaces_the_old_report(tmp_path, data_dir):
    gemeente = resolve_gemeente("Venlo")
    first = render_report(gemeente, data_dir, tmp_path)
    (first.parent / "oud.txt").write_text("van een vorige keer")
    second = render_report(gemeente, data_dir, tmp_path)
    assert second == first and second.exists() and not (first.parent / "oud.txt").exists()


def test_every_figure_has_a_dutch_description_for_screen_readers(rendered):
    _, out, _ = rendered
    html = (out / "GM0518-s-gravenhage" / "rapport.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg[^>]*\srole="img"[^>]*>\s*<title>([^<]*)</title>', html)
    assert charts and all(t.startswith("Figuur: ") and "Bron: " in t for t in charts)
    assert "No description has been provided" not in html
    assert not re.search(r"<img\b", html)
    assert any("Profielen, &#39;s-Gravenhage" in t or "Profielen, 's-Gravenhage" in t for t in charts)


def test_demo_report_of_gooise_meren_has_the_map_and_the_2013_figures_of_its_parts(tmp_path):
    """Issue 6: the national map with the gemeente outlined, and 2013 figures through the crosswalk."""
    from pathlib import Path

    from buitenbeeld.publish.render import RenderOptions
    from buitenbeeld.settings import PROJECT_ROOT

    geo = PROJECT_ROOT.parent / "shared" / "data" / "geo"
    if not geo.exists():
        pytest.skip("../shared/data/geo is not beside the repository")
    html = render_report(resolve_gemeente("Gooise Meren"), PROJECT_ROOT / "data", tmp_path,
                         options=RenderOptions(pdf=False, grenzen=str(geo))).read_text(encoding="utf-8")
    assert "Voor Gooise Meren zijn ze opgeteld uit: Bussum, Muiden, Naarden." in html
    assert "in 2013, de laatste keer dat het CBS dit uitsplitste" in html
    series = list((PROJECT_ROOT / "data" / "raw").rglob("statline_*.json"))  # the demo's StatLine cache
    latest = 2013 if not series else int(re.search(r"CBS-cijfers tot en met <strong>(\d{4})", html).group(1))
    assert f"<title>Figuur: Aandeel jongeren buiten beeld per gemeente, {latest}." in html  # the map: the latest year
    if series:
        assert latest > 2013 and "<title>Figuur: Jongeren buiten beeld per jaar: Gooise Meren en Nederland." in html
        assert "breuk in de reeks" in html
    outlined = [tag for tag in re.findall(r"<path [^>]*>", html) if 'stroke-width="2.5"' in tag]
    assert len(outlined) == 1 and 'fill="none"' in outlined[0]  # the gemeente outlined on the map
    assert "SYNTHETISCH" in html
    without = render_report(resolve_gemeente("Gooise Meren"), PROJECT_ROOT / "data", tmp_path / "zonder",
                            options=RenderOptions(pdf=False, grenzen=str(tmp_path / "leeg")))
    assert "Geen kaart van Nederland" in Path(without).read_text(encoding="utf-8")
    howto = (Path(without).parent / "verantwoording.html").read_text(encoding="utf-8")
    assert "buitenbeeld grenzen --jaar" in howto and str(tmp_path) not in howto


def test_the_notebook_hands_over_tables_and_key_figures_that_render_writes_and_the_html_leaves_out(rendered):
    import json

    import nbformat

    from buitenbeeld.publish.render import read_outputs
    from buitenbeeld.publish.report import OUTPUT_MIMETYPE

    _, out, _ = rendered
    folder = out / "GM0518-s-gravenhage"
    executed = nbformat.read(folder / "rapport.ipynb", as_version=4)
    handed = [o for c in executed.cells for o in c.get("outputs", []) if OUTPUT_MIMETYPE in o.get("data", {})]
    assert len(handed) == 1 and list(handed[0]["data"]) == [OUTPUT_MIMETYPE]  # nothing any exporter would show
    outputs = read_outputs(folder / "rapport.ipynb")
    assert sorted(outputs["tabellen"]) == ["cbs_2013", "organisaties_per_type", "organisaties_per_wijk", "posities",
                                           "profielen", "roladvies", "wensen"]
    assert sorted(p.name for p in (folder / "tabellen").iterdir()) == sorted(f"{n}.csv" for n in outputs["tabellen"])
    assert outputs["verantwoording"]["code"] == "GM0518"
    assert "uitvoer_map" not in str(executed.cells[1].source)  # papermill's injected parameters: no output folder

    figures = json.loads((folder / "kerncijfers.json").read_text(encoding="utf-8"))
    assert list(figures)[:3] == ["gemeentecode", "gemeentenaam", "peiljaar"]  # the order of report.key_figures
    assert list(figures["rollen_gedekt"]) == ["bereiken", "activeren", "plaatsen", "behouden"]
    from buitenbeeld.publish.pdf import find_chromium

    assert figures["pdf"] == ("rapport.pdf" if find_chromium() else None)

    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert OUTPUT_MIMETYPE not in html and "vnd.buitenbeeld" not in html
    assert "organisaties_per_wijk" not in html and "gegenereerd_op" not in html and "kerncijfers" not in html
    assert "aanwijzingen" not in _visible(html) and "sha256" not in _visible(html)  # (rapport.css names one in a comment)


def test_what_render_writes_is_what_the_notebook_wrote_before(data_dir, tmp_path, monkeypatch):
    """The tables and key figures go through the notebook as JSON and come out as the same files:
    write_csv of the table itself, and json.dumps(key_figures) with the PDF noted."""
    import datetime as dt
    import json
    import math

    import numpy as np
    import pandas as pd

    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.analysis.scoring import load_config
    from buitenbeeld.common.files import write_csv
    from buitenbeeld.publish import report
    from buitenbeeld.publish.render import write_outputs
    from buitenbeeld.publish.report import table_frame

    data = report.load_report_data("Den Haag", 2013, data_dir)
    config = load_config()
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, config, draws=20)
    tables = report.published_tables(data, comparison)
    odd = pd.DataFrame({"getal": np.array([1, -3], dtype="int64"), "komma": [2.5, math.nan],
                        "tekst": ["=SOM(A1)", None], "datum": [dt.date(2024, 3, 5), dt.date(2025, 1, 1)],
                        "ja": [True, False], ("twee", "delen"): [np.float64(0.1), math.inf]},
                       index=pd.Index(["St. Jozef", "-3"], name="organisatie"))
    monkeypatch.setattr(report, "published_tables", lambda *args: {**tables, "vreemd": odd})

    generated = "2026-11-30T12:00:00"
    bundle = report.report_outputs(data, comparison, config, generated)
    stored = json.loads(json.dumps(bundle, sort_keys=True, allow_nan=False))  # as the notebook file holds it
    write_outputs(tmp_path / "nieuw", stored, "rapport.pdf")
    for name, frame in {**tables, "vreemd": odd}.items():  # as the report shows it: Dutch headers, a named index first
        before = write_csv(tmp_path / "voorheen" / f"{name}.csv", table_frame(frame))
        assert (tmp_path / "nieuw" / "tabellen" / f"{name}.csv").read_bytes() == before.read_bytes(), name
    figures = {**report.key_figures(data, comparison, config, generated), "pdf": "rapport.pdf"}
    assert (tmp_path / "nieuw" / "kerncijfers.json").read_text(encoding="utf-8") == json.dumps(
        figures, indent=2, ensure_ascii=False)


def test_a_notebook_that_hands_over_nothing_is_noticed_and_table_names_stay_plain_file_names(tmp_path):
    import nbformat

    from buitenbeeld.errors import BuitenbeeldError
    from buitenbeeld.publish.render import read_outputs, write_outputs

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    nbformat.write(nb, tmp_path / "leeg.ipynb")
    assert read_outputs(tmp_path / "leeg.ipynb") is None
    sneaky = {"tabellen": {"../../elders": {"kolommen": ["a"], "rijen": [[1]]}}, "kerncijfers": "{}"}
    with pytest.raises(BuitenbeeldError, match="elders"):
        write_outputs(tmp_path / "uit", sneaky)
    assert not (tmp_path / "elders.csv").exists()


def _visible(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", " ", html))


def test_the_verantwoording_beside_the_report_has_the_files_hashes_versions_and_how_to(rendered):
    import hashlib
    from importlib.metadata import version

    _, out, data = rendered
    folder = out / "GM0518-s-gravenhage"
    page = (folder / "verantwoording.html").read_text(encoding="utf-8")
    assert page.index('http-equiv="Content-Security-Policy"') < page.index("<title>")  # the policy of every page
    assert "script-src" not in page and "<script" not in page
    text = _visible(page)
    for name in ("kaart.xlsx", "cbs.xlsx"):
        assert name in text and hashlib.sha256((data / "raw" / name).read_bytes()).hexdigest() in text
    assert f"pandas {version('pandas')}" in " ".join(text.split()) or version("pandas") in text
    assert "buitenbeeld" in text and "scoring.toml, versie" in text
    assert "Afgewezen rijen in de interviews" in text and "Wat ontbreekt en hoe het erbij komt" in text
    assert "buitenbeeld cbs" in text  # the fixture has no StatLine series: how to get it
    assert 'href="rapport.html"' in page
    assert str(data) not in page and str(out) not in page  # no local folder, not even here


def test_the_report_links_the_verantwoording_and_keeps_internals_out(rendered):
    _, out, data = rendered
    html = (out / "GM0518-s-gravenhage" / "rapport.html").read_text(encoding="utf-8")
    assert 'href="verantwoording.html"' in html
    assert "Verantwoording: hoe dit rapport is gemaakt" in html and "Bijlage: zo komen de profielen tot stand" in html
    text = _visible(html)
    for internal in ("sha256", "scoring.toml", "raw/", "docs/", ".ipynb", ".xlsx", "papermill", "nbconvert",
                     "organisaties_vergelijken", "buitenbeeld grenzen", "buitenbeeld cbs", str(data), "(en)", "(s)"):
        assert internal not in text, internal


def test_the_workbook_opens_with_numbers_as_numbers_and_every_table_a_sheet(rendered):
    from openpyxl import load_workbook

    from buitenbeeld.publish.render import read_outputs

    _, out, _ = rendered
    folder = out / "GM0518-s-gravenhage"
    book = load_workbook(folder / "tabellen.xlsx")
    outputs = read_outputs(folder / "rapport.ipynb")
    assert book.sheetnames == list(outputs["tabellen"])
    per_type = book["organisaties_per_type"]
    assert [c.value for c in per_type[1]] == ["Type", "Organisaties"]
    assert all(isinstance(row[1].value, int) for row in per_type.iter_rows(min_row=2))
    cbs = {row[0].value: [c.value for c in row[1:]] for row in book["cbs_2013"].iter_rows(min_row=2)}
    assert cbs["Jongeren 15 tot 27 jaar"] == [90000, 2489440] and cbs["Jongeren buiten beeld"] == [6300, 134430]
    assert cbs["Aandeel buiten beeld (%)"] == [7.0, 5.4]
    profiles = book["profielen"]
    assert profiles["C1"].value == "Bereiken" and isinstance(profiles["C2"].value, float)


def test_a_workbook_keeps_cbs_symbols_as_text_and_neutralises_formulas(tmp_path):
    from openpyxl import load_workbook

    from buitenbeeld.publish.render import write_workbook

    path = write_workbook(tmp_path / "tabellen.xlsx", {"cbs_2013": {
        "kolommen": ["", "Almere", "Nederland"],
        "rijen": [["Jongeren buiten beeld", "<10", 134430], ["waarvan zonder bekende reden", "x", 65910],
                  ["=HYPERLINK(\"https://aanval.example\")", "-", -3]]}})
    sheet = load_workbook(path)["cbs_2013"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["Jongeren buiten beeld", "<10", 134430] and rows[1][1] == "x"
    assert rows[2][0].startswith("'=") and rows[2][1] == "-" and rows[2][2] == -3  # text neutralised, symbols and numbers kept
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_export_adds_focus_and_alt_text_as_nbconvert_does_without_a_second_parse():
    from buitenbeeld.publish.exporter import NO_ALT_TEXT, add_focus_and_alt

    page = ('<div class="jp-Cell-inputWrapper"><div class="jp-RenderedSVG jp-OutputArea-output x" data-mime-type="a">'
            '<img src="a.png"><img alt="kaart" src="b.png"/><div class="jp-OutputArea-output" tabindex="-1">'
            '<div class="jp-OutputArea-child">')
    done = add_focus_and_alt(page)
    assert done.count('tabindex="0"') == 2  # the input wrapper and the first output; one with its own stays as it is
    assert '<div class="jp-Cell-inputWrapper" tabindex="0">' in done
    assert 'data-mime-type="a" tabindex="0">' in done and 'tabindex="-1">' in done
    assert f'<img src="a.png" alt="{NO_ALT_TEXT}">' in done and '<img alt="kaart" src="b.png"/>' in done
    assert '<div class="jp-OutputArea-child">' in done  # not an output area
    assert add_focus_and_alt('<img data-alt="x" src="c.png">') == f'<img data-alt="x" src="c.png" alt="{NO_ALT_TEXT}">'
