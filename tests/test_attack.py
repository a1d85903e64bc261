"""Attack tests: input written by an attacker reaches every output, and none of it acts.

An interview workbook whose every text column (and its file name) carries
script, event handlers, ``javascript:`` links, HTML comments and spreadsheet
formulas is rendered into a report; the HTML must hold none of it as markup,
the CSV files none of it as a live formula, the validation report none of it as
Markdown, and a browser must run nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import write_workbook, youth_table_rows

from buitenbeeld.common.files import FORMULA_PREFIXES
from buitenbeeld.ingest.pipeline import REJECTS_CSV, VALIDATION_REPORT, build_processed
from buitenbeeld.publish.render import RenderOptions, render_report
from buitenbeeld.reference.gemeenten import resolve_gemeente

PAYLOADS = [
    "<script>document.body.setAttribute('data-aanval', 'script')</script>",
    "<img src=x onerror=\"document.body.setAttribute('data-aanval', 'img')\">",
    "[klik](javascript:document.body.setAttribute('data-aanval','link'))",
    "<a href=\"javascript:alert(1)\">klik hier</a>",
    "<!-- verborgen commentaar -->",
    "<svg onload=\"document.body.setAttribute('data-aanval', 'svg')\"></svg>",
    "<style>body { display: none }</style>",
    "<iframe src=\"https://aanval.example\"></iframe>",
]
FORMULAS = ["=HYPERLINK(\"https://aanval.example\",\"klik\")", "=cmd|' /C calc'!A0", "+31 6 hack", "-2+3", "@SUM(1;2)"]

HEADER = ["organisatie_id", "naam", "gemeente", "wijk", "type", "datum_interview", "jongeren_bereik",
          "jongeren_buiten_beeld", "rollen_nu", "rollen_bereid", "rollen_gemeente", "behoeften", "risicos",
          "opmerkingen", "toestemming_publicatie", "inschatting_gemeente_buiten_beeld"]


def _rows() -> list[list]:
    rows = []
    for index, payload in enumerate(PAYLOADS + FORMULAS):
        rows.append([f"{payload} {index}", f"{payload} {index}", "Den Haag", f"{payload} wijk", "hobby",
                     dt.datetime(2024, 3, 5), 40 + index, 10 + index, "bereiken", "bereiken; activeren",
                     "plaatsen; behouden", payload, payload, payload, "ja", 30])
    rows.append([PAYLOADS[0], PAYLOADS[1], "Den Haag", PAYLOADS[2], "onzin-type", None, "veel", None, None, None, None,
                 None, None, None, None, None])  # rejected and warned about: its values reach the rejects
    return rows


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("aanval") / "data"
    name = "kaart <img src=x onerror=alert(9)> =1+1.xlsx"
    write_workbook(data / "raw" / name, {"organisaties": [HEADER, *_rows()]})
    write_workbook(data / "raw" / "cbs.xlsx", {"Tabel": youth_table_rows()})
    return data


@pytest.fixture(scope="module")
def report(attacked, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rapporten")
    return render_report(resolve_gemeente("Den Haag"), attacked, out,
                         options=RenderOptions(pdf=False, engine=None, gegenereerd_op="2026-12-01T12:00:00"))


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.text.append(data)


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    return parser


def _assert_inert(html: str) -> None:
    markup = _markup(html)
    tags = [tag for tag, _ in markup.tags]
    assert "script" not in tags and "iframe" not in tags and "img" not in tags
    body = html.split("</head>")[-1]
    pandas_css = ("<style scoped>", "<style scoped=\"\">")  # pandas' own table CSS is the only style in the body
    assert all(tag in pandas_css for tag in re.findall(r"<style[^>]*>", body))
    assert "<style>body" not in html
    for tag, attrs in markup.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not value.strip().lower().startswith("javascript:"), (tag, name)
            assert "aanval" not in value or name in ("title", "alt", "aria-label"), (tag, name)
    assert not any("verborgen" in c for c in markup.comments)
    assert "svg" not in tags or all("onload" not in attrs for _, attrs in markup.tags)


def test_the_report_shows_every_payload_as_text_and_none_as_markup(report):
    html = report.read_text(encoding="utf-8")
    _assert_inert(html)
    text = " ".join(_markup(html).text)
    assert "<script>document.body.setAttribute" in text  # shown to the reader as what it is
    assert "[klik](javascript:" in text and "<!-- verborgen commentaar -->" in text


def test_the_report_forbids_every_script_by_its_policy(report):
    html = report.read_text(encoding="utf-8")
    metas = [attrs for tag, attrs in _markup(html).tags if tag == "meta" and attrs.get("http-equiv")]
    assert [m["http-equiv"] for m in metas] == ["Content-Security-Policy"]
    policy = metas[0]["content"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "'unsafe-inline'" not in policy.split(
        "style-src")[0]
    assert html.index("Content-Security-Policy") < html.index("<style")


def test_no_csv_written_holds_a_live_formula(report, attacked):
    files = [*sorted((report.parent / "tabellen").glob("*.csv")), attacked / "processed" / REJECTS_CSV]
    assert len(files) >= 5
    checked = 0
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for cell in row:
                    if cell.startswith(FORMULA_PREFIXES):
                        assert re.fullmatch(r"-\d+(,\d+)?(e[+-]?\d+)?", cell), (path.name, cell)  # a negative number
                    checked += cell.startswith("'")
    assert checked >= len(FORMULAS)  # the formulas are there, neutralised


def test_the_validation_report_renders_no_markup(attacked):
    build_processed(attacked)
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    markdown = (attacked / "processed" / VALIDATION_REPORT).read_text(encoding="utf-8")
    _assert_inert(markdown2html_mistune(markdown))
    assert "<script" not in markdown and "](javascript" not in markdown


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium on this machine")
def test_a_browser_runs_nothing_in_the_report(report, tmp_path):
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profiel'}", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "Organisaties vergeleken" in dom
    assert not re.search(r"<body[^>]*data-aanval", dom)
    assert "<iframe" not in dom and "<script" not in dom


def test_the_verantwoording_shows_every_payload_as_text_under_the_same_policy(report):
    page = (report.parent / "verantwoording.html").read_text(encoding="utf-8")
    _assert_inert(page)
    metas = [attrs for tag, attrs in _markup(page).tags if tag == "meta" and attrs.get("http-equiv")]
    assert [m["http-equiv"] for m in metas] == ["Content-Security-Policy"] and "script-src" not in metas[0]["content"]
    assert "<img src=x onerror=alert(9)>" in " ".join(_markup(page).text)  # the file name, shown as what it is


def test_no_sheet_of_the_workbook_holds_a_live_formula(report):
    from openpyxl import load_workbook

    book = load_workbook(report.parent / "tabellen.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_PREFIXES) and t != "-"]
    assert sum(t.startswith("'") for t in texts) >= len(FORMULAS)  # the formulas are there, neutralised
    assert any("<script>" in t for t in texts)  # and the wishes of the organisations, as text
