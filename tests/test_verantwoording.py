"""The verantwoording beside a report: how it was made, for whoever makes or checks it.

Built in code (no papermill): :func:`buitenbeeld.publish.report.verantwoording` gathers the account,
:func:`buitenbeeld.publish.render.write_outputs` writes it as ``verantwoording.html`` through the
template in ``publish/templates/verantwoording`` and the one escaping helper, under the policy of
every page, and render scans it for personal data like the report.
"""
from __future__ import annotations

import hashlib
import json
import re
from importlib.metadata import version

import pytest

from buitenbeeld.analysis.compare import compare_organisations
from buitenbeeld.analysis.scoring import load_config
from buitenbeeld.publish import report
from buitenbeeld.publish.render import verantwoording_page, write_outputs


@pytest.fixture
def bundle(data_dir, tmp_path):
    data = report.load_report_data("Den Haag", 2013, data_dir)
    config = load_config()
    comparison = compare_organisations(data.kaart.organisaties, data.gemeente.code, config, draws=20)
    maps = report.report_maps(data, tmp_path / "geen-grenzen")
    parameters = {"gemeente": "Den Haag", "configuratie": str(tmp_path / "geheim" / "mijn_scoring.toml"), "drempel": 10}
    outputs = report.report_outputs(data, comparison, config, "2026-11-30T12:00:00", parameters, maps)
    return json.loads(json.dumps(outputs, allow_nan=False)), data_dir  # as the notebook file holds it


def test_the_account_has_every_input_with_its_hash_the_settings_and_the_versions(bundle):
    outputs, data_dir = bundle
    account = outputs["verantwoording"]
    tables = {table["titel"]: table for table in account["tabellen"]}
    assert list(tables) == ["Bronnen", "Invoerbestanden", "Instellingen", "Pakketten", "Afgewezen rijen in de interviews"]
    files = {row[0]: row[2] for row in tables["Invoerbestanden"]["rijen"]}
    for name, path in (("kaart.xlsx", data_dir / "raw" / "interviews" / "kaart.xlsx"),
                       ("jongeren.xlsx", data_dir / "raw" / "cbs" / "jongeren.xlsx")):
        assert files[name] == hashlib.sha256(path.read_bytes()).hexdigest()
    packages = dict(tables["Pakketten"]["rijen"])
    assert packages["pandas"] == version("pandas") and packages["openpyxl"] == version("openpyxl")
    settings = dict(tables["Instellingen"]["rijen"])
    assert settings["configuratie"] == "mijn_scoring.toml"  # a file by its name: no local folder on a published page
    assert account["scoring"] == "scoring.toml, versie 2026.2"
    assert len(tables["Afgewezen rijen in de interviews"]["rijen"]) == 2


def test_how_to_add_what_is_missing_is_here_and_not_in_the_report(bundle):
    outputs, _ = bundle
    howto = outputs["verantwoording"]["aanwijzingen"]
    commands = [item["opdracht"] for item in howto if item["opdracht"]]
    assert "buitenbeeld cbs" in commands and "buitenbeeld grenzen --jaar 2026" in commands
    assert "buitenbeeld grenzen --wijken" in commands
    assert any("registratie van de pilot" in item["tekst"] for item in howto)
    assert any("organisaties_vergelijken" in item["tekst"] for item in howto)  # the ranks: for research only


def test_the_page_escapes_every_value_and_carries_the_policy(bundle, tmp_path):
    outputs, _ = bundle
    account = outputs["verantwoording"]
    account["gemeente"] = "<script>alert(1)</script>"
    account["aanwijzingen"].append({"tekst": "[klik](javascript:alert(2))", "opdracht": "<img src=x onerror=alert(3)>"})
    written = write_outputs(tmp_path, outputs)
    page = (tmp_path / report.VERANTWOORDING_FILE).read_text(encoding="utf-8")
    assert tmp_path / report.VERANTWOORDING_FILE in written
    assert "<script" not in page and "<img" not in page and "](javascript" not in page
    assert "&#60;script&#62;alert(1)&#60;/script&#62;" in page  # shown as text
    assert page.index('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'') < page.index("<title>")
    assert re.search(r"<code>[0-9a-f]{64}</code>", page)  # the hashes, whole
    assert '<a href="rapport.html">' in page and 'lang="nl"' in page


def test_a_page_without_how_to_or_tables_still_renders():
    page = verantwoording_page({"gemeente": "Venlo", "code": "GM0983", "gegenereerd": "2026-11-30T12:00:00",
                                "synthetisch": False, "scoring": "scoring.toml, versie 2026.2", "drempel": 10,
                                "tabellen": [], "aanwijzingen": []})
    assert "Verantwoording: hoe het rapport over Venlo is gemaakt" in page
    assert "Wat ontbreekt" not in page and "SYNTHETISCH" not in page


def test_render_scans_the_verantwoording_for_personal_data_like_the_report(tmp_path):
    """A phone number in an input's file name reaches only the verantwoording: the render stops, nothing is published."""
    from conftest import HEADER, ROWS, write_workbook, youth_table_rows

    from buitenbeeld.errors import ReportError
    from buitenbeeld.publish.render import RenderOptions, render_report
    from buitenbeeld.reference.gemeenten import resolve_gemeente

    data = tmp_path / "data"
    write_workbook(data / "raw" / "kaart bel 06-12345678.xlsx", {"organisaties": [HEADER, *ROWS]})
    write_workbook(data / "raw" / "cbs.xlsx", {"Tabel": youth_table_rows()})
    gemeente = resolve_gemeente("Den Haag")
    with pytest.raises(ReportError, match=r"'verantwoording.html'.*\n.*telefoonnummer in sectie 'Bronnen'"):
        render_report(gemeente, data, tmp_path / "out", options=RenderOptions(pdf=False, engine=None))
    assert not (tmp_path / "out" / gemeente.slug).exists()
