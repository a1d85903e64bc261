"""Publishing safely at scale: disclosure in a rendered report, the personal-data scan,
warm-kernel isolation, and a batch that survives a failing gemeente."""
from __future__ import annotations

import os
import re
import stat

import nbformat
import papermill as pm
import pytest
from conftest import HEADER, ROWS, write_workbook, youth_table_rows

from buitenbeeld.cli import main
from buitenbeeld.errors import ReportError
from buitenbeeld.publish.engine import ENGINE_NAME
from buitenbeeld.publish.render import REPORT_NOTEBOOK, RenderOptions, render_report, render_reports
from buitenbeeld.reference.gemeenten import resolve_gemeente


def _visible_text(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def _data(tmp_path, rows=ROWS, youth=None):
    data = tmp_path / "data"
    write_workbook(data / "raw" / "kaart.xlsx", {"organisaties": [HEADER, *rows]})
    write_workbook(data / "raw" / "cbs.xlsx", {"Tabel": youth or youth_table_rows()})
    return data


def test_no_small_count_of_young_people_appears_anywhere_in_a_rendered_report(tmp_path):
    youth = youth_table_rows()
    youth[5] = ["GM0518", "'s-Gravenhage", 900, 37, 23]  # both below a threshold of 50; 37/900 = 4,1%
    data = _data(tmp_path, youth=youth)
    options = RenderOptions(drempel=50, pdf=False, engine=None)
    html_path = render_report(resolve_gemeente("Den Haag"), data, tmp_path / "out", options=options)
    text = _visible_text(html_path.read_text(encoding="utf-8"))
    assert "<50" in text or "&lt;50" in text
    for planted in (r"\b37\b", r"\b23\b", r"4,1\s?%"):
        assert not re.search(planted, text), planted
    figures = (html_path.parent / "kerncijfers.json").read_text(encoding="utf-8")
    assert '"buiten_beeld": null' in figures and '"aandeel_buiten_beeld": null' in figures


def test_personal_data_scan_stops_a_report_with_a_planted_phone_number(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][0] = "Boksschool Bel 06-12345678"  # a phone number in a column that reaches the report
    data = _data(tmp_path, rows=rows)
    gemeente = resolve_gemeente("Den Haag")
    with pytest.raises(ReportError, match="telefoonnummer") as info:
        render_report(gemeente, data, tmp_path / "out", options=RenderOptions(pdf=False, engine=None))
    assert "12345678" not in str(info.value)  # the message itself does not repeat it
    assert not (tmp_path / "out" / gemeente.slug).exists()  # nothing published


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in source]
    nb.metadata["kernelspec"] = {"name": "buitenbeeld", "display_name": "Python (buitenbeeld)", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_warm_kernels_are_reset_between_notebooks(tmp_path):
    first = _notebook(tmp_path / "a.ipynb", [
        "geheim = 42\nimport pandas as pd\npd.set_option('display.max_rows', 3)",
        "import os\nos.chdir('/')\nprint(os.getpid())",
    ])
    second = _notebook(tmp_path / "b.ipynb", [
        "import os, pandas as pd\nprint('geheim' in dir(), pd.get_option('display.max_rows'), os.getcwd())",
        "print(os.getpid())",
    ])
    kwargs = {"cwd": str(tmp_path), "progress_bar": False, "engine_name": ENGINE_NAME}
    pm.execute_notebook(str(first), str(tmp_path / "a-out.ipynb"), **kwargs)
    pm.execute_notebook(str(second), str(tmp_path / "b-out.ipynb"), **kwargs)
    before = nbformat.read(tmp_path / "a-out.ipynb", as_version=4).cells[1]
    warm, pid = nbformat.read(tmp_path / "b-out.ipynb", as_version=4).cells
    assert pid.outputs[0]["text"] == before.outputs[0]["text"]  # the same kernel, reset: not a fresh one
    pm.execute_notebook(str(second), str(tmp_path / "b-fresh.ipynb"), cwd=str(tmp_path), progress_bar=False)
    fresh = nbformat.read(tmp_path / "b-fresh.ipynb", as_version=4).cells[0]
    assert warm.outputs[0]["text"] == f"False 60 {tmp_path}\n"
    assert warm.outputs == fresh.outputs and warm.execution_count == fresh.execution_count == 1


def test_a_report_rendered_after_another_is_identical_to_it_rendered_alone(tmp_path):
    data = _data(tmp_path)
    fixed = {"gegenereerd_op": "2026-11-30T12:00:00", "pdf": False}
    render_report(resolve_gemeente("Venlo"), data, tmp_path / "warm", options=RenderOptions(**fixed))
    after = render_report(resolve_gemeente("Den Haag"), data, tmp_path / "warm", options=RenderOptions(**fixed))
    alone = render_report(resolve_gemeente("Den Haag"), data, tmp_path / "fresh", options=RenderOptions(**fixed, engine=None))

    def cells(html_path):
        nb = nbformat.read(html_path.parent / "rapport.ipynb", as_version=4)
        return [(c.get("execution_count"), c.get("outputs")) for c in nb.cells if c.cell_type == "code"]

    assert cells(after) == cells(alone)
    assert after.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8")


def test_batch_with_one_failing_gemeente_finishes_the_others_and_exits_nonzero(tmp_path, capsys):
    rows = [list(r) for r in ROWS]
    rows[3][0] = "Moskee mail info@voorbeeld-moskee.nl"  # Venlo's report must not be published
    data = _data(tmp_path, rows=rows)
    out = tmp_path / "out"
    code = main(["rapporten", "--data", str(data), "--uit", str(out), "--workers", "2", "--geen-pdf"])
    assert code == 1
    printed = capsys.readouterr().out
    assert re.search(r"'s-Gravenhage \(GM0518\)\s+ok", printed)
    assert re.search(r"Venlo \(GM0983\)\s+MISLUKT.*e-mailadres", printed, flags=re.S)
    assert (out / "GM0518-s-gravenhage" / "rapport.html").exists()
    assert not (out / "GM0983-venlo").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "GM0518-s-gravenhage/rapport.html" in index and "Niet gelukt" in index and "Venlo" in index
    # neither the console nor the published index repeats the address or the words around it
    for told in (printed, index):
        assert "voorbeeld-moskee" not in told and "Moskee mail" not in told and "info@" not in told
    failure = index.split("Niet gelukt", 1)[1]
    assert "gestopt: persoonsgegevens gevonden in sectie" in failure and "e-mailadres" not in failure


def test_identical_runs_give_identical_notebooks_and_a_killed_batch_leaves_nothing(tmp_path):
    data = _data(tmp_path)
    out = tmp_path / "out"
    options = RenderOptions(gegenereerd_op="2026-11-30T12:00:00", pdf=False)
    first = render_report(resolve_gemeente("Venlo"), data, out, options=options).parent / "rapport.ipynb"
    before = first.read_bytes()
    assert str(out) in before.decode("utf-8") and "/.GM0983-venlo-" not in before.decode("utf-8")
    stale = out / ".GM0518-s-gravenhage-abc123"  # what a killed run leaves behind: no living owner
    stale.mkdir()
    (stale / "rapport.ipynb").write_text("{}", encoding="utf-8")
    (stale / ".eigenaar").write_text("999999999", encoding="utf-8")
    running = out / ".GM0034-almere-def456"  # being built by this (living) process: kept
    running.mkdir()
    (running / ".eigenaar").write_text(str(os.getpid()), encoding="utf-8")
    summary = render_reports(data, out, gemeenten=["Venlo"], options=options, progress=False)
    assert summary.ok and first.read_bytes() == before
    assert not stale.exists() and running.exists()
    assert sorted(p.name for p in out.iterdir()) == [".GM0034-almere-def456", "GM0983-venlo", "index.html"]


def test_the_personal_table_is_private(tmp_path):
    from buitenbeeld.ingest.pipeline import PERSONAL_TABLE, build_processed

    data = _data(tmp_path)
    build_processed(data)
    table = data / "processed" / PERSONAL_TABLE
    assert stat.S_IMODE(table.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(table.stat().st_mode) == 0o600
    table.parent.chmod(0o755)  # as an older version left it: made private again, also when nothing changed
    table.chmod(0o644)
    assert not build_processed(data).rebuilt
    assert stat.S_IMODE(table.parent.stat().st_mode) == 0o700 and stat.S_IMODE(table.stat().st_mode) == 0o600


def test_batch_renders_in_parallel_with_the_same_result(tmp_path):
    data = _data(tmp_path)
    options = RenderOptions(gegenereerd_op="2026-11-30T12:00:00", pdf=False)
    serial = render_reports(data, tmp_path / "serial", workers=1, options=options, progress=False)
    parallel = render_reports(data, tmp_path / "parallel", workers=2, options=options, progress=False)
    assert serial.ok and parallel.ok
    for result in parallel.results:
        name = result.html.parent.name
        serial_html = (tmp_path / "serial" / name / "rapport.html").read_text(encoding="utf-8")
        assert result.html.read_text(encoding="utf-8") == serial_html
    assert REPORT_NOTEBOOK.exists()


def test_a_gemeente_without_interviews_gets_a_short_report_and_one_of_which_nothing_is_known_none(tmp_path, capsys):
    data = _data(tmp_path)  # Almere: a row in the CBS table, no organisations; Leeuwarden: nothing at all
    out = tmp_path / "out"
    code = main(["rapporten", "--data", str(data), "--uit", str(out), "--gemeente", "Almere", "--gemeente", "Leeuwarden",
                 "--workers", "1", "--geen-pdf"])
    assert code == 1  # a report that was asked for was not made: as for a failure
    printed = capsys.readouterr().out
    assert re.search(r"Almere \(GM0034\)\s+ok", printed)
    assert re.search(r"Leeuwarden \(GM0080\)\s+OVERGESLAGEN\s+Geen rapport voor Leeuwarden: de datamap heeft voor deze "
                     r"gemeente geen interviews, geen CBS-cijfers en geen pilotgegevens\.", printed)
    assert "rapporten: 1 gemaakt, 0 mislukt, 1 overgeslagen" in printed
    assert not (out / "GM0080-leeuwarden").exists() and not (out / "_mislukt").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "GM0034-almere/rapport.html" in index
    assert "Overgeslagen: Geen rapport voor Leeuwarden" in index.split("Niet gelukt", 1)[1]

    text = _visible_text((out / "GM0034-almere" / "rapport.html").read_text(encoding="utf-8"))
    assert "Voor Almere zijn (nog) geen organisaties geïnterviewd" in text
    assert "<10 van de 36.000" in text or "&lt;10 van de 36.000" in text  # its CBS figures, the small count hidden
    for gone in ("Organisaties vergeleken", "Roladvies", "Welke rollen zijn per wijk gedekt", "Tabel 2.", "Tabel 4.",
                 "Tabel 5b.", "Tabel 7.", "Twee kijken", "Bijlage"):
        assert gone not in text, gone  # a short report: no sections of empty tables
    headings = re.findall(r"\b(\d)\. (Samenvatting|Jongeren buiten beeld in cijfers|De sociale kaart|Jongerenscouts en "
                          r"pilot|De aanpak van de gemeente|Datakwaliteit|Verantwoording)\b", text)
    numbers = [int(number) for number, _ in dict.fromkeys(headings)]  # once, also when a table of contents repeats them
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # renumbered without sections 4 and 5


def test_a_data_folder_with_interviews_only_renders_every_report(tmp_path, capsys):
    data = tmp_path / "data"
    write_workbook(data / "raw" / "interviews" / "kaart.xlsx", {"organisaties": [HEADER, *ROWS]})
    out = tmp_path / "out"
    assert main(["rapporten", "--data", str(data), "--uit", str(out), "--workers", "1", "--geen-pdf"]) == 0
    assert "rapporten: 2 gemaakt, 0 mislukt" in capsys.readouterr().out
    for folder in ("GM0518-s-gravenhage", "GM0983-venlo"):
        html = (out / folder / "rapport.html").read_text(encoding="utf-8")
        text = _visible_text(html)
        assert "Er staan geen CBS-cijfers over jongeren buiten beeld in dit rapport" in text
        assert "buitenbeeld cbs" not in text and "raw/" not in text  # how to get them: for the maker, beside it
        howto = _visible_text((out / folder / "verantwoording.html").read_text(encoding="utf-8"))
        assert "buitenbeeld cbs" in howto and "maatwerktabel" in howto
        assert "geen kaart van Nederland en geen vergelijking met andere gemeenten" in text
        assert "Tabel 2." in text and "Roladvies" in text and "Tabel 7." in text  # the rest is complete
        assert "buitenbeeld demo" not in text and "SYNTHETISCH" not in html
        assert '"peiljaar": null' in (out / folder / "kerncijfers.json").read_text(encoding="utf-8")
    assert "GM0983-venlo/rapport.html" in (out / "index.html").read_text(encoding="utf-8")


def test_odd_data_still_gives_reports(tmp_path):
    youth = youth_table_rows()
    del youth[4]  # no Nederland row
    youth.insert(6, ["GM0017", "Haren", 4000, 120, 60])  # a 2013 gemeente that has merged since
    rejected = [[None, "Den Haag", "Laak", "hobby", *[None] * 11]]  # every interview row rejected
    data = _data(tmp_path, rows=rejected, youth=youth)
    summary = render_reports(data, tmp_path / "out", gemeenten=["Den Haag", "GM0518", "Venlo"], workers=1,
                             options=RenderOptions(pdf=False), progress=False)
    assert summary.ok, summary.table()
    assert [r.gemeente for r in summary.results] == ["'s-Gravenhage (GM0518)", "Venlo (GM0983)"]  # named twice, one report


def test_two_organisations_with_one_name_both_stay_in_the_profile_table(tmp_path):
    from buitenbeeld.analysis.compare import compare_organisations
    from buitenbeeld.ingest.interviews import read_interviews

    rows = [["organisatie_id", "naam", "gemeente", "type", "toestemming_publicatie"],
            ["1", "Buurthuis De Brug", "Venlo", "hobby", "ja"], ["2", "Buurthuis De Brug", "Venlo", "formeel", "ja"]]
    organisaties = read_interviews(write_workbook(tmp_path / "k.xlsx", {"organisaties": rows})).organisaties
    table = compare_organisations(organisaties, "GM0983", draws=20).profile_table()
    assert table.index.tolist() == ["Buurthuis De Brug", "Buurthuis De Brug (2)"]


def test_demo_reports_read_as_a_profile_in_plain_dutch_without_internals(tmp_path):
    """The demo reports as a gemeenteraad gets them: no template plurals, no path, folder, hash or configuration file,
    no rank of a named organisation; the verantwoording beside them has the hashes and versions."""
    from importlib.metadata import version

    from buitenbeeld.settings import PROJECT_ROOT

    geo = PROJECT_ROOT.parent / "shared" / "data" / "geo"
    summary = render_reports(PROJECT_ROOT / "data", tmp_path, workers=2, progress=False,
                             options=RenderOptions(pdf=False, grenzen=str(geo) if geo.exists() else ""))
    assert summary.ok, summary.table()
    assert len(summary.results) == 7
    for result in summary.results:
        html = result.html.read_text(encoding="utf-8")
        text = _visible_text(html)
        for internal in ("(en)", "(s)", "raw/", "sha256", "scoring.toml", "docs/", ".ipynb", str(PROJECT_ROOT),
                         str(tmp_path), "/work/", "buitenbeeld grenzen", "(15-27 jaar)", " in: geen", "bleven daar",
                         "Hoe vast liggen de posities", "1 = sterkst", "organisaties_vergelijken"):
            assert internal not in text, (result.gemeente, internal)
        assert not re.search(r"\bde meeste zijn [^.;]+ \((\d+)\)", text)  # never 'de meeste' without a majority
        assert not re.search(r"<title>Figuur: [^<]*[Pp]ositie", html)  # the rank-interval chart is gone
        assert not re.search(r"\b(rang|plaats) \d+ van \d+", text)
        page = (result.html.parent / "verantwoording.html").read_text(encoding="utf-8")
        assert re.search(r"\b[0-9a-f]{64}\b", page) and version("pandas") in page and "scoring.toml" in page
        assert 'href="verantwoording.html"' in html
    texts = {result.html.parent.name.split("-", 1)[1]: " ".join(_visible_text(result.html.read_text(encoding="utf-8"))
                                                                 .split()) for result in summary.results}
    # issue 16 in the rendered reports: what changed only where there are two rounds, the aanpak beside the data
    assert "Wat is er veranderd" in texts["s-gravenhage"] and "3 organisaties zijn nieuw in de kaart" in texts["s-gravenhage"]
    assert not any("Wat is er veranderd" in text for naam, text in texts.items() if naam != "s-gravenhage")
    assert "De aanpak van Leeuwarden." in texts["leeuwarden"]
    assert re.search(r"Gewenst: minimaal \d voor \w+ in [\w-]+, gevonden 0\.", texts["leeuwarden"])
    assert "die datum is voorbij" in texts["leeuwarden"] and "Jongeren (CBS)" in texts["leeuwarden"]
    assert "Binnenstad 755" in texts["leeuwarden"]  # the CBS wijk figure itself (demo table), not only its header
    assert "De aanpak van Venlo is nog niet ingevuld" in texts["venlo"]
