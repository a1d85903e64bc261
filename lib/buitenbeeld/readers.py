"""Read the cells of a spreadsheet, whatever the file type.

The lowest layer of reading input: it opens an xlsx/xlsm (from Excel or
LibreOffice), an ods or a CSV export and returns the cells of one sheet as the
user sees them, one tuple per spreadsheet row. It does not interpret values;
that is :mod:`buitenbeeld.values`' job.

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
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import unescape

from .errors import InputError, RowProblem

__all__ = [
    "ENGINES",
    "SUPPORTED_SUFFIXES",
    "CsvDialect",
    "list_sheets",
    "read_rows",
    "sniff_csv",
]

#: Engines for xlsx/xlsm; ods is always read with calamine, csv with the csv module.
ENGINES = ("calamine", "openpyxl")
#: File types :func:`read_rows` reads (compared case-insensitively).
SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")

_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
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
    if suffix == ".csv":
        return suffix
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
    _check_zip(path, suffix)
    return suffix


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


def _shape(rows: Iterable[Sequence[Any]], cell=_cell) -> list[tuple]:
    """Normalise cells, drop trailing empty rows and pad every row to one width."""
    normalised: list[list[Any]] = []
    width = 0
    last = -1
    for index, row in enumerate(rows):
        values = [cell(value) for value in row]
        while values and values[-1] is None:
            values.pop()
        if values:
            last = index
            width = max(width, len(values))
        normalised.append(values)
    del normalised[last + 1:]
    return [tuple(values) + (None,) * (width - len(values)) for values in normalised]


# --------------------------------------------------------------------------- xlsx, xlsm, ods


def _read_calamine(path: Path, sheet: str | None, suffix: str) -> list[tuple]:
    workbook = _open_calamine(path)
    try:
        names = list(workbook.sheet_names)
        if sheet is None:
            if not names:
                return []
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
    try:
        errors = _ods_error_cells(path, sheet) if suffix == ".ods" else _xlsx_error_cells(path, sheet)
    except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError):
        errors = {}  # the cells themselves were readable; keep what calamine gave
    for (row, column), text in errors.items():
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = text
    return _shape(rows, _ods_cell if suffix == ".ods" else _cell)


def _read_openpyxl(path: Path, sheet: str | None) -> list[tuple]:
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
            return []
        # the <dimension> a writer records may be wrong; do not let it cut rows or columns
        worksheet.reset_dimensions()
        try:
            return _shape(worksheet.iter_rows(values_only=True))
        except Exception as error:
            raise _problem(path, f"cannot read sheet '{sheet}' ({error})",
                           "Open it in Excel or LibreOffice and save it again", sheet) from error
    finally:
        workbook.close()


_XLSX_ERROR_ATTR = re.compile(rb"""\st\s*=\s*["']e["']""")
_XLSX_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")
_XLSX_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})(\d+)["']""")
_XLSX_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_XLSX_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\s*>([^<]*)</(?:[\w.-]+:)?v\s*>")


def _xlsx_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Error cells (``t="e"``) of a sheet: ``{(row, column): "#DIV/0!"}``, 0-based.

    A byte search, not an XML parse: a sheet without error cells costs one
    decompression of its XML.
    """
    with zipfile.ZipFile(path) as archive:
        data = archive.read(_xlsx_sheet_part(archive, sheet))
    errors: dict[tuple[int, int], str] = {}
    for match in _XLSX_ERROR_ATTR.finditer(data):
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


def _read_csv(path: Path, sheet: str | None) -> list[tuple]:
    if sheet is not None and sheet != path.stem:
        raise _missing_sheet(path, sheet, [path.stem])
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _problem(path, f"cannot read the file ({error.strerror or error})",
                       "Check that the file is not open elsewhere and that you may read it") from error
    if not data:
        return []
    dialect = sniff_csv(data)
    text = data.decode(dialect.encoding, errors="replace")
    _, text = _split_sep_line(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar='"', strict=False)
    try:
        return _shape(reader)
    except csv.Error as error:
        raise _problem(path, f"cannot read the CSV file ({error})",
                       "Open it in Excel or LibreOffice and save it again as CSV") from error
