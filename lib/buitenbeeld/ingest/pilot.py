"""Reading pilot workbooks: jongerenscouts and the steps of the young people they work with.

The format (``shared/formats/pilot-scouts-contacten.md``) is one workbook with
a sheet ``contacten`` (one row per step of one young person) and, optionally, a
sheet ``scouts`` (one row per jongerenscout); or the same as CSV files: a
``contacten`` CSV (its header has ``jongere_id`` and ``stap``), with its scouts
in the CSV next to it whose name has ``scouts`` where the first has
``contacten`` (``pilot_venlo_contacten.csv`` and ``pilot_venlo_scouts.csv``).

Before a single row is parsed, every sheet passes the privacy gate
(:func:`buitenbeeld.privacy.gate.check_identifiers`): a file with names, BSNs,
birth dates, addresses, phone numbers or e-mail addresses is refused. The free
text column ``opmerking`` is scanned by that gate and then dropped: it never
reaches the ``contacten`` table.

Every data row ends up loaded or rejected (read = loaded + rejected, per
sheet), with file, sheet, row, column and reason for each problem, as for the
interview workbooks (:mod:`buitenbeeld.ingest.interviews`). The columns and
how each cell is read are in :mod:`buitenbeeld.ingest.pilot_columns`.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from buitenbeeld.common import values
from buitenbeeld.common.readers import is_synthetic, list_sheets, read_rows, read_sheet
from buitenbeeld.common.sheets import Sheet, notes_by_row, with_notes
from buitenbeeld.common.vocabulary import APPRECIATION, CONTACT_SHEET, PROFILE_CRITERIA, SCOUT_SHEET
from buitenbeeld.errors import InputError, RowProblem
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.interviews import Column, file_labels
from buitenbeeld.ingest.pilot_columns import SHEET_COLUMNS, SHEET_HEADERS, column_hint, is_empty, parse_cells
from buitenbeeld.privacy.gate import check_identifiers

__all__ = [
    "PILOT_TABLES", "PilotResult",
    "is_pilot_workbook", "is_pilot_companion", "scouts_csv_for", "read_pilot", "load_pilots",
]

#: Suggested processed table names (attribute of :class:`PilotResult` -> file name).
PILOT_TABLES = {"contacten": "pilot_contacten.parquet", "scouts": "pilot_scouts.parquet",
                "problems": "pilot_problemen.parquet", "sheets": "pilot_bladen.parquet"}
_HEADER_SCAN = 10


# --------------------------------------------------------------------------- one sheet


@dataclass
class _SheetRows:
    """The parsed rows of one sheet."""

    file: str
    sheet: str
    read: int = 0
    records: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _find_header(rows: list[tuple], headers: dict[str, Column]) -> int | None:
    """The row among the first few that names the most known columns (at least two)."""
    best, best_count = None, 1
    for index, row in enumerate(rows[:_HEADER_SCAN]):
        count = sum(1 for v in row if not is_empty(v) and values.normalise_header(str(v)) in headers)
        if count > best_count:
            best, best_count = index, count
    return best


def _parse_sheet(read: Sheet, kind: str, file: str, sheet: str) -> _SheetRows:
    rows, notes = read.rows, read.notes
    result = _SheetRows(file, sheet)
    headers, columns = SHEET_HEADERS[kind], SHEET_COLUMNS[kind]
    at = _find_header(rows, headers)
    if at is None:
        if any(not all(is_empty(v) for v in r) for r in rows):
            required = ", ".join(c.name for c in columns if c.required)
            raise InputError(RowProblem(file, sheet, None, None, None,
                                        f"in de eerste rijen staan niet de kolomnamen van het blad '{kind}'",
                                        f"Zet de kolomnamen ({required}, ...) in rij 1"))
        result.problems.append(RowProblem(file, sheet, None, None, None, wording.SHEET_EMPTY, "", "warning"))
        return result
    mapping: dict[int, Column] = {}
    for position, raw in enumerate(rows[at]):
        column = None if is_empty(raw) else headers.get(values.normalise_header(str(raw)))
        if column is None:
            continue
        if column in mapping.values():
            result.problems.append(RowProblem(file, sheet, at + 1, str(raw), None,
                                              *wording.duplicate_column(column.name), "warning"))
            continue
        mapping[position] = column
    missing = [c.name for c in columns if c.required and c not in mapping.values()]
    noted = notes_by_row(notes, {position: column.name for position, column in mapping.items()})
    required = [c.name for c in columns if c.required]
    for number, row in enumerate(rows[at + 1:], start=at + 2):
        if all(is_empty(v) for v in row) and number not in noted:
            continue
        result.read += 1
        if None in noted.get(number, {}):  # the reader could not split the row (another delimiter)
            result.problems.append(noted[number][None].problem(file, sheet, required[0] if required else None, "error"))
            continue
        if missing:
            result.problems.append(RowProblem(file, sheet, number, missing[0], None,
                                              *wording.missing_columns(missing, at + 1)))
            continue
        cells = {column.name: row[pos] if pos < len(row) else None for pos, column in mapping.items()}
        row_problems: list[RowProblem] = []

        def problem(column: str, reason: str, hint: str, severity: str) -> None:  # called within this row only
            value = cells.get(column)  # noqa: B023
            row_problems.append(RowProblem(file, sheet, number, column, value, reason, hint, severity))  # noqa: B023

        record = parse_cells(cells, columns, problem)
        row_problems = with_notes(row_problems, noted.get(number), file, sheet, required)
        if kind == CONTACT_SHEET and record.get("stap") == "geplaatst" and record.get("plaatsing_soort") is None:
            if any(p.column == "plaatsing_soort" for p in row_problems):  # an unreadable kind rejects a placement
                row_problems = [dataclasses.replace(p, severity="error") if p.column == "plaatsing_soort" else p
                                for p in row_problems]
            else:
                problem("plaatsing_soort", "bij een plaatsing (stap 'geplaatst') hoort een soort plaatsing",
                        column_hint("plaatsing"), "error")
        result.problems.extend(row_problems)
        if any(p.severity == "error" for p in row_problems):
            continue
        record.update(bron_bestand=file, bron_blad=sheet, bron_rij=number)
        result.records.append(record)
    return result


# --------------------------------------------------------------------------- checks across rows


def _check_scouts(scouts: _SheetRows) -> None:
    """A scout_id twice rejects the later row; an end before the start is a warning."""
    seen: dict[str, int] = {}
    kept = []
    for record in scouts.records:
        first = seen.setdefault(record["scout_id"], record["bron_rij"])
        if first != record["bron_rij"]:
            scouts.problems.append(RowProblem(scouts.file, scouts.sheet, record["bron_rij"], "scout_id", record["scout_id"],
                                              f"dubbel: dezelfde scout staat ook in rij {first}",
                                              "Geef elke scout één rij", "error"))
            continue
        start, end = record.get("startdatum"), record.get("einddatum")
        if start and end and end < start:
            scouts.problems.append(RowProblem(scouts.file, scouts.sheet, record["bron_rij"], "einddatum", end,
                                              "de einddatum ligt voor de startdatum", "Controleer beide datums",
                                              "warning"))
        kept.append(record)
    scouts.records = kept


def _check_contacts(contacts: _SheetRows, scouts: _SheetRows | None) -> None:
    """Warnings: a scout_id not in the scouts sheet, the same step twice on one day."""
    known = {r["scout_id"] for r in scouts.records} if scouts is not None else None
    seen: dict[tuple, int] = {}
    for record in contacts.records:
        scout = record.get("scout_id")
        if known is not None and scout and scout not in known:
            contacts.problems.append(RowProblem(contacts.file, contacts.sheet, record["bron_rij"], "scout_id", scout,
                                                f"scout '{scout}' staat niet in het blad '{scouts.sheet}'",
                                                "Zet de scout in dat blad, of verbeter de code", "warning"))
        key = (record["jongere_id"], record["gemeentecode"], record["datum"], record["stap"])
        first = seen.setdefault(key, record["bron_rij"])
        if first != record["bron_rij"]:
            contacts.problems.append(RowProblem(contacts.file, contacts.sheet, record["bron_rij"], "stap", record["stap"],
                                                f"dezelfde stap op dezelfde dag als rij {first}",
                                                "Haal een van de twee rijen weg; de stap telt één keer", "warning"))


# --------------------------------------------------------------------------- files


def _sheet_named(path: Path, name: str) -> str | None:
    return next((s for s in list_sheets(path) if s.strip().casefold() == name), None)


def _csv_header_keys(path: Path) -> set[str]:
    rows = read_rows(path)
    at = _find_header(rows, SHEET_HEADERS[CONTACT_SHEET] | SHEET_HEADERS[SCOUT_SHEET])
    return set() if at is None else {values.normalise_header(str(v)) for v in rows[at] if not is_empty(v)}


def scouts_csv_for(path: Path) -> Path | None:
    """The scouts CSV that belongs to a contacten CSV: ``contacten`` in the name replaced by ``scouts``."""
    path = Path(path)
    stem = re.sub(r"contacten(?!.*contacten)", SCOUT_SHEET, path.stem, flags=re.IGNORECASE)
    return path.with_name(stem + path.suffix) if stem != path.stem else None


def is_pilot_workbook(path: Path) -> bool:
    """True for a pilot file: a workbook with a sheet ``contacten``, or a CSV whose header has ``jongere_id`` and ``stap``.

    A scouts CSV is not a pilot file by itself (see :func:`is_pilot_companion`):
    it is read with its contacten CSV.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        keys = _csv_header_keys(path)
        return {"jongere_id", "stap"} <= keys
    return _sheet_named(path, CONTACT_SHEET) is not None


