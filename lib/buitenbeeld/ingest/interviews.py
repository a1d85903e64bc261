"""Reading sociale-kaart interview workbooks into typed tables.

The format is one row per interviewed organisation in a sheet ``organisaties``
(xlsx, ods or a CSV export). Every data row ends up either in the
organisations table or among the rejects, with file, sheet, row, column and
reason; values that were interpreted (``ca. 40``, ``30-50``) are flagged as
estimates, unknown answers stay missing, never zero. Personal columns go to a
separate table that analysis and reports do not read. Checks across cells,
rows and files are in :mod:`buitenbeeld.ingest.validation`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from buitenbeeld import settings
from buitenbeeld.common import values
from buitenbeeld.common.formatting import format_letters
from buitenbeeld.common.readers import is_synthetic, list_sheets, read_rows, read_sheet
from buitenbeeld.common.sheets import CellNote, notes_by_row, with_notes
from buitenbeeld.common.vocabulary import INTERVIEW_SHEET
from buitenbeeld.errors import InputError, RowProblem, UnknownGemeenteError
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.interview_result import IngestResult
from buitenbeeld.ingest.rounds import assign_rounds, split_rounds
from buitenbeeld.ingest.validation import apply_rules, resolve_duplicates
from buitenbeeld.reference.gemeenten import resolve_gemeente

__all__ = [
    "COLUMNS",
    "PERSONAL_COLUMNS",
    "NUMBER_COLUMNS",
    "FRACTION_COLUMNS",
    "COLUMN_ABSENT",
    "IngestResult",
    "looks_like_interviews",
    "read_interviews",
    "load_interviews",
    "file_labels",
    "organisation_id",
]


@dataclass(frozen=True)
class Column:
    """One column of the interview format."""

    name: str
    kind: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


#: The interview format, in the order of the template. ``label`` is the Dutch
#: column label a user may write instead of the name.
COLUMNS: tuple[Column, ...] = (
    Column("organisatie_id", "text", "Organisatie-id", aliases=("id",)),
    Column("naam", "text", "Naam organisatie", True, ("organisatie", "organisatienaam", "naam_van_de_organisatie")),
    Column("gemeente", "gemeente", "Gemeente", True),
    Column("wijk", "wijken", "Wijk(en)", aliases=("wijken",)),
    Column("postcode", "postcode", "Postcode"),
    Column("type", "type", "Type organisatie", True, ("soort", "soort_organisatie")),
    Column("datum_interview", "date", "Datum interview", aliases=("datum", "interviewdatum")),
    Column("ronde", "text", "Interviewronde", aliases=("ronde_nr", "rondenummer", "interview_ronde")),
    Column("interviewer", "personal", "Interviewer"),
    Column("contactpersoon", "personal", "Contactpersoon"),
    Column("telefoon", "personal", "Telefoon", aliases=("telefoonnummer", "tel")),
    Column("email", "personal", "E-mail", aliases=("e_mail", "e_mailadres", "emailadres", "mail")),
    Column("jongeren_bereik", "number", "Jongeren in contact per maand", aliases=("bereik",)),
    Column("jongeren_buiten_beeld", "number", "Waarvan buiten beeld"),
    Column("jongeren_zorgwekkend", "number", "Waarvan zorgwekkend"),
    Column("vertrouwensband", "scale", "Vertrouwensband (1-5)"),
    Column("leefgebieden", "leefgebieden", "Leefgebieden (ZRM)"),
    Column("gesprekken_per_maand", "number", "Gesprekken per maand"),
    Column("doorverwijzingen_12m", "number", "Doorverwijzingen (12 mnd)"),
    Column("plaatsingen_opleiding_12m", "number", "Plaatsingen opleiding (12 mnd)"),
    Column("plaatsingen_werk_12m", "number", "Plaatsingen werk (12 mnd)"),
    Column("plaatsingen_stage_12m", "number", "Plaatsingen stage (12 mnd)"),
    Column("contact_na_plaatsing", "janeesoms", "Contact na plaatsing"),
    Column("terugval_opgevangen_12m", "number", "Terugval opgevangen (12 mnd)"),
    Column("rollen_nu", "roles", "Rollen nu"),
    Column("rollen_bereid", "roles", "Rollen bereid"),
    Column("rollen_gemeente", "roles", "Rollen die de gemeente beoogt", aliases=("beoogde_rollen", "rol_gemeente")),
    Column("inschatting_gemeente_buiten_beeld", "number", "Inschatting gemeente buiten beeld"),
    Column("samenwerking_gemeente", "scale", "Samenwerking gemeente (1-5)"),
    Column("behoeften", "text", "Behoeften"),
    Column("risicos", "text", "Risico's", aliases=("risico_s",)),
    Column("toestemming_publicatie", "consent", "Toestemming publicatie", aliases=("toestemming",)),
    Column("opmerkingen", "text", "Opmerkingen"),
)
PERSONAL_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "personal")
_REQUIRED = tuple(c.name for c in COLUMNS if c.required)
NUMBER_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "number")
#: Missing reason of a number whose column the file does not have.
COLUMN_ABSENT = "niet gevraagd"
#: Number columns that may hold a fraction (an average); every other number column
#: counts young people (or their referrals and placements) and must be whole.
#: All number columns are limited by ``settings.LIMITS.max_youth_per_organisation``.
FRACTION_COLUMNS = ("gesprekken_per_maand",)
_LIMIT_TEXT = "de grens voor één organisatie"
_SCALE_HINT = "Schrijf een heel getal van 1 tot en met 5, of laat de cel leeg als je het niet weet"
_NUMBER_HINT = wording.unknown_hint("Schrijf een aantal, een schatting zoals 'ca. 40' of '30-50', of 'onbekend'")
#: Error values as Excel and LibreOffice show them (#DIV/0!, #N/B, #WAARDE!, #REF!, Err:502).
_SPREADSHEET_ERROR = re.compile(r"^(#[A-Z0-9/]+[!?]?|#N/[AB]|Err:\d+)$", re.IGNORECASE)
#: How many rows from the top the header row may be (title rows above it are allowed).
_HEADER_SCAN = 10


def _header_index() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for spelling in (column.name, column.label, *column.aliases):
            index[values.normalise_header(spelling)] = column
    return index


_HEADERS = _header_index()

def _cached(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Parse each distinct text once: answers repeat a lot in a large kaart."""
    cached = lru_cache(maxsize=16384)(parse)
    return lambda raw: cached(raw) if isinstance(raw, str) else parse(raw)


