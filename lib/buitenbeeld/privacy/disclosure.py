"""Disclosure control: small counts of young people never reach a report.

Every table and figure that shows counts of young people passes them through
here. Two kinds of suppression, each with its own symbol:

- primary: a count ``1 .. threshold - 1`` is shown as ``<threshold`` (``<10``);
- secondary: in a table with totals, a cell that would let a reader recompute a
  suppressed cell from its total is shown as ``x`` (the CBS symbol for *geheim*).

A zero is shown as ``0``: a true zero is not disclosive. A missing value is ``.``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from buitenbeeld.common.formatting import format_count, is_missing
from buitenbeeld.errors import DisclosureError

__all__ = [
    "DEFAULT_THRESHOLD", "SECONDARY",
    "is_suppressed", "show_count", "suppress_table", "suppress_series",
    "shown_value", "is_shown", "share_is_safe", "suppress_table_given", "derivable_small_counts",
]

#: Counts of young people below this are suppressed.
DEFAULT_THRESHOLD = 10
#: What a report shows for a cell suppressed only to protect another (CBS: geheim).
SECONDARY = "x"


def is_suppressed(value, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when ``value`` is a count too small to show (``0 < value < threshold``)."""
    return not is_missing(value) and 0 < value < threshold


def show_count(value, threshold: int = DEFAULT_THRESHOLD) -> str:
    """A count of young people as a report shows it: ``<10`` when small, else Dutch-formatted."""
    if is_missing(value):
        return format_count(None)
    return f"<{threshold}" if is_suppressed(value, threshold) else format_count(value)


def shown_value(text) -> float:
    """The number a shown count stands for (``1.234`` -> 1234), NaN when it is hidden or unknown.

    Hidden: ``<10`` (primary) or ``x`` (secondary); unknown: ``.`` or empty. A
    figure or a further rule that builds on a shown table reads it back here,
    so that only this module knows the symbols.
    """
    digits = str(text).strip().replace(".", "")
    return float(digits) if digits.isdigit() else float("nan")


def is_shown(text) -> bool:
    """True when a shown count is a number a reader can see (``0`` included), not ``<10``, ``x`` or ``.``."""
    return not np.isnan(shown_value(text))


