"""Read the cells of a spreadsheet, whatever the file type.

The lowest layer of reading input: it opens an xlsx/xlsm (from Excel or
LibreOffice), an ods or a CSV export and returns the cells of one sheet as the
user sees them, one tuple per spreadsheet row. It does not interpret values;
that is :mod:`buitenbeeld.common.values`' job.

This module is the way in: :func:`list_sheets`, :func:`read_rows` and
:func:`read_sheet` check the file (:func:`~buitenbeeld.common.limits.check_limits`
and, for a workbook, :func:`~buitenbeeld.common.workbooks.check_workbook`) and
hand it to an engine. The work is done below it:

* :mod:`buitenbeeld.common.limits`: size limits, before any reader opens a file;
* :mod:`buitenbeeld.common.sheets`: what a reader hands back
  (:class:`~buitenbeeld.common.sheets.Sheet`,
  :class:`~buitenbeeld.common.sheets.CellNote`) and how cells are normalised;
* :mod:`buitenbeeld.common.workbooks`: xlsx, xlsm and ods with calamine or
  openpyxl (the differences between the engines are listed there);
* :mod:`buitenbeeld.common.csvfile`: CSV exports, their encoding, delimiter and
  decimal mark.
"""
from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from buitenbeeld.common.csvfile import read_csv_sheet
from buitenbeeld.common.limits import SAVE_AS_XLSX, check_limits, input_problem
from buitenbeeld.common.sheets import Sheet
from buitenbeeld.common.vocabulary import SYNTHETIC_SUBJECT
from buitenbeeld.common.workbooks import check_workbook, open_calamine, read_calamine, read_openpyxl
from buitenbeeld.errors import BuitenbeeldError

__all__ = [
    "is_synthetic",
    "ENGINES",
    "SUPPORTED_SUFFIXES",
    "list_sheets",
    "read_rows",
    "read_sheet",
]

#: Engines for xlsx/xlsm; ods is always read with calamine, csv with the csv module.
ENGINES = ("calamine", "openpyxl")
#: File types :func:`read_rows` reads (compared case-insensitively).
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")


def list_sheets(path: Path) -> list[str]:
    """Return the sheet names of a workbook, in workbook order.

    Parameters
    ----------
    path : Path
        An ``.xlsx``, ``.xlsm``, ``.ods`` or ``.csv`` file.

    Returns
    -------
    list of str
        The sheet names; for a CSV file the one "sheet" is the file itself,
        ``[path.stem]``.

    Raises
    ------
    InputError
        When the file cannot be opened (see :func:`read_rows`).
    """
    path = Path(path)
    suffix = _check_file(path)
    if suffix == ".csv":
        return [path.stem]
    workbook = open_calamine(path)
    try:
        return list(workbook.sheet_names)
    finally:
        workbook.close()


def read_rows(path: Path, sheet: str | None = None, engine: str = "calamine") -> list[tuple]:
    """Read every row of one sheet, as the user sees it.

    Parameters
    ----------
    path : Path
        An ``.xlsx``, ``.xlsm``, ``.ods`` or ``.csv`` file.
    sheet : str, optional
        The exact sheet name; the first sheet when ``None``. For a CSV file the
        only sheet is ``path.stem``.
    engine : {"calamine", "openpyxl"}
        How to read xlsx/xlsm. ``"calamine"`` (fast, Rust) also reads ods;
        ``"openpyxl"`` reads xlsx/xlsm only. Ignored for CSV.

    Returns
    -------
    list of tuple
        ``rows[i]`` is spreadsheet row ``i + 1``: empty rows at the top and in
        the middle are kept as all-``None`` tuples, trailing empty rows are
        dropped. Every tuple has the same width (up to the last column with a
        value). Cells: empty -> ``None``; text -> ``str`` as typed (not
        stripped); whole numbers -> ``int``; other numbers -> ``float``;
        booleans -> ``bool``; dates -> ``datetime.date`` at 00:00, else
        ``datetime.datetime``; times -> ``datetime.time``; durations ->
        ``datetime.timedelta``; formulas -> their cached value (``None`` when
        the file has none); error cells -> the error text (``"#DIV/0!"``).
        CSV cells are always ``str`` (or ``None``), never converted.

    Raises
    ------
    ValueError
        For an unknown engine, or ``engine="openpyxl"`` with an ods file.
    InputError
        When the file cannot be opened (missing, damaged, not a spreadsheet,
        password protected, an old .xls) or has no sheet ``sheet`` (the reason
        lists the sheets).
    """
    return read_sheet(path, sheet, engine).rows


def read_sheet(path: Path, sheet: str | None = None, engine: str = "calamine") -> Sheet:
    """Like :func:`read_rows`, with the sheet's name and notes on the cells left empty.

    A cell longer than ``LIMITS.max_cell_chars`` characters and an xlsx formula
    without a cached value are ``None`` in the rows, each with a
    :class:`CellNote`; so is a CSV row that uses another delimiter than the rest
    of the file (a note for the whole row, its cells as read). Parameters and
    errors as :func:`read_rows`; ``name`` is the sheet read (``None`` for CSV, and
    for a workbook without sheets).
    """
    path = Path(path)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    suffix = _check_file(path)
    if suffix == ".csv":
        return read_csv_sheet(path, sheet)
    if suffix == ".ods" and engine == "openpyxl":
        raise ValueError("engine 'openpyxl' cannot read .ods files; use engine='calamine'")
    if engine == "openpyxl":
        return read_openpyxl(path, sheet)
    return read_calamine(path, sheet, suffix)


def _check_file(path: Path) -> str:
    """Return the lower-case suffix, or raise :class:`InputError` for a file that cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise input_problem(path, "dit is een oud Excel-bestand (Excel 97-2003, .xls); dat kan de werkbank niet "
                                  "lezen", SAVE_AS_XLSX)
    if suffix not in SUPPORTED_SUFFIXES:
        raise input_problem(path, f"de werkbank leest geen bestanden van het type '{path.suffix or '(geen)'}'",
                            "Gebruik een bestand van het type .xlsx, .xlsm, .ods of .csv")
    if not path.is_file():
        raise input_problem(path, "het bestand is niet gevonden" if not path.exists()
                            else "dit is geen bestand (maar bijvoorbeeld een map)",
                            f"Controleer de map en de naam: {path}")
    check_limits(path)
    if suffix != ".csv":
        check_workbook(path, suffix)
    return suffix


#: More of the document properties than this is not read (they are a few hundred bytes).
_CORE_PROPERTIES_BYTES = 64 * 1024


def is_synthetic(path: Path) -> bool:
    """True when the workbook carries the demo data's synthetic marker (xlsx only)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    # the document properties are one small XML part; opening the workbook would
    # parse every sheet's dimensions, which takes seconds on a large kaart
    try:
        check_limits(path)
        with zipfile.ZipFile(path) as archive, archive.open("docProps/core.xml") as part:
            core = part.read(_CORE_PROPERTIES_BYTES).decode("utf-8", errors="replace")
    except (KeyError, OSError, zipfile.BadZipFile, BuitenbeeldError):
        return False
    match = re.search(r"<dc:subject>(.*?)</dc:subject>", core, flags=re.S)
    return bool(match) and html.unescape(match.group(1)).strip() == SYNTHETIC_SUBJECT