# kind -> (parser, hint shown when it fails)
_PARSERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "date": (_cached(values.parse_date), "Schrijf een datum, zoals 5-3-2024 of 2024-03-05"),
    "scale": (_cached(values.parse_scale), _SCALE_HINT),
    "janeesoms": (_cached(values.parse_ja_nee_soms), "Schrijf ja, nee of soms"),
    # only an explicit yes is consent; an unclear answer is a warning and counts as no (see _parse_row)
    "consent": (_cached(values.parse_consent), values.CONSENT_HINT),
    "leefgebieden": (_cached(values.parse_leefgebieden),
                     "Schrijf de namen of de nummers (1 tot en met 13) van de ZRM, met een puntkomma (;) ertussen"),
    "roles": (_cached(values.parse_roles), "Schrijf bereiken, activeren, plaatsen of behouden, met een puntkomma (;) ertussen"),
    "wijken": (_cached(values.parse_wijken), "Zet een puntkomma (;) tussen meerdere wijken"),
    "type": (_cached(values.parse_type), "Kies uit: " + ", ".join(values.ORGANISATION_TYPES)),
}


@dataclass
class _FileRows:
    """The parsed rows of one file, before the checks across rows and files."""

    file: str
    read: int
    records: list[dict]
    problems: list[RowProblem]
    synthetic: bool
    path: Path
    unusable: bool = False
    personal: list[dict] = field(default_factory=list)