def is_pilot_companion(path: Path) -> bool:
    """True for a scouts CSV (header has ``scout_id``, no ``jongere_id``, ``scouts`` in the name)."""
    path = Path(path)
    if path.suffix.lower() != ".csv" or SCOUT_SHEET not in path.stem.casefold():
        return False
    keys = _csv_header_keys(path)
    return "scout_id" in keys and "jongere_id" not in keys


def _pilot_label(path: Path) -> str:
    return re.sub(r"[_ -]*contacten$", "", path.stem, flags=re.IGNORECASE) or path.stem


@dataclass
class _FileResult:
    file: str
    path: Path
    contacts: _SheetRows | None
    scouts: _SheetRows | None
    problems: list[RowProblem] = field(default_factory=list)
    synthetic: bool = False


def _parse_file(path: Path, engine: str, file: str | None = None) -> _FileResult:
    file = file or path.name
    if path.suffix.lower() == ".csv":
        companion = scouts_csv_for(path)
        companion = companion if companion is not None and companion.is_file() else None
        for each in (path, companion):
            if each is not None:
                check_identifiers(each, file if each == path else each.name)
        contacts = _parse_sheet(read_sheet(path), CONTACT_SHEET, file, path.stem)
        scouts = _parse_sheet(read_sheet(companion), SCOUT_SHEET, companion.name, companion.stem) if companion else None
    else:
        check_identifiers(path, file)
        contact_sheet = _sheet_named(path, CONTACT_SHEET)
        if contact_sheet is None:
            raise InputError(RowProblem(file, None, None, None, None, wording.no_sheet(CONTACT_SHEET, list_sheets(path)),
                                        f"Zet de stappen van de jongeren in een blad met de naam '{CONTACT_SHEET}'"))
        scout_sheet = _sheet_named(path, SCOUT_SHEET)
        contacts = _parse_sheet(read_sheet(path, contact_sheet, engine), CONTACT_SHEET, file, contact_sheet)
        scouts = _parse_sheet(read_sheet(path, scout_sheet, engine), SCOUT_SHEET, file, scout_sheet) if scout_sheet else None
    if scouts is not None:
        _check_scouts(scouts)
    _check_contacts(contacts, scouts)
    label = _pilot_label(path)
    for record in contacts.records + (scouts.records if scouts else []):
        record["pilot"] = label
    return _FileResult(file, path, contacts, scouts, synthetic=is_synthetic(path))


