"""What a reader hands back: the rows of a sheet, and notes on the cells it left empty.

Both engines and the CSV reader put their rows through :func:`shape_rows`, so
that every reader gives the same cells: empty -> ``None``, whole numbers ->
``int``, dates at midnight -> ``datetime.date`` (see :func:`normalise_cell`),
trailing empty rows dropped and every row padded to one width.

Some cells cannot be handed over as a value. They are ``None`` in the rows and
each gets a :class:`CellNote` (:func:`~buitenbeeld.common.readers.read_sheet`),
which the interview and pilot checks turn into a row problem
(:func:`notes_by_row`, :func:`with_notes`): a cell longer than
``LIMITS.max_cell_chars``, an xlsx formula without a cached value (a file written
by a program, never opened in Excel or LibreOffice: calamine gives ``""`` and
openpyxl ``None``, just like an empty cell), and a CSV row written with another
delimiter than the rest of the file (its cells are kept as read; the note is
for the whole row).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from buitenbeeld import settings
from buitenbeeld.common.limits import LIMIT_VARIABLES, dutch_number, input_problem
from buitenbeeld.errors import InputError, RowProblem

__all__ = [
    "CellNote",
    "Sheet",
    "missing_sheet",
    "normalise_cell",
    "notes_by_row",
    "shape_rows",
    "with_notes",
]

# Floats beyond 2**53 are not exact integers any more; keep them as floats.
_MAX_EXACT_INT = 2**53
_MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True)
class CellNote:
    """A cell (or a whole row) whose value the reader could not hand over.

    The cell is ``None`` in the rows (a CSV row with another delimiter keeps
    its cells as read). ``reason`` and ``hint`` are Dutch and never repeat the
    cell's value: it may be personal.

    Attributes
    ----------
    row : int
        The spreadsheet row, 1 = the first row.
    column : int or None
        The 0-based column; ``None`` for a problem with the whole row.
    reason, hint : str
        What is wrong and what to do.
    kind : str
        ``"te_lang"`` (longer than ``LIMITS.max_cell_chars``), ``"formule"``
        (a formula without a cached value) or ``"scheidingsteken"`` (a CSV row
        with another delimiter).
    """

    row: int
    column: int | None
    reason: str
    hint: str
    kind: str

    def problem(self, file: str, sheet: str | None, column: str | None, severity: str = "warning") -> RowProblem:
        """The note as a :class:`RowProblem` of ``file``/``sheet``; ``column`` is the name the user knows."""
        return RowProblem(file, sheet, self.row, column, None, self.reason, self.hint, severity)


@dataclass(frozen=True)
class Sheet:
    """The rows of one sheet and the notes on cells the reader left empty.

    See :func:`~buitenbeeld.common.readers.read_rows`.
    """

    name: str | None
    rows: list[tuple]
    notes: list[CellNote]


def notes_by_row(notes: Iterable[CellNote], columns: dict[int, str]) -> dict[int, dict[str | None, CellNote]]:
    """The notes a table check needs: ``{row: {column name: note}}``, ``None`` as name for a whole row.

    ``columns`` maps the positions of the columns the check reads to their
    names; a note on another column (one the check ignores) is left out.
    """
    noted: dict[int, dict[str | None, CellNote]] = {}
    for note in notes:
        name = None if note.column is None else columns.get(note.column)
        if note.column is None or name is not None:
            noted.setdefault(note.row, {}).setdefault(name, note)
    return noted


def with_notes(problems: list[RowProblem], notes: dict[str | None, CellNote] | None, file: str,
               sheet: str | None, required: Iterable[str] = ()) -> list[RowProblem]:
    """A row's problems, where each cell the reader left empty says why (from :func:`notes_by_row`).

    The note replaces what the check said about the cell, which it saw empty:
    in a ``required`` column an error (the row is rejected), otherwise a
    warning (the value is unknown).
    """
    if not notes:
        return problems
    required = set(required)
    kept = [p for p in problems if p.column not in notes]
    return kept + [note.problem(file, sheet, name, "error" if name in required else "warning")
                   for name, note in notes.items() if name is not None]


def missing_sheet(path: Path, sheet: str, names: Sequence[str]) -> InputError:
    """An :class:`InputError` for a sheet ``sheet`` the file does not have; the reason lists ``names``."""
    listed = ", ".join(f"'{name}'" for name in names) or "geen"
    return input_problem(path, f"er is geen blad '{sheet}' (bladen: {listed})",
                         "Kies een van deze bladen, of geef het blad de goede naam", sheet)


def normalise_cell(value: Any) -> Any:
    """Normalise one cell value from either engine (see :mod:`buitenbeeld.common.workbooks`)."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        if value.is_integer() and -_MAX_EXACT_INT < value < _MAX_EXACT_INT:
            return int(value)
        return value
    if value is None or kind is int or kind is bool:
        return value
    if kind is dt.datetime:
        if value.time() == _MIDNIGHT and value.tzinfo is None:
            return value.date()
        return value
    return value  # date, time, timedelta


def shape_rows(rows: Iterable[Sequence[Any]], cell=normalise_cell, notes: list[CellNote] | None = None,
               csv_file: bool = False) -> list[tuple]:
    """Normalise cells, drop trailing empty rows and pad every row to one width.

    A text cell longer than ``LIMITS.max_cell_chars`` becomes ``None`` with a
    note appended to ``notes``; its row is kept (also when it is the last).
    """
    limit = settings.LIMITS.max_cell_chars
    normalised: list[list[Any]] = []
    width = 0
    last = -1
    for index, row in enumerate(rows):
        values = [cell(value) for value in row]
        keep = 0  # cells up to a noted one stay, so that the note has its cell
        if max([len(value) for value in values if type(value) is str], default=0) > limit:
            for position, value in enumerate(values):
                if type(value) is str and len(value) > limit:
                    values[position] = None
                    keep = position + 1
                    if notes is not None:
                        notes.append(_too_long(index + 1, position, len(value), limit, csv_file))
        while len(values) > keep and values[-1] is None:
            values.pop()
        if values:
            last = index
            width = max(width, len(values))
        normalised.append(values)
    del normalised[last + 1:]
    return [tuple(values) + (None,) * (width - len(values)) for values in normalised]


def _too_long(row: int, column: int, length: int, limit: int, csv_file: bool) -> CellNote:
    variable, _ = LIMIT_VARIABLES["max_cell_chars"]
    hint = (f"Maak de tekst korter (Excel zelf houdt op bij 32.767 tekens). Is de tekst goed? Zet dan de grens "
            f"hoger met de omgevingsvariabele {variable}")
    if csv_file:
        hint = ("Kijk of er in deze rij een aanhalingsteken (\") mist: dan lijkt de rest van het bestand één cel. "
                + hint)
    return CellNote(row, column, f"de cel is te lang: {dutch_number(length)} tekens; de grens is "
                                 f"{dutch_number(limit)} tekens ({variable}). De waarde telt als onbekend",
                    hint, "te_lang")
