"""Read the cells of a spreadsheet, whatever the file type.

The lowest layer of reading input: it opens an xlsx/xlsm (from Excel or
LibreOffice), an ods or a CSV export and returns the cells of one sheet as the
user sees them, one tuple per spreadsheet row. It does not interpret values;
that is :mod:`buitenbeeld.common.values`' job.

The engines differ in what they hand back, so cells are normalised here:

======================  ==============================  ===========================
cell                    calamine (xlsx, xlsm, ods)      openpyxl (xlsx, xlsm)
======================  ==============================  ===========================
number ``40``           ``40.0``                        ``40``
date ``5-3-2024``       ``date(2024, 3, 5)``            ``datetime(2024, 3, 5, 0, 0)``
empty                   ``""``                          ``None``
error ``#DIV/0!``       ``""`` (lost)                   ``"#DIV/0!"``
leading empty rows      only with ``skip_empty_area``   yes
======================  ==============================  ===========================

After normalisation both engines give the same rows: empty -> ``None``, whole
numbers -> ``int``, dates at midnight -> ``datetime.date``, error cells -> their
text (for calamine recovered from the file's XML, see
:func:`_xlsx_error_cells` and :func:`_ods_error_cells`).

Differences that stay, because they are in the file rather than the engine:
LibreOffice turns an xlsx boolean it imports into the formula ``=TRUE()``, which
its ods stores as the number 1 (a boolean typed in LibreOffice stays a boolean);
openpyxl writes whitespace-only text without ``xml:space="preserve"``, which
calamine then reads as empty (Excel and LibreOffice write the attribute).

CSV cells are returned as text, never converted: ``'1,5'`` stays ``'1,5'``;
:func:`sniff_csv` says which encoding, delimiter and decimal mark the file uses.

Every file passes :func:`check_limits` before an engine opens it: its size on
disk and, for the zip containers xlsx/xlsm/ods, the sizes its central directory
declares (no byte is decompressed for that), against
:data:`~buitenbeeld.settings.LIMITS`. A small file that unpacks to gigabytes is
refused as unusable; both engines stop at a member's declared size, so a
declaration cannot be used to slip past.

Some cells cannot be handed over as a value. They are ``None`` in the rows and
each gets a :class:`CellNote` (:func:`read_sheet`), which the interview and
pilot checks turn into a row problem: a cell longer than
``LIMITS.max_cell_chars``, an xlsx formula without a cached value (a file written
by a program, never opened in Excel or LibreOffice: calamine gives ``""`` and
openpyxl ``None``, just like an empty cell), and a CSV row written with another
delimiter than the rest of the file (its cells are kept as read; the note is
for the whole row).
"""
from __future__ import annotations

import csv
import html
import datetime as dt
import io
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import unescape

from buitenbeeld import settings
from buitenbeeld.common.vocabulary import SYNTHETIC_SUBJECT
from buitenbeeld.errors import BuitenbeeldError, InputError, RowProblem
from buitenbeeld.common.formatting import format_letters

__all__ = [
    "is_synthetic",
    "ENGINES",
    "SUPPORTED_SUFFIXES",
    "CsvDialect",
    "CellNote",
    "Sheet",
    "check_limits",
    "list_sheets",
    "read_rows",
    "read_sheet",
    "notes_by_row",
    "with_notes",
    "sniff_csv",
]

#: Engines for xlsx/xlsm; ods is always read with calamine, csv with the csv module.
ENGINES = ("calamine", "openpyxl")
#: File types :func:`read_rows` reads (compared case-insensitively).
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")