def organisation_id(gemeentecode: str, naam: str) -> str:
    """The id of an organisation without its own: ``GM0518-boksschool-de-vuist``.

    Stable for the same gemeente and name; a name without Latin letters or
    digits gets a short hash instead. The demo pilots use it to point at the
    demo organisations.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", values.normalise_header(naam)).strip("-")
    return f"{gemeentecode}-{slug or 'n' + hashlib.sha1(str(naam).strip().encode('utf-8')).hexdigest()[:10]}"


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _recognised(row: tuple) -> int:
    return sum(1 for v in row if not _is_empty(v) and values.normalise_header(str(v)) in _HEADERS)


def _find_header(rows: list[tuple]) -> int | None:
    """Index of the header row: the row among the first few that names the most known columns."""
    best, best_count = None, 1
    for index, row in enumerate(rows[:_HEADER_SCAN]):
        count = _recognised(row)
        if count > best_count:
            best, best_count = index, count
    return best


def _map_headers(rows: list[tuple], at: int, file: str, sheet: str | None) -> tuple[dict[int, Column], list[RowProblem]]:
    mapping: dict[int, Column] = {}
    problems: list[RowProblem] = []
    for position, raw in enumerate(rows[at]):
        if _is_empty(raw):
            if any(position < len(r) and not _is_empty(r[position]) for r in rows[at + 1:]):
                letter = format_letters(position)
                problems.append(RowProblem(
                    file, sheet, at + 1, letter, None,
                    f"kolom {letter} heeft gegevens, maar geen naam in de rij met kolomnamen (zijn cellen "
                    "samengevoegd?)",
                    "Geef elke kolom een eigen naam in de rij met kolomnamen; deze kolom wordt nu overgeslagen",
                    "warning"))
            continue
        column = _HEADERS.get(values.normalise_header(str(raw)))
        if column is None:
            continue  # extra columns are allowed and ignored
        if column in mapping.values():
            problems.append(RowProblem(file, sheet, at + 1, str(raw), None, *wording.duplicate_column(column.name),
                                       "warning"))
            continue
        mapping[position] = column
    return mapping, problems


def _parse_row(cells: dict[str, Any], file: str, sheet: str | None, row: int) -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse one row; ``cells`` holds only the columns the file has."""
    record: dict[str, Any] = {}
    problems: list[RowProblem] = []

    def problem(column: str, reason: str, hint: str, severity: str) -> None:
        problems.append(RowProblem(file, sheet, row, column, cells.get(column), reason, hint, severity))

    for column in COLUMNS:
        raw = cells.get(column.name)
        if column.required and _is_empty(raw):
            problem(column.name, *wording.required_empty(column.name, column.label), "error")
            continue
        if isinstance(raw, str) and _SPREADSHEET_ERROR.match(raw.strip()):
            problem(column.name, f"in de cel staat een foutmelding van Excel of LibreOffice ({raw.strip()}), "
                    "geen antwoord", "Controleer de formule in deze cel, of typ de waarde in",
                    "error" if column.required else "warning")
            if column.required:
                continue
            raw = None
        try:
            if column.kind == "number":
                number = _read_count(raw, column.name)
                if column.name not in cells:
                    number = values.Number(None, None, None, False, COLUMN_ABSENT)
                if number.missing_reason == values.MISSING_IMPLAUSIBLE:  # the reason names no value: nor does this
                    problems.append(RowProblem(file, sheet, row, column.name, None, number.problem,
                                               values.COUNT_HINT, "warning"))
                elif number.problem:
                    problem(column.name, number.problem, _NUMBER_HINT, "warning")
                record[column.name] = number.value
                record[f"{column.name}_min"] = number.low
                record[f"{column.name}_max"] = number.high
                record[f"{column.name}_geschat"] = number.estimate
                record[f"{column.name}_onbekend"] = number.missing_reason
            elif column.kind == "gemeente":
                gemeente = resolve_gemeente(str(raw))
                record["gemeentecode"], record["gemeentenaam"] = gemeente.code, gemeente.naam
            elif column.kind in _PARSERS:
                record[column.name] = _PARSERS[column.kind][0](raw)
            elif column.kind == "postcode":
                record[column.name] = _parse_postcode(raw)
            else:
                record[column.name] = None if _is_empty(raw) else str(raw).strip()
        except UnknownGemeenteError as error:
            problem(column.name, error.reason, error.hint, "error")
        except ValueError as error:
            hint = _PARSERS.get(column.kind, (None, ""))[1]
            if column.required:
                problem(column.name, str(error), hint, "error")
            else:  # an unclear consent is no consent: its reason says so, and it is no unknown value
                problem(column.name, str(error), hint if column.kind == "consent" else wording.unknown_hint(hint), "warning")
            record[column.name] = False if column.kind == "consent" else None
    return record, problems


def _read_count(raw: Any, column: str) -> values.Number:
    """A count of one organisation, checked for plausibility (see :func:`values.read_count`).

    Not finite, below 0, not whole (except :data:`FRACTION_COLUMNS`) or above
    ``settings.LIMITS.max_youth_per_organisation`` (read now, so a changed limit counts)
    becomes unknown with a Dutch reason; the row stays.
    """
    return values.read_count(raw, column, settings.LIMITS.max_youth_per_organisation,
                             whole=column not in FRACTION_COLUMNS, limit=_LIMIT_TEXT)


def _parse_postcode(raw: Any) -> str | None:
    if _is_empty(raw):
        return None
    text = str(raw).strip().upper().replace(" ", "")
    if not re.fullmatch(r"[1-9]\d{3}([A-Z]{2})?", text):
        raise ValueError("hier hoort een Nederlandse postcode, zoals 1234 AB")
    return f"{text[:4]} {text[4:]}".strip()


