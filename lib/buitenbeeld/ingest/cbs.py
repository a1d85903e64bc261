"""CBS tables of youth figures per gemeente, as CBS publishes them in Excel.

The reader finds the table itself: title and explanation rows above a header of
one to three rows (a merged group heading such as "Jongeren buiten beeld" above
the sub-headings "totaal" and "waarvan zonder bekende reden"), one row per
gemeente (code and/or name), a ``Nederland`` (or ``Totaal``) row, and
footnotes below ("1)", "a)", "Bron:", "Verklaring van tekens", or any line
without figures after the last row of figures). The code and name columns
are judged from the data rows, never from the header, and are never mapped to
figures; a title row directly above the header (a year in a sentence, a long
sentence, "Tabel 1") ends the header block. Which figure column is which comes
from a mapping file (``config/cbs_kolommen.toml``, see
:func:`~buitenbeeld.ingest.cbs_layout.load_column_mapping`).

A table may be split into sections by a heading row ("Gemeenten",
"Provincies", "Landsdelen", "COROP-gebieden", "Regio's"). Names are resolved
as gemeenten only under "Gemeenten" or before any heading; other rows under a
non-gemeente heading (and rows with a PV/LD/CR code or "(PV)") are region rows:
left out with a warning and counted apart (``skipped_rows``). A row with a
gemeente code (GM...) is a gemeente under any heading.

Cells hold counts (numbers, or text with thousands separators such as
``1.234``) or the CBS symbols: ``.`` unknown, unreliable or secret; ``x``
secret; ``-`` nil; blank cannot occur. A symbol becomes a missing value (``-``
becomes 0) and the symbol is kept beside it as the reason.

Counts are checked for plausibility: a figure that is not finite (also ``inf``
or ``1e999`` written as text), below 0, not a whole number (the figures of the
shipped mapping count people), above the row's own number of young people
(``jongeren_15_27``), above the national row's number of young people, or above
:data:`~buitenbeeld.common.values.MAX_YOUTH_GEMEENTE` (a gemeente) or
:data:`~buitenbeeld.common.values.MAX_YOUTH_NEDERLAND` (the national row) is a warning
and becomes unknown (symbol None); the row stays.

Gemeenten are checked against the CBS list of the table's year (a 2013 table
against the 2013 list, so Bussum GM0381 stays Bussum GM0381). Problems are
collected per row as :class:`~buitenbeeld.errors.RowProblem`: a row that cannot
be read is rejected and listed, never lost, so that rows read = rows loaded +
rows rejected + region rows skipped. The gemeente rows are checked against the
national row within CBS rounding (see
:func:`~buitenbeeld.ingest.cbs_checks.check_totals`). Finding the table and
the mapping are in :mod:`buitenbeeld.ingest.cbs_layout`, the checks in
:mod:`buitenbeeld.ingest.cbs_checks`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from buitenbeeld.common.readers import is_synthetic
from buitenbeeld.common.values import MAX_YOUTH_GEMEENTE, MAX_YOUTH_NEDERLAND, MISSING_IMPLAUSIBLE, read_count
from buitenbeeld.errors import InputError, MissingDataError, RowProblem
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.cbs_checks import RowChecks, check_totals
from buitenbeeld.ingest.cbs_layout import (
    RECOGNISE_ROWS,
    Layout,
    cell_text,
    first_sheet,
    footnotes_from,
    is_national_row,
    label_text,
    load_column_mapping,
    locate_table,
    read_cell,
    region_reason,
    section_heading,
    title_years,
)
from buitenbeeld.reference.gemeenten import AVAILABLE_YEARS

__all__ = [
    "YouthTable",
    "looks_like_youth_table",
    "read_youth_table",
    "select_youth_table",
    "in_current_layout",
]


@dataclass
class YouthTable:
    """A tidy CBS youth-figures table.

    ``gemeenten`` has ``gemeentecode`` and ``gemeentenaam`` (the CBS name in the
    list of year ``indeling``), ``peiljaar``, ``rij`` (the spreadsheet row) and
    per figure a value column plus ``<figure>_symbool`` (the CBS symbol where the
    value is missing); ``nederland`` is the national row as a dict. ``problems``
    lists every row problem; ``rows_read`` counts the rows between header and
    footnotes (section headings and blank rows not counted): ``rows_loaded``
    were loaded, ``rejected_rows`` could not be read, and ``skipped_rows`` are
    region rows (provinces, landsdelen, COROP-gebieden) left out on purpose, so
    ``rows_read == rows_loaded + len(rejected_rows) + len(skipped_rows)``.
    ``rejected_gemeenten`` maps the code of each gemeente whose row was
    rejected (the gemeente was recognised, a figure was not) to its row.
    """

    path: Path
    title: str
    peiljaar: int | None
    gemeenten: pd.DataFrame
    nederland: dict[str, Any]
    footnotes: list[str]
    synthetic: bool
    indeling: int | None = None
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    omgerekend_van: int | None = None
    skipped_rows: list[int] = field(default_factory=list)
    rejected_gemeenten: dict[str, int] = field(default_factory=dict)

    @property
    def rows_loaded(self) -> int:
        """Gemeente rows plus the national row."""
        return len(self.gemeenten) + bool(self.nederland)

    def problems_table(self) -> pd.DataFrame:
        """The problems as a table (file, sheet, row, column, value, reason, hint, severity)."""
        return pd.DataFrame([p.as_record() for p in self.problems],
                            columns=list(RowProblem.__dataclass_fields__))


# --------------------------------------------------------------------------- recognising


def looks_like_youth_table(path: Path, mapping: str | Path | None = None) -> bool:
    """True when the first sheet has a table of gemeenten with a 'buiten beeld' column (by ``mapping``)."""
    layout = locate_table(first_sheet(Path(path))[1][:RECOGNISE_ROWS], load_column_mapping(mapping))
    return layout is not None and "buiten_beeld" in layout.figures


# --------------------------------------------------------------------------- rows


class _RowReader(RowChecks):
    """Reads the gemeente rows of one table, keeps count of them and collects their problems."""

    def __init__(self, path: Path, sheet: str, layout: Layout, indeling: int | None):
        super().__init__(path, sheet, layout, indeling)
        self.section: str | None = None  # the heading above the rows ("Gemeenten", "Provincies", ...)
        self.national_at: int | None = None  # the row of the national row that was loaded
        self.rejected: list[int] = []
        self.skipped: list[int] = []
        self.rejected_gemeenten: dict[str, int] = {}

    def at(self, row: tuple, name: str) -> Any:
        position = self.layout.labels.get(name, self.layout.figures.get(name))
        return row[position] if position is not None and position < len(row) else None

    def read(self, number: int, row: tuple) -> dict[str, Any] | None:
        """The row as a record, or None when it is rejected or skipped (its problems are recorded)."""
        code = label_text(self.at(row, "gemeentecode"))
        name = label_text(self.at(row, "gemeentenaam"))
        record: dict[str, Any] = {"rij": number}
        errors = len([p for p in self.problems if p.severity == "error"])
        national = is_national_row(code, name)
        gemeente = None
        if national:
            if self.national_at is not None:
                self.problem(number, "gemeente", code or name,
                             f"tweede rij voor heel Nederland (ook rij {self.national_at})",
                             "Haal een van de twee rijen weg")
                self.rejected.append(number)
                return None
        else:
            region = region_reason(code, name, self.section)
            if region:
                self.problem(number, "gemeente", code or name, region,
                             "Alleen de rijen van gemeenten worden gelezen; je hoeft niets te doen", "warning")
                self.skipped.append(number)
                return None
            gemeente = self.gemeente(number, code, name)
            if gemeente is not None:
                record.update(gemeentecode=gemeente.code, gemeentenaam=gemeente.naam)
        cap, limit = (MAX_YOUTH_NEDERLAND, "de grens voor heel Nederland") if national else \
            (MAX_YOUTH_GEMEENTE, "de grens voor één gemeente")
        for figure in self.layout.figures:
            raw = self.at(row, figure)
            try:
                record[figure], record[f"{figure}_symbool"] = read_cell(raw)
            except ValueError as error:
                # text that is a number, but one that cannot be right ('inf', '1e999', '-5'): unknown, not rejected
                count = read_count(raw, figure, cap, limit=limit) if isinstance(raw, str) else None
                if count is not None and count.missing_reason == MISSING_IMPLAUSIBLE:
                    record[figure], record[f"{figure}_symbool"] = None, None
                    self.implausible(number, figure, count.problem)
                    continue
                self.problem(number, figure, raw, str(error), "Verbeter de cel, of gebruik een CBS-teken (. x -)")
        if len([p for p in self.problems if p.severity == "error"]) > errors:
            self.rejected.append(number)
            if gemeente is not None:
                self.rejected_gemeenten[gemeente.code] = number
            return None
        self.check_counts(number, record, cap, limit)
        if national:
            self.national_at = number
        record["_nederland"] = national
        return record


# --------------------------------------------------------------------------- reading


def read_youth_table(path: Path, *, year: int | None = None, mapping: str | Path | None = None,
                     indeling: int | None = None, rounding: int | None = None, strict: bool = True) -> YouthTable:
    """Read a CBS table of youth figures per gemeente (xlsx, ods or CSV).

    Parameters
    ----------
    path : Path
        The table; the first sheet is read.
    year : int, optional
        The peiljaar; default the first year in the title rows, else in the file name.
    mapping : str or Path, optional
        A mapping file of tidy columns to headers (default ``config/cbs_kolommen.toml``).
    indeling : int, optional
        The year of the gemeente list the codes and names are checked against;
        default "gemeentelijke indeling <year>" in the title, else the peiljaar.
    rounding : int, optional
        The CBS rounding unit for :func:`~buitenbeeld.ingest.cbs_checks.check_totals`; default detected.
    strict : bool, default True
        Raise the first row that cannot be read; False collects every problem in
        ``problems`` and loads the other rows.

    Raises
    ------
    InputError
        When no table is found or a required column is missing; with ``strict``
        also for a cell that is neither a count nor a CBS symbol and for a gemeente
        that is not in the CBS list. The message names the row and column.
    """
    path = Path(path)
    rules = load_column_mapping(mapping)
    sheet, rows = first_sheet(path)
    layout = locate_table(rows, rules)
    if layout is None:
        raise InputError(RowProblem(path.name, sheet, None, None, None,
                                    "geen tabel gevonden: er staat geen kop met een kolom 'buiten beeld' boven rijen "
                                    "met gemeenten (codes zoals GM0518, of namen) en aantallen",
                                    "Laat de kop van de CBS-tabel en de kolom met gemeenten staan"))
    missing = [r.name for r in rules if r.required and r.name not in layout.figures]
    if missing:
        found = "; ".join(h for h in layout.headers if h) or "geen"
        what = "de verplichte kolom" if len(missing) == 1 else "de verplichte kolommen"
        raise InputError(RowProblem(path.name, sheet, layout.data_at, ", ".join(missing), None,
                                    f"geen kop past bij {what} {wording.dutch_list(missing)} (koppen: {found})",
                                    "Pas de patronen aan in het bestand met kolomnamen (config/cbs_kolommen.toml)"))
    found_year, found_indeling = title_years(layout.title_rows, path)
    peiljaar = year or found_year
    indeling = indeling or found_indeling or peiljaar
    reader = _RowReader(path, sheet, layout, indeling)
    if indeling not in AVAILABLE_YEARS:
        lists = "de lijst" if len(reader.list_years) == 1 else "de lijsten"
        reader.problem(None, None, indeling, f"de werkbank heeft geen gemeentelijst van CBS voor "
                       f"{indeling or 'een onbekend jaar'}; de gemeenten zijn vergeleken met {lists} van "
                       f"{wording.dutch_list(map(str, reader.list_years))}",
                       "Geef het jaar van de tabel op", "warning")
    records, footnotes, nederland, read = [], [], {}, 0
    first_footnote = footnotes_from(rows, layout)
    for number, row in enumerate(rows[layout.data_at:], start=layout.data_at + 1):
        if number > first_footnote:
            if any(cell_text(v) for v in row):
                footnotes.append(" ".join(cell_text(v) for v in row if cell_text(v)))
            continue
        if not any(cell_text(v) for v in row):
            continue
        heading = section_heading(row)
        if heading is not None:
            reader.section = heading
            continue
        read += 1
        record = reader.read(number, row)
        if record is None:
            continue
        if record.pop("_nederland"):
            nederland = record
        else:
            records.append({**record, "peiljaar": peiljaar})
    reader.check_against_national(records, nederland)
    errors = [p for p in reader.problems if p.severity == "error"]
    if strict and errors:
        raise InputError(errors[0])
    figures = list(layout.figures)
    frame = pd.DataFrame(records, columns=["gemeentecode", "gemeentenaam", "peiljaar", "rij",
                                           *[c for f in figures for c in (f, f"{f}_symbool")]])
    title = layout.title_rows[0] if layout.title_rows else path.stem
    table = YouthTable(path, title, peiljaar, frame, nederland, footnotes, is_synthetic(path), indeling, sheet,
                       {f: layout.headers[p] for f, p in layout.figures.items()}, reader.problems, read,
                       reader.rejected, skipped_rows=reader.skipped, rejected_gemeenten=reader.rejected_gemeenten)
    table.problems.extend(check_totals(table, rounding))
    return table


def in_current_layout(table: YouthTable) -> YouthTable:
    """The table in today's gemeente layout (2026): a 2013 table is converted through the crosswalk.

    Merged gemeenten get the sum of their parts (Gooise Meren: Bussum, Muiden and
    Naarden); a part of a gemeente that was split is shared out by area and the
    row is marked ``geschat`` (estimates are rounded to tens, as CBS rounds). The
    columns ``voorgangers`` and ``<figure>_toelichting`` say where each figure
    came from (a part whose row was rejected is named as such); ``omgerekend_van``
    is set to 2013. Every figure column of the table is converted (those of
    the mapping it was read with, :attr:`YouthTable.columns`). Tables in another
    layout are returned as they are.
    """
    if table.indeling != 2013:
        return table
    from buitenbeeld.reference.crosswalk import convert_to_2026

    columns = [c for c in table.columns if c in table.gemeenten.columns]
    converted = convert_to_2026(table.gemeenten, columns, rejected=table.rejected_gemeenten)
    # an estimate is no more precise than CBS's own rounding to tens; exact sums stay as they are
    estimated = converted["geschat"].astype(bool)
    converted[columns] = converted[columns].round()
    converted.loc[estimated, columns] = converted.loc[estimated, columns].round(-1)
    converted["peiljaar"] = table.peiljaar
    return replace(table, gemeenten=converted, indeling=2026, omgerekend_van=2013)


def select_youth_table(paths: list[Path], peiljaar: int, **options: Any) -> YouthTable:
    """Return the table among ``paths`` for ``peiljaar``.

    ``options`` go to :func:`read_youth_table` (``mapping``, ``strict``, ...).

    Raises
    ------
    MissingDataError
        When no table of that year is present; says which years are.
    """
    tables = [read_youth_table(p, **options) for p in paths]
    for table in tables:
        if table.peiljaar == peiljaar:
            return table
    found = ", ".join(f"{t.path.name} ({t.peiljaar or 'jaar onbekend'})" for t in tables) or "geen"
    raise MissingDataError(
        f"Er is geen CBS-tabel met jongerencijfers voor peiljaar {peiljaar} in de datamap (gevonden: {found}). "
        "Zet de CBS-tabel (xlsx) in de map raw/, of kies een peiljaar dat er wel is."
    )
