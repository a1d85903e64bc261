"""PDF of a report through a headless Chromium; a clear error without one."""
from __future__ import annotations

import base64
import io
import re
import shutil
import stat
import subprocess
import time
import warnings
from pathlib import Path

import pytest

from buitenbeeld import settings
from buitenbeeld.errors import BuitenbeeldError, ChromiumMissingError
from buitenbeeld.publish import pdf
from buitenbeeld.publish.pdf import MARGIN_BOXES_SINCE, find_chromium, html_to_pdf, printed_by

HAS_CHROMIUM = find_chromium() is not None
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="no headless Chromium on this machine")
REAL_REPORT = Path(__file__).resolve().parents[1] / "reports" / "GM0518-s-gravenhage" / "rapport.html"

DUTCH = "Jongeren buiten beeld in Súdwest-Fryslân: 134.430 jongeren, 5,4% van alle jongeren"


def _png() -> str:
    from PIL import Image

    image = Image.new("RGB", (120, 60), (31, 95, 153))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "rapport.html"
    path.write_text(
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Testrapport</title></head>'
        f"<body><h1>Sociale kaart</h1><p>{DUTCH}</p>"
        f'<img alt="figuur" src="data:image/png;base64,{_png()}">'
        "<p>Rollen: bereiken, activeren, plaatsen en behouden.</p></body></html>",
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def _no_configured_chromium(monkeypatch):
    """Tests start from PATH lookup, whatever the shell running them has set."""
    monkeypatch.delenv(settings.CHROMIUM_ENV, raising=False)


def test_find_chromium_env_wins(monkeypatch, tmp_path: Path):
    fake = tmp_path / "mijn-chromium"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(fake))
    assert find_chromium() == str(fake)
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(tmp_path / "bestaat-niet"))
    assert find_chromium() is None  # a wrong setting is not silently replaced by another Chromium


def test_find_chromium_on_path(monkeypatch, tmp_path: Path):
    for name in ("google-chrome", "chromium-browser"):
        fake = tmp_path / name
        fake.write_text("#!/bin/sh\nexit 0\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(tmp_path / "chromium-browser")
    monkeypatch.setenv("PATH", str(tmp_path / "leeg"))
    assert find_chromium() is None


def test_command_has_offline_flags(tmp_path: Path):
    command = pdf.chromium_command("chromium", tmp_path / "a b.html", tmp_path / "uit.pdf", tmp_path / "profiel")
    for flag in ("--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                 f"--user-data-dir={tmp_path / 'profiel'}",
                 f"--print-to-pdf={tmp_path / 'uit.pdf'}"):
        assert flag in command
    assert command[-1] == (tmp_path / "a b.html").as_uri()


def test_missing_chromium(monkeypatch, page: Path, tmp_path: Path):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(ChromiumMissingError, match="apt-get install chromium") as caught:
        html_to_pdf(page, tmp_path / "uit.pdf")
    assert isinstance(caught.value, BuitenbeeldError)
    assert "BUITENBEELD_CHROMIUM" in str(caught.value) and "HTML" in str(caught.value)
    assert not (tmp_path / "uit.pdf").exists()


def test_missing_chromium_from_env(monkeypatch, page: Path, tmp_path: Path):
    monkeypatch.setenv(settings.CHROMIUM_ENV, "/bestaat/niet/chromium")
    with pytest.raises(ChromiumMissingError, match="apt-get install chromium") as caught:
        html_to_pdf(page, tmp_path / "uit.pdf")
    assert "/bestaat/niet/chromium" in str(caught.value)


def test_missing_html(tmp_path: Path):
    with pytest.raises(BuitenbeeldError, match="does not exist"):
        html_to_pdf(tmp_path / "geen.html", tmp_path / "uit.pdf")


@pytest.mark.skipif(not Path("/bin/false").exists(), reason="no /bin/false")
def test_failing_chromium(monkeypatch, page: Path, tmp_path: Path):
    target = tmp_path / "uit.pdf"
    target.write_bytes(b"%PDF-1.4 oud")
    monkeypatch.setenv(settings.CHROMIUM_ENV, "/bin/false")
    with pytest.raises(BuitenbeeldError, match="failed with exit code 1") as caught:
        html_to_pdf(page, target)
    assert not isinstance(caught.value, ChromiumMissingError)
    assert target.read_bytes() == b"%PDF-1.4 oud"  # the old PDF stays
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "nep-chromium"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return script


def test_chromium_stderr_in_message(monkeypatch, page: Path, tmp_path: Path):
    script = _script(tmp_path, 'echo "[1:2:ERROR:dbus/bus.cc] Failed to connect to the bus" >&2\n'
                               'echo "ERROR: kan pagina niet laden" >&2\nexit 3\n')
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(script))
    with pytest.raises(BuitenbeeldError, match="kan pagina niet laden") as caught:
        html_to_pdf(page, tmp_path / "uit.pdf")
    assert "dbus" not in str(caught.value)


