"""Writing files: atomically, Dutch CSV without live formulas, private folders for personal data.

Every file the workbench writes goes through :func:`write_atomic`; every CSV
through :func:`write_csv`; every folder that holds personal data is made with
:func:`private_dir`. The workbench's own tables and the hashes of inputs are
read once per version of a file (:func:`read_parquet`; the workbench replaces
those, never edits them in place): a warm kernel renders report after report
from the same tables.
"""
from __future__ import annotations

import csv
import hashlib
import math
import os
import tempfile
from functools import lru_cache
from numbers import Number
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "file_version", "hash_file", "read_parquet", "write_atomic", "write_csv", "write_csv_rows",
           "neutralise_formula", "private_dir"]

#: A text cell starting with one of these is a formula to Excel and LibreOffice
#: (OWASP, "CSV injection"): it gets a leading ``'`` so it stays text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def write_atomic(path: str | os.PathLike, write: Callable[[Path], object], mode: int = 0o644) -> Path:
    """Write ``path`` through a temporary file beside it, then rename it into place.

    ``write(temporary)`` writes the content. A failure leaves the old file (or
    none) and no temporary file. The result is readable by others (0644) unless
    ``mode`` says otherwise (0600 for personal data): tables, reports and
    downloads are for sharing, and ``mkstemp`` makes files private. Unique
    temporary names let two processes write at once.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def private_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` (and its parents) if needed and make it private to its owner (0700)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def neutralise_formula(value):
    """A cell as it may go into a CSV: text that Excel would run as a formula gets a leading ``'``.

    Numbers (also negative ones) stay numbers; ``None``/NaN stay empty. Only text
    is changed, so ``-3`` as a number is written ``-3`` and ``"-3"`` as text ``'-3``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value, decimal: str):
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, Number):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        if isinstance(value, float) or hasattr(value, "dtype") and value.dtype.kind == "f":
            value = float(value)
            text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        else:
            text = str(value)
        return text.replace(".", decimal) if decimal != "." else text
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise_formula(str(value))


def write_csv_rows(path: str | os.PathLike, rows: Iterable[Iterable], decimal: str = ",", mode: int = 0o644) -> Path:
    """Write ``rows`` (the first one the header) as a Dutch CSV: ``;``, decimal comma, UTF-8 with BOM.

    The one way the workbench writes CSV: atomically, every text cell through
    :func:`neutralise_formula`, numbers as numbers with a decimal comma.
    """
    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            for row in rows:
                writer.writerow([_cell(value, decimal) for value in row])

    return write_atomic(path, write, mode)


def write_csv(path: str | os.PathLike, frame: pd.DataFrame, index: bool = False, decimal: str = ",",
              mode: int = 0o644) -> Path:
    """Write ``frame`` as a Dutch CSV through :func:`write_csv_rows` (the index as columns when ``index``)."""
    if index:
        frame = frame.reset_index()
    columns = [" ".join(map(str, c)).strip() if isinstance(c, tuple) else c for c in frame.columns]
    rows = [columns, *frame.astype(object).itertuples(index=False, name=None)]
    return write_csv_rows(path, rows, decimal, mode)


def file_version(path: str | os.PathLike) -> tuple[int, int, int]:
    """What tells one version of a file from the next: its inode, modification time (ns) and size.

    The workbench replaces a file it writes (:func:`write_atomic`: a new inode), and a
    user's edit changes its time; either gives a new version.
    """
    stat = Path(path).stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def hash_file(path: Path) -> str:
    """SHA-256 of a file, for the report's account of its inputs (read in blocks: any size).

    Never cached: a user's file edited in place within the same clock tick keeps its
    version (:func:`file_version`), and a hash is what proves a file unchanged.
    """
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_parquet(path: str | os.PathLike, convert: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
    """A parquet table the workbench wrote, after ``convert`` (e.g. list columns to tuples); a fresh copy each call.

    Read and converted once per process, :func:`file_version` and ``convert``.
    """
    return _read_parquet(str(path), file_version(path), convert).copy()


@lru_cache(maxsize=64)
def _read_parquet(path: str, version: tuple, convert) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    return convert(frame) if convert is not None else frame
