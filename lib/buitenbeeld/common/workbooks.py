"""Read the sheets of a workbook: xlsx and xlsm with calamine or openpyxl, ods with calamine.

The engines differ in what they hand back, so cells are normalised
(:func:`~buitenbeeld.common.sheets.normalise_cell`):

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

An xlsx formula without a cached value (a file written by a program, never
opened in Excel or LibreOffice) is ``None`` with a
:class:`~buitenbeeld.common.sheets.CellNote`. Files come here through
:func:`~buitenbeeld.common.readers.read_sheet`, after
:func:`~buitenbeeld.common.limits.check_limits` and :func:`check_workbook`.
"""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import unescape

from buitenbeeld.common.formatting import format_letters
from buitenbeeld.common.limits import PASSWORD_PROTECTED, SAVE_AGAIN, damaged, input_problem, technical
from buitenbeeld.common.sheets import CellNote, Sheet, missing_sheet, normalise_cell, shape_rows

__all__ = [
    "check_workbook",
    "normalise_ods_cell",
    "open_calamine",
    "read_calamine",
    "read_openpyxl",
]

_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def check_workbook(path: Path, suffix: str) -> None:
    """Raise :class:`InputError` for a damaged zip, an encrypted ods, or an xlsx/ods with the other's suffix."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise damaged(path, error) from error
    is_ods = b"opendocument.spreadsheet" in mimetype
    if suffix == ".ods" and not is_ods and "[Content_Types].xml" in names:
        raise input_problem(path, "dit is een Excel-bestand met '.ods' in de naam",
                            "Verander de extensie van de naam in .xlsx")
    if suffix in _EXCEL_SUFFIXES and is_ods:
        raise input_problem(path, f"dit is een OpenDocument-bestand (.ods) met '{path.suffix}' in de naam",
                            "Verander de extensie van de naam in .ods")
    if is_ods and b"encryption-data" in manifest:
        raise input_problem(path, PASSWORD_PROTECTED,
                            "Sla een kopie op zonder wachtwoord (in LibreOffice: Bestand > Eigenschappen > "
                            "Beveiliging)")


def open_calamine(path: Path):
    """Open a workbook with calamine, or raise :class:`~buitenbeeld.errors.InputError` saying why not."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as error:
        raise input_problem(path, PASSWORD_PROTECTED, "Sla een kopie op zonder wachtwoord") from error
    except (CalamineError, OSError, ValueError) as error:
        raise input_problem(path, f"het bestand kan niet worden geopend ({technical(error)})", SAVE_AGAIN) from error


_ODS_DURATION = re.compile(r"-?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


def normalise_ods_cell(value: Any) -> Any:
    """Like :func:`~buitenbeeld.common.sheets.normalise_cell`.

    calamine gives ods durations (``[HH]:MM`` cells) as ISO text.
    """
    if type(value) is str and value.startswith(("PT", "-PT")):
        match = _ODS_DURATION.fullmatch(value)
        if match:
            hours, minutes, seconds = match.groups()
            duration = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))
            return -duration if value.startswith("-") else duration
    return normalise_cell(value)


def read_calamine(path: Path, sheet: str | None, suffix: str) -> Sheet:
    """Read ``sheet`` (the first when ``None``) of an xlsx, xlsm or ods with calamine."""
    workbook = open_calamine(path)
    try:
        names = list(workbook.sheet_names)
        if sheet is None:
            if not names:
                return Sheet(None, [], [])
            sheet = names[0]
        elif sheet not in names:
            raise missing_sheet(path, sheet, names)
        try:
            rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as error:  # calamine raises its own and plain errors for bad sheet xml
            raise input_problem(path, f"het blad '{sheet}' kan niet worden gelezen ({technical(error)})",
                                SAVE_AGAIN, sheet) from error
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
    shaped = shape_rows(rows, normalise_ods_cell if suffix == ".ods" else normalise_cell, notes)
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


def read_openpyxl(path: Path, sheet: str | None) -> Sheet:
    """Read ``sheet`` (the first when ``None``) of an xlsx or xlsm with openpyxl."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types
        raise input_problem(path, f"het bestand kan niet worden geopend ({technical(error)})", SAVE_AGAIN) from error
    try:
        names = workbook.sheetnames
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            raise missing_sheet(path, sheet, names)
        worksheet = workbook[sheet]
        if not hasattr(worksheet, "iter_rows"):  # a chart sheet has no cells
            return Sheet(sheet, [], [])
        # the <dimension> a writer records may be wrong; do not let it cut rows or columns
        worksheet.reset_dimensions()
        notes: list[CellNote] = []
        try:
            rows = shape_rows(worksheet.iter_rows(values_only=True), notes=notes)
        except Exception as error:
            raise input_problem(path, f"het blad '{sheet}' kan niet worden gelezen ({technical(error)})",
                                SAVE_AGAIN, sheet) from error
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
    is limited by :func:`~buitenbeeld.common.limits.check_limits`).
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