def share_is_safe(part, whole, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a share ``part / whole`` may be shown: neither the part nor the rest is a small count.

    With the whole shown beside it, a share gives the rest away: 73% of 19 is
    14 retained and so 5 not.
    """
    if is_missing(part) or is_missing(whole) or not whole > 0:
        return False
    return not is_suppressed(part, threshold) and not is_suppressed(whole - part, threshold)


def _position(labels: pd.Index, label, what: str) -> int | None:
    """Position of the total ``label`` in ``labels``; ``None`` when there is no total."""
    if label is None:
        return None
    position = labels.get_loc(label) if label in labels else None
    if not isinstance(position, (int, np.integer)):
        raise DisclosureError(f"{what} {label!r} is not exactly one label of the table ({list(labels)!r}).")
    return int(position)


def _counts(table: pd.DataFrame) -> np.ndarray:
    """The table as a float array, NaN for missing; refuses text and negative numbers."""
    try:
        values = table.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise DisclosureError(f"A table to suppress must hold counts only: {exc}") from None
    if (values < 0).any():
        raise DisclosureError("A table to suppress must hold counts only: it has a negative value.")
    return values


def suppress_table(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    total_row: str | None = None,
    total_column: str | None = None,
) -> pd.DataFrame:
    """The table as a report shows it: Dutch-formatted strings with small counts suppressed.

    Parameters
    ----------
    table : pandas.DataFrame
        Counts of young people (missing allowed), totals included.
    threshold : int
        Counts ``1 .. threshold - 1`` are suppressed.
    total_row, total_column : str, optional
        Label of the row (column) that holds the column (row) totals. A line
        (row or column) *has a total* when its cell in the total column (row) exists.

    Returns
    -------
    pandas.DataFrame
        Same index and columns; each cell ``<threshold`` (primary), ``x``
        (secondary), ``.`` (missing) or the Dutch-formatted count.

    Notes
    -----
    Primary suppression covers every cell, totals included. Secondary: a line
    with a known total is an equation, so a single hidden cell in it (the total
    counted as one of its cells) could be recomputed. While some line has exactly
    one hidden cell, its smallest other non-zero visible cell is hidden too (an
    inner cell before the total on a tie). Lines are visited rows first, then
    columns, in table order, until nothing changes, so the result is
    deterministic but not guaranteed minimal. Zeros and missing values are never
    hidden and never count as hidden. A line whose total is missing is skipped.
    """
    nothing_hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
    return suppress_table_given(table, nothing_hidden, threshold, total_row, total_column)


def suppress_series(series: pd.Series, threshold: int = DEFAULT_THRESHOLD, total_label=None) -> pd.Series:
    """A series of counts as a report shows it; ``total_label`` names its total, if it has one.

    The series is one line: see :func:`suppress_table` for the rules and symbols.
    """
    frame = series.to_frame("count")
    shown = suppress_table(frame, threshold, total_row=total_label)["count"]
    return shown.rename(series.name)


def suppress_table_given(
    table: pd.DataFrame,
    hidden: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    total_row: str | None = None,
    total_column: str | None = None,
) -> pd.DataFrame:
    """:func:`suppress_table` for a table some of whose cells are already hidden elsewhere in the document.

    ``hidden`` (booleans, same labels) marks the cells another table of the same
    document hides, say a total the funnel shows as ``x``: they are shown as
    ``x`` here too and count as hidden in the secondary suppression, so that the
    other cells of their lines cannot give them back. With nothing given it is
    :func:`suppress_table`; see there for the rules.
    """
    values = _counts(table)
    given = hidden.reindex(index=table.index, columns=table.columns).fillna(False).to_numpy(dtype=bool)
    row_total = _position(table.index, total_row, "total_row")
    column_total = _position(table.columns, total_column, "total_column")
    n_rows, n_columns = values.shape
    primary = (values > 0) & (values < threshold)
    hide = primary | (given & ~np.isnan(values) & (values > 0))
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    if column_total is not None:
        lines += [([(i, j) for j in range(n_columns)], (i, column_total)) for i in range(n_rows)]
    if row_total is not None:
        lines += [([(i, j) for i in range(n_rows)], (row_total, j)) for j in range(n_columns)]
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if np.isnan(values[total]) or sum(hide[cell] for cell in cells) != 1:
                continue
            candidates = [cell for cell in cells if not hide[cell] and values[cell] > 0]
            if candidates:
                hide[min(candidates, key=lambda cell: (values[cell], cell == total))] = True
                changed = True
    shown = [
        [f"<{threshold}" if primary[i, j] else SECONDARY if hide[i, j] else format_count(values[i, j])
         for j in range(n_columns)]
        for i in range(n_rows)
    ]
    return pd.DataFrame(shown, index=table.index, columns=table.columns)


def derivable_small_counts(
    tables: dict[str, pd.DataFrame],
    relations: list[tuple[tuple, list[tuple]]],
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[tuple, float]:
    """The hidden cells of one document a reader can recompute as a small count by adding and subtracting.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The tables of one document as shown (strings: ``12``, ``<10``, ``x``, ``.``).
    relations : list of (total, parts)
        Declared sums: ``total`` and each part are cells ``(table, row, column)``;
        ``total = sum(parts)``. An equality (one figure in two tables) is a
        relation with one part.
    threshold : int
        A derived value ``1 .. threshold - 1`` of a hidden cell is a disclosure.

    Returns
    -------
    dict
        Cell -> derived value, for each hidden cell whose value follows from the
        shown cells through the relations (repeatedly: a derived cell helps
        derive the next) and is a small count. Empty when the document is safe.
    """
    known: dict[tuple, float] = {}
    for name, frame in tables.items():
        for row in frame.index:
            for column in frame.columns:
                value = shown_value(frame.at[row, column])
                if not np.isnan(value):
                    known[(name, row, column)] = value
    shown = set(known)
    present = {(name, row, column) for name, frame in tables.items() for row in frame.index for column in frame.columns}
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            cells = [total, *parts]
            unknown = [cell for cell in cells if cell not in known]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            rest = sum(known[part] for part in parts if part != cell)
            known[cell] = rest if cell == total else known[total] - rest
            changed = True
    return {cell: value for cell, value in known.items() if cell in present and cell not in shown
            and is_suppressed(value, threshold)}
