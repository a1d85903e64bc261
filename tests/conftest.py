"""Shared fixtures: small input files built in code, never read from the demo folder."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

HEADER = [
    "naam", "gemeente", "wijk", "type", "datum_interview", "interviewer", "contactpersoon",
    "telefoon", "email", "jongeren_bereik", "jongeren_buiten_beeld", "vertrouwensband",
    "leefgebieden", "rollen_nu", "toestemming_publicatie",
]

#: Rows for HEADER: three good organisations in Den Haag, one in Venlo, two bad rows.
ROWS = [
    ["Boksschool Test", "Den Haag", "Schilderswijk; Transvaal", "hobby", dt.datetime(2024, 3, 5),
     "Interviewer Een", "Piet Contact", "06-00000001", "piet@voorbeeld.nl", "ca. 40", "30-50", 4,
     "werk & opleiding; 1", "bereiken; activeren", "ja"],
    ["Kapsalon Test", "den haag", "Schilderswijk", "Commerciële organisatie", "5-3-2024",
     "Interviewer Een", "Ali Contact", "06-00000002", "ali@voorbeeld.nl", 120, "onbekend", None,
     None, "bereiken", "nee"],
    ["Werkplein Test", "GM0518", None, "formeel", None,
     "Interviewer Twee", "Els Contact", "06-00000003", "els@voorbeeld.nl", "1.200", 10, 3,
     "2;5", "plaatsen", ""],
    ["Moskee Test", "Venlo", "Centrum", "religieus", "5 maart 2024",
     "Interviewer Twee", "Omar Contact", "06-00000004", "omar@voorbeeld.nl", 60, 8, 5,
     None, "bereiken", "ja"],
    [None, "Den Haag", "Laak", "hobby", None, "Interviewer Een", None, None, None, 5, None, None,
     None, None, None],
    ["Onbekend Type", "Den Haag", "Laak", "weet niet", None, None, None, None, None, 5, None, None,
     None, None, None],
]


def write_workbook(path: Path, sheets: dict[str, list[list]], subject: str | None = None) -> Path:
    """Write an xlsx with the given sheets (name -> rows) and return its path."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if subject:
        workbook.properties.subject = subject
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def youth_table_rows(year: int = 2013) -> list[list]:
    """A CBS-style youth table: title rows, header, Nederland, gemeenten, footnotes."""
    return [
        [f"Jongeren buiten beeld, 1 oktober {year}, per gemeente"],
        ["Testtabel"],
        [],
        ["Gemeentecode", "Gemeente", "Jongeren 15 tot 27 jaar", "Jongeren buiten beeld", "Waarvan zonder bekende reden"],
        ["NL01", "Nederland", 2489440, 134430, 65910],
        ["GM0518", "'s-Gravenhage", 90000, 6300, 3150],
        ["GM0983", "Venlo", 17000, 850, "x"],
        ["GM0034", "Almere", 36000, "5", "-"],
        [],
        ["Bron: test."],
        ["x = geheim"],
    ]


@pytest.fixture
def interview_file(tmp_path: Path) -> Path:
    """An interview workbook with six rows: four good, two to reject."""
    return write_workbook(tmp_path / "raw" / "interviews" / "kaart.xlsx",
                          {"toelichting": [["test"]], "organisaties": [HEADER, *ROWS]})


@pytest.fixture
def data_dir(tmp_path: Path, interview_file: Path) -> Path:
    """A data folder with the interview workbook and a 2013 youth table."""
    write_workbook(tmp_path / "raw" / "cbs" / "jongeren.xlsx", {"Tabel": youth_table_rows()})
    (tmp_path / "processed").mkdir(exist_ok=True)
    return tmp_path


# --------------------------------------------------------------------------- fast and slow tests

#: Test modules that run notebooks through papermill, render reports, build slides or start a
#: browser: `make test-fast` leaves them out (`-m "not slow"`); `make test` runs everything.
SLOW_MODULES = frozenset({
    "test_attack", "test_batch", "test_cli", "test_engine", "test_evaluatie", "test_notebooks", "test_pdf",
    "test_render", "test_slides", "test_training",
})
#: Single slow tests in otherwise fast modules (a browser, a render, a 2 GiB zip bomb or 100,000 rows).
SLOW_TESTS = frozenset({
    "test_index_renders_and_sorts_in_chromium", "test_an_injected_script_does_not_run",
    "test_a_kaart_of_100_000_rows_reads_within_the_default_limits",
    "test_valideer_refuses_the_bomb_in_seconds_with_little_memory",
    "test_render_scans_the_verantwoording_for_personal_data_like_the_report",
    # test_incremental: each renders the demo reports of three gemeenten
    "test_an_unchanged_second_run_renders_nothing_and_says_so_in_dutch",
    "test_the_fingerprint_holds_hashes_and_settings_not_values", "test_a_changed_interview_file_renders_that_gemeente_only",
    "test_a_deleted_or_damaged_report_file_is_rendered_again", "test_opnieuw_renders_every_report",
    "test_a_changed_scoring_configuration_renders_every_report",
    "test_interview_guide_prints_to_pdf_in_chromium",
})


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        if module is None:  # nbval: a cell of a notebook
            slow = True
        else:
            slow = (module.__name__.rpartition(".")[2] in SLOW_MODULES
                    or getattr(item, "originalname", "") in SLOW_TESTS)
        if slow:
            item.add_marker(pytest.mark.slow)
