"""Read a CSV export: its encoding, delimiter and decimal mark, and its rows.

CSV cells are returned as text, never converted: ``'1,5'`` stays ``'1,5'``;
:func:`sniff_csv` says which encoding, delimiter and decimal mark the file uses.
A row written with another delimiter than the rest of the file keeps its cells
as read and gets a :class:`~buitenbeeld.common.sheets.CellNote` for the whole
row. Files come here through :func:`~buitenbeeld.common.readers.read_sheet`,
after :func:`~buitenbeeld.common.limits.check_limits`.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from buitenbeeld import settings
from buitenbeeld.common.limits import input_problem, technical, unreadable
from buitenbeeld.common.sheets import CellNote, Sheet, missing_sheet, shape_rows

__all__ = [
    "CsvDialect",
    "read_csv_sheet",
    "sniff_csv",
]


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


def read_csv_sheet(path: Path, sheet: str | None) -> Sheet:
    """Read a CSV file as its one sheet (``sheet`` must be ``None`` or ``path.stem``); cells stay text."""
    if sheet is not None and sheet != path.stem:
        raise missing_sheet(path, sheet, [path.stem])
    try:
        data = path.read_bytes()  # at most LIMITS.max_file_bytes: checked before
    except OSError as error:
        raise unreadable(path, error) from error
    if not data:
        return Sheet(None, [], [])
    dialect = sniff_csv(data)
    text = data.decode(dialect.encoding, errors="replace")
    del data
    _, text = _split_sep_line(text)
    # the csv module refuses a field over 128 KiB and with it the whole file; the file size is
    # limited, and a long cell is one row problem (see shape_rows), so let the csv module read it
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
        rows = shape_rows(counted(), notes=notes, csv_file=True)
    except csv.Error as error:
        raise input_problem(path, f"het CSV-bestand kan niet worden gelezen ({technical(error)})",
                            "Open het bestand in Excel of LibreOffice en sla het opnieuw op als CSV") from error
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
