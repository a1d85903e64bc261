"""Finding the input files in a data folder and telling what each one is.

A raw folder holds interview files (a sheet ``organisaties``, or a CSV with the
interview columns) and CBS tables of youth figures, in any subfolder. Files are
classified by their content, not their name, so users can name and arrange
them as they like.
"""
from __future__ import annotations

import hashlib
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuitenbeeldError
from .settings import INPUT_SUFFIXES

__all__ = [
    "INTERVIEW_SHEET",
    "SYNTHETIC_SUBJECT",
    "Inputs",
    "discover_inputs", "classify_input", "KINDS",
    "is_candidate",
    "hash_file",
    "is_synthetic",
]

INTERVIEW_SHEET = "organisaties"
#: Workbook ``subject`` property that marks the synthetic demo data.
SYNTHETIC_SUBJECT = "buitenbeeld synthetische demodata"


@dataclass
class Inputs:
    """The input files of one raw folder, by kind."""

    interviews: list[Path] = field(default_factory=list)
    youth_tables: list[Path] = field(default_factory=list)
    pilots: list[Path] = field(default_factory=list)
    pilot_scouts: list[Path] = field(default_factory=list)  # a pilot's scouts CSV beside its contacten CSV
    unrecognised: list[Path] = field(default_factory=list)


def is_candidate(path: Path) -> bool:
    """True for a file the ingest looks at: a spreadsheet or CSV, not a lock file or hidden file."""
    name = path.name
    return (
        path.is_file()
        and path.suffix.lower() in INPUT_SUFFIXES
        and not name.startswith(("~$", ".~lock", "."))
    )


#: What :func:`classify_input` calls each kind of input; the attribute of :class:`Inputs` that lists them.
KINDS = {"pilot": "pilots", "pilot-scouts": "pilot_scouts", "interviews": "interviews", "cbs": "youth_tables",
         "onbekend": "unrecognised"}


def classify_input(path: Path, mapping: str | Path | None = None) -> str:
    """What a file is: ``pilot``, ``pilot-scouts``, ``interviews``, ``cbs`` or ``onbekend``.

    Pilots first (a pilot's contacten sheet has columns an interview sheet has
    too), then interviews (an interview sheet may count young people buiten
    beeld), then CBS tables (read with the column ``mapping``). A file that
    cannot be read counts as interviews, so that the interview check reports
    it with file and reason instead of the run stopping; so does a file over
    the limits (:func:`~buitenbeeld.readers.check_limits`, checked first and
    again by every reader), which is then unusable.
    """
    from .cbs import looks_like_youth_table
    from .interviews import looks_like_interviews
    from .pilot import is_pilot_companion, is_pilot_workbook
    from .readers import check_limits

    try:
        check_limits(path)
        if is_pilot_workbook(path):
            return "pilot"
        if is_pilot_companion(path):
            return "pilot-scouts"
        if looks_like_interviews(path):
            return "interviews"
        if looks_like_youth_table(path, mapping):
            return "cbs"
        return "onbekend"
    except BuitenbeeldError:
        return "interviews"


def discover_inputs(raw_dir: Path, mapping: str | Path | None = None) -> Inputs:
    """Classify every spreadsheet under ``raw_dir`` (recursively), in a stable order (:func:`classify_input`)."""
    inputs = Inputs()
    if not raw_dir.is_dir():
        return inputs
    for path in sorted(p for p in raw_dir.rglob("*") if is_candidate(p)):
        getattr(inputs, KINDS[classify_input(path, mapping)]).append(path)
    return inputs


#: More of the document properties than this is not read (they are a few hundred bytes).
_CORE_PROPERTIES_BYTES = 64 * 1024


def is_synthetic(path: Path) -> bool:
    """True when the workbook carries the demo data's synthetic marker (xlsx only)."""
    from .readers import check_limits

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


def hash_file(path: Path) -> str:
    """SHA-256 of a file, for the report's account of its inputs (read in blocks: any size)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
