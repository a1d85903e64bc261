"""Reading sociale-kaart interview workbooks into typed tables.

The format is one row per interviewed organisation in a sheet ``organisaties``
(see the interview format in the README). Every data row ends up either in the
organisations table or among the rejects, with file, sheet, row, column and
reason; values that were interpreted (``ca. 40``, ``30-50``) are flagged as
estimates, unknown answers stay missing, never zero. Personal columns go to a
separate table that analysis and reports do not read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from openpyxl import load_workbook

from . import values
from .errors import InputError, RowProblem, UnknownGemeenteError
from .gemeenten import resolve_gemeente
from .sources import INTERVIEW_SHEET, is_synthetic

__all__ = [
    "COLUMNS",
    "PERSONAL_COLUMNS",
    "NUMBER_COLUMNS",
    "IngestResult",
    "read_interviews",
    "load_interviews",
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
    Column("inschatting_gemeente_buiten_beeld", "number", "Inschatting gemeente buiten beeld"),
    Column("samenwerking_gemeente", "scale", "Samenwerking gemeente (1-5)"),
    Column("behoeften", "text", "Behoeften"),
    Column("risicos", "text", "Risico's", aliases=("risico_s",)),
    Column("toestemming_publicatie", "bool", "Toestemming publicatie", aliases=("toestemming",)),
    Column("opmerkingen", "text", "Opmerkingen"),
)
PERSONAL_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "personal")
NUMBER_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "number")
#: Missing reason of a number whose column the file does not have.
COLUMN_ABSENT = "niet gevraagd"
_SCALE_HINT = "Use a whole number from 1 to 5, or leave it empty when unknown"


def _header_index() -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for spelling in (column.name, column.label, *column.aliases):
            index[values.normalise_header(spelling)] = column
    return index


_HEADERS = _header_index()

# kind -> (parser, hint shown when it fails)
_PARSERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "date": (values.parse_date, "Write a date like 5-3-2024 or 2024-03-05"),
    "scale": (values.parse_scale, _SCALE_HINT),
    "janeesoms": (values.parse_ja_nee_soms, "Use ja, nee or soms"),
    "bool": (values.parse_bool, "Use ja or nee"),
    "leefgebieden": (values.parse_leefgebieden, "Use ZRM names or numbers 1-13, separated by ';'"),
    "roles": (values.parse_roles, "Use bereiken, activeren, plaatsen, behouden, separated by ';'"),
    "wijken": (values.parse_wijken, "Separate several wijken with ';'"),
    "type": (values.parse_type, "Use one of: " + ", ".join(values.ORGANISATION_TYPES)),
}


@dataclass
class IngestResult:
    """What reading interview workbooks produced.

    ``organisaties`` has one row per loaded organisation and no personal
    columns; ``personal`` holds those, keyed by ``organisatie_id``;
    ``problems`` lists every error (row rejected) and warning (row kept, value
    flagged); ``files`` has per file the rows read, loaded and rejected.
    """

    organisaties: pd.DataFrame
    personal: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    synthetic: bool = False
    sources: list[Path] = field(default_factory=list)

    @property
    def rejects(self) -> pd.DataFrame:
        """The problems that rejected a row."""
        return self.problems[self.problems["severity"] == "error"]

    def summary_lines(self) -> list[str]:
        """``read N = loaded L + rejected R`` per file and in total."""
        lines = [
            f"{row.file}: read {row.read} = loaded {row.loaded} + rejected {row.rejected}"
            for row in self.files.itertuples()
        ]
        total = self.files[["read", "loaded", "rejected"]].sum()
        lines.append(f"total: read {total['read']} = loaded {total['loaded']} + rejected {total['rejected']}")
        return lines


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", values.normalise_header(text)).strip("-")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _map_headers(header: tuple, file: str) -> tuple[dict[int, Column], list[RowProblem]]:
    mapping: dict[int, Column] = {}
    problems: list[RowProblem] = []
    for position, raw in enumerate(header):
        if _is_empty(raw):
            continue
        column = _HEADERS.get(values.normalise_header(str(raw)))
        if column is None:
            continue  # extra columns are kept out of the analysis and ignored
        if column in mapping.values():
            problems.append(RowProblem(file, INTERVIEW_SHEET, 1, str(raw), None,
                                       f"column '{column.name}' appears twice; the first is used",
                                       "Remove or rename the second column", "warning"))
            continue
        mapping[position] = column
    return mapping, problems


def _parse_row(cells: dict[str, Any], file: str, row: int) -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse one row; ``cells`` holds only the columns the file has."""
    record: dict[str, Any] = {}
    problems: list[RowProblem] = []

    def problem(column: str, reason: str, hint: str, severity: str) -> None:
        problems.append(RowProblem(file, INTERVIEW_SHEET, row, column, cells.get(column), reason, hint, severity))

    for column in COLUMNS:
        raw = cells.get(column.name)
        if column.required and _is_empty(raw):
            problem(column.name, f"'{column.name}' is required and empty", f"Fill in the {column.label.lower()}", "error")
            continue
        try:
            if column.kind == "number":
                number = values.parse_number(raw)
                if column.name not in cells:
                    number = values.Number(None, None, None, False, COLUMN_ABSENT)
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
            problem(column.name, str(error).split(" Use the CBS name")[0], "Use the CBS name, code or a common name", "error")
        except ValueError as error:
            severity = "error" if column.required else "warning"
            hint = _PARSERS.get(column.kind, (None, ""))[1]
            problem(column.name, str(error), hint + ("" if column.required else "; the value is treated as unknown"), severity)
            if column.kind == "number":
                for suffix in ("", "_min", "_max"):
                    record[f"{column.name}{suffix}"] = None
                record[f"{column.name}_geschat"] = False
                record[f"{column.name}_onbekend"] = "ongeldig"
            else:
                record[column.name] = None
    return record, problems


