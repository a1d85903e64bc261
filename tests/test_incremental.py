"""Incremental rendering: a batch renders only the reports whose inputs changed or whose files are not intact.

The data is a copy of part of the demo data (three gemeenten, one pilot, the CBS table and the
StatLine cache). One batch is rendered for the module; each test works on its own copy of the
data and the reports, so the tests do not depend on each other's order.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from buitenbeeld.publish import fingerprint
from buitenbeeld.publish.fingerprint import FINGERPRINT_FILE, read_fingerprint, table_digests, why_render
from buitenbeeld.publish.render import RenderOptions, render_reports

DEMO = REPO / "data" / "raw" / "demo"
GEMEENTEN = {"GM0034": "GM0034-almere", "GM0080": "GM0080-leeuwarden", "GM0983": "GM0983-venlo"}
OPTIONS = RenderOptions(pdf=False)


@pytest.fixture(autouse=True)
def fixed_code(monkeypatch):
    """The package's own files are part of the fingerprint; others may be editing them while the tests run."""
    monkeypatch.setattr(fingerprint, "package_digest", lambda: "vast")


def _demo_data(root: Path) -> Path:
    data = root / "data"
    raw = data / "raw" / "demo"
    for name in ("sociale_kaart_almere.xlsx", "sociale_kaart_leeuwarden.xlsx", "sociale_kaart_venlo.xlsx"):
        (raw / "interviews").mkdir(parents=True, exist_ok=True)
        shutil.copy2(DEMO / "interviews" / name, raw / "interviews" / name)
    (raw / "pilots").mkdir(parents=True)
    shutil.copy2(DEMO / "pilots" / "pilot_venlo.xlsx", raw / "pilots" / "pilot_venlo.xlsx")
    shutil.copytree(DEMO / "cbs", raw / "cbs")
    return data


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The demo data and its reports, rendered once for the module."""
    root = tmp_path_factory.mktemp("incrementeel")
    data = _demo_data(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fingerprint, "package_digest", lambda: "vast")
        summary = render_reports(data, root / "reports", options=OPTIONS, progress=False, workers=1)
    assert summary.ok and summary.table().splitlines()[-1] == "rapporten: 3 gemaakt, 0 mislukt"
    assert all(r.reason == "nieuw" for r in summary.results)
    return root


@pytest.fixture
def copy(first, tmp_path):
    """A copy of the data folder and the reports, times kept (an unchanged copy is unchanged)."""
    shutil.copytree(first / "data", tmp_path / "data")
    shutil.copytree(first / "reports", tmp_path / "reports")
    return tmp_path / "data", tmp_path / "reports"


def _status(summary) -> dict[str, str]:
    codes = {r.gemeente: re.search(r"GM\d{4}", r.gemeente).group(0) for r in summary.results}
    return {codes[r.gemeente]: r.status for r in summary.results}


def _stamps(reports: Path) -> dict[str, int]:
    return {code: (reports / folder / "rapport.html").stat().st_mtime_ns for code, folder in GEMEENTEN.items()}


def test_an_unchanged_second_run_renders_nothing_and_says_so_in_dutch(copy):
    data, reports = copy
    before = _stamps(reports)
    (reports / "index.html").unlink()
    summary = render_reports(data, reports, options=OPTIONS, progress=False, workers=1)
    assert summary.ok and _status(summary) == dict.fromkeys(GEMEENTEN, "ongewijzigd")
    table = summary.table()
    assert table.splitlines()[-1] == "rapporten: 3 ongewijzigd, 0 opnieuw gemaakt, 0 mislukt"
    assert re.search(r"Venlo \(GM0983\)\s+ongewijzigd\s+\S+GM0983-venlo/rapport.html$", table, flags=re.M)
    assert _stamps(reports) == before
    index = (reports / "index.html").read_text(encoding="utf-8")  # the index is written from the key figures
    assert all(f"{folder}/rapport.html" in index for folder in GEMEENTEN.values())


def test_the_fingerprint_holds_hashes_and_settings_not_values(copy):
    _, reports = copy
    recorded = read_fingerprint(reports / GEMEENTEN["GM0983"])
    assert recorded["gemeente"] == "GM0983"
    assert {"tabel:organisaties", "tabel:pilot_contacten", "banden", "cbs", "statline", "notebook", "rekenwijze",
            "werkbank", "instellingen", "invoerbestanden"} <= set(recorded["onderdelen"])
    assert recorded["onderdelen"]["instellingen"]["drempel"] == 10
    assert {"rapport.html", "kerncijfers.json", "rapport.ipynb", "verantwoording.html", "tabellen.xlsx"} <= \
        set(recorded["bestanden"]) and any(name.startswith("tabellen/") for name in recorded["bestanden"])
    text = (reports / GEMEENTEN["GM0983"] / FINGERPRINT_FILE).read_text(encoding="utf-8")
    organisaties = pd.read_parquet(copy[0] / "processed" / "organisaties.parquet")
    contacts = pd.read_parquet(copy[0] / "processed" / "persoonlijk" / "contactgegevens.parquet")
    for value in [*organisaties["naam"], *contacts["contactpersoon"].dropna(), *contacts["email"].dropna()]:
        assert str(value) not in text


def test_a_changed_interview_file_renders_that_gemeente_only(copy):
    from openpyxl import load_workbook

    data, reports = copy
    before = _stamps(reports)
    path = data / "raw" / "demo" / "interviews" / "sociale_kaart_venlo.xlsx"
    book = load_workbook(path)
    sheet = book["organisaties"]
    sheet.cell(row=2, column=1).value = f"{sheet.cell(row=2, column=1).value} Noord"  # a name: no count, no band
    book.save(path)
    summary = render_reports(data, reports, options=OPTIONS, progress=False, workers=1)
    assert _status(summary) == {"GM0034": "ongewijzigd", "GM0080": "ongewijzigd", "GM0983": "ok"}
    assert summary.table().splitlines()[-1] == "rapporten: 2 ongewijzigd, 1 opnieuw gemaakt, 0 mislukt"
    venlo = next(r for r in summary.results if "GM0983" in r.gemeente)
    assert "tabel organisaties" in venlo.reason and "invoerbestanden" in venlo.reason
    after = _stamps(reports)
    assert after["GM0983"] != before["GM0983"] and {k: after[k] for k in ("GM0034", "GM0080")} == \
        {k: before[k] for k in ("GM0034", "GM0080")}
    assert "Noord" in (reports / GEMEENTEN["GM0983"] / "rapport.html").read_text(encoding="utf-8")


def test_a_deleted_or_damaged_report_file_is_rendered_again(copy):
    data, reports = copy
    (reports / GEMEENTEN["GM0034"] / "kerncijfers.json").unlink()
    damaged = reports / GEMEENTEN["GM0080"] / "rapport.html"
    damaged.write_text(damaged.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    table = next((reports / GEMEENTEN["GM0983"] / "tabellen").glob("*.csv"))
    table.write_bytes(table.read_bytes() + b"x")
    summary = render_reports(data, reports, options=OPTIONS, progress=False, workers=1)
    assert _status(summary) == dict.fromkeys(GEMEENTEN, "ok")
    reasons = {r.gemeente[-7:-1]: r.reason for r in summary.results}
    assert reasons == {"GM0034": "bestand ontbreekt: kerncijfers.json",
                       "GM0080": "bestand veranderd of beschadigd: rapport.html",
                       "GM0983": f"bestand veranderd of beschadigd: tabellen/{table.name}"}
    assert (reports / GEMEENTEN["GM0034"] / "kerncijfers.json").is_file() and damaged.stat().st_size > 10_000
    again = render_reports(data, reports, options=OPTIONS, progress=False, workers=1)
    assert _status(again) == dict.fromkeys(GEMEENTEN, "ongewijzigd")


def test_opnieuw_renders_every_report(copy, capsys):
    from buitenbeeld.cli import main

    data, reports = copy
    assert main(["rapporten", "--data", str(data), "--uit", str(reports), "--geen-pdf", "--workers", "2"]) == 0
    assert "rapporten: 3 ongewijzigd, 0 opnieuw gemaakt, 0 mislukt" in capsys.readouterr().out
    before = _stamps(reports)
    assert main(["rapporten", "--data", str(data), "--uit", str(reports), "--geen-pdf", "--opnieuw"]) == 0
    printed = capsys.readouterr().out
    assert "rapporten: 3 gemaakt, 0 mislukt" in printed and "(opnieuw gevraagd)" in printed
    assert all(before[code] != stamp for code, stamp in _stamps(reports).items())


def test_a_changed_scoring_configuration_renders_every_report(copy):
    data, reports = copy
    config = data.parent / "scoring.toml"
    shutil.copy(REPO / "lib" / "buitenbeeld" / "config" / "scoring.toml", config)
    options = RenderOptions(pdf=False, configuratie=str(config))
    summary = render_reports(data, reports, options=options, progress=False, workers=1)
    assert all("de instellingen" in r.reason for r in summary.results)  # another file chosen: its name is shown
    assert _status(render_reports(data, reports, options=options, progress=False)) == \
        dict.fromkeys(GEMEENTEN, "ongewijzigd")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('versie = "', 'versie = "eigen-', 1), encoding="utf-8")
    summary = render_reports(data, reports, options=options, progress=False, workers=1)
    assert _status(summary) == dict.fromkeys(GEMEENTEN, "ok")
    assert all("de rekenwijze (scoring)" in r.reason for r in summary.results)
    assert "eigen-" in (reports / GEMEENTEN["GM0034"] / "rapport.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- fast: the parts themselves


def test_a_table_is_hashed_per_gemeente_when_it_has_a_gemeentecode_and_whole_otherwise():
    frame = pd.DataFrame({"gemeentecode": ["GM0034", "GM0983", "GM0034"], "naam": ["a", "b", "c"],
                          "lijst": [("x",), (), ("y", "z")]})
    whole, per = table_digests(frame)
    changed = frame.copy()
    changed.loc[1, "naam"] = "B"
    whole2, per2 = table_digests(changed)
    assert whole != whole2 and per["GM0034"] == per2["GM0034"] and per["GM0983"] != per2["GM0983"]
    inserted = pd.concat([frame.iloc[:1], pd.DataFrame({"gemeentecode": ["GM0983"], "naam": ["d"], "lijst": [()]}),
                          frame.iloc[1:]], ignore_index=True)
    assert table_digests(inserted)[1]["GM0034"] == per["GM0034"]  # a row elsewhere moves nothing here
    assert table_digests(frame.drop(columns="gemeentecode"))[1] is None


def test_check_report_says_why(tmp_path):
    folder = tmp_path / "GM0034-almere"
    record = {"vingerafdruk": "a", "onderdelen": {"banden": "1", "tabel:organisaties": "2"}}
    assert why_render(folder, record, None) == "nieuw"
    folder.mkdir()
    (folder / "rapport.html").write_text("<html></html>", encoding="utf-8")
    fingerprint.write_fingerprint(folder, {"formaat": 1, **record})
    recorded = read_fingerprint(folder)
    assert why_render(folder, record, recorded) is None
    assert json.loads((folder / FINGERPRINT_FILE).read_text(encoding="utf-8"))["bestanden"] == recorded["bestanden"]
    other = {"vingerafdruk": "b", "onderdelen": {"banden": "9", "tabel:organisaties": "2"}}
    assert why_render(folder, other, recorded) == "veranderd: de vergelijking met hetzelfde type"
    (folder / "rapport.html").write_text("<html>anders</html>", encoding="utf-8")
    assert why_render(folder, record, recorded) == "bestand veranderd of beschadigd: rapport.html"


def test_without_fingerprints_every_report_is_made_and_the_reason_repeats_no_input_text(monkeypatch, tmp_path):
    from buitenbeeld.publish import render
    from buitenbeeld.reference.gemeenten import resolve_gemeente

    def broken(*args, **kwargs):
        raise ValueError("cel B7: Jan Jansen 06-12345678")  # an error whose text quotes an input cell

    monkeypatch.setattr(render, "batch_fingerprints", broken)
    plan = render._plan([resolve_gemeente("Venlo")], tmp_path, tmp_path / "uit", render.RenderOptions(), False)
    record, reason = plan["GM0983"]
    assert record is None and reason == "geen vingerafdruk (ValueError): alles opnieuw gemaakt"


def test_a_review_date_that_passes_makes_that_report_again_and_no_other():
    from buitenbeeld.publish.fingerprint import batch_fingerprints
    from buitenbeeld.publish.render import REPORT_NOTEBOOK, RenderOptions
    from buitenbeeld.settings import PROJECT_ROOT

    def evaluaties(day: str, code: str) -> str:
        batch = batch_fingerprints(PROJECT_ROOT / "data", RenderOptions(pdf=False, gegenereerd_op=day), REPORT_NOTEBOOK)
        return batch.parts(code, {"banden_basis": batch.bands_basis, "onderdelen": {"banden": "-"}})["evaluaties"]

    # the demo aanpak of Leeuwarden (GM0080) has review dates 1-3-2025, 1-12-2026, 15-1-2027 and 1-6-2027
    assert evaluaties("2025-06-01T10:00:00", "GM0080") == evaluaties("2026-11-30T10:00:00", "GM0080")  # none passed between
    assert evaluaties("2026-11-30T10:00:00", "GM0080") != evaluaties("2026-12-02T10:00:00", "GM0080")  # 1-12-2026 passed
    assert evaluaties("2025-06-01T10:00:00", "GM0983") == evaluaties("2027-12-31T10:00:00", "GM0983") == "-"  # no aanpak
