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
    "discover_inputs",
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


def discover_inputs(raw_dir: Path) -> Inputs:
    """Classify every spreadsheet under ``raw_dir`` (recursively), in a stable order."""
    from .cbs import looks_like_youth_table
    from .interviews import looks_like_interviews
    from .pilot import is_pilot_companion, is_pilot_workbook

    inputs = Inputs()
    if not raw_dir.is_dir():
        return inputs
    for path in sorted(p for p in raw_dir.rglob("*") if is_candidate(p)):
        try:
            # first: a pilot's contacten sheet has columns an interview sheet has too
            if is_pilot_workbook(path):
                inputs.pilots.append(path)
            elif is_pilot_companion(path):
                inputs.pilot_scouts.append(path)
            elif looks_like_interviews(path):
                inputs.interviews.append(path)
            elif looks_like_youth_table(path):
                inputs.youth_tables.append(path)
            else:
                inputs.unrecognised.append(path)
        except BuitenbeeldError:
            # unreadable: let the interview ingest report it with file and reason
            inputs.interviews.append(path)
    return inputs


def is_synthetic(path: Path) -> bool:
    """True when the workbook carries the demo data's synthetic marker (xlsx only)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    # the document properties are one small XML part; opening the workbook would
    # parse every sheet's dimensions, which takes seconds on a large kaart
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", errors="replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return False
    match = re.search(r"<dc:subject>(.*?)</dc:subject>", core, flags=re.S)
    return bool(match) and html.unescape(match.group(1)).strip() == SYNTHETIC_SUBJECT


def hash_file(path: Path) -> str:
    """SHA-256 of a file, for the report's account of its inputs."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
