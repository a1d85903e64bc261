"""Refuse a file that is too big to read safely, before any reader opens it.

Every file passes :func:`check_limits` before an engine opens it: its size on
disk and, for the zip containers xlsx/xlsm/ods, the sizes its central directory
declares (no byte is decompressed for that), against
:data:`~buitenbeeld.settings.LIMITS`. A small file that unpacks to gigabytes is
refused as unusable; both engines stop at a member's declared size, so a
declaration cannot be used to slip past.

An xlsx/xlsm/ods that is no zip file at all (an old .xls, a password protected
workbook, a CSV with the wrong name) is refused here too, with what it is
instead. The readers (:mod:`buitenbeeld.common.readers` and the modules below
it) word their own refusals with :func:`input_problem`, and a limit's
environment variable is in :data:`LIMIT_VARIABLES`.
"""
from __future__ import annotations

import errno
import struct
import zipfile
from pathlib import Path

from buitenbeeld import settings
from buitenbeeld.errors import InputError, RowProblem

__all__ = [
    "LIMIT_VARIABLES",
    "PASSWORD_PROTECTED",
    "SAVE_AS_XLSX",
    "SAVE_AGAIN",
    "check_limits",
    "damaged",
    "dutch_number",
    "input_problem",
    "technical",
    "unreadable",
]

#: The file types that are zip containers, checked member by member before reading.
_ZIP_SUFFIXES = (".xlsx", ".xlsm", ".ods")
#: What to do with an old Excel 97-2003 workbook.
SAVE_AS_XLSX = "Open het bestand in Excel of LibreOffice en sla het op als .xlsx (Excel-werkmap)"
#: What to do with a workbook that a reader cannot open or read.
SAVE_AGAIN = "Open het bestand in Excel of LibreOffice en sla het opnieuw op"
#: Why a password protected workbook is refused.
PASSWORD_PROTECTED = "het bestand is beveiligd met een wachtwoord"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted xlsx is an OLE2 container with an "EncryptionInfo" stream (UTF-16 name).
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def input_problem(path: Path, reason: str, hint: str, sheet: str | None = None) -> InputError:
    """An :class:`InputError` for the file ``path`` as a whole (no row), with a reason and a hint."""
    return InputError(RowProblem(path.name, sheet, None, None, None, reason, hint))


def technical(error: BaseException) -> str:
    """A library's own (English) error text, marked as such for a Dutch message: ``technische melding: ...``."""
    return f"technische melding: {error}"


#: Why the system refused to read a file, by errno, in plain Dutch.
_OS_REASONS = {errno.EACCES: "je hebt geen toestemming om het te lezen",
               errno.EPERM: "je hebt geen toestemming om het te lezen",
               errno.ENOENT: "het bestand is er niet (meer)",
               errno.EISDIR: "dit is een map, geen bestand",
               errno.EBUSY: "het bestand is in gebruik"}


def unreadable(path: Path, error: OSError) -> InputError:
    """An :class:`InputError` for a file the system would not let us read, saying why in Dutch."""
    why = _OS_REASONS.get(error.errno or 0) or technical(error.strerror or error)
    return input_problem(path, f"het bestand kan niet worden gelezen ({why})",
                         "Kijk of het bestand niet open staat in een ander programma en of je het mag lezen")


def damaged(path: Path, error: BaseException) -> InputError:
    """An :class:`InputError` for a workbook that is damaged (the reader's own text as the technical part)."""
    return input_problem(path, f"het bestand is beschadigd ({technical(error)})", SAVE_AGAIN)