@dataclass
class PilotResult:
    """What reading pilot files produced.

    ``contacten``: one row per loaded step (``jongere_id``, ``scout_id``,
    ``organisatie_id``, ``gemeentecode``, ``gemeentenaam``, ``datum``
    (datetime64), ``stap``, ``plaatsing_soort``, ``warme_overdracht``,
    ``leefgebieden`` (tuple), ``leeftijd`` (Int64), ``leeftijdsgroep``,
    ``pilot``, ``bron_bestand``, ``bron_blad``, ``bron_rij``); never
    ``opmerking``. ``scouts``: one row per scout (profile criteria, training,
    appreciation, ``pilot`` and source). ``problems``: every error (row
    rejected) and warning (row kept) as :class:`RowProblem` records. ``sheets``:
    per file and sheet the rows read, loaded and rejected; a file that could
    not be used (the privacy gate refused it, no ``contacten`` sheet) has
    ``unusable`` True and its reason among the problems.
    """

    contacten: pd.DataFrame
    scouts: pd.DataFrame
    problems: pd.DataFrame
    sheets: pd.DataFrame
    synthetic: bool = False
    sources: list[Path] = field(default_factory=list)

    @property
    def rejects(self) -> pd.DataFrame:
        """The problems that rejected a row."""
        return self.problems[self.problems["severity"] == "error"]

    def summary_lines(self) -> list[str]:
        """``gelezen N = geladen L + afgewezen R`` (read = loaded + rejected) per sheet, in Dutch."""
        return [wording.counts_line(f"{r.file} [{r.sheet}]" if isinstance(r.sheet, str) and r.sheet else r.file,
                                    r.read, r.loaded, r.rejected)
                + (" (onbruikbaar)" if r.unusable else "") for r in self.sheets.itertuples()]