_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: The file types that are zip containers, checked member by member before reading.
_ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
_SAVE_AS_XLSX = "Open it in Excel or LibreOffice and save it as .xlsx (Excel-werkmap)"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted xlsx is an OLE2 container with an "EncryptionInfo" stream (UTF-16 name).
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# Floats beyond 2**53 are not exact integers any more; keep them as floats.
_MAX_EXACT_INT = 2**53
_MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written.

    Attributes
    ----------
    encoding : str
        ``"utf-8-sig"`` (UTF-8 with byte order mark, Excel's "CSV UTF-8"),
        ``"utf-8"``, ``"utf-16"`` (with a byte order mark) or ``"cp1252"``
        (Excel's "CSV (gescheiden door lijstscheidingsteken)" on Dutch Windows).
    delimiter : str
        ``";"``, ``","`` or ``"\\t"``.
    decimal : str
        ``","`` or ``"."``: the decimal mark of number-like fields.
    """

    encoding: str
    delimiter: str
    decimal: str


@dataclass(frozen=True)
class CellNote:
    """A cell (or a whole row) whose value the reader could not hand over.

    The cell is ``None`` in the rows (a CSV row with another delimiter keeps
    its cells as read). ``reason`` and ``hint`` are Dutch and never repeat the
    cell's value: it may be personal.

    Attributes
    ----------
    row : int
        The spreadsheet row, 1 = the first row.
    column : int or None
        The 0-based column; ``None`` for a problem with the whole row.
    reason, hint : str
        What is wrong and what to do.
    kind : str
        ``"te_lang"`` (longer than ``LIMITS.max_cell_chars``), ``"formule"``
        (a formula without a cached value) or ``"scheidingsteken"`` (a CSV row
        with another delimiter).
    """

    row: int
    column: int | None
    reason: str
    hint: str
    kind: str

    def problem(self, file: str, sheet: str | None, column: str | None, severity: str = "warning") -> RowProblem:
        """The note as a :class:`RowProblem` of ``file``/``sheet``; ``column`` is the name the user knows."""
        return RowProblem(file, sheet, self.row, column, None, self.reason, self.hint, severity)


@dataclass(frozen=True)
class Sheet:
    """The rows of one sheet (see :func:`read_rows`) and the notes on cells the reader left empty."""

    name: str | None
    rows: list[tuple]
    notes: list[CellNote]


# --------------------------------------------------------------------------- public API


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
    workbook = _open_calamine(path)
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
        return _read_csv(path, sheet)
    if suffix == ".ods" and engine == "openpyxl":
        raise ValueError("engine 'openpyxl' cannot read .ods files; use engine='calamine'")
    if engine == "openpyxl":
        return _read_openpyxl(path, sheet)
    return _read_calamine(path, sheet, suffix)


def notes_by_row(notes: Iterable[CellNote], columns: dict[int, str]) -> dict[int, dict[str | None, CellNote]]:
    """The notes a table check needs: ``{row: {column name: note}}``, ``None`` as name for a whole row.

    ``columns`` maps the positions of the columns the check reads to their
    names; a note on another column (one the check ignores) is left out.
    """
    noted: dict[int, dict[str | None, CellNote]] = {}
    for note in notes:
        name = None if note.column is None else columns.get(note.column)
        if note.column is None or name is not None:
            noted.setdefault(note.row, {}).setdefault(name, note)
    return noted


def with_notes(problems: list[RowProblem], notes: dict[str | None, CellNote] | None, file: str,
               sheet: str | None, required: Iterable[str] = ()) -> list[RowProblem]:
    """A row's problems, where each cell the reader left empty says why (from :func:`notes_by_row`).

    The note replaces what the check said about the cell, which it saw empty:
    in a ``required`` column an error (the row is rejected), otherwise a
    warning (the value is unknown).
    """
    if not notes:
        return problems
    required = set(required)
    kept = [p for p in problems if p.column not in notes]
    return kept + [note.problem(file, sheet, name, "error" if name in required else "warning")
                   for name, note in notes.items() if name is not None]


def check_limits(path: Path) -> None:
    """Refuse a file that is too big to read safely, before any reader opens it.

    Checks, against :data:`buitenbeeld.settings.LIMITS` (read at each call):
    the size on disk (``max_file_bytes``); for an xlsx, xlsm or ods, which is a
    zip file, also what its central directory declares, without decompressing
    anything: the number of members (``max_members``), the largest member
    (``max_member_bytes``) and all members together (``max_unpacked_bytes``).
    An xlsx/xlsm/ods that is no zip file at all (an old .xls, a CSV, a damaged
    file) is refused too, with what it is instead. Every reader of the
    workbench goes through :func:`read_rows`, :func:`read_sheet` or
    :func:`list_sheets`, which call this first.

    Raises
    ------
    InputError
        With a Dutch reason that names the limit, the size measured and the
        environment variable that raises the limit; the file counts as unusable.
    """
    path = Path(path)
    limits = settings.LIMITS
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _problem(path, f"cannot read the file ({error.strerror or error})",
                       "Check that the file is not open elsewhere and that you may read it") from error
    if size > limits.max_file_bytes:
        raise _limit_problem(path, "max_file_bytes", f"het bestand is te groot: {_megabytes(size)}",
                             _megabytes(limits.max_file_bytes))
    if path.suffix.lower() in _ZIP_SUFFIXES:
        _check_container(path)
        _check_zip_limits(path, size, limits)


def sniff_csv(data: bytes) -> CsvDialect:
    """Detect the encoding, delimiter and decimal mark of CSV bytes.

    Parameters
    ----------
    data : bytes
        The file's content (or its first part, at least a few lines).

    Returns
    -------
    CsvDialect
        ``encoding``: ``"utf-8-sig"`` with a UTF-8 byte order mark,
        ``"utf-16"`` with a UTF-16 byte order mark, ``"utf-8"`` when the bytes
        are valid UTF-8, else ``"cp1252"`` (``"latin-1"`` in the rare case the
        bytes are not valid cp1252 either).

        ``delimiter``: a first line ``sep=X`` (Excel's hint) decides. Otherwise
        each of ``;``, ``\\t`` and ``,`` splits the first records with the csv
        module (so quoted fields are respected); a candidate must give more
        than one field, and the one whose records most often have the same
        field count wins, then the one with more fields, then the order ``;``,
        ``\\t``, ``,`` (Dutch Excel writes ``;``). A single column gives ``;``.

        ``decimal``: ``"."`` for a ``,`` delimiter. For ``;`` and tab: ``","``
        when a number-like field has a comma decimal (``1,5``, ``1.200,50``),
        ``"."`` when a field can only be a point decimal (``1.5``, ``0.250``;
        ``1.200`` is a thousands separator, no evidence), and ``","`` (the
        Dutch default) when there is no evidence either way.
    """
    encoding = _sniff_encoding(data)
    text = data[:_SNIFF_BYTES].decode(encoding, errors="ignore")
    truncated = len(data) > _SNIFF_BYTES
    delimiter, text = _split_sep_line(text)
    if delimiter is None:
        delimiter = _sniff_delimiter(text, truncated)
    return CsvDialect(encoding, delimiter, _sniff_decimal(text, delimiter, truncated))


# --------------------------------------------------------------------------- opening files


def _problem(path: Path, reason: str, hint: str, sheet: str | None = None) -> InputError:
    return InputError(RowProblem(path.name, sheet, None, None, None, reason, hint))


def _check_file(path: Path) -> str:
    """Return the lower-case suffix, or raise :class:`InputError` for a file that cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _problem(path, "old Excel 97-2003 workbooks (.xls) are not supported", _SAVE_AS_XLSX)
    if suffix not in SUPPORTED_SUFFIXES:
        raise _problem(path, f"unsupported file type '{path.suffix or '(none)'}'",
                       "Use an .xlsx, .xlsm, .ods or .csv file")
    if not path.is_file():
        raise _problem(path, "file not found" if not path.exists() else "not a file",
                       f"Check the path: {path}")
    check_limits(path)
    if suffix != ".csv":
        _check_zip(path, suffix)
    return suffix


def _check_container(path: Path) -> None:
    """Raise :class:`InputError` for an xlsx/xlsm/ods that is not a zip file, saying what it is instead."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise _problem(path, f"cannot read the file ({error.strerror or error})",
                       "Check that the file is not open elsewhere and that you may read it") from error
    if not head:
        raise _problem(path, "the file is empty", "Check that the file was saved completely")
    if head.startswith(_OLE2_MAGIC):
        if _is_encrypted_ooxml(path):
            raise _problem(path, "the workbook is password protected",
                           "Save a copy without a password (File > Info > Protect Workbook)")
        raise _problem(path, f"this is an old Excel 97-2003 (.xls) file with a '{path.suffix}' name",
                       _SAVE_AS_XLSX)
    if not head.startswith(_ZIP_MAGIC):
        if b"\x00" not in head:
            raise _problem(path, f"not a spreadsheet: the file is plain text, not a '{path.suffix}' workbook",
                           "If it is a CSV export, rename it to .csv; otherwise save it as .xlsx")
        raise _problem(path, f"not a spreadsheet: the file is not a '{path.suffix}' workbook",
                       "Check that this is the right file, or save it again as .xlsx")


#: The environment variable of each limit, and the unit it is given in.
_LIMIT_VARIABLES = {
    "max_file_bytes": ("BUITENBEELD_MAX_BESTAND_MB", "MB"),
    "max_unpacked_bytes": ("BUITENBEELD_MAX_UITGEPAKT_MB", "MB"),
    "max_member_bytes": ("BUITENBEELD_MAX_ONDERDEEL_MB", "MB"),
    "max_members": ("BUITENBEELD_MAX_ONDERDELEN", ""),
    "max_cell_chars": ("BUITENBEELD_MAX_CEL_TEKENS", ""),
}
#: A central directory entry is 46 bytes and a name; more than this per member on average is no workbook.
_DIRECTORY_BYTES_PER_MEMBER = 4096
_EOCD = struct.Struct("<4sHHHHIIH")
_EOCD_MAGIC = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sIQI")
_ZIP64_EOCD = struct.Struct("<4sQHHIIQQQQ")


def _dutch_number(value: float, decimals: int = 0) -> str:
    """``2048.5`` -> ``2.048,5``: a number as a Dutch reader writes it."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _megabytes(size: int) -> str:
    """A size as a Dutch reader reads it: ``2.048 MB``, ``8,0 MB``, ``5,4 kB``."""
    megabytes = size / 1024 ** 2
    if megabytes < 1:
        return f"{_dutch_number(size / 1024, 1)} kB"
    return f"{_dutch_number(megabytes, 1 if megabytes < 10 else 0)} MB"


def _limit_hint(limit: str) -> str:
    """How to raise ``limit`` (a field of :class:`~buitenbeeld.settings.Limits`): its variable and current value."""
    variable, unit = _LIMIT_VARIABLES[limit]
    current = getattr(settings.LIMITS, limit)
    current = round(current / 1024 ** 2, 3) if unit == "MB" else current
    return (f"Klopt het bestand en is het echt zo groot? Zet dan de grens hoger met de omgevingsvariabele "
            f"{variable} (nu {current:g}{' ' + unit if unit else ''}), bijvoorbeeld {variable}={current * 2:g}")


def _limit_problem(path: Path, limit: str, measured: str, maximum: str) -> InputError:
    """An :class:`InputError` for a file over ``limit``: names the limit, the size measured and its variable."""
    variable, _ = _LIMIT_VARIABLES[limit]
    return _problem(path, f"{measured}; de grens is {maximum} ({variable}). Het bestand is niet gelezen",
                    _limit_hint(limit))


def _zip_directory(path: Path, size: int) -> tuple[int, int] | None:
    """``(members, directory bytes)`` as the end of a zip file declares them; ``None`` when it has no end record.

    Reads at most the last 64 KiB (and the zip64 record when there is one), so
    a directory of millions of entries is counted before it is parsed.
    """
    with path.open("rb") as handle:
        tail_size = min(size, _EOCD.size + 65535)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
        at = tail.rfind(_EOCD_MAGIC)
        if at < 0 or len(tail) - at < _EOCD.size:
            return None
        _, _, _, _, members, directory, offset, _ = _EOCD.unpack_from(tail, at)
        if members != 0xFFFF and directory != 0xFFFFFFFF and offset != 0xFFFFFFFF:
            return members, directory
        locator_at = size - tail_size + at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            return None
        handle.seek(locator_at)
        magic, _, record_at, _ = _ZIP64_LOCATOR.unpack(handle.read(_ZIP64_LOCATOR.size))
        if magic != b"PK\x06\x07" or record_at + _ZIP64_EOCD.size > size:
            return None
        handle.seek(record_at)
        record = _ZIP64_EOCD.unpack(handle.read(_ZIP64_EOCD.size))
        if record[0] != b"PK\x06\x06":
            return None
        return record[7], record[8]


def _check_zip_limits(path: Path, size: int, limits: settings.Limits) -> None:
    """Raise :class:`InputError` for a zip whose directory declares too many or too big members."""
    damaged = ("the file is damaged (no zip directory at its end; was it copied or saved completely?)",
               "Open it in Excel or LibreOffice and save it again")
    try:
        declared = _zip_directory(path, size)
    except (OSError, struct.error) as error:
        raise _problem(path, f"the file is damaged ({error})", damaged[1]) from error
    if declared is None:
        raise _problem(path, *damaged)
    members, directory = declared
    too_many = (f"het bestand bestaat uit te veel onderdelen: {_dutch_number(members)}",
                _dutch_number(limits.max_members))
    if members > limits.max_members:
        raise _limit_problem(path, "max_members", *too_many)
    if directory > max(limits.max_members, 1) * _DIRECTORY_BYTES_PER_MEMBER:
        raise _limit_problem(path, "max_members",
                             f"de lijst van onderdelen in het bestand is te groot: {_megabytes(directory)}, "
                             f"te veel voor {_dutch_number(limits.max_members)} onderdelen",
                             _dutch_number(limits.max_members))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _problem(path, f"the file is damaged ({error})", damaged[1]) from error
    if len(infos) > limits.max_members:
        raise _limit_problem(path, "max_members",
                             f"het bestand bestaat uit te veel onderdelen: {_dutch_number(len(infos))}",
                             _dutch_number(limits.max_members))
    largest = max((info.file_size for info in infos), default=0)
    if largest > limits.max_member_bytes:
        raise _limit_problem(path, "max_member_bytes",
                             f"een onderdeel van het bestand (bijvoorbeeld een werkblad) is uitgepakt te groot: "
                             f"{_megabytes(largest)}", _megabytes(limits.max_member_bytes))
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        raise _limit_problem(path, "max_unpacked_bytes",
                             f"het bestand is uitgepakt te groot: {_megabytes(total)} "
                             f"(een {path.suffix.lower()} is een ingepakt zip-bestand)",
                             _megabytes(limits.max_unpacked_bytes))


def _is_encrypted_ooxml(path: Path) -> bool:
    """True for an OLE2 file holding an encrypted xlsx (Excel and LibreOffice write these)."""
    with path.open("rb") as handle:
        data = handle.read(4 * 1024 * 1024)
    return _ENCRYPTION_INFO in data


def _check_zip(path: Path, suffix: str) -> None:
    """Raise :class:`InputError` for a damaged zip, an encrypted ods, or an xlsx/ods with the other's suffix."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _problem(path, f"the file is damaged ({error})",
                       "Open it in Excel or LibreOffice and save it again") from error
    is_ods = b"opendocument.spreadsheet" in mimetype
    if suffix == ".ods" and not is_ods and "[Content_Types].xml" in names:
        raise _problem(path, "this is an Excel workbook with an '.ods' name", "Rename it to .xlsx")
    if suffix in _EXCEL_SUFFIXES and is_ods:
        raise _problem(path, f"this is an OpenDocument (.ods) workbook with a '{path.suffix}' name",
                       "Rename it to .ods")
    if is_ods and b"encryption-data" in manifest:
        raise _problem(path, "the workbook is password protected",
                       "Save a copy without a password (File > Properties > Security)")


def _open_calamine(path: Path):
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as error:
        raise _problem(path, "the workbook is password protected",
                       "Save a copy without a password") from error
    except (CalamineError, OSError, ValueError) as error:
        raise _problem(path, f"cannot open the workbook ({error})",
                       "Open it in Excel or LibreOffice and save it again") from error


def _missing_sheet(path: Path, sheet: str, names: Sequence[str]) -> InputError:
    listed = ", ".join(f"'{name}'" for name in names) or "none"
    return _problem(path, f"no sheet '{sheet}' (sheets: {listed})",
                    "Use one of the sheets listed, or rename the sheet", sheet)


# --------------------------------------------------------------------------- normalising


def _cell(value: Any) -> Any:
    """Normalise one cell value from either engine (see the module docstring)."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        if value.is_integer() and -_MAX_EXACT_INT < value < _MAX_EXACT_INT:
            return int(value)
        return value
    if value is None or kind is int or kind is bool:
        return value
    if kind is dt.datetime:
        if value.time() == _MIDNIGHT and value.tzinfo is None:
            return value.date()
        return value
    return value  # date, time, timedelta


_ODS_DURATION = re.compile(r"-?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


def _ods_cell(value: Any) -> Any:
    """Like :func:`_cell`; calamine gives ods durations (``[HH]:MM`` cells) as ISO text."""
    if type(value) is str and value.startswith(("PT", "-PT")):
        match = _ODS_DURATION.fullmatch(value)
        if match:
            hours, minutes, seconds = match.groups()
            duration = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))
            return -duration if value.startswith("-") else duration
    return _cell(value)


def _shape(rows: Iterable[Sequence[Any]], cell=_cell, notes: list[CellNote] | None = None,
           csv_file: bool = False) -> list[tuple]:
    """Normalise cells, drop trailing empty rows and pad every row to one width.

    A text cell longer than ``LIMITS.max_cell_chars`` becomes ``None`` with a
    note appended to ``notes``; its row is kept (also when it is the last).
    """
    limit = settings.LIMITS.max_cell_chars
    normalised: list[list[Any]] = []
    width = 0
    last = -1
    for index, row in enumerate(rows):
        values = [cell(value) for value in row]
        keep = 0  # cells up to a noted one stay, so that the note has its cell
        if max([len(value) for value in values if type(value) is str], default=0) > limit:
            for position, value in enumerate(values):
                if type(value) is str and len(value) > limit:
                    values[position] = None
                    keep = position + 1
                    if notes is not None:
                        notes.append(_too_long(index + 1, position, len(value), limit, csv_file))
        while len(values) > keep and values[-1] is None:
            values.pop()
        if values:
            last = index
            width = max(width, len(values))
        normalised.append(values)
    del normalised[last + 1:]
    return [tuple(values) + (None,) * (width - len(values)) for values in normalised]


def _too_long(row: int, column: int, length: int, limit: int, csv_file: bool) -> CellNote:
    variable, _ = _LIMIT_VARIABLES["max_cell_chars"]
    hint = (f"Maak de tekst korter (Excel zelf houdt op bij 32.767 tekens). Is de tekst goed? Zet dan de grens "
            f"hoger met de omgevingsvariabele {variable}")
    if csv_file:
        hint = ("Kijk of er in deze rij een aanhalingsteken (\") mist: dan lijkt de rest van het bestand één cel. "
                + hint)
    return CellNote(row, column, f"de cel is te lang: {_dutch_number(length)} tekens; de grens is "
                                 f"{_dutch_number(limit)} tekens ({variable}). De waarde telt als onbekend",
                    hint, "te_lang")


# --------------------------------------------------------------------------- xlsx, xlsm, ods


def _read_calamine(path: Path, sheet: str | None, suffix: str) -> Sheet:
    workbook = _open_calamine(path)
    try:
        names = list(workbook.sheet_names)
        if sheet is None:
            if not names:
                return Sheet(None, [], [])
            sheet = names[0]
        elif sheet not in names:
            raise _missing_sheet(path, sheet, names)
        try:
            rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as error:  # calamine raises its own and plain errors for bad sheet xml
            raise _problem(path, f"cannot read sheet '{sheet}' ({error})",
                           "Open it in Excel or LibreOffice and save it again", sheet) from error
    finally:
        workbook.close()
    # calamine turns error cells into "": put their text back.
    formulas: list[tuple[int, int]] = []
    try:
        if suffix == ".ods":
            errors = _ods_error_cells(path, sheet)
        else:
            errors, formulas = _xlsx_marked_cells(path, sheet)
    except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError):
        errors = {}  # the cells themselves were readable; keep what calamine gave
    for (row, column), text in errors.items():
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = text
    notes: list[CellNote] = []
    shaped = _shape(rows, _ods_cell if suffix == ".ods" else _cell, notes)
    return Sheet(sheet, shaped, _with_formula_notes(shaped, notes, formulas))


def _with_formula_notes(rows: list[tuple], notes: list[CellNote], formulas: list[tuple[int, int]]) -> list[CellNote]:
    """``notes`` and a note for each formula cell without a cached value (0-based positions), in row order."""
    for row, column in formulas:
        if row < len(rows) and column < len(rows[row]) and rows[row][column] is None:
            reference = f"{format_letters(column)}{row + 1}"
            notes.append(CellNote(row + 1, column,
                                  f"cel {reference} heeft een formule zonder berekende waarde; de waarde telt als "
                                  f"onbekend",
                                  "Open en bewaar het bestand in Excel of LibreOffice: dan staat de uitkomst van "
                                  "de formule erin", "formule"))
    return sorted(notes, key=lambda note: (note.row, -1 if note.column is None else note.column))


def _read_openpyxl(path: Path, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types
        raise _problem(path, f"cannot open the workbook ({error})",
                       "Open it in Excel or LibreOffice and save it again") from error
    try:
        names = workbook.sheetnames
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            raise _missing_sheet(path, sheet, names)
        worksheet = workbook[sheet]
        if not hasattr(worksheet, "iter_rows"):  # a chart sheet has no cells
            return Sheet(sheet, [], [])
        # the <dimension> a writer records may be wrong; do not let it cut rows or columns
        worksheet.reset_dimensions()
        notes: list[CellNote] = []
        try:
            rows = _shape(worksheet.iter_rows(values_only=True), notes=notes)
        except Exception as error:
            raise _problem(path, f"cannot read sheet '{sheet}' ({error})",
                           "Open it in Excel or LibreOffice and save it again", sheet) from error
    finally:
        workbook.close()
    try:
        _, formulas = _xlsx_marked_cells(path, sheet, errors=False)
    except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError):
        formulas = []
    return Sheet(sheet, rows, _with_formula_notes(rows, notes, formulas))


# Patterns start with a literal, so that a search through a sheet of 150 MB stays fast; the
# character before a match is checked by hand.
_XLSX_ERROR_ATTR = re.compile(rb"""t\s*=\s*["']e["']""")
_XLSX_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")
_XLSX_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})(\d+)["']""")
_XLSX_TYPE = re.compile(rb"""\st\s*=\s*["']([A-Za-z]+)["']""")
_XLSX_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_XLSX_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\s*>([^<]*)</(?:[\w.-]+:)?v\s*>")
_XLSX_ANY_VALUE = re.compile(rb"<(?:[\w.-]+:)?v[\s>/]")
_XLSX_ROOT_PREFIX = re.compile(rb"<([\w.-]+:)?worksheet[\s>]")