def _choose_sheet(path: Path, engine: str) -> tuple[str | None, list[tuple], list[RowProblem], list[CellNote]]:
    """The interview sheet: ``organisaties``, else the one sheet that looks like it; with the reader's notes."""
    if path.suffix.lower() == ".csv":
        read = read_sheet(path, None, engine)
        return None, read.rows, [], read.notes
    sheets = list_sheets(path)
    named = next((s for s in sheets if s.strip().lower() == INTERVIEW_SHEET), None)
    if named is not None:
        read = read_sheet(path, named, engine)
        return named, read.rows, [], read.notes
    candidates = []
    for sheet in sheets:
        read = read_sheet(path, sheet, engine)
        header = _find_header(read.rows)
        if header is not None and _recognised(read.rows[header]) >= 3:
            candidates.append(read)
    if len(candidates) == 1:
        sheet, rows, notes = candidates[0].name, candidates[0].rows, candidates[0].notes
        return sheet, rows, [RowProblem(path.name, sheet, None, None, None,
                                        f"er is geen blad '{INTERVIEW_SHEET}'; het blad '{sheet}' heeft de "
                                        "interviews en wordt gebruikt",
                                        f"Geef het blad de naam '{INTERVIEW_SHEET}'", "warning")], notes
    raise InputError(RowProblem(path.name, None, None, None, None, wording.no_sheet(INTERVIEW_SHEET, sheets),
                                f"Zet de interviews in een blad met de naam '{INTERVIEW_SHEET}'"))


def _parse_file(path: Path, engine: str, file: str | None = None) -> _FileRows:
    """Parse one file's rows; raises InputError when the file or its sheet cannot be used.

    ``file`` is the name problems and the tables use (default: the file name).
    """
    file = file or path.name
    sheet, rows, problems, notes = _choose_sheet(path, engine)
    synthetic = path.suffix.lower() in (".xlsx", ".xlsm") and is_synthetic(path)
    at = _find_header(rows)
    if at is None:
        if any(not all(_is_empty(v) for v in r) for r in rows):
            raise InputError(RowProblem(file, sheet, None, None, None,
                                        "in de eerste rijen staan niet de kolomnamen van de interviews",
                                        "Zet de kolomnamen (naam, gemeente, type, ...) in rij 1"))
        problems.append(RowProblem(file, sheet, None, None, None, wording.SHEET_EMPTY, "", "warning"))
        return _FileRows(file, 0, [], problems, synthetic, path)
    mapping, header_problems = _map_headers(rows, at, file, sheet)
    problems.extend(header_problems)
    missing = [c for c in COLUMNS if c.required and c not in mapping.values()]
    noted = notes_by_row(notes, {position: column.name for position, column in mapping.items()})
    records, read, personal = [], 0, []
    for number, row in enumerate(rows[at + 1:], start=at + 2):
        if all(_is_empty(v) for v in row) and number not in noted:
            continue
        read += 1
        if missing:
            problems.append(RowProblem(file, sheet, number, missing[0].name, None,
                                       *wording.missing_columns([c.name for c in missing], at + 1)))
            continue
        cells = {column.name: row[pos] if pos < len(row) else None for pos, column in mapping.items()}
        # every row's contact details, rejected rows too: the privacy check must know them all
        personal.append({"bron_bestand": file, "bron_rij": number,
                         **{c: None if _is_empty(cells.get(c)) else str(cells[c]).strip() for c in PERSONAL_COLUMNS}})
        whole_row = noted.get(number, {}).get(None)
        if whole_row is not None:  # a CSV row with another delimiter: its cells are not where the header says
            first = mapping.get(0)
            problems.append(whole_row.problem(file, sheet, first.name if first else format_letters(0), "error"))
            continue
        record, row_problems = _parse_row(cells, file, sheet, number)
        row_problems = with_notes(row_problems, noted.get(number), file, sheet, _REQUIRED)
        problems.extend(row_problems)
        if any(p.severity == "error" for p in row_problems):
            continue
        record["organisatie_id"] = record.get("organisatie_id") or organisation_id(record['gemeentecode'], record['naam'])
        record["toestemming_publicatie"] = bool(record.get("toestemming_publicatie"))
        record.update(bron_bestand=file, bron_blad=sheet or "", bron_rij=number)
        records.append(record)
    return _FileRows(file, read, records, problems, synthetic, path, personal=personal)


