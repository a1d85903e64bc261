"""Regenerate the LibreOffice-written test fixtures in ``tests/fixtures/``.

The readers must cope with files exactly as LibreOffice writes them, so these
fixtures are real LibreOffice output, not files written by a Python library:

1. A small synthetic interview workbook is built with openpyxl (sheets
   ``toelichting`` and ``organisaties``; a date cell, a date-time cell, an int,
   the float 1.5, the text 'ca. 40', empty cells, an empty row, the formulas
   ``=2+3`` and ``=1/0``, accents 'Súdwest-Fryslân', a ';' and a line break
   inside text, double quotes inside text).
2. LibreOffice Calc (``soffice --headless --convert-to``, Dutch locale) turns it
   into ``interviews_libreoffice.ods``; that .ods, as a LibreOffice user would
   have it, is then converted to

   - ``interviews_libreoffice.xlsx``: LibreOffice's own xlsx writer;
   - ``interviews_libreoffice_utf8.csv``: sheet ``organisaties``, UTF-8, ';',
     filter options ``59,34,76,1,,0,false,true,true,false,false,2``;
   - ``interviews_libreoffice_cp1252.csv``: the same with character set 1
     (RTL_TEXTENCODING_MS_1252, what the dialog calls "Western Europe
     (Windows-1252/WinLatin 1)"), written by LibreOffice itself, not re-encoded;
   - ``interviews_libreoffice.xls``: the old Excel 97-2003 format, to test that
     it is refused with a helpful message.

3. ``interviews_libreoffice_wachtwoord.ods`` is the .ods saved with the password
   ``geheim`` through the UNO API (``storeToURL`` with a ``Password``), run by a
   Python that has the ``uno`` module (``/usr/bin/python3`` with Debian's
   python3-uno, or set ``LIBREOFFICE_PYTHON``). Skipped with a warning when
   there is none.

Tests read the committed files; they never need LibreOffice.

Usage::

    .venv/bin/python scripts/make_libreoffice_fixtures.py [OUT_DIR]

Needs LibreOffice Calc (Debian: ``apt-get install libreoffice-calc-nogui``).
OUT_DIR defaults to ``tests/fixtures``.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "tests" / "fixtures"
STEM = "interviews_libreoffice"
PASSWORD = "geheim"
MAX_BYTES = 20_000

HEADER = [
    "naam", "gemeente", "wijk", "type", "datum_interview", "jongeren_bereik",
    "jongeren_buiten_beeld", "vertrouwensband", "toestemming_publicatie",
]
ROWS = [
    ["Boksschool De Vuist", "Súdwest-Fryslân", "Sneek; Bolsward", "interesse/hobby",
     dt.date(2024, 3, 5), 40, "ca. 40", 4, "ja"],
    ["Kapsalon Fris", "Den Haag", "Schilderswijk", "commercieel",
     dt.date(2024, 3, 12), 1.5, "=2+3", None, "nee"],
    [],
    ["Moskee Centrum", "Venlo", "Centrum\nBlerick", "cultuur/religie",
     dt.datetime(2024, 4, 2, 14, 30), 120, 8, "=1/0", "ja"],
    ['Stichting "Samen Sterk"', "Leeuwarden", None, "sociale onderneming",
     "5 maart 2024", "30-50", "onbekend", 3, None],
]
INSTRUCTIONS = [
    ["Synthetische testwerkmap: geen echte organisaties."],
    ["Vul per organisatie één rij in op het blad 'organisaties'."],
]

# Field separator ';' (59), text delimiter '"' (34), character set, first line 1,
# (import-only tokens), quote all text false, detect special numbers true,
# save cell contents as shown true, export formulas false, remove spaces false,
# sheet 2 ('organisaties').
CSV_FILTER = "Text - txt - csv (StarCalc):59,34,{charset},1,,0,false,true,true,false,false,2"
CHARSETS = {"utf8": "76", "cp1252": "1"}  # 76 = UTF-8, 1 = Windows-1252

UNO_HELPER = r'''
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

soffice, profile, source, target, password = sys.argv[1:6]

def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item

pipe = "buitenbeeld_fixtures"
office = subprocess.Popen([soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore",
                           "--accept=pipe,name=%s;urp;" % pipe],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(150):
        try:
            context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.2)
    else:
        sys.exit("cannot connect to LibreOffice")
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    document = None
    for _ in range(20):
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
        if document is not None:
            break
        time.sleep(0.5)
    document.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "calc8"), prop("Password", password)))
    document.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge goes away while terminating
    office.wait(timeout=30)
finally:
    if office.poll() is None:
        office.kill()
'''


def build_source(path: Path) -> Path:
    """Write the synthetic interview workbook with openpyxl."""
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "toelichting"
    for row in INSTRUCTIONS:
        instructions.append(row)
    sheet = workbook.create_sheet("organisaties")
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for cell in sheet["E"]:  # show dates the Dutch way, also in the CSV export
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "d-m-yyyy hh:mm" if cell.value.time() != dt.time(0) else "d-m-yyyy"
        elif isinstance(cell.value, dt.date):
            cell.number_format = "d-m-yyyy"
    workbook.save(path)
    return path


def soffice_binary() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("LibreOffice is not installed: apt-get install libreoffice-calc-nogui")


def convert(soffice: str, profile: str, source: Path, target_format: str, outdir: Path) -> None:
    """Run ``soffice --convert-to`` in a throwaway profile with a Dutch locale."""
    env = dict(os.environ, LANG="nl_NL.UTF-8", LC_ALL="nl_NL.UTF-8", LANGUAGE="nl")
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", target_format, "--outdir", str(outdir), str(source)],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)


def save_with_password(soffice: str, profile: str, source: Path, target: Path) -> bool:
    """Save ``source`` as a password-protected .ods through UNO; False when there is no UNO Python."""
    python = os.environ.get("LIBREOFFICE_PYTHON", "/usr/bin/python3")
    check = subprocess.run([python, "-c", "import uno"], capture_output=True)
    if check.returncode != 0:
        print(f"warning: {python} has no 'uno' module; {target.name} not regenerated", file=sys.stderr)
        return False
    subprocess.run([python, "-c", UNO_HELPER, soffice, profile, str(source), str(target), PASSWORD],
                   check=True, timeout=300)
    return True


def main(out_dir: Path = TARGET) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    soffice = soffice_binary()
    with tempfile.TemporaryDirectory(prefix="buitenbeeld-lo-") as temp:
        work = Path(temp)
        profile = (work / "profile").as_uri()
        source = build_source(work / "source.xlsx")
        convert(soffice, profile, source, "ods", work)
        ods = work / f"{STEM}.ods"
        (work / "source.ods").rename(ods)
        outputs = [ods]

        xlsx_dir = work / "xlsx"
        convert(soffice, profile, ods, "xlsx", xlsx_dir)
        outputs.append(xlsx_dir / f"{STEM}.xlsx")

        xls_dir = work / "xls"
        convert(soffice, profile, ods, "xls", xls_dir)
        outputs.append(xls_dir / f"{STEM}.xls")

        for label, charset in CHARSETS.items():
            csv_dir = work / f"csv_{label}"
            convert(soffice, profile, ods, "csv:" + CSV_FILTER.format(charset=charset), csv_dir)
            written = next(csv_dir.glob("*.csv"))  # LibreOffice names it <stem>-organisaties.csv
            outputs.append(written.rename(csv_dir / f"{STEM}_{label}.csv"))

        protected = work / f"{STEM}_wachtwoord.ods"
        if save_with_password(soffice, profile, ods, protected):
            outputs.append(protected)

        utf8 = (work / "csv_utf8" / f"{STEM}_utf8.csv").read_bytes()
        cp1252 = (work / "csv_cp1252" / f"{STEM}_cp1252.csv").read_bytes()
        if utf8.decode("utf-8") != cp1252.decode("cp1252") or utf8 == cp1252:
            sys.exit("the cp1252 CSV does not hold the same text as the UTF-8 CSV in another encoding")

        for output in outputs:
            size = output.stat().st_size
            if size > MAX_BYTES:
                sys.exit(f"{output.name} is {size} bytes; fixtures must stay under {MAX_BYTES}")
            shutil.copyfile(output, out_dir / output.name)
            print(f"{out_dir / output.name} ({size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