_CONTACT_TABLE = ["jongere_id", "scout_id", "organisatie_id", "gemeentecode", "gemeentenaam", "datum", "stap",
                  "plaatsing_soort", "warme_overdracht", "leefgebieden", "leeftijd", "leeftijdsgroep", "pilot",
                  "bron_bestand", "bron_blad", "bron_rij"]
_SCOUT_TABLE = ["scout_id", "gemeentecode", "gemeentenaam", "organisatie_id", "startdatum", "einddatum",
                *PROFILE_CRITERIA, "training_afgerond", "training_gedaan", *APPRECIATION, "pilot",
                "bron_bestand", "bron_blad", "bron_rij"]


def _table(records: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=columns)
    if "datum" in frame:
        frame["datum"] = pd.to_datetime(frame["datum"])
        frame["leeftijd"] = frame["leeftijd"].astype("Int64")
        frame["leefgebieden"] = frame["leefgebieden"].map(lambda v: v if isinstance(v, tuple) else ())
    for column in ("startdatum", "einddatum", "training_afgerond"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    for column in set(columns) & {*PROFILE_CRITERIA, *APPRECIATION, "training_gedaan", "warme_overdracht"}:
        frame[column] = frame[column].astype("boolean")
    frame["bron_rij"] = frame["bron_rij"].astype("int64")
    return frame


def _combine(parsed: list[_FileResult], unusable: list[tuple[str, Path, RowProblem]]) -> PilotResult:
    sheets: list[_SheetRows] = [s for f in parsed for s in (f.contacts, f.scouts) if s is not None]
    problems = [p for s in sheets for p in s.problems] + [problem for _, _, problem in unusable]
    counts = []
    for sheet in sheets:
        rejected = {p.row for p in sheet.problems if p.severity == "error" and p.row is not None and p.column}
        counts.append({"file": sheet.file, "sheet": sheet.sheet, "read": sheet.read, "loaded": len(sheet.records),
                       "rejected": len(rejected), "unusable": False})
    counts += [{"file": file, "sheet": problem.sheet, "read": 0, "loaded": 0, "rejected": 0, "unusable": True}
               for file, _, problem in unusable]
    table = pd.DataFrame(counts, columns=["file", "sheet", "read", "loaded", "rejected", "unusable"])
    lost = table[table["read"] != table["loaded"] + table["rejected"]]
    if len(lost):  # a row neither loaded nor rejected would be a bug here, never the user's fault
        raise RuntimeError(f"pilot ingest lost rows: {lost.to_dict('records')}")
    synthetic = {f.file: f.synthetic for f in parsed}
    table.insert(5, "synthetic", [bool(synthetic.get(file, False)) for file in table["file"]])
    return PilotResult(
        contacten=_table([r for f in parsed for r in f.contacts.records], _CONTACT_TABLE),
        scouts=_table([r for f in parsed if f.scouts for r in f.scouts.records], _SCOUT_TABLE),
        problems=pd.DataFrame([p.as_record() for p in problems], columns=list(RowProblem.__dataclass_fields__)),
        sheets=table,
        synthetic=any(synthetic.values()),
        sources=[f.path for f in parsed] + [path for _, path, _ in unusable],
    )


def read_pilot(path: Path, engine: str = "calamine") -> PilotResult:
    """Read one pilot file (a workbook, or a contacten CSV with its scouts CSV).

    Raises
    ------
    IdentifiersFoundError
        (an :class:`InputError`) when the file holds direct identifiers: run
        ``buitenbeeld pseudonimiseer`` first.
    InputError
        When the file cannot be opened or has no ``contacten`` sheet.
    """
    return _combine([_parse_file(Path(path), engine)], [])


def load_pilots(paths: list[Path], engine: str = "calamine") -> PilotResult:
    """Read several pilot files into one result; a file that cannot be used is listed, the rest loads.

    A file refused by the privacy gate is such a file: none of its rows is
    loaded, and its problem says which columns hold identifiers.
    """
    paths = [Path(p) for p in paths]
    parsed, unusable = [], []
    for path, label in zip(paths, file_labels(paths) if paths else []):
        try:
            parsed.append(_parse_file(path, engine, label))
        except InputError as error:
            unusable.append((label, path, dataclasses.replace(error.problem, file=label)))
    return _combine(parsed, unusable)