def _typed(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame
    numeric = [f"{c}{s}" for c in NUMBER_COLUMNS for s in ("", "_min", "_max")]
    frame[numeric] = frame[numeric].astype("float64")
    for column in ("vertrouwensband", "samenwerking_gemeente"):
        frame[column] = frame[column].astype("Int64")
    return frame


def looks_like_interviews(path: Path) -> bool:
    """True for a file with an ``organisaties`` sheet, or a sheet or CSV with interview columns."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        if any(s.strip().lower() == INTERVIEW_SHEET for s in list_sheets(path)):
            return True
        sheets = list_sheets(path)
    else:
        sheets = [None]
    for sheet in sheets:
        rows = read_rows(path, sheet)
        header = _find_header(rows)
        if header is not None and _recognised(rows[header]) >= 3:
            return True
    return False


def read_interviews(path: Path, engine: str = "calamine") -> IngestResult:
    """Read one interview file (xlsx from Excel or LibreOffice, ods, or CSV).

    Raises
    ------
    InputError
        When the file cannot be opened or has no interview sheet.
    """
    return _combine([_parse_file(Path(path), engine)])


def load_interviews(paths: list[Path], engine: str = "calamine") -> IngestResult:
    """Read several interview files into one result, checked across files.

    A file that cannot be used at all is listed among the problems (with no
    rows); the others load.
    """
    paths = [Path(p) for p in paths]
    parsed = []
    for path, label in zip(paths, file_labels(paths)):
        try:
            parsed.append(_parse_file(path, engine, label))
        except InputError as error:
            problem = dataclasses.replace(error.problem, file=label)
            parsed.append(_FileRows(label, 0, [], [problem], False, path, unusable=True))
    return _combine(parsed)


def file_labels(paths: list[Path]) -> list[str]:
    """File names, or paths from the common folder when two files share a name.

    How each file is named in problems and per-file counts, of interview and pilot files alike.
    """
    names = [p.name for p in paths]
    if len(set(names)) == len(names):
        return names
    root = Path(os.path.commonpath([p.resolve().parent for p in paths]))
    return [p.resolve().relative_to(root).as_posix() for p in paths]


def _rejected_rows(problems: list[RowProblem]) -> dict[str, set[int]]:
    """Per file, the rows that an error rejected."""
    rows: dict[str, set[int]] = {}
    for problem in problems:
        if problem.severity == "error" and problem.row is not None and problem.column is not None:
            rows.setdefault(problem.file, set()).add(problem.row)
    return rows


def _combine(parsed: list[_FileRows]) -> IngestResult:
    """Check across rows and files, split off the personal columns, count per file."""
    problems = [p for f in parsed for p in f.problems]
    frame = _typed([r for f in parsed for r in f.records])
    conflicts = pd.DataFrame()
    if not frame.empty:
        frame = assign_rounds(frame)  # before the duplicates: one organisation in two rounds is no duplicate
        keep, duplicate_problems, conflicts = resolve_duplicates(frame)
        problems.extend(duplicate_problems)
        frame = frame[keep].reset_index(drop=True)
        rule_problems, codes = apply_rules(frame)
        problems.extend(rule_problems)
        frame["waarschuwingen"] = codes.map(tuple)
        frame = frame.drop(columns=[c for c in PERSONAL_COLUMNS if c in frame])
    personal = pd.DataFrame([p for f in parsed for p in f.personal],
                            columns=["bron_bestand", "bron_rij", *PERSONAL_COLUMNS])
    ids = frame[["bron_bestand", "bron_rij", "organisatie_id"]] if not frame.empty else \
        pd.DataFrame(columns=["bron_bestand", "bron_rij", "organisatie_id"])
    personal = personal.merge(ids, on=["bron_bestand", "bron_rij"], how="left")
    personal = personal[["organisatie_id", "bron_bestand", "bron_rij", *PERSONAL_COLUMNS]]
    loaded = frame["bron_bestand"].value_counts() if not frame.empty else pd.Series(dtype=int)
    rejected = _rejected_rows(problems)
    files = pd.DataFrame(
        [{"file": f.file, "read": f.read, "loaded": int(loaded.get(f.file, 0)),
          "rejected": len(rejected.get(f.file, ())), "synthetic": f.synthetic, "unusable": f.unusable}
         for f in parsed],
        columns=["file", "read", "loaded", "rejected", "synthetic", "unusable"],
    )
    lost = files[files["read"] != files["loaded"] + files["rejected"]]
    if len(lost):  # a row neither loaded nor rejected would be a bug here, never the user's fault
        raise RuntimeError(f"ingest lost rows: {lost.to_dict('records')}")
    current, earlier = split_rounds(frame)
    return IngestResult(
        organisaties=current,
        eerdere_rondes=earlier,
        personal=personal,
        problems=pd.DataFrame([p.as_record() for p in problems], columns=list(RowProblem.__dataclass_fields__)),
        files=files,
        conflicts=conflicts,
        synthetic=any(f.synthetic for f in parsed),
        sources=[f.path for f in parsed],
    )
