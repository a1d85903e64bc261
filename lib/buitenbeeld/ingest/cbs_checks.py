"""Checks of a CBS youth-figures table: gemeente codes, plausible counts, rows adding up to Nederland.

Gemeenten are checked against the CBS list of the table's year (a 2013 table
against the 2013 list, so Bussum GM0381 stays Bussum GM0381); without a list
for that year, against the nearest. Counts are checked for plausibility (see
:meth:`RowChecks.check_counts` and :meth:`RowChecks.check_against_national`):
a figure that cannot be right becomes unknown, with a warning, and the row
stays. The gemeente rows are checked against the national row within CBS
rounding (:func:`check_totals`). Every problem is a
:class:`~buitenbeeld.errors.RowProblem`; :mod:`buitenbeeld.ingest.cbs` reads
the rows these checks are run on.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from buitenbeeld.common.limits import dutch_number
from buitenbeeld.common.values import Number, count_problem
from buitenbeeld.errors import RowProblem, UnknownGemeenteError
from buitenbeeld.ingest import wording
from buitenbeeld.ingest.cbs_layout import FIGURE_COLUMNS, Layout
from buitenbeeld.reference.gemeenten import AVAILABLE_YEARS, list_gemeenten, resolve_gemeente

__all__ = [
    "RowChecks",
    "TotalledTable",
    "check_totals",
]

#: The figure every other figure of the shipped mapping is a part of: all young people aged 15 to 27.
_TOTAL_FIGURE = "jongeren_15_27"
_COUNT_HINT = "Controleer het getal met de tabel van CBS; is het niet bekend, gebruik dan een CBS-teken (. x -)"
_TOLERANCE_NOTE = (
    "CBS rondt elke cel af; daardoor mag de som van n afgeronde cellen hoogstens (n + 1) keer een halve "
    "afrondingseenheid van het afgeronde totaal verschillen")


def _list_years(year: int | None) -> tuple[int, ...]:
    """The gemeente lists to try for a table of ``year``: its own, else the nearest first."""
    if year in AVAILABLE_YEARS:
        return (year,)
    return tuple(sorted(AVAILABLE_YEARS, key=lambda y: abs(y - (year or AVAILABLE_YEARS[-1]))))


# --------------------------------------------------------------------------- rows


class RowChecks:
    """The problems of the rows of one table, and the checks of one row against the CBS list and for plausibility.

    ``list_years`` are the gemeente lists a code or name is looked up in: that
    of ``indeling``, else all, the nearest year first.
    """

    def __init__(self, path: Path, sheet: str, layout: Layout, indeling: int | None):
        self.path, self.sheet, self.layout, self.list_years = path, sheet, layout, _list_years(indeling)
        self.problems: list[RowProblem] = []
        self.seen: dict[str, int] = {}

    def problem(self, number: int, column: str | None, value: Any, reason: str, hint: str = "",
                severity: str = "error") -> None:
        """Record a problem of row ``number`` (an error unless ``severity`` says otherwise)."""
        self.problems.append(RowProblem(self.path.name, self.sheet, number, column, value, reason, hint, severity))

    def implausible(self, number: int, figure: str, reason: str) -> None:
        """Record a figure that cannot be right; the caller makes it unknown. The value is not repeated."""
        self.problem(number, figure, None, reason, _COUNT_HINT, "warning")

    def _check(self, number: int, record: dict[str, Any], figure: str, maximum: float, limit: str) -> None:
        value = record.get(figure)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        reason = count_problem(Number(value, value, value, False, None), figure, maximum,
                               whole=figure in FIGURE_COLUMNS, limit=limit)
        if reason is not None:
            record[figure], record[f"{figure}_symbool"] = None, None
            self.implausible(number, figure, reason)

    def check_counts(self, number: int, record: dict[str, Any], cap: float, limit: str) -> None:
        """Figures of one row that cannot be right become unknown, each with a warning.

        Every figure: finite, 0 or more, at most ``cap``; the figures of the shipped
        mapping also whole, and each part of the young people (buiten beeld, its
        breakdowns) at most the row's own ``jongeren_15_27``. A figure of the
        user's own mapping may be a fraction and is not compared with the total.
        """
        figures = sorted(self.layout.figures, key=lambda f: f != _TOTAL_FIGURE)  # the total first: the others need it
        for figure in figures:
            self._check(number, record, figure, cap, limit)
        total = record.get(_TOTAL_FIGURE)
        if total is None or (isinstance(total, float) and math.isnan(total)):
            return
        for figure in figures:
            if figure in FIGURE_COLUMNS and figure != _TOTAL_FIGURE:
                self._check(number, record, figure, total, "het aantal jongeren van 15 tot 27 jaar in deze rij")

    def check_against_national(self, records: list[dict[str, Any]], nederland: dict[str, Any]) -> None:
        """A gemeente figure above the national number of young people becomes unknown, with a warning.

        No gemeente can have more young people (buiten beeld or not) than the
        whole country: the national row's ``jongeren_15_27`` caps every figure of
        the shipped mapping. A gemeente above the national row's *own* figure
        (more buiten beeld than Nederland) is left to :func:`check_totals`, which
        cannot tell which of the two is wrong and says so.
        """
        national = nederland.get(_TOTAL_FIGURE)
        if national is None or (isinstance(national, float) and math.isnan(national)):
            return
        for record in records:
            for figure in self.layout.figures:
                if figure in FIGURE_COLUMNS:
                    self._check(record["rij"], record, figure, national,
                                "het aantal jongeren van 15 tot 27 jaar in de rij Nederland")

    def gemeente(self, number: int, code: str, name: str):
        """The gemeente of the row by ``code`` (else ``name``), or None with an error when unknown or seen before."""
        label = code or name
        found, error = None, None
        for year in self.list_years:
            try:
                found = resolve_gemeente(label, year)
                break
            except UnknownGemeenteError as failure:
                error = error or failure
        if found is None:
            self.problem(number, "gemeente", label, str(error),
                         f"Vergelijk de code of de naam met de gemeentelijst van CBS van {self.list_years[0]}")
            return None
        if found.code in self.seen:
            self.problem(number, "gemeente", label, f"{found} staat er twee keer in (ook rij {self.seen[found.code]})",
                         "Haal een van de twee rijen weg")
            return None
        self.seen[found.code] = number
        if code and name and not self._same(name, found):
            self.problem(number, "gemeentenaam", name, f"de naam past niet bij de code {found.code} "
                         f"({found.naam} in {found.jaar}); de code wordt gebruikt",
                         "Controleer de naam en de code van deze gemeente", severity="warning")
        return found

    @staticmethod
    def _same(name: str, gemeente) -> bool:
        try:
            return resolve_gemeente(name, gemeente.jaar).code == gemeente.code
        except UnknownGemeenteError:
            return False


# --------------------------------------------------------------------------- totals


def _rounding_unit(values: list[float]) -> int:
    """The largest of 1000, 100, 10 and 5 that divides every value, else 1."""
    return next((u for u in (1000, 100, 10, 5) if all(v % u == 0 for v in values)), 1)


class TotalledTable(Protocol):
    """What :func:`check_totals` reads of a table: a :class:`~buitenbeeld.ingest.cbs.YouthTable`."""

    path: Path
    sheet: str
    indeling: int | None
    gemeenten: pd.DataFrame
    nederland: dict[str, Any]
    columns: dict[str, str]
    rejected_rows: list[int]


def check_totals(table: TotalledTable, rounding: int | None = None) -> list[RowProblem]:
    """Check per figure that the gemeente rows add up to the national row within CBS rounding.

    CBS rounds every cell (to tens or hundreds) on its own, so the sum of ``n``
    rounded gemeente cells may differ from the rounded national cell by up to
    ``(n + 1) * unit / 2``; that is the tolerance. The unit is ``rounding``, or
    the largest of 1000, 100, 10 and 5 that divides every value of the column
    (1, no tolerance, when the figures are not rounded). A table with fewer
    gemeenten than the CBS list of its year, or with rejected rows, is only
    checked not to exceed the national row ("at most"; the message then says
    the check was weakened and why). Region rows left out on purpose
    (``skipped_rows``: provinces, COROP-gebieden) do not weaken it. A column is
    skipped where a symbol (``.``, ``x``, blank) hides a value, or without a
    national row.

    Returns
    -------
    list of RowProblem
        Warnings naming the column, the sum, the national value and the tolerance.
    """
    problems = []
    frame = table.gemeenten
    listed = len(list_gemeenten(table.indeling)) if table.indeling in AVAILABLE_YEARS else None
    for figure in table.columns:
        national = table.nederland.get(figure)
        if national is None or (isinstance(national, float) and math.isnan(national)):
            continue
        if frame.empty or frame[figure].isna().any():
            continue
        values = [float(v) for v in frame[figure]] + [float(national)]
        unit = rounding or _rounding_unit(values)
        tolerance = (len(frame) + 1) * unit / 2 if unit > 1 else 0.0
        total = sum(values[:-1])
        complete = (listed is None or len(frame) >= listed) and not table.rejected_rows
        difference = total - national
        if abs(difference) > tolerance if complete else difference > tolerance:
            expectation = "gelijk" if complete else "hoogstens even groot"
            weakened = ""
            if table.rejected_rows:
                rejected = len(table.rejected_rows)
                rows = wording.dutch_list(map(str, table.rejected_rows))
                weakened = (f"; de controle is minder streng ('hoogstens even groot') omdat "
                            f"{wording.count_of(rejected, 'rij', 'rijen')} "
                            f"{'is' if rejected == 1 else 'zijn'} afgewezen ({'rij' if rejected == 1 else 'rijen'} "
                            f"{rows}) en die cijfers niet in de som zitten")
            sign = "+" if difference > 0 else "-" if difference < 0 else ""
            problems.append(RowProblem(
                table.path.name, table.sheet, int(table.nederland.get("rij", 0)) or None, figure, None,
                f"de {len(frame)} gemeenten tellen op tot {dutch_number(total)}, de rij Nederland zegt "
                f"{dutch_number(national)} (verschil {sign}{dutch_number(abs(difference))}); verwacht: "
                f"{expectation}, met een marge van {dutch_number(tolerance)} "
                f"({_TOLERANCE_NOTE}, hier {unit}){weakened}",
                "Kijk of er in deze kolom rijen ontbreken, dubbel staan of verschoven zijn", "warning"))
    return problems
