"""Reading the aanpak workbook: the gemeente's choices in the five steps of the approach.

One workbook per gemeente (``buitenbeeld template aanpak``, written by
:mod:`buitenbeeld.ingest.aanpak_template`): a sheet ``toelichting`` with the
gemeente, and one sheet per step. ``stap1`` (missie en visie) and ``stap2``
(doelgroep) are forms: a question in column A, the answer in column B; below the
form of ``stap1`` a table of the budget per year. ``stap3`` (roles wanted per
wijk), ``stap4`` (jongerenscouts, jongerenwerkers, partners) and ``stap5``
(the five kaders) are tables with a header row.

Every answer row and every table row ends up loaded or rejected, with file,
sheet, row, column and reason, as for the interview workbooks
(:mod:`buitenbeeld.ingest.interviews`); an answer without its question, and
every row of a table sheet without its header row, is rejected
(:mod:`buitenbeeld.ingest.aanpak_rows` parses the cells). The contact person of
step 5 is kept only as whether it was filled in (``contactpersoon_ingevuld``):
its text never leaves the reader.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from buitenbeeld.common import values
from buitenbeeld.common.files import read_parquet
from buitenbeeld.common.rawcells import fold
from buitenbeeld.common.readers import is_synthetic, list_sheets, read_sheet
from buitenbeeld.common.sheets import notes_by_row, with_notes
from buitenbeeld.errors import InputError, RowProblem, UnknownGemeenteError
from buitenbeeld.ingest import aanpak_template as fmt
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.aanpak_rows import headerless_rows, is_empty, parse_cell, stray_answer
from buitenbeeld.ingest.interviews import Column, file_labels
from buitenbeeld.reference.gemeenten import resolve_gemeente

__all__ = [
    "AANPAK_TABLES", "AanpakResult", "looks_like_aanpak", "read_aanpak", "load_aanpak", "aanpak_tables", "read_aanpak_tables",
]

#: The processed tables (attribute of :class:`AanpakResult` -> file name in ``processed/``).
AANPAK_TABLES = {"gemeenten": "aanpak_gemeenten.parquet", "stap1": "aanpak_stap1.parquet",
                 "budget": "aanpak_budget.parquet", "stap2": "aanpak_stap2.parquet", "rollen": "aanpak_rollen.parquet",
                 "inzet": "aanpak_inzet.parquet", "kaders": "aanpak_kaders.parquet",
                 "problems": "aanpak_problemen.parquet", "files": "aanpak_bestanden.parquet"}
_LISTS = ("gegevensbronnen", "focus_wijken")
_SOURCE = ["gemeentecode", "bron_bestand", "bron_blad", "bron_rij"]
_COLUMNS = {
    "gemeenten": ["gemeentecode", "gemeentenaam", "bron_bestand", "synthetisch"],
    "stap1": ["gemeentecode", *(c.name for c in fmt.FORMS["stap1"])],
    "budget": ["jaar", "budget", *_SOURCE],
    "stap2": ["gemeentecode", *(c.name for c in fmt.FORMS["stap2"]), "beoogd_aantal_min", "beoogd_aantal_max",
              "beoogd_aantal_geschat"],
    "rollen": ["wijk", "rol", "minimaal_aantal", *_SOURCE],
    "inzet": ["soort", "aantal", "wijk", "startdatum", *_SOURCE],
    "kaders": ["kader", "afgesproken", "toelichting", "contactpersoon_ingevuld", "evaluatiedatum", *_SOURCE],
}
_STEP_SHEET = re.compile(r"^stap[\s_-]*([1-5])")


def _index(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {values.normalise_header(s): c for c in columns for s in (c.name, c.label, *c.aliases)}


def _step_of(sheet: str) -> str | None:
    match = _STEP_SHEET.match(values.normalise_header(sheet).replace("_", " "))
    return f"stap{match.group(1)}" if match else None


# --------------------------------------------------------------------------- one sheet


@dataclass
class _Rows:
    file: str
    seen: list = field(default_factory=list)  # (sheet, row) of every row read
    rejected: set = field(default_factory=set)
    problems: list[RowProblem] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)


def _find_header(rows: list[tuple], headers: dict[str, Column]) -> int | None:
    """The first row (among the first ones of the table part) naming at least two table columns."""
    for index, row in enumerate(rows):
        if sum(1 for v in row if not is_empty(v) and values.normalise_header(str(v)) in headers) >= 2:
            return index
    return None


def _form(rows: list[tuple], start: int, end: int, fields: tuple[Column, ...], sheet: str, out: _Rows) -> None:
    """Read the question rows ``start..end-1`` of a form: the question in column A, the answer in column B."""
    index = _index(fields)
    seen: dict[str, int] = {}
    for number in range(start + 1, end + 1):
        row = rows[number - 1]
        label, raw = (row[0] if row else None), (row[1] if len(row) > 1 else None)
        if is_empty(raw):
            continue  # a question left open, a heading or an explanation
        if is_empty(label):  # an answer without its question: it cannot count, and it is said
            out.seen.append((sheet, number))
            out.rejected.add((sheet, number))
            out.problems.append(stray_answer(out.file, sheet, number))
            continue
        key = values.normalise_header(str(label))
        if key in ("vraag", fmt.GEMEENTE.name) or values.normalise_header(str(raw)) == "antwoord":
            continue  # the header row; the gemeente is read apart (_gemeente)
        out.seen.append((sheet, number))
        row_problems: list[RowProblem] = []

        def problem(column, reason, hint, severity, value=raw):  # noqa: ANN001 - called within this row only
            row_problems.append(RowProblem(out.file, sheet, number, column, value, reason, hint, severity))  # noqa: B023

        column = index.get(key)
        if column is None:
            problem(str(label).strip()[:60], "deze vraag kent de werkbank niet; het antwoord telt niet mee",
                    "Laat de vragen in kolom A staan zoals ze in het invulbestand staan", "error")
        elif column.name in seen:
            problem(column.name, f"deze vraag staat er twee keer; het antwoord in rij {seen[column.name]} telt",
                    "Haal een van de twee rijen weg", "error")
        else:
            value = parse_cell(dataclasses.replace(column, required=True), raw, problem)
            if not any(p.severity == "error" for p in row_problems):
                seen[column.name] = number
                if column.kind == "count":
                    out.form.update({column.name: value.value, f"{column.name}_min": value.low,
                                     f"{column.name}_max": value.high, f"{column.name}_geschat": value.estimate})
                else:
                    out.form[column.name] = value
        out.problems.extend(row_problems)
        if any(p.severity == "error" for p in row_problems):
            out.rejected.add((sheet, number))


def _table(rows: list[tuple], notes, at: int, columns: tuple[Column, ...], sheet: str, out: _Rows) -> None:
    """Read the table under the header row ``at`` (0-based)."""
    headers = _index(columns)
    mapping: dict[int, Column] = {}
    for position, raw in enumerate(rows[at]):
        column = None if is_empty(raw) else headers.get(values.normalise_header(str(raw)))
        if column is not None and column in mapping.values():
            out.problems.append(RowProblem(out.file, sheet, at + 1, str(raw), None, *wording.duplicate_column(column.name),
                                           "warning"))
        elif column is not None:
            mapping[position] = column
    missing = [c.name for c in columns if c.required and c not in mapping.values()]
    required = [c.name for c in columns if c.required]
    noted = notes_by_row(notes, {p: c.name for p, c in mapping.items()})
    for number, row in enumerate(rows[at + 1:], start=at + 2):
        if all(is_empty(v) for v in row) and number not in noted:
            continue
        out.seen.append((sheet, number))
        if missing:
            out.problems.append(RowProblem(out.file, sheet, number, missing[0], None,
                                           *wording.missing_columns(missing, at + 1)))
            out.rejected.add((sheet, number))
            continue
        cells = {c.name: row[p] if p < len(row) else None for p, c in mapping.items()}
        row_problems: list[RowProblem] = []

        def problem(column, reason, hint, severity, value=None):  # noqa: ANN001 - called within this row only
            shown = cells.get(column) if value is None and column != "vaste_contactpersoon" else value  # noqa: B023
            row_problems.append(RowProblem(out.file, sheet, number, column, shown, reason, hint, severity))  # noqa: B023

        record = {c.name: parse_cell(c, cells.get(c.name), problem) for c in columns}
        row_problems = with_notes(row_problems, noted.get(number), out.file, sheet, required)
        out.problems.extend(row_problems)
        if any(p.severity == "error" for p in row_problems):
            out.rejected.add((sheet, number))
            continue
        record.update(bron_blad=sheet, bron_rij=number)
        out.records.append(record)


# --------------------------------------------------------------------------- checks across rows


def _unique(records: list[dict], key: Callable[[dict], Any], column: str, what: str, out: _Rows) -> list[dict]:
    """Keep the first row of each key; a later one is rejected and says which row it repeats."""
    first: dict[Any, int] = {}
    kept = []
    for record in records:
        at = first.setdefault(key(record), record["bron_rij"])
        if at != record["bron_rij"]:
            out.problems.append(RowProblem(out.file, record["bron_blad"], record["bron_rij"], column, None,
                                           f"{what} staat al in rij {at}; die rij telt",
                                           "Haal een van de twee rijen weg, of verbeter er een", "error"))
            out.rejected.add((record["bron_blad"], record["bron_rij"]))
        else:
            kept.append(record)
    return kept


# --------------------------------------------------------------------------- files


def _sheets(path: Path) -> dict[str, str]:
    """The step sheets of a workbook (``stap1`` -> the sheet's own name) and the toelichting sheet."""
    found: dict[str, str] = {}
    for name in list_sheets(path):
        key = _step_of(name) or (fmt.INTRO_SHEET if values.normalise_header(name) == fmt.INTRO_SHEET else None)
        if key is not None:
            found.setdefault(key, name)
    return found


def looks_like_aanpak(path: Path) -> bool:
    """True for a workbook with at least two sheets named after the steps (``stap1``, ``Stap 2 doelgroep``, ...)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return False
    return sum(1 for key in _sheets(path) if key in fmt.STEPS) >= 2


def _gemeente(path: Path, sheets: dict[str, str], engine: str, out: _Rows):
    """The gemeente of the workbook: the answer beside 'Gemeente' on the first sheet (or on a step's form); None if empty."""
    for key in (fmt.INTRO_SHEET, "stap1", "stap2"):
        for number, row in enumerate(read_sheet(path, sheets[key], engine).rows if key in sheets else [], start=1):
            if len(row) < 2 or is_empty(row[0]) or values.normalise_header(str(row[0])) != fmt.GEMEENTE.name:
                continue
            if is_empty(row[1]):
                return None
            out.seen.append((sheets[key], number))
            try:
                return resolve_gemeente(str(row[1]).strip())
            except UnknownGemeenteError as error:
                raise InputError(RowProblem(out.file, sheets[key], number, "gemeente", row[1], error.reason,
                                            error.hint)) from None
    return None


def _parse_file(path: Path, engine: str, file: str) -> tuple[dict, _Rows]:
    out = _Rows(file)
    sheets = _sheets(path)
    if sum(1 for key in sheets if key in fmt.STEPS) == 0:
        raise InputError(RowProblem(file, None, None, None, None, wording.no_sheet("stap1", list_sheets(path)),
                                    "Maak een nieuw invulbestand met: buitenbeeld template aanpak BESTAND"))
    tables: dict[str, list[dict]] = {}
    for step in fmt.STEPS:
        if step not in sheets:
            continue
        read = read_sheet(path, sheets[step], engine)
        rows = read.rows
        at = _find_header(rows, _index(fmt.TABLES[step])) if step in fmt.TABLES else None
        if step in fmt.FORMS:
            _form(rows, 0, len(rows) if at is None else at, fmt.FORMS[step], sheets[step], out)
        if at is not None:
            before = len(out.records)
            _table(rows, read.notes, at, fmt.TABLES[step], sheets[step], out)
            tables[step], out.records = out.records[before:], out.records[:before]
        elif step in fmt.TABLES and step not in fmt.FORMS:  # no header row: every filled-in row is rejected
            problems = headerless_rows(rows, file, sheets[step], fmt.TABLES[step])
            out.problems += problems
            out.seen += [(p.sheet, p.row) for p in problems]
            out.rejected.update((p.sheet, p.row) for p in problems)
    gemeente = _gemeente(path, sheets, engine, out)
    if gemeente is None:
        untouched = all(set(k for k, v in r.items() if v not in (None, ())) <= {"kader", "bron_blad", "bron_rij"}
                        for r in tables.get("stap5", []))
        if out.form or not untouched or any(tables.get(s) for s in ("stap1", "stap3", "stap4")) or out.rejected:
            raise InputError(RowProblem(file, sheets.get(fmt.INTRO_SHEET), None, "gemeente", None,
                                        "de gemeente is niet ingevuld", "Vul op het blad 'toelichting' naast 'Gemeente' "
                                        "de naam of code van de gemeente in, bijvoorbeeld Leeuwarden of GM0080"))
        empty = _Rows(file, problems=[RowProblem(file, None, None, None, None, "het invulbestand is nog leeg", "",
                                                 "warning")])
        return {"gemeente": None, "synthetic": is_synthetic(path)}, empty
    kaders = _unique(tables.get("stap5", []), lambda r: r["kader"], "kader", "dit kader", out)
    parsed = {
        "form": out.form, "budget": _unique(tables.get("stap1", []), lambda r: r["jaar"], "jaar", "dit jaar", out),
        "rollen": _unique([{**r, "rol": role} for r in tables.get("stap3", []) for role in r["rol"]],
                          lambda r: (fold(r["wijk"]), r["rol"]), "rol", "deze rol in deze wijk", out),
        "inzet": tables.get("stap4", []), "kaders": [{**r, "contactpersoon_ingevuld": bool(r.pop("vaste_contactpersoon"))}
                                                      for r in kaders],
        "gemeente": gemeente, "synthetic": is_synthetic(path), "steps": [s for s in fmt.STEPS if s in sheets],
    }
    return parsed, out


@dataclass
class AanpakResult:
    """What reading aanpak workbooks produced: per gemeente its choices, as tidy tables.

    ``gemeenten``: one row per gemeente (``gemeentecode``, ``gemeentenaam``,
    ``bron_bestand``, ``synthetisch``). ``stap1`` and ``stap2``: one row per gemeente
    with the answers of the form (missing when not filled in; ``gegevensbronnen``
    and ``focus_wijken`` are tuples). ``budget`` (jaar, budget in euro), ``rollen``
    (wijk, rol, minimaal_aantal; one row per role), ``inzet`` (soort, aantal, wijk,
    startdatum) and ``kaders`` (kader, afgesproken, toelichting,
    ``contactpersoon_ingevuld``, evaluatiedatum): one row per loaded row, with
    ``gemeentecode`` and the source. ``problems`` and ``files`` as in
    :class:`~buitenbeeld.ingest.interviews.IngestResult`.
    """

    gemeenten: pd.DataFrame
    stap1: pd.DataFrame
    budget: pd.DataFrame
    stap2: pd.DataFrame
    rollen: pd.DataFrame
    inzet: pd.DataFrame
    kaders: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    synthetic: bool = False

    @property
    def rejects(self) -> pd.DataFrame:
        """The problems that rejected a row."""
        return self.problems[self.problems["severity"] == "error"]

    def select(self, gemeentecode: str) -> AanpakResult:
        """The choices of one gemeente (CBS code); its problems and files are those of its workbook."""
        tables = {name: getattr(self, name) for name in _COLUMNS}
        own = {name: frame[frame["gemeentecode"] == gemeentecode].reset_index(drop=True) for name, frame in tables.items()}
        files = set(own["gemeenten"]["bron_bestand"])
        return AanpakResult(**own, problems=self.problems[self.problems["file"].isin(files)].reset_index(drop=True),
                            files=self.files[self.files["file"].isin(files)].reset_index(drop=True),
                            synthetic=bool(own["gemeenten"]["synthetisch"].any()))

    def summary_lines(self) -> list[str]:
        """``gelezen N = geladen L + afgewezen R`` per file, in Dutch."""
        return [wording.counts_line(r.file, r.read, r.loaded, r.rejected) + (" (onbruikbaar)" if r.unusable else "")
                for r in self.files.itertuples()]


def _frame(records: list[dict], name: str) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=_COLUMNS[name])
    for column in ("jaar", "minimaal_aantal", "aantal", "leeftijd_van", "leeftijd_tot", "bron_rij"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    for column in ("budget", "beoogd_aantal", "beoogd_aantal_min", "beoogd_aantal_max"):
        if column in frame:
            frame[column] = frame[column].astype("float64")
    return frame


def _combine(parsed: list[tuple[dict, _Rows]], unusable: list[RowProblem]) -> AanpakResult:
    owner: dict[str, str] = {}
    rows: dict[str, list[dict]] = {name: [] for name in _COLUMNS}
    counts = []
    for result, out in parsed:
        code = result["gemeente"].code if result["gemeente"] is not None else None
        first = owner.setdefault(code, out.file) if code else out.file
        if code is None:
            pass  # an empty workbook: nothing to load
        elif first != out.file:  # a second workbook for the same gemeente: every row of it is rejected
            for sheet, number in [s for s in out.seen if s not in out.rejected]:
                out.problems.append(RowProblem(out.file, sheet, number, None, None,
                                               f"er is al een aanpak voor {result['gemeente'].naam} in '{first}'",
                                               "Houd één invulbestand per gemeente bij", "error"))
                out.rejected.add((sheet, number))
        else:
            source = {"gemeentecode": code, "bron_bestand": out.file}
            rows["gemeenten"].append({"gemeentecode": code, "gemeentenaam": result["gemeente"].naam,
                                      "bron_bestand": out.file, "synthetisch": result["synthetic"]})
            for step in ("stap1", "stap2"):
                rows[step].append({"gemeentecode": code, **{k: v for k, v in result["form"].items()
                                                            if k in _COLUMNS[step]}})
            for name in ("budget", "rollen", "inzet", "kaders"):
                rows[name] += [{**r, **source} for r in result[name]]
        # the gemeente row and the form's answers count as rows of the workbook, as the table rows do
        read = len(set(out.seen))
        counts.append({"file": out.file, "read": read, "loaded": read - len(out.rejected), "rejected": len(out.rejected),
                       "synthetic": result["synthetic"], "unusable": False})
    counts += [{"file": p.file, "read": 0, "loaded": 0, "rejected": 0, "synthetic": False, "unusable": True}
               for p in unusable]
    files = pd.DataFrame(counts, columns=["file", "read", "loaded", "rejected", "synthetic", "unusable"])
    problems = [p for _, out in parsed for p in out.problems] + unusable
    tables = {name: _frame(records, name) for name, records in rows.items()}
    tables["gemeenten"]["synthetisch"] = tables["gemeenten"]["synthetisch"].astype(bool)
    return AanpakResult(**tables, problems=pd.DataFrame([p.as_record() for p in problems],
                                                        columns=list(RowProblem.__dataclass_fields__)),
                        files=files, synthetic=bool(files["synthetic"].any()))


def read_aanpak(path: Path, engine: str = "calamine") -> AanpakResult:
    """Read one aanpak workbook.

    Raises
    ------
    InputError
        When the file cannot be opened, has no step sheets or no (known) gemeente.
    """
    path = Path(path)
    return _combine([_parse_file(path, engine, path.name)], [])


def load_aanpak(paths: list[Path], engine: str = "calamine") -> AanpakResult:
    """Read several aanpak workbooks into one result; a file that cannot be used is listed, the rest loads.

    A second workbook for a gemeente that already has one is read, but its rows are rejected.
    """
    paths = [Path(p) for p in paths]
    parsed, unusable = [], []
    for path, label in zip(paths, file_labels(paths) if paths else []):
        try:
            parsed.append(_parse_file(path, engine, label))
        except InputError as error:
            unusable.append(dataclasses.replace(error.problem, file=label))
    return _combine(parsed, unusable)


def aanpak_tables(result: AanpakResult) -> dict[str, pd.DataFrame]:
    """The tables to write to ``processed/`` (:data:`AANPAK_TABLES`), tuples as lists and values as text."""
    tables = {name: getattr(result, name).copy() for name in AANPAK_TABLES}
    for column in _LISTS:
        tables["stap2"][column] = tables["stap2"][column].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    tables["problems"]["value"] = tables["problems"]["value"].astype("string")
    return tables


def read_aanpak_tables(processed: Path) -> AanpakResult:
    """Read the tables :func:`aanpak_tables` wrote; an empty result when they are not there."""
    if not all((Path(processed) / name).exists() for name in AANPAK_TABLES.values()):
        return load_aanpak([])
    tables = {name: read_parquet(Path(processed) / file) for name, file in AANPAK_TABLES.items()}
    for column in _LISTS:
        tables["stap2"][column] = tables["stap2"][column].map(lambda v: tuple(v) if v is not None else ())
    for name, column in (("stap1", "datum_raadsbesluit"), ("inzet", "startdatum"), ("kaders", "evaluatiedatum")):
        tables[name][column] = tables[name][column].map(lambda v: v.date() if hasattr(v, "date") and
                                                        callable(v.date) else v)
    files = tables["files"]
    return AanpakResult(**tables, synthetic=bool(files["synthetic"].any()) if len(files) else False)