def check_limits(path: Path) -> None:
    """Refuse a file that is too big to read safely, before any reader opens it.

    Checks, against :data:`buitenbeeld.settings.LIMITS` (read at each call):
    the size on disk (``max_file_bytes``); for an xlsx, xlsm or ods, which is a
    zip file, also what its central directory declares, without decompressing
    anything: the number of members (``max_members``), the largest member
    (``max_member_bytes``) and all members together (``max_unpacked_bytes``).
    An xlsx/xlsm/ods that is no zip file at all (an old .xls, a CSV, a damaged
    file) is refused too, with what it is instead. Every reader of the
    workbench goes through :func:`~buitenbeeld.common.readers.read_rows`,
    :func:`~buitenbeeld.common.readers.read_sheet` or
    :func:`~buitenbeeld.common.readers.list_sheets`, which call this first.

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
        raise unreadable(path, error) from error
    if size > limits.max_file_bytes:
        raise _limit_problem(path, "max_file_bytes", f"het bestand is te groot: {_megabytes(size)}",
                             _megabytes(limits.max_file_bytes))
    if path.suffix.lower() in _ZIP_SUFFIXES:
        _check_container(path)
        _check_zip_limits(path, size, limits)


def _check_container(path: Path) -> None:
    """Raise :class:`InputError` for an xlsx/xlsm/ods that is not a zip file, saying what it is instead."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise unreadable(path, error) from error
    if not head:
        raise input_problem(path, "het bestand is leeg", "Kijk of het bestand helemaal is opgeslagen")
    if head.startswith(_OLE2_MAGIC):
        if _is_encrypted_ooxml(path):
            raise input_problem(path, PASSWORD_PROTECTED, "Sla een kopie op zonder wachtwoord "
                                "(in Excel: Bestand > Info > Werkmap beveiligen)")
        raise input_problem(path, f"dit is een oud Excel-bestand (Excel 97-2003, .xls) met '{path.suffix}' in de naam",
                            SAVE_AS_XLSX)
    if not head.startswith(_ZIP_MAGIC):
        if b"\x00" not in head:
            raise input_problem(path, f"dit is geen rekenblad: het bestand is gewone tekst, geen "
                                      f"'{path.suffix}'-bestand",
                                "Is het een CSV-export? Verander de extensie dan in .csv. Sla het anders op als .xlsx")
        raise input_problem(path, f"dit is geen rekenblad: het bestand is geen '{path.suffix}'-bestand",
                            "Kijk of dit het goede bestand is, of sla het opnieuw op als .xlsx")


#: The environment variable of each limit, and the unit it is given in.
LIMIT_VARIABLES = {
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


def dutch_number(value: float, decimals: int = 0) -> str:
    """``2048.5`` -> ``2.048,5``: a number as a Dutch reader writes it."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _megabytes(size: int) -> str:
    """A size as a Dutch reader reads it: ``2.048 MB``, ``8,0 MB``, ``5,4 kB``."""
    megabytes = size / 1024 ** 2
    if megabytes < 1:
        return f"{dutch_number(size / 1024, 1)} kB"
    return f"{dutch_number(megabytes, 1 if megabytes < 10 else 0)} MB"


def _limit_hint(limit: str) -> str:
    """How to raise ``limit`` (a field of :class:`~buitenbeeld.settings.Limits`): its variable and current value."""
    variable, unit = LIMIT_VARIABLES[limit]
    current = getattr(settings.LIMITS, limit)
    current = round(current / 1024 ** 2, 3) if unit == "MB" else current
    return (f"Klopt het bestand en is het echt zo groot? Zet dan de grens hoger met de omgevingsvariabele "
            f"{variable} (nu {current:g}{' ' + unit if unit else ''}), bijvoorbeeld {variable}={current * 2:g}")


def _limit_problem(path: Path, limit: str, measured: str, maximum: str) -> InputError:
    """An :class:`InputError` for a file over ``limit``: names the limit, the size measured and its variable."""
    variable, _ = LIMIT_VARIABLES[limit]
    return input_problem(path, f"{measured}; de grens is {maximum} ({variable}). Het bestand is niet gelezen",
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
    try:
        declared = _zip_directory(path, size)
    except (OSError, struct.error) as error:
        raise damaged(path, error) from error
    if declared is None:
        raise input_problem(path, "het bestand is beschadigd (het einde ontbreekt; is het helemaal gekopieerd of "
                                  "opgeslagen?)", SAVE_AGAIN)
    members, directory = declared
    too_many = (f"het bestand bestaat uit te veel onderdelen: {dutch_number(members)}",
                dutch_number(limits.max_members))
    if members > limits.max_members:
        raise _limit_problem(path, "max_members", *too_many)
    if directory > max(limits.max_members, 1) * _DIRECTORY_BYTES_PER_MEMBER:
        raise _limit_problem(path, "max_members",
                             f"de lijst van onderdelen in het bestand is te groot: {_megabytes(directory)}, "
                             f"te veel voor {dutch_number(limits.max_members)} onderdelen",
                             dutch_number(limits.max_members))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise damaged(path, error) from error
    if len(infos) > limits.max_members:
        raise _limit_problem(path, "max_members",
                             f"het bestand bestaat uit te veel onderdelen: {dutch_number(len(infos))}",
                             dutch_number(limits.max_members))
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