def test_not_a_pdf(monkeypatch, page: Path, tmp_path: Path):
    # writes text to the --print-to-pdf file and exits 0
    script = _script(tmp_path, 'for a in "$@"; do case "$a" in --print-to-pdf=*) echo kapot > "${a#--print-to-pdf=}";; '
                               "esac; done\nexit 0\n")
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(script))
    with pytest.raises(BuitenbeeldError, match="wrote no PDF"):
        html_to_pdf(page, tmp_path / "uit.pdf")
    assert not (tmp_path / "uit.pdf").exists()


def test_timeout(monkeypatch, page: Path, tmp_path: Path):
    script = _script(tmp_path, 'echo "bezig" >&2\nsleep 30 &\nwait\n')
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(script))
    started = time.monotonic()
    with pytest.raises(BuitenbeeldError, match="did not finish .* within 0.5 s"):
        html_to_pdf(page, tmp_path / "uit.pdf", timeout=0.5)
    assert time.monotonic() - started < 10  # the sleeping child was killed with its parent


def test_printed_by_reads_chromium_major_version_from_the_creator():
    assert printed_by(b"%PDF-1.4\n<< /Creator (Mozilla/5.0 \\(X11; Linux x86_64\\) AppleWebKit/537.36 \\(KHTML, "
                      b"like Gecko\\) HeadlessChrome/150.0.0.0 Safari/537.36) /Producer (Skia/PDF m150) >>") == 150
    assert printed_by(b"%PDF-1.4\n<< /Producer (iets anders) >> Chrome/99.0 in de tekst") is None


def _fake_printer(tmp_path: Path, creator: str) -> Path:
    """A 'Chromium' that writes a tiny PDF naming ``creator`` to its --print-to-pdf file."""
    return _script(tmp_path, 'for a in "$@"; do case "$a" in --print-to-pdf=*) '
                             f"printf '%%PDF-1.4\\n<< /Creator ({creator}) >>\\n%%%%EOF\\n' > \"${{a#--print-to-pdf=}}\";; "
                             "esac; done\nexit 0\n")


def test_old_chromium_prints_with_a_warning_about_page_numbers(monkeypatch, page: Path, tmp_path: Path):
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(_fake_printer(tmp_path, "HeadlessChrome/120.0.6099.71")))
    with pytest.warns(UserWarning, match=f"without page numbers.*Chromium {MARGIN_BOXES_SINCE} or newer"):
        target = html_to_pdf(page, tmp_path / "uit.pdf")
    assert target.read_bytes().startswith(b"%PDF-1.4")  # printed all the same


def test_current_chromium_prints_without_a_warning(monkeypatch, page: Path, tmp_path: Path):
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(_fake_printer(tmp_path, f"HeadlessChrome/{MARGIN_BOXES_SINCE}.0.1.2")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html_to_pdf(page, tmp_path / "uit.pdf")


@needs_chromium
def test_css_page_size_and_margin_boxes_reach_the_pdf(tmp_path: Path):
    """What the reports rely on: Chromium prints on the CSS page size, with the margin boxes' page counters."""
    html = tmp_path / "a4.html"
    html.write_text(
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>A4</title><style>'
        '@page { size: A4; margin: 16mm 15mm; @bottom-right { content: "pagina " counter(page) " van " '
        'counter(pages); } @top-center { content: "SYNTHETISCHE DEMONSTRATIEGEGEVENS"; } }'
        "</style></head><body>" + "<p>Regel tekst.</p>" * 150 + "</body></html>", encoding="utf-8")
    target = html_to_pdf(html, tmp_path / "a4.pdf")
    data = target.read_bytes()
    if (printed_by(data) or MARGIN_BOXES_SINCE) < MARGIN_BOXES_SINCE:
        pytest.skip(f"Chromium {printed_by(data)} prints no CSS page-margin boxes")
    sizes = {(round(float(w)), round(float(h))) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)}
    assert sizes == {(595, 842)}  # A4, not Chromium's default US Letter (612 x 792)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: the margin texts were not checked")
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert f"pagina {number} van {len(pages)}" in text and "SYNTHETISCHE DEMONSTRATIEGEGEVENS" in text
        assert "file:" not in text and str(tmp_path) not in text  # no URL or local path from Chromium's own footer


@needs_chromium
def test_html_to_pdf(page: Path, tmp_path: Path):
    target = tmp_path / "nieuw" / "rapport.pdf"
    started = time.perf_counter()
    assert html_to_pdf(page, target) == target
    elapsed = time.perf_counter() - started
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 1024
    assert b"/Image" in data  # the embedded PNG came along
    assert [p.name for p in target.parent.iterdir()] == ["rapport.pdf"]
    print(f"small page to PDF in {elapsed:.2f} s")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: the PDF's text was not checked")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Súdwest-Fryslân" in text and "134.430" in text and "5,4%" in text


@needs_chromium
@pytest.mark.skipif(not REAL_REPORT.is_file(), reason="no rendered report of 's-Gravenhage")
def test_real_report_to_pdf(tmp_path: Path):
    started = time.perf_counter()
    target = html_to_pdf(REAL_REPORT, tmp_path / "rapport.pdf", timeout=120)
    elapsed = time.perf_counter() - started
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 50_000
    print(f"{REAL_REPORT.stat().st_size / 1e6:.1f} MB report to a {len(data) / 1e6:.1f} MB PDF in {elapsed:.2f} s")