def _parse_postcode(raw: Any) -> str | None:
    if _is_empty(raw):
        return None
    text = str(raw).strip().upper().replace(" ", "")
    if not re.fullmatch(r"[1-9]\d{3}([A-Z]{2})?", text):
        raise ValueError("expected a Dutch postcode like 1234 AB")
    return f"{text[:4]} {text[4:]}".strip()


def read_interviews(path: Path) -> IngestResult:
    """Read one interview workbook (xlsx from Excel or LibreOffice).

    Raises
    ------
    InputError
        When the file has no ``organisaties`` sheet or cannot be opened.
    """
    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types
        raise InputError(RowProblem(path.name, None, None, None, None,
                                    f"cannot open the workbook ({error})",
                                    "Save it as .xlsx from Excel or LibreOffice")) from error
    try:
        sheet_name = next((s for s in workbook.sheetnames if s.strip().lower() == INTERVIEW_SHEET), None)
        if sheet_name is None:
            raise InputError(RowProblem(path.name, None, None, None, None,
                                        f"no sheet '{INTERVIEW_SHEET}' (sheets: {', '.join(workbook.sheetnames)})",
                                        f"Put the interviews in a sheet named '{INTERVIEW_SHEET}'"))
        rows = list(workbook[sheet_name].iter_rows(values_only=True))
    finally:
        workbook.close()
    return _ingest_rows(path, rows, is_synthetic(path))


def _ingest_rows(path: Path, rows: list[tuple], synthetic: bool) -> IngestResult:
    file = path.name
    header = rows[0] if rows else ()
    mapping, problems = _map_headers(header, file)
    missing = [c for c in COLUMNS if c.required and c not in mapping.values()]
    records, personal = [], []
    read = 0
    seen_ids: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if all(_is_empty(v) for v in row):
            continue
        read += 1
        cells = {column.name: row[pos] if pos < len(row) else None for pos, column in mapping.items()}
        if missing:
            names = ", ".join(f"'{c.name}'" for c in missing)
            problems.append(RowProblem(file, INTERVIEW_SHEET, number, missing[0].name, None,
                                       f"required column(s) {names} missing from the header row",
                                       "Add the column with this name to row 1"))
            continue
        record, row_problems = _parse_row(cells, file, number)
        problems.extend(row_problems)
        if any(p.severity == "error" for p in row_problems):
            continue
        record["organisatie_id"] = record.get("organisatie_id") or f"{record['gemeentecode']}-{_slug(record['naam'])}"
        if record["organisatie_id"] in seen_ids:
            problems.append(RowProblem(file, INTERVIEW_SHEET, number, "organisatie_id", record["organisatie_id"],
                                       f"duplicate of row {seen_ids[record['organisatie_id']]}",
                                       "Give each organisation one row, or distinct ids"))
            continue
        seen_ids[record["organisatie_id"]] = number
        record["toestemming_publicatie"] = bool(record.get("toestemming_publicatie"))
        record.update(bron_bestand=file, bron_blad=INTERVIEW_SHEET, bron_rij=number)
        personal.append({"organisatie_id": record["organisatie_id"], **{c: record.pop(c, None) for c in PERSONAL_COLUMNS}})
        records.append(record)
    frame = pd.DataFrame(records)
    if not frame.empty:
        numeric = [f"{c}{s}" for c in NUMBER_COLUMNS for s in ("", "_min", "_max")]
        frame[numeric] = frame[numeric].astype("float64")
        frame["vertrouwensband"] = frame["vertrouwensband"].astype("Int64")
        frame["samenwerking_gemeente"] = frame["samenwerking_gemeente"].astype("Int64")
    counts = pd.DataFrame([{"file": file, "read": read, "loaded": len(records), "rejected": read - len(records)}])
    return IngestResult(
        organisaties=frame,
        personal=pd.DataFrame(personal, columns=["organisatie_id", *PERSONAL_COLUMNS]),
        problems=pd.DataFrame([p.as_record() for p in problems], columns=list(RowProblem.__dataclass_fields__)),
        files=counts,
        synthetic=synthetic,
        sources=[path],
    )


def load_interviews(paths: list[Path]) -> IngestResult:
    """Read several interview workbooks into one result; unreadable files become rejects."""
    results = []
    for path in paths:
        try:
            results.append(read_interviews(path))
        except InputError as error:
            results.append(_unreadable(Path(path), error.problem))
    if not results:
        results.append(_ingest_rows(Path("-"), [], False))
        results[0].files = results[0].files.iloc[0:0]
    frames = [r.organisaties for r in results if not r.organisaties.empty]
    return IngestResult(
        organisaties=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        personal=pd.concat([r.personal for r in results], ignore_index=True),
        problems=pd.concat([r.problems for r in results], ignore_index=True),
        files=pd.concat([r.files for r in results], ignore_index=True),
        synthetic=any(r.synthetic for r in results),
        sources=[p for r in results for p in r.sources],
    )


def _unreadable(path: Path, problem: RowProblem) -> IngestResult:
    result = _ingest_rows(path, [], False)
    result.problems = pd.DataFrame([problem.as_record()])
    return result