def _xlsx_marked_cells(path: Path, sheet: str, errors: bool = True
                       ) -> tuple[dict[tuple[int, int], str], list[tuple[int, int]]]:
    """Error cells and formula cells without a cached value of an xlsx sheet, 0-based.

    Returns ``{(row, column): "#DIV/0!"}`` for error cells (``t="e"``) and the
    positions of formula cells (``<f>``) that have no ``<v>``, or an empty one
    that is not a cached empty text (``t="str"``): what openpyxl and other
    programs write, and what only Excel or LibreOffice calculate. A byte
    search, not an XML parse: one decompression of the sheet's XML (its size
    is limited by :func:`check_limits`).
    """
    with zipfile.ZipFile(path) as archive:
        data = archive.read(_xlsx_sheet_part(archive, sheet))
    return (_xlsx_error_cells(data) if errors else {}), _xlsx_formulas_without_value(data)


def _xlsx_formulas_without_value(data: bytes) -> list[tuple[int, int]]:
    root = _XLSX_ROOT_PREFIX.search(data, 0, 4096)
    prefix = (root.group(1) or b"") if root else b""
    found = []
    for match in re.finditer(b"<" + re.escape(prefix) + rb"f[\s>/]", data):
        start = data.rfind(b"<", 0, match.start())  # <f> is a cell's first child: the tag before is <c ...>
        tag_end = data.find(b">", start)
        tag = data[start:tag_end + 1]
        if start < 0 or tag_end < 0 or not _XLSX_CELL_TAG.match(tag) or tag.endswith(b"/>"):
            continue
        ref = _XLSX_REF.search(tag)
        end = _XLSX_CELL_END.search(data, match.end())
        if ref is None or end is None:
            continue
        value = _XLSX_VALUE.search(data, match.end(), end.start())
        if value is not None and value.group(1):
            continue  # a cached value
        kind = _XLSX_TYPE.search(tag)
        if kind is not None and kind.group(1) == b"str" and _XLSX_ANY_VALUE.search(data, match.end(), end.start()):
            continue  # a cached empty text, as of =ALS(A1="";"";A1)
        found.append((int(ref.group(2)) - 1, _column_index(ref.group(1))))
    return found


