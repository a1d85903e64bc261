"""Finding the input files in a data folder and telling what each one is.

A raw folder holds interview files (a sheet ``organisaties``, or a CSV with the
interview columns), CBS tables of youth figures, CBS tables of inhabitants per
wijk, pilot workbooks and aanpak workbooks (the five steps), in any subfolder.
Files are classified by their content, not their name, so users can name and
arrange them as they like.

Each input kind is one module that both recognises and reads its files
(:mod:`~buitenbeeld.ingest.pilot`, :mod:`~buitenbeeld.ingest.aanpak`,
:mod:`~buitenbeeld.ingest.interviews`, :mod:`~buitenbeeld.ingest.cbs_wijken`,
:mod:`~buitenbeeld.ingest.cbs`); :data:`REGISTRY` lists them in the order they
are asked, so a new kind is one module and one line here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from buitenbeeld.common.limits import check_limits
from buitenbeeld.errors import BuitenbeeldError
from buitenbeeld.ingest import aanpak, cbs, cbs_wijken, interviews, pilot
from buitenbeeld.settings import INPUT_SUFFIXES

__all__ = [
    "Inputs",
    "Kind", "REGISTRY", "KINDS",
    "discover_inputs", "classify_input",
    "is_candidate",
]



@dataclass
class Inputs:
    """The input files of one raw folder, by kind."""

    interviews: list[Path] = field(default_factory=list)
    youth_tables: list[Path] = field(default_factory=list)
    pilots: list[Path] = field(default_factory=list)
    pilot_scouts: list[Path] = field(default_factory=list)  # a pilot's scouts CSV beside its contacten CSV
    aanpak: list[Path] = field(default_factory=list)  # a gemeente's choices in the five steps
    wijk_tables: list[Path] = field(default_factory=list)  # CBS inhabitants and young people per wijk
    unrecognised: list[Path] = field(default_factory=list)


def is_candidate(path: Path) -> bool:
    """True for a file the ingest looks at: a spreadsheet or CSV, not a lock file or hidden file."""
    name = path.name
    return (
        path.is_file()
        and path.suffix.lower() in INPUT_SUFFIXES
        and not name.startswith(("~$", ".~lock", "."))
    )


@dataclass(frozen=True)
class Kind:
    """An input kind: what :func:`classify_input` calls it, where :class:`Inputs` lists it, how it is recognised."""

    name: str
    attribute: str
    recognise: Callable[[Path, str | Path | None], bool]


#: The input kinds, in the order they are asked. Pilots first (a pilot's contacten
#: sheet has columns an interview sheet has too), then aanpak workbooks (their step
#: tables have a wijk and a soort, as interviews do), then interviews (an interview
#: sheet may count young people buiten beeld), then CBS wijk tables and CBS tables.
REGISTRY = (
    Kind("pilot", "pilots", lambda path, mapping: pilot.is_pilot_workbook(path)),
    Kind("pilot-scouts", "pilot_scouts", lambda path, mapping: pilot.is_pilot_companion(path)),
    Kind("aanpak", "aanpak", lambda path, mapping: aanpak.looks_like_aanpak(path)),
    Kind("interviews", "interviews", lambda path, mapping: interviews.looks_like_interviews(path)),
    Kind("cbs-wijken", "wijk_tables", lambda path, mapping: cbs_wijken.looks_like_wijk_table(path)),
    Kind("cbs", "youth_tables", cbs.looks_like_youth_table),
)
#: What a file that no kind recognises is called.
UNKNOWN = Kind("onbekend", "unrecognised", lambda path, mapping: True)
#: What :func:`classify_input` calls each kind of input; the attribute of :class:`Inputs` that lists them.
KINDS = {kind.name: kind.attribute for kind in (*REGISTRY, UNKNOWN)}


def classify_input(path: Path, mapping: str | Path | None = None) -> str:
    """What a file is: the name of the first kind of :data:`REGISTRY` that recognises it, or ``onbekend``.

    The CBS kind reads with the column ``mapping``. A file that cannot be read
    counts as interviews, so that the interview check reports it with file and
    reason instead of the run stopping; so does a file over the limits
    (:func:`~buitenbeeld.common.limits.check_limits`, checked first and again by
    every reader), which is then unusable.
    """
    try:
        check_limits(path)
        return next((kind.name for kind in REGISTRY if kind.recognise(path, mapping)), UNKNOWN.name)
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


