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

from buitenbeeld.common.values import Number, count_problem
from buitenbeeld.errors import RowProblem, UnknownGemeenteError
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
    "CBS rounds every cell, so a sum of n rounded cells may differ from the rounded total by at "
    "most (n + 1) x half the rounding unit")


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
                         f"Check the code or name against the CBS list of {self.list_years[0]}")
            return None
        if found.code in self.seen:
            self.problem(number, "gemeente", label, f"{found} appears twice (also row {self.seen[found.code]})",
                         "Remove one of the two rows")
            return None
        self.seen[found.code] = number
        if code and name and not self._same(name, found):
            self.problem(number, "gemeentenaam", name, f"the name does not match code {found.code} "
                         f"({found.naam} in {found.jaar}); the code is used", severity="warning")
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
            expectation = "equal" if complete else "at most"
            weakened = ""
            if table.rejected_rows:
                rows = ", ".join(map(str, table.rejected_rows))
                weakened = (f"; the check is weakened to 'at most' because {len(table.rejected_rows)} row(s) were "
                            f"rejected (row {rows}) and their figures are not in the sum")
            problems.append(RowProblem(
                table.path.name, table.sheet, int(table.nederland.get("rij", 0)) or None, figure, None,
                f"the {len(frame)} gemeenten add up to {total:,.0f}, the Nederland row says {national:,.0f} "
                f"(difference {difference:+,.0f}); expected {expectation} within {tolerance:,.0f} "
                f"({_TOLERANCE_NOTE}, here {unit}){weakened}",
                "Check for missing, doubled or shifted rows in this column", "warning"))
    return problems