def _xlsx_error_cells(data: bytes) -> dict[tuple[int, int], str]:
    """Error cells (``t="e"``) of a sheet's XML: ``{(row, column): "#DIV/0!"}``, 0-based."""
    errors: dict[tuple[int, int], str] = {}
    for match in _XLSX_ERROR_ATTR.finditer(data):
        if match.start() == 0 or not data[match.start() - 1:match.start()].isspace():
            continue
        start = data.rfind(b"<", 0, match.start())
        tag_end = data.find(b">", match.end())
        tag = data[start:tag_end + 1]
        if start < 0 or tag_end < 0 or not _XLSX_CELL_TAG.match(tag) or tag.endswith(b"/>"):
            continue
        ref = _XLSX_REF.search(tag)
        end = _XLSX_CELL_END.search(data, tag_end)
        value = _XLSX_VALUE.search(data, tag_end, end.start()) if end else None
        if ref is None or value is None:
            continue
        errors[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = unescape(value.group(1).decode("utf-8"))
    return errors


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + letter - ord("A") + 1
    return index - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """``{relationship id: target part}`` of a part (targets resolved to zip names)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    targets = {}
    for element in ET.fromstring(archive.read(rels)):
        target = element.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        targets[element.get("Id")] = target
        targets["type:" + element.get("Type", "").rsplit("/", 1)[-1]] = target
    return targets


def _xlsx_sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip name of a sheet's XML (``xl/worksheets/sheet2.xml``)."""
    workbook = _relationships(archive, "").get("type:officeDocument", "xl/workbook.xml")
    targets = _relationships(archive, workbook)
    for element in ET.fromstring(archive.read(workbook)).iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rid = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
            return targets[rid]
    raise KeyError(sheet)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_CALCEXT_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_ODS_ERROR_MARK = b'calcext:value-type="error"'


def _ods_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Error cells of an ods sheet as LibreOffice writes them: ``{(row, column): text}``, 0-based.

    LibreOffice marks them ``calcext:value-type="error"`` with the text
    (``#DIV/0!``, ``Err:502``) in the cell's paragraph. Parsed only when the
    file has such a cell.
    """
    with zipfile.ZipFile(path) as archive:
        data = archive.read("content.xml")
    if _ODS_ERROR_MARK not in data:
        return {}
    errors: dict[tuple[int, int], str] = {}
    row = column = 0
    inside = False
    nested = 0
    row_errors: list[tuple[int, str]] = []
    cells = (_TABLE + "table-cell", _TABLE + "covered-table-cell")
    for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = element.tag
        if tag == _TABLE + "table":
            if event == "start":
                if inside:
                    nested += 1
                elif element.get(_TABLE + "name") == sheet:
                    inside = True
            elif inside:
                if nested:
                    nested -= 1
                else:
                    break
            continue
        if not inside or nested or event == "start" and tag != _TABLE + "table-row":
            continue
        if tag == _TABLE + "table-row":
            if event == "start":
                column, row_errors = 0, []
            else:
                repeat = int(element.get(_TABLE + "number-rows-repeated", "1"))
                for offset in range(repeat if row_errors else 0):
                    for position, text in row_errors:
                        errors[(row + offset, position)] = text
                row += repeat
                element.clear()
        elif tag in cells:
            repeat = int(element.get(_TABLE + "number-columns-repeated", "1"))
            if element.get(_CALCEXT_TYPE) == "error":
                text = "\n".join("".join(p.itertext()) for p in element.iter(_TEXT_P))
                row_errors.extend((column + offset, text) for offset in range(repeat))
            column += repeat
    return errors


# --------------------------------------------------------------------------- csv

_SNIFF_BYTES = 64 * 1024
_SNIFF_RECORDS = 50
_DELIMITERS = (";", "\t", ",")  # in order of preference on a tie
_SEP_LINE = re.compile(r"\ufeff?sep=(.)\r?\n?", re.IGNORECASE)
_NUMBER_LIKE = re.compile(r"[-+]?(?:€\s*)?\d[\d.,]*\s*%?")
_COMMA_DECIMAL = re.compile(r"[-+]?(?:€\s*)?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+\s*%?")
_POINT_DECIMAL = re.compile(r"[-+]?(?:€\s*)?\d+\.\d+\s*%?")
_THOUSANDS_ONLY = re.compile(r"[-+]?(?:€\s*)?[1-9]\d{0,2}(?:\.\d{3})+\s*%?")


def _sniff_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError as error:
            # a sample may cut a UTF-8 character in two at its end
            if encoding == "utf-8" and error.start >= len(data) - 3 and error.reason == "unexpected end of data":
                return encoding
            continue
        return encoding
    return "latin-1"


def _split_sep_line(text: str) -> tuple[str | None, str]:
    """Excel's optional first line ``sep=;``: the delimiter and the text after it."""
    match = _SEP_LINE.match(text)
    if match and match.group(1) not in "\r\n":
        return match.group(1), text[match.end():]
    return None, text


def _records(text: str, delimiter: str, truncated: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > _SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    if truncated and len(records) > 1 and len(records) <= _SNIFF_RECORDS:
        records.pop()  # the sample may end inside the last record
    return records[:_SNIFF_RECORDS]


def _sniff_delimiter(text: str, truncated: bool) -> str:
    best, best_score = ";", (0.0, 0, 0)
    for preference, delimiter in enumerate(reversed(_DELIMITERS)):
        counts = [len(record) for record in _records(text, delimiter, truncated) if record]
        if not counts:
            continue
        mode, hits = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = (hits / len(counts), mode, preference)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sniff_decimal(text: str, delimiter: str, truncated: bool) -> str:
    if delimiter == ",":
        return "."
    point = False
    for record in _records(text, delimiter, truncated):
        for field in record:
            field = field.strip()
            if not _NUMBER_LIKE.fullmatch(field):
                continue
            if _COMMA_DECIMAL.fullmatch(field):
                return ","
            if _POINT_DECIMAL.fullmatch(field) and not _THOUSANDS_ONLY.fullmatch(field):
                point = True
    return "." if point else ","


def _read_csv(path: Path, sheet: str | None) -> Sheet:
    if sheet is not None and sheet != path.stem:
        raise _missing_sheet(path, sheet, [path.stem])
    try:
        data = path.read_bytes()  # at most LIMITS.max_file_bytes: checked before
    except OSError as error:
        raise _problem(path, f"cannot read the file ({error.strerror or error})",
                       "Check that the file is not open elsewhere and that you may read it") from error
    if not data:
        return Sheet(None, [], [])
    dialect = sniff_csv(data)
    text = data.decode(dialect.encoding, errors="replace")
    del data
    _, text = _split_sep_line(text)
    # the csv module refuses a field over 128 KiB and with it the whole file; the file size is
    # limited, and a long cell is one row problem (see _shape), so let the csv module read it
    if csv.field_size_limit() < settings.LIMITS.max_file_bytes:
        csv.field_size_limit(settings.LIMITS.max_file_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar='"', strict=False)
    lengths: Counter = Counter()
    single: list[tuple[int, str]] = []  # rows with text in their first field only

    def counted() -> Iterable[list[str]]:
        for index, record in enumerate(reader):
            lengths[len(record)] += 1
            if record and record[0] and (len(record) == 1 or not any(record[1:])):
                single.append((index, record[0]))
            yield record

    notes: list[CellNote] = []
    try:
        rows = _shape(counted(), notes=notes, csv_file=True)
    except csv.Error as error:
        raise _problem(path, f"cannot read the CSV file ({error})",
                       "Open it in Excel or LibreOffice and save it again as CSV") from error
    notes += _delimiter_notes(single, lengths, dialect.delimiter)
    return Sheet(None, rows, sorted(notes, key=lambda note: (note.row, -1 if note.column is None else note.column)))


_DELIMITER_NAMES = {";": "';' (puntkomma)", ",": "',' (komma)", "\t": "een tab"}


def _delimiter_notes(single: list[tuple[int, str]], lengths: Counter, delimiter: str) -> list[CellNote]:
    """A note for each row whose first field holds a whole row written with another delimiter.

    The file's rows mostly have ``n`` fields; a row with text in its first
    field only, which another delimiter splits into at least half of ``n``
    fields and at least three (``n`` when the file has fewer), was written with
    that delimiter (a row typed or pasted by hand). A title, or a name with a
    comma in the first column, stays text: it splits into fewer fields.
    """
    fields = [(count, n) for n, count in lengths.items() if n > 1]
    if not fields or not single:
        return []
    width = max(fields)[1]
    notes = []
    for index, field in single:
        best, parts = None, 1
        for other in _DELIMITERS:
            if other != delimiter and other in field:
                found = len(next(csv.reader([field], delimiter=other, quotechar='"', strict=False), []))
                if found > parts:
                    best, parts = other, found
        if best is not None and parts >= max(min(3, width), (width + 1) // 2):
            notes.append(CellNote(
                index + 1, None,
                f"deze rij gebruikt {_DELIMITER_NAMES[best]} als scheidingsteken, de rest van het bestand "
                f"{_DELIMITER_NAMES[delimiter]}; daardoor staat de hele rij in één cel",
                f"Zet in deze rij {_DELIMITER_NAMES[delimiter]} tussen de waarden, zoals in de andere rijen. "
                f"Of open het bestand in Excel of LibreOffice en bewaar het opnieuw als CSV",
                "scheidingsteken"))
    return notes


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
